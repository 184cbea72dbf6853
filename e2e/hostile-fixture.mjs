// A home folder of transcripts written to attack the page, made at test time (nothing hostile is
// committed as a file): one Claude Code session and one Codex CLI rollout whose model names,
// working directories, git branches, tool names, tool arguments (file targets), session ids and
// user prompts carry markup that would run script if it were ever parsed as HTML, a
// `javascript:` URL, and text with bidirectional overrides. Every payload that runs sets
// `window.__pwned`, so a test only has to check that it stays undefined.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The payloads. */
export const PAYLOADS = {
  img: `<img src=x onerror="window.__pwned='img'">`,
  script: `<script>window.__pwned='script'</script>`,
  js: `javascript:window.__pwned='href'`,
  svg: `"><svg onload="window.__pwned='svg'">`,
  /** RLO ... PDF and RLI ... PDI: would show `exe.gnp` reversed, and flip what follows if leaked. */
  bidi: `\u202Egnp.exe\u202C \u2067rtl\u2069 tail\u202E`,
};

/** The Claude session: its id is the file name (no `/` allowed there, hence no `</script>`). */
export const CLAUDE_SESSION = `"><svg onload=window.__pwned='sid'>`;
/** The Codex session id (from `session_meta`). */
export const CODEX_SESSION = `${PAYLOADS.script}${PAYLOADS.bidi}`;

const P = PAYLOADS;

function claudeLines() {
  const env = (extra) => ({
    parentUuid: null,
    isSidechain: false,
    userType: 'external',
    cwd: `/home/x/${P.svg}`,
    sessionId: CLAUDE_SESSION,
    version: '2.1.0',
    gitBranch: P.js,
    ...extra,
  });
  const usage = (input, write, read, output) => ({
    input_tokens: input,
    cache_creation_input_tokens: write,
    cache_read_input_tokens: read,
    output_tokens: output,
  });
  return [
    env({
      type: 'user',
      uuid: '11111111-1111-4111-8111-111111111111',
      timestamp: '2026-01-05T10:00:00.000Z',
      message: { role: 'user', content: `${P.script} ${P.img} ${P.bidi}` },
    }),
    env({
      type: 'assistant',
      uuid: '22222222-2222-4222-8222-222222222222',
      timestamp: '2026-01-05T10:00:05.000Z',
      requestId: 'req_011CY15QS2LGwAeBxdfa6e1V',
      message: {
        model: P.img,
        id: 'msg_01MKH1ccEGrZGNPvu8pYiiQa',
        type: 'message',
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_01FdQ8qTyVyZjE3Kw4dguQGx', name: P.script, input: { file_path: P.svg, command: P.js } },
        ],
        usage: usage(10, 100, 1000, 50),
      },
    }),
    env({
      type: 'user',
      uuid: '33333333-3333-4333-8333-333333333333',
      timestamp: '2026-01-05T10:00:07.000Z',
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01FdQ8qTyVyZjE3Kw4dguQGx', content: P.img, is_error: true }] },
    }),
    env({
      type: 'assistant',
      uuid: '44444444-4444-4444-8444-444444444444',
      timestamp: '2026-01-05T10:01:00.000Z',
      requestId: 'req_011CY15QS2LGwAeBxdfa6e1W',
      message: {
        model: P.bidi,
        id: 'msg_01MKH1ccEGrZGNPvu8pYiiQb',
        type: 'message',
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_01FdQ8qTyVyZjE3Kw4dguQGy', name: P.bidi, input: { file_path: P.img } },
          // A file tool: its target is the path, which carries the payloads.
          { type: 'tool_use', id: 'toolu_01FdQ8qTyVyZjE3Kw4dguQGz', name: 'Edit', input: { file_path: `/srv/${P.script}${P.bidi}`, old_string: P.img, new_string: P.svg } },
        ],
        usage: usage(20, 0, 2000, 70),
      },
    }),
    env({
      type: 'user',
      uuid: '55555555-5555-4555-8555-555555555555',
      timestamp: '2026-01-05T10:01:02.000Z',
      message: {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_01FdQ8qTyVyZjE3Kw4dguQGy', content: 'ok' },
          { type: 'tool_result', tool_use_id: 'toolu_01FdQ8qTyVyZjE3Kw4dguQGz', content: P.script },
        ],
      },
    }),
  ]
    .map((l) => JSON.stringify(l))
    .concat([`{"type":"assistant","message":{"model":"${P.img.replaceAll('"', '\\"')}"`]); // a truncated line
}

function codexLines() {
  const ts = (s) => `2026-01-06T09:00:${String(s).padStart(2, '0')}.000Z`;
  const tokens = (input, cached, output, reasoning) => ({
    input_tokens: input,
    cached_input_tokens: cached,
    output_tokens: output,
    reasoning_output_tokens: reasoning,
    total_tokens: input + output,
  });
  return [
    {
      timestamp: ts(0),
      type: 'session_meta',
      payload: { id: CODEX_SESSION, timestamp: ts(0), cwd: `/srv/${P.img}`, originator: 'codex_cli_rs', cli_version: '0.50.0', git: { branch: P.svg } },
    },
    { timestamp: ts(1), type: 'turn_context', payload: { cwd: `/srv/${P.img}`, model: P.svg } },
    { timestamp: ts(1), type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: `${P.js} ${P.svg} ${P.bidi}` }] } },
    { timestamp: ts(1), type: 'event_msg', payload: { type: 'user_message', message: `${P.js} ${P.svg} ${P.bidi}` } },
    {
      timestamp: ts(2),
      type: 'response_item',
      payload: { type: 'function_call', name: P.img, arguments: JSON.stringify({ path: P.script, command: ['bash', '-lc', P.js] }), call_id: 'call_YYYpMp6f7qUz3cF3JCq2w2Ni' },
    },
    { timestamp: ts(3), type: 'response_item', payload: { type: 'function_call_output', call_id: 'call_YYYpMp6f7qUz3cF3JCq2w2Ni', output: P.script } },
    {
      timestamp: ts(3),
      type: 'response_item',
      payload: {
        type: 'function_call',
        name: 'apply_patch',
        arguments: JSON.stringify({ input: `*** Begin Patch\n*** Update File: ${P.js}${P.svg}\n@@\n-a\n+${P.img}\n*** End Patch` }),
        call_id: 'call_YYYpMp6f7qUz3cF3JCq2w2Nj',
      },
    },
    { timestamp: ts(3), type: 'response_item', payload: { type: 'function_call_output', call_id: 'call_YYYpMp6f7qUz3cF3JCq2w2Nj', output: 'Done' } },
    {
      timestamp: ts(4),
      type: 'event_msg',
      payload: { type: 'token_count', info: { total_token_usage: tokens(5000, 4000, 300, 100), last_token_usage: tokens(5000, 4000, 300, 100) } },
    },
  ].map((l) => JSON.stringify(l));
}

/**
 * Writes the hostile home folder under `root` (`.claude/projects/…`, `.codex/sessions/…`) and
 * returns the paths of its two transcripts.
 */
export async function writeHostileHome(root) {
  const claudeDir = join(root, '.claude', 'projects', `-home-x-${P.img.replaceAll('/', '')}`);
  const codexDir = join(root, '.codex', 'sessions', '2026', '01', '06');
  await mkdir(claudeDir, { recursive: true });
  await mkdir(codexDir, { recursive: true });
  const claude = join(claudeDir, `${CLAUDE_SESSION}.jsonl`);
  const codex = join(codexDir, 'rollout-2026-01-06T09-00-00-0199aaaa-bbbb-7ccc-8ddd-eeeeffff0000.jsonl');
  await writeFile(claude, claudeLines().join('\n') + '\n');
  await writeFile(codex, codexLines().join('\n') + '\n');
  return { claude, codex };
}
