/**
 * The 11-segment RFM rule editor (issue 12 item 6) as a user drives it: rename, remove and add
 * segments, and the two presets; every change reaches the breakdown and the URL, and each
 * customer stays in exactly one segment.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openApp, loadDemo, numberAt, errorsShown, readyAfter, type Session } from './browser';

/** Segment key → customers, from the breakdown table (segments with customers only). */
async function counts(s: Session): Promise<Map<string, number>> {
  const rows = await s.page
    .locator('[data-testid=breakdown-table] tbody tr[data-segment]')
    .evaluateAll((trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-segment') ?? '',
        Number((tr.querySelector('[data-testid=seg-customers]')?.textContent ?? '').replace(/[^0-9]/g, '')),
      ]),
    );
  return new Map((rows as [string, number][]).filter(([, n]) => n > 0));
}

const seqOf = async (s: Session) => Number(await s.page.getByTestId('breakdown').getAttribute('data-seq'));
/** The model parameters the link carries (`mp`), decoded. */
const modelParamsInUrl = (s: Session) => new URLSearchParams(new URL(s.page.url()).hash.slice(1)).get('mp') ?? '';
const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

describe('the RFM rule editor', () => {
  let s: Session;
  let buyers = 0;
  beforeAll(async () => {
    s = await openApp();
    await loadDemo(s);
    buyers = await numberAt(s.page, 'kpi-customers');
    await s.page.getByTestId('nav-segments').click();
    await s.page.getByTestId('model-select').selectOption('rfm11');
    await readyAfter(s.page, 0);
    await s.page.getByTestId('edit-rfm11-rules').click();
    await s.page.getByTestId('rfm11-rules').waitFor();
  });
  afterAll(async () => s?.close());

  it('renames a segment: the breakdown shows the new name and the link carries it', async () => {
    const before = await counts(s);
    const seq = await seqOf(s);
    const name = s.page.locator('[data-testid=rfm11-rules] tr[data-rule=champions] [data-testid=rule-name]');
    await name.fill('Top fans');
    await name.dispatchEvent('change');
    await readyAfter(s.page, seq);
    const row = s.page.locator('[data-testid=breakdown-table] tr[data-segment=champions]');
    expect(((await row.locator('td').first().textContent()) ?? '').trim()).toBe('Top fans');
    // only the label changed
    expect(await counts(s)).toEqual(before);
    expect(modelParamsInUrl(s)).toContain('Top fans');
    expect(await errorsShown(s.page)).toEqual([]);
  });

  it('removes segments: their customers fall through to the rules below, then to "others"', async () => {
    const champions = (await counts(s)).get('champions')!;
    expect(champions).toBeGreaterThan(0);
    // remove every rule but the first: champions and everybody else ("others")
    const rows = s.page.locator('[data-testid=rfm11-rules] tbody tr');
    const n = await rows.count();
    expect(n).toBe(11);
    for (let i = n - 1; i >= 1; i--) {
      const seq = await seqOf(s);
      await rows.nth(i).getByTestId('rule-remove').click();
      await readyAfter(s.page, seq);
    }
    expect(await rows.count()).toBe(1);
    // the last rule cannot be removed
    expect(await rows.first().getByTestId('rule-remove').isDisabled()).toBe(true);
    const after = await counts(s);
    expect([...after.keys()].sort()).toEqual(['champions', 'others']);
    expect(after.get('champions')).toBe(champions);
    expect(after.get('others')).toBe(buyers - champions);
  });

  it('adds a segment: the new rule (every R and F score) takes everybody "others" held', async () => {
    const champions = (await counts(s)).get('champions')!;
    const seq = await seqOf(s);
    await s.page.getByTestId('rule-add').click();
    await readyAfter(s.page, seq);
    const rows = s.page.locator('[data-testid=rfm11-rules] tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(1).getAttribute('data-rule')).toBe('s1');
    const after = await counts(s);
    expect([...after.keys()].sort()).toEqual(['champions', 's1']);
    expect(after.get('s1')).toBe(buyers - champions);
    // a new segment opens its customers like any other
    const seq2 = await seqOf(s);
    const name = rows.nth(1).getByTestId('rule-name');
    await name.fill('Everybody else');
    await name.dispatchEvent('change');
    await readyAfter(s.page, seq2);
    expect(((await s.page.locator('[data-testid=breakdown-table] tr[data-segment=s1] td').first().textContent()) ?? '').trim()).toBe(
      'Everybody else',
    );
  });

  it('the R rfm package preset gives its segment table and scoring; the default preset restores the 11 rules', async () => {
    let seq = await seqOf(s);
    await s.page.getByTestId('rfm-preset-r').click();
    await readyAfter(s.page, seq);
    const keys = () =>
      s.page.locator('[data-testid=rfm11-rules] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-rule')));
    // the package's default segment table (rfm_segment's defaults), in its order
    expect(await keys()).toEqual([
      'champions',
      'potential_loyalist',
      'loyal',
      'promising',
      'new_customers',
      'cant_lose',
      'at_risk',
      'need_attention',
      'about_to_sleep',
      'lost',
    ]);
    // its rules bound M too: champions are 5-5-5
    const champ = s.page.locator('[data-testid=rfm11-rules] tr[data-rule=champions]');
    expect(await champ.getByTestId('rule-m-lo').inputValue()).toBe('5');
    expect(await champ.getByTestId('rule-m-hi').inputValue()).toBe('5');
    // the user's renamed segments are gone
    expect(modelParamsInUrl(s)).not.toContain('Everybody else');
    expect(sum(await counts(s))).toBe(buyers);

    seq = await seqOf(s);
    await s.page.getByTestId('rfm-preset-default').click();
    await readyAfter(s.page, seq);
    expect((await keys()).length).toBe(11);
    const c = await counts(s);
    expect(sum(c)).toBe(buyers);
    expect(c.has('others')).toBe(false);
    expect(await errorsShown(s.page)).toEqual([]);
  });
});
