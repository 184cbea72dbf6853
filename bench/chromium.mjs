// What the browser benchmarks share: Chromium's flags, a static file server for a folder, and the
// CPU time and memory of the Chromium process tree read from /proc.
//
// Why /proc and not Chromium's own metrics: the benchmarks compare wall time on a 2-core machine
// where the browser process, the page and the workers compete for the same cores, so what each
// process type spent (user+sys) is the figure that explains a wall time.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(ROOT, 'e2e', 'package.json'));
/** playwright-core from e2e/node_modules (no browser download: Debian's /usr/bin/chromium). */
export const { chromium } = require('playwright-core');

/** Chromium's path and flags, and the static server: the browser tests' own (e2e/). */
export { ARGS, CHROMIUM } from '../e2e/harness.mjs';
export { startServer as serve } from '../e2e/serve.mjs';

/** Summed VmRSS (KiB) of the process tree rooted at the Chromium using `profile`. */
export function treeRssKib(profile) {
  const procs = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      const rss = Number((status.match(/VmRSS:\s+(\d+)/) || [0, 0])[1]);
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      procs.set(Number(name), { ppid, rss, root: cmd.includes(profile) });
    } catch {
      /* the process ended while we looked */
    }
  }
  const inTree = (pid, depth = 0) => {
    const p = procs.get(pid);
    if (!p || depth > 20) return false;
    return p.root || inTree(p.ppid, depth + 1);
  };
  let total = 0;
  for (const [pid, p] of procs) if (inTree(pid)) total += p.rss;
  return total;
}

/** CPU seconds (user+sys) used so far by each process of the tree, by Chromium process type. */
export function treeCpu(profile) {
  const hz = 100; // USER_HZ: /proc reports clock ticks of 1/100 s on Linux
  const procs = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const type = (cmd.match(/--type=([a-z-]+)/) || [0, 'browser'])[1];
      procs.set(Number(name), { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / hz, type, root: cmd.includes(profile) });
    } catch {
      /* the process ended while we looked */
    }
  }
  const inTree = (pid, depth = 0) => {
    const p = procs.get(pid);
    if (!p || depth > 20) return false;
    return p.root || inTree(p.ppid, depth + 1);
  };
  const out = new Map();
  for (const [pid, p] of procs) if (inTree(pid)) out.set(pid, p);
  return out;
}

/** CPU seconds each process type used between two treeCpu snapshots. */
export function cpuDelta(before, after) {
  const by = {};
  for (const [pid, p] of after) {
    const d = p.cpu - (before.get(pid)?.cpu ?? 0);
    by[p.type] = (by[p.type] ?? 0) + d;
  }
  by.total = Object.values(by).reduce((a, b) => a + b, 0);
  return by;
}
