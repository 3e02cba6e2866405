/**
 * The worker's request runner on a scripted engine: a newer job of a slot supersedes and
 * interrupts the older one, jobs of other slots are untouched, and errors come back as data with
 * the SQL that failed.
 */
import { describe, it, expect } from 'vitest';
import { job, supersede } from '../../../workers/query-runner';
import type { Engine, Lane } from '../../../workers/engine';
import type { Row } from '../../../workers/arrow-rows';

/** An engine whose statements finish when the test says so; `cancel` interrupts the running one. */
function scripted() {
  const log: string[] = [];
  const pending: { text: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  const locks = new Map<Lane, Promise<unknown>>();
  let running: { lane: Lane; reject: (e: Error) => void } | null = null;
  const engine: Engine = {
    run(lane, text, onStart) {
      const prev = locks.get(lane) ?? Promise.resolve();
      const next = prev.then(
        () =>
          new Promise<Row[]>((resolve, reject) => {
            onStart?.();
            log.push(`start ${text}`);
            running = { lane, reject };
            pending.push({ text, resolve: () => resolve([{ text }]), reject });
          }),
      );
      locks.set(
        lane,
        next.catch(() => undefined),
      );
      return next;
    },
    async exec() {},
    async cancel(lane) {
      log.push(`cancel ${lane}`);
      if (running?.lane === lane) running.reject(new Error('INTERRUPT Error: Interrupted!'));
      return true;
    },
  };
  const finish = async (text: string) => {
    await new Promise((r) => setTimeout(r, 0));
    pending.find((p) => p.text === text)?.resolve();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { engine, log, finish };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('job', () => {
  it('answers the newest job of a slot; the older one is interrupted and answers cancelled', async () => {
    const { engine, log, finish } = scripted();
    const first = job(engine, 'analysis', 'page', async (j) => (await j.q('SELECT 1'))[0]!.text);
    await tick();
    const second = job(engine, 'analysis', 'page', async (j) => (await j.q('SELECT 2'))[0]!.text);
    await tick();
    await finish('SELECT 2');
    expect(await first).toEqual({ ok: false, error: expect.objectContaining({ code: 'cancelled' }) });
    expect(await second).toEqual({ ok: true, value: 'SELECT 2' });
    expect(log).toContain('cancel analysis');
  });

  it('leaves jobs of other slots alone: they wait for the lane and both answer', async () => {
    const { engine, log, finish } = scripted();
    const a = job(engine, 'aux', 'members#1', async (j) => (await j.q('SELECT a'))[0]!.text);
    await tick();
    const b = job(engine, 'aux', 'members#2', async (j) => (await j.q('SELECT b'))[0]!.text);
    await finish('SELECT a');
    await finish('SELECT b');
    expect(await a).toEqual({ ok: true, value: 'SELECT a' });
    expect(await b).toEqual({ ok: true, value: 'SELECT b' });
    expect(log).not.toContain('cancel aux');
  });

  it('a job superseded while it waits for the lane never starts its statement', async () => {
    const { engine, log, finish } = scripted();
    const blocker = job(engine, 'aux', 'other', async (j) => j.q('SELECT blocker'));
    await tick();
    const waiting = job(engine, 'aux', 'list', async (j) => j.q('SELECT old'));
    const newer = job(engine, 'aux', 'list', async (j) => (await j.q('SELECT new'))[0]!.text);
    await finish('SELECT blocker');
    await finish('SELECT new');
    expect((await blocker).ok).toBe(true);
    expect(await waiting).toEqual({ ok: false, error: expect.objectContaining({ code: 'cancelled' }) });
    expect(await newer).toEqual({ ok: true, value: 'SELECT new' });
    expect(log).not.toContain('start SELECT old');
  });

  it('supersede() drops the running job of a slot and interrupts its statement', async () => {
    const { engine, log } = scripted();
    const running = job(engine, 'aux', 'migration', async (j) => j.q('SELECT slow'));
    await tick();
    await supersede(engine, 'migration');
    expect(await running).toEqual({ ok: false, error: expect.objectContaining({ code: 'cancelled' }) });
    expect(log).toContain('cancel aux');
  });

  it('a failing statement answers an error with the SQL that failed', async () => {
    const engine: Engine = {
      run: async () => {
        throw new Error('Binder Error: column "nope" not found\nLINE 1: …');
      },
      exec: async () => {},
      cancel: async () => true,
    };
    const r = await job(engine, 'analysis', 'x', async (j) => j.q('SELECT nope'));
    expect(r).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'query', message: 'Binder Error: column "nope" not found', sql: 'SELECT nope' }),
    });
  });
});
