/**
 * SVG snapshots of the main charts, in the style of Observable Plot's own tests: the chart's SVG as
 * drawn in the page, normalised (numbers rounded, ids and styles that carry no meaning removed), is
 * compared with `test/output/<name>.svg`. A mismatch writes `<name>-changed.svg` beside it and
 * fails; a missing snapshot is written (commit it after looking at it).
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { expect } from 'vitest';

const OUT = join(import.meta.dirname, '../output');

/** Stable text of an SVG: numbers to 1 decimal, one element per line. */
export function normaliseSvg(svg: string): string {
  return svg
    .replace(/-?\d+\.\d+/g, (n) => {
      const r = Number(n).toFixed(1);
      return r === '-0.0' ? '0.0' : r;
    })
    .replace(/\s+/g, ' ')
    .replace(/> </g, '>\n<')
    .trim();
}

/** Compare the chart's SVG inside `chart` with the stored snapshot `name`. */
export async function expectSvgSnapshot(chart: Locator, name: string): Promise<void> {
  const svg = normaliseSvg(
    await chart
      // the chart itself: legend swatches are small svgs without a viewBox
      .locator('svg[viewBox]')
      .first()
      .evaluate((el) => el.outerHTML),
  );
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `${name}.svg`);
  const changed = join(OUT, `${name}-changed.svg`);
  if (!existsSync(file)) {
    writeFileSync(file, svg + '\n');
    return;
  }
  const want = readFileSync(file, 'utf8').trim();
  if (want !== svg) writeFileSync(changed, svg + '\n');
  expect(svg === want, `${name}.svg differs from the snapshot; see ${name}-changed.svg`).toBe(true);
}
