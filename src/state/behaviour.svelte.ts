/**
 * The Behaviour page's requests, one `Remote` each: events, metrics and the funnel (main), and the
 * A/B comparison. Requests carry analysis options only; the open customer list is page state.
 */
import { Remote } from './remote.svelte';
import { view } from './view.svelte';
import { data } from './data.svelte';
import type { AbRequest, AbResult, BehaviourMembersRequest, BehaviourRequest, BehaviourResult, BehaviourTarget } from '../atlas-api';
import type { BehState } from '../analysis/behaviour/options';

class BehaviourStore {
  readonly main = new Remote<BehaviourRequest, BehaviourResult>('behaviour', (api, req, slot) => api.behaviour(req, slot));
  readonly ab = new Remote<AbRequest, AbResult>('ab', (api, req, slot) => api.abTest(req, slot));
  /** the customer list open on the page */
  target = $state.raw<BehaviourTarget | null>(null);

  request(): BehaviourRequest {
    const b = $state.snapshot(view.state.beh) as BehState;
    return {
      scope: view.scope,
      funnel: b.funnel,
      paths: b.paths,
      split: b.split,
      segmentSplit:
        b.split === 'segment'
          ? { model: b.splitModel, params: view.state.model === b.splitModel ? $state.snapshot(view.state.params) : null }
          : null,
    };
  }

  refresh(): void {
    if (!data.overview) return;
    const req = this.request();
    void this.main.run(req, { key: String(data.version) }).then(() => {
      if (this.main.status === 'ready' && this.target?.kind !== 'ab') this.target = null;
    });
    void this.ab.run({ scope: req.scope, control: view.state.beh.control, source: view.state.beh.abSource }, { key: String(data.version) });
  }

  /** The member-list request of a target, on the shown result's options. */
  membersRequest(target: BehaviourTarget): Omit<BehaviourMembersRequest, 'offset'> | null {
    const req = this.main.request;
    return req ? { ...req, target } : null;
  }
}

export const behaviour = new BehaviourStore();
