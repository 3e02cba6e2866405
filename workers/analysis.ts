/**
 * Segments page requests: breakdown (+ R×F grid and cross-tab) in one request per refresh,
 * members pages, segment profile, CSV exports and filter values. SQL comes from the pure modules.
 */
import type { Db } from './duckdb';
import { job, ensureBase, ensureRanks, baseParts, readPart, type Job } from './query-runner';
import { resolveFitted, type FitCtx } from './analysis-value';
import { MODELS, isModelId, type ModelId } from '../src/analysis/segmentation';
import { assignedModel, dataSegment, type ExtraKey, type Model } from '../src/analysis/segmentation/model';
import { breakdown, orderBreakdown, type BreakdownRow } from '../src/analysis/breakdown';
import { breakdownFromParts, breakdownPart, partContext } from '../src/analysis/breakdown-parts';
import {
  crosstab,
  crosstabMembers,
  CROSSTAB_ATTRIBUTES,
  NAMED_PREFIX,
  type CrosstabAttribute,
  type CrosstabSide,
} from '../src/analysis/crosstab';
import { MAX_ROWS, members, memberSorts, gridMembers } from '../src/analysis/members';
import { PROFILE_PARTS, orderProfileRows, segmentProfile } from '../src/analysis/segment-profile';
import { migrationMembers, segmentMigration } from '../src/analysis/lifecycle/transitions';
import { CUSTOMER_FIELDS, ORDER_FIELDS, ageBandExpr, assertDate, type Scope } from '../src/analysis/scope';
import { sql, ident, raw, type Sql } from '../src/lib/sql';
import { objectsToCsv, toCsv, type Cell } from '../src/lib/csv';
import { withColumns, headerOf, type ExportColumns } from '../src/analysis/audience/export-columns';
import { sortedList, listColumns, type ListSort } from '../src/analysis/list-sort';
import type { ModelContext, SegmentDef } from '../src/analysis/types';
import { usesRanks } from '../src/analysis/segmentation/rfm-scores';
import {
  PAGE_SIZE,
  type AtlasApi,
  type SegmentsRequest,
  type SegmentsResult,
  type SegmentExtras,
  type SegmentMembersRequest,
  type MemberRow,
  type ProfileResult,
  type ProfileRow,
  type CrosstabRow,
  type MigrationRequest,
  type MigrationMembersRequest,
  type MigrationRow,
  type Slot,
} from '../src/atlas-api';

type AnyModel = Model<unknown>;

function modelOf(id: unknown, params: unknown): { model: AnyModel; params: unknown } {
  if (!isModelId(id)) throw new Error(`invalid model: ${String(id)}`);
  const model = MODELS[id] as AnyModel;
  return { model, params: model.validate(structuredClone(params)) };
}

/**
 * The cross-tab's other side: a model with its default parameters — the Custom model with the
 * user's saved segments (`custom`), since it has no defaults of its own — or an attribute.
 */
function sideOf(x: string, custom?: unknown): CrosstabSide<unknown> {
  if (isModelId(x)) {
    const m = MODELS[x] as AnyModel;
    return { model: m, params: x === 'custom' ? m.validate({ segments: structuredClone(custom ?? []) }) : structuredClone(m.defaults) };
  }
  if ((CROSSTAB_ATTRIBUTES as readonly string[]).includes(x)) return { attribute: x as CrosstabAttribute };
  if (x.startsWith(NAMED_PREFIX) && x.length > NAMED_PREFIX.length) return { named: x.slice(NAMED_PREFIX.length) };
  throw new Error(`invalid cross-tab: ${x}`);
}

/** Definitions for every row, in display order: fixed ones from the model, data ones coloured by position. */
function defsFor(model: AnyModel, params: unknown, keys: readonly string[]): SegmentDef[] {
  const fixed = model.segments(params);
  const byKey = new Map(fixed.map((d) => [d.key, d]));
  let i = 0;
  return keys.map((k) => byKey.get(k) ?? dataSegment(k, i++));
}

/** Big enough for "all rows" in a CSV export; the modules insist on a LIMIT. */
const ALL = MAX_ROWS;

/**
 * The model with validated parameters; a value model without a fit (P(alive), CLV, personas picked
 * from the model list or used as a cross-tab side) is fitted on the scope first (cached).
 */
async function fittedModel(c: FitCtx, id: unknown, params: unknown): Promise<{ model: AnyModel; params: unknown }> {
  const m = modelOf(id, params);
  return { model: m.model, params: await resolveFitted(c, m.model.id as ModelId, m.params) };
}

async function fittedSide(c: FitCtx, x: string, custom?: unknown): Promise<CrosstabSide<unknown>> {
  const side = sideOf(x, custom);
  return 'model' in side ? { model: side.model, params: await resolveFitted(c, side.model.id as ModelId, side.params) } : side;
}

/**
 * The model context with the base's cached RFM ranks when this model scores by quantile ranks
 * (then a change of bins, rules or M is a projection over customers, not three window sorts).
 */
async function withRanks(c: FitCtx, model: AnyModel, params: unknown): Promise<ModelContext> {
  const ctx: ModelContext = { scope: c.scope, base: c.base };
  if (model.scored && usesRanks(params as never)) ctx.ranks = await ensureRanks(c.db, c.j, c.version, c.scope);
  return ctx;
}

let partsSeq = 0;

/**
 * The breakdown rows. Over a base built in parts, with an assignment read from cached ranks (a
 * projection per customer), one statement per customer part into a table of this request's own
 * (requests of other slots may interleave on the lane), then their sum (`breakdown-parts.ts`): no
 * statement joins every customer with the base at once.
 */
async function breakdownRows(j: Job, model: AnyModel, params: unknown, ctx: ModelContext): Promise<BreakdownRow[]> {
  const parts = ctx.ranks && !model.overlapping ? baseParts(ctx.base) : [];
  if (parts.length < 2) return (await j.q(breakdown(model, params, ctx))) as unknown as BreakdownRow[];
  const counts = raw(`seg_parts_${++partsSeq}`);
  try {
    for (const p of parts) {
      const q = breakdownPart(model, params, partContext(ctx, p, readPart));
      await j.q(p.index === 0 ? sql`CREATE OR REPLACE TABLE ${counts} AS ${q}` : sql`INSERT INTO ${counts} ${q}`);
    }
    return (await j.q(breakdownFromParts(model, params, counts))) as unknown as BreakdownRow[];
  } finally {
    await j.q(sql`DROP TABLE IF EXISTS ${counts}`).catch(() => undefined);
  }
}

/** The SQL listing customers of a segment, a cross-tab cell or an R × F grid cell. */
export async function membersSqlFor(
  c: FitCtx,
  req: Omit<SegmentMembersRequest, 'offset'>,
  page: { limit: number; offset: number },
): Promise<Sql> {
  const { model, params } = await fittedModel(c, req.model, req.params);
  const ctx = await withRanks(c, model, params);
  const sort = memberSorts(model).includes(req.sort) ? req.sort : 'revenue';
  if (req.cell || req.grid) {
    // a cell's list in the order asked for: all its rows, sorted in SQL by a column it has
    const all = { limit: MAX_ROWS, offset: 0 };
    const list = req.cell
      ? crosstabMembers(model, params, await fittedSide(c, req.cell.crosstab, req.cell.custom), ctx, { a: req.segment, b: req.cell.b }, all)
      : gridMembers(params as never, ctx, req.grid!, all);
    const columns = (await c.j.q(listColumns(list))).map((col) => String(col.column_name));
    return sortedList(list, columns, { by: sort, desc: req.desc }, page);
  }
  return members(model, params, ctx, { segment: req.segment, sort, desc: req.desc, ...page });
}

/**
 * Both dates' contexts of a migration (the earlier as-of date and now) and the model fitted once on
 * the current scope, so the same parameters classify both dates.
 */
async function migrationSides(db: Db, j: Job, version: number, req: MigrationRequest) {
  assertDate(req.from, 'migration date');
  if (req.from >= req.scope.asOf) throw new Error(`invalid migration date: ${req.from} is not before the as-of date ${req.scope.asOf}`);
  const earlier = { ...req.scope, asOf: req.from };
  const ctx1 = { scope: earlier, base: await ensureBase(db, j, version, earlier) };
  const ctx2 = { scope: req.scope, base: await ensureBase(db, j, version, req.scope) };
  const { model, params } = await fittedModel({ db, j, version, ...ctx2 }, req.model, req.params);
  return { ctx1, ctx2, model, params };
}

/** A migration cell's customers, sorted by one of the list's own columns when asked (else highest revenue first). */
async function migrationList(
  db: Db,
  j: Job,
  version: number,
  req: Omit<MigrationMembersRequest, 'offset'>,
  page: { limit: number; offset: number },
) {
  if (typeof req.cell?.from !== 'string' || typeof req.cell.to !== 'string') throw new Error('invalid migration cell');
  const { ctx1, ctx2, model, params } = await migrationSides(db, j, version, req);
  const sort: ListSort | null = req.sort ?? null;
  if (!sort) return migrationMembers(model, params, ctx1, ctx2, req.cell, page);
  if (typeof sort.by !== 'string' || typeof sort.desc !== 'boolean') throw new Error('invalid sort');
  const list = migrationMembers(model, params, ctx1, ctx2, req.cell, { limit: ALL, offset: 0 });
  const columns = (await j.q(listColumns(list))).map((c) => String(c.column_name));
  return sortedList(list, columns, sort, page);
}

/** Member rows without the query's helper column `total`. */
function memberRows(rows: Record<string, unknown>[]): MemberRow[] {
  return rows.map(({ total: _t, ...r }) => r as MemberRow);
}

/** The Segments page's worker methods. */
export function analysisApi(getDb: () => Promise<Db>, version: () => number) {
  return {
    async segments(req: SegmentsRequest, slot: Slot) {
      const db = await getDb();
      return job(db, 'analysis', slot, async (j): Promise<SegmentsResult> => {
        const t0 = performance.now();
        const base = await ensureBase(db, j, version(), req.scope);
        const fit: FitCtx = { db, j, version: version(), scope: req.scope, base };
        const { model, params } = await fittedModel(fit, req.model, req.params);
        const ctx = await withRanks(fit, model, params);
        const extraKeys = Object.keys(model.extras ?? {}) as ExtraKey[];
        // When the assignment is read more than once (extras, cross-tab), compute it once into a
        // table; for a lone breakdown, or an assignment read from cached ranks (a projection over
        // customers, cheaper than writing it), that would only add a write.
        const reuse = (extraKeys.length > 0 && !ctx.ranks) || req.crosstab !== null;
        if (reuse) await j.q(sql`CREATE OR REPLACE TABLE seg_assign AS ${model.assign(params, ctx)}`);
        const assignment = reuse ? raw('SELECT * FROM seg_assign') : model.assign(params, ctx);
        const assigned: AnyModel = reuse ? assignedModel(model, assignment) : model;
        const rows = orderBreakdown(model, await breakdownRows(j, assigned, params, ctx));
        const extras: SegmentExtras = {};
        for (const k of extraKeys) {
          (extras as Record<string, unknown>)[k] = await j.q(model.extras![k]!(params, ctx, assignment));
        }
        let ct: SegmentsResult['crosstab'] = null;
        if (req.crosstab) {
          const side = await fittedSide(fit, req.crosstab, req.crosstabCustom);
          const ctRows = (await j.q(crosstab(assigned, params, side, ctx))) as unknown as CrosstabRow[];
          let ctDefs: SegmentDef[] | null = null;
          if ('model' in side) {
            const bKeys = [...new Set(ctRows.map((r) => r.b))];
            const fixedOrder = side.model.segments(side.params).map((d) => d.key);
            const ordered = side.model.orderKeys
              ? side.model.orderKeys(bKeys)
              : [...fixedOrder.filter((k) => bKeys.includes(k)), ...bKeys.filter((k) => !fixedOrder.includes(k))];
            ctDefs = defsFor(side.model, side.params, ordered);
          }
          ct = { rows: ctRows, defs: ctDefs };
        }
        // overlapping segments (Custom) would count a customer once per segment: the universe is every customer in scope
        const universe = model.overlapping
          ? await j.q(sql`SELECT count(*) AS customers, coalesce(sum(revenue), 0) AS revenue FROM ${base}`).then(([u]) => ({
              customers: Number(u?.customers ?? 0),
              revenue: Number(u?.revenue ?? 0),
            }))
          : rows.reduce((s, r) => ({ customers: s.customers + r.customers, revenue: s.revenue + r.revenue }), {
              customers: 0,
              revenue: 0,
            });
        return {
          defs: defsFor(
            model,
            params,
            rows.map((r) => r.segment),
          ),
          rows,
          extras,
          crosstab: ct,
          universe,
          ms: Math.round(performance.now() - t0),
        };
      });
    },

    async segmentMembers(req: SegmentMembersRequest, slot: Slot) {
      const db = await getDb();
      return job(db, 'aux', slot, async (j) => {
        if (!Number.isInteger(req.offset) || req.offset < 0) throw new Error(`invalid offset: ${String(req.offset)}`);
        const base = await ensureBase(db, j, version(), req.scope);
        const rows = await j.q(
          await membersSqlFor({ db, j, version: version(), scope: req.scope, base }, req, { limit: PAGE_SIZE, offset: req.offset }),
        );
        const total = Number(rows[0]?.total ?? 0);
        return { rows: memberRows(rows), offset: req.offset, total, more: req.offset + rows.length < total };
      });
    },

    /**
     * All members (of a segment, cell or grid cell) as injection-safe CSV, in one query; with the
     * profile and named-attribute columns the user chose after the list's own.
     */
    async segmentMembersCsv(req: Omit<SegmentMembersRequest, 'offset'> & { columns?: ExportColumns }, slot: Slot) {
      const db = await getDb();
      return job(db, 'aux', slot, async (j) => {
        const base = await ensureBase(db, j, version(), req.scope);
        const cols = req.columns ?? { profile: [], named: [] };
        const list = await membersSqlFor({ db, j, version: version(), scope: req.scope, base }, req, { limit: ALL, offset: 0 });
        const rows = memberRows(await j.q(withColumns(list, base, cols)));
        const keys = rows[0] ? Object.keys(rows[0]) : ['customer_id'];
        return toCsv(
          ['segment', ...headerOf(keys, cols)],
          rows.map((r) => [req.segment, ...keys.map((k) => r[k] as Cell)]),
        );
      });
    },

    async profile(req: Omit<SegmentMembersRequest, 'sort' | 'desc' | 'offset'>, slot: Slot) {
      const db = await getDb();
      return job(db, 'aux', slot, async (j) => {
        const base = await ensureBase(db, j, version(), req.scope);
        const { model, params } = await fittedModel({ db, j, version: version(), scope: req.scope, base }, req.model, req.params);
        const p = segmentProfile(model, params, { scope: req.scope, base }, req.segment);
        const out = {} as ProfileResult;
        for (const k of PROFILE_PARTS) out[k] = orderProfileRows(k, (await j.q(p[k])) as unknown as ProfileRow[]);
        return out;
      });
    },

    /** How the current model's customers moved between segments from an earlier as-of date to now. */
    async migration(req: MigrationRequest, slot: Slot) {
      const db = await getDb();
      return job(db, 'aux', slot, async (j) => {
        const { ctx1, ctx2, model, params } = await migrationSides(db, j, version(), req);
        const rows = (await j.q(segmentMigration(model, params, ctx1, ctx2))) as unknown as MigrationRow[];
        const keys = [...new Set(rows.flatMap((r) => [r.from_segment, r.to_segment]))].filter((k) => k !== 'not_yet' && k !== 'gone');
        const fixed = model.segments(params).map((d) => d.key);
        const ordered = model.orderKeys
          ? model.orderKeys(keys)
          : [...fixed.filter((k) => keys.includes(k)), ...keys.filter((k) => !fixed.includes(k))];
        return { from: req.from, to: req.scope.asOf, rows, defs: defsFor(model, params, ordered) };
      });
    },

    /** One page of the customers of a migration cell. */
    async migrationMembers(req: MigrationMembersRequest, slot: Slot) {
      const db = await getDb();
      return job(db, 'aux', slot, async (j) => {
        if (!Number.isInteger(req.offset) || req.offset < 0) throw new Error(`invalid offset: ${String(req.offset)}`);
        const got = (await j.q(await migrationList(db, j, version(), req, { limit: PAGE_SIZE + 1, offset: req.offset }))) as MemberRow[];
        return { rows: got.slice(0, PAGE_SIZE), offset: req.offset, total: null, more: got.length > PAGE_SIZE };
      });
    },

    /** All customers of a migration cell as injection-safe CSV, in one query (in the order the table is sorted). */
    async migrationCsv(req: Omit<MigrationMembersRequest, 'offset'>, slot: Slot) {
      const db = await getDb();
      return job(db, 'aux', slot, async (j) => {
        const rows = (await j.q(await migrationList(db, j, version(), req, { limit: ALL, offset: 0 }))) as Record<string, Cell>[];
        return objectsToCsv(rows[0] ? Object.keys(rows[0]) : ['customer_id'], rows);
      });
    },

    async filterValues(field: Parameters<AtlasApi['filterValues']>[0], slot: Slot) {
      const db = await getDb();
      return job(db, 'aux', slot, async (j) => {
        let q: Sql;
        if (field === 'age_band') q = sql`SELECT ${ageBandExpr('c')} AS value, count(*) AS n FROM customers c GROUP BY 1`;
        else if ((CUSTOMER_FIELDS as readonly string[]).includes(field))
          q = sql`SELECT CAST(${ident(field)} AS VARCHAR) AS value, count(*) AS n FROM customers GROUP BY 1`;
        else if ((ORDER_FIELDS as readonly string[]).includes(field))
          q = sql`SELECT CAST(${ident(field)} AS VARCHAR) AS value, count(*) AS n FROM orders GROUP BY 1`;
        else throw new Error(`invalid filter field: ${String(field)}`);
        const rows = await j.q(sql`SELECT * FROM (${q}) WHERE value IS NOT NULL ORDER BY n DESC, value LIMIT ${raw('500')}`);
        return rows.map((r) => ({ value: String(r.value), n: Number(r.n) }));
      });
    },
  } satisfies Partial<AtlasApi>;
}

export type { ModelId, Scope };
