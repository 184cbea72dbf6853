// A zip archive of a session folder is read like the folder (issue 9): fixtures/demo zipped
// (deflated members, one stored, a folder entry, a file outside the agent folders), given through
// the file input, shows exactly the CLI's figures for fixtures/demo. The archive is streamed
// member by member in the worker (central directory, then DecompressionStream per member).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEMO, assertClean, assertFigures, cliReport, loadApp, openApp, waitForResult } from './harness.mjs';

/** Zips fixtures/demo as `demo/...` with Python's zipfile (deflate; the Codex rollout stored). */
function zipDemo(out) {
  const script = `
import os, sys, zipfile
demo, out = sys.argv[1], sys.argv[2]
base = os.path.dirname(demo)
with zipfile.ZipFile(out, 'w', compression=zipfile.ZIP_DEFLATED) as z:
    z.writestr('demo/README.txt', 'not a transcript')
    for root, dirs, files in os.walk(demo):
        dirs.sort()
        rel = os.path.relpath(root, base)
        z.write(root, rel + '/', compress_type=zipfile.ZIP_STORED)
        for f in sorted(files):
            path = os.path.join(root, f)
            kind = zipfile.ZIP_STORED if 'rollout-' in f else zipfile.ZIP_DEFLATED
            z.write(path, os.path.relpath(path, base), compress_type=kind)
`;
  execFileSync('python3', ['-c', script, DEMO, out]);
}

test('a zip of the demo folder shows the same figures as the folder', async () => {
  const report = cliReport(DEMO);
  const dir = await mkdtemp(join(tmpdir(), 'agentmeter-zip-'));
  const zip = join(dir, 'demo.zip');
  zipDemo(zip);
  const app = await openApp();
  const { page } = app;
  try {
    await loadApp(app);
    await page.setInputFiles('[data-testid=file-input]', zip);
    await waitForResult(page, report.total.tokens.total);
    await assertFigures(page, report, 'the zip');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-json]')]);
    const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
    const paths = exported.files.map((f) => f.path);
    assert.ok(paths.length > 0 && paths.every((p) => p.startsWith('demo.zip/demo/')), `member paths: ${paths}`);
    assert.equal(paths.length, report.files.length, 'as many files as the folder has');
    assert.ok(!paths.some((p) => p.endsWith('README.txt')), 'members outside the agent folders are not read');
    assertClean(app);
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
});
