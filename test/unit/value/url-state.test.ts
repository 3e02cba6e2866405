/** The Value page options in the URL (`p=value&val=…`): round trip, defaults omitted, bad values refused. */
import { describe, it, expect } from 'vitest';
import { parseState, serializeState, defaultState, VALUE_DEFAULTS } from '../../../src/state/url-state';

describe('value options in the URL', () => {
  it('round-trips non-default options and omits defaults', () => {
    const s = defaultState();
    s.page = 'value';
    s.value = { ...VALUE_DEFAULTS, cal: '1997-09-30', k: 5, split: 'rfm11', discount: 0.02 };
    const hash = serializeState(s);
    expect(hash).toContain('p=value');
    const val = JSON.parse(new URLSearchParams(hash).get('val')!) as object;
    expect(val).toEqual({ cal: '1997-09-30', k: 5, split: 'rfm11', discount: 0.02 });
    const back = parseState(`#${hash}`);
    expect(back.warnings).toEqual([]);
    expect(back.state.value).toEqual(s.value);
    expect(serializeState(defaultState())).not.toContain('val=');
  });

  it('refuses invalid options with a warning and keeps the defaults', () => {
    for (const bad of [{ k: 9 }, { cal: '1997-02-30' }, { unit: 'month' }, { split: 'nope' }, { months: 0 }]) {
      const r = parseState(`#v=1&p=value&val=${encodeURIComponent(JSON.stringify(bad))}`);
      expect(r.state.value, JSON.stringify(bad)).toEqual(VALUE_DEFAULTS);
      expect(r.warnings).toContainEqual({ key: 'link.value_invalid' });
    }
  });
});
