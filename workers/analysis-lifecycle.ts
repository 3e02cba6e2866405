/**
 * Lifecycle page requests. One `lifecycle()` call per page refresh runs every aggregate the page
 * draws (lane `analysis`: a newer refresh cancels the older one); member lists, CSV exports and
 * re-dated transition matrices run on lane `aux`. Only aggregates and one page of customers go back.
 */
import type { Db } from './duckdb';
import { job, ensureBase, type Job } from './query-runner';
import { resolveFitted } from './analysis-value';
import { MODELS, isModelId } from '../src/analysis/segmentation';
import type { Model } from '../src/analysis/segmentation/model';
import type { Scope } from '../src/analysis/scope';
import { assertDate } from '../src/lib/dates';
import { sql, type Sql } from '../src/lib/sql';
import { objectsToCsv, type Cell } from '../src/lib/csv';
import { sortedList, listColumns, type ListSort } from '../src/analysis/list-sort';
import {
  DEFAULT_ACTIVITY,
  checkPeriodCount,
  suggestPeriod,
  type ActivityCache,
  type ActivityParams,
} from '../src/analysis/lifecycle/activity';
import { ensureLifeTables, isKept, keptLifeTables } from './lifecycle-tables';
import {
  periodLifecycle,
  periodLifecycleMembers,
  PERIOD_STATUSES,
  type PeriodLifecycleParams,
} from '../src/analysis/lifecycle/period-lifecycle';
import {
  STAGES,
  checkThresholds,
  shapeThresholds,
  stageCounts,
  stageMembers,
  suggestThresholds,
  type StageParams,
} from '../src/analysis/lifecycle/stage';
import { flowMembers, stagesOverTime } from '../src/analysis/lifecycle/stages-over-time';
import { cohortMembers, cohortRetention, type CohortParams } from '../src/analysis/lifecycle/cohorts';
import {
  REPURCHASE_DEFAULTS,
  gapMembers,
  repurchaseMembers,
  repurchaseRates,
  timeToSecondOrder,
  type RepurchaseParams,
} from '../src/analysis/lifecycle/repurchase';
import { CHURN_WARNING_DEFAULTS, churnRiskList, churnRiskSummary, type ChurnWarningParams } from '../src/analysis/lifecycle/churn-warning';
import { stageTransitions, stagesWithTransitions, transitionMembers } from '../src/analysis/lifecycle/transitions';
import {
  PAGE_SIZE,
  type AtlasApi,
  type ChurnSummary,
  type CohortRow,
  type FlowRow,
  type GapBucketRow,
  type LifecycleRequest,
  type LifecycleResult,
  type LifeMembersRequest,
  type LifeMembersTarget,
  type MemberRow,
  type MembersPage,
  type PeriodFlowRow,
  type RepurchaseRow,
  type SegmentSplit,
  type Slot,
  type StageCountRow,
  type StageThresholds,
  type SuggestedThresholds,
  type TransitionResult,
  type TransitionRow,
  type TransitionsRequest,
} from '../src/atlas-api';
import { checkLifeOptions, cleanWindows, resolveThresholds, type LifeOptions } from '../src/analysis/lifecycle/options';
import { previousPeriod } from '../src/lib/dates';

/** Big enough for "all rows" in a CSV export; the modules insist on a LIMIT. */
const ALL = 2_000_000_000;

function checkScope(scope: Scope): void {
  assertDate(scope.asOf, 'as-of date');
  if (scope.from !== null) {
    assertDate(scope.from, 'window start');
    if (scope.from >= scope.asOf) throw new Error(`invalid window: ${scope.from} is not before ${scope.asOf}`);
  }
}

function activity(life: LifeOptions, cached?: ActivityCache): ActivityParams {
  return { source: life.source, eventTypes: life.activityTypes ?? DEFAULT_ACTIVITY.eventTypes, cached };
}

function stageParams(life: LifeOptions, t: StageThresholds, cached?: ActivityCache): StageParams {
  checkThresholds(t);
  return { ...activity(life, cached), ...t };
}

function cohortParams(life: LifeOptions, segments?: Sql, cached?: ActivityCache): CohortParams {
  return {
    ...activity(life, cached),
    unit: life.period,
    weekStart: life.weekStart,
    cohortKind: life.cohortKind,
    startEvent: life.startEvent,
    returnEvent: life.returnEvent,
    periods: life.cohortPeriods,
    splitBy: life.split,
    segments,
  };
}

function periodParams(life: LifeOptions, cached?: ActivityCache): PeriodLifecycleParams {
  return { ...activity(life, cached), unit: life.period, weekStart: life.weekStart };
}

/** Repurchase params of the page: the user's windows, the default histogram buckets. */
function repurchaseParams(life: LifeOptions, cached?: ActivityCache): RepurchaseParams {
  return {
    ...REPURCHASE_DEFAULTS,
    ...activity(life, cached),
    unit: life.period,
    weekStart: life.weekStart,
    windows: cleanWindows(life.repurchaseDays),
  };
}

/** The assignment of the segmentation that splits cohorts (only when the split is `segment`). */
async function segmentSplitSql(
  db: Db,
  j: Job,
  version: number,
  req: { scope: Scope; options: LifeOptions; segmentSplit: SegmentSplit | null },
): Promise<Sql | undefined> {
  if (req.options.split !== 'segment') return undefined;
  const id = req.segmentSplit?.model;
  if (!isModelId(id)) throw new Error(`invalid split model: ${String(id)}`);
  const model = MODELS[id] as Model<unknown>;
  const params = model.validate(structuredClone(req.segmentSplit?.params ?? model.defaults));
  const base = await ensureBase(db, j, version, req.scope);
  return model.assign(await resolveFitted({ db, j, version, scope: req.scope, base }, id, params), { scope: req.scope, base });
}

/** Churn warning params; B (churned) is the page's resolved threshold, so the lists agree with the stage tiles. */
function churnParams(life: LifeOptions, t: StageThresholds, cached?: ActivityCache): ChurnWarningParams {
  return { ...CHURN_WARNING_DEFAULTS, ...activity(life, cached), k: life.churnK, churnDays: t.churnDays };
}

/** Rows typed as the module documents them (the SQL decides the columns). */
async function rows<T>(j: Job, q: Sql): Promise<T[]> {
  return (await j.q(q)) as unknown as T[];
}

async function transitions(
  j: Job,
  life: LifeOptions,
  scope: Scope,
  t: StageThresholds,
  date1: string,
  date2: string,
  cached?: ActivityCache,
): Promise<TransitionResult> {
  assertDate(date1, 'first date');
  assertDate(date2, 'second date');
  if (date1 >= date2) throw new Error(`invalid dates: ${date1} must be before ${date2}`);
  return { date1, date2, rows: await rows<TransitionRow>(j, stageTransitions(stageParams(life, t, cached), scope, date1, date2)) };
}

/** Stage counts at the as-of date and the transition matrix from `date1` to it, from one statement. */
async function stagesAndCells(
  j: Job,
  sp: StageParams,
  scope: Scope,
  date1: string,
): Promise<{ stages: StageCountRow[]; transitions: TransitionResult }> {
  // the builder checks the dates (as `stageTransitions` does)
  const got = await j.q(stagesWithTransitions(sp, scope, date1));
  const stages = got.filter((r) => r.is_stage).map((r) => ({ stage: r.to_stage, customers: r.customers, revenue: r.revenue }));
  const cells = got
    .filter((r) => !r.is_stage)
    .map((r) => ({ from_stage: r.from_stage, to_stage: r.to_stage, customers: r.customers, revenue: r.revenue }));
  return {
    stages: stages as unknown as StageCountRow[],
    transitions: { date1, date2: scope.asOf, rows: cells as unknown as TransitionRow[] },
  };
}

/** A list sorted by one of its own columns (the list's columns, read by DESCRIBE, are the whitelist). */
async function sortedMembers(j: Job, list: Sql, sort: ListSort, page: { limit: number; offset: number }): Promise<Sql> {
  const columns = (await j.q(listColumns(list))).map((c) => String(c.column_name));
  return sortedList(list, columns, sort, page);
}

/** The SQL listing one target's customers (a page, or all with `limit` = ALL). */
function membersSql(req: Omit<LifeMembersRequest, 'offset'>, limit: number, offset: number, segments?: Sql, cached?: ActivityCache): Sql {
  const { options: life, scope, target } = req;
  const page = { limit, offset };
  switch (target.kind) {
    case 'stage':
      if (!(STAGES as readonly string[]).includes(target.stage)) throw new Error(`invalid stage: ${String(target.stage)}`);
      return stageMembers(stageParams(life, req.thresholds, cached), scope, target.stage, page);
    case 'period':
      assertDate(target.period, 'period');
      if (!(PERIOD_STATUSES as readonly string[]).includes(target.status)) throw new Error(`invalid status: ${String(target.status)}`);
      return periodLifecycleMembers(periodParams(life, cached), scope, target.period, target.status, page);
    case 'cohort':
      assertDate(target.cohort, 'cohort');
      return cohortMembers(cohortParams(life, segments, cached), scope, target.cohort, target.period, {
        split: target.split,
        rolling: target.rolling,
        ...page,
      });
    case 'churn':
      return churnRiskList(churnParams(life, req.thresholds, cached), scope, page);
    case 'winback':
      return churnRiskList(churnParams(life, req.thresholds, cached), scope, page, 'winback');
    case 'transition':
      if (target.date2 > scope.asOf) throw new Error(`invalid second date: ${target.date2} is after the as-of date`);
      return transitionMembers(stageParams(life, req.thresholds, cached), scope, target, page);
    case 'flow':
      return flowMembers(
        { ...stageParams(life, req.thresholds, cached), unit: life.period, weekStart: life.weekStart },
        scope,
        target.period,
        target.flow,
        page,
      );
    case 'repurchase':
      if (target.cohort !== null) assertDate(target.cohort, 'cohort');
      return repurchaseMembers(repurchaseParams(life, cached), scope, { window: target.window, cohort: target.cohort }, page);
    case 'gap':
      return gapMembers(repurchaseParams(life, cached), scope, target.bucket, page);
    default:
      throw new Error(`invalid list: ${String((target as LifeMembersTarget).kind)}`);
  }
}

/** Validated request parts (the page may send anything): options, scope, offset. */
function checkMembers<R extends Omit<LifeMembersRequest, 'offset'> & { offset?: number }>(req: R): R {
  checkScope(req.scope);
  if (req.offset !== undefined && (!Number.isInteger(req.offset) || req.offset < 0))
    throw new Error(`invalid offset: ${String(req.offset)}`);
  const sort = req.sort ?? null;
  if (sort !== null && (typeof sort.by !== 'string' || typeof sort.desc !== 'boolean')) throw new Error('invalid sort');
  return { ...req, sort, options: checkLifeOptions(req.options) };
}

/**
 * `body` on the page's kept tables when they were built for this data version, scope and activity
 * (no build here); run again without them if they were dropped while it ran (a newer page request).
 */
async function onKept<T>(
  db: Db,
  version: number,
  req: { scope: Scope; options: LifeOptions },
  body: (c?: ActivityCache) => Promise<T>,
): Promise<T> {
  const c = keptLifeTables(db, version, req.scope, activity(req.options));
  if (!c) return body();
  try {
    return await body(c);
  } catch (e) {
    if (isKept(db, c)) throw e;
    return body();
  }
}

/** The lifecycle worker API (spread into the worker's Comlink API). */
export function lifecycleApi(getDb: () => Promise<Db>, version: () => number) {
  return {
    /** Everything the lifecycle page draws, for one scope and set of options. */
    async lifecycle(req: LifecycleRequest, slot: Slot) {
      const db = await getDb();
      return job(db, 'analysis', slot, async (j): Promise<LifecycleResult> => {
        const t0 = performance.now();
        const { scope } = req;
        checkScope(scope);
        const life = checkLifeOptions(req.options);
        // every query below reads the per-day activity and its summaries, kept between requests
        // for this data version, scope and activity (docs/data-model.md, "Lifecycle page")
        const cached = await ensureLifeTables(db, j, version(), scope, activity(life), { unit: life.period, weekStart: life.weekStart });
        const act = activity(life, cached);
        const [sRow] = await j.q(suggestThresholds(scope, act));
        const suggested = { ...(sRow ?? {}), ...shapeThresholds(sRow ?? {}) } as SuggestedThresholds;
        const t = resolveThresholds(life, suggested);
        const sp = stageParams(life, t, cached);
        // day periods over years would draw thousands of bars: refuse with a coarser suggestion
        const fromCond = scope.from === null ? sql`` : sql`AND day >= CAST(${scope.from} AS DATE)`;
        const [range] = await j.q(
          sql`SELECT CAST(min(day) AS VARCHAR) AS first, CAST(max(day) AS VARCHAR) AS last FROM ${cached.table} WHERE active ${fromCond}`,
        );
        const first = typeof range?.first === 'string' ? range.first : null;
        const last = typeof range?.last === 'string' ? range.last : null;
        const span = first && last ? { first, last, suggest: suggestPeriod(first, last) } : null;
        if (span) checkPeriodCount(life.period, scope.from ?? span.first, scope.asOf);
        const date2 = req.transition?.date2 ?? scope.asOf;
        const date1 = req.transition?.date1 ?? previousPeriod(date2, life.period);
        // the default transition matrix ends at the as-of date: one pass gives it and the stage counts
        const both = date2 === scope.asOf ? await stagesAndCells(j, sp, scope, date1) : null;
        const stages = both?.stages ?? (await rows<StageCountRow>(j, stageCounts(sp, scope)));
        const flows = await rows<FlowRow>(j, stagesOverTime({ ...sp, unit: life.period, weekStart: life.weekStart }, scope));
        const periodFlows =
          life.definition === 'period' ? await rows<PeriodFlowRow>(j, periodLifecycle(periodParams(life, cached), scope)) : [];
        const cohorts = await rows<CohortRow>(
          j,
          cohortRetention(cohortParams(life, await segmentSplitSql(db, j, version(), { ...req, options: life }), cached), scope),
        );
        const rp = repurchaseParams(life, cached);
        const repurchase = await rows<RepurchaseRow>(j, repurchaseRates(rp, scope));
        const gaps = await rows<GapBucketRow>(j, timeToSecondOrder(rp, scope));
        const cp = churnParams(life, t, cached);
        const [summary] = await rows<ChurnSummary>(j, churnRiskSummary(cp, scope));
        const churnRows = await rows<MemberRow>(j, churnRiskList(cp, scope, { limit: PAGE_SIZE + 1, offset: 0 }));
        const winbackRows = await rows<MemberRow>(j, churnRiskList(cp, scope, { limit: PAGE_SIZE + 1, offset: 0 }, 'winback'));
        const tr = both?.transitions ?? (await transitions(j, life, scope, t, date1, date2, cached));
        return {
          asOf: scope.asOf,
          thresholds: t,
          suggested,
          stages,
          flows,
          periodFlows,
          span,
          cohorts,
          repurchase,
          gaps,
          churn: {
            summary: summary ?? { customers: 0, at_risk: 0, value_at_risk: 0, churned: 0, value_churned: 0, total_value: 0, pop_gap: null },
            first: page(churnRows, 0, summary?.at_risk ?? null),
            winback: page(winbackRows, 0, summary?.churned ?? null),
          },
          transitions: tr,
          ms: Math.round(performance.now() - t0),
        };
      });
    },

    /** One page (PAGE_SIZE rows) of a stage, a cohort cell or the at-risk list. */
    async lifecycleMembers(req: LifeMembersRequest, slot: Slot) {
      const db = await getDb();
      return job(db, 'aux', slot, async (j) => {
        const r = checkMembers(req);
        const segs = await segmentSplitSql(db, j, version(), r);
        const got = await onKept(db, version(), r, async (c) =>
          r.sort
            ? await j.q(await sortedMembers(j, membersSql(r, ALL, 0, segs, c), r.sort, { limit: PAGE_SIZE + 1, offset: r.offset }))
            : await j.q(membersSql(r, PAGE_SIZE + 1, r.offset, segs, c)),
        );
        return page(got as MemberRow[], r.offset, null);
      });
    },

    /** All customers of a stage, a cohort cell or the at-risk list as CSV text (spreadsheet-safe). */
    async lifecycleCsv(req: Omit<LifeMembersRequest, 'offset'>, slot: Slot) {
      const db = await getDb();
      return job(db, 'aux', slot, async (j) => {
        const r = checkMembers(req);
        const segs = await segmentSplitSql(db, j, version(), r);
        // the export keeps the order the user sorted the table by
        const got = (await onKept(db, version(), r, async (c) => {
          const list = membersSql(r, ALL, 0, segs, c);
          return j.q(r.sort ? await sortedMembers(j, list, r.sort, { limit: ALL, offset: 0 }) : list);
        })) as Record<string, Cell>[];
        const columns = got[0] ? Object.keys(got[0]) : ['customer_id'];
        return objectsToCsv(columns, got);
      });
    },

    /** Stage transition matrix between two dates (when the user picks other dates than the default). */
    async transitions(req: TransitionsRequest, slot: Slot) {
      const db = await getDb();
      return job(db, 'aux', slot, async (j) => {
        checkScope(req.scope);
        const life = checkLifeOptions(req.options);
        if (req.date2 > req.scope.asOf) throw new Error(`invalid second date: ${req.date2} is after the as-of date`);
        return onKept(db, version(), { scope: req.scope, options: life }, (c) =>
          transitions(j, life, req.scope, req.thresholds, req.date1, req.date2, c),
        );
      });
    },
  } satisfies Partial<AtlasApi>;
}

/** A page from PAGE_SIZE + 1 fetched rows (the extra one only says that more exist). */
function page(got: MemberRow[], offset: number, total: number | null): MembersPage {
  return { rows: got.slice(0, PAGE_SIZE), offset, total, more: got.length > PAGE_SIZE };
}
