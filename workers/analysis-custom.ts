/**
 * Custom segments (issue 15) in the worker: the rule builder's live count and vocabulary, the
 * customer search and profile, and the contacts of a segment for the hashed audience file.
 * SQL comes from the pure modules (`src/analysis/custom/*`, `src/analysis/audience/*`).
 */
import * as v from 'valibot';
import type { Db } from './duckdb';
import { job, ensureBase, type Job } from './query-runner';
import { resolveFitted, cachedFit, type FitCtx } from './analysis-value';
import { membersSqlFor } from './analysis';
import { MODELS, MODEL_IDS, type ModelId } from '../src/analysis/segmentation';
import type { Model } from '../src/analysis/segmentation/model';
import { RuleSchema, referencedAttributes, ruleProblem, type Rule } from '../src/analysis/custom/rule';
import { ATTRIBUTE_TABLE, referencedModels, ruleCount, ruleExpr } from '../src/analysis/custom/compile';
import { assignmentOf, type CustomParams } from '../src/analysis/custom/model';
import {
  customerSearch,
  historyDates,
  profileAttributes,
  profileEvents,
  profileOrders,
  stageHistory,
} from '../src/analysis/custom/profile';
import { contactsOf } from '../src/analysis/audience/contacts';
import { stageAsOf, STAGE_DEFAULTS, FALLBACK_THRESHOLDS } from '../src/analysis/lifecycle/stage';
import { predictions } from '../src/analysis/value/predict-sql';
import { rfSummary } from '../src/analysis/value/summary';
import { MAX_ROWS } from '../src/analysis/members';
import { sql, raw, type Sql } from '../src/lib/sql';
import type { Scope } from '../src/analysis/scope';
import type {
  AtlasApi,
  AudienceRequest,
  ContactRow,
  CustomerProfile,
  CustomerProfileRequest,
  RuleCountRequest,
  RuleCountResult,
  NamedAttributeInfo,
  RuleVocabulary,
  Slot,
  Stage,
} from '../src/atlas-api';

/** Models whose segments need a fit (skipped on the profile unless the Value page fitted them). */
const FITTED: readonly ModelId[] = ['alive', 'clv', 'persona'];

/** A rule from the page, checked again here (the page's types do not cross the boundary as a guarantee). */
function checkedRule(rule: unknown): Rule {
  const r = v.safeParse(RuleSchema, rule);
  if (!r.success) throw new Error(`invalid rule: ${r.issues[0]?.message ?? 'unreadable'}`);
  const problem = ruleProblem(r.output as Rule);
  if (problem) throw new Error(problem === 'empty-rule' ? 'invalid rule: no conditions' : 'invalid rule: an empty group');
  return r.output as Rule;
}

/** Parameters of every model a rule refers to, fitted where the model needs a fit. */
async function resolveReferences(c: FitCtx, ids: readonly ModelId[]): Promise<Partial<Record<ModelId, unknown>>> {
  const out: Partial<Record<ModelId, unknown>> = {};
  for (const id of ids) {
    if (id === 'custom') throw new Error('invalid rule: a custom segment cannot refer to the custom model');
    out[id] = await resolveFitted(c, id, structuredClone(MODELS[id].defaults));
  }
  return out;
}

async function namedAttributes(j: Job): Promise<Set<string>> {
  return new Set((await j.q(sql`SELECT DISTINCT name FROM ${raw(ATTRIBUTE_TABLE)}`)).map((r) => String(r.name)));
}

/** The named attributes of the customers file with their type and how many customers have each. */
async function attributeList(j: Job): Promise<NamedAttributeInfo[]> {
  const rows = await j.q(
    sql`SELECT name, first(type) AS type, count(*) AS customers FROM ${raw(ATTRIBUTE_TABLE)} GROUP BY name ORDER BY name`,
  );
  return rows.map((r) => ({ name: String(r.name), type: String(r.type) as NamedAttributeInfo['type'], customers: Number(r.customers) }));
}

const str = (x: unknown) => (x === null || x === undefined ? null : String(x));

export function customApi(getDb: () => Promise<Db>, version: () => number) {
  const fitCtx = async (db: Db, j: Job, scope: Scope): Promise<FitCtx> => ({
    db,
    j,
    version: version(),
    scope,
    base: await ensureBase(db, j, version(), scope),
  });

  return {
    async ruleCount(req: RuleCountRequest, slot: Slot) {
      const db = await getDb();
      return job(db, 'aux', slot, async (j): Promise<RuleCountResult> => {
        const rule = checkedRule(req.rule);
        const c = await fitCtx(db, j, req.scope);
        const resolved = await resolveReferences(c, referencedModels(rule));
        const have = await namedAttributes(j);
        const missing = referencedAttributes(rule).filter((n) => !have.has(n));
        const env = { scope: c.scope, base: c.base, segmentOf: (id: ModelId) => assignmentOf(id, resolved, c) };
        const [row] = await j.q(ruleCount(rule, env));
        return { customers: Number(row?.customers ?? 0), revenue: Number(row?.revenue ?? 0), missing };
      });
    },

    async ruleVocabulary(slot: Slot) {
      const db = await getDb();
      return job(db, 'aux', slot, async (j): Promise<RuleVocabulary> => {
        const attributes = await attributeList(j);
        const top = (q: Sql) => j.q(sql`SELECT * FROM (${q}) WHERE value IS NOT NULL ORDER BY n DESC, value LIMIT 200`);
        const eventTypes = await top(sql`SELECT event_type AS value, count(*) AS n FROM events GROUP BY 1`);
        const categories = await top(
          sql`SELECT category AS value, count(*) AS n FROM (SELECT category FROM orders UNION ALL SELECT category FROM events) GROUP BY 1`,
        );
        const pairs = (rows: Record<string, unknown>[]) => rows.map((r) => ({ value: String(r.value), n: Number(r.n) }));
        return {
          attributes,
          eventTypes: pairs(eventTypes),
          categories: pairs(categories),
        };
      });
    },

    async namedAttributes(slot: Slot) {
      const db = await getDb();
      return job(db, 'aux', slot, attributeList);
    },

    async customerSearch(text: string, slot: Slot) {
      const db = await getDb();
      return job(db, 'aux', slot, async (j) => {
        if (typeof text !== 'string' || text.trim() === '' || text.length > 200 || text.includes('\0')) return [];
        return (await j.q(customerSearch(text))).map((r) => ({ customer_id: String(r.customer_id), match: String(r.match) }));
      });
    },

    async customerProfile(req: CustomerProfileRequest, slot: Slot) {
      const db = await getDb();
      return job(db, 'aux', slot, async (j): Promise<CustomerProfile> => {
        const id = req.customerId;
        if (typeof id !== 'string' || id.length === 0 || id.length > 200 || id.includes('\0')) throw new Error('invalid customer id');
        const c = await fitCtx(db, j, req.scope);
        const [base] = await j.q(sql`SELECT * FROM ${c.base} WHERE customer_id = ${id}`);
        const empty: CustomerProfile = {
          customerId: id,
          found: false,
          base: null,
          attributes: [],
          orders: [],
          events: [],
          segments: [],
          custom: [],
          stage: null,
          stageHistory: [],
          prediction: null,
        };
        if (!base) return empty;
        const ctx = { scope: c.scope, base: c.base };
        const segments: CustomerProfile['segments'] = [];
        for (const mid of MODEL_IDS) {
          if (mid === 'custom') continue;
          const m = MODELS[mid] as Model<unknown>;
          let params: unknown = m.defaults;
          if (FITTED.includes(mid)) {
            // only when the Value page (or the Segments page) already fitted it: a profile never starts a fit
            if (!cachedFit(c.version, c.scope)) continue;
            params = await resolveFitted(c, mid, structuredClone(m.defaults)).catch(() => null);
            if (params === null) continue;
          }
          const [row] = await j.q(sql`SELECT segment FROM (${m.assign(params, ctx)}) WHERE customer_id = ${id}`);
          segments.push({ model: mid, segment: str(row?.segment) });
        }
        const custom: string[] = [];
        if (req.custom.length) {
          const p = (await resolveFitted(c, 'custom', MODELS.custom.validate({ segments: req.custom }))) as CustomParams;
          const env = { scope: c.scope, base: c.base, segmentOf: (m: ModelId) => assignmentOf(m, p.resolved, ctx) };
          for (const s of p.segments) {
            const [hit] = await j.q(sql`SELECT 1 AS x FROM ${c.base} b WHERE b.customer_id = ${id} AND ${ruleExpr(s.rule, env)}`);
            if (hit) custom.push(s.id);
          }
        }
        const stageParams = { ...STAGE_DEFAULTS, ...(req.thresholds ?? FALLBACK_THRESHOLDS) };
        const [now] = await j.q(sql`SELECT stage FROM (${stageAsOf(stageParams, c.scope)}) WHERE customer_id = ${id}`);
        const history = await j.q(stageHistory(stageParams, c.scope, id, historyDates(c.scope.asOf)));
        let prediction: CustomerProfile['prediction'] = null;
        const fit = cachedFit(c.version, c.scope);
        if (fit?.bg && fit.gg) {
          const summary = rfSummary(c.scope, { unit: fit.unit, calibrationEnd: null });
          const p = predictions(sql`SELECT * FROM (${summary}) WHERE customer_id = ${id}`, {
            bg: fit.bg.params,
            gg: fit.gg.params,
            unit: fit.unit,
            months: 12,
            monthlyDiscount: 0.01,
          });
          const [row] = await j.q(p);
          if (row) prediction = { p_alive: Number(row.p_alive), exp_purchases: Number(row.exp_purchases), clv: Number(row.clv) };
        }
        return {
          ...empty,
          found: true,
          base: Object.fromEntries(
            Object.entries(base).map(([k, x]) => [k, typeof x === 'object' && x !== null ? String(x) : x]),
          ) as CustomerProfile['base'],
          attributes: (await j.q(profileAttributes(id))).map((r) => ({
            name: String(r.name),
            type: String(r.type) as CustomerProfile['attributes'][number]['type'],
            value: String(r.value ?? ''),
          })),
          orders: (await j.q(profileOrders(c.scope, id))) as unknown as CustomerProfile['orders'],
          events: (await j.q(profileEvents(c.scope, id))) as unknown as CustomerProfile['events'],
          segments,
          custom,
          stage: (str(now?.stage) as Stage | null) ?? null,
          stageHistory: history.map((r) => ({ asOf: String(r.as_of), stage: str(r.stage) as Stage | null })),
          prediction,
        };
      });
    },

    /** Contacts of every customer of a segment or cell, in one query (no paging). */
    async audienceContacts(req: AudienceRequest, slot: Slot) {
      const db = await getDb();
      return job(db, 'aux', slot, async (j): Promise<ContactRow[]> => {
        const c = await fitCtx(db, j, req.scope);
        const list = await membersSqlFor(c, { ...req, sort: 'customer_id', desc: false }, { limit: MAX_ROWS, offset: 0 });
        const rows = await j.q(contactsOf(list, { email: req.email, phone: req.phone }));
        return rows.map((r) => ({ customer_id: String(r.customer_id), email: str(r.email), phone: str(r.phone) }));
      });
    },
  } satisfies Partial<AtlasApi>;
}
