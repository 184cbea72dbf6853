// The read floor's worker: gets every byte of its files the way `method` says, copies each piece
// once into a fixed buffer (as the app copies into wasm memory), and parses nothing.
//   blob:   the app's way (www/worker.js): files of at most `chunk` bytes packed into one Blob
//           per read, larger ones sliced, Blob.arrayBuffer(), three reads ahead
//   sync:   the same reads through FileReaderSync
//   stream: File.stream() per file, default reader
//   byob:   File.stream() per file, a BYOB reader into one reused `chunk`-sized buffer
self.onmessage = async (e) => {
  const { files, method, chunk } = e.data;
  const t0 = performance.now();
  const sink = new Uint8Array(chunk);
  let bytes = 0;
  let waited = 0;
  const take = (u8) => {
    for (let at = 0; at < u8.byteLength; at += chunk) sink.set(u8.subarray(at, Math.min(at + chunk, u8.byteLength)));
    bytes += u8.byteLength;
  };
  const timed = async (promise) => {
    const t = performance.now();
    const value = await promise;
    waited += performance.now() - t;
    return value;
  };
  if (method === 'blob' || method === 'sync') {
    const reads = [];
    let batch = [];
    let batchBytes = 0;
    for (const f of files) {
      const size = f.size;
      if (size <= chunk) {
        if (batchBytes + size > chunk && batch.length > 0) {
          reads.push(new Blob(batch));
          batch = [];
          batchBytes = 0;
        }
        batch.push(f);
        batchBytes += size;
      } else {
        for (let from = 0; from < size; from += chunk) reads.push(f.slice(from, Math.min(size, from + chunk)));
      }
    }
    if (batch.length > 0) reads.push(new Blob(batch));
    if (method === 'sync') {
      const reader = new FileReaderSync();
      for (const blob of reads) take(new Uint8Array(reader.readAsArrayBuffer(blob)));
    } else {
      const ahead = [];
      let next = 0;
      const fill = () => {
        while (ahead.length < 3 && next < reads.length) ahead.push(reads[next++].arrayBuffer());
      };
      fill();
      while (ahead.length > 0) {
        const buf = await timed(ahead.shift());
        fill();
        take(new Uint8Array(buf));
      }
    }
  } else if (method === 'stream') {
    for (const f of files) {
      const reader = f.stream().getReader();
      for (;;) {
        const { value, done } = await timed(reader.read());
        if (done) break;
        take(value);
      }
    }
  } else if (method === 'byob') {
    let buf = new ArrayBuffer(chunk);
    for (const f of files) {
      const reader = f.stream().getReader({ mode: 'byob' });
      for (;;) {
        const { value, done } = await timed(reader.read(new Uint8Array(buf)));
        if (value) buf = value.buffer;
        if (done) break;
        take(value);
      }
    }
  }
  self.postMessage({ ms: performance.now() - t0, waited_ms: waited, bytes });
};
