// A session with messages but no model call (here a real-shaped Codex rollout from before the
// event envelope, which recorded no token counts) is listed as having no token data, never as a
// session that cost $0, in the overview's session table and in the sessions view; the figures
// are the CLI's.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { settled, viewQuery } from './a11y.mjs';
import { DEMO, ROOT, assertClean, assertFigures, cliReport, loadApp, openApp, waitForResult } from './harness.mjs';

const OLD = join(ROOT, 'fixtures/codex/derived/rollout-2025-06-20T10-00-00-0197a0c1-1111-7222-8333-444455556666.jsonl');
const SESSION = '0197a0c1-1111-7222-8333-444455556666';
const CLAUDE = join(DEMO, '.claude/projects/-home-USER-projects-vibe/e9f146fa-3b20-48d0-9be4-d99ca901cae4.jsonl');

let home;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'agentmeter-no-tokens-'));
  const codex = join(home, '.codex', 'sessions', '2025', '06', '20');
  const claude = join(home, '.claude', 'projects', '-home-u-p');
  await mkdir(codex, { recursive: true });
  await mkdir(claude, { recursive: true });
  await copyFile(OLD, join(codex, basename(OLD)));
  await copyFile(CLAUDE, join(claude, basename(CLAUDE)));
});

after(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

test('a session without token data says so instead of showing $0', async () => {
  const report = cliReport(home);
  const old = report.sessions.find((s) => s.session === SESSION);
  assert.ok(old, 'the CLI lists the old session');
  assert.equal(old.calls ?? old.totals?.calls ?? 0, 0, 'it has no model call');
  const app = await openApp({ viewport: { width: 1280, height: 1000 } });
  const { page } = app;
  try {
    await loadApp(app);
    await page.setInputFiles('[data-testid=folder-input]', home);
    await waitForResult(page, report.total.tokens.total);
    await assertFigures(page, report, 'old rollout beside a transcript');

    await page.goto(app.origin + '/' + viewQuery('sessions'));
    await settled(page, 'sessions');
    const row = page.locator(`[data-testid="session-row-${SESSION}"]`);
    await row.waitFor();
    assert.equal((await row.locator('[data-testid=no-token-data]').textContent()).trim(), 'no token data');
    assert.ok(!(await row.textContent()).includes('$'), 'no dollar figure in the row');
    // A session with calls still shows its cost.
    const other = report.sessions.find((s) => s.session !== SESSION);
    const priced = page.locator(`[data-testid="session-row-${other.session}"]`);
    assert.equal(await priced.locator('[data-testid=no-token-data]').count(), 0);
    assertClean(app);
  } finally {
    await app.close();
  }
});
