/**
 * Where the loaded data lives — this tab's memory only (the default) or also this browser's
 * origin-private storage — and the switches that move it: keep, stop keeping, forget everything.
 * The stored copy is the original files plus the mappings; a reload restores it through the same
 * ingest path as a drop.
 */
import { atlas } from '../lib/worker-client';
import { data } from './data.svelte';
import type { FileMapping, RefundRule } from '../worker-api';
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
  error = $state<string | null>(null);
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
    const { api, ready } = atlas();
    try {
      await ready;
      const status = await api.persistStatus();
      if (!status.available) {
        this.where = 'unavailable';
        return;
      }
      if (!status.manifest) return;
      this.keep = true;
      this.where = 'restoring';
      const stored = await api.persistLoad();
      if (!stored || stored.files.length === 0) return;
      await data.add(stored.files);
      const byFile = new Map(stored.manifest.mappings.map((m) => [m.file, m]));
      data.mappings = data.mappings.map((m) => byFile.get(m.file) ?? m);
      data.refundRule = stored.manifest.rule;
      await data.apply();
      this.#savedNames = data.files.map((f) => f.raw.name).join('\n');
      this.bytes = status.bytes;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      if (this.where === 'restoring') this.where = this.keep ? 'browser' : 'memory';
    }
  }

  async #save(): Promise<void> {
    const names = data.files.map((f) => f.raw.name);
    const files = names.map((n) => data.sources.get(n)).filter((f): f is File => f !== undefined);
    this.where = 'saving';
    try {
      const s = await atlas().api.persistSave(files, this.#config(), $state.snapshot(data.refundRule) as RefundRule);
      this.#savedNames = names.join('\n');
      this.bytes = s.bytes;
      this.where = s.available ? 'browser' : 'unavailable';
      this.error = null;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      this.where = 'memory';
    }
  }

  async #saveConfig(): Promise<void> {
    await atlas()
      .api.persistConfig(this.#config(), $state.snapshot(data.refundRule) as RefundRule)
      .catch(() => undefined);
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
      await atlas().api.persistForget();
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
    await atlas().api.persistForget();
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
