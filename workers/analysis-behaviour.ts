/**
 * Behaviour page requests: events in scope, behaviour metrics, the funnel, the customers behind any
 * of their numbers, and the A/B comparison. SQL comes from `src/analysis/behaviour/*`; the worker
 * validates every option again (a link or an old page may send anything).
 */
import type { Db } from './duckdb';
import { job, ensureBase, type Job } from './query-runner';
import { resolveFitted } from './analysis-value';
import { MODELS, isModelId } from '../src/analysis/segmentation';
import type { Model } from '../src/analysis/segmentation/model';
import type { Scope } from '../src/analysis/scope';
import { assertDate } from '../src/lib/dates';
import { sql, num, type Sql } from '../src/lib/sql';
import { objectsToCsv, type Cell } from '../src/lib/csv';
import { scopedEvents } from '../src/analysis/scope';
import { checkFunnel, funnelSteps, funnelMembers } from '../src/analysis/behaviour/funnel';
import { behaviourMetrics, behaviourTotals, metricMembers, METRIC_SPLITS, type MetricsRow } from '../src/analysis/behaviour/metrics';
import { sessionModeSql } from '../src/analysis/behaviour/sessions';
import {
  abGroups,
  abRevenues,
  abMembers,
  abExcluded,
  abSourcesSql,
  isAbSource,
  MAX_GROUPS,
  type AbSource,
} from '../src/analysis/behaviour/ab';
import { compareGroups, type AbGroup } from '../src/analysis/behaviour/ab-compare';
import { PathSchema, topPaths, pathFlow, purchaseSequence } from '../src/analysis/behaviour/paths';
import {
  channelsOverTime,
  newCustomers,
  channelRetention,
  channelMembers,
  touchSummary,
  touchMembers,
  eventSourcesSql,
} from '../src/analysis/behaviour/channels';
import * as v from 'valibot';
import {
  PAGE_SIZE,
  type AbRequest,
  type AbResult,
  type AtlasApi,
  type BehaviourMembersRequest,
  type BehaviourRequest,
  type BehaviourResult,
  type FunnelStepRow,
  type MemberRow,
  type MembersPage,
  type Slot,
} from '../src/atlas-api';
import { MAX_ROWS } from '../src/analysis/members';

const n = (v: unknown): number => Number(v ?? 0);
const nOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function checkScope(scope: Scope): void {
  assertDate(scope.asOf, 'as-of date');
  if (scope.from !== null) {
    assertDate(scope.from, 'window start');
    if (scope.from >= scope.asOf) throw new Error(`invalid window: ${scope.from} is not before ${scope.asOf}`);
  }
}

function checkRequest(req: BehaviourRequest): BehaviourRequest {
  checkScope(req.scope);
  if (!(METRIC_SPLITS as readonly string[]).includes(req.split)) throw new Error(`invalid metrics split: ${String(req.split)}`);
  const paths = v.safeParse(PathSchema, req.paths);
  if (!paths.success) throw new Error(`invalid paths: ${paths.issues.map((i) => i.message).join('; ')}`);
  return { ...req, funnel: checkFunnel(req.funnel), paths: paths.output };
}

/** The segment assignment of the split model (only when metrics are split by segment). */
async function segmentsSql(db: Db, j: Job, version: number, req: BehaviourRequest): Promise<Sql | undefined> {
  if (req.split !== 'segment') return undefined;
  const id = req.segmentSplit?.model;
  if (!isModelId(id)) throw new Error(`invalid split model: ${String(id)}`);
  const model = MODELS[id] as Model<unknown>;
  const params = model.validate(structuredClone(req.segmentSplit?.params ?? model.defaults));
  const base = await ensureBase(db, j, version, req.scope);
  return model.assign(await resolveFitted({ db, j, version, scope: req.scope, base }, id, params), { scope: req.scope, base });
}

function metricsRow(r: Record<string, unknown>): MetricsRow {
  return {
    key: String(r.key),
    page_views: n(r.page_views),
    visitors: n(r.visitors),
    sessions: n(r.sessions),
    median_session_secs: nOrNull(r.median_session_secs),
    mean_session_secs: nOrNull(r.mean_session_secs),
    viewers: n(r.viewers),
    cart_rate: nOrNull(r.cart_rate),
    view_purchase: nOrNull(r.view_purchase),
    interactions_per_visitor: nOrNull(r.interactions_per_visitor),
    repeat_visit_rate: nOrNull(r.repeat_visit_rate),
    impressions: n(r.impressions),
    clicks: n(r.clicks),
    ctr: nOrNull(r.ctr),
  };
}

/** The SQL of a members target (a page with `limit`, or all rows). */
async function membersSql(db: Db, j: Job, version: number, req: Omit<BehaviourMembersRequest, 'offset'>, limit: number, offset: number) {
  const t = req.target;
  let q: Sql;
  if (t.kind === 'funnel')
    q = funnelMembers(req.scope, req.funnel, { step: t.step, kind: t.drop ? 'dropped' : 'reached', breakdown: t.breakdown });
  else if (t.kind === 'metric')
    q = metricMembers(req.scope, t.all ? 'all' : req.split, t.key, t.audience, t.all ? undefined : await segmentsSql(db, j, version, req));
  else if (t.kind === 'ab') {
    if (!isAbSource(t.source)) throw new Error(`invalid experiment source: ${String(t.source)}`);
    q = abMembers(req.scope, String(t.variant), t.source);
  } else if (t.kind === 'channel') {
    if (t.touch !== undefined && t.touch !== 'first' && t.touch !== 'last') throw new Error(`invalid touch: ${String(t.touch)}`);
    q = t.touch ? touchMembers(req.scope, String(t.channel), t.touch) : channelMembers(req.scope, String(t.channel));
  } else throw new Error('invalid members target');
  return sql`SELECT * FROM (${q}) LIMIT ${num(limit)} OFFSET ${num(offset)}`;
}

export function behaviourApi(getDb: () => Promise<Db>, version: () => number) {
  return {
    /** Events in scope, metrics (totals and per group) and the funnel. */
    async behaviour(req: BehaviourRequest, slot: Slot) {
      const db = await getDb();
      return job(db, 'analysis', slot, async (j): Promise<BehaviourResult> => {
        const t0 = performance.now();
        const r = checkRequest(req);
        const types = (await j.q(sql`SELECT event_type, count(*) AS n FROM (${scopedEvents(r.scope)}) GROUP BY 1 ORDER BY 2 DESC`)).map(
          (x) => ({ type: String(x.event_type), count: n(x.n) }),
        );
        const events = types.reduce((s, x) => s + x.count, 0);
        // orders-based parts (channels, purchase sequences) answer with or without events
        const rows = async (q: Sql) => (await j.q(q)) as Record<string, unknown>[];
        const channels = {
          overTime: (await rows(channelsOverTime(r.scope, 'month'))).map((x) => ({
            period: String(x.period),
            channel: String(x.channel),
            customers: n(x.customers),
            orders: n(x.orders),
            revenue: n(x.revenue),
          })),
          newCustomers: (await rows(newCustomers(r.scope, 'month'))).map((x) => ({
            period: String(x.period),
            channel: String(x.channel),
            customers: n(x.customers),
          })),
          retention: (await rows(channelRetention(r.scope))).map((x) => ({
            channel: String(x.channel),
            customers: n(x.customers),
            repurchased: n(x.repurchased),
            retained: n(x.retained),
            repurchase_90: n(x.repurchase_90),
            retained_90: n(x.retained_90),
          })),
          touch: (await rows(touchSummary(r.scope))).map((x) => ({
            channel: String(x.channel),
            first_touch: n(x.first_touch),
            last_touch: n(x.last_touch),
            first_from_events: n(x.first_from_events),
            last_from_events: n(x.last_from_events),
          })),
          eventSources: Boolean((await rows(eventSourcesSql()))[0]?.has),
        };
        const seq = async (k: 1 | 2) =>
          (await rows(purchaseSequence(r.scope, k))).map((x) => ({
            from_category: String(x.from_category),
            to_category: String(x.to_category),
            customers: n(x.customers),
          }));
        const sequences = { first: await seq(1), second: await seq(2) };
        if (events === 0)
          return {
            events,
            types,
            sessionMode: 'gap',
            totals: null,
            metrics: [],
            funnel: [],
            paths: { top: [], flow: [] },
            sequences,
            channels,
            ms: Math.round(performance.now() - t0),
          };
        const paths = {
          top: (await rows(topPaths(r.scope, r.paths))).map((x) => ({ path: String(x.path), sessions: n(x.sessions) })),
          flow: (await rows(pathFlow(r.scope, r.paths))).map((x) => ({
            step: n(x.step),
            event_type: String(x.event_type),
            sessions: n(x.sessions),
          })),
        };
        const [mode] = await j.q(sessionModeSql(r.scope));
        const [tot] = await j.q(behaviourTotals(r.scope));
        const metrics = (await j.q(behaviourMetrics(r.scope, r.split, await segmentsSql(db, j, version(), r)))).map(metricsRow);
        const funnel = (await j.q(funnelSteps(r.scope, r.funnel))).map((x): FunnelStepRow => ({
          breakdown: x.breakdown === null || x.breakdown === undefined ? null : String(x.breakdown),
          step: n(x.step),
          entities: n(x.entities),
          customers: n(x.customers),
          median_secs: nOrNull(x.median_secs),
        }));
        return {
          events,
          types,
          sessionMode: n(mode?.with_id) > 0 ? 'id' : 'gap',
          totals: tot ? metricsRow(tot) : null,
          metrics,
          funnel,
          paths,
          sequences,
          channels,
          ms: Math.round(performance.now() - t0),
        };
      });
    },

    /** One page of the customers behind a funnel step, a drop-off, a metric or an A/B group. */
    async behaviourMembers(req: BehaviourMembersRequest, slot: Slot) {
      const db = await getDb();
      return job(db, 'aux', slot, async (j): Promise<MembersPage> => {
        const r = checkRequest(req);
        const got = (await j.q(await membersSql(db, j, version(), { ...r, target: req.target }, PAGE_SIZE + 1, req.offset))) as MemberRow[];
        return { rows: got.slice(0, PAGE_SIZE), offset: req.offset, total: null, more: got.length > PAGE_SIZE };
      });
    },

    /** All those customers as spreadsheet-safe CSV, in one query. */
    async behaviourCsv(req: Omit<BehaviourMembersRequest, 'offset'>, slot: Slot) {
      const db = await getDb();
      return job(db, 'aux', slot, async (j) => {
        const r = checkRequest(req);
        const got = (await j.q(await membersSql(db, j, version(), { ...r, target: req.target }, MAX_ROWS, 0))) as Record<string, Cell>[];
        return objectsToCsv(got[0] ? Object.keys(got[0]) : ['customer_id'], got);
      });
    },

    /** The A/B comparison of the experiment groups of the customers, events or orders (their `variant`). */
    async abTest(req: AbRequest, slot: Slot) {
      const db = await getDb();
      return job(db, 'analysis', slot, async (j): Promise<AbResult> => {
        const t0 = performance.now();
        checkScope(req.scope);
        if (req.source !== null && !isAbSource(req.source)) throw new Error(`invalid experiment source: ${String(req.source)}`);
        const sources = (await j.q(abSourcesSql())).filter((r) => Boolean(r.has)).map((r) => String(r.source) as AbSource);
        const source = req.source !== null && sources.includes(req.source) ? req.source : (sources[0] ?? null);
        if (source === null)
          return { ...compareGroups([], req.control, () => []), sources, source, excluded: 0, ms: Math.round(performance.now() - t0) };
        const [ex] = await j.q(abExcluded(req.scope, source));
        const groups = (await j.q(abGroups(req.scope, source))).map((r): AbGroup => ({
          variant: String(r.variant),
          customers: n(r.customers),
          converters: n(r.converters),
          revenue: n(r.revenue),
          revenue_var: n(r.revenue_var),
          orders: n(r.orders),
          orders_var: n(r.orders_var),
        }));
        const revenues = new Map<string, number[]>();
        if (groups.length >= 2 && groups.length <= MAX_GROUPS)
          for (const g of groups)
            revenues.set(
              g.variant,
              (await j.q(abRevenues(req.scope, g.variant, source))).map((r) => n(r.revenue)),
            );
        const out = compareGroups(groups, req.control, (v) => revenues.get(v) ?? []);
        return { ...out, sources, source, excluded: n(ex?.excluded), ms: Math.round(performance.now() - t0) };
      });
    },
  } satisfies Partial<AtlasApi>;
}
