/*
 * Customer Atlas: the DuckDB-WASM worker, started through this script so the page can show how far
 * a file has been read. DuckDB-WASM reads a registered file by slicing it (`file.slice(offset, end)`
 * for every read), so the end of the latest slice over the file's size is how far the scan is. That
 * share goes to the app's worker as DuckDB-WASM's own progress message (`PROGRESS_UPDATE`), at most
 * every 100 ms. Then the real DuckDB worker script (its path is this worker's name) runs here
 * unchanged. Only a same-origin path is loaded (the Content-Security-Policy allows nothing else either).
 */
(function () {
  'use strict';
  // the real script's same-origin path, given as the worker's name (`workers/duckdb.ts`); under
  // `npm run dev` it is a /node_modules/@duckdb/… path
  var target = self.name || '';
  if (!/^\/[A-Za-z0-9._\/@+~-]+\.js$/.test(target)) throw new Error('duckdb-read-progress: invalid worker path');
  var slice = Blob.prototype.slice;
  var last = 0;
  var lastBlob = null;
  var lastEnd = 0;
  Blob.prototype.slice = function (start, end, contentType) {
    var size = this.size;
    var now = Date.now();
    var from = typeof start === 'number' ? start : 0;
    var to = Math.min(typeof end === 'number' ? end : size, size);
    // a read of another file, or a new pass over this one (it starts before the previous read
    // ended), is reported at once; the 100 ms wait is for the buffers of one pass (else the head
    // read just before a pass hides the pass's first buffer)
    var fresh = this !== lastBlob || from < lastEnd;
    lastBlob = this;
    lastEnd = to;
    if (size > 0 && (fresh || now - last >= 100)) {
      last = now;
      self.postMessage({
        messageId: -1,
        requestId: 0,
        type: 'PROGRESS_UPDATE',
        data: { status: 'in-progress', percentage: (100 * to) / size, repetitions: 0 },
      });
    }
    return slice.call(this, start, end, contentType);
  };
  importScripts(target);
})();
