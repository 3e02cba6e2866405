/**
 * The Segments page's requests, one `Remote` each: the breakdown (with the model's extras and the
 * cross-tab), the selected segment's profile, the migration, and filter values. The page's effect
 * calls `refresh()`; only what changes the numbers is in a request, so a display choice (e.g. the
 * cross-tab's count/row mode) never asks the worker.
 */
import { Remote } from './remote.svelte';
import { view } from './view.svelte';
import { data } from './data.svelte';
import type { ViewState } from './url-state';
import { addDays } from '../lib/dates';
import type {
  MigrationRequest,
  MigrationResult,
  ProfileResult,
  SegmentMembersRequest,
  SegmentsRequest,
  SegmentsResult,
} from '../atlas-api';
import type { FilterField } from '../analysis/scope';

type ProfileRequest = Omit<SegmentMembersRequest, 'sort' | 'desc' | 'offset'>;

class SegmentsStore {
  readonly main = new Remote<SegmentsRequest, SegmentsResult>('segments', (api, req, slot) => api.segments(req, slot));
  readonly profile = new Remote<ProfileRequest, ProfileResult>('profile', (api, req, slot) => api.profile(req, slot));
  readonly migration = new Remote<MigrationRequest, MigrationResult>('migration', (api, req, slot) => api.migration(req, slot));
  readonly filterValues = new Remote<FilterField, { value: string; n: number }[]>('filter-values', (api, f, slot) =>
    api.filterValues(f, slot),
  );
  /** increments each time a new breakdown has been drawn (benchmarks and tests wait on it) */
  seq = $state(0);

  get result(): SegmentsResult | null {
    return this.main.data;
  }

  /** What the breakdown request holds: only what changes the numbers. */
  request(): SegmentsRequest {
    const s = view.state;
    const req: SegmentsRequest = { scope: view.scope, model: s.model, params: $state.snapshot(s.params), crosstab: s.crosstab };
    // the Custom model as the other side carries the saved segments (it has no defaults of its own)
    if (s.crosstab === 'custom') req.crosstabCustom = $state.snapshot(s.custom);
    return req;
  }

  /** Re-ask when the request or the data changed (the same request is not asked twice). */
  refresh(): void {
    if (!data.overview) return;
    void this.main.run(this.request(), { key: String(data.version) });
  }

  /** The selected segment's profile request, or null. */
  profileRequest(): ProfileRequest | null {
    const s = view.state;
    if (!s.segment) return null;
    return { scope: view.scope, model: s.model, params: $state.snapshot(s.params), segment: s.segment };
  }

  /** The migration request: from the link's date, else 90 days before the as-of date. */
  migrationRequest(): MigrationRequest {
    const s = view.state;
    const from = s.migrateFrom ?? addDays(view.scope.asOf, -90);
    return { scope: view.scope, model: s.model, params: $state.snapshot(s.params), from };
  }

  /** A link to the current view with a different selection (for bars, rows and cells). */
  linkTo(patch: Partial<ViewState>): string {
    return view.href(patch);
  }
}

export const segments = new SegmentsStore();
