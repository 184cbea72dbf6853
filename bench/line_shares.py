#!/usr/bin/env python3
"""Which share of a corpus's bytes each line type is, and how much of it the parsers read in full.

Why: the parsers' speed depends on what they can skip. The Claude parser deserializes a line in
full (message content blocks, tool inputs, progress payloads) only when a `memmem` scan finds
`"usage"`, `"tool_` or `"agent_progress"` in it; every other line is read with its content
skipped. This prints, per agent and record type, lines, bytes, share of the corpus, and the share
of those bytes that pass that pre-filter, so BENCHMARKS.md can say where the bytes are.

Usage: bench/line_shares.py CORPUS [--json]
"""

import collections
import json
import os
import re
import sys

CLAUDE_TYPE = re.compile(rb'"type":"([a-z_-]+)"')
MARKERS = (b'"usage"', b'"tool_', b'"agent_progress"')


def kind(agent, line):
    if agent == "claude":
        # the envelope's type is the last top-level "type" written before "uuid" in practice;
        # take the first of the known record types that occurs
        for t in (b'"type":"assistant"', b'"type":"user"', b'"type":"progress"', b'"type":"system"',
                  b'"type":"file-history-snapshot"', b'"type":"summary"'):
            if t in line:
                k = t.split(b'"')[3].decode()
                if k == "user" and b'"tool_result"' in line:
                    return "user (tool result)"
                return k
        return "other"
    if agent == "codex":
        m = re.search(rb'"type":"([a-z_]+)","payload":\{"type":"([a-z_]+)"', line)
        if m:
            return f"{m.group(1).decode()}/{m.group(2).decode()}"
        m = re.search(rb'"type":"([a-z_]+)"', line)
        return m.group(1).decode() if m else "other"
    return "line"


def main():
    root = sys.argv[1]
    rows = collections.defaultdict(lambda: [0, 0, 0])
    total = 0
    for d, _, files in os.walk(root):
        for name in files:
            path = os.path.join(d, name)
            agent = "claude" if "/.claude/" in path else "codex" if "/.codex/" in path else "gemini" if "/.gemini/" in path else "other"
            with open(path, "rb") as f:
                for line in f:
                    n = len(line)
                    total += n
                    k = (agent, kind(agent, line))
                    rows[k][0] += 1
                    rows[k][1] += n
                    if agent == "claude" and any(m in line for m in MARKERS):
                        rows[k][2] += n
    out = [{"agent": a, "type": k, "lines": v[0], "bytes": v[1], "share": v[1] / total,
            "full_read_share": (v[2] / v[1]) if a == "claude" and v[1] else None}
           for (a, k), v in sorted(rows.items(), key=lambda kv: -kv[1][1])]
    if "--json" in sys.argv:
        print(json.dumps({"bytes": total, "rows": out}))
        return
    for r in out:
        full = "" if r["full_read_share"] is None else f"{100 * r['full_read_share']:5.1f}% read in full"
        print(f"{r['agent']:7} {r['type']:28} {r['lines']:9,} lines {r['bytes']:14,} bytes {100 * r['share']:5.1f}%  {full}")


if __name__ == "__main__":
    main()
