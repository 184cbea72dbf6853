"""scripts/bench --realistic: the native CLI and ccusage on size-realistic corpora.

Why apart from the replicated-demo benchmark: that corpus has the demo's small lines and
sessions; this one (scripts/bench-corpus --realistic) has lines of 0.1-200 KB and sessions of
tens of MB, and its expected totals come from the generator, not from our own parser.

For each size (100 MB and 1 GB by default), one corpus at a time in /tmp (deleted afterwards):
 1. the CLI's report must equal the generator's expected totals (tokens per agent, calls, line
    fates, sessions), else the benchmark stops;
 2. runs alternate: ours on all CPUs, ours pinned to one CPU (`taskset -c 0`), the baseline CLI
    (--baseline REV) both ways, ccusage: each run timed by wall clock and by its own CPU time
    (user+sys from wait4), with its peak RSS; medians, and the median of the per-round ratios
    ours / ccusage (same round, so the same machine load);
 3. ccusage's totals beside ours (it reads Claude and Codex, which is all this corpus holds);
 4. on the smallest corpus: the share of bytes per line type (bench/line_shares.py) and the
    ledger's memory per record (examples/ledger_bytes.rs, a debug build: RSS growth while one
    thread reads, an upper bound).
The section between the `realistic` markers of BENCHMARKS.md is rewritten; the rest is kept.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import time

BEGIN = "<!-- scripts/bench --realistic: begin -->"
END = "<!-- scripts/bench --realistic: end -->"


def say(msg):
    print(msg, file=sys.stderr, flush=True)


def timed(cmd, env=None):
    """(wall s, cpu s, peak RSS MiB) of one run, output discarded."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise subprocess.CalledProcessError(status, cmd)
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def expected_check(exp, rep):
    rows, ok = [], True

    def check(label, want, got):
        nonlocal ok
        same = want == got
        ok &= same
        rows.append(f"{label:<32} expected {want:>16,}   agentmeter {got:>16,}   {'ok' if same else 'MISMATCH'}")

    for agent, t in sorted(exp["agents"].items()):
        got = rep["agents"].get(agent, {}).get("tokens", {})
        for k in ("input", "output", "cache_write", "cache_read", "reasoning", "total"):
            check(f"{agent}.{k}", t[k], got.get(k, 0))
    check("calls", exp["total"]["calls"], rep["total"]["calls"])
    for k in ("read", "used", "duplicate", "ignored", "malformed"):
        check(f"lines.{k}", exp["lines"][k], rep["lines"][k])
    check("sessions", exp["sessions"], len(rep["sessions"]))
    return ok, rows


def measure(root, bin_path, base_exe, ccusage_exe, ccusage_env, mb, runs, out):
    say(f"== realistic corpus, {mb:g} MB")
    subprocess.run([os.path.join(root, "scripts", "bench-corpus"), "--realistic", "--mb", f"{mb:g}", "--out", out],
                   check=True)
    with open(out.rstrip("/") + ".manifest.json") as f:
        manifest = json.load(f)
    rep = json.loads(subprocess.run([bin_path, "report", "--json", out], check=True, capture_output=True).stdout)
    ok, rows = expected_check(manifest["expected"], rep)
    for r in rows:
        say(r)
    if not ok:
        sys.exit("the CLI's report differs from the generator's expected totals")
    res = {"mb": mb, "bytes": manifest["bytes"], "files": manifest["files"], "lines": manifest["lines"],
           "expected_rows": rows, "load_before": loadavg()}
    cmds = {"all": [bin_path, "report", "--json", out], "one": ["taskset", "-c", "0", bin_path, "report", "--json", out]}
    if base_exe:
        cmds["base-all"] = [base_exe, "report", "--json", out]
        cmds["base-one"] = ["taskset", "-c", "0", base_exe, "report", "--json", out]
    env = None
    if ccusage_exe:
        env = ccusage_env(out)
        cmds["ccusage"] = [ccusage_exe, "daily", "--json", "--offline", "--by-agent", "-z", "UTC"]
    for name, c in cmds.items():  # warm-up: page cache, and ccusage's first start
        timed(c, env if name == "ccusage" else None)
    got = {name: [] for name in cmds}
    for i in range(runs):
        for name, c in cmds.items():
            got[name].append(timed(c, env if name == "ccusage" else None))
        say(f"  round {i + 1}/{runs}: " + ", ".join(f"{n} {v[-1][0]:.2f}s/{v[-1][1]:.2f}s cpu" for n, v in got.items()))
    res["load_after"] = loadavg()
    res["runs"] = {n: [{"wall": w, "cpu": c, "rss_mib": r} for w, c, r in v] for n, v in got.items()}
    if "ccusage" in got:
        res["ratio_wall"] = statistics.median(a[0] / b[0] for a, b in zip(got["all"], got["ccusage"]))
        res["ratio_cpu"] = statistics.median(a[1] / b[1] for a, b in zip(got["all"], got["ccusage"]))
        daily = json.loads(subprocess.run(cmds["ccusage"], check=True, capture_output=True, env=env).stdout)
        res["ccusage_totals"] = ccusage_totals(daily)
        res["ours_totals"] = {a: rep["agents"][a]["tokens"] for a in rep["agents"]}
        shutil.rmtree(env["HOME"], ignore_errors=True)
    return res


def ccusage_totals(daily):
    out = {}
    for day in daily["daily"]:
        for a in day.get("agents", []):
            t = out.setdefault(a["agent"], {"input": 0, "output": 0, "cache_write": 0, "cache_read": 0})
            t["input"] += a.get("inputTokens", 0)
            t["output"] += a.get("outputTokens", 0)
            t["cache_write"] += a.get("cacheCreationTokens", 0)
            t["cache_read"] += a.get("cacheReadTokens", 0)
    return out


def extras(root, out):
    """Line shares and the ledger's bytes per record, on the corpus at `out`."""
    res = {}
    p = subprocess.run([sys.executable, os.path.join(root, "bench", "line_shares.py"), out, "--json"],
                       check=True, capture_output=True)
    res["line_shares"] = json.loads(p.stdout)
    try:
        subprocess.run(["cargo", "build", "--example", "ledger_bytes"], cwd=root, check=True,
                       stdout=sys.stderr, env=dict(os.environ, CARGO_INCREMENTAL="0"))
        exe = os.path.join(root, "target", "debug", "examples", "ledger_bytes")
        p = subprocess.run(["taskset", "-c", "0", exe, out], check=True, capture_output=True)
        res["ledger_bytes"] = json.loads(p.stdout)
    except (subprocess.CalledProcessError, OSError, ValueError) as e:
        res["ledger_bytes"] = {"error": str(e)}
    return res


def _med(xs):
    return statistics.median(xs)


def markdown(res):
    L = [BEGIN, "", "## Native CLI and ccusage on size-realistic corpora", ""]
    L.append("Written by `" + res["argv"] + "` (the rest of this file is left as it was). "
             f"Date {res['date']}, commit `{res['commit']}`, {res['nproc']} CPUs visible, machine shared with other "
             "sessions: load averages are given per corpus; compare CPU time (user+sys of the process, from "
             "`wait4`), which the load disturbs far less than wall time.")
    L.append("")
    L.append("Corpus: `scripts/bench-corpus --realistic --mb N --out /tmp/agentmeter-bench-realistic` "
             "(scripts/bench_realistic.py): Claude Code and Codex CLI folders written from scratch, lines of "
             "0.1-200 KB, sessions of 20 KB-30 MB, split-line duplicates, re-emitted Codex counts, subagent files. "
             "The expected totals are the generator's own; each corpus is checked against them before it is timed.")
    L.append("")
    base = res.get("baseline")
    for c in res["corpora"]:
        size = c["bytes"]
        L.append(f"### {size / 1e6:,.0f} MB ({c['files']:,} files, {c['lines']:,} lines)")
        L.append("")
        L.append(f"Load average before / after: {c['load_before']} / {c['load_after']}. "
                 f"{len(c['runs']['all'])} rounds, the commands alternating within each round.")
        L.append("")
        L.append("| run | median wall | throughput (wall) | median CPU (user+sys) | GB per CPU second | peak RSS |")
        L.append("|---|---|---|---|---|---|")
        labels = {"all": "agentmeter, all CPUs", "one": "agentmeter, one CPU (`taskset -c 0`)",
                  "base-all": f"before (`{base}`), all CPUs", "base-one": f"before (`{base}`), one CPU",
                  "ccusage": f"ccusage {res.get('ccusage_version', '')} daily, all CPUs"}
        for name, runs in c["runs"].items():
            w = _med([r["wall"] for r in runs])
            cpu = _med([r["cpu"] for r in runs])
            rss = _med([r["rss_mib"] for r in runs])
            L.append(f"| {labels.get(name, name)} | {w:.3f} s | {size / 1e9 / w:.2f} GB/s | {cpu:.3f} s | "
                     f"{size / 1e9 / cpu:.2f} GB/s | {rss:,.0f} MiB |")
        L.append("")
        if "ratio_wall" in c:
            L.append(f"agentmeter (all CPUs) ÷ ccusage, median of the per-round ratios: wall **{c['ratio_wall']:.2f}x**, "
                     f"CPU time **{c['ratio_cpu']:.2f}x** (below 1 means agentmeter is faster).")
            L.append("")
            L.append("| agent | tool | input | output | cache write | cache read |")
            L.append("|---|---|---|---|---|---|")
            for agent in sorted(set(c["ours_totals"]) | set(c["ccusage_totals"])):
                o = c["ours_totals"].get(agent, {})
                t = c["ccusage_totals"].get(agent, {})
                L.append(f"| {agent} | agentmeter | {o.get('input', 0):,} | {o.get('output', 0):,} | "
                         f"{o.get('cache_write', 0):,} | {o.get('cache_read', 0):,} |")
                L.append(f"| {agent} | ccusage | {t.get('input', 0):,} | {t.get('output', 0):,} | "
                         f"{t.get('cache_write', 0):,} | {t.get('cache_read', 0):,} |")
            L.append("")
        L.append("<details><summary>expected totals (generator) vs the CLI</summary>")
        L.append("")
        L.append("```")
        L.extend(c["expected_rows"])
        L.append("```")
        L.append("</details>")
        L.append("")
    ex = res.get("extras", {})
    if "line_shares" in ex:
        ls = ex["line_shares"]
        L.append(f"### Where the bytes are ({ls['bytes'] / 1e6:,.0f} MB corpus)")
        L.append("")
        L.append("`bench/line_shares.py <corpus>`. \"Read in full\" is the share of a Claude line type's bytes that the "
                 "parser's pre-filter (`memmem` for `\"usage\"`, `\"tool_`, `\"agent_progress\"`) sends to the full "
                 "deserialization; the rest is read with its content skipped.")
        L.append("")
        L.append("| agent | line type | lines | bytes | share | read in full |")
        L.append("|---|---|---|---|---|---|")
        for r in ls["rows"]:
            full = "" if r["full_read_share"] is None else f"{100 * r['full_read_share']:.0f} %"
            L.append(f"| {r['agent']} | {r['type']} | {r['lines']:,} | {r['bytes']:,} | {100 * r['share']:.1f} % | {full} |")
        L.append("")
    lb = ex.get("ledger_bytes", {})
    if "bytes_per_record" in lb:
        L.append(f"Ledger memory on that corpus (`taskset -c 0 target/debug/examples/ledger_bytes <corpus>`): "
                 f"{lb['records']:,} records ({lb['usage']:,} usage, {lb['tools']:,} tool calls, {lb['messages']:,} "
                 f"messages), resident memory grew {lb['rss_growth_bytes'] / 2**20:,.1f} MiB while one thread read "
                 f"it: **{lb['bytes_per_record']:,.0f} bytes per record** (an upper bound: freed parse buffers the "
                 "allocator keeps count too).")
        L.append("")
    for note in res.get("notes", []):
        L.append(note)
        L.append("")
    L.append(END)
    return "\n".join(L) + "\n"


def write_section(path, text):
    old = open(path).read() if os.path.exists(path) else ""
    if BEGIN in old and END in old:
        head, rest = old.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        new = head + text.rstrip("\n") + tail
    else:
        new = old.rstrip("\n") + "\n\n" + text
    with open(path, "w") as f:
        f.write(new)
