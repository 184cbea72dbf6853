#!/usr/bin/env python3
"""Writes the committed seed corpus, fuzz/corpus/<target>/seed-*, from fixtures/.

Each seed is a short excerpt (< 4 KB) of a real fixture, or a hostile variant of one (a BOM, a
NUL, numbers past u64, wrong types, a truncated line, CRLF, invalid UTF-8, deep nesting), so the
fuzzer starts from inputs every parser branch already accepts and from the damage real files
carry. Rerun after changing it: `python3 fuzz/seeds.py` (it replaces every seed-* file).
Input layouts are the targets' own (see fuzz/src/lib.rs): classify_and_parse takes two header
bytes (path, chunking), merge_law two path bytes and a 0xFF between its two files.
"""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "fixtures"
OUT = ROOT / "fuzz" / "corpus"
LIMIT = 4096


def lines(rel, *numbers):
    """Lines (1-based numbers) of a fixture, as bytes, each cut to fit the seed limit."""
    all_lines = (FIX / rel).read_bytes().split(b"\n")
    return [all_lines[n - 1] for n in numbers]


def jsonl(*ls):
    return b"\n".join(ls) + b"\n"


CLAUDE = "claude/projects/-home-USER-projects-spotter/short.jsonl"
TOOLS = "claude/projects/-home-USER-projects-spotter/tool_heavy.jsonl"
CODEX = ("codex/sessions/2025/09/19/"
         "rollout-2025-09-19T09-02-12-01996135-afde-7911-97f0-d863511eca56.jsonl")
GEMINI_L = ("gemini/tmp/9da8b3dfb8655182ac1f0e66601c367e34f8d18447a29759eeba4d7e45dc60ea/"
            "chats/session-2026-04-23T12-52-0ab84937.jsonl")
GEMINI_J = ("gemini/tmp/ab14fe397f91d5f283525b3178d2314aef552f761131c42172a21b7bf735e73d/"
            "chats/session-2025-10-05T07-11-eefc44a3.json")


def gemini_document(n_messages):
    """The legacy document with its first messages, long strings cut, pretty-printed as Gemini."""
    doc = json.loads((FIX / GEMINI_J).read_text())

    def cut(v):
        if isinstance(v, str):
            return v[:80]
        if isinstance(v, list):
            return [cut(x) for x in v[:3]]
        if isinstance(v, dict):
            return {k: cut(x) for k, x in v.items()}
        return v

    doc["messages"] = [cut(m) for m in doc["messages"][:n_messages]]
    return json.dumps(doc, indent=2, ensure_ascii=False).encode()


# The usage-bearing line of each format, the one the hostile variants damage.
USAGE_LINE = {
    "claude": lines(CLAUDE, 5)[0],
    "codex": lines(CODEX, 7)[0],
    "gemini_jsonl": lines(GEMINI_L, 6)[0],
}
# The field each format's usage starts with.
FIELD = {"claude": b'"input_tokens"', "codex": b'"input_tokens"', "gemini_jsonl": b'"input"'}


def number_to(line, field, value):
    return re.sub(re.escape(field) + rb":\s*-?\d+", field + b":" + value, line, count=1)


def hostile(kind, head):
    """Damaged variants of `head` (the lines before) plus that format's usage line."""
    line, field = USAGE_LINE[kind], FIELD[kind]
    mid = line.index(b'"', len(line) // 2)
    return {
        "bom": b"\xef\xbb\xbf" + jsonl(head, line),
        "nul": jsonl(head, line[:mid] + b"\x00" + line[mid:]),
        "u64-overflow": jsonl(head, number_to(line, field, b"18446744073709551616")),
        "huge-float": jsonl(head, number_to(line, field, b"1e309")),
        "past-max-tokens": jsonl(head, number_to(line, field, b"1000000000000001")),
        "negative": jsonl(head, number_to(line, field, b"-5")),
        "string-number": jsonl(head, number_to(line, field, b'"12"')),
        "null-number": jsonl(head, number_to(line, field, b"null")),
        "truncated": jsonl(head) + line[: len(line) // 2],
        "crlf": (jsonl(head, line, line)).replace(b"\n", b"\r\n"),
        "invalid-utf8": jsonl(head, line[:mid] + b"\xc3\x28" + line[mid:]),
        "nested": jsonl(head, b"[" * 300 + b"]" * 300, b'{"a":' * 200 + b"1" + b"}" * 200),
        "wrong-shapes": jsonl(head, b"[1,2,3]", b"null", b'"x"', b"{}", b'{"type":5}'),
    }


def per_format():
    claude_head = lines(CLAUDE, 1)[0]
    codex_head = lines(CODEX, 1, 5)
    gemini_head = lines(GEMINI_L, 1)[0]
    doc = gemini_document(3)
    return {
        "claude_jsonl": {
            "short": jsonl(*lines(CLAUDE, 1, 2, 5, 6)),
            "prompt": jsonl(*lines(CLAUDE, 4, 5)),
            "tools": jsonl(*lines(TOOLS, 5, 11, 13)),
            "malformed": (FIX / "claude/derived/malformed.jsonl").read_bytes(),
            "sidechain": (FIX / "claude/devdocs/assistant_sidechain.jsonl").read_bytes(),
            **hostile("claude", claude_head),
        },
        "codex_jsonl": {
            "session": jsonl(*lines(CODEX, 1, 5, 6, 7, 10, 11, 14)),
            "malformed": (FIX / "codex/derived/malformed.jsonl").read_bytes(),
            **hostile("codex", b"\n".join(codex_head)),
        },
        "gemini_jsonl": {
            "chat": jsonl(*lines(GEMINI_L, 1, 2, 3, 6, 7)),
            "malformed": (FIX / "gemini/derived/malformed.jsonl").read_bytes(),
            **hostile("gemini_jsonl", gemini_head),
        },
        "gemini_json": {
            "document": doc,
            "truncated": doc[: len(doc) * 2 // 3],
            "bom": b"\xef\xbb\xbf" + doc,
            "crlf": doc.replace(b"\n", b"\r\n"),
            "u64-overflow": re.sub(rb'"input": \d+', b'"input": 18446744073709551616', doc),
            "string-number": re.sub(rb'"input": (\d+)', rb'"input": "\1"', doc),
            "messages-not-array": b'{"sessionId":"s","projectHash":"h","messages":{"a":1}}',
            "no-messages": b'{"sessionId":"s","projectHash":"h"}',
            "wrong-messages": b'{"sessionId":5,"messages":[1,null,{"id":7,"type":"gemini",'
                              b'"tokens":{"input":-1,"output":"2"}},{"type":"gemini"}]}',
            "jsonl-instead": jsonl(*lines(GEMINI_L, 1, 2, 3)),
        },
    }


# classify_and_parse: which path (fuzz_support::PATHS index) and chunking suits each format.
PATH_OF = {"claude_jsonl": b"0", "codex_jsonl": b"3", "gemini_json": b"4", "gemini_jsonl": b"5"}
CHUNKINGS = [b"0", b"a", b"\x85", b"\xc3"]  # max chunk 1 byte, 8, 97, 4096


def main():
    formats = per_format()
    corpus = {name: dict(seeds) for name, seeds in formats.items()}
    mixed = {}
    for i, (fmt, seeds) in enumerate(formats.items()):
        for j, (name, body) in enumerate(seeds.items()):
            mixed[f"{fmt}-{name}"] = PATH_OF[fmt] + CHUNKINGS[(i + j) % 4] + body
    mixed["claude-subagent-path"] = b"1a" + formats["claude_jsonl"]["sidechain"]
    mixed["claude-windows-path"] = b"2\x85" + formats["claude_jsonl"]["short"]
    mixed["codex-name-only"] = b"3a" + b'{"what":"ever"}\n'
    corpus["classify_and_parse"] = mixed
    f = formats
    prompt = lines(CLAUDE, 4)[0]
    corpus["merge_law"] = {
        "claude-and-subagent": b"01" + jsonl(*lines(CLAUDE, 2, 5)) + b"\xff"
                               + f["claude_jsonl"]["sidechain"],
        "codex-and-gemini": b"35" + f["codex_jsonl"]["session"] + b"\xff"
                            + f["gemini_jsonl"]["chat"],
        "same-path-grown": b"00" + jsonl(*lines(CLAUDE, 1, 2)) + b"\xff"
                           + f["claude_jsonl"]["short"],
        "same-file-twice": b"55" + f["gemini_jsonl"]["chat"] + b"\xff" + f["gemini_jsonl"]["chat"],
        "gemini-migrated": b"45" + f["gemini_json"]["document"] + b"\xff"
                           + f["gemini_jsonl"]["chat"],
        # One path rewritten in place: same line, same message id, another prompt (merge ties).
        "same-path-rewritten": b"00" + jsonl(prompt) + b"\xff"
                               + jsonl(prompt.replace(b'"content":"', b'"content":"Now ')),
        "skipped-and-parsed": b"00" + b"not json\n" + b"\xff" + f["claude_jsonl"]["tools"],
    }
    for target, seeds in corpus.items():
        folder = OUT / target
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("seed-*"):
            old.unlink()
        for name, data in seeds.items():
            assert len(data) < LIMIT, f"{target}/{name} is {len(data)} bytes"
            (folder / f"seed-{name}").write_bytes(data)
        print(f"{target}: {len(seeds)} seeds")


if __name__ == "__main__":
    main()
