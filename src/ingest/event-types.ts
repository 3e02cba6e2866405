/**
 * Canonical behaviour types and the words exports use for them (English and Chinese), plus the
 * numeric codes of the Tianchi mobile log (1 view, 2 favourite, 3 cart, 4 purchase).
 * `click` and `impression` are their own types so a click-through rate can be measured where a log
 * has both (ad and recommendation logs); a log with page views only has `view`.
 */

export const EVENT_TYPES = ['view', 'cart', 'fav', 'purchase', 'review', 'share', 'click', 'impression', 'other'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Lower-case raw value → canonical type. */
export const EVENT_VOCAB: Readonly<Record<string, EventType>> = {
  pv: 'view',
  view: 'view',
  views: 'view',
  page_view: 'view',
  'page view': 'view',
  page_viewed: 'view',
  'viewed product': 'view',
  product_view: 'view',
  product_viewed: 'view',
  pageview: 'view',
  // PostHog and GA4 names
  $pageview: 'view',
  $screen: 'view',
  screen_view: 'view',
  view_item: 'view',
  detail: 'view',
  visit: 'view',
  浏览: 'view',
  访问: 'view',
  click: 'click',
  clicks: 'click',
  clk: 'click',
  select_item: 'click',
  select_promotion: 'click',
  $autocapture: 'click',
  点击: 'click',
  impression: 'impression',
  impressions: 'impression',
  imp: 'impression',
  expose: 'impression',
  exposure: 'impression',
  view_item_list: 'impression',
  view_promotion: 'impression',
  曝光: 'impression',
  展现: 'impression',
  展示: 'impression',
  cart: 'cart',
  addtocart: 'cart',
  add_to_cart: 'cart',
  'add-to-cart': 'cart',
  add: 'cart',
  加购: 'cart',
  加入购物车: 'cart',
  'added to cart': 'cart',
  'product added': 'cart',
  购物车: 'cart',
  fav: 'fav',
  favorite: 'fav',
  favourite: 'fav',
  collect: 'fav',
  wishlist: 'fav',
  add_to_wishlist: 'fav',
  like: 'fav',
  收藏: 'fav',
  buy: 'purchase',
  purchase: 'purchase',
  order: 'purchase',
  pay: 'purchase',
  paid: 'purchase',
  transaction: 'purchase',
  'order completed': 'purchase',
  order_completed: 'purchase',
  购买: 'purchase',
  下单: 'purchase',
  支付: 'purchase',
  付款: 'purchase',
  成交: 'purchase',
  'order placed': 'purchase',
  checkout_completed: 'purchase',
  'completed order': 'purchase',
  review: 'review',
  comment: 'review',
  rate: 'review',
  rating: 'review',
  评价: 'review',
  评论: 'review',
  share: 'share',
  分享: 'share',
  转发: 'share',
};

/** Tianchi mobile `behavior_type` codes. */
export const NUMERIC_EVENT_CODES: Readonly<Record<string, EventType>> = { '1': 'view', '2': 'fav', '3': 'cart', '4': 'purchase' };

/** Canonical type of one raw value (`other` when unknown). */
export function canonicalEventType(rawValue: string): EventType {
  return EVENT_VOCAB[rawValue.trim().toLowerCase()] ?? 'other';
}

/** True when the value is a known behaviour word. */
export function isEventWord(rawValue: string): boolean {
  return rawValue.trim().toLowerCase() in EVENT_VOCAB;
}
