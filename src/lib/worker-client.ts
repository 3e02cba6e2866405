/**
 * The page's handle on the worker: one worker, one shared start-up promise, Comlink-wrapped and
 * typed by the contract (`src/atlas-api.ts`). Every call is counted per method: `atlasCalls` lets
 * a test prove that a display-only toggle asks the worker nothing.
 */
import * as Comlink from 'comlink';
import type { AtlasApi, Bundle, InitInfo } from '../atlas-api';

export type Atlas = Comlink.Remote<AtlasApi>;

/** Calls made to the worker so far, by method name (read by browser tests via `window.__atlasCalls`). */
export const atlasCalls: Record<string, number> = {};

interface Client {
  api: Atlas;
  ready: Promise<InitInfo>;
  /** true once `ready` has resolved: a call can then go out at once, without waiting a turn for the promise */
  started: boolean;
}

let client: Client | null = null;

/** Start (once) and return the worker API plus its start-up promise (rejects with the start-up error). */
export function atlas(): Client {
  if (!client) {
    const worker = new Worker(new URL('../../workers/atlas.worker.ts', import.meta.url), { type: 'module', name: 'atlas' });
    const remote = Comlink.wrap<AtlasApi>(worker);
    const api = new Proxy(remote, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof prop !== 'string' || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          atlasCalls[prop] = (atlasCalls[prop] ?? 0) + 1;
          return (value as (...a: unknown[]) => unknown)(...args);
        };
      },
    });
    (globalThis as { __atlasCalls?: Record<string, number> }).__atlasCalls = atlasCalls;
    const forced = new URLSearchParams(location.search).get('bundle');
    const bundle = forced === 'eh' || forced === 'mvp' || forced === 'coi' ? (forced as Bundle) : undefined;
    // debug option for tests: a small memory budget makes the memory guard testable without gigabytes
    const budget = Number(new URLSearchParams(location.search).get('membudget'));
    if (budget > 0) void api.setMemoryBudget(budget);
    // debug option: keep the statements the worker runs (read by the benchmark and tests via `window.__atlas`)
    if (new URLSearchParams(location.search).has('trace')) {
      void api.setTrace(true);
      (globalThis as { __atlas?: Atlas }).__atlas = api;
    }
    const ready = api.init(bundle).then((r) => {
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    });
    const c: Client = { api, ready, started: false };
    void ready.then(
      () => (c.started = true),
      () => undefined,
    );
    client = c;
  }
  return client;
}

export { Comlink };
