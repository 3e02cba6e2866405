/**
 * The one place where the worker turns a failure into an `AppError`: a code, its parameters, where
 * it happened and the SQL that failed. The page translates the code (`error.<code>`).
 */
import type { AppError, ErrorCode, Result } from '../src/atlas-api';
import { SLICE_MISMATCH } from '../src/ingest/canonical';

/** A failure that already knows its code (thrown inside the worker, answered as data). */
export class AtlasError extends Error {
  readonly error: AppError;
  constructor(code: ErrorCode, message: string, extra: Partial<Omit<AppError, 'code' | 'message'>> = {}) {
    super(message);
    this.error = { code, message, params: { detail: message, ...extra.params }, ...withoutParams(extra) };
  }
}

function withoutParams(x: Partial<AppError>): Partial<AppError> {
  const { params: _p, ...rest } = x;
  return rest;
}

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/** Where a failure happened, and what to call it when nothing more specific is known. */
export interface ErrorContext {
  code?: ErrorCode;
  file?: string;
  sql?: string;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/** Any thrown value → `AppError`. */
export function toAppError(e: unknown, ctx: ErrorContext = {}): AppError {
  const where = { ...(ctx.file ? { file: ctx.file } : {}), ...(ctx.sql ? { sql: ctx.sql } : {}) };
  if (e instanceof AtlasError) return { ...where, ...e.error };
  if (e instanceof Cancelled) return make('cancelled', 'Cancelled.', where);
  const message = e instanceof Error ? e.message : String(e);
  const detail = firstLine(message);
  if (/out of memory|could not allocate|Maximum call stack|memory access out of bounds/i.test(message)) {
    return make('out-of-memory', `The browser tab ran out of memory (${detail}).`, where, { detail });
  }
  if (/interrupt|cancel/i.test(message)) return make('cancelled', 'Cancelled.', where);
  const slice = sliceMismatch(message);
  if (slice !== null) {
    const file = slice || ctx.file || '';
    return make(
      'slice-mismatch',
      `${file} could not be loaded in parts: a quoted value holds a line break where the file was cut, so the parts did not give the file's rows. Nothing of this load was kept; the data loaded before is kept. Load a smaller part of it (a customer sample or a date range), or re-export it without line breaks inside values.`,
      { ...where, ...(file ? { file } : {}) },
      { file },
    );
  }
  return make(ctx.code ?? 'internal', detail, where, { detail });
}

/** The file named in a sliced build's "slices do not add up" error (`src/ingest/canonical.ts`), or null. */
function sliceMismatch(message: string): string | null {
  const i = message.indexOf(SLICE_MISMATCH);
  if (i < 0) return null;
  const head = message.slice(0, i).replace(/^[\s\S]*?Error: /, '');
  return head.replace(/:\s*$/, '');
}

function make(code: ErrorCode, message: string, where: Partial<AppError>, params: Record<string, string | number> = {}): AppError {
  return { code, message, params, ...where };
}

/** Run `f` and answer a `Result`: its value, or the failure as an `AppError`. */
export async function attempt<T>(f: () => Promise<T>, ctx: ErrorContext = {}): Promise<Result<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    return { ok: false, error: toAppError(e, ctx) };
  }
}
