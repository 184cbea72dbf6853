// A new build must reach users who have the old one installed: the service worker's cache is
// per build (VERSION), navigations are network-first, and activation drops the old cache. This
// simulates a rebuild by editing a copy of dist/ between two visits.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DIST, assertClean, loadApp, openApp } from './harness.mjs';

const cacheNames = (page) => page.evaluate(() => caches.keys());

async function waitForCaches(page, want, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let names = await cacheNames(page);
  while (JSON.stringify(names) !== JSON.stringify(want) && Date.now() < deadline) {
    await page.waitForTimeout(250);
    names = await cacheNames(page);
  }
  return names;
}

test('a rebuilt site replaces the cached one on the next visit', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'agentmeter-dist-'));
  await cp(DIST, dir, { recursive: true });
  const app = await openApp({ dist: dir });
  try {
    const swPath = join(dir, 'sw.js');
    const sw = await readFile(swPath, 'utf8');
    const version = sw.match(/const VERSION = '([0-9a-f]+)';/)?.[1];
    assert.ok(version, 'dist/sw.js has no filled-in VERSION');

    await loadApp(app);
    await app.page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 60_000 });
    assert.deepEqual(await waitForCaches(app.page, [`agentmeter-${version}`]), [`agentmeter-${version}`]);

    // "Rebuild": a changed index.html and, as scripts/build would, a new VERSION.
    const next = `${version}0`;
    await writeFile(swPath, sw.replace(`const VERSION = '${version}';`, `const VERSION = '${next}';`));
    const indexPath = join(dir, 'index.html');
    const html = await readFile(indexPath, 'utf8');
    await writeFile(indexPath, html.replace('</head>', '<meta name="agentmeter-e2e" content="rebuilt"></head>'));

    await app.page.reload();
    await app.page.waitForSelector('[data-testid=folder-input]', { state: 'attached', timeout: 60_000 });
    assert.equal(
      await app.page.locator('meta[name=agentmeter-e2e]').count(),
      1,
      'the reload served the old index.html (navigation is not network-first)',
    );
    assert.deepEqual(await waitForCaches(app.page, [`agentmeter-${next}`]), [`agentmeter-${next}`]);
    assertClean(app);
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
});
