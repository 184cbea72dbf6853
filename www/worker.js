// Parsing worker (module worker): reads Files in slices and feeds them to the wasm LedgerBuilder.
//
// FileReaderSync exists only in workers and reads a Blob slice synchronously, so a file of any
// size is streamed through wasm in CHUNK-sized pieces without ever being held whole in memory.
// Everything that decides a number (classification, parsing, the ledger) is Rust; this file only
// moves bytes and posts progress.
//
// In:  { files: [{ file: File, path: string }, ...], module?: WebAssembly.Module }
// Out: { type: 'progress', filesDone, bytesDone } after every chunk and file,
//      { type: 'done', ledger: string /* Ledger as JSON */ } at the end,
//      { type: 'error', message } if the wasm cannot start.
import init, { LedgerBuilder, head_bytes } from './pkg/agentmeter_web.js';

const CHUNK = 8 * 1024 * 1024;
let ready = null;

self.onmessage = async (event) => {
  // The page sends its compiled WebAssembly.Module, so the worker skips a fetch and a compile.
  const { module } = event.data;
  if (!ready) ready = module ? init({ module_or_path: module }) : init();
  try {
    await ready;
  } catch (err) {
    self.postMessage({ type: 'error', message: `wasm failed to load: ${err}` });
    return;
  }
  const files = event.data.files || [];
  const reader = new FileReaderSync();
  const builder = new LedgerBuilder();
  const HEAD = head_bytes();
  let filesDone = 0;
  let bytesDone = 0;
  const progress = (within) =>
    self.postMessage({ type: 'progress', filesDone, bytesDone: bytesDone + within });

  for (const { file, path } of files) {
    try {
      const head = new Uint8Array(reader.readAsArrayBuffer(file.slice(0, HEAD)));
      if (builder.begin(path, head, file.size)) {
        let offset = head.length;
        progress(offset);
        while (offset < file.size) {
          const chunk = new Uint8Array(reader.readAsArrayBuffer(file.slice(offset, offset + CHUNK)));
          if (chunk.length === 0) break;
          builder.push(chunk);
          offset += chunk.length;
          progress(offset);
        }
        builder.finish_file();
      }
    } catch (err) {
      builder.abort_file(path, file.size, `cannot read the file: ${err && err.name ? err.name : err}`);
    }
    filesDone += 1;
    bytesDone += file.size;
    progress(0);
  }
  const ledger = builder.to_json();
  builder.free();
  self.postMessage({ type: 'done', ledger });
};
