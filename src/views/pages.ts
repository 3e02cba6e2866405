/**
 * The app's pages, in tab order. Adding a page is one entry here (plus its id in `PAGES` of the
 * URL state and its `nav.<id>` label); `App.svelte` renders whatever this lists.
 *
 * Analysis pages are separate chunks loaded on first visit (`load`), so the first paint — the
 * Data page and its file picker, in the entry chunk — parses only what it needs.
 */
import type { Component } from 'svelte';
import type { Page } from '../state/url-state';
import DataPage from './data/DataPage.svelte';

export interface PageDef {
  id: Page;
  /** i18n key of the tab label */
  label: string;
  /** the page's component, loaded once (its own chunk) */
  load: () => Promise<{ default: Component }>;
  /** analysis pages read the loaded data through the shared scope bar */
  analysis: boolean;
}

export const PAGE_DEFS: readonly PageDef[] = [
  { id: 'data', label: 'nav.data', load: () => Promise.resolve({ default: DataPage }), analysis: false },
  { id: 'segments', label: 'nav.segments', load: once(() => import('./segments/SegmentsPage.svelte')), analysis: true },
  { id: 'lifecycle', label: 'nav.lifecycle', load: once(() => import('./lifecycle/LifecyclePage.svelte')), analysis: true },
  { id: 'value', label: 'nav.value', load: once(() => import('./value/ValuePage.svelte')), analysis: true },
  { id: 'behaviour', label: 'nav.behaviour', load: once(() => import('./behaviour/BehaviourPage.svelte')), analysis: true },
  { id: 'custom', label: 'nav.custom', load: once(() => import('./custom/CustomPage.svelte')), analysis: true },
  { id: 'profile', label: 'nav.profile', load: once(() => import('./profile/ProfilePage.svelte')), analysis: true },
];

/** One import per page: the same promise on every visit, so a page's chunk is fetched once. */
function once(f: () => Promise<{ default: Component }>): () => Promise<{ default: Component }> {
  let p: Promise<{ default: Component }> | null = null;
  return () => (p ??= f());
}
