/**
 * Funnels on the event log, with PostHog's and Amplitude's ordered-funnel semantics
 * (docs/metrics.md, Behaviour → Funnels):
 * - an entity (customer or session) enters at its **first** step-1 event, which starts the window;
 * - step k is reached at the first matching event at or after step k−1's time (strictly after when
 *   both steps match the same events) and within the window; events between steps do not matter;
 * - `any` order: the window starts at the entity's first event matching any step, and a step counts
 *   when a matching event falls inside it; step k is reached when steps 1…k all are;
 * - `strict` (exact) order, PostHog's "strict order": step k must be the entity's very next event
 *   after step k−1 (any other event in between breaks the chain), within the window; every step-1
 *   event is a possible start and the entity counts at the furthest step a start reaches (the
 *   earliest such start gives the times);
 * - each entity counts once; conversion is reached(k) ÷ reached(k−1), overall reached(k) ÷ reached(1).
 * The options schema is shared by the URL parser and the worker (one set of limits).
 */
import * as v from 'valibot';
import { sql, raw, num, ident, join, type Sql } from '../../lib/sql';
import { EVENT_TYPES, type EventType } from '../../ingest/event-types';
import { scopedEvents, ageBandExpr, type Scope } from '../scope';
import { DEMOGRAPHIC_DIMENSIONS } from '../attributes';
import { sessionised } from './sessions';

export const MAX_STEPS = 8;
/** Longest conversion window: 90 days, in minutes. */
export const MAX_WINDOW_MINUTES = 90 * 24 * 60;
/** Breakdown groups kept (most entrants first); the rest are `(other)`. Entry periods keep MAX_PERIODS. */
export const TOP_GROUPS = 12;
export const MAX_PERIODS = 60;

export const FUNNEL_BREAKDOWNS = ['none', ...DEMOGRAPHIC_DIMENSIONS, 'entry_day', 'entry_week', 'entry_month'] as const;
export type FunnelBreakdown = (typeof FUNNEL_BREAKDOWNS)[number];

const Narrow = v.nullable(
  v.pipe(
    v.string(),
    v.maxLength(200),
    v.check((s) => !s.includes('\0')),
  ),
);
export const FunnelStepSchema = v.object({ type: v.picklist(EVENT_TYPES), category: Narrow, product: Narrow });
export type FunnelStep = v.InferOutput<typeof FunnelStepSchema>;

export const FunnelSchema = v.object({
  steps: v.pipe(v.array(FunnelStepSchema), v.minLength(2), v.maxLength(MAX_STEPS)),
  windowMinutes: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_WINDOW_MINUTES)),
  order: v.picklist(['ordered', 'any', 'strict']),
  unit: v.picklist(['customers', 'sessions']),
  breakdown: v.picklist(FUNNEL_BREAKDOWNS),
});
export type FunnelParams = v.InferOutput<typeof FunnelSchema>;

export const FUNNEL_DEFAULTS: FunnelParams = {
  steps: [
    { type: 'view', category: null, product: null },
    { type: 'cart', category: null, product: null },
    { type: 'purchase', category: null, product: null },
  ],
  windowMinutes: 7 * 24 * 60,
  order: 'ordered',
  unit: 'customers',
  breakdown: 'none',
};

/** Validated funnel options, or an `invalid funnel: …` error. */
export function checkFunnel(x: unknown): FunnelParams {
  const r = v.safeParse(FunnelSchema, x);
  if (!r.success) throw new Error(`invalid funnel: ${r.issues.map((i) => i.message).join('; ')}`);
  return r.output;
}

/** One step's event condition on alias `e`. */
function matches(s: FunnelStep): Sql {
  const conds: Sql[] = [sql`e.event_type = ${s.type}`];
  if (s.category !== null) conds.push(sql`e.category = ${s.category}`);
  if (s.product !== null) conds.push(sql`e.product_id = ${s.product}`);
  return join(conds, ' AND ');
}

const sameStep = (a: FunnelStep, b: FunnelStep) => a.type === b.type && a.category === b.category && a.product === b.product;

function breakdownExpr(b: FunnelBreakdown): Sql {
  switch (b) {
    case 'none':
      return raw('CAST(NULL AS VARCHAR)');
    case 'entry_day':
    case 'entry_week':
    case 'entry_month':
      return sql`strftime(date_trunc(${b.slice(6)}, f.t1), '%Y-%m-%d')`;
    case 'age_band':
      return sql`coalesce(${ageBandExpr('c')}, '(none)')`;
    default:
      return sql`coalesce(CAST(c.${ident(b)} AS VARCHAR), '(none)')`;
  }
}

/**
 * One row per entity that entered the funnel: `ent`, `cust`, `t1`…`tN` (time each step was first
 * reached, NULL when not), `reached` (steps reached in a row from step 1) and `bd` (breakdown value).
 */
export function funnelEntities(scope: Scope, p: FunnelParams): Sql {
  const n = p.steps.length;
  const types = [...new Set(p.steps.map((s) => s.type))] as EventType[];
  const src = p.unit === 'sessions' ? sessionised(scope) : scopedEvents(scope);
  const ent = p.unit === 'sessions' ? raw('sid') : raw('customer_id');
  const w = sql`to_minutes(${num(p.windowMinutes)})`;
  // exact order needs every event (anything in between breaks a chain); the others only the steps'
  const ctes: Sql[] =
    p.order === 'strict'
      ? []
      : [sql`e AS (SELECT ${ent} AS ent, customer_id, ts, event_type, category, product_id FROM (${src}) WHERE event_type IN (${types}))`];
  const t = (k: number) => raw(`t${k}`);
  if (p.order === 'strict') {
    ctes.push(...strictChain(src, ent, p, w));
  } else if (p.order === 'ordered') {
    ctes.push(
      sql`s1 AS (SELECT e.ent, any_value(e.customer_id) AS cust, min(e.ts) AS t1 FROM e WHERE ${matches(p.steps[0]!)} GROUP BY e.ent)`,
    );
    for (let k = 2; k <= n; k++) {
      const prev = t(k - 1);
      const after = sameStep(p.steps[k - 1]!, p.steps[k - 2]!) ? sql`e.ts > s.${prev}` : sql`e.ts >= s.${prev}`;
      const keep = join(
        Array.from({ length: k - 1 }, (_, i) => sql`s.${t(i + 1)}`),
        ', ',
      );
      ctes.push(sql`s${raw(String(k))} AS (SELECT s.ent, s.cust, ${keep}, min(e.ts) AS ${t(k)} FROM s${raw(String(k - 1))} s
        LEFT JOIN e ON e.ent = s.ent AND ${matches(p.steps[k - 1]!)} AND ${after} AND e.ts <= s.t1 + ${w}
        GROUP BY ALL)`);
    }
  } else {
    const any = join(
      p.steps.map((s) => sql`(${matches(s)})`),
      ' OR ',
    );
    ctes.push(sql`st AS (SELECT e.ent, any_value(e.customer_id) AS cust, min(e.ts) AS t0 FROM e WHERE ${any} GROUP BY e.ent)`);
    const cols = p.steps.map((s, i) => sql`min(e.ts) FILTER (WHERE ${matches(s)}) AS ${t(i + 1)}`);
    ctes.push(sql`s${raw(String(n))} AS (SELECT s.ent, s.cust, ${join(cols)} FROM st s
      JOIN e ON e.ent = s.ent AND e.ts >= s.t0 AND e.ts <= s.t0 + ${w} GROUP BY s.ent, s.cust)`);
  }
  // steps reached in a row from step 1
  const reached = join(
    Array.from({ length: n }, (_, i) =>
      join(
        Array.from({ length: i + 1 }, (_, j) => sql`${t(j + 1)} IS NOT NULL`),
        ' AND ',
      ),
    ).map((c) => sql`CAST(${c} AS INTEGER)`),
    ' + ',
  );
  return sql`WITH ${join(ctes)}
    SELECT f.*, ${reached} AS reached, ${breakdownExpr(p.breakdown)} AS bd
    FROM s${raw(String(n))} f LEFT JOIN customers c ON c.customer_id = f.cust
    WHERE f.t1 IS NOT NULL`;
}

/**
 * CTEs ending in `s<n>` (ent, cust, t1…tn) for the strict order: the entity's events of every type
 * numbered in time order (same moment: events of an earlier step first, so ties count as in
 * order), one chain per step-1 event following consecutive numbers, the furthest chain kept.
 */
function strictChain(src: Sql, ent: Sql, p: FunnelParams, w: Sql): Sql[] {
  const n = p.steps.length;
  const rank = sql`CASE ${join(
    p.steps.map((st, i) => sql`WHEN ${matches(st)} THEN ${num(i + 1)}`),
    ' ',
  )} ELSE ${num(n + 1)} END`;
  const ctes: Sql[] = [
    sql`e0 AS (SELECT ${ent} AS ent, customer_id, ts, event_type, category, product_id FROM (${src}))`,
    sql`e AS (SELECT e.*, row_number() OVER (PARTITION BY e.ent ORDER BY e.ts, ${rank}, e.event_type, e.category, e.product_id) AS rn FROM e0 e)`,
    sql`c1 AS (SELECT e.ent, e.customer_id AS cust, e.rn AS r1, e.ts AS t1 FROM e WHERE ${matches(p.steps[0]!)})`,
  ];
  for (let k = 2; k <= n; k++) {
    const [r, t, prev] = [raw(`r${k}`), raw(`t${k}`), raw(`r${k - 1}`)];
    ctes.push(sql`c${raw(String(k))} AS (SELECT s.*, e.rn AS ${r}, e.ts AS ${t} FROM c${raw(String(k - 1))} s
      LEFT JOIN e ON e.ent = s.ent AND e.rn = s.${prev} + 1 AND ${matches(p.steps[k - 1]!)} AND e.ts <= s.t1 + ${w})`);
  }
  const times = join(
    Array.from({ length: n }, (_, i) => raw(`t${i + 1}`)),
    ', ',
  );
  const depth = join(
    Array.from({ length: n }, (_, i) => sql`CAST(r${raw(String(i + 1))} IS NOT NULL AS INTEGER)`),
    ' + ',
  );
  ctes.push(sql`s${raw(String(n))} AS (SELECT ent, cust, ${times} FROM c${raw(String(n))}
    QUALIFY row_number() OVER (PARTITION BY ent ORDER BY ${depth} DESC, t1, r1) = 1)`);
  return ctes;
}

/** The breakdown groups shown on their own (of `f`): the latest entry periods, else the largest groups. */
function keptGroups(p: FunnelParams): Sql {
  return p.breakdown.startsWith('entry_')
    ? sql`SELECT bd FROM f GROUP BY bd ORDER BY bd DESC LIMIT ${num(MAX_PERIODS)}`
    : sql`SELECT bd FROM f GROUP BY bd ORDER BY count(*) DESC, bd LIMIT ${num(TOP_GROUPS)}`;
}

/**
 * Entities reaching each step, overall (`breakdown` NULL) and per breakdown group, with the median
 * seconds from the previous step (ordered funnels only). Groups beyond the top ones are `(other)`.
 */
export function funnelSteps(scope: Scope, p: FunnelParams): Sql {
  const n = p.steps.length;
  const steps = Array.from({ length: n }, (_, i) => {
    const k = i + 1;
    const secs =
      k === 1 || p.order === 'any'
        ? raw('CAST(NULL AS DOUBLE)')
        : sql`median(epoch(t${raw(String(k))}) - epoch(t${raw(String(k - 1))})) FILTER (WHERE reached >= ${num(k)})`;
    const [label, groupBy] =
      p.breakdown === 'none'
        ? [raw('CAST(NULL AS VARCHAR)'), raw('')]
        : [raw('CASE WHEN grouping(g) = 1 THEN NULL ELSE g END'), raw('GROUP BY GROUPING SETS ((g), ())')];
    return sql`SELECT ${label} AS breakdown, ${num(k)} AS step,
      count(*) FILTER (WHERE reached >= ${num(k)}) AS entities, ${secs} AS median_secs,
      count(DISTINCT cust) FILTER (WHERE reached >= ${num(k)}) AS customers
      FROM fg ${groupBy}`;
  });
  return sql`WITH f AS (${funnelEntities(scope, p)}),
    keep AS (${keptGroups(p)}),
    fg AS (SELECT *, CASE WHEN bd IS NULL THEN NULL WHEN bd IN (SELECT bd FROM keep) THEN bd ELSE '(other)' END AS g FROM f)
    ${join(steps, ' UNION ALL ')}
    ORDER BY breakdown NULLS FIRST, step`;
}

/** Who a funnel list holds: those who reached `step`, or those who reached `step − 1` but not `step`. */
export interface FunnelTarget {
  step: number;
  kind: 'reached' | 'dropped';
  /** a breakdown group, or null for everyone */
  breakdown: string | null;
}

/**
 * Customers of a step or of a drop-off: `entered` (first step-1 time), `last_step` (furthest step
 * reached, 1-based) and, by sessions, `sessions` (their matching sessions). Newest entrants first.
 */
export function funnelMembers(scope: Scope, p: FunnelParams, target: FunnelTarget): Sql {
  const k = target.step;
  if (!Number.isInteger(k) || k < 1 || k > p.steps.length || (target.kind === 'dropped' && k < 2))
    throw new Error(`invalid funnel step: ${k}`);
  const cond = target.kind === 'reached' ? sql`reached >= ${num(k)}` : sql`reached = ${num(k - 1)}`;
  const group =
    target.breakdown === null
      ? raw('TRUE')
      : target.breakdown === '(other)'
        ? sql`bd IS NOT NULL AND bd NOT IN (${keptGroups(p)})`
        : sql`bd = ${target.breakdown}`;
  return sql`WITH f AS (${funnelEntities(scope, p)})
    SELECT cust AS customer_id, strftime(min(t1), '%Y-%m-%d %H:%M:%S') AS entered, max(reached) AS last_step, count(*) AS ${raw(
      p.unit === 'sessions' ? 'sessions' : 'entries',
    )}
    FROM f WHERE ${cond} AND ${group} GROUP BY cust ORDER BY min(t1) DESC, cust`;
}
