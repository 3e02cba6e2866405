/**
 * The loaded data as the page sees it: files with their (editable) mappings, the refund rule,
 * the overview, progress and errors. All work happens in the worker; this only keeps the answers.
 */
import { atlas, Comlink } from '../lib/worker-client';
import { ask } from './remote.svelte';
import type { AppError, FileMapping, IngestProgress, InitInfo, LoadedFile, Overview, RefundRule } from '../atlas-api';
import { DEFAULT_REFUND_RULE } from '../ingest/mapping';
import { refineWithOthers } from '../ingest/cross-file';
import type { LoadFilter } from '../ingest/load-filter';
import { shortHash, type Fingerprint } from './url-state';

/** The roles a load filter applies to (lookups such as products stay whole). */
const FILTERED_ROLES: FileMapping['role'][] = ['orders', 'events', 'customers'];

export const DEMO_FILES = ['orders.csv', 'events.csv', 'customers.csv'];

/** A dropped file with the same size and SHA-256 as a loaded one: the page asks what to do. */
export interface DuplicateQuestion {
  file: File;
  /** the loaded file's name */
  loaded: string;
}

export type DuplicateAnswer = 'replace' | 'skip';

export class DataState {
  init = $state.raw<InitInfo | null>(null);
  initError = $state<string | null>(null);
  files = $state.raw<LoadedFile[]>([]);
  mappings = $state<FileMapping[]>([]);
  refundRule = $state<RefundRule>(structuredClone(DEFAULT_REFUND_RULE));
  overview = $state.raw<Overview | null>(null);
  progress = $state.raw<IngestProgress | null>(null);
  busy = $state<'ingest' | 'mapping' | null>(null);
  errors = $state<AppError[]>([]);
  /**
   * What the user's Cancel stopped, shown as a note, not an error (they asked for it): the files
   * not loaded, [] when a rebuild of the tables was stopped; null when nothing was cancelled.
   */
  cancelled = $state.raw<string[] | null>(null);
  /** bumps whenever the canonical tables change; analyses re-run on it */
  version = $state(0);
  /** the dropped File of each loaded file, by its loaded name (for "keep my data in this browser") */
  readonly sources = new Map<string, File>();
  /** files dropped while another load or rebuild runs: loaded, in order, when it ends */
  queued = $state.raw<File[]>([]);
  /** the open question about a file identical to a loaded one, if any */
  duplicate = $state.raw<DuplicateQuestion | null>(null);
  #answer: ((a: DuplicateAnswer) => void) | null = null;
  /** SHA-256 of each loaded file by name (computed once, only when a file of the same size arrives) */
  readonly #hashes = new Map<string, Promise<string | null>>();
  /** true from the moment a load is accepted until it ends (busy is set only after the worker is up) */
  #loading = false;
  /** files accepted before the database was ready: they load the moment it is (the page says so) */
  waitingForDb = $state.raw<File[]>([]);

  start(): void {
    atlas()
      .ready.then((i) => (this.init = i))
      .catch((e: unknown) => (this.initError = e instanceof Error ? e.message : String(e)));
  }

  /**
   * Load files, then apply the guessed (or current) mappings. Earlier data stays on any error.
   * Files dropped while something loads are queued (the page says so) and loaded after it.
   * A file identical to a loaded one (same size and SHA-256) is loaded only if the user says
   * "replace" (the old copy goes); "skip" leaves it out — never twice, which doubled revenue.
   */
  async add(list: File[]): Promise<void> {
    if (list.length === 0) return;
    if (this.#loading || this.busy) {
      this.queued = [...this.queued, ...list];
      return;
    }
    this.#loading = true;
    try {
      await this.#load(list);
    } finally {
      this.#loading = false;
      this.#next();
    }
  }

  /** The user's answer to the open duplicate question. */
  answerDuplicate(a: DuplicateAnswer): void {
    this.#answer?.(a);
  }

  /** Start the next queued batch, if nothing else runs. */
  #next(): void {
    if (this.#loading || this.busy || this.queued.length === 0) return;
    const next = this.queued;
    this.queued = [];
    void this.add(next);
  }

  #hash(f: File): Promise<string | null> {
    return ask((api) => api.hashFile(f)).then(
      (r) => (r.ok ? r.value : null),
      () => null,
    );
  }

  /** The loaded file with the same bytes as `f`, if any (hashes only when the sizes match). */
  async #identical(f: File): Promise<string | null> {
    const same = this.files.filter((l) => l.bytes === f.size && this.sources.has(l.raw.name));
    if (same.length === 0) return null;
    const h = await this.#hash(f);
    if (h === null) return null;
    for (const l of same) {
      const name = l.raw.name;
      if (!this.#hashes.has(name)) this.#hashes.set(name, this.#hash(this.sources.get(name)!));
      if ((await this.#hashes.get(name)) === h) return name;
    }
    return null;
  }

  #ask(q: DuplicateQuestion): Promise<DuplicateAnswer> {
    this.duplicate = q;
    return new Promise<DuplicateAnswer>((resolve) => {
      this.#answer = (a) => {
        this.#answer = null;
        this.duplicate = null;
        resolve(a);
      };
    });
  }

  async #load(dropped: File[]): Promise<void> {
    if (!this.init) {
      // the buttons work while DuckDB starts: hold the files until it is up
      this.waitingForDb = dropped;
      try {
        await atlas().ready;
      } finally {
        this.waitingForDb = [];
      }
    }
    const list: File[] = [];
    /** mappings of replaced files, carried over to their new copy (same name, same columns) */
    const kept = new Map<string, FileMapping>();
    for (const f of dropped) {
      const loaded = await this.#identical(f);
      if (loaded === null) {
        list.push(f);
        continue;
      }
      if ((await this.#ask({ file: f, loaded })) === 'skip') continue;
      const m = this.mappings.find((x) => x.file === loaded);
      if (m && loaded === f.name) kept.set(f.name, $state.snapshot(m) as FileMapping);
      if (!(await this.#forget(loaded))) continue;
      list.push(f);
    }
    if (list.length === 0) return;
    this.busy = 'ingest';
    this.progress = null;
    this.cancelled = null;
    try {
      const r = await ask((api) =>
        api.ingest(
          list,
          Comlink.proxy((p: IngestProgress) => (this.progress = p)),
        ),
      );
      if (!r.ok) {
        this.errors = [...this.errors, r.error];
        return;
      }
      const out = r.value;
      this.errors = [...this.errors, ...out.errors.filter((e) => e.code !== 'cancelled')];
      this.#noteCancelled(out.errors.filter((e) => e.code === 'cancelled').map((e) => e.file ?? ''));
      for (const l of out.loaded) {
        // the worker renames a second file of the same name to "name (2)"
        const src = list.find((f) => f.name === l.raw.name) ?? list.find((f) => l.raw.name.startsWith(`${f.name} (`));
        if (src) this.sources.set(l.raw.name, src);
      }
      if (out.loaded.length) {
        this.files = [...this.files, ...out.loaded];
        // a filtered load goes on: new files get the same filter, so they hold the same customers
        const active = this.mappings.find((m) => m.loadFilter)?.loadFilter ?? null;
        const fresh = out.loaded.map((f) => {
          const old = kept.get(f.raw.name);
          const m: FileMapping = old ? { ...old, table: f.raw.table } : structuredClone(f.guess);
          if (active && FILTERED_ROLES.includes(m.role) && !m.loadFilter) m.loadFilter = { ...$state.snapshot(active) };
          return m;
        });
        // earlier files keep their (possibly user-edited) mappings; new guesses may use them
        const current = $state.snapshot(this.mappings) as FileMapping[];
        this.mappings = [
          ...this.mappings,
          ...refineWithOthers(
            fresh,
            [...current, ...fresh],
            this.files.map((f) => f.raw),
          ),
        ];
        // a file too large to load whole waits for the user's filtered load (the page offers it)
        if (this.needsFilter.length > 0) return;
        // Cancel while the tables are built: the worker kept the previous tables; drop the new files too
        if ((await this.apply()) === 'cancelled') {
          for (const l of out.loaded) await this.#forget(l.raw.name);
          this.#noteCancelled(out.loaded.map((l) => l.raw.name));
        }
      }
    } finally {
      this.busy = this.busy === 'ingest' ? null : this.busy;
      this.progress = null;
    }
  }

  async loadDemo(): Promise<void> {
    const base = import.meta.env.BASE_URL;
    const files = await Promise.all(
      DEMO_FILES.map(async (n) => {
        const r = await fetch(`${base}demo/${n}`);
        if (!r.ok) throw new Error(`demo file ${n}: HTTP ${r.status}`);
        return new File([await r.blob()], n, { type: 'text/csv' });
      }),
    );
    await this.add(files);
  }

  #noteCancelled(names: string[]): void {
    const had = this.cancelled ?? [];
    const named = names.filter((n) => n !== '' && !had.includes(n));
    if (named.length) this.cancelled = [...had, ...named];
  }

  dismissCancelled(): void {
    this.cancelled = null;
  }

  async cancel(): Promise<void> {
    await ask((api) => api.cancelIngest());
  }

  async remove(name: string): Promise<void> {
    if (await this.#forget(name)) await this.apply();
  }

  /** Drop a loaded file from the worker and the page, without rebuilding the tables; false on error (shown). */
  async #forget(name: string): Promise<boolean> {
    const r = await ask((api) => api.removeFile(name));
    if (!r.ok) {
      this.errors = [...this.errors, r.error];
      return false;
    }
    this.sources.delete(name);
    this.#hashes.delete(name);
    this.files = this.files.filter((f) => f.raw.name !== name);
    this.mappings = this.mappings.filter((m) => m.file !== name);
    return true;
  }

  /** Loaded files too large to load whole that have no load filter yet (the page offers one). */
  get needsFilter(): LoadedFile[] {
    return this.files.filter((f) => f.oversize && !this.mappings.find((m) => m.file === f.raw.name)?.loadFilter);
  }

  /**
   * The filtered load: the same filter on every orders, events and customers file (a customer sample
   * keeps the same customers in each), then rebuild. Null loads every row again.
   */
  async loadFiltered(filter: LoadFilter | null): Promise<'ok' | 'failed' | 'cancelled'> {
    for (const m of this.mappings) if (FILTERED_ROLES.includes(m.role)) m.loadFilter = filter ? { ...filter } : null;
    return this.apply();
  }

  /** Rebuild the canonical tables from the current mappings; says 'cancelled' when Cancel stopped it. */
  async apply(): Promise<'ok' | 'failed' | 'cancelled'> {
    this.busy = 'mapping';
    let outcome: 'ok' | 'failed' | 'cancelled' = 'failed';
    try {
      const mappings = $state.snapshot(this.mappings) as FileMapping[];
      const rule = $state.snapshot(this.refundRule) as RefundRule;
      this.progress = null;
      const r = await ask((api) =>
        api.applyMapping(
          mappings,
          rule,
          Comlink.proxy((p: IngestProgress) => (this.progress = p)),
        ),
      );
      if (r.ok) {
        this.overview = r.value;
        this.version++;
        outcome = 'ok';
      } else if (r.error.code === 'cancelled') {
        // Cancel is the user's own request: a note (a load names its files in it), not an error
        outcome = 'cancelled';
        this.cancelled ??= [];
      } else {
        this.errors = [...this.errors, r.error];
      }
    } finally {
      this.busy = null;
      this.progress = null;
      // a drop during a rebuild started from the mapping panel waits for it
      if (!this.#loading) this.#next();
    }
    return outcome;
  }

  /** What identifies the loaded data in a share link: file names, sizes, rows, roles, date range, mapping hash — no values. */
  fingerprint(): Fingerprint | null {
    const o = this.overview;
    if (!o) return null;
    return {
      files: this.files.map((f, i) => ({ name: f.raw.name, bytes: f.bytes, rows: f.raw.rows, role: this.mappings[i]?.role ?? '' })),
      first: o.firstTs?.slice(0, 10) ?? null,
      last: o.lastTs?.slice(0, 10) ?? null,
      mapping: shortHash(JSON.stringify($state.snapshot(this.mappings))),
    };
  }

  dismiss(i: number): void {
    this.errors = this.errors.filter((_, j) => j !== i);
  }
}

export const data = new DataState();
