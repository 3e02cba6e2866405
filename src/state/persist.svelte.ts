/**
 * Where the loaded data lives — this tab's memory only (the default) or also this browser's
 * origin-private storage — and the switches that move it: keep, stop keeping, forget everything.
 * The stored copy is the original files plus the mappings; a reload restores it through the same
 * ingest path as a drop.
 */
import { ask } from './remote.svelte';
import { data } from './data.svelte';
import type { AppError, FileMapping, RefundRule, Result } from '../atlas-api';

/** The value of a result, or throw its error (caught below and shown). */
function value<T>(r: Result<T>): T {
  if (!r.ok) throw r.error;
  return r.value;
}

function asAppError(e: unknown): AppError {
  if (e && typeof e === 'object' && 'code' in e && 'params' in e) return e as AppError;
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'storage', message, params: { detail: message } };
}
import { defaultState, serializeState } from './url-state';
import { view } from './view.svelte';

export type Where = 'memory' | 'browser' | 'saving' | 'restoring' | 'unavailable';

/** Set across the reload that "Forget all data" does, so the page can confirm it. */
const FORGOTTEN_FLAG = 'atlas.forgotten';

class PersistStore {
  /** the user's choice; true whenever a stored copy exists */
  keep = $state(false);
  where = $state<Where>('memory');
  bytes = $state(0);
  /** true right after "Forget all data" (shown once as a confirmation) */
  forgotten = $state(false);
  error = $state.raw<AppError | null>(null);
  /** the original files the user loaded, by name (the worker keeps only tables) */
  #savedNames = '';
  #started = false;

  /** Start once: remember dropped files, restore a stored copy, keep the copy up to date. */
  start(): () => void {
    if (this.#started) return () => undefined;
    this.#started = true;
    try {
      this.forgotten = sessionStorage.getItem(FORGOTTEN_FLAG) === '1';
      sessionStorage.removeItem(FORGOTTEN_FLAG);
    } catch {
      this.forgotten = false;
    }
    void this.#restore();
    return $effect.root(() => {
      $effect(() => {
        // track: which files are loaded and how they are mapped
        const names = data.files.map((f) => f.raw.name).join('\n');
        const config = JSON.stringify([$state.snapshot(data.mappings), $state.snapshot(data.refundRule)]);
        if (!this.keep || this.where === 'restoring' || data.busy) return;
        const t = setTimeout(() => void (names === this.#savedNames ? this.#saveConfig() : this.#save()), 300);
        void config;
        return () => clearTimeout(t);
      });
    });
  }

  async #restore(): Promise<void> {
    try {
      const status = value(await ask((api) => api.persistStatus()));
      if (!status.available) {
        this.where = 'unavailable';
        return;
      }
      if (!status.manifest) return;
      this.keep = true;
      this.where = 'restoring';
      const stored = value(await ask((api) => api.persistLoad()));
      if (!stored || stored.files.length === 0) return;
      await data.add(stored.files);
      const byFile = new Map(stored.manifest.mappings.map((m) => [m.file, m]));
      data.mappings = data.mappings.map((m) => byFile.get(m.file) ?? m);
      data.refundRule = stored.manifest.rule;
      await data.apply();
      this.#savedNames = data.files.map((f) => f.raw.name).join('\n');
      this.bytes = status.bytes;
    } catch (e) {
      this.error = asAppError(e);
    } finally {
      if (this.where === 'restoring') this.where = this.keep ? 'browser' : 'memory';
    }
  }

  async #save(): Promise<void> {
    const names = data.files.map((f) => f.raw.name);
    const files = names.map((n) => data.sources.get(n)).filter((f): f is File => f !== undefined);
    this.where = 'saving';
    try {
      const config = this.#config();
      const rule = $state.snapshot(data.refundRule) as RefundRule;
      const s = value(await ask((api) => api.persistSave(files, config, rule)));
      this.#savedNames = names.join('\n');
      this.bytes = s.bytes;
      this.where = s.available ? 'browser' : 'unavailable';
      this.error = null;
    } catch (e) {
      this.error = asAppError(e);
      this.where = 'memory';
    }
  }

  async #saveConfig(): Promise<void> {
    const config = this.#config();
    const rule = $state.snapshot(data.refundRule) as RefundRule;
    const r = await ask((api) => api.persistConfig(config, rule));
    if (!r.ok) this.error = r.error;
  }

  #config(): FileMapping[] {
    return $state.snapshot(data.mappings) as FileMapping[];
  }

  /** Turn keeping on (store now) or off (delete the stored copy; the tab keeps its data). */
  async setKeep(on: boolean): Promise<void> {
    this.keep = on;
    if (on) {
      // ask the browser not to evict the copy under storage pressure (it may say no)
      await navigator.storage?.persist?.().catch(() => false);
      // saved even with no files loaded, so the choice itself survives a reload
      await this.#save();
    } else {
      const r = await ask((api) => api.persistForget());
      if (!r.ok) this.error = r.error;
      this.#savedNames = '';
      this.bytes = 0;
      this.where = 'memory';
    }
  }

  /**
   * Delete the stored copy and everything in memory (a reload starts a fresh database), and put
   * the URL back to the defaults: a segment, filter values or a dataset fingerprint in it came
   * from the data. Only the language stays. (Earlier entries of the tab's history cannot be
   * rewritten by a page; docs/bad-input.md says so.)
   */
  async forgetAll(): Promise<void> {
    const r = await ask((api) => api.persistForget());
    if (!r.ok) {
      this.error = r.error;
      return;
    }
    data.sources.clear();
    const clean = { ...defaultState(), lang: view.state.lang };
    view.state = clean;
    history.replaceState(null, '', `${location.pathname}${location.search}#${serializeState(clean)}`);
    try {
      sessionStorage.setItem(FORGOTTEN_FLAG, '1');
    } catch {
      // without sessionStorage the confirmation is simply not shown after the reload
    }
    location.reload();
  }
}

export const persist = new PersistStore();
