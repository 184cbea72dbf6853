// Parsing worker (module worker): reads Files in slices and feeds them to the wasm LedgerBuilder.
//
// Why it is built like this (each point was measured, see BENCHMARKS.md "Browser import profile"):
// - Reading, not parsing, was the largest cost: a synchronous FileReaderSync read leaves the
//   worker idle while the browser process fetches the bytes. Reads are now asynchronous
//   (Blob.arrayBuffer()) and issued ahead: while the wasm parses one slice, the next ones (up to
//   AHEAD_BYTES, and of the next files too) are already being read, so reading and parsing overlap.
// - A file of at most CHUNK bytes is read whole (its head is the first bytes), packed with its
//   neighbours into reads of up to CHUNK bytes (see reads()); larger files are streamed in
//   CHUNK-sized slices and never held whole in memory.
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
// In:  { files: [{ file: File, path: string, source?: string }, ...], module?: WebAssembly.Module,
//        deep?: bool, hashIds?: bool }
//      (source: the label of the root the file was dropped under; a ledger file has none and
//      keeps its own. hashIds: hash the transcripts' ids, because ledger files are in the same
//      import or already shown: see src/ledger/pseudonym.rs)
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

/**
 * The reads to issue, in order. A read covers `parts`: slices [from, to) of files, `first`
 * holding a file's head. Files of at most CHUNK bytes are read whole and packed together, up to
 * CHUNK bytes per read, through one Blob of several Files: each read costs the browser process a
 * round of work whatever its size, and for the many small files of a transcript folder one read
 * per file cost more CPU than the bytes (measured: 1,350 files, 2.7 s of Chromium CPU one by one,
 * 1.7 s packed). Larger files are streamed in CHUNK-sized slices.
 */
function* reads(files) {
  let batch = [];
  let batchBytes = 0;
  for (let i = 0; i < files.length; i++) {
    const size = files[i].file.size;
    if (size <= CHUNK) {
      if (batchBytes + size > CHUNK && batch.length > 0) {
        yield { parts: batch, size: batchBytes };
        batch = [];
        batchBytes = 0;
      }
      batch.push({ index: i, from: 0, to: size, first: true, last: true });
      batchBytes += size;
      continue;
    }
    let from = 0;
    do {
      const to = Math.min(size, from + CHUNK);
      yield { parts: [{ index: i, from, to, first: from === 0, last: to >= size }], size: to - from };
      from = to;
    } while (from < size);
  }
  if (batch.length > 0) yield { parts: batch, size: batchBytes };
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
  builder.set_hash_ids(!!event.data.hashIds);
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
  // slices after a large file's first one wait until that file is classified (`wanted`), so a
  // large file that is not a transcript costs one slice, not a full read.
  const plan = reads(files);
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
      const r = held;
      const s = r.parts[0];
      if (!s.first && !wanted.has(s.index)) return; // wait for the file's classification
      held = null;
      if (!s.first && !wanted.get(s.index)) {
        if (s.last) {
          filesDone += 1;
          bytesDone += files[s.index].file.size;
        }
        continue;
      }
      const blob =
        r.parts.length === 1
          ? files[s.index].file.slice(s.from, s.to)
          : new Blob(r.parts.map((part) => files[part.index].file));
      r.bytes = blob.arrayBuffer().then(
        (buf) => ({ buf }),
        (err) => ({ err }),
      );
      aheadBytes += r.size;
      inFlight.push(r);
    }
  };

  // One slice of one file: classify it if it is the file's head, parse it, finish the file.
  const handle = (s, bytes, err) => {
    const { file, path, source } = files[s.index];
    if (wanted.get(s.index) !== false) {
      if (err) {
        builder.set_source(source ?? undefined);
        builder.abort_file(path, file.size, `cannot read the file: ${err && err.name ? err.name : err}`);
        wanted.set(s.index, false);
      } else {
        let t = performance.now();
        const len = bytes.byteLength;
        const ptr = builder.stage(len);
        new Uint8Array(wasm.memory.buffer, ptr, len).set(bytes);
        p.copy_ms += performance.now() - t;
        p.chunks += 1;
        if (s.first) {
          builder.set_source(source ?? undefined);
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
    if (s.last) {
      wanted.delete(s.index);
      filesDone += 1;
      bytesDone += file.size;
      progress(0, false);
    } else {
      progress(s.to, false);
    }
  };

  fill();
  while (inFlight.length > 0) {
    const r = inFlight.shift();
    const t = performance.now();
    const { buf, err } = await r.bytes;
    p.read_ms += performance.now() - t;
    aheadBytes -= r.size;
    // Issue the next reads before parsing this one.
    fill();
    if (r.parts.length > 1 && (err || buf.byteLength !== r.size)) {
      // A packed read failed (a file changed or vanished since it was chosen): read its files one
      // by one, so that only the unreadable one is listed as such.
      for (const s of r.parts) {
        const t1 = performance.now();
        let one;
        try {
          one = { buf: await files[s.index].file.slice(s.from, s.to).arrayBuffer() };
        } catch (e) {
          one = { err: e };
        }
        p.read_ms += performance.now() - t1;
        handle(s, one.buf && new Uint8Array(one.buf), one.err);
      }
    } else {
      let offset = 0;
      for (const s of r.parts) {
        const len = s.to - s.from;
        handle(s, err ? null : new Uint8Array(buf, offset, Math.min(len, buf.byteLength - offset)), err);
        offset += len;
      }
    }
    fill();
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
