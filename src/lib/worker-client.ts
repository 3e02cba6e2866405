/**
 * The page's handle on the worker: one worker, one shared start-up promise, Comlink-wrapped.
 */
import * as Comlink from 'comlink';
import type { AtlasApi } from '../../workers/atlas.worker';
import type { Bundle, InitInfo } from '../worker-api';

export type Atlas = Comlink.Remote<AtlasApi>;

let client: { api: Atlas; ready: Promise<InitInfo> } | null = null;

/** Start (once) and return the worker API plus its start-up promise. */
export function atlas(): { api: Atlas; ready: Promise<InitInfo> } {
  if (!client) {
    const worker = new Worker(new URL('../../workers/atlas.worker.ts', import.meta.url), { type: 'module', name: 'atlas' });
    const api = Comlink.wrap<AtlasApi>(worker);
    const forced = new URLSearchParams(location.search).get('bundle');
    const bundle = forced === 'eh' || forced === 'mvp' || forced === 'coi' ? (forced as Bundle) : undefined;
    // debug option for tests: a small memory budget makes the memory guard testable without gigabytes
    const budget = Number(new URLSearchParams(location.search).get('membudget'));
    if (budget > 0) void api.setMemoryBudget(budget);
    client = { api, ready: api.init(bundle) };
  }
  return client;
}

export { Comlink };
