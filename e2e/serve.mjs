// A tiny static file server for dist/ (node:http, no dependencies).
//
// Why our own: the e2e tests need a server they start and stop themselves (port 0, so parallel
// runs never collide, and the offline test can really cut the network), and scripts/serve must
// work on a machine without python. It sends the MIME types the app depends on: application/wasm
// (streaming compilation refuses anything else) and application/manifest+json.
//
// As a module: `const srv = await startServer(dir); srv.origin; await srv.close();`
// As a command: `node e2e/serve.mjs [--port N] [--host H] DIR`
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

/**
 * Serves `dir` on `host:port` (port 0 = any free port).
 * @returns {Promise<{origin: string, port: number, close: () => Promise<void>, requests: string[]}>}
 */
export async function startServer(dir, { port = 0, host = '127.0.0.1' } = {}) {
  const rootDir = resolve(dir);
  const requests = [];
  const server = createServer(async (req, res) => {
    requests.push(req.url);
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = join(rootDir, pathname);
      if (file !== rootDir && !file.startsWith(rootDir + sep)) {
        res.writeHead(403).end();
        return;
      }
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
        return;
      }
      res.writeHead(200, {
        'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': info.size,
        'Cache-Control': 'no-cache',
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const actual = server.address().port;
  return {
    origin: `http://${host}:${actual}`,
    port: actual,
    requests,
    close: () =>
      new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let port = 8080;
  let host = '127.0.0.1';
  let dir = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--port') port = Number(args[++i]);
    else if (args[i] === '--host') host = args[++i];
    else dir = args[i];
  }
  if (!dir || !Number.isInteger(port)) {
    console.error('usage: node e2e/serve.mjs [--port N] [--host H] DIR');
    process.exit(2);
  }
  try {
    const srv = await startServer(dir, { port, host });
    // scripts/serve passes when it started (ns since the epoch): the time to a page that answers.
    const started = Number(process.env.AGENTMETER_SERVE_START);
    const after = Number.isFinite(started) && started > 0 ? ` (ready ${((Date.now() * 1e6 - started) / 1e9).toFixed(1)} s after scripts/serve started)` : '';
    console.log(`Serving ${resolve(dir)} at ${srv.origin}/${after}\nOpen ${srv.origin}/ (Ctrl-C to stop)`);
  } catch (err) {
    console.error(err?.code === 'EADDRINUSE' ? `port ${port} is in use: pick another with --port N` : String(err));
    process.exit(1);
  }
}
