/**
 * Segments page requests: breakdown (+ R×F grid and cross-tab) in one request per refresh,
 * members pages, segment profile, CSV exports and filter values. SQL comes from the pure modules.
 */
import type { Db } from './duckdb';
import { job, ensureBase, supersede } from './query-runner';
import { MODELS, isModelId, type ModelId } from '../src/analysis/segmentation';
import { dataSegment, type Model } from '../src/analysis/segmentation/model';
import { categoryAffinity } from '../src/analysis/segmentation/interest';
import { breakdown, orderBreakdown, rfmGrid, type BreakdownRow, type RfmGridRow } from '../src/analysis/breakdown';
import { crosstab, crosstabMembers, CROSSTAB_ATTRIBUTES, type CrosstabAttribute, type CrosstabSide } from '../src/analysis/crosstab';
import { members, memberSorts, gridMembers } from '../src/analysis/members';
import { PROFILE_PARTS, orderProfileRows, segmentProfile } from '../src/analysis/segment-profile';
import { segmentMigration } from '../src/analysis/lifecycle/transitions';
import { CUSTOMER_FIELDS, ORDER_FIELDS, ageBandExpr, assertDate, type FilterField, type Scope } from '../src/analysis/scope';
import { sql, ident, raw, type Sql } from '../src/lib/sql';
import { toCsv } from '../src/lib/csv';
import type { SegmentDef } from '../src/analysis/types';
import type { Result } from '../src/worker-api';
import type {
  SegmentsRequest,
  SegmentsResult,
  MembersRequest,
  MembersResult,
  MemberRow,
  ProfileResult,
  ProfileRow,
  CrosstabRow,
  MigrationRequest,
  MigrationResult,
  MigrationRow,
  AffinityRow,
} from '../src/segments-api';

type AnyModel = Model<unknown>;

function modelOf(id: unknown, params: unknown): { model: AnyModel; params: unknown } {
  if (!isModelId(id)) throw new Error(`invalid model: ${String(id)}`);
  const model = MODELS[id] as AnyModel;
  return { model, params: model.validate(structuredClone(params)) };
}

function sideOf(x: string): CrosstabSide<unknown> {
  if (isModelId(x)) {
    const m = MODELS[x] as AnyModel;
    return { model: m, params: structuredClone(m.defaults) };
  }
  if ((CROSSTAB_ATTRIBUTES as readonly string[]).includes(x)) return { attribute: x as CrosstabAttribute };
  throw new Error(`invalid cross-tab: ${x}`);
}

/** Definitions for every row, in display order: fixed ones from the model, data ones coloured by position. */
function defsFor(model: AnyModel, params: unknown, keys: readonly string[]): SegmentDef[] {
  const fixed = model.segments(params);
  const byKey = new Map(fixed.map((d) => [d.key, d]));
  let i = 0;
  return keys.map((k) => byKey.get(k) ?? dataSegment(k, i++));
}

export function analysisApi(getDb: () => Promise<Db>, version: () => number) {
  return {
    /** Everything the segments page draws, in one request (a newer one cancels it). */
    async segments(req: SegmentsRequest): Promise<Result<SegmentsResult>> {
      const db = await getDb();
      return job(db, 'analysis', 'segments', async (j) => {
        const t0 = performance.now();
        const { model, params } = modelOf(req.model, req.params);
        const base = await ensureBase(db, j, version(), req.scope);
        const ctx = { scope: req.scope, base };
        // When the assignment is read more than once (grid, cross-tab), compute it once into a table;
        // for a lone breakdown that would only add a write.
        const reuse = model.scored || req.crosstab !== null || model.id === 'interest';
        if (reuse) await j.q(sql`CREATE OR REPLACE TABLE seg_assign AS ${model.assign(params, ctx)}`);
        const assigned: AnyModel = reuse ? { ...model, assign: () => raw('SELECT * FROM seg_assign') } : model;
        const rows = orderBreakdown(model, (await j.q(breakdown(assigned, params, ctx))) as unknown as BreakdownRow[]);
        const grid = model.scored
          ? ((await j.q(rfmGrid(params as never, ctx, raw('SELECT * FROM seg_assign')))) as unknown as RfmGridRow[])
          : null;
        let ct: SegmentsResult['crosstab'] = null;
        if (req.crosstab) {
          const side = sideOf(req.crosstab);
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
        // the Interest model's companion table: which categories each segment over-buys
        const affinity =
          model.id === 'interest' ? ((await j.q(categoryAffinity(assigned, params, ctx))) as unknown as AffinityRow[]) : null;
        const universe = rows.reduce((s, r) => ({ customers: s.customers + r.customers, revenue: s.revenue + r.revenue }), {
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
          grid,
          crosstab: ct,
          universe,
          affinity,
          ms: Math.round(performance.now() - t0),
        };
      });
    },

    async members(req: MembersRequest, slot = 'members'): Promise<Result<MembersResult>> {
      const db = await getDb();
      return job(db, 'aux', slot, async (j) => {
        const { model, params } = modelOf(req.model, req.params);
        const base = await ensureBase(db, j, version(), req.scope);
        const ctx = { scope: req.scope, base };
        const page = { limit: req.limit, offset: req.offset };
        let q: Sql;
        if (req.cell) q = crosstabMembers(model, params, sideOf(req.cell.crosstab), ctx, { a: req.segment, b: req.cell.b }, page);
        else if (req.grid) q = gridMembers(params as never, ctx, req.grid, page);
        else {
          const sort = memberSorts(model).includes(req.sort) ? req.sort : 'revenue';
          q = members(model, params, ctx, { segment: req.segment, sort, desc: req.desc, ...page });
        }
        const rows = await j.q(q);
        return { rows: rows as unknown as MemberRow[], total: Number(rows[0]?.total ?? 0) };
      });
    },

    /** All members (of a segment, cell or grid cell) as injection-safe CSV. */
    async membersCsv(req: Omit<MembersRequest, 'limit' | 'offset'>): Promise<Result<string>> {
      const self = analysisApi(getDb, version);
      const out: MemberRow[] = [];
      for (let offset = 0; offset < 2_000_000; offset += 10_000) {
        const r = await self.members({ ...req, limit: 10_000, offset }, 'members-csv');
        if (!r.ok) return r;
        out.push(...r.value.rows);
        if (out.length >= r.value.total || r.value.rows.length === 0) break;
      }
      const cols = [
        'customer_id',
        'recency_days',
        'orders',
        'revenue',
        'aov',
        'last_ts',
        ...(out[0] && 'r_score' in out[0] ? ['r_score', 'f_score', 'm_score'] : []),
      ] as (keyof MemberRow)[];
      return {
        ok: true,
        value: toCsv(
          ['segment', ...cols],
          out.map((r) => [req.segment, ...cols.map((c) => r[c] ?? null)]),
        ),
      };
    },

    async profile(req: Omit<MembersRequest, 'sort' | 'desc' | 'limit' | 'offset'>): Promise<Result<ProfileResult>> {
      const db = await getDb();
      return job(db, 'aux', 'profile', async (j) => {
        const { model, params } = modelOf(req.model, req.params);
        const base = await ensureBase(db, j, version(), req.scope);
        const p = segmentProfile(model, params, { scope: req.scope, base }, req.segment);
        const out = {} as ProfileResult;
        for (const k of PROFILE_PARTS) out[k] = orderProfileRows(k, (await j.q(p[k])) as unknown as ProfileRow[]);
        return out;
      });
    },

    /** Drop a running migration: a newer breakdown makes it stale, and both share one DuckDB. */
    async cancelMigration(): Promise<void> {
      await supersede(await getDb(), 'aux', 'migration');
    },

    /** How the current model's customers moved between segments from an earlier as-of date to now. */
    async migration(req: MigrationRequest): Promise<Result<MigrationResult>> {
      const db = await getDb();
      return job(db, 'aux', 'migration', async (j) => {
        const { model, params } = modelOf(req.model, req.params);
        assertDate(req.from, 'migration date');
        if (req.from >= req.scope.asOf)
          throw new Error(`invalid migration date: ${req.from} is not before the as-of date ${req.scope.asOf}`);
        const earlier = { ...req.scope, asOf: req.from };
        const ctx1 = { scope: earlier, base: await ensureBase(db, j, version(), earlier) };
        const ctx2 = { scope: req.scope, base: await ensureBase(db, j, version(), req.scope) };
        const rows = (await j.q(segmentMigration(model, params, ctx1, ctx2))) as unknown as MigrationRow[];
        const keys = [...new Set(rows.flatMap((r) => [r.from_segment, r.to_segment]))].filter((k) => k !== 'not_yet' && k !== 'gone');
        const fixed = model.segments(params).map((d) => d.key);
        const ordered = model.orderKeys
          ? model.orderKeys(keys)
          : [...fixed.filter((k) => keys.includes(k)), ...keys.filter((k) => !fixed.includes(k))];
        return { from: req.from, to: req.scope.asOf, rows, defs: defsFor(model, params, ordered) };
      });
    },

    /** Distinct values of a filter field (most frequent first, at most 500). */
    async filterValues(field: FilterField): Promise<Result<{ value: string; n: number }[]>> {
      const db = await getDb();
      return job(db, 'aux', `filter-values:${field}`, async (j) => {
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
  };
}

export type { ModelId, Scope };
