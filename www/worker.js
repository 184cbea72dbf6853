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
// - Memory stays flat: after each finished file, once the worker's ledger holds more than
//   LedgerBuilder's threshold of records (PART_RECORDS), it is posted as a 'part' and the worker
//   starts an empty one (LedgerBuilder.take_part), so a worker holds at most the threshold plus
//   the file it reads, whatever the corpus size. The page merges parts as they come
//   (web/src/ingest/parts.rs); the merge law makes the result the same as one ledger.
// - Re-scans (cache: true): each file read leaves an entry in IndexedDB (`agentmeter-scan`,
//   store `files`, keyed by path): its size and modification time, SHA-256 digests of its first
//   and last KiB (digests, not the bytes: no raw transcript text is kept for this), and
//   what the wasm made of it (LedgerBuilder.take_entry: a parser checkpoint for Claude and Codex
//   files, else the file's own ledger). On the next scan a file with the same size and time is
//   added from its entry without being read; a file that grew, whose first KiB and the KiB
//   before its old end are unchanged, is read from its old end only, on from the checkpoint;
//   anything else (shrunk, rewritten, new, unreadable entry) is read whole. The result is the
//   same as a full read (tests/resume.rs, web worker_api tests, e2e/rescan.test.mjs).
// - Zip archives (`*.zip`) are read member by member, never unpacked whole: the central directory
//   is read from the archive's end (web/src/ingest/zip.rs decodes it and prunes the members like
//   a dropped folder's files), then each member's bytes are streamed from its slice of the File
//   through the browser's DecompressionStream('deflate-raw') into the same parser as a file's.
//   Members are named `archive.zip/inner/path`, and are always read in full (no stored entries).
// Everything that decides a number (classification, parsing, the ledger) is Rust; this file only
// moves bytes, posts progress and times itself: `profile` in the 'done' message holds
// performance.now() deltas measured inside this worker, read by bench/browser.mjs.
//
// In:  { files: [{ file: File, path: string, source?: string, grown?: bool }, ...], module?: WebAssembly.Module,
//        deep?: bool, cache?: bool, partRecords?: number }
//      (source: the label of the root the file was dropped under; a ledger file has none and
//      keeps its own; a zip's members take the zip's)
//      (deep: also time line splitting on its own, which splits every slice twice: profiling only)
//      (partRecords: post a part past this many records instead of LedgerBuilder's default:
//      tests and benchmarks only)
// Out: { type: 'progress', filesDone, bytesDone } at most every PROGRESS_MS, and once at the end,
//      { type: 'part', ledger: Uint8Array /* Ledger::to_wire, buffer transferred */,
//        previews: Uint8Array /* its prompt previews set aside (LedgerBuilder.take_previews) */ }
//        any number of times (the transcripts' records of some finished files, raw ids),
//      { type: 'done', ledger: Uint8Array /* the last part */, previews, side?: Uint8Array /* the ledger
//        files' records and refusals (LedgerBuilder.take_side), merged by the page after it has
//        hashed the parts' ids */, imported /* ledger files imported */, unresumed, profile }
//        (unresumed: paths of files marked `grown` that had to be read whole),
//      { type: 'error', message } if the wasm cannot start,
//      { type: 'stored', files, bytes } once the entries are written (cache only; the worker then
//      closes itself).
import init, {
  LedgerBuilder,
  head_bytes,
  zip_data_offset,
  zip_directory,
  zip_members,
  zip_tail_bytes,
} from './pkg/agentmeter_web.js';

const CHUNK = 8 * 1024 * 1024;
const AHEAD_BYTES = 3 * CHUNK;
const AHEAD_READS = 32;
const PROGRESS_MS = 100;
/** Bytes of a file's head and of the bytes before its old end kept to tell growth from rewrite. */
const EDGE = 1024;
const DB_NAME = 'agentmeter-scan';
const DB_STORE = 'files';
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
    const start = files[i].start || 0;
    if (size - start <= CHUNK) {
      if (batchBytes + size > CHUNK && batch.length > 0) {
        yield { parts: batch, size: batchBytes };
        batch = [];
        batchBytes = 0;
      }
      batch.push({ index: i, from: start, to: size, first: true, last: true });
      batchBytes += size - start;
      continue;
    }
    let from = start;
    do {
      const to = Math.min(size, from + CHUNK);
      yield { parts: [{ index: i, from, to, first: from === start, last: to >= size }], size: to - from };
      from = to;
    } while (from < size);
  }
  if (batch.length > 0) yield { parts: batch, size: batchBytes };
}

/** A part's bytes as a Blob (the File itself when it is the whole file). */
function slicePart(file, part) {
  return part.from === 0 && part.to === file.size ? file : file.slice(part.from, part.to);
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openScanDb() {
  const req = indexedDB.open(DB_NAME, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(DB_STORE);
  return request(req);
}

/** The stored entries of `paths` (undefined where none), in one transaction. */
async function loadEntries(db, paths) {
  const store = db.transaction(DB_STORE, 'readonly').objectStore(DB_STORE);
  return Promise.all(paths.map((p) => request(store.get(p)).catch(() => undefined)));
}

/** Writes entries ({ path, value }) in one transaction. */
function storeEntries(db, entries) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(DB_STORE, 'readwrite');
    const store = tx.objectStore(DB_STORE);
    for (const e of entries) store.put(e.value, e.path);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

function concatBytes(a, b) {
  if (!a) return b;
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}

/**
 * Reads every member of the zip archive `f` into `builder` (see the header). `copy(bytes)` stages
 * bytes into wasm memory. Members that cannot be read are listed as skipped with the reason.
 */
async function readZip(builder, f, HEAD, copy, flush) {
  const { file, path, source } = f;
  const size = file.size;
  builder.set_source(source ?? undefined);
  const tailStart = Math.max(0, size - zip_tail_bytes());
  const tail = new Uint8Array(await file.slice(tailStart, size).arrayBuffer());
  const dir = JSON.parse(zip_directory(tail, tailStart));
  if (dir.error) {
    builder.abort_file(path, size, dir.error);
    builder.take_entry();
    return;
  }
  const cd = new Uint8Array(await file.slice(dir.offset, dir.offset + dir.size).arrayBuffer());
  const list = JSON.parse(zip_members(path, cd));
  if (list.error) {
    builder.abort_file(path, size, list.error);
    builder.take_entry();
    return;
  }
  for (const m of list.members) {
    if (m.skip) {
      builder.abort_file(m.path, m.size, m.skip);
      continue;
    }
    let reader = null;
    try {
      const local = new Uint8Array(await file.slice(m.offset, m.offset + 64).arrayBuffer());
      const at = zip_data_offset(local, m.offset);
      if (at < 0) throw new Error('damaged local header');
      let stream = file.slice(at, at + m.compressed).stream();
      if (m.method === 8) stream = stream.pipeThrough(new DecompressionStream('deflate-raw'));
      reader = stream.getReader();
      let head = null;
      let begun = false;
      for (;;) {
        const { value, done } = await reader.read();
        if (!begun) {
          if (value) head = concatBytes(head, value);
          if (!done && head.byteLength < HEAD) continue;
          const h = head || new Uint8Array(0);
          copy(h);
          begun = true;
          if (!builder.begin_staged(m.path, Math.min(h.byteLength, HEAD), m.size)) {
            await reader.cancel();
            break;
          }
          builder.push_staged(h.byteLength);
        } else if (value) {
          copy(value);
          builder.push_staged(value.byteLength);
        }
        if (done) {
          builder.finish_file();
          break;
        }
      }
    } catch (err) {
      if (reader) reader.cancel().catch(() => {});
      builder.abort_file(m.path, m.size, `cannot read the zip member: ${err && err.message ? err.message : err}`);
    }
    builder.take_entry();
    flush();
  }
}

function sameBytes(a, b) {
  if (!a || !b || a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function digest(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/** The last EDGE bytes of `prev` followed by `bytes` (a copy). */
function lastBytes(prev, bytes) {
  if (bytes.byteLength >= EDGE || !prev) return bytes.slice(Math.max(0, bytes.byteLength - EDGE));
  const joined = new Uint8Array(prev.byteLength + bytes.byteLength);
  joined.set(prev);
  joined.set(bytes, prev.byteLength);
  return joined.slice(Math.max(0, joined.byteLength - EDGE));
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
  const all = event.data.files || [];
  const builder = new LedgerBuilder();
  // Tests and benchmarks only: another threshold for posting parts than LedgerBuilder's own.
  if (Number.isInteger(event.data.partRecords)) builder.set_part_records(event.data.partRecords);
  const HEAD = head_bytes();
  const cache = Boolean(event.data.cache);
  builder.keep_entries(cache);
  const p = {
    t_start: tStart,
    t_ready: tReady,
    given: all.length,
    files: all.length, // then: the files read (not added from their stored entry)
    chunks: 0,
    messages: 0,
    read_ms: 0,
    copy_ms: 0,
    classify_ms: 0,
    split_ms: 0,
    parse_ms: 0,
    ledger_ms: 0,
    progress_ms: 0,
    parts: 0, // parts posted before the last one
    part_ms: 0, // serialising and posting them
    result_bytes: 0,
  };
  // Posts the ledger so far as a part when it has grown past the threshold (between files).
  const flush = () => {
    const t = performance.now();
    const part = builder.take_part();
    if (!part) return;
    p.parts += 1;
    p.result_bytes += part.byteLength;
    // The prompt previews set aside from the part: kept by the page outside its wasm heap.
    const previews = builder.take_previews();
    self.postMessage({ type: 'part', ledger: part, previews }, [part.buffer, previews.buffer]);
    p.part_ms += performance.now() - t;
  };
  let filesDone = 0;
  let bytesDone = 0;
  let lastProgress = -Infinity;

  // Re-scan: files unchanged since their entry was stored are added from it; grown ones are read
  // from their old end (start, resume); the rest in full.
  let db = null;
  const files = [];
  // Files the page marked as grown (it merges only the new bytes' result into what it shows)
  // that could not be read on from their stored reading: the page then reads everything.
  const unresumed = [];
  const tCache = performance.now();
  p.cached = 0;
  p.resumed = 0;
  const zips = all.filter((f) => /\.zip$/i.test(f.path));
  const plain = zips.length > 0 ? all.filter((f) => !/\.zip$/i.test(f.path)) : all;
  if (cache) {
    try {
      db = await openScanDb();
      const stored = await loadEntries(db, plain.map((f) => f.path));
      for (let i = 0; i < plain.length; i++) {
        const f = plain[i];
        const rec = stored[i];
        const size = f.file.size;
        if (rec && rec.entry instanceof Uint8Array) {
          builder.set_source(f.source ?? undefined);
          if (rec.size === size && rec.mtime === f.file.lastModified && builder.add_entry(f.path, rec.entry)) {
            filesDone += 1;
            bytesDone += size;
            p.cached += 1;
            flush();
            continue;
          }
          if (size > rec.end && builder.resumable_at(f.path, rec.entry) === rec.end) {
            try {
              const head = new Uint8Array(await f.file.slice(0, rec.headLen).arrayBuffer());
              const tail = new Uint8Array(await f.file.slice(rec.end - rec.tailLen, rec.end).arrayBuffer());
              if (sameBytes(await digest(head), rec.headHash) && sameBytes(await digest(tail), rec.tailHash)) {
                files.push({ ...f, start: rec.end, resume: rec.entry, head, tail });
                bytesDone += rec.end;
                p.resumed += 1;
                continue;
              }
            } catch (_) {
              // Unreadable now: read in full below, which reports it.
            }
          }
        }
        files.push(f);
      }
    } catch (_) {
      // No IndexedDB (private mode, blocked): a full read.
      db = null;
      files.length = 0;
      files.push(...plain);
      filesDone = 0;
      bytesDone = 0;
    }
  } else {
    files.push(...plain);
  }
  for (const f of files) if (f.grown && f.start === undefined) unresumed.push(f.path);
  p.cache_ms = performance.now() - tCache;
  p.files = files.length + zips.length;
  const copy = (bytes) => {
    const ptr = builder.stage(bytes.byteLength);
    new Uint8Array(wasm.memory.buffer, ptr, bytes.byteLength).set(bytes);
  };
  const toStore = [];
  // Per file read: its head and last bytes so far (for its entry).
  const edges = new Map();
  const keep = (s, path, file) => {
    const entry = builder.take_entry();
    if (!entry || !db) return;
    const e = edges.get(s.index) || {};
    toStore.push({
      path,
      value: { size: file.size, mtime: file.lastModified, end: file.size, entry },
      head: e.head || new Uint8Array(0),
      tail: e.tail || new Uint8Array(0),
    });
  };
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
          bytesDone += files[s.index].file.size - (files[s.index].start || 0);
        }
        continue;
      }
      const blob =
        r.parts.length === 1
          ? files[s.index].file.slice(s.from, s.to)
          : new Blob(r.parts.map((part) => slicePart(files[part.index].file, part)));
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
        const f = files[s.index];
        if (s.first) {
          builder.set_source(source ?? undefined);
          t = performance.now();
          if (f.resume) {
            const ok = builder.resume_entry(path, f.resume);
            if (!ok) builder.abort_file(path, file.size, 'its stored reading could not be resumed; it is read again on the next scan');
            wanted.set(s.index, ok);
            if (db) edges.set(s.index, { head: f.head, tail: f.tail });
          } else {
            wanted.set(s.index, builder.begin_staged(path, Math.min(len, HEAD), file.size));
            if (db) edges.set(s.index, { head: bytes.slice(0, Math.min(EDGE, bytes.byteLength)) });
            if (!wanted.get(s.index)) keep(s, path, file);
          }
          p.classify_ms += performance.now() - t;
        }
        if (wanted.get(s.index)) {
          if (db) {
            const e = edges.get(s.index);
            e.tail = lastBytes(e.tail, bytes);
          }
          push(len);
          if (s.last) {
            t = performance.now();
            builder.finish_file();
            keep(s, path, file);
            p.ledger_ms += performance.now() - t;
          }
        }
      }
    }
    if (s.last) {
      wanted.delete(s.index);
      edges.delete(s.index);
      filesDone += 1;
      bytesDone += file.size - (files[s.index].start || 0);
      flush();
      progress(0, false);
    } else {
      progress(s.to - (files[s.index].start || 0), false);
    }
  };

  for (const z of zips) {
    try {
      await readZip(builder, z, HEAD, copy, flush);
    } catch (err) {
      builder.abort_file(z.path, z.file.size, `cannot read the archive: ${err && err.name ? err.name : err}`);
      builder.take_entry();
    }
    filesDone += 1;
    bytesDone += z.file.size;
    progress(0, false);
  }
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
  const previews = builder.take_previews();
  const side = builder.take_side();
  const imported = builder.imported_ledgers();
  p.t_serialized = clock();
  p.result_bytes += ledger.byteLength + (side ? side.byteLength : 0);
  builder.free();
  p.heap_bytes = wasm.memory.buffer.byteLength;
  p.t_posted = clock();
  const transfer = side ? [ledger.buffer, previews.buffer, side.buffer] : [ledger.buffer, previews.buffer];
  self.postMessage({ type: 'done', ledger, previews, side, imported, unresumed, profile: p }, transfer);
  if (db) {
    let bytes = 0;
    for (const e of toStore) bytes += e.value.entry.byteLength;
    try {
      for (const e of toStore) {
        Object.assign(e.value, {
          headLen: e.head.byteLength,
          tailLen: e.tail.byteLength,
          headHash: await digest(e.head),
          tailHash: await digest(e.tail),
        });
      }
      if (toStore.length > 0) await storeEntries(db, toStore);
      self.postMessage({ type: 'stored', files: toStore.length, bytes });
    } catch (err) {
      self.postMessage({ type: 'stored', files: 0, bytes: 0, error: String(err) });
    }
    db.close();
  }
};
