/**
 * Everything that crosses the page ↔ worker boundary is declared here. Expected failures are
 * returned as data (`Result`), never thrown: Comlink keeps only message/name/stack of a throw.
 */
import type { FileMapping, RawFile, RefundRule, MappingIssue } from './ingest/mapping';

export type Bundle = 'coi' | 'eh' | 'mvp';

export interface InitInfo {
  bundle: Bundle;
  threads: number;
  duckdbVersion: string;
  crossOriginIsolated: boolean;
  /** worker start → database open, ms */
  startMs: number;
}

/** A user-facing error: what happened, in which file/column/row, and what to do. */
export interface AppError {
  code:
    'empty-file' | 'binary-file' | 'unsupported-format' | 'parse-error' | 'out-of-memory' | 'cancelled' | 'mapping' | 'query' | 'internal';
  message: string;
  file?: string;
  column?: string;
  row?: number;
  /** the SQL that failed, for the details pane */
  sql?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export interface IngestProgress {
  file: string;
  fileIndex: number;
  fileCount: number;
  phase: 'reading' | 'transcoding' | 'loading' | 'describing';
  /** 0..1 within this file when known */
  fraction: number | null;
}

/** A rejected raw row (sample) with its reason. */
export interface RejectedRow {
  file: string;
  row: number | null;
  column: string | null;
  reason: string;
  text: string | null;
}

export interface LoadedFile {
  raw: RawFile;
  /** the guessed mapping (the page may correct it) */
  guess: FileMapping;
  encoding: string;
  bytes: number;
  /** rows the CSV reader could not read (ragged, unbalanced quotes …) */
  readerRejects: number;
  readerRejectSamples: RejectedRow[];
  loadMs: number;
}

export interface IngestOutcome {
  loaded: LoadedFile[];
  errors: AppError[];
}

export interface ColumnNulls {
  column: string;
  role: string;
  nulls: number;
}

export interface FileOverview {
  file: string;
  role: string;
  rowsRead: number;
  rowsRejected: number;
  rejectReasons: { reason: string; rows: number }[];
  nulls: ColumnNulls[];
}

/** Values kept but named in the overview because they are far off (docs/bad-input.md). */
export interface FlaggedValues {
  kind: 'date' | 'amount';
  count: number;
  /** per file; for dates `keep` is the range the "exclude" button keeps (ISO dates, inclusive) */
  files: { file: string; count: number; keep: { min: string; max: string } | null }[];
  /** the first rows: file, 1-based data row, the value as written */
  rows: { file: string; row: number; value: string | null }[];
}

export interface Overview {
  files: FileOverview[];
  /** distinct customers with at least one non-return order (buyers) */
  customers: number;
  /** every customer id seen in orders, events or profiles */
  people: number;
  orders: number;
  orderLines: number;
  revenue: number;
  returns: number;
  /** first and last time over orders and events */
  firstTs: string | null;
  lastTs: string | null;
  events: { type: string; count: number }[];
  eventCustomers: number;
  /** share of customers (0..1) with each profile field */
  coverage: { field: string; share: number }[];
  /** the default as-of date: day after the last order (or event), far-future dates left out */
  defaultAsOf: string | null;
  /** far-off dates and huge amounts, flagged */
  flagged: FlaggedValues[];
  issues: MappingIssue[];
  buildMs: number;
}

export interface MemoryInfo {
  /** bytes DuckDB reports in use */
  duckdbBytes: number | null;
  /** the worker's JS heap, where the browser tells */
  jsHeapBytes: number | null;
}

export type { FileMapping, RawFile, RefundRule, MappingIssue };
