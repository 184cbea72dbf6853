// What reading each chosen file's size and time costs (bench/file-meta.mjs): on the page, or by
// posting the files to two workers that read them there. Sets globalThis.__fileMeta when done.
const workers = [0, 1].map(() => new Worker('worker.js'));

function ask(worker, files) {
  return new Promise((done) => {
    worker.onmessage = (m) => done(m.data);
    worker.postMessage(files);
  });
}

document.getElementById('folder').addEventListener('change', async (e) => {
  const files = [...e.target.files];
  const mode = new URL(location.href).searchParams.get('mode') || 'page';
  const t0 = performance.now();
  let paths = 0;
  for (const f of files) paths += f.webkitRelativePath.length;
  const t1 = performance.now();
  let bytes = 0;
  let posted = t1;
  if (mode === 'page') {
    for (const f of files) bytes += f.size;
  } else {
    const halves = [0, 1].map((k) => files.filter((_, i) => i % 2 === k));
    const answers = halves.map((h, k) => ask(workers[k], h));
    posted = performance.now();
    for (const a of await Promise.all(answers)) bytes += a.bytes;
  }
  const t2 = performance.now();
  let times = 0;
  for (const f of files) times += f.lastModified > 0 ? 1 : 0;
  const t3 = performance.now();
  globalThis.__fileMeta = {
    mode,
    files: files.length,
    bytes,
    paths_ms: t1 - t0,
    sizes_ms: t2 - t1,
    page_blocked_ms: mode === 'page' ? t2 - t1 : posted - t1,
    times_after_ms: t3 - t2,
    with_time: times,
  };
});
