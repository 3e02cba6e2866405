/** The open drill-down lives in the link (`dd`): every kind round-trips; a malformed one is ignored with a warning. */
import { describe, it, expect } from 'vitest';
import { parseState, serializeState, defaultState } from '../../src/state/url-state';
import type { Drill } from '../../src/state/drill';

const KINDS: Drill[] = [
  { kind: 'stage', stage: 'dormant' },
  { kind: 'period', period: '2024-01-01', status: 'returning' },
  { kind: 'cohort', cohort: '2024-01-01', period: 2, split: 'web', rolling: false },
  { kind: 'churn' },
  { kind: 'winback' },
  { kind: 'transition', date1: '2024-01-15', date2: '2024-02-01', from: 'not_yet', to: 'new' },
  { kind: 'flow', period: '2024-01-01', flow: 'churned' },
  { kind: 'repurchase', window: 30, cohort: null },
  { kind: 'repurchase', window: 60, cohort: '2024-01-01' },
  { kind: 'gap', bucket: 3 },
  { kind: 'gap', bucket: null },
  { kind: 'migration', from: 'not_yet', to: 'champions' },
];

describe('drill-down in the link', () => {
  it('round-trips every kind', () => {
    for (const drill of KINDS) {
      const s = { ...defaultState(), page: 'lifecycle' as const, drill };
      const hash = serializeState(s);
      expect(new URLSearchParams(hash).get('dd')).toBe(JSON.stringify(drill));
      expect(parseState(hash)).toEqual({ state: s, warnings: [] });
    }
  });

  it('leaves no `dd` when nothing is open', () => {
    expect(new URLSearchParams(serializeState(defaultState())).has('dd')).toBe(false);
  });

  it('ignores a malformed drill-down with a warning and keeps the rest of the link', () => {
    for (const bad of [
      '{',
      '{"kind":"stage","stage":"zombie"}',
      '{"kind":"transition","date1":"2024-02-01","date2":"2024-01-15","from":"new","to":"new"}',
      '{"kind":"flow","period":"2024-13-01","flow":"new"}',
      '{"kind":"gap","bucket":1.5}',
      '{"kind":"repurchase","window":30,"cohort":null,"sql":"drop table orders"}',
      '{"kind":"migration","from":"","to":"x"}',
    ]) {
      const r = parseState(`v=1&p=lifecycle&dd=${encodeURIComponent(bad)}`);
      expect(r.state.drill, bad).toBeNull();
      expect(r.state.page).toBe('lifecycle');
      expect(r.warnings).toEqual([{ key: 'link.drill' }]);
    }
  });
});
