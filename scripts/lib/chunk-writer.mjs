/**
 * Line writer for large CSVs: lines collect in a string buffer that is handed to the file stream in
 * ~1 MB chunks, waiting for 'drain' when the stream is full, so memory stays flat however many rows
 * are written. Output goes to `<path>.tmp` and is renamed on close, so an interrupted run never
 * leaves a file that looks complete.
 */
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { once } from 'node:events';

const CHUNK = 1 << 20;

export class ChunkWriter {
  #path;
  #stream;
  #buf = '';
  /** Bytes handed to the stream so far (ASCII output, so characters = bytes). */
  bytes = 0;

  /** @param {string} path final file path */
  constructor(path) {
    this.#path = path;
    this.#stream = createWriteStream(`${path}.tmp`);
  }

  /** Append one line (without newline). Returns true when the caller should `await flush()`. */
  push(line) {
    this.#buf += line + '\n';
    return this.#buf.length >= CHUNK;
  }

  /** Hand the buffer to the stream, waiting if the stream is over its high-water mark. */
  async flush() {
    if (!this.#buf) return;
    const chunk = this.#buf;
    this.#buf = '';
    this.bytes += chunk.length;
    if (!this.#stream.write(chunk)) await once(this.#stream, 'drain');
  }

  /** Flush, close and move the finished file into place. */
  async close() {
    await this.flush();
    this.#stream.end();
    await once(this.#stream, 'finish');
    await rename(`${this.#path}.tmp`, this.#path);
  }
}
