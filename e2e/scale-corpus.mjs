// A large Claude Code history for the scale test, written at test time from one real line of
// fixtures/demo (the shape of scripts/bench-corpus, smaller and in node): every call gets its own
// message id, request id and uuid (so nothing collapses as a duplicate), sessions spread over
// about three years of days, 150 projects, three models and 40 tools. One session is long
// (`LONG_CALLS` calls) so the session view has more calls than a chart may draw.
//
// Its size is set by what the test bounds, not by a number of calls: more sessions than a table
// page (5,000 against 50), more days than a chart's points (1,100 against 400), and one session
// with more calls than that too (1,000). Four calls in each other session (20,996 calls, 17 MB)
// meet every bound; twenty (100,980 calls, 80 MB) met the same bounds and spent most of the
// test's time parsing in the debug CLI and the debug wasm.
//
// `writeScaleCorpus(dir)` returns `{ sessions, calls, longSession }`.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEMO } from './harness.mjs';

export const SESSIONS = 5000;
export const CALLS_PER_SESSION = 4;
export const LONG_CALLS = 1000;
const PROJECTS = 150;
const MODELS = ['claude-sonnet-4-20250514', 'claude-opus-4-20250514', 'claude-3-5-haiku-20241022'];
const TOOLS = Array.from({ length: 40 }, (_, i) => `Tool${String(i).padStart(2, '0')}`);
const TEMPLATE = join(DEMO, '.claude/projects/-home-USER-projects-vibe/e9f146fa-3b20-48d0-9be4-d99ca901cae4.jsonl');
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DAY = 86_400_000;
const START = Date.parse('2023-03-01T08:00:00Z');

const hex = (n, width) => n.toString(16).padStart(width, '0').slice(-width);
const uuid = (kind, s, c) => `${hex(kind, 8)}-${hex(s, 4)}-4${hex(c, 3)}-8${hex(s >> 16, 3)}-${hex(s * 4096 + c, 12)}`;
function b62(n, width) {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = B62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** The smallest assistant line with usage in a real transcript: the template of every call. */
async function template() {
  const lines = (await readFile(TEMPLATE, 'utf8')).split('\n');
  const usage = lines.filter((l) => l.includes('"usage"') && l.includes('"requestId"') && l.includes('"type":"assistant"'));
  usage.sort((a, b) => a.length - b.length);
  return JSON.parse(usage[0]);
}

/** Writes the corpus under `dir` (a home folder: `.claude/projects/<project>/<session>.jsonl`). */
export async function writeScaleCorpus(dir) {
  const base = await template();
  let calls = 0;
  let longSession = null;
  for (let s = 0; s < SESSIONS; s++) {
    const session = uuid(0x5e55, s, 0);
    const project = `-home-u-proj-${s % PROJECTS}`;
    const n = s === 0 ? LONG_CALLS : CALLS_PER_SESSION;
    const start = START + Math.floor((s * 1100) / SESSIONS) * DAY + (s % 13) * 3_600_000;
    const lines = [];
    for (let c = 0; c < n; c++) {
      const line = structuredClone(base);
      line.parentUuid = c ? uuid(0xca11, s, c - 1) : null;
      line.uuid = uuid(0xca11, s, c);
      line.sessionId = session;
      line.cwd = `/home/u/proj-${s % PROJECTS}`;
      line.timestamp = new Date(start + c * 37_000).toISOString();
      line.requestId = `req_011C${b62(s * 4096 + c, 18)}`;
      line.message.id = `msg_01${b62(s * 4096 + c, 22)}`;
      line.message.model = MODELS[s % MODELS.length];
      line.message.usage.input_tokens = 3 + (c % 17);
      line.message.usage.cache_creation_input_tokens = 100 + ((s + c) % 900);
      line.message.usage.cache_creation.ephemeral_5m_input_tokens = line.message.usage.cache_creation_input_tokens;
      line.message.usage.cache_read_input_tokens = 1000 + c * 50;
      line.message.usage.output_tokens = 10 + ((s * 7 + c) % 400);
      if (c % 4 === 1) {
        line.message.content = [
          { type: 'tool_use', id: `toolu_01${b62(s * 4096 + c, 22)}`, name: TOOLS[(s + c) % TOOLS.length], input: {} },
        ];
      }
      lines.push(JSON.stringify(line));
      calls += 1;
    }
    await mkdir(join(dir, '.claude', 'projects', project), { recursive: true });
    await writeFile(join(dir, '.claude', 'projects', project, `${session}.jsonl`), lines.join('\n') + '\n');
    if (s === 0) longSession = session;
  }
  return { sessions: SESSIONS, calls, longSession };
}
