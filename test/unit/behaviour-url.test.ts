/** The Behaviour page's URL state (`beh=`): round trip, and every bad value refused with a warning. */
import { describe, it, expect } from 'vitest';
import { parseState, serializeState, defaultState, BEH_DEFAULTS } from '../../src/state/url-state';
import { behaviourEn, behaviourZh } from '../../src/lib/i18n/behaviour';

describe('beh= in the URL', () => {
  it('round-trips a changed funnel and split; defaults leave no beh key', () => {
    const s = defaultState();
    expect(serializeState(s)).not.toContain('beh=');
    s.page = 'behaviour';
    s.beh.funnel = {
      ...s.beh.funnel,
      windowMinutes: 30,
      order: 'any',
      unit: 'sessions',
      steps: [
        { type: 'view', category: 'shoes', product: null },
        { type: 'purchase', category: null, product: 'p1' },
      ],
    };
    s.beh.split = 'gender';
    s.beh.control = 'A';
    s.beh.abSource = 'events';
    const back = parseState(serializeState(s));
    expect(back.warnings).toEqual([]);
    expect(back.state).toEqual(s);
  });
  it.each([
    ['one step', { funnel: { ...BEH_DEFAULTS.funnel, steps: [BEH_DEFAULTS.funnel.steps[0]] } }],
    ['nine steps', { funnel: { ...BEH_DEFAULTS.funnel, steps: Array(9).fill(BEH_DEFAULTS.funnel.steps[0]) } }],
    ['window 0', { funnel: { ...BEH_DEFAULTS.funnel, windowMinutes: 0 } }],
    ['window of a year', { funnel: { ...BEH_DEFAULTS.funnel, windowMinutes: 525600 } }],
    ['fractional window', { funnel: { ...BEH_DEFAULTS.funnel, windowMinutes: 1.5 } }],
    [
      'unknown event type',
      { funnel: { ...BEH_DEFAULTS.funnel, steps: [{ type: 'swipe', category: null, product: null }, BEH_DEFAULTS.funnel.steps[1]] } },
    ],
    ['unknown order', { funnel: { ...BEH_DEFAULTS.funnel, order: 'strictest' } }],
    ['unknown split', { split: 'planet' }],
    ['unknown model', { splitModel: 'nope' }],
    ['p0 of 1', { p0: 1 }],
    ['unknown experiment source', { abSource: 'sessions' }],
  ])('refuses %s and keeps the defaults', (_, bad) => {
    const { state, warnings } = parseState(`v=1&p=behaviour&beh=${encodeURIComponent(JSON.stringify(bad))}`);
    expect(state.beh).toEqual(BEH_DEFAULTS);
    expect(state.page).toBe('behaviour');
    expect(warnings).toEqual([{ key: 'link.beh_invalid' }]);
  });
  it('keeps the exact-order funnel mode', () => {
    const s = defaultState();
    s.page = 'behaviour';
    s.beh.funnel.order = 'strict';
    const back = parseState(serializeState(s));
    expect(back.warnings).toEqual([]);
    expect(back.state.beh.funnel.order).toBe('strict');
  });
  it('malformed JSON and unknown keys are named', () => {
    expect(parseState('v=1&beh=%7Bnope').warnings).toEqual([{ key: 'link.beh_invalid' }]);
    expect(parseState(`v=1&beh=${encodeURIComponent('{"zzz":1}')}`).warnings).toEqual([{ key: 'link.beh_unknown', vars: { name: 'zzz' } }]);
  });
  it('has the same keys in English and Chinese', () => {
    expect(Object.keys(behaviourZh).sort()).toEqual(Object.keys(behaviourEn).sort());
  });
});

describe('the lifecycle activity definition is a choice of event types (issue 13)', () => {
  it('round-trips a chosen set and refuses an empty or unknown one', () => {
    const s = defaultState();
    s.life.source = 'events';
    s.life.activityTypes = ['view', 'click'];
    const back = parseState(serializeState(s));
    expect(back.warnings).toEqual([]);
    expect(back.state.life.activityTypes).toEqual(['view', 'click']);
    for (const bad of [[], ['swipe']]) {
      const r = parseState(`v=1&life=${encodeURIComponent(JSON.stringify({ activityTypes: bad }))}`);
      expect(r.warnings).toEqual([{ key: 'link.life_invalid' }]);
      expect(r.state.life.activityTypes).toEqual(['view', 'cart', 'fav', 'purchase']);
    }
  });
});
