/**
 * The marks of a labelled heatmap, shared by the cross-tab, R × F grid and migration charts:
 * cells coloured by a value (linear from 0), optional links, and a label in each cell that is
 * white on the dark half of the scale and lets clicks through to the cell's link.
 */
import * as Plot from '@observablehq/plot';

export interface HeatmapOptions<T> {
  x: (d: T) => string | number;
  y: (d: T) => string | number;
  /** what colours the cell (and picks the label colour) */
  value: (d: T) => number;
  label: (d: T) => string;
  title: (d: T) => string;
  /** a link per cell (opens the customers behind it) */
  href?: (d: T) => string;
  /** outline some cells (e.g. the diagonal of a migration matrix) */
  outline?: (d: T) => boolean;
  fontSize?: number;
}

/** Largest value, for the colour domain [0, max] that the label contrast assumes. */
export function maxOf<T>(data: readonly T[], value: (d: T) => number): number {
  return Math.max(0, ...data.map(value));
}

export function heatmapMarks<T>(data: readonly T[], o: HeatmapOptions<T>): Plot.Markish[] {
  const max = maxOf(data, o.value);
  return [
    Plot.cell(data, {
      x: o.x,
      y: o.y,
      fill: o.value,
      title: o.title,
      inset: 0.5,
      ...(o.href ? { href: o.href, target: '_self' } : {}),
      ...(o.outline ? { stroke: (d: T) => (o.outline!(d) ? '#1d2733' : 'none') } : {}),
    }),
    Plot.text(data, {
      x: o.x,
      y: o.y,
      text: o.label,
      fontSize: o.fontSize ?? 11,
      pointerEvents: 'none',
      fill: (d: T) => (o.value(d) > 0.55 * max ? 'white' : 'black'),
    }),
  ];
}

/** A labelled segment × something heatmap: the one layout of the cross-tab, affinity and migration charts. */
export interface HeatmapPlotOptions<T> extends HeatmapOptions<T> {
  rows: readonly string[];
  cols: readonly string[];
  scheme: Plot.ColorScheme;
  /** legend title */
  legend: string;
  /** top of the colour scale (default: the largest value) */
  max?: number;
  xLabel?: string | null;
  yLabel?: string | null;
}

export function heatmapPlot<T>(data: readonly T[], o: HeatmapPlotOptions<T>): SVGSVGElement | HTMLElement {
  return Plot.plot({
    width: Math.max(520, 230 + o.cols.length * 62),
    height: Math.max(160, o.rows.length * 30 + 100),
    marginLeft: 230,
    marginBottom: 90,
    padding: 0.03,
    x: { label: o.xLabel ?? null, domain: [...o.cols], tickRotate: -35 },
    y: { label: o.yLabel ?? null, domain: [...o.rows] },
    // a [0, 0] ramp (nothing to colour) would label itself 0.000000: no legend then
    color: {
      type: 'linear',
      scheme: o.scheme,
      legend: (o.max ?? maxOf(data, o.value)) > 0,
      label: o.legend,
      domain: [0, o.max ?? maxOf(data, o.value)],
    },
    marks: heatmapMarks(data, { fontSize: 10, ...o }),
  });
}
