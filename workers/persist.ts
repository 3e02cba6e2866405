/**
 * "Keep my data in this browser": the original files the user loaded, byte for byte, plus a small
 * JSON manifest (mappings, refund rule), in the origin-private file system (OPFS). Restoring feeds
 * the stored files through the normal ingest path, so a restored session is the same as a fresh one.
 *
 * Why the original bytes and not DuckDB tables: this DuckDB-WASM build has no extensions (no
 * Parquet writer) and its own OPFS database mode would keep the whole database, including
 * intermediate tables; the original files are smaller, format-agnostic, and keep the dataset
 * fingerprint (names, sizes) that shared links compare against.
 *
 * Nothing here touches the network: OPFS is a private directory of this origin on this device.
 */
import type { FileMapping, PersistManifest, PersistStatus, RefundRule } from '../src/atlas-api';
import { attempt } from './errors';

/** The folder inside OPFS that holds everything this app stores. */
const DIR = 'atlas-data';
const MANIFEST = 'manifest.json';

async function root(): Promise<FileSystemDirectoryHandle | null> {
  try {
    return await navigator.storage.getDirectory();
  } catch {
    return null;
  }
}

async function dataDir(create: boolean): Promise<FileSystemDirectoryHandle | null> {
  const r = await root();
  if (!r) return null;
  try {
    return await r.getDirectoryHandle(DIR, { create });
  } catch {
    return null;
  }
}

async function readManifest(dir: FileSystemDirectoryHandle): Promise<PersistManifest | null> {
  try {
    const text = await (await (await dir.getFileHandle(MANIFEST)).getFile()).text();
    const m = JSON.parse(text) as PersistManifest;
    return m.version === 1 && Array.isArray(m.files) ? m : null;
  } catch {
    return null;
  }
}

async function writeText(dir: FileSystemDirectoryHandle, name: string, text: string): Promise<void> {
  const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
  await w.write(text);
  await w.close();
}

/** Stored file names are generated, so a user's file name never becomes a path. */
function freshName(used: Set<string>): string {
  for (let i = 0; ; i++) if (!used.has(`file-${i}.bin`)) return `file-${i}.bin`;
}

async function exists(dir: FileSystemDirectoryHandle, name: string, size: number): Promise<boolean> {
  try {
    return (await (await dir.getFileHandle(name)).getFile()).size === size;
  } catch {
    return false;
  }
}

async function dirBytes(dir: FileSystemDirectoryHandle): Promise<number> {
  let total = 0;
  for await (const h of (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
    if (h.kind === 'file') total += (await (h as FileSystemFileHandle).getFile()).size;
  }
  return total;
}

/** The persistence half of the worker API (spread into the atlas worker's API object). */
/** Storage work, throwing on failure; `persistApi` answers each as a `Result`. */
const store = {
  async persistStatus(): Promise<PersistStatus> {
    const r = await root();
    if (!r) return { available: false, manifest: null, bytes: 0 };
    const dir = await dataDir(false);
    if (!dir) return { available: true, manifest: null, bytes: 0 };
    return { available: true, manifest: await readManifest(dir), bytes: await dirBytes(dir) };
  },

  /**
   * Store these files (streamed, never whole in memory) and the manifest, replacing whatever was
   * stored. The manifest is written last, so an interrupted save leaves no manifest and restores
   * nothing rather than a partial set.
   */
  async persistSave(files: File[], mappings: FileMapping[], rule: RefundRule): Promise<PersistStatus> {
    const dir = await dataDir(true);
    if (!dir) return { available: false, manifest: null, bytes: 0 };
    const before = await readManifest(dir);
    await dir.removeEntry(MANIFEST).catch(() => undefined);
    const used = new Set(before?.files.map((e) => e.stored) ?? []);
    const entries: PersistManifest['files'] = [];
    for (const f of files) {
      // A file restored from OPFS is backed by its stored copy: keep that copy, never rewrite
      // it while reading from it.
      const same = before?.files.find((e) => e.name === f.name && e.bytes === f.size);
      if (same && (await exists(dir, same.stored, f.size))) {
        entries.push(same);
        continue;
      }
      const stored = freshName(used);
      used.add(stored);
      const w = await (await dir.getFileHandle(stored, { create: true })).createWritable();
      await f.stream().pipeTo(w);
      entries.push({ name: f.name, bytes: f.size, type: f.type, stored });
    }
    const manifest: PersistManifest = { version: 1, savedAt: new Date().toISOString(), files: entries, mappings, rule };
    await writeText(dir, MANIFEST, JSON.stringify(manifest));
    // drop copies no longer listed (removed files, earlier saves)
    const keep = new Set([...entries.map((e) => e.stored), MANIFEST]);
    for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) {
      if (!keep.has(name)) await dir.removeEntry(name).catch(() => undefined);
    }
    return { available: true, manifest, bytes: await dirBytes(dir) };
  },

  /** Update only the mappings and refund rule of a stored set (files unchanged). */
  async persistConfig(mappings: FileMapping[], rule: RefundRule): Promise<void> {
    const dir = await dataDir(false);
    const m = dir ? await readManifest(dir) : null;
    if (!dir || !m) return;
    await writeText(dir, MANIFEST, JSON.stringify({ ...m, mappings, rule, savedAt: new Date().toISOString() }));
  },

  /** The stored files as `File` objects (backed by OPFS, not copied) plus the manifest. */
  async persistLoad(): Promise<{ manifest: PersistManifest; files: File[] } | null> {
    const dir = await dataDir(false);
    const manifest = dir ? await readManifest(dir) : null;
    if (!dir || !manifest) return null;
    const files: File[] = [];
    for (const e of manifest.files) {
      const blob = await (await dir.getFileHandle(e.stored)).getFile();
      files.push(new File([blob], e.name, { type: e.type }));
    }
    return { manifest, files };
  },

  /** Delete everything this app stored in the browser. */
  async persistForget(): Promise<void> {
    const r = await root();
    await r?.removeEntry(DIR, { recursive: true }).catch(() => undefined);
  },
};

const STORAGE = { code: 'storage' } as const;

/** "Keep my data in this browser" as worker API methods. */
export function persistApi() {
  return {
    persistStatus: () => attempt(() => store.persistStatus(), STORAGE),
    persistSave: (files: File[], mappings: FileMapping[], rule: RefundRule) =>
      attempt(() => store.persistSave(files, mappings, rule), STORAGE),
    persistConfig: (mappings: FileMapping[], rule: RefundRule) =>
      attempt(async () => {
        await store.persistConfig(mappings, rule);
        return null;
      }, STORAGE),
    persistLoad: () => attempt(() => store.persistLoad(), STORAGE),
    persistForget: () =>
      attempt(async () => {
        await store.persistForget();
        return null;
      }, STORAGE),
  };
}
