// Parsing worker (module worker): reads Files in slices and feeds them to the wasm LedgerBuilder.
//
// FileReaderSync exists only in workers and reads a Blob slice synchronously, so a file of any
// size is streamed through wasm in CHUNK-sized pieces without ever being held whole in memory.
// Each slice is copied once, straight into a staging buffer inside wasm memory
// (LedgerBuilder.stage), so no allocation happens per chunk. Everything that decides a number
// (classification, parsing, the ledger) is Rust; this file only moves bytes, posts progress and
// times itself: the per-stage profile (`profile` in the 'done' message) is what bench/browser.mjs
// reports, measured with performance.now() inside this worker.
//
// In:  { files: [{ file: File, path: string }, ...], module?: WebAssembly.Module, deep?: bool }
//      (deep: also time line splitting on its own, which splits every chunk twice: profiling only)
// Out: { type: 'progress', filesDone, bytesDone } after every chunk and file,
//      { type: 'done', ledger: string /* Ledger as JSON */, profile } at the end,
//      { type: 'error', message } if the wasm cannot start.
import init, { LedgerBuilder, head_bytes } from './pkg/agentmeter_web.js';

const CHUNK = 8 * 1024 * 1024;
const clock = () => performance.timeOrigin + performance.now();
let ready = null;

self.onmessage = async (event) => {
  const tStart = clock();
  // The page sends its compiled WebAssembly.Module, so the worker skips a fetch and a compile.
  const { module, deep } = event.data;
  if (!ready) ready = module ? init({ module_or_path: module }) : init();
  let wasm;
  try {
    wasm = await ready;
  } catch (err) {
    self.postMessage({ type: 'error', message: `wasm failed to load: ${err}` });
    return;
  }
  const tReady = clock();
  const files = event.data.files || [];
  const reader = new FileReaderSync();
  const builder = new LedgerBuilder();
  const HEAD = head_bytes();
  const p = {
    t_start: tStart,
    t_ready: tReady,
    files: files.length,
    chunks: 0,
    messages: 0,
    read_ms: 0,
    copy_ms: 0,
    classify_ms: 0,
    split_ms: 0,
    parse_ms: 0,
    ledger_ms: 0,
    progress_ms: 0,
  };
  let filesDone = 0;
  let bytesDone = 0;
  const progress = (within) => {
    const t = performance.now();
    self.postMessage({ type: 'progress', filesDone, bytesDone: bytesDone + within });
    p.messages += 1;
    p.progress_ms += performance.now() - t;
  };
  // Reads file.slice(from, to) into the staging buffer; returns its length.
  const stage = (file, from, to) => {
    let t = performance.now();
    const bytes = new Uint8Array(reader.readAsArrayBuffer(file.slice(from, to)));
    const t1 = performance.now();
    p.read_ms += t1 - t;
    const ptr = builder.stage(bytes.length);
    new Uint8Array(wasm.memory.buffer, ptr, bytes.length).set(bytes);
    p.copy_ms += performance.now() - t1;
    p.chunks += 1;
    return bytes.length;
  };
  const push = (len) => {
    let t = performance.now();
    if (deep) {
      builder.split_staged(len);
      const t1 = performance.now();
      p.split_ms += t1 - t;
      t = t1;
    }
    builder.push_staged(len);
    p.parse_ms += performance.now() - t;
  };

  for (const { file, path } of files) {
    try {
      const len = stage(file, 0, HEAD);
      let t = performance.now();
      const parse = builder.begin_staged(path, len, file.size);
      p.classify_ms += performance.now() - t;
      if (parse) {
        push(len);
        let offset = len;
        progress(offset);
        while (offset < file.size) {
          const n = stage(file, offset, offset + CHUNK);
          if (n === 0) break;
          push(n);
          offset += n;
          progress(offset);
        }
        t = performance.now();
        builder.finish_file();
        p.ledger_ms += performance.now() - t;
      }
    } catch (err) {
      builder.abort_file(path, file.size, `cannot read the file: ${err && err.name ? err.name : err}`);
    }
    filesDone += 1;
    bytesDone += file.size;
    progress(0);
  }
  p.t_parsed = clock();
  const ledger = builder.to_json();
  p.t_serialized = clock();
  p.result_bytes = ledger.length;
  builder.free();
  p.heap_bytes = wasm.memory.buffer.byteLength;
  p.t_posted = clock();
  self.postMessage({ type: 'done', ledger, profile: p });
};
