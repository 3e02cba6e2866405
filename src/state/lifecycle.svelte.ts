/**
 * The Lifecycle page's requests, one `Remote` each: the page's main result and a re-dated
 * transition matrix. A request carries the analysis options only (`lifeOptions`), so a toggle
 * that only changes a drawing (exact/rolling, customers/revenue, %/count) asks the worker nothing:
 * the charts read it from the URL state and redraw from the result at hand.
 */
import { Remote } from './remote.svelte';
import { view } from './view.svelte';
import { data } from './data.svelte';
import { lifeOptions, type LifeOptions } from '../analysis/lifecycle/options';
import type {
  LifecycleRequest,
  LifecycleResult,
  LifeMembersRequest,
  LifeMembersTarget,
  SegmentSplit,
  TransitionResult,
  TransitionsRequest,
} from '../atlas-api';

class LifecycleStore {
  readonly main = new Remote<LifecycleRequest, LifecycleResult>('lifecycle', (api, req, slot) => api.lifecycle(req, slot));
  readonly transitions = new Remote<TransitionsRequest, TransitionResult>('transitions', (api, req, slot) => api.transitions(req, slot));
  /** result (`main.seq`) the open list was picked on; null: it came with the link */
  #pickedOn: number | null = null;

  /** The customer list open on the page: lives in the URL state (`dd`), so a shared link reopens it. */
  get target(): LifeMembersTarget | null {
    const d = view.state.drill;
    // a plain copy: the list's request crosses the worker boundary (a state proxy cannot be cloned)
    return d && d.kind !== 'migration' ? $state.snapshot(d) : null;
  }
  set target(t: LifeMembersTarget | null) {
    view.state.drill = t;
    this.#pickedOn = t ? this.main.seq : null;
  }
  /** dates the user picked for the transition matrix */
  trDates = $state.raw<{ date1: string; date2: string } | null>(null);

  get result(): LifecycleResult | null {
    return this.main.data;
  }

  /** The options the shown result was computed with (charts never mix new options with old rows). */
  get shown(): LifeOptions | null {
    return this.main.request?.options ?? null;
  }

  /** Cohorts split by segment use the model and parameters set on the Segments page. */
  #split(options: LifeOptions): SegmentSplit | null {
    return options.split === 'segment' ? { model: view.state.model, params: $state.snapshot(view.state.params) } : null;
  }

  request(): LifecycleRequest {
    const scope = view.scope;
    const options = lifeOptions($state.snapshot(view.state.life));
    const dates = this.trDates;
    return { scope, options, segmentSplit: this.#split(options), transition: dates && dates.date2 <= scope.asOf ? dates : null };
  }

  refresh(): void {
    if (!data.overview) return;
    void this.main.run(this.request(), { key: String(data.version) }).then(() => {
      // a new result: re-dated matrices, cohort and period lists of the old one no longer apply
      if (this.main.status === 'ready') {
        this.transitions.reset();
        // (a list that came with the link belongs to this first result: it stays open)
        const k = this.target?.kind;
        const stale = k === 'cohort' || k === 'period' || k === 'flow' || k === 'repurchase' || k === 'gap';
        if (stale && this.#pickedOn !== null && this.#pickedOn !== this.main.seq) this.target = null;
        else if (this.target && this.#pickedOn === null) this.#pickedOn = this.main.seq;
      }
    });
  }

  /** The transition matrix between two picked dates (stage thresholds of the shown result). */
  pickDates(date1: string, date2: string): void {
    const r = this.result;
    const options = this.shown;
    if (!r || !options) return;
    this.trDates = { date1, date2 };
    void this.transitions.run({ scope: view.scope, options, thresholds: r.thresholds, date1, date2 });
  }

  /** The member-list request of a target, on the shown result's options and thresholds. */
  membersRequest(target: LifeMembersTarget): Omit<LifeMembersRequest, 'offset'> | null {
    const r = this.result;
    const options = this.shown;
    if (!r || !options) return null;
    return { scope: view.scope, options, segmentSplit: this.#split(options), thresholds: r.thresholds, target };
  }
}

export const lifecycle = new LifecycleStore();
