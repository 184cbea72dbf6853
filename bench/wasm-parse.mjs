// The worker's parse speed without the browser around it: the built wasm module (dist/pkg), run
// in node's V8 (the engine Chromium runs it in), fed every file of a corpus the way www/worker.js
// feeds it (the same LedgerBuilder calls, 8 MiB slices copied into the staging buffer), timed
// by CPU time (process.cpuUsage: user+sys of this single-threaded process), so a busy machine
// slows the wall clock but hardly the figure. Files are read into memory before the clock
// starts: this measures the wasm (classification, line splitting, JSON parsing, the ledger and
// its wire encoding), not the disk or the browser's file reading.
//
// Why: comparing two builds of the module (say with and without SIMD) in a browser on a shared
// machine drowns the difference in noise; this isolates the part the build flags change.
//
// Like the worker, it takes the ledger as a part after each file once it is past the builder's
// threshold (LedgerBuilder.take_part, in builds that have it), so `heap_bytes` is a worker's.
//
// With `--entries 1` it also keeps each file's re-scan entry (LedgerBuilder.keep_entries and
// take_entry, as the worker does whenever IndexedDB is there), and reports their bytes.
//
// Usage: node bench/wasm-parse.mjs --pkg dist/pkg --corpus /tmp/agentmeter-bench [--runs 3] [--entries 1]
// Prints one JSON object: {bytes, files, runs: [{cpu_s, wall_s, wire_bytes, parts, heap_bytes}], ...}.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const pkg = resolve(args.pkg || 'dist/pkg');
const corpus = resolve(args.corpus || '/tmp/agentmeter-bench');
const runs = Number(args.runs || 3);
const CHUNK = 8 * 1024 * 1024;
const entries = args.entries === '1';

const mod = await import(join(pkg, 'agentmeter_web.js'));
const wasm = mod.initSync({ module: readFileSync(join(pkg, 'agentmeter_web_bg.wasm')) });

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (mod.is_candidate_name(p)) out.push(p);
  }
  return out;
}
const base = resolve(corpus, '..');
const files = walk(corpus, []).map((p) => ({ path: relative(base, p), bytes: readFileSync(p) }));
const total = files.reduce((a, f) => a + f.bytes.length, 0);
const HEAD = mod.head_bytes();

const out = [];
for (let r = 0; r < runs; r++) {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const b = new mod.LedgerBuilder();
  if (entries) b.keep_entries(true);
  let entryBytes = 0;
  let partBytes = 0;
  let parts = 0;
  for (const { path, bytes } of files) {
    let first = true;
    let parse = true;
    for (let from = 0; parse && (first || from < bytes.length); from += CHUNK) {
      const slice = bytes.subarray(from, Math.min(bytes.length, from + CHUNK));
      const ptr = b.stage(slice.length);
      new Uint8Array(wasm.memory.buffer, ptr, slice.length).set(slice);
      if (first) parse = b.begin_staged(path, Math.min(slice.length, HEAD), bytes.length);
      first = false;
      if (parse) b.push_staged(slice.length);
    }
    if (parse) b.finish_file();
    if (entries) entryBytes += b.take_entry()?.length ?? 0;
    const part = b.take_part ? b.take_part() : undefined;
    if (part) {
      parts += 1;
      partBytes += part.length;
      // Posted with the part by the worker (builds that set previews aside).
      if (b.take_previews) partBytes += b.take_previews().length;
    }
  }
  // Builds before the wire form posted JSON (LedgerBuilder.to_json): time what each one posts.
  const wire = b.to_wire ? b.to_wire() : b.to_json();
  b.free();
  const c = process.cpuUsage(c0);
  out.push({
    cpu_s: (c.user + c.system) / 1e6,
    sys_s: c.system / 1e6,
    wall_s: (performance.now() - w0) / 1000,
    wire_bytes: wire.length + partBytes,
    parts,
    entry_bytes: entryBytes,
    heap_bytes: wasm.memory.buffer.byteLength,
  });
  process.stderr.write(`wasm parse run ${r + 1}/${runs}: ${out[r].cpu_s.toFixed(2)} s CPU\n`);
}
const cpu = out.map((x) => x.cpu_s).sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({
    pkg: relative(process.cwd(), pkg),
    files: files.length,
    bytes: total,
    runs: out,
    median_cpu_s: cpu[cpu.length >> 1],
    mb_per_cpu_s: total / 1e6 / cpu[cpu.length >> 1],
  }) + '\n',
);
