/**
 * The app's pages, in tab order. Adding a page is one entry here (plus its id in `PAGES` of the
 * URL state and its `nav.<id>` label); `App.svelte` renders whatever this lists.
 */
import type { Component } from 'svelte';
import type { Page } from '../state/url-state';
import DataPage from './data/DataPage.svelte';
import SegmentsPage from './segments/SegmentsPage.svelte';
import LifecyclePage from './lifecycle/LifecyclePage.svelte';
import ValuePage from './value/ValuePage.svelte';
import BehaviourPage from './behaviour/BehaviourPage.svelte';
import CustomPage from './custom/CustomPage.svelte';
import ProfilePage from './profile/ProfilePage.svelte';

export interface PageDef {
  id: Page;
  /** i18n key of the tab label */
  label: string;
  component: Component;
  /** analysis pages read the loaded data through the shared scope bar */
  analysis: boolean;
}

export const PAGE_DEFS: readonly PageDef[] = [
  { id: 'data', label: 'nav.data', component: DataPage, analysis: false },
  { id: 'segments', label: 'nav.segments', component: SegmentsPage, analysis: true },
  { id: 'lifecycle', label: 'nav.lifecycle', component: LifecyclePage, analysis: true },
  { id: 'value', label: 'nav.value', component: ValuePage, analysis: true },
  { id: 'behaviour', label: 'nav.behaviour', component: BehaviourPage, analysis: true },
  { id: 'custom', label: 'nav.custom', component: CustomPage, analysis: true },
  { id: 'profile', label: 'nav.profile', component: ProfilePage, analysis: true },
];
