/**
 * Custom segments on the page: the draft rule being built (with its live count), the vocabulary
 * the builder offers, and the saved segments — which live in the URL state (`view.state.custom`,
 * the share link) and in localStorage (this browser), and are the Custom model's parameters.
 */
import { Remote } from './remote.svelte';
import { view } from './view.svelte';
import { data } from './data.svelte';
import {
  MAX_SEGMENTS,
  nameProblem,
  newSegmentId,
  parseSavedSegments,
  ruleProblem,
  type Rule,
  type SavedSegment,
} from '../analysis/custom/rule';
import type { NamedAttributeInfo, RuleCountRequest, RuleCountResult, RuleVocabulary } from '../atlas-api';

const STORAGE_KEY = 'atlas.custom-segments.v1';

/** A fresh draft: all of one empty-valued revenue condition. */
export function emptyRule(): Rule {
  return { match: 'all', items: [] };
}

function readStorage(): SavedSegment[] {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    return text ? parseSavedSegments(JSON.parse(text) as unknown).segments : [];
  } catch {
    return [];
  }
}

function writeStorage(segments: readonly SavedSegment[]): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(segments));
  } catch {
    // storage full or switched off: the link still carries the segments
  }
}

class CustomStore {
  /** the rule being edited, its name, and the saved segment it edits (null: a new one) */
  draft = $state<Rule>(emptyRule());
  name = $state('');
  editing = $state<string | null>(null);
  readonly count = new Remote<RuleCountRequest, RuleCountResult>('rule-count', (api, req, slot) => api.ruleCount(req, slot));
  readonly vocabulary = new Remote<number, RuleVocabulary>('rule-vocabulary', (api, _v, slot) => api.ruleVocabulary(slot));
  /**
   * The named attributes only, for the scope bar, the cross-tab and the exports on every page: the
   * full vocabulary also counts the categories of every order and event (0.5 s at 1M orders),
   * which would compete with a page's first request.
   */
  readonly attributes = new Remote<number, NamedAttributeInfo[]>('named-attributes', (api, _v, slot) => api.namedAttributes(slot));

  /** Load segments saved in this browser when the link brings none. Call once at start-up. */
  start(): void {
    if (view.state.custom.length === 0) {
      const stored = readStorage();
      if (stored.length) this.#set(stored);
    }
  }

  get saved(): SavedSegment[] {
    return view.state.custom;
  }

  /** Why the draft cannot be counted or saved (an i18n key), or null. */
  get ruleProblem(): string | null {
    const p = ruleProblem(this.draft);
    return p === 'empty-rule' ? 'custom.empty_rule' : p === 'empty-group' ? 'custom.empty_group' : null;
  }

  /** Why the name cannot be saved (an i18n key), or null. */
  get nameProblem(): string | null {
    const p = nameProblem(this.name);
    if (p) return `custom.${p}`;
    const n = this.name.trim().toLowerCase();
    if (this.saved.some((s) => s.id !== this.editing && s.name.trim().toLowerCase() === n)) return 'custom.name-taken';
    if (this.editing === null && this.saved.length >= MAX_SEGMENTS) return 'custom.too_many';
    return null;
  }

  /** Ask for the live count of the draft (nothing to ask while it has no conditions). */
  refresh(): void {
    if (!data.overview) return;
    void this.vocabulary.run(data.version);
    if (this.ruleProblem) {
      this.count.cancel();
      return;
    }
    void this.count.run({ scope: view.scope, rule: $state.snapshot(this.draft) as Rule }, { key: String(data.version) });
  }

  /** Save the draft (new, or over the one being edited); returns the segment id, or null when refused. */
  save(): string | null {
    if (this.ruleProblem || this.nameProblem) return null;
    const rule = $state.snapshot(this.draft) as Rule;
    const name = this.name.trim();
    const list = $state.snapshot(view.state.custom) as SavedSegment[];
    const id = this.editing ?? newSegmentId(list.map((s) => s.id));
    const next = this.editing ? list.map((s) => (s.id === id ? { id, name, rule } : s)) : [...list, { id, name, rule }];
    this.#set(next);
    this.editing = id;
    return id;
  }

  edit(s: SavedSegment): void {
    this.editing = s.id;
    this.name = s.name;
    this.draft = structuredClone($state.snapshot(s)).rule as Rule;
  }

  startNew(rule: Rule = emptyRule()): void {
    this.editing = null;
    this.name = '';
    this.draft = structuredClone(rule);
  }

  rename(id: string, name: string): string | null {
    const p = nameProblem(name);
    if (p) return `custom.${p}`;
    const list = $state.snapshot(view.state.custom) as SavedSegment[];
    if (list.some((s) => s.id !== id && s.name.trim().toLowerCase() === name.trim().toLowerCase())) return 'custom.name-taken';
    this.#set(list.map((s) => (s.id === id ? { ...s, name: name.trim() } : s)));
    if (this.editing === id) this.name = name.trim();
    return null;
  }

  remove(id: string): void {
    this.#set((view.state.custom as SavedSegment[]).filter((s) => s.id !== id));
    if (view.state.model === 'custom' && view.state.segment === id) {
      view.state.segment = null;
      view.state.cell = null;
    }
    if (this.editing === id) this.startNew();
  }

  /** The saved list everywhere it lives: URL state, the Custom model's parameters, localStorage. */
  #set(segments: SavedSegment[]): void {
    view.state.custom = segments;
    if (view.state.model === 'custom') view.state.params = { segments: structuredClone(segments) };
    writeStorage(segments);
  }
}

export const custom = new CustomStore();
