#!/usr/bin/env node
/**
 * Demo dataset for Customer Atlas: `npm run demo-data` writes public/demo/{orders,events,customers}.csv.
 *
 * A small e-commerce shop over 2024-01-01 … 2025-12-31, simulated customer by customer with a
 * seeded PRNG (same seed → byte-identical files). The structure planted for users to find, and the
 * figures it produces, are documented in public/demo/README.md and asserted in
 * test/unit/generators.test.ts — change a constant here and both must follow.
 *
 * Options: --out DIR (default public/demo), --seed S (default 2025).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { Rng, cumulative } from './lib/rng.mjs';
import { DAYS, DAY_S, HOUR_WEIGHTS, dayWeights, monthOf, stamp } from './lib/calendar.mjs';
import {
  CATEGORIES,
  CATEGORY_CUM,
  CHANNELS,
  CHANNEL_CUM,
  CITIES,
  CITY_CUM,
  INCOME_BANDS,
  OCCUPATIONS,
  OCCUPATION_CUM,
  TIER_SPEND,
  ageSpend,
} from './lib/demo-world.mjs';

const REGULAR = 2700; // ordinary sign-ups, about 6 % of them loyal
const CAMPAIGN = 150; // extra social sign-ups from a September 2024 campaign: the churning cohort
const BROWSERS = 380; // accounts that browse and never buy
const LOYAL_RATE = 0.05;
const LOYAL_PER_DAY = 0.011; // median order rate of a loyal buyer (~0.33 a month)
const REGULAR_PER_DAY = 0.0036; // median for everyone else (~0.11 a month), widely spread
const EXISTING_RATE = 0.3; // share of regular customers who signed up before 2024
const COHORT_MONTH = 8; // 2024-09 (month index from 2024-01)
const COHORT_CHANNEL = CHANNELS.indexOf('social');
const BAD_CHANNEL = CHANNELS.indexOf('mini_program');
const SEP_2024 = 244; // day index of 2024-09-01
const PROMO_DAYS = new Set([170, 314, 315, 345, 535, 679, 680, 710]); // 6.18, 11.10/11, 12.12 in both years
const PROFILE_RATE = 0.9;
const EVENTS_FROM = 366; // the behaviour log keeps 2025 only, as tracking exports often cover a year
const BLANK_RATE = 0.04;
/** A/B test (customers.csv `experiment`): extra converters in `coupon` as a share of all profiles. */
const EXPERIMENT_SHIFT = 0.015;
/** Loyal channel: weight of the id hash against coming back (0: app takes every returning buyer first). */
const LOYAL_CHANNEL_NOISE = 4;

const season = dayWeights();
const seasonMax = Math.max(...season);
const seasonMean = season.reduce((a, b) => a + b, 0) / DAYS;
const signupCum = cumulative(Array.from(season, (w) => Math.sqrt(w))); // acquisition follows the season, damped
const hourCum = cumulative(HOUR_WEIGHTS);
const browserChannelCum = cumulative([15, 12, 45, 10, 18]); // non-buyers skew to the mini program

/** Products per category: id, price (shop-style .90 / …9 endings), Zipf popularity. */
function makeProducts(rng) {
  let next = 1001;
  return CATEGORIES.map(([, , median]) => {
    const n = 12 + rng.int(14);
    const ids = [];
    const prices = [];
    for (let i = 0; i < n; i++) {
      const p = rng.lognormal(median, 0.45);
      ids.push(`P${next++}`);
      prices.push(p < 100 ? Math.floor(p) + 0.9 : Math.round(p / 10) * 10 - 1);
    }
    return { ids, prices, cum: cumulative(ids.map((_, i) => 1 / (i + 1))) };
  });
}

/** A seconds offset inside the given day, following the hour-of-day profile. */
function timeIn(rng, day) {
  return day * DAY_S + rng.weighted(hourCum) * 3600 + rng.int(3600);
}

/** Days of a seasonal Poisson process with `perDay` average rate on [from, to) (thinning). */
function seasonalDays(rng, perDay, from, to) {
  const days = [];
  const peak = (perDay * seasonMax) / seasonMean;
  if (peak <= 0) return days;
  for (let t = from + rng.exp(1 / peak); t < to; t += rng.exp(1 / peak)) {
    const day = Math.floor(t);
    if (rng.next() < season[day] / seasonMax) days.push(day);
  }
  return days;
}

function makeCustomer(rng, kind) {
  const loyal = kind === 'regular' && rng.chance(LOYAL_RATE);
  // Some customers signed up before the export window: their first order in the data is not their
  // first ever, as in any real export. Loyal buyers mostly date from before or early on.
  const existing = kind === 'regular' && rng.chance(loyal ? 0.6 : EXISTING_RATE);
  let signup;
  if (kind === 'campaign') signup = SEP_2024 + rng.int(30);
  else if (existing) signup = -1 - rng.int(730);
  else if (loyal) signup = rng.int(300);
  else signup = rng.weighted(signupCum);
  const channel = kind === 'campaign' ? COHORT_CHANNEL : kind === 'browser' ? rng.weighted(browserChannelCum) : rng.weighted(CHANNEL_CUM);
  const age = Math.max(18, Math.min(72, Math.round(35 + 12 * rng.normal())));
  const city = rng.weighted(CITY_CUM);
  const tier = CITIES[city][2];
  const occupation =
    age < 23 && rng.chance(0.7) ? 'student' : age >= 60 && rng.chance(0.7) ? 'retired' : OCCUPATIONS[rng.weighted(OCCUPATION_CUM)];
  const tierBoost = { 1: 1, 'new 1': 0.6, 2: 0.2, 3: -0.2, 4: -0.5, 5: -0.7 }[tier];
  const ageBoost = age < 23 ? -1 : age < 30 ? 0 : age < 45 ? 0.5 : age < 60 ? 0.3 : -0.2;
  const income = INCOME_BANDS[Math.max(0, Math.min(4, Math.round(1.3 + tierBoost + ageBoost + 0.8 * rng.normal())))];
  const cohort = kind !== 'browser' && monthOf(signup) === COHORT_MONTH && channel === COHORT_CHANNEL;
  const spend = TIER_SPEND[tier] * ageSpend(age) * rng.lognormal(1, 0.3) * (loyal ? 1.3 : 1);
  let rate = loyal ? rng.lognormal(LOYAL_PER_DAY, 0.3) : rng.lognormal(REGULAR_PER_DAY, 0.8); // orders per day
  rate *= Math.pow(spend, 0.7); // richer customers also buy more often: tier and age gaps show in revenue per buyer
  if (cohort) rate = 0.03;
  if (channel === BAD_CHANNEL) rate *= 0.6;
  const lifeEnd = cohort ? signup + 50 + rng.int(25) : loyal ? DAYS : Math.max(signup, 0) + rng.exp(kind === 'browser' ? 150 : 420);
  return {
    kind,
    loyal,
    cohort,
    existing,
    signup,
    channel,
    age,
    city,
    occupation,
    income,
    spend,
    rate,
    lifeEnd,
    female: rng.chance(0.58),
    hasProfile: rng.chance(PROFILE_RATE),
    favs: [rng.weighted(CATEGORY_CUM), rng.weighted(CATEGORY_CUM)],
    id: '',
  };
}

/** Simulate one buyer's orders and the events around them, and everyone's browsing. */
function simulate(rng, c, products, orders, events) {
  let session = events.sessions;
  const ev = (t, type, cat, product, s) => {
    if (t >= EVENTS_FROM * DAY_S && t < DAYS * DAY_S) events.rows.push({ t, c, type, cat, product, s });
  };
  const pickCategory = () => (rng.chance(0.45) ? rng.pick(c.favs) : rng.weighted(CATEGORY_CUM));
  // High spenders pick the dearest of a few candidates: the spend gradient shows up in prices paid.
  const pickProduct = (cat) => {
    const p = products[cat];
    let best = rng.weighted(p.cum);
    const k = Math.max(1, Math.min(5, Math.round(c.spend * 1.6)));
    for (let i = 1; i < k; i++) {
      const j = rng.weighted(p.cum);
      if (p.prices[j] > p.prices[best]) best = j;
    }
    return best;
  };

  if (c.kind !== 'browser') {
    const end = Math.min(DAYS, c.lifeEnd);
    // New customers buy on their sign-up day; earlier customers just keep their rhythm.
    const days = c.existing ? seasonalDays(rng, c.rate, 0, end) : [c.signup, ...seasonalDays(rng, c.rate, c.signup + 1, end)];
    days.forEach((day, n) => {
      const t = timeIn(rng, day);
      // `own`: the order came through the customer's own channel (relabelled with it by plantLoyalChannel)
      const own = n === 0 || rng.chance(0.75);
      const channel = own ? c.channel : rng.weighted(CHANNEL_CUM);
      const nLines = 1 + rng.weighted(cumulative(c.loyal ? [50, 30, 13, 7] : [68, 22, 7, 3]));
      const cancelled = rng.chance(0.012);
      const s = session++;
      const lines = [];
      for (let l = 0; l < nLines; l++) {
        const cat = pickCategory();
        const pi = pickProduct(cat);
        const product = products[cat].ids[pi];
        const unit = Math.round(products[cat].prices[pi] * (PROMO_DAYS.has(day) ? 0.85 : 1) * 100) / 100;
        const qty = 1 + (rng.chance(Math.min(0.5, 0.15 * c.spend)) ? 1 + rng.poisson(0.4) : 0);
        const refunded = !cancelled && rng.chance(0.028 * CATEGORIES[cat][3]);
        lines.push({ cat, product, qty, unit, status: cancelled ? 'cancelled' : refunded ? 'refunded' : 'completed' });
        const views = 1 + rng.poisson(0.6);
        for (let v = 0; v < views; v++) ev(t - 120 - rng.int(1800), 'view', cat, product, s);
        if (rng.chance(0.4)) ev(t - 60 - rng.int(1800), 'view', cat, products[cat].ids[rng.weighted(products[cat].cum)], s);
        if (rng.chance(0.85)) ev(t - 30 - rng.int(600), 'cart', cat, product, s);
        ev(t, 'purchase', cat, product, s);
        if (rng.chance(c.channel === COHORT_CHANNEL ? 0.1 : 0.025)) ev(t + 20 + rng.int(600), 'share', cat, product, s);
        if (!cancelled && !refunded && rng.chance(0.1)) {
          const rt = t + (3 + rng.int(18)) * DAY_S + rng.int(DAY_S);
          ev(rt, 'review', cat, product, session++);
        }
      }
      orders.push({ t, c, channel, own, lines });
    });
  }

  // Browsing without buying. The mini program draws many sessions and carts that rarely convert.
  const bad = c.channel === BAD_CHANNEL;
  const perDay = c.kind === 'browser' ? 0.025 : (bad ? 4 : 0.45) * c.rate + 0.001;
  const cartP = bad ? 0.6 : 0.35;
  const browseEnd = Math.min(DAYS, c.lifeEnd + 60);
  for (const day of seasonalDays(rng, perDay, Math.max(EVENTS_FROM, c.signup), browseEnd)) {
    const s = session++;
    let t = timeIn(rng, day);
    const cat = pickCategory();
    const n = 1 + rng.poisson(1.5);
    let last = '';
    for (let v = 0; v < n; v++) {
      last = products[cat].ids[rng.weighted(products[cat].cum)];
      ev(t, 'view', cat, last, s);
      t += 20 + rng.int(280);
    }
    if (rng.chance(cartP)) ev(t, 'cart', cat, last, s);
    if (rng.chance(0.08)) ev(t + 5, 'fav', cat, last, s);
    if (rng.chance(0.02)) ev(t + 10, 'share', cat, last, s);
  }
  events.sessions = session;
}

/** A uniform number in [0, 1) from an integer alone (murmur3's finaliser): no random stream is touched. */
function hashUnit(n) {
  let h = (n ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

/**
 * The planted loyal channel: among ordinary buyers acquired through `app`, `web` or `marketplace`,
 * the channel labels are dealt again so that `app` goes to those who came back — an order within
 * 90 days of their first and one after that — more often (the rest of the order is a hash of the
 * id). Only labels move: every customer keeps their orders and the three channels keep their
 * number of customers, so no random number is drawn and every other figure stays as it was.
 */
function plantLoyalChannel(customers, orders) {
  const pool = new Set(['app', 'web', 'marketplace'].map((ch) => CHANNELS.indexOf(ch)));
  const times = new Map();
  for (const o of orders)
    if (o.lines.some((l) => l.status === 'completed')) {
      if (!times.has(o.c)) times.set(o.c, []);
      times.get(o.c).push(o.t);
    }
  const eligible = customers.filter((c) => c.kind === 'regular' && !c.cohort && pool.has(c.channel) && times.has(c));
  const score = (c) => {
    const ts = times.get(c);
    const first = Math.min(...ts);
    const soon = ts.some((t) => t > first && t <= first + 90 * DAY_S);
    const later = ts.some((t) => t > first + 90 * DAY_S);
    return 2 * Number(soon) + Number(later) + LOYAL_CHANNEL_NOISE * hashUnit(Number(c.id.slice(1)));
  };
  const labels = eligible.map((c) => c.channel);
  const app = CHANNELS.indexOf('app');
  const nApp = labels.filter((x) => x === app).length;
  const rest = labels.filter((x) => x !== app).sort((a, b) => a - b);
  const ranked = eligible.map((c) => ({ c, s: score(c) })).sort((a, b) => b.s - a.s || (a.c.id < b.c.id ? -1 : 1));
  ranked.slice(0, nApp).forEach(({ c }) => (c.channel = app));
  // the others get web and marketplace back in an order that has nothing to do with how they bought
  const others = ranked.slice(nApp).sort((a, b) => hashUnit(Number(a.c.id.slice(1)) + 7919) - hashUnit(Number(b.c.id.slice(1)) + 7919));
  others.forEach(({ c }, i) => (c.channel = rest[i]));
}

const blank = (rng, v) => (rng.chance(BLANK_RATE) ? '' : v);

const MOBILE = ['138', '139', '150', '151', '186', '188'];

/**
 * Contact columns for the audience export, derived from the id alone (no random draws, so every
 * other column stays as it was): e-mail with stray spaces and capitals now and then, a Chinese
 * mobile number written four ways, and a few values no one can normalise (`n/a`, too short).
 */
function contact(id) {
  const n = Number(id.slice(1));
  const email = n % 11 === 0 ? '' : n % 7 === 0 ? ` User.${n}@Example.COM ` : `user.${n}@example.com`;
  const digits = `${MOBILE[n % MOBILE.length]}${String((n * 7919) % 1e8).padStart(8, '0')}`;
  const styles = [
    digits,
    `+86 ${digits.slice(0, 3)} ${digits.slice(3, 7)} ${digits.slice(7)}`,
    `${digits.slice(0, 3)}-${digits.slice(3, 7)}-${digits.slice(7)}`,
    `0086${digits}`,
  ];
  const phone = n % 13 === 0 ? '' : n % 53 === 0 ? 'n/a' : n % 47 === 0 ? digits.slice(0, 5) : styles[n % styles.length];
  return [email, phone];
}

/**
 * The planted A/B test: profiled customers split evenly into `control` and `coupon`. The coupon
 * made more people buy (coupon holds EXPERIMENT_SHIFT × profiles more buyers than control) but
 * smaller baskets: buyers are dealt, largest revenue first, to the group with less revenue so far,
 * so revenue per customer is the same in both. Deterministic and drawn from no random stream, so
 * every other figure of the demo stays as it was.
 */
function assignExperiment(profiled, orders) {
  const revenue = new Map();
  for (const o of orders)
    for (const l of o.lines)
      if (l.status === 'completed') revenue.set(o.c, (revenue.get(o.c) ?? 0) + Math.round(l.qty * l.unit * 100) / 100);
  const byId = [...profiled].sort((a, b) => (a.id < b.id ? -1 : 1));
  const buyers = byId.filter((c) => revenue.has(c)).sort((a, b) => revenue.get(b) - revenue.get(a) || (a.id < b.id ? -1 : 1));
  const others = byId.filter((c) => !revenue.has(c));
  const size = { coupon: Math.ceil(byId.length / 2), control: Math.floor(byId.length / 2) };
  const shift = Math.round(EXPERIMENT_SHIFT * byId.length);
  const cap = { coupon: Math.ceil(buyers.length / 2) + shift, control: Math.floor(buyers.length / 2) - shift };
  const sum = { coupon: 0, control: 0 };
  const n = { coupon: 0, control: 0 };
  for (const c of buyers) {
    let g = sum.coupon <= sum.control ? 'coupon' : 'control';
    if (n[g] >= cap[g]) g = g === 'coupon' ? 'control' : 'coupon';
    c.experiment = g;
    sum[g] += revenue.get(c);
    n[g]++;
  }
  for (const c of others) {
    const g = n.coupon < size.coupon && (n.coupon <= n.control || n.control >= size.control) ? 'coupon' : 'control';
    c.experiment = g;
    n[g]++;
  }
}

function customersCsv(rng, customers) {
  const out = ['customer_id,age,gender,region,city,city_tier,occupation,income,signup_channel,experiment,email,phone'];
  for (const c of customers) {
    if (!c.hasProfile) continue;
    const [city, region, tier] = CITIES[c.city];
    const fields = [c.age, c.female ? 'female' : 'male', region, city, tier, c.occupation, c.income, CHANNELS[c.channel]];
    out.push([c.id, ...fields.map((f) => blank(rng, String(f))), c.experiment, ...contact(c.id)].join(','));
  }
  return out.join('\n') + '\n';
}

function ordersCsv(orders) {
  const out = ['order_id,customer_id,order_time,product_id,category,quantity,unit_price,amount,channel,status'];
  orders.forEach((o, i) => {
    const head = `O${100001 + i},${o.c.id},${stamp(o.t)}`;
    for (const l of o.lines) {
      const amount = Math.round(l.qty * l.unit * 100) / 100;
      out.push(
        `${head},${l.product},${CATEGORIES[l.cat][0]},${l.qty},${l.unit.toFixed(2)},${amount.toFixed(2)},${CHANNELS[o.own ? o.c.channel : o.channel]},${l.status}`,
      );
    }
  });
  return out.join('\n') + '\n';
}

function eventsCsv(rows) {
  const out = ['user_id,event_time,event_type,product_id,category,session_id'];
  const sessionIds = new Map(); // renumber sessions in order of first appearance, so ids run with time
  for (const e of rows) {
    let s = sessionIds.get(e.s);
    if (s === undefined) sessionIds.set(e.s, (s = `s${(sessionIds.size + 1).toString(36)}`));
    out.push(`${e.c.id},${stamp(e.t)},${e.type},${e.product},${CATEGORIES[e.cat][0]},${s}`);
  }
  return out.join('\n') + '\n';
}

/** Build the three CSV texts for a seed. */
export function generateDemo(seed = 2025) {
  const rng = new Rng(seed, 0);
  const products = makeProducts(rng);
  const customers = [
    ...Array.from({ length: REGULAR }, () => makeCustomer(rng, 'regular')),
    ...Array.from({ length: CAMPAIGN }, () => makeCustomer(rng, 'campaign')),
    ...Array.from({ length: BROWSERS }, () => makeCustomer(rng, 'browser')),
  ];
  // Ids follow sign-up order, as a shop database would hand them out (stable sort keeps ties fixed).
  [...customers].sort((a, b) => a.signup - b.signup).forEach((c, i) => (c.id = `C${10001 + i}`));
  const orders = [];
  const events = { rows: [], sessions: 0 };
  for (const c of customers) simulate(rng, c, products, orders, events);
  orders.sort((a, b) => a.t - b.t);
  events.rows.sort((a, b) => a.t - b.t);
  plantLoyalChannel(customers, orders);
  const profiles = [...customers].sort((a, b) => (a.id < b.id ? -1 : 1));
  assignExperiment(
    profiles.filter((c) => c.hasProfile),
    orders,
  );
  return {
    'orders.csv': ordersCsv(orders),
    'events.csv': eventsCsv(events.rows),
    'customers.csv': customersCsv(new Rng(seed, 1), profiles),
  };
}

function main() {
  const { values } = parseArgs({ options: { out: { type: 'string', default: 'public/demo' }, seed: { type: 'string', default: '2025' } } });
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`invalid seed: ${values.seed}`);
  const dir = resolve(values.out);
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const files = generateDemo(seed);
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    const lines = text.split('\n').length - 2;
    process.stderr.write(`${name}: ${lines.toLocaleString('en')} rows, ${(text.length / 1e6).toFixed(2)} MB\n`);
  }
  process.stderr.write(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${dir}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
