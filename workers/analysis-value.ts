/**
 * Value page requests and the fits behind the value segmentation models. DuckDB computes the
 * summaries; the models are fitted here in JS (BG/NBD, Gamma-Gamma, k-means) and the fitted
 * numbers go back into SQL as bound values (`predict-sql.ts`, `segmentation/{p-alive,clv-tiers,personas}.ts`).
 * Fits are cached per data version and scope, so the Segments page reuses what the Value page fitted.
 */
import type { Db } from './duckdb';
import { job, ensureBase, baseParts, readPart, type Job } from './query-runner';
import { homeOf, rowsOfPart, writeParts, type PartBounds } from './cache-db';
import { partsOf, queryInPart, type Part } from '../src/analysis/parts';
import { sql, raw, inline, type Sql } from '../src/lib/sql';
import type { Scope } from '../src/analysis/scope';
import { MODELS, isModelId, type ModelId } from '../src/analysis/segmentation';
import type { Model } from '../src/analysis/segmentation/model';
import { rfSummary, rfGroups, UNIT_DAYS, type TimeUnit } from '../src/analysis/value/summary';
import { fitValueSteps, type ValueFit } from '../src/analysis/value/fit';
import { runStepsAsync } from '../src/analysis/value/optimise';
import { fitSample, FIT_SAMPLE } from '../src/analysis/value/sample';
import { dataStats, statsFromSummary, checkData, blocking, type DataStats, type ValueIssue } from '../src/analysis/value/gating';
import { holdoutGroups, holdoutCheck, type HoldoutGroup } from '../src/analysis/value/holdout';
import { historicValue, historicSummary, lorenz, gini, topShare } from '../src/analysis/value/historic';
import { predictions } from '../src/analysis/value/predict-sql';
import { pAliveExpr } from '../src/analysis/segmentation/p-alive';
import { personaFeatures, featureMoments, featureSample, type PersonaFeature } from '../src/analysis/value/persona-features';
import { standardise, clusterPersonasSteps, suggestKSteps, personaWords } from '../src/analysis/value/personas';
import { personas as personasModel, MAX_PERSONAS, type PersonasParams } from '../src/analysis/segmentation/personas';
import { clvTiers, clvTierRows } from '../src/analysis/segmentation/clv-tiers';
import { clvBySegment } from '../src/analysis/value/clv-by-segment';
import type { RfSummary } from '../src/analysis/value/bgnbd';
import { customReferences, type CustomParams } from '../src/analysis/custom/model';
import type {
  Result,
  Slot,
  ValueRequest,
  ValueResult,
  LorenzSeries,
  HistoricResult,
  PersonasResult,
  PredictionSummary,
  ClvByModel,
} from '../src/atlas-api';

type AnyModel = Model<unknown>;
/** `sample`: customers the value models are fitted on (default `FIT_SAMPLE`; smaller in tests). */
type Ctx = { db: Db; j: Job; version: number; scope: Scope; base: Sql; sample?: number };
/**
 * Materialise a relation for the rest of a request; the request drops its tables when it ends. A
 * relation given per customer part (a function of the part) is written in parts into the compressed
 * cache database when the orders need parts (`cache-db.ts`), else in one statement.
 */
interface Keep {
  (prefix: string, rel: Sql | ((p: Part) => Sql)): Promise<Sql>;
  /**
   * Part `p` of a relation `keep` returned, as a query: the rows that part's statement wrote (a
   * rowid range, which the scan skips to), so a per-customer table built from another reads only
   * its own customers' rows of it.
   */
  part(kept: Sql, p: Part): Sql;
}
/** What a fit needs: the running job, the data version, the scope and its customer base. */
export type FitCtx = Ctx;

/** Buyers sampled for k-means, and for the silhouette suggestion. */
const SAMPLE = 20_000;
const SUGGEST_SAMPLE = 1_000;

const fits = new Map<string, ValueFit>();
const clusters = new Map<string, PersonasParams>();

const num = (v: unknown): number => Number(v ?? 0);

function remember<V>(cache: Map<string, V>, key: string, v: V): V {
  cache.set(key, v);
  while (cache.size > 8) cache.delete(cache.keys().next().value as string);
  return v;
}

let fitSeq = 0;

/** Work between two real pauses, ms: steps come far more often (k-means iterations, silhouette rows). */
const PAUSE_EVERY_MS = 40;

/**
 * Between two steps of a fit or a clustering: once `PAUSE_EVERY_MS` of work has run, let the worker
 * serve other calls, then stop if a newer request took this job's slot (the job answers
 * `cancelled`). Steps in between return at once (a macrotask per step would cost ≥ 4 ms each).
 */
function pauseFor(j: Job): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < PAUSE_EVERY_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    last = performance.now();
    if (j.stale) throw new Error('superseded');
  };
}

/**
 * Fit (or reuse) both value models on the scope's summary with calibration to `calibrationEnd`:
 * on the deterministic hash sample of at most `FIT_SAMPLE` customers (`sample.ts`), in slices that
 * keep the worker responsive and stop when the request is superseded. `summary`: that summary
 * already materialised (the Value request's); otherwise a table is made for the fit and dropped.
 */
async function fitFor(c: Ctx, unit: TimeUnit, calibrationEnd: string | null, money: boolean, summary?: Sql): Promise<ValueFit> {
  const size = c.sample ?? FIT_SAMPLE;
  const key = `${c.version}|${JSON.stringify(c.scope)}|${unit}|${calibrationEnd}|${money}|${size}`;
  const hit = fits.get(key);
  if (hit) return hit;
  // the summary once as a table: counted and sampled (the Value request passes its own); the sample
  // once as a table too, read twice (each sampling sorts every customer by hash)
  const name = summary ? null : `value_fit_${++fitSeq}`;
  const table = summary ?? sql`SELECT * FROM ${raw(name!)}`;
  const sampleName = `value_sample_${++fitSeq}`;
  const sample = sql`SELECT * FROM ${raw(sampleName)}`;
  let population: number;
  let groups: RfSummary[];
  let spend: { x: number; mx: number | null }[];
  try {
    if (name) await c.j.q(sql`CREATE OR REPLACE TABLE ${raw(name)} AS ${rfSummary(c.scope, { unit, calibrationEnd })}`);
    const [m] = await c.j.q(sql`SELECT count(*) AS n FROM (${table})`);
    population = num(m?.n);
    await c.j.q(sql`CREATE OR REPLACE TABLE ${raw(sampleName)} AS SELECT x, t_x, T, m_x FROM (${fitSample(table, size)})`);
    groups = (await c.j.q(rfGroups(sample))).map((r) => ({ x: num(r.x), tx: num(r.tx), T: num(r.T), n: num(r.n) }));
    spend = (await c.j.q(sql`SELECT x, m_x FROM (${sample}) WHERE x > 0`)).map((r) => ({
      x: num(r.x),
      mx: r.m_x === null || r.m_x === undefined ? null : Number(r.m_x),
    }));
  } finally {
    for (const t of name ? [name, sampleName] : [sampleName]) await c.db.exec('aux', `DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
  }
  const f = await runStepsAsync(fitValueSteps(groups, spend, money, population), pauseFor(c.j));
  return remember(fits, key, f);
}

/** The data checks' figures over the scope; `summary`: the request's full summary with extras (no second grouping of the orders). */
async function stats(c: Ctx, summary?: Sql): Promise<DataStats> {
  const [s] = await c.j.q(summary ? statsFromSummary(c.scope, summary) : dataStats(c.scope));
  return {
    purchaseDays: num(s?.purchaseDays),
    distinctDays: num(s?.distinctDays),
    firstDay: (s?.firstDay as string | null) ?? null,
    lastDay: (s?.lastDay as string | null) ?? null,
    moneyDays: num(s?.moneyDays),
  };
}

/**
 * Parameters of a value segmentation model with its fit filled in: `alive` and `clv` with
 * `fit: null`, and `persona` with `centroids: null`, are fitted on the scope first. Other models
 * pass through. Throws a plain error when the data cannot be fitted.
 */
export async function resolveFitted(c: FitCtx, id: ModelId, params: unknown): Promise<unknown> {
  if (id === 'alive' || id === 'clv') {
    const p = params as { unit: TimeUnit; fit: unknown };
    if (p.fit !== null) return params;
    const s = await stats(c);
    const issues = checkData(s, null);
    const f = blocking(issues) ? null : await fitFor(c, p.unit, null, s.moneyDays > 0);
    if (!f?.bg) throw new Error(`cannot fit the value model: ${[...issues, ...(f?.issues ?? [])].map((i) => i.code).join(', ')}`);
    if (id === 'alive') return { ...p, fit: f.bg.params };
    if (!f.gg) throw new Error('cannot fit the spend model: no positive repeat spend');
    return { ...p, fit: { bg: f.bg.params, gg: f.gg.params } };
  }
  if (id === 'custom') {
    // saved segments may test membership in a value model: fit those first
    const p = params as CustomParams;
    const resolved: Partial<Record<ModelId, unknown>> = {};
    for (const m of customReferences(p)) resolved[m] = await resolveFitted(c, m, structuredClone(MODELS[m].defaults));
    return { ...p, resolved };
  }
  if (id === 'persona') {
    const p = params as PersonasParams;
    if (p.centroids !== null) return params;
    return clusterOn(c, p.k, p.features);
  }
  return params;
}

/**
 * A fit already made on this data version and scope (no holdout), without fitting: the customer
 * profile shows predictions only when the Value page (or a value model) has fitted them.
 */
export function cachedFit(version: number, scope: Scope): (ValueFit & { unit: TimeUnit }) | null {
  const prefix = `${version}|${JSON.stringify(scope)}|`;
  for (const [key, fit] of fits) {
    const [unit, cal] = key.slice(prefix.length).split('|');
    if (key.startsWith(prefix) && cal === 'null' && (unit === 'day' || unit === 'week')) return { ...fit, unit };
  }
  return null;
}

/** Persona features of the scope's buyers: count, moments, and the first `SAMPLE` of the hash sample (raw). */
type FeatureData = { n: number; means: number[]; sds: number[]; rows: number[][] };

async function featureData(c: Ctx, features: PersonaFeature[]): Promise<FeatureData> {
  const feats = personaFeatures(c.scope, c.base, features);
  const [m] = await c.j.q(featureMoments(feats, features));
  const rows = (await c.j.q(featureSample(feats, SAMPLE))).map((r) => features.map((f) => num(r[f])));
  return {
    n: num(m?.n),
    means: features.map((f) => num(m?.[`${f}_mean`])),
    sds: features.map((f) => num(m?.[`${f}_sd`])),
    rows,
  };
}

/**
 * k-means personas on the scope's buyers (cached): the persona model's complete parameters. `data`:
 * the features already read (the Value request's, so the buyers are not summarised and sorted again).
 */
async function clusterOn(c: Ctx, k: number, features: PersonaFeature[], data?: FeatureData): Promise<PersonasParams> {
  const key = `${c.version}|${JSON.stringify(c.scope)}|${k}|${features.join(',')}`;
  const hit = clusters.get(key);
  if (hit) return hit;
  const { n, means, sds, rows } = data ?? (await featureData(c, features));
  if (k > n) throw new Error(`invalid k: ${k} > ${n} customers`);
  const cl = await runStepsAsync(clusterPersonasSteps(standardise(rows, { means, sds }), k), pauseFor(c.j));
  return remember(clusters, key, { k, features, means, sds, centroids: cl.centroids });
}

async function historic(c: Ctx, split: ModelId | null, keep: Keep, summary: Sql): Promise<HistoricResult> {
  // per buyer from the customer base and the full summary's active months (no pass over the orders),
  // read by the summary and every Lorenz/Gini query
  const hv = await keep('value_hist', (p) => historicValue(c.scope, readPart(c.base, p), keep.part(summary, p)));
  const [s] = await c.j.q(historicSummary(hv));
  const series = async (rel: Sql): Promise<LorenzSeries[]> => {
    const pts = await c.j.q(lorenz(rel));
    const gs = await c.j.q(gini(rel));
    return gs.map((g) => {
      const points = pts.filter((p) => p.segment === g.segment).map((p) => ({ pct: num(p.pct), share: num(p.share) }));
      const top = Object.fromEntries(['1', '5', '10', '20', '50'].map((x) => [x, topShare(points, Number(x))])) as LorenzSeries['top'];
      return {
        segment: String(g.segment),
        customers: num(g.customers),
        revenue: num(g.revenue),
        gini: g.gini === null ? null : Number(g.gini),
        points,
        top,
      };
    });
  };
  const [overall] = await series(sql`SELECT customer_id, revenue, 'all' AS segment FROM (${hv})`);
  let segments: LorenzSeries[] = [];
  if (split !== null) {
    if (!isModelId(split)) throw new Error(`invalid split: ${String(split)}`);
    const model = MODELS[split] as AnyModel;
    const params = await resolveFitted(c, split, model.validate(structuredClone(model.defaults)));
    segments = await series(
      sql`SELECT h.customer_id, h.revenue, a.segment FROM (${hv}) h JOIN (${model.assign(params, { scope: c.scope, base: c.base })}) a USING (customer_id)`,
    );
  }
  return {
    customers: num(s?.customers),
    revenue: num(s?.revenue),
    mean_revenue: (s?.mean_revenue as number | null) ?? null,
    median_revenue: (s?.median_revenue as number | null) ?? null,
    aov: (s?.aov as number | null) ?? null,
    mean_tenure_days: (s?.mean_tenure_days as number | null) ?? null,
    mean_revenue_per_active_month: (s?.mean_revenue_per_active_month as number | null) ?? null,
    overall: overall ?? {
      segment: 'all',
      customers: 0,
      revenue: 0,
      gini: null,
      points: [],
      top: { 1: null, 5: null, 10: null, 20: null, 50: null },
    },
    segments,
  };
}

/**
 * P(alive) bands, expected purchases and CLV totals over every customer of `summary` (the request's
 * materialised full summary). With spend, the per-customer predictions are kept as a table
 * (`pred`), which the CLV-by-RFM table reads too.
 */
async function predictionSummary(
  c: Ctx,
  req: ValueRequest,
  f: ValueFit,
  issues: ValueIssue[],
  summary: Sql,
  keep: Keep,
): Promise<{ summary: PredictionSummary; pred: Sql | null } | null> {
  if (!f.bg) return null;
  const band = sql`CASE WHEN p >= 0.7 THEN 'likely_alive' WHEN p >= 0.3 THEN 'at_risk' ELSE 'likely_lost' END`;
  if (f.gg) {
    const fitted = { bg: f.bg.params, gg: f.gg.params };
    try {
      // one statement per customer part when the summary was written in parts: each part's customers
      const pred = await keep('value_pred', (part) =>
        predictions(keep.part(summary, part), {
          ...fitted,
          unit: req.unit,
          months: req.months,
          monthlyDiscount: req.monthlyDiscount,
        }),
      );
      const [r] = await c.j.q(sql`SELECT count(*) AS n, avg(p_alive) AS pa, sum(exp_purchases) AS ep, sum(clv) AS clv,
  count(*) FILTER (WHERE p_alive >= 0.7) AS b1, count(*) FILTER (WHERE p_alive >= 0.3 AND p_alive < 0.7) AS b2,
  count(*) FILTER (WHERE p_alive < 0.3) AS b3 FROM (${pred})`);
      return {
        pred,
        summary: {
          customers: num(r?.n),
          meanPAlive: num(r?.pa),
          expectedPurchases: num(r?.ep),
          totalClv: num(r?.clv),
          bands: { likely_alive: num(r?.b1), at_risk: num(r?.b2), likely_lost: num(r?.b3) },
        },
      };
    } catch (e) {
      if (c.j.stale) throw e;
      issues.push({ code: 'no-prediction', severity: 'warning', params: { reason: e instanceof Error ? e.message : String(e) } });
    }
  }
  const [r] = await c.j.q(sql`SELECT count(*) AS n, avg(p) AS pa, count(*) FILTER (WHERE ${band} = 'likely_alive') AS b1,
  count(*) FILTER (WHERE ${band} = 'at_risk') AS b2, count(*) FILTER (WHERE ${band} = 'likely_lost') AS b3
FROM (SELECT ${pAliveExpr(f.bg.params)} AS p FROM (${summary}))`);
  return {
    pred: null,
    summary: {
      customers: num(r?.n),
      meanPAlive: num(r?.pa),
      expectedPurchases: null,
      totalClv: null,
      bands: { likely_alive: num(r?.b1), at_risk: num(r?.b2), likely_lost: num(r?.b3) },
    },
  };
}

/** The RFM model the Value page sets predicted CLV against (its default parameters). */
const CLV_VS: ModelId = 'rfm11';

/**
 * Predicted CLV per RFM segment, with tier counts from the predicted-CLV tiers model
 * (`clv-by-segment.ts`). `pred`: the request's per-customer predictions.
 */
async function clvByRfm(c: Ctx, req: ValueRequest, f: ValueFit, pred: Sql): Promise<ClvByModel | null> {
  if (!f.bg || !f.gg) return null;
  const clv = clvTiers.validate({
    ...structuredClone(clvTiers.defaults),
    unit: req.unit,
    months: req.months,
    monthlyDiscount: req.monthlyDiscount,
    fit: { bg: f.bg.params, gg: f.gg.params },
  });
  const rfm = MODELS[CLV_VS] as AnyModel;
  const ctx = { scope: c.scope, base: c.base };
  const params = await resolveFitted(c, CLV_VS, rfm.validate(structuredClone(rfm.defaults)));
  // the tiers over the request's kept predictions: the same rows as the CLV model's assignment, without recomputing them
  const rows = await c.j.q(clvBySegment(clvTierRows(pred, clv), rfm.assign(params, ctx)));
  return {
    model: CLV_VS,
    clv,
    rows: rows.map((r) => ({
      segment: String(r.segment),
      customers: num(r.customers),
      mean: num(r.mean),
      p05: num(r.p05),
      q1: num(r.q1),
      median: num(r.median),
      q3: num(r.q3),
      p95: num(r.p95),
      total: num(r.total),
      high: num(r.high),
      mid: num(r.mid),
      low: num(r.low),
    })),
  };
}

async function personasFor(c: Ctx, req: ValueRequest, issues: ValueIssue[]): Promise<PersonasResult | null> {
  const features: PersonaFeature[] = ['recency', 'frequency', 'monetary', 'tenure', 'breadth'];
  const [ev] = await c.j.q(sql`SELECT count(*) AS n FROM (SELECT 1 FROM events LIMIT 1)`);
  if (num(ev?.n) > 0) features.push('events');
  const data = await featureData(c, features);
  const buyers = data.n;
  if (buyers < 3) {
    issues.push({ code: 'k-too-large', severity: 'warning', params: { k: req.k ?? 2, customers: buyers } });
    return null;
  }
  // the suggestion's sample is the start of the clustering's: both are ordered by hash(customer_id)
  const sample = standardise(data.rows.slice(0, SUGGEST_SAMPLE), data);
  const sug = await runStepsAsync(suggestKSteps(sample, Math.min(MAX_PERSONAS, buyers - 1)), pauseFor(c.j));
  const k = req.k ?? sug.best;
  if (k > buyers) {
    issues.push({ code: 'k-too-large', severity: 'warning', params: { k, customers: buyers } });
    return null;
  }
  const params = await clusterOn(c, k, features, data);
  const rows = await c.j.q(sql`SELECT a.segment, count(*) AS n, sum(b.revenue) AS revenue
FROM (${personasModel.assign(params, { scope: c.scope, base: c.base })}) a JOIN ${c.base} b USING (customer_id) GROUP BY a.segment`);
  const total = rows.reduce((s, r) => s + Math.max(num(r.revenue), 0), 0);
  const cards = (params.centroids ?? []).map((cent, i) => {
    const r = rows.find((x) => x.segment === `p${i + 1}`);
    return {
      key: `p${i + 1}`,
      customers: num(r?.n),
      revenueShare: total > 0 ? Math.max(num(r?.revenue), 0) / total : 0,
      profile: features.map((f, j) => ({ feature: f, z: cent[j] ?? 0 })),
      words: personaWords(cent, features),
    };
  });
  return { k, suggested: sug.best, silhouettes: sug.scores, cards, params };
}

/** The Value page's worker API. `sample`: customers the models are fitted on (tests use fewer). */
export function valueApi(getDb: () => Promise<Db>, version: () => number, sample: number = FIT_SAMPLE) {
  return {
    /** Everything the Value page shows, in one request (a newer one cancels it). */
    async value(req: ValueRequest, slot: Slot): Promise<Result<ValueResult>> {
      const db = await getDb();
      const temps: string[] = [];
      const r = await job(db, 'analysis', slot, async (j) => {
        const t0 = performance.now();
        const base = await ensureBase(db, j, version(), req.scope);
        const c: Ctx = { db, j, version: version(), scope: req.scope, base, sample };
        // each summary over the orders is made once per request and read by everything after it:
        // at a million customers every extra pass over the orders costs tens of seconds in the tab
        // the orders need parts exactly when their customer base did (`ensureBase`: the same count and part size)
        const orderParts = baseParts(base);
        const written = new Map<string, { name: string; bounds: PartBounds }>();
        const keep: Keep = Object.assign(
          async (prefix: string, rel: Sql | ((p: Part) => Sql)) => {
            const parts = typeof rel === 'function' && orderParts.length > 1 ? orderParts : partsOf(0);
            const name = await homeOf(j, `${prefix}_${++fitSeq}`, parts);
            temps.push(name);
            const bounds = await writeParts(db, j, name, parts, typeof rel === 'function' ? rel : () => rel);
            const kept = sql`SELECT * FROM ${raw(name)}`;
            written.set(inline(kept), { name, bounds });
            return kept;
          },
          {
            part: (kept: Sql, p: Part): Sql => {
              const w = written.get(inline(kept));
              return w ? sql`SELECT * FROM ${rowsOfPart(w.name, w.bounds, p)}` : queryInPart(kept, p);
            },
          },
        );
        // the one grouping of the orders by customer and day: the data checks, the historic value, the
        // fit and the predictions all read it (in customer parts over more than 5M order lines: each
        // part groups only its customers' days)
        const full = await keep('value_sum', (p) => rfSummary(req.scope, { unit: req.unit, calibrationEnd: null, extras: true }, p));
        const s = await stats(c, full);
        const issues = checkData(s, req.calibrationEnd);
        const out: ValueResult = {
          stats: s,
          issues,
          historic: null,
          fit: null,
          predictions: null,
          holdout: null,
          clvByRfm: null,
          personas: null,
          ms: 0,
        };
        if (s.purchaseDays === 0) return { ...out, ms: performance.now() - t0 };
        out.historic = await historic(c, req.split, keep, full);
        if (!issues.some((i) => i.code === 'no-purchases' || i.code === 'single-day')) {
          const money = s.moneyDays > 0;
          const f = await fitFor(c, req.unit, null, money, full);
          issues.push(...f.issues);
          if (f.bg) {
            out.fit = {
              bg: f.bg.params,
              bgLL: f.bg.ll,
              gg: f.gg?.params ?? null,
              ggLL: f.gg?.ll ?? null,
              correlation: f.correlation,
              customers: f.customers,
              population: f.population,
              repeatCustomers: f.repeatCustomers,
              ms: f.ms,
            };
            const p = await predictionSummary(c, req, f, issues, full, keep);
            out.predictions = p?.summary ?? null;
            if (p?.pred && p.summary.totalClv !== null) out.clvByRfm = await clvByRfm(c, req, f, p.pred);
          }
          if (req.calibrationEnd !== null && !issues.some((i) => i.code === 'holdout-outside')) {
            const calSummary = await keep('value_cal', (p) =>
              rfSummary(req.scope, { unit: req.unit, calibrationEnd: req.calibrationEnd }, p),
            );
            const cal = await fitFor(c, req.unit, req.calibrationEnd, false, calSummary);
            if (cal.bg) {
              const groups = (await j.q(holdoutGroups(calSummary))).map((r) => ({
                x: num(r.x),
                tx: num(r.tx),
                T: num(r.T),
                xStar: num(r.xStar),
                n: num(r.n),
              })) as HoldoutGroup[];
              const [d] = await j.q(
                sql`SELECT date_diff('day', CAST(${req.calibrationEnd} AS DATE), CAST(${req.scope.asOf} AS DATE)) - 1 AS d`,
              );
              const tStar = num(d?.d) / UNIT_DAYS[req.unit];
              out.holdout = { ...holdoutCheck(cal.bg.params, groups, tStar), fit: cal.bg.params, tStar };
            } else {
              for (const i of cal.issues) if (!issues.some((x) => x.code === i.code)) issues.push(i);
            }
          }
        }
        out.personas = await personasFor(c, req, issues);
        return { ...out, ms: performance.now() - t0 };
      });
      for (const name of temps) await db.exec('aux', `DROP TABLE IF EXISTS ${name}`).catch(() => undefined);
      return r;
    },
  };
}
