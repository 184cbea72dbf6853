// Parsing worker (module worker): reads Files in slices and feeds them to the wasm LedgerBuilder.
//
// Why it is built like this (each point was measured, see BENCHMARKS.md "Browser import profile"):
// - Reading, not parsing, was the largest cost: a synchronous FileReaderSync read leaves the
//   worker idle while the browser process fetches the bytes. Reads are now asynchronous
//   (Blob.arrayBuffer()) and issued ahead: while the wasm parses one slice, the next ones (up to
//   AHEAD_BYTES, and of the next files too) are already being read, so reading and parsing overlap.
// - A file of at most CHUNK bytes is read in one slice (its head is the slice's first bytes), so
//   a small file costs one read, not two; larger files are streamed in CHUNK-sized slices and
//   never held whole in memory.
// - Each slice is copied once, straight into a staging buffer inside wasm memory
//   (LedgerBuilder.stage): no allocation per slice.
// - Progress is posted at most every PROGRESS_MS (the page redraws on each message), not per
//   slice and file: with thousands of small files the messages cost more than the parsing.
// - The result is the ledger's binary wire form (Ledger::to_wire), posted as a transferred
//   ArrayBuffer: nothing is copied by the post, and the page decodes it in one pass.
// Everything that decides a number (classification, parsing, the ledger) is Rust; this file only
// moves bytes, posts progress and times itself: `profile` in the 'done' message holds
// performance.now() deltas measured inside this worker, read by bench/browser.mjs.
//
// In:  { files: [{ file: File, path: string }, ...], module?: WebAssembly.Module, deep?: bool }
//      (deep: also time line splitting on its own, which splits every slice twice: profiling only)
// Out: { type: 'progress', filesDone, bytesDone } at most every PROGRESS_MS, and once at the end,
//      { type: 'done', ledger: Uint8Array /* Ledger::to_wire, buffer transferred */, profile },
//      { type: 'error', message } if the wasm cannot start.
import init, { LedgerBuilder, head_bytes } from './pkg/agentmeter_web.js';

const CHUNK = 8 * 1024 * 1024;
const AHEAD_BYTES = 3 * CHUNK;
const AHEAD_READS = 32;
const PROGRESS_MS = 100;
const clock = () => performance.timeOrigin + performance.now();
let ready = null;

/** The slices to read, in order: [from, to) of each file, the first one holding the head. */
function* slices(files) {
  for (let i = 0; i < files.length; i++) {
    const size = files[i].file.size;
    let from = 0;
    do {
      const to = Math.min(size, from + CHUNK);
      yield { index: i, from, to, first: from === 0, last: to >= size };
      from = to;
    } while (from < size);
  }
}

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
  let lastProgress = -Infinity;
  const progress = (within, force) => {
    const t = performance.now();
    if (!force && t - lastProgress < PROGRESS_MS) return;
    lastProgress = t;
    self.postMessage({ type: 'progress', filesDone, bytesDone: bytesDone + within });
    p.messages += 1;
    p.progress_ms += performance.now() - t;
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

  // Reads in flight, oldest first; a read's promise settles to the bytes or to the error. The
  // slices after a file's first one wait until that file is classified (`wanted`), so a large
  // file that is not a transcript costs one slice, not a full read.
  const plan = slices(files);
  const inFlight = [];
  const wanted = new Map(); // file index -> true (parse it) / false (skipped or failed)
  let held = null;
  let aheadBytes = 0;
  const fill = () => {
    while (inFlight.length < AHEAD_READS && (aheadBytes < AHEAD_BYTES || inFlight.length === 0)) {
      if (!held) {
        const next = plan.next();
        if (next.done) return;
        held = next.value;
      }
      const s = held;
      if (!s.first && !wanted.has(s.index)) return; // wait for the file's classification
      held = null;
      if (!s.first && !wanted.get(s.index)) {
        if (s.last) {
          filesDone += 1;
          bytesDone += files[s.index].file.size;
        }
        continue;
      }
      const { file } = files[s.index];
      s.bytes = file
        .slice(s.from, s.to)
        .arrayBuffer()
        .then(
          (buf) => ({ buf }),
          (err) => ({ err }),
        );
      aheadBytes += s.to - s.from;
      inFlight.push(s);
    }
  };

  fill();
  while (inFlight.length > 0) {
    const s = inFlight.shift();
    let t = performance.now();
    const { buf, err } = await s.bytes;
    p.read_ms += performance.now() - t;
    aheadBytes -= s.to - s.from;
    const { file, path } = files[s.index];
    if (wanted.get(s.index) !== false) {
      if (err) {
        builder.abort_file(path, file.size, `cannot read the file: ${err && err.name ? err.name : err}`);
        wanted.set(s.index, false);
      } else {
        t = performance.now();
        const len = buf.byteLength;
        const ptr = builder.stage(len);
        new Uint8Array(wasm.memory.buffer, ptr, len).set(new Uint8Array(buf));
        p.copy_ms += performance.now() - t;
        p.chunks += 1;
        if (s.first) {
          t = performance.now();
          wanted.set(s.index, builder.begin_staged(path, Math.min(len, HEAD), file.size));
          p.classify_ms += performance.now() - t;
        }
        if (wanted.get(s.index)) {
          push(len);
          if (s.last) {
            t = performance.now();
            builder.finish_file();
            p.ledger_ms += performance.now() - t;
          }
        }
      }
    }
    // Issue the next reads before this slice's bookkeeping (and before the next await).
    fill();
    if (s.last) {
      wanted.delete(s.index);
      filesDone += 1;
      bytesDone += file.size;
      progress(0, false);
    } else {
      progress(s.to, false);
    }
  }
  progress(0, true);
  p.t_parsed = clock();
  const ledger = builder.to_wire();
  p.t_serialized = clock();
  p.result_bytes = ledger.byteLength;
  builder.free();
  p.heap_bytes = wasm.memory.buffer.byteLength;
  p.t_posted = clock();
  self.postMessage({ type: 'done', ledger, profile: p }, [ledger.buffer]);
};
