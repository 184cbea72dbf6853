// The read floor's page: splits the chosen files between workers as the app's pool does (largest
// first onto the least loaded worker, by File.size) and records when the last worker is done.
const input = document.getElementById('folder');
input.addEventListener('change', () => {
  const { method, chunk, workers } = window.__readFloor;
  const t0 = performance.now();
  const files = [...input.files].filter((f) => /\.jsonl?$/.test(f.name));
  const shares = Array.from({ length: workers }, () => ({ bytes: 0, files: [] }));
  for (const [f, size] of files.map((f) => [f, f.size]).sort((a, b) => b[1] - a[1])) {
    const lightest = shares.reduce((a, b) => (a.bytes <= b.bytes ? a : b));
    lightest.bytes += size;
    lightest.files.push(f);
  }
  const results = [];
  for (const share of shares) {
    const w = new Worker('worker.js');
    w.onmessage = (e) => {
      results.push(e.data);
      if (results.length === workers) window.__readFloorDone = { ms: performance.now() - t0, workers: results };
    };
    w.postMessage({ files: share.files, method, chunk });
  }
});
