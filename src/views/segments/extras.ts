/**
 * How each model extra (`Model.extras`, computed by the worker) is drawn, and where: `wide` below
 * the breakdown, `side` beside the cross-tab. A model that declares a new extra adds its view here.
 */
import type { Component } from 'svelte';
import type { ExtraKey } from '../../analysis/segmentation/model';
import RfmGrid from './RfmGrid.svelte';
import AffinityChart from './AffinityChart.svelte';

export const EXTRA_VIEWS: Record<ExtraKey, { component: Component; place: 'wide' | 'side' }> = {
  grid: { component: RfmGrid, place: 'side' },
  affinity: { component: AffinityChart, place: 'wide' },
};
