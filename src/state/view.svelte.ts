/**
 * The view state, with the URL hash as its one source of truth: parsed (validated) on load and on
 * back/forward, written back on every change — `pushState` when the page changes, `replaceState`
 * for small tweaks. Pages read `view.state` and `view.scope`.
 */
import { parseState, serializeState, type LinkWarning, type ViewState } from './url-state';
import type { Scope } from '../analysis/scope';
import { data } from './data.svelte';
import { todayIso } from '../lib/dates';
import { i18n } from '../lib/i18n/index.svelte';

class ViewStore {
  state = $state<ViewState>(parseState('').state);
  /** what the link had that this version could not use */
  warnings = $state.raw<LinkWarning[]>([]);
  /**
   * A plain copy of the state, made once per change: every number on a page is a link built from
   * it, and a deep copy per link cost ~100 ms per redraw of the Segments page. Never mutate it.
   */
  readonly snapshot: Readonly<ViewState> = $derived($state.snapshot(this.state) as ViewState);
  /** serialised parts of the snapshot (`serializeState`'s memo): the snapshot is never mutated */
  #memo = new WeakMap<object, { of: object; text: string }>();
  #lastHash = '';
  #lastPage: string | null = null;

  /** The analysis scope: as-of date (default: day after the last order), window, filters. */
  get scope(): Scope {
    return {
      asOf: this.state.asOf ?? data.overview?.defaultAsOf ?? todayIso(),
      from: this.state.from,
      filters: $state.snapshot(this.state.filters) as Scope['filters'],
      // only when set, so a scope without them stays the same object shape (cache keys)
      ...(this.state.namedFilters.length ? { named: $state.snapshot(this.state.namedFilters) as Scope['named'] } : {}),
    };
  }

  /** Start syncing with the URL. Call once from the root component. */
  start(): () => void {
    this.#read();
    const onPop = () => this.#read();
    window.addEventListener('popstate', onPop);
    window.addEventListener('hashchange', onPop);
    const stop = $effect.root(() => {
      $effect(() => {
        const hash = serializeState(this.snapshot, this.#memo);
        if (hash === this.#lastHash) return;
        const url = `${location.pathname}${location.search}#${hash}`;
        if (this.#lastPage !== null && this.#lastPage !== this.state.page) history.pushState(null, '', url);
        else history.replaceState(null, '', url);
        this.#lastHash = hash;
        this.#lastPage = this.state.page;
      });
      $effect(() => {
        if (this.state.lang) i18n.lang = this.state.lang;
      });
    });
    return () => {
      window.removeEventListener('popstate', onPop);
      window.removeEventListener('hashchange', onPop);
      stop();
    };
  }

  #read(): void {
    if (location.hash.replace(/^#/, '') === this.#lastHash) return;
    const r = parseState(location.hash);
    this.state = r.state;
    this.warnings = r.warnings;
    this.#lastHash = serializeState(r.state);
    this.#lastPage = r.state.page;
  }

  /** A link (`#…`) to the current view with `patch` applied. */
  href(patch: Partial<ViewState>): string {
    return `#${serializeState({ ...this.snapshot, ...patch }, this.#memo)}`;
  }

  go(page: ViewState['page']): void {
    this.state.page = page;
  }
}

export const view = new ViewStore();
