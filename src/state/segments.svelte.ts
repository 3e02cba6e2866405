/**
 * The segments page's answers from the worker. One request per change of model, parameters,
 * scope, cross-tab or data; the worker cancels a superseded one and we drop its late answer.
 */
import { atlas } from '../lib/worker-client';
import { view } from './view.svelte';
import { data } from './data.svelte';
import { serializeState, type ViewState } from './url-state';
import type { SegmentsResult } from '../segments-api';
import type { AppError } from '../worker-api';

class SegmentsStore {
  result = $state.raw<SegmentsResult | null>(null);
  error = $state.raw<AppError | null>(null);
  loading = $state(false);
  /** increments each time a new result has been drawn (benchmarks and tests wait on it) */
  seq = $state(0);
  #key = '';
  #ticket = 0;

  /** The request's identity: only what changes the numbers (not the selected segment). */
  requestKey(): string {
    const s = view.state;
    return JSON.stringify([data.version, view.scope, s.model, $state.snapshot(s.params), s.crosstab]);
  }

  async refresh(force = false): Promise<void> {
    if (!data.overview) return;
    const key = this.requestKey();
    if (!force && key === this.#key) return;
    this.#key = key;
    const ticket = ++this.#ticket;
    this.loading = true;
    const s = view.state;
    const r = await atlas().api.segments({
      scope: view.scope,
      model: s.model,
      params: $state.snapshot(s.params),
      crosstab: s.crosstab,
    });
    if (ticket !== this.#ticket) return;
    if (r.ok) {
      this.result = r.value;
      this.error = null;
    } else if (r.error.code !== 'cancelled') {
      this.error = r.error;
    }
    this.loading = false;
  }

  /** A link to the current view with a different selection (for bars, rows and cells). */
  linkTo(patch: Partial<ViewState>): string {
    return `#${serializeState({ ...($state.snapshot(view.state) as ViewState), ...patch })}`;
  }
}

export const segments = new SegmentsStore();
