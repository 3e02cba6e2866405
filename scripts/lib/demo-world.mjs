/**
 * Fixed reference data for the demo shop: categories, products, cities, channels. Separate from
 * the simulation in gen-demo.mjs so the planted effects there read without the lists in the way.
 */
import { cumulative } from './rng.mjs';

/** name, popularity, median unit price, refund-rate factor (apparel and shoes come back most). */
export const CATEGORIES = [
  ['apparel', 14, 39, 2.2],
  ['beauty', 11, 59, 0.8],
  ['snacks', 10, 15, 0.2],
  ['phones', 2, 799, 0.9],
  ['home', 8, 45, 0.8],
  ['shoes', 6, 129, 2.0],
  ['baby', 5, 69, 0.7],
  ['toys', 4, 49, 0.8],
  ['sports', 4, 89, 1.0],
  ['books', 4, 29, 0.3],
  ['pets', 4, 35, 0.5],
  ['kitchen', 5, 59, 0.8],
  ['laptops', 0.5, 1999, 0.9],
  ['audio', 3, 199, 1.0],
  ['health', 4, 79, 0.4],
  ['drinks', 5, 12, 0.2],
  ['bags', 3, 159, 1.5],
  ['jewelry', 1.3, 299, 1.2],
  ['garden', 2, 39, 0.6],
  ['auto', 2, 99, 0.6],
];
export const CATEGORY_CUM = cumulative(CATEGORIES.map((c) => c[1]));

export const CHANNELS = ['web', 'app', 'mini_program', 'marketplace', 'social'];
/** Share of sign-ups and of orders outside a customer's own channel. */
export const CHANNEL_CUM = cumulative([22, 30, 18, 20, 10]);

/** city, province, tier (as written in Chinese tier lists), weight. */
export const CITIES = [
  ['Shanghai', 'Shanghai', '1', 9],
  ['Beijing', 'Beijing', '1', 8],
  ['Shenzhen', 'Guangdong', '1', 7],
  ['Guangzhou', 'Guangdong', '1', 7],
  ['Chengdu', 'Sichuan', 'new 1', 6],
  ['Hangzhou', 'Zhejiang', 'new 1', 6],
  ['Chongqing', 'Chongqing', 'new 1', 5],
  ['Wuhan', 'Hubei', 'new 1', 5],
  ['Nanjing', 'Jiangsu', 'new 1', 4],
  ['Suzhou', 'Jiangsu', 'new 1', 4],
  ["Xi'an", 'Shaanxi', 'new 1', 4],
  ['Changsha', 'Hunan', 'new 1', 3],
  ['Tianjin', 'Tianjin', 'new 1', 3],
  ['Zhengzhou', 'Henan', 'new 1', 3],
  ['Dongguan', 'Guangdong', 'new 1', 3],
  ['Qingdao', 'Shandong', 'new 1', 3],
  ['Ningbo', 'Zhejiang', '2', 3],
  ['Hefei', 'Anhui', '2', 3],
  ['Fuzhou', 'Fujian', '2', 2],
  ['Xiamen', 'Fujian', '2', 2],
  ['Jinan', 'Shandong', '2', 2],
  ['Kunming', 'Yunnan', '2', 2],
  ['Shenyang', 'Liaoning', '2', 2],
  ['Dalian', 'Liaoning', '2', 2],
  ['Harbin', 'Heilongjiang', '2', 2],
  ['Nanning', 'Guangxi', '2', 2],
  ['Wuxi', 'Jiangsu', '2', 2],
  ['Foshan', 'Guangdong', '2', 2],
  ['Nanchang', 'Jiangxi', '2', 2],
  ['Guiyang', 'Guizhou', '2', 2],
  ['Lanzhou', 'Gansu', '3', 1.5],
  ['Yangzhou', 'Jiangsu', '3', 1.5],
  ['Guilin', 'Guangxi', '3', 1.5],
  ['Luoyang', 'Henan', '3', 1.5],
  ['Weifang', 'Shandong', '3', 1.5],
  ['Baoding', 'Hebei', '3', 1.5],
  ['Mianyang', 'Sichuan', '3', 1.2],
  ['Zhuzhou', 'Hunan', '3', 1.2],
  ['Yichang', 'Hubei', '3', 1.2],
  ['Ganzhou', 'Jiangxi', '3', 1.2],
  ['Zunyi', 'Guizhou', '4', 1.2],
  ['Qujing', 'Yunnan', '4', 1],
  ['Shangqiu', 'Henan', '4', 1],
  ['Heze', 'Shandong', '4', 1],
  ['Tianshui', 'Gansu', '4', 0.8],
  ['Suihua', 'Heilongjiang', '5', 0.8],
  ['Baise', 'Guangxi', '5', 0.8],
  ['Dingxi', 'Gansu', '5', 0.6],
];
export const CITY_CUM = cumulative(CITIES.map((c) => c[3]));

/** Spend multiplier by city tier: the planted tier gradient (documented in public/demo/README.md). */
export const TIER_SPEND = { 1: 1.45, 'new 1': 1.2, 2: 1.0, 3: 0.82, 4: 0.7, 5: 0.6 };

/** Spend multiplier by age band: 35–44 spend most, 18–24 least. */
export function ageSpend(age) {
  if (age < 25) return 0.65;
  if (age < 35) return 1.0;
  if (age < 45) return 1.3;
  if (age < 55) return 1.1;
  return 0.85;
}

export const OCCUPATIONS = [
  'office worker',
  'engineer',
  'teacher',
  'medical',
  'civil servant',
  'self-employed',
  'freelancer',
  'sales',
  'factory worker',
  'other',
];
export const OCCUPATION_CUM = cumulative([24, 12, 7, 6, 6, 12, 8, 9, 9, 7]);

/** Monthly income bands in CNY, as a profile export would write them. */
export const INCOME_BANDS = ['<5k', '5k-10k', '10k-20k', '20k-50k', '50k+'];
