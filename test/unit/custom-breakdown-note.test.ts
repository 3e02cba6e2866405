/** The breakdown note: the partition sentence ("exactly one segment") is wrong for the overlapping Custom model. */
import { describe, it, expect } from 'vitest';
import { breakdownNoteKey } from '../../src/views/segments/breakdown-note';
import { segmentsEn, segmentsZh } from '../../src/lib/i18n/segments';

describe('breakdown note', () => {
  it('says segments overlap for Custom, and never "exactly one"', () => {
    const key = breakdownNoteKey('custom');
    expect(segmentsEn[key]).toMatch(/overlap/);
    expect(segmentsEn[key]).not.toMatch(/exactly one/);
    expect(segmentsZh[key]).not.toMatch(/恰好属于一个/);
  });
  it('keeps the partition sentence for a built-in model', () => {
    expect(segmentsEn[breakdownNoteKey('rfm11')]).toMatch(/exactly one segment/);
  });
});
