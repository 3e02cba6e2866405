/** Lifecycle options of issue 12 in the URL: round trip and validation like the rest. */
import { describe, it, expect } from 'vitest';
import { parseState, serializeState, defaultState, LIFE_DEFAULTS } from '../../../src/state/url-state';
import { RFM_R_PRESET } from '../../../src/analysis/segmentation/rfm11';

describe('lifecycle definitions in the URL', () => {
  it('round-trips day periods, Sunday weeks, the period definition and retention options', () => {
    const s = defaultState();
    s.page = 'lifecycle';
    s.life = {
      ...LIFE_DEFAULTS,
      period: 'day',
      weekStart: 'sunday',
      definition: 'period',
      cohortKind: 'recurring',
      startEvent: 'orders',
      returnEvent: 'view',
    };
    const hash = serializeState(s);
    expect(JSON.parse(new URLSearchParams(hash).get('life') ?? '{}')).toEqual({
      period: 'day',
      weekStart: 'sunday',
      definition: 'period',
      cohortKind: 'recurring',
      startEvent: 'orders',
      returnEvent: 'view',
    });
    expect(parseState(hash)).toEqual({ state: s, warnings: [] });
  });

  it.each([
    ['period', 'hour'],
    ['weekStart', 'friday'],
    ['definition', 'posthog'],
    ['cohortKind', 'every'],
    ['returnEvent', 'swipe'],
  ])('rejects %s = %s and keeps the defaults', (k, v) => {
    const { state, warnings } = parseState(`v=1&life=${encodeURIComponent(JSON.stringify({ [k]: v }))}`);
    expect(state.life).toEqual(LIFE_DEFAULTS);
    expect(warnings).toEqual([{ key: 'link.life_invalid' }]);
  });

  it('keeps the R preset, renamed and added segments, and the break boundary in a link', () => {
    const s = defaultState();
    s.page = 'segments';
    s.params = {
      ...structuredClone(RFM_R_PRESET),
      method: 'breaks',
      breakBoundary: 'upper',
      rules: [{ key: 's1', name: 'Whales <b>', r: [1, 5], f: [1, 5], m: [5, 5] }, ...structuredClone(RFM_R_PRESET.rules)],
    };
    expect(parseState(serializeState(s))).toEqual({ state: s, warnings: [] });
    const bad = serializeState({ ...s, params: { ...s.params, rules: [{ key: 's1', r: [1, 5], f: [1, 5] }] } as never });
    const parsed = parseState(bad);
    expect(parsed.warnings).toEqual([{ key: 'link.mp_invalid', vars: { reason: 'invalid rule: s1 needs a name' } }]);
  });
});
