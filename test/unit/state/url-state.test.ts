import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parseState, serializeState, defaultState, LIFE_DEFAULTS, compareFingerprint, type ViewState } from '../../../src/state/url-state';
import { MODELS, MODEL_IDS } from '../../../src/analysis/segmentation';
import { runnableParams } from '../value/fitted';
import { CUSTOMER_FIELDS, ORDER_FIELDS } from '../../../src/analysis/scope';
import { customerBase } from '../../../src/analysis/customer-base';
import { breakdown } from '../../../src/analysis/breakdown';
import { sql, inline } from '../../../src/lib/sql';
import { openDb, query, load } from '../../helpers/duckdb';
import { inputEn, inputZh } from '../../../src/lib/i18n/input';

describe('URL state', () => {
  it('a default state serialises to a short link and back', () => {
    const s = defaultState();
    expect(serializeState(s)).toBe('v=1');
    expect(parseState('#v=1')).toEqual({ state: s, warnings: [] });
  });

  it('keeps typical links short and carries only non-default parameters', () => {
    const s: ViewState = {
      ...defaultState(),
      page: 'segments',
      asOf: '2011-12-10',
      from: '2011-01-01',
      filters: [{ field: 'region', values: ['United Kingdom', 'France'] }],
      model: 'rfm8',
      params: { ...MODELS.rfm8.defaults, threshold: 'median' } as ViewState['params'],
      segment: 'important_value',
      crosstab: 'city_tier',
      crosstabMode: 'row',
      cell: { kind: 'x', b: 'tier 1' },
      migrateFrom: '2011-09-01',
      life: { ...LIFE_DEFAULTS, period: 'week' },
    };
    const link = serializeState(s);
    expect(link.length).toBeLessThan(500);
    expect(parseState(link)).toEqual({ state: s, warnings: [] });
  });

  it('reports and ignores unknown or malformed parts', () => {
    const r = parseState('v=1&p=admin&m=nope&asof=2024-02-30&zzz=1&f=[oops&life={"period":"year"}&mp={"bins":9}');
    expect(r.state.page).toBe('data');
    expect(r.state.model).toBe('rfm11');
    expect(r.state.asOf).toBeNull();
    expect(r.state.filters).toEqual([]);
    expect(r.state.life).toEqual(LIFE_DEFAULTS);
    expect(r.state.params).toEqual(MODELS.rfm11.defaults);
    const keys = r.warnings.map((w) => w.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'link.unknown_page',
        'link.unknown_model',
        'link.bad_date',
        'link.unknown_param',
        'link.filters',
        'link.life_invalid',
        'link.mp_invalid',
      ]),
    );
    expect(r.warnings.find((w) => w.key === 'link.unknown_param')?.vars).toEqual({ name: 'zzz' });
  });

  it('migrates or flags other versions', () => {
    expect(parseState('v=0&p=segments').warnings[0]?.key).toBe('link.migrated');
    expect(parseState('v=0&p=segments').state.page).toBe('segments');
    expect(parseState('v=7').warnings[0]).toEqual({ key: 'link.newer', vars: { v: '7' } });
  });

  it.each([
    ['mp=oops', 'link.mp_malformed'],
    ['mp=[1,2]', 'link.mp_malformed'],
    ['mp=5', 'link.mp_malformed'],
    ['mp={"nope":1}', 'link.mp_unknown'],
    ['life=oops', 'link.life_malformed'],
    ['life={"period":', 'link.life_malformed'],
    ['life="month"', 'link.life_malformed'],
    ['life={"perod":"week"}', 'link.life_unknown'],
    ['life={"churnK":0}', 'link.life_invalid'],
  ])('a malformed model or lifecycle parameter (%s) is reported, not dropped silently', (hash, key) => {
    const r = parseState(`v=1&${hash}`);
    expect(r.warnings.map((w) => w.key)).toEqual([key]);
    expect(r.state.params).toEqual(MODELS.rfm11.defaults);
    expect(r.state.life).toEqual(LIFE_DEFAULTS);
  });

  it('thousands of unknown keys collapse into one warning with a count', () => {
    const junk = Array.from({ length: 50_000 }, (_, i) => `k${i}=1`).join('&');
    const r = parseState(`v=1&p=segments&${junk}&k0=2`);
    expect(r.state.page).toBe('segments');
    expect(r.warnings).toEqual([{ key: 'link.unknown_params', vars: { n: 50_000, names: 'k0, k1, k2' } }]);
    // a few stay named one by one
    expect(parseState('a=1&b=2').warnings.map((w) => w.vars?.name)).toEqual(['a', 'b']);
    const life = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`x${i}`, i]));
    expect(parseState(`life=${encodeURIComponent(JSON.stringify(life))}`).warnings).toEqual([
      { key: 'link.life_unknown_many', vars: { n: 10, names: 'x0, x1, x2' } },
    ]);
  });

  it('every link warning has an English and a Chinese text', () => {
    const keys = new Set<string>();
    const links = [
      'v=x',
      'v=0',
      'v=9',
      'zz=1',
      '1=1&2=2&3=3&4=4',
      'p=x',
      'lang=x',
      'asof=x',
      'from=2024-02-01&asof=2024-01-01',
      'f=x',
      'm=x',
    ];
    links.push('mp=x', 'mp={"bins":9}', 'mp={"a":1}', 'mp={"a":1,"b":2,"c":3,"d":4}', 'cell=x', 'x=x', 'xm=x', 'ds=x');
    links.push('cur=x', 'cur=eur', 'cur=ZZZZ');
    links.push('life=x', 'life={"a":1}', 'life={"a":1,"b":2,"c":3,"d":4}', 'life={"churnK":0}');
    for (const h of links) for (const w of parseState(h).warnings) keys.add(w.key);
    expect(keys.size).toBeGreaterThanOrEqual(20);
    for (const k of keys) {
      expect(inputEn[k], k).toBeTruthy();
      expect(inputZh[k], k).toBeTruthy();
    }
    expect(Object.keys(inputZh).sort()).toEqual(Object.keys(inputEn).sort());
  });

  it('carries the chosen currency: a code, none, or nothing (follow the files)', () => {
    expect(serializeState(defaultState())).not.toContain('cur=');
    expect(serializeState({ ...defaultState(), currency: 'EUR' })).toContain('cur=EUR');
    expect(serializeState({ ...defaultState(), currency: '' })).toContain('cur=none');
    expect(parseState('v=1&cur=GBP')).toEqual({ state: { ...defaultState(), currency: 'GBP' }, warnings: [] });
    expect(parseState('v=1&cur=none').state.currency).toBe('');
    // not a code: ignored with a warning, money follows the files
    for (const bad of ['gbp', 'GB', '<b>', 'EURO']) {
      const r = parseState(`v=1&cur=${encodeURIComponent(bad)}`);
      expect(r.state.currency, bad).toBeNull();
      expect(r.warnings.map((w) => w.key)).toEqual(['link.unknown_currency']);
    }
  });

  it('describes how a dataset differs from the link', () => {
    const fp = { files: [{ name: 'a.csv', bytes: 10, rows: 2, role: 'orders' }], first: '2020-01-01', last: '2020-02-01', mapping: 'x' };
    expect(compareFingerprint(fp, fp)).toEqual([]);
    expect(compareFingerprint(fp, { ...fp, files: [], mapping: 'y' })).toEqual(['file a.csv is not loaded', 'the column mapping differs']);
  });

  it('never throws on arbitrary input (fuzz)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        // whatever a link holds, what was kept is a valid state: it round-trips without a warning
        const r = parseState(s);
        const again = parseState(serializeState(r.state));
        expect(again.state).toEqual(r.state);
        expect(again.warnings).toEqual([]);
      }),
      { numRuns: 2000 },
    );
    const keys = ['v', 'p', 'm', 'mp', 'asof', 'from', 'mig', 'f', 'seg', 'cell', 'x', 'xm', 'life', 'ds', 'lang'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...keys), fc.oneof(fc.string(), fc.json())), { maxLength: 8 }), (pairs) => {
        const q = new URLSearchParams(pairs).toString();
        const r = parseState(q);
        // whatever was accepted serialises and parses back to the same state
        expect(parseState(serializeState(r.state)).state).toEqual(r.state);
      }),
      { numRuns: 1000 },
    );
  });

  const field = fc.constantFrom(...CUSTOMER_FIELDS, ...ORDER_FIELDS);
  const date = fc
    .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
  const stateArb = fc.record({
    page: fc.constantFrom('data', 'segments', 'lifecycle' as const),
    asOf: fc.option(date, { nil: null }),
    filters: fc.array(fc.record({ field, values: fc.array(fc.string({ maxLength: 30 }), { minLength: 1, maxLength: 4 }) }), {
      maxLength: 3,
    }),
    model: fc.constantFrom(...MODEL_IDS),
    segment: fc.option(fc.string({ maxLength: 30 }), { nil: null }),
    crosstabMode: fc.constantFrom('count', 'row' as const),
    currency: fc.constantFrom(null, '', 'EUR', 'CNY', 'JPY'),
  });

  it('round-trips parse(serialize(state)) == state (property)', () => {
    fc.assert(
      fc.property(stateArb, (r) => {
        const s: ViewState = { ...defaultState(), ...r, params: structuredClone(MODELS[r.model].defaults) as ViewState['params'] };
        expect(parseState(serializeState(s))).toEqual({ state: s, warnings: [] });
      }),
      { numRuns: 500 },
    );
  });

  it('serialises alike with a memo of parts (the links of one snapshot), whatever the parts and the model', () => {
    const memo = new WeakMap<object, { of: object; text: string }>();
    const rfm11 = { ...MODELS.rfm11.defaults, bins: 4 } as ViewState['params'];
    const life = { ...LIFE_DEFAULTS, activeDays: 45 };
    const base: ViewState = { ...defaultState(), page: 'segments', params: rfm11, life };
    // links of one snapshot: the same part objects, different patches
    const links = [
      base,
      { ...base, segment: 'champions' },
      { ...base, segment: 'lost', cell: { kind: 'g' as const, r: 1, f: 2 } },
      // the same params object under another model (other defaults): not the memo's text
      { ...base, model: 'rfm8' as const },
      { ...base, life: { ...LIFE_DEFAULTS } },
    ];
    for (const s of links) expect(serializeState(s, memo)).toBe(serializeState(s));
    expect(serializeState(links[0]!, memo)).toContain('mp=');
    expect(serializeState({ ...base, params: structuredClone(MODELS.rfm11.defaults) as ViewState['params'] }, memo)).not.toContain('mp=');
    fc.assert(
      fc.property(stateArb, (r) => {
        const s: ViewState = { ...defaultState(), ...r, params: structuredClone(MODELS[r.model].defaults) as ViewState['params'] };
        expect(serializeState(s, memo)).toBe(serializeState(s));
        expect(serializeState({ ...s, segment: 'x' }, memo)).toBe(serializeState({ ...s, segment: 'x' }));
      }),
      { numRuns: 200 },
    );
  });

  it('turns any link into SQL that DuckDB accepts, with hostile values bound, not pasted', { timeout: 180_000 }, async () => {
    const db = await openDb();
    await load(db, { orders: [{ customer_id: 'a', ts: '2024-01-01', amount: 10, channel: 'web' }] });
    const hostile = fc.constantFrom("'; DROP TABLE orders; --", '"', '\\', '%_', '😀', 'a\u0000b', '<script>');
    await fc.assert(
      fc.asyncProperty(stateArb, fc.array(hostile, { maxLength: 3 }), async (r, vals) => {
        const filters = vals.length ? [...r.filters, { field: 'channel' as const, values: vals }] : r.filters;
        const link = serializeState({
          ...defaultState(),
          ...r,
          filters,
          params: structuredClone(MODELS[r.model].defaults) as ViewState['params'],
        });
        const { state } = parseState(link);
        const scope = { asOf: state.asOf ?? '2024-06-01', from: null, filters: state.filters };
        const model = MODELS[state.model] as (typeof MODELS)['rfm11'];
        // value models carry fitted numbers the worker supplies; here the published CDNOW fit
        const q = breakdown(model, runnableParams(state.model, state.params) as never, { scope, base: sql`(${customerBase(scope)})` });
        await query(db, `EXPLAIN ${inline(q)}`);
        const rows = await query(db, q);
        // the one order (customer a, channel web, 2024-01-01) counts only where the scope keeps it
        const kept = scope.asOf > '2024-01-01' && scope.filters.every((f) => f.field === 'channel' && f.values.includes('web'));
        const customers = rows.reduce((n, row) => n + Number(row.customers), 0);
        if (model.universe === 'buyers') expect(customers).toBe(kept ? 1 : 0);
        else expect(customers).toBeLessThanOrEqual(1);
        expect((await query(db, 'SELECT count(*) AS n FROM orders'))[0]?.n).toBe(1);
      }),
      { numRuns: 60 },
    );
  });
});
