"""Size-realistic synthetic corpus for scripts/bench-corpus --realistic (imported by it).

Why: the replicated demo (fixtures/demo x N) has the demo's line and session sizes, far from a
heavy user's folder, where single lines are tool results of up to hundreds of KB and single
sessions tens of MB. This writes Claude Code and Codex CLI folders from scratch, with the shapes
of the real transcripts in fixtures/demo, and with sizes drawn from wide distributions:

- lines of about 0.1 KB (ids and usage) to 200 KB (tool results, pasted files), JSON text with
  escapes (`\\n`, `\\"`, `\\u00e9`) as real message text has;
- sessions from about 50 KB to tens of MB (log-uniform), in several projects, over 90 days;
- Claude split-line duplicates: one response written as 1-4 lines (one per content block),
  each repeating the `(message.id, requestId)` and a usage snapshot whose `output_tokens`
  grows, the last line holding the final counts;
- Claude subagent files (`<session>/subagents/agent-<id>.jsonl`, `isSidechain: true`);
- Codex cumulative `token_count` events, some re-emitted unchanged (a re-emission is not a call);
- lines that carry no usage: prompts, tool results, `file-history-snapshot`, `turn_context`,
  `response_item`.

The expected totals are computed here, from what was written, by the rules of docs/ (the
final snapshot per Claude response; Codex deltas of the cumulative counter, uncached input =
input - cached), never by running agentmeter; scripts/bench compares the CLI's report with them.
"""

import json
import os
import random

CLAUDE_MODELS = ("claude-sonnet-4-5-20250929", "claude-opus-4-6", "claude-haiku-4-5-20251001")
CODEX_MODELS = ("gpt-5-codex", "gpt-5")
WORDS = (
    "the of to and a in is it you that he was for on are with as his they be at one have this "
    "from or had by hot word but what some we can out other were all there when up use your how "
    "said an each she which do their time if will way about many then them write would like so "
    "these her long make thing see him two has look more day could go come did number sound no "
    "most people my over know water than call first who may down side been now find fn let mut "
    "impl struct enum match self return Some None Ok Err async await const static pub use mod"
).split()
# Characters JSON writes as escapes (`\n`, `\"`, `\t`, `\\`) or as multi-byte UTF-8.
ESCAPES = ("\n", "\n", "\n", '"', "\t", "\u00e9", "\\", "\u2014")


class Filler:
    """A large block of message text to slice from (at spaces, like words)."""

    def __init__(self, rng, size=4 << 20):
        parts, n = [], 0
        while n < size:
            w = rng.choice(WORDS)
            if rng.random() < 0.08:
                w += rng.choice(ESCAPES)
            parts.append(w)
            n += len(w) + 1
        self.text = " ".join(parts) + " "

    def take(self, rng, n):
        n = max(1, min(n, len(self.text) - 2))
        start = self.text.find(" ", rng.randrange(len(self.text) - n)) + 1
        end = self.text.rfind(" ", start, start + n)
        if end <= start:
            end = start + self.text[start:].find(" ")
        return self.text[start:end]


def log_uniform(rng, lo, hi):
    return int(lo * (hi / lo) ** rng.random())


def line_size(rng):
    """A tool result's size: mostly small, a long tail up to 200 KB."""
    r = rng.random()
    if r < 0.6:
        return log_uniform(rng, 100, 4_000)
    if r < 0.93:
        return log_uniform(rng, 4_000, 40_000)
    return log_uniform(rng, 40_000, 200_000)


def uid(rng):
    h = "%032x" % rng.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def b62(rng, n):
    a = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    return "".join(a[rng.randrange(62)] for _ in range(n))


def iso(ms):
    import datetime as dt

    t = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


class Expected:
    def __init__(self):
        self.agents = {}
        self.lines = {"read": 0, "used": 0, "duplicate": 0, "ignored": 0, "malformed": 0}
        self.sessions = set()

    def tokens(self, agent, input=0, output=0, cache_write=0, cache_read=0, reasoning=0):
        t = self.agents.setdefault(
            agent, {"input": 0, "output": 0, "cache_write": 0, "cache_read": 0, "reasoning": 0, "calls": 0}
        )
        t["input"] += input
        t["output"] += output
        t["cache_write"] += cache_write
        t["cache_read"] += cache_read
        t["reasoning"] += reasoning
        t["calls"] += 1

    def fate(self, kind, n=1):
        self.lines["read"] += n
        self.lines[kind] += n

    def summary(self):
        tot = {k: sum(a[k] for a in self.agents.values()) for k in ("input", "output", "cache_write", "cache_read", "reasoning", "calls")}
        for a in list(self.agents.values()) + [tot]:
            a["total"] = a["input"] + a["output"] + a["cache_write"] + a["cache_read"]
        return {"agents": self.agents, "total": tot, "lines": self.lines, "sessions": len(self.sessions)}


def claude_lines(rng, fill, exp, sid, cwd, t0, target, sidechain, agent_id=None):
    """One Claude Code transcript of about `target` bytes; returns (lines, end time)."""
    out, size, t, parent = [], 0, t0, None
    model = rng.choice(CLAUDE_MODELS)
    base = {"isSidechain": sidechain, "userType": "external", "cwd": cwd, "sessionId": sid,
            "version": "2.1.39", "gitBranch": "main"}
    if agent_id:
        base["agentId"] = agent_id
    context = log_uniform(rng, 3_000, 30_000)

    def emit(rec, fate):
        nonlocal size, parent
        rec = dict(base, **rec)
        u = uid(rng)
        rec.update(parentUuid=parent, uuid=u, timestamp=iso(t))
        parent = u
        s = dumps(rec)
        out.append(s)
        size += len(s.encode()) + 1
        exp.fate(fate)

    while size < target:
        t += rng.randrange(2_000, 60_000)
        emit({"type": "user", "message": {"role": "user", "content": fill.take(rng, log_uniform(rng, 40, 3_000))}}, "ignored")
        for _ in range(rng.randrange(1, 6)):
            # one response, split into one line per content block
            t += rng.randrange(1_000, 30_000)
            msg_id, req_id = "msg_01" + b62(rng, 22), "req_011C" + b62(rng, 20)
            cw = rng.randrange(0, 12_000) if rng.random() < 0.5 else 0
            cr, inp, final_out = context, rng.randrange(1, 8), rng.randrange(20, 4_000)
            context += cw + rng.randrange(50, 2_000)
            if context > 180_000:  # a compaction: the context starts small again
                context = log_uniform(rng, 3_000, 30_000)
            blocks = rng.randrange(1, 5)
            tool_ids = []
            for b in range(blocks):
                last = b == blocks - 1
                if last and rng.random() < 0.6:
                    tid = "toolu_01" + b62(rng, 22)
                    tool_ids.append(tid)
                    block = {"type": "tool_use", "id": tid, "name": rng.choice(("Bash", "Read", "Edit", "Grep")),
                             "input": {"command": fill.take(rng, log_uniform(rng, 20, 3_000))}}
                elif b == 0 and rng.random() < 0.4:
                    block = {"type": "thinking", "thinking": fill.take(rng, log_uniform(rng, 100, 8_000)), "signature": b62(rng, 200)}
                else:
                    block = {"type": "text", "text": fill.take(rng, log_uniform(rng, 20, 6_000))}
                out_tokens = final_out if last else rng.randrange(1, max(2, final_out // 4))
                usage = {"input_tokens": inp, "cache_creation_input_tokens": cw, "cache_read_input_tokens": cr,
                         "cache_creation": {"ephemeral_5m_input_tokens": cw, "ephemeral_1h_input_tokens": 0},
                         "output_tokens": out_tokens, "service_tier": "standard"}
                emit({"type": "assistant", "requestId": req_id,
                      "message": {"model": model, "id": msg_id, "type": "message", "role": "assistant",
                                  "content": [block], "stop_reason": None, "stop_sequence": None, "usage": usage}},
                     "used" if last else "duplicate")
            exp.tokens("claude", input=inp, output=final_out, cache_write=cw, cache_read=cr)
            for tid in tool_ids:
                t += rng.randrange(100, 20_000)
                emit({"type": "user", "message": {"role": "user", "content": [
                    {"tool_use_id": tid, "type": "tool_result", "content": fill.take(rng, line_size(rng))}]}}, "ignored")
            if not tool_ids:
                break
        if rng.random() < 0.1:
            emit({"type": "file-history-snapshot", "messageId": uid(rng), "isSnapshotUpdate": False,
                  "snapshot": {"trackedFileBackups": {"src/main.rs": {"backupFileName": b62(rng, 16), "version": 1}}}},
                 "ignored")
    return out, t


def codex_lines(rng, fill, exp, sid, cwd, t0, target):
    """One Codex CLI rollout of about `target` bytes."""
    out, size, t = [], 0, t0
    total = {"input_tokens": 0, "cached_input_tokens": 0, "output_tokens": 0, "reasoning_output_tokens": 0}

    def emit(kind, payload, fate):
        nonlocal size
        s = dumps({"timestamp": iso(t), "type": kind, "payload": payload})
        out.append(s)
        size += len(s.encode()) + 1
        exp.fate(fate)

    emit("session_meta", {"id": sid, "timestamp": iso(t), "cwd": cwd, "originator": "codex_cli_rs",
                          "cli_version": "0.46.0", "instructions": None,
                          "git": {"commit_hash": "%040x" % rng.getrandbits(160), "branch": "main"}}, "ignored")
    model = rng.choice(CODEX_MODELS)
    context = log_uniform(rng, 3_000, 20_000)
    while size < target:
        t += rng.randrange(2_000, 60_000)
        emit("turn_context", {"cwd": cwd, "approval_policy": "on-request", "model": model, "effort": "medium"}, "ignored")
        emit("response_item", {"type": "message", "role": "user",
                               "content": [{"type": "input_text", "text": fill.take(rng, log_uniform(rng, 40, 3_000))}]}, "ignored")
        for _ in range(rng.randrange(1, 6)):
            t += rng.randrange(1_000, 30_000)
            call = "call_" + b62(rng, 24)
            emit("response_item", {"type": "reasoning", "summary": [], "encrypted_content": b62(rng, log_uniform(rng, 200, 6_000))}, "ignored")
            emit("response_item", {"type": "function_call", "name": "shell", "call_id": call,
                                   "arguments": dumps({"command": ["bash", "-lc", fill.take(rng, log_uniform(rng, 20, 800))]})}, "ignored")
            inp = context + rng.randrange(50, 3_000)
            cached = min(inp, context) if rng.random() < 0.8 else 0
            outp = rng.randrange(20, 3_000)
            reason = rng.randrange(0, outp)
            context = inp + outp if inp + outp < 250_000 else log_uniform(rng, 3_000, 20_000)
            last = {"input_tokens": inp, "cached_input_tokens": cached, "output_tokens": outp,
                    "reasoning_output_tokens": reason, "total_tokens": inp + outp}
            for k in total:
                total[k] += last[k]
            info = {"total_token_usage": dict(total, total_tokens=total["input_tokens"] + total["output_tokens"]),
                    "last_token_usage": last, "model_context_window": 272000}
            emit("event_msg", {"type": "token_count", "info": info}, "used")
            exp.tokens("codex", input=inp - cached, output=outp, cache_read=cached, reasoning=reason)
            if rng.random() < 0.15:  # re-emitted unchanged (Codex Desktop does this)
                emit("event_msg", {"type": "token_count", "info": info}, "duplicate")
            t += rng.randrange(100, 20_000)
            emit("response_item", {"type": "function_call_output", "call_id": call,
                                   "output": dumps({"output": fill.take(rng, line_size(rng)), "metadata": {"exit_code": 0}})}, "ignored")
    return out


def write(out_dir, mb, seed, days, end_ms):
    """Writes the corpus; returns (files, bytes, expected)."""
    rng = random.Random(seed)
    fill = Filler(rng)
    exp = Expected()
    target_total = int(mb * 1e6)
    written = files = 0
    projects = [f"/home/user/projects/{rng.choice(WORDS)}-{i}" for i in range(8)]
    window = days * 86_400_000
    while written < target_total:
        cwd = rng.choice(projects)
        t0 = end_ms - window + rng.randrange(window)
        remaining = target_total - written
        size = min(log_uniform(rng, 20_000, 30_000_000), max(50_000, remaining))
        sid = uid(rng)
        bodies = []
        if rng.random() < 0.8:
            enc = cwd.replace("/", "-")
            lines, t = claude_lines(rng, fill, exp, sid, cwd, t0, size, False)
            bodies.append((f".claude/projects/{enc}/{sid}.jsonl", lines))
            exp.sessions.add(("claude", sid))
            for _ in range(rng.randrange(0, 4) if rng.random() < 0.35 else 0):
                aid = "a%07x" % rng.getrandbits(28)
                sub, _ = claude_lines(rng, fill, exp, sid, cwd, t0 + rng.randrange(1, 600_000),
                                      max(20_000, size // rng.randrange(3, 12)), True, aid)
                bodies.append((f".claude/projects/{enc}/{sid}/subagents/agent-{aid}.jsonl", sub))
        else:
            import datetime as dt

            day = (dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=t0)).strftime("%Y/%m/%d")
            stamp = iso(t0)[:19].replace(":", "-")
            lines = codex_lines(rng, fill, exp, sid, cwd, t0, size)
            bodies.append((f".codex/sessions/{day}/rollout-{stamp}-{sid}.jsonl", lines))
            exp.sessions.add(("codex", sid))
        for rel, lines in bodies:
            dest = os.path.join(out_dir, rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            data = ("\n".join(lines) + "\n").encode()
            with open(dest, "wb") as f:
                f.write(data)
            written += len(data)
            files += 1
    return files, written, exp.summary()
