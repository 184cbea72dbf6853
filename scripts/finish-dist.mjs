// Finishes a built dist/ tree (called by scripts/build with the tree's path):
// - writes demo/index.json, the sorted list of demo files (relative to demo/) that the app's
//   "Try with sample data" button fetches, since a static server cannot list a folder;
// - fills www/sw.js's placeholders in <dist>/sw.js: __VERSION__ = a hash of every built file, so
//   any change gives a new cache name and the old cache is dropped; __PRECACHE__ = every file
//   except the demo data (fetched on demand), sw.js itself and dotfiles.
// Why node: it is on every machine this builds on (python may not be).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const dist = process.argv[2];
if (!dist) {
  console.error('usage: node scripts/finish-dist.mjs <dist-dir>');
  process.exit(2);
}

/** Every file below `dir`, as sorted `/`-separated paths relative to `base`. */
function files(dir, base = dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(full, base));
    else if (entry.isFile()) out.push(relative(base, full).split(sep).join('/'));
  }
  return out.sort();
}

const demoFiles = files(join(dist, 'demo')).filter((p) => p !== 'index.json');
writeFileSync(join(dist, 'demo', 'index.json'), JSON.stringify(demoFiles, null, 1) + '\n');

const all = files(dist);
const hash = createHash('sha256');
for (const p of all) {
  if (p === 'sw.js') continue;
  hash.update(p + '\0');
  hash.update(readFileSync(join(dist, p)));
  hash.update('\0');
}
const version = hash.digest('hex').slice(0, 16);

const isDotfile = (p) => p.split('/').some((part) => part.startsWith('.'));
const precache = [
  './',
  ...all.filter((p) => !p.startsWith('demo/') && p !== 'sw.js' && !isDotfile(p)).map((p) => `./${p}`),
];

const swPath = join(dist, 'sw.js');
let sw = readFileSync(swPath, 'utf8');
for (const token of ['__VERSION__', '__PRECACHE__']) {
  if (sw.split(token).length !== 2) {
    console.error(`finish-dist: sw.js must contain ${token} exactly once`);
    process.exit(1);
  }
}
sw = sw.replaceAll('__VERSION__', version).replaceAll('__PRECACHE__', JSON.stringify(precache, null, 2));
writeFileSync(swPath, sw);
console.error(`finish-dist: version ${version}, ${precache.length} precached, ${demoFiles.length} demo files`);
