/**
 * The loaded data as the page sees it: files with their (editable) mappings, the refund rule,
 * the overview, progress and errors. All work happens in the worker; this only keeps the answers.
 */
import { atlas, Comlink } from '../lib/worker-client';
import { ask } from './remote.svelte';
import type { AppError, FileMapping, IngestProgress, InitInfo, LoadedFile, Overview, RefundRule } from '../atlas-api';
import { DEFAULT_REFUND_RULE } from '../ingest/mapping';
import { refineWithOthers } from '../ingest/cross-file';
import { shortHash, type Fingerprint } from './url-state';

export const DEMO_FILES = ['orders.csv', 'events.csv', 'customers.csv'];

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
  /** bumps whenever the canonical tables change; analyses re-run on it */
  version = $state(0);
  /** the dropped File of each loaded file, by its loaded name (for "keep my data in this browser") */
  readonly sources = new Map<string, File>();

  start(): void {
    atlas()
      .ready.then((i) => (this.init = i))
      .catch((e: unknown) => (this.initError = e instanceof Error ? e.message : String(e)));
  }

  /** Load files, then apply the guessed (or current) mappings. Earlier data stays on any error. */
  async add(list: File[]): Promise<void> {
    if (list.length === 0 || this.busy) return;
    await atlas().ready;
    this.busy = 'ingest';
    this.progress = null;
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
      this.errors = [...this.errors, ...out.errors];
      for (const l of out.loaded) {
        // the worker renames a second file of the same name to "name (2)"
        const src = list.find((f) => f.name === l.raw.name) ?? list.find((f) => l.raw.name.startsWith(`${f.name} (`));
        if (src) this.sources.set(l.raw.name, src);
      }
      if (out.loaded.length) {
        this.files = [...this.files, ...out.loaded];
        const fresh = out.loaded.map((f) => structuredClone(f.guess));
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
        // Cancel while the tables are built: the worker kept the previous tables; drop the new files too
        if ((await this.apply()) === 'cancelled') {
          for (const l of out.loaded) await this.forget(l.raw.name);
          const named = out.loaded.map((l): AppError => ({
            code: 'cancelled',
            params: {},
            file: l.raw.name,
            message: `Loading ${l.raw.name} was cancelled.`,
          }));
          this.errors = [...this.errors.filter((e) => e.code !== 'cancelled' || e.file), ...named];
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

  async cancel(): Promise<void> {
    await ask((api) => api.cancelIngest());
  }

  async remove(name: string): Promise<void> {
    if (await this.forget(name)) await this.apply();
  }

  /** Drop a file in the worker and here, without rebuilding the tables; false (and an error shown) when the worker failed. */
  private async forget(name: string): Promise<boolean> {
    const r = await ask((api) => api.removeFile(name));
    if (!r.ok) {
      this.errors = [...this.errors, r.error];
      return false;
    }
    this.sources.delete(name);
    this.files = this.files.filter((f) => f.raw.name !== name);
    this.mappings = this.mappings.filter((m) => m.file !== name);
    return true;
  }

  /** Rebuild the canonical tables from the current mappings; says 'cancelled' when Cancel stopped it. */
  async apply(): Promise<'ok' | 'failed' | 'cancelled'> {
    this.busy = 'mapping';
    let outcome: 'ok' | 'failed' | 'cancelled' = 'failed';
    try {
      const mappings = $state.snapshot(this.mappings) as FileMapping[];
      const rule = $state.snapshot(this.refundRule) as RefundRule;
      const r = await ask((api) => api.applyMapping(mappings, rule));
      if (r.ok) {
        this.overview = r.value;
        this.version++;
        outcome = 'ok';
      } else {
        this.errors = [...this.errors, r.error];
        if (r.error.code === 'cancelled') outcome = 'cancelled';
      }
    } finally {
      this.busy = null;
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
