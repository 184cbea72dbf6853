// The main promise: drop a folder, see exactly the CLI's numbers; they survive a reload
// (IndexedDB); a folder without agent data says so instead of showing an empty dashboard.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  DEMO,
  RESULT_TIMEOUT,
  ROOT,
  assertClean,
  assertDemoReport,
  assertFigures,
  cliReport,
  loadApp,
  openApp,
  waitForResult,
} from './harness.mjs';

test('a folder dropped through the folder input shows the CLI totals, also after a reload', async () => {
  const report = cliReport(DEMO);
  assertDemoReport(report);
  const app = await openApp();
  try {
    await loadApp(app);
    // Watch the progress hook for the whole run (it may live for a split second only).
    await app.page.evaluate(() => {
      const seen = [];
      globalThis.__agentmeterProgress = seen;
      const grab = () => {
        const p = document.querySelector('[data-testid=progress]');
        const d = p?.dataset;
        if (d && ['filesTotal', 'bytesTotal', 'filesDone', 'bytesDone'].every((k) => d[k] !== undefined)) {
          seen.push({ ...d });
        }
      };
      new MutationObserver(grab).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await app.page.setInputFiles('[data-testid=folder-input]', DEMO);
    await waitForResult(app.page, report.total.tokens.total);
    await assertFigures(app.page, report, 'after the folder input');

    // Progress announced every transcript file and every byte of them up front, and never ran
    // backwards or past the end (its last frame may be skipped when the result replaces it).
    const files = (await readdir(DEMO, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    let bytes = 0;
    for (const f of files) bytes += (await stat(join(f.parentPath ?? f.path, f.name))).size;
    const seen = (await app.page.evaluate(() => globalThis.__agentmeterProgress)).map((p) =>
      [p.filesTotal, p.bytesTotal, p.filesDone, p.bytesDone].map(Number),
    );
    assert.ok(seen.length > 0, 'no [data-testid=progress] was ever shown');
    for (const [filesTotal, bytesTotal] of seen) {
      assert.deepEqual([filesTotal, bytesTotal], [files.length, bytes], 'progress totals (files, bytes)');
    }
    for (let i = 0; i < seen.length; i++) {
      const [, , filesDone, bytesDone] = seen[i];
      assert.ok(filesDone <= files.length && bytesDone <= bytes, `progress past the end: ${seen[i]}`);
      if (i > 0) assert.ok(filesDone >= seen[i - 1][2] && bytesDone >= seen[i - 1][3], 'progress ran backwards');
    }

    await app.page.reload();
    await app.page.waitForSelector('[data-testid=dashboard]', { timeout: RESULT_TIMEOUT });
    await waitForResult(app.page, report.total.tokens.total);
    await assertFigures(app.page, report, 'after a reload (restored from IndexedDB)');
    assertClean(app);
  } finally {
    await app.close();
  }
});

// Every supported agent and one of its Linux folders, as src/agents.rs names them.
const AGENT_FOLDERS = [
  ['Claude Code', '~/.config/claude/projects'],
  ['Codex CLI', '~/.codex/archived_sessions'],
  ['Gemini CLI', '~/.gemini/tmp'],
  ['Copilot CLI', '~/.copilot/session-state'],
  ['OpenCode', '~/.local/share/opencode'],
  ['Qwen Code', '~/.qwen/projects'],
  ['Amp', '~/.local/share/amp/threads'],
  ['Kimi CLI', '~/.kimi/sessions'],
  ['Factory Droid', '~/.factory/sessions'],
  ['pi', '~/.pi/agent/sessions'],
  ['Crush', '~/.local/share/crush'],
  ['Codebuff', '~/.config/manicode/projects'],
  ['Goose', '~/.local/share/goose/sessions'],
  ['Cline', 'saoudrizwan.claude-dev/tasks'],
  ['Roo Code', 'rooveterinaryinc.roo-cline/tasks'],
];

test('a folder without agent data shows no-agent-data and no dashboard', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'agentmeter-noagent-'));
  const app = await openApp();
  try {
    await writeFile(join(dir, 'README.txt'), 'Just some notes, no transcripts here.\n');
    await writeFile(join(dir, 'notes.json'), JSON.stringify({ title: 'groceries', items: ['milk', 'tea'], n: 2 }));
    // The CLI agrees that there is nothing to count (same core, same files).
    const report = cliReport(dir);
    assert.equal(report.total.tokens.total, 0);
    assert.deepEqual(Object.keys(report.agents), []);

    await loadApp(app);
    await app.page.setInputFiles('[data-testid=folder-input]', dir);
    await app.page.waitForSelector('[data-testid=no-agent-data]', { state: 'visible', timeout: RESULT_TIMEOUT });
    assert.equal(await app.page.locator('[data-testid=dashboard]').count(), 0, 'a dashboard is shown for no data');
    // The message and the drop zone name every supported agent with its folders (the core's
    // table, src/agents.rs, which the README's table is checked against).
    const message = await app.page.textContent('[data-testid=no-agent-data]');
    for (const [agent, folder] of AGENT_FOLDERS) {
      assert.ok(message.includes(agent), `the message names ${agent}`);
      assert.ok(message.includes(folder), `the message names ${folder}`);
    }
    const rows = await app.page.locator('[data-testid=drop-zone] table.where tbody tr').allTextContents();
    assert.equal(rows.length, AGENT_FOLDERS.length, 'one drop-zone row per agent');
    for (const [agent, folder] of AGENT_FOLDERS) {
      assert.ok(rows.some((r) => r.includes(agent) && r.includes(folder)), `drop zone: ${agent} ${folder}`);
    }
    assertClean(app);
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a home with Cline, Roo Code, Codebuff and Factory Droid folders shows the CLI totals', async () => {
  // A home as users have it: the extensions' tasks under VS Code's user folder, Codebuff's chats,
  // and Droid sessions (each settings file a session total, each history its messages and tools).
  const home = await mkdtemp(join(tmpdir(), 'agentmeter-agents2-'));
  const app = await openApp();
  try {
    await cp(join(ROOT, 'fixtures/cline/home'), home, { recursive: true });
    await cp(join(ROOT, 'fixtures/codebuff/home'), home, { recursive: true });
    await cp(join(ROOT, 'fixtures/droid/home'), home, { recursive: true });
    const report = cliReport(home);
    // Cline 80 350 and Roo Code 68 305 tokens (tests/cline.rs derives them by hand).
    assert.equal(report.agents.cline.tokens.total, 80_350);
    assert.equal(report.agents.roo.tokens.total, 68_305);
    // Droid 131 200 tokens: two session totals (tests/droid.rs derives them by hand).
    assert.equal(report.agents.droid.tokens.total, 131_200);
    assert.ok(report.files.some((f) => f.format === 'droid-jsonl'));
    assert.ok(report.files.some((f) => f.format.startsWith('skipped: Factory Droid session settings without')));
    await loadApp(app);
    await app.page.setInputFiles('[data-testid=folder-input]', home);
    await waitForResult(app.page, report.total.tokens.total);
    await assertFigures(app.page, report, 'agents2 home');
    assertClean(app);
  } finally {
    await app.close();
    await rm(home, { recursive: true, force: true });
  }
});

test('saved codex exec output and Gemini logs.json count only where the transcript is absent', async () => {
  // A folder with a rollout and the exec output of its thread, the exec output of another thread,
  // a Gemini chat and the logs.json beside it (docs/accounting.md, "Stand-in files"): the page
  // shows the CLI's figures, which count the rollout's thread once.
  const dir = await mkdtemp(join(tmpdir(), 'agentmeter-standins-'));
  const app = await openApp();
  try {
    await cp(join(ROOT, 'fixtures/codex/sessions'), join(dir, 'codex'), { recursive: true });
    await cp(join(ROOT, 'fixtures/codex/exec'), join(dir, 'saved'), { recursive: true });
    await cp(join(ROOT, 'fixtures/gemini/tmp/ab14fe397f91d5f283525b3178d2314aef552f761131c42172a21b7bf735e73d'), join(dir, 'gemini'), { recursive: true });
    await cp(join(ROOT, 'fixtures/gemini/logs/tmp/ab14fe397f91d5f283525b3178d2314aef552f761131c42172a21b7bf735e73d/logs.json'), join(dir, 'gemini/logs.json'));
    const report = cliReport(dir);
    const withoutExec = cliReport(join(dir, 'codex'));
    // The rollout's thread once, plus the other thread's two turns (tests/standins.rs):
    // 900 + 350 + 900 tokens.
    assert.equal(report.agents.codex.tokens.total, withoutExec.agents.codex.tokens.total + 2_150);
    assert.ok(report.files.some((f) => f.format === 'codex-exec-jsonl'));
    assert.ok(report.files.some((f) => f.format === 'gemini-logs-json'));
    await loadApp(app);
    await app.page.setInputFiles('[data-testid=folder-input]', dir);
    await waitForResult(app.page, report.total.tokens.total);
    await assertFigures(app.page, report, 'stand-in files');
    assertClean(app);
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('clear forgets the shown and the saved analysis', async () => {
  const report = cliReport(DEMO);
  const app = await openApp();
  try {
    await loadApp(app);
    await app.page.click('[data-testid=demo-button]');
    await waitForResult(app.page, report.total.tokens.total);
    await assertFigures(app.page, report, 'demo');
    // Saved: a reload restores it.
    await app.page.reload();
    await app.page.waitForSelector('[data-testid=dashboard]', { timeout: RESULT_TIMEOUT });

    await app.page.click('[data-testid=clear-button]');
    await app.page.waitForSelector('[data-testid=dashboard]', { state: 'detached', timeout: 30_000 });
    await app.page.reload();
    await app.page.waitForSelector('[data-testid=demo-button]', { timeout: 60_000 });
    // Restoring took well under a second above; give it ample time to (wrongly) come back.
    await app.page.waitForTimeout(3000);
    assert.equal(await app.page.locator('[data-testid=dashboard]').count(), 0, 'the cleared analysis came back');
    assertClean(app);
  } finally {
    await app.close();
  }
});

test('a folder without agent data over a shown analysis says the figures below are the previous ones', async () => {
  const report = cliReport(DEMO);
  const dir = await mkdtemp(join(tmpdir(), 'agentmeter-noagent-'));
  const app = await openApp();
  try {
    await writeFile(join(dir, 'notes.json'), JSON.stringify({ title: 'groceries' }));
    await loadApp(app);
    await app.page.click('[data-testid=demo-button]');
    await waitForResult(app.page, report.total.tokens.total);
    await app.page.setInputFiles('[data-testid=folder-input]', dir);
    await app.page.waitForSelector('[data-testid=no-agent-data-previous]', { state: 'visible', timeout: RESULT_TIMEOUT });
    const text = await app.page.textContent('[data-testid=no-agent-data]');
    assert.match(text, /figures below are from your previous analysis/);
    // ... and they are: the demo's, unchanged.
    await assertFigures(app.page, report, 'previous analysis under the notice');
    assertClean(app);
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
});
