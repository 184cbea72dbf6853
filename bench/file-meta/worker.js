// Reads the size and time of the files it is sent (bench/file-meta/page.js, mode "workers").
onmessage = (e) => {
  let bytes = 0;
  for (const f of e.data) bytes += f.size;
  postMessage({ bytes });
};
