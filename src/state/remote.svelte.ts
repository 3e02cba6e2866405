/**
 * The one way a view asks the worker for something. A `Remote` is one consumer with its own
 * cancellation slot: `run(req)` starts a request, a newer `run` supersedes the older (the worker
 * interrupts it and its late or cancelled answer is ignored), and the state says what to draw:
 * `status`, the newest `data` with the `request` it answers, and the `error` (always shown).
 */
import { atlas, type Atlas } from '../lib/worker-client';
import type { AppError, Result } from '../atlas-api';

let nextSlot = 0;

/** Ask the worker once; a failure of the transport itself (a crashed worker) becomes an `AppError`. */
export async function ask<T>(call: (api: Atlas) => Promise<Result<T>>): Promise<Result<T>> {
  try {
    const c = atlas();
    // once the worker is up the call leaves now, inside the caller's turn: after an `await` it would
    // wait until Svelte has re-rendered the page for the change that asked (~20 ms of a 1M re-segmentation)
    if (!c.started) await c.ready;
    return await call(c.api);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { code: 'internal', message, params: { detail: message } } };
  }
}

export class Remote<Req, T> {
  status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  /** the newest answer (kept while a newer request runs) */
  data = $state.raw<T | null>(null);
  /** the request `data` answers */
  request = $state.raw<Req | null>(null);
  error = $state.raw<AppError | null>(null);
  /** bumps with every new answer (tests and benchmarks wait on it) */
  seq = $state(0);
  /** this consumer's cancellation slot in the worker */
  readonly slot: string;
  #ticket = 0;
  #key: string | null = null;
  readonly #call: (api: Atlas, req: Req, slot: string) => Promise<Result<T>>;

  constructor(name: string, call: (api: Atlas, req: Req, slot: string) => Promise<Result<T>>) {
    this.slot = `${name}#${++nextSlot}`;
    this.#call = call;
  }

  get loading(): boolean {
    return this.status === 'loading';
  }

  /**
   * Ask for `req` unless it is the request already answered or running (by value, plus `key` for
   * what the request does not show, e.g. the data version; `force` asks anyway). Resolves when
   * this request is answered or superseded.
   */
  async run(req: Req, opts: { force?: boolean; key?: string } = {}): Promise<void> {
    const key = JSON.stringify([req, opts.key ?? null]);
    if (!opts.force && key === this.#key && this.status !== 'error') return;
    this.#key = key;
    const ticket = ++this.#ticket;
    this.status = 'loading';
    const r = await ask((api) => this.#call(api, req, this.slot));
    if (ticket !== this.#ticket) return;
    if (r.ok) {
      this.data = r.value;
      this.request = req;
      this.error = null;
      this.status = 'ready';
      this.seq++;
    } else if (r.error.code === 'cancelled') {
      // superseded in the worker without a newer request here (e.g. cancelled by another view)
      this.status = this.data === null ? 'idle' : 'ready';
      this.#key = null;
    } else {
      this.error = r.error;
      this.status = 'error';
    }
  }

  /** Drop the running request (its answer is no longer wanted) and ask the worker to stop it. */
  cancel(): void {
    this.#ticket++;
    this.#key = null;
    if (this.status === 'loading') this.status = this.data === null ? 'idle' : 'ready';
    void ask((api) => api.cancel(this.slot));
  }

  /** Forget the answer (e.g. the data changed shape). */
  reset(): void {
    this.#ticket++;
    this.#key = null;
    this.data = null;
    this.request = null;
    this.error = null;
    this.status = 'idle';
  }
}
