"""Turns the figures gathered by scripts/bench into BENCHMARKS.md.

Kept apart from the measuring code so the page layout can change without touching how things
are measured. Every figure printed here comes from the `res` dict of one `scripts/bench` run.
"""


def _mb(n):
    return n / 1e6


def _rate(amount, secs):
    return amount / secs if secs else float("nan")


def _cpu(t):
    return (t.get("user") or 0) + (t.get("system") or 0)


def _time_row(label, t, size, lines, rss):
    return (
        f"| {label} | {t['median']:.3f} s | {t['min']:.3f} / {t['max']:.3f} s | "
        f"{_rate(_mb(size), t['median']):,.0f} MB/s | {_rate(lines, t['median']) / 1e6:,.2f} M lines/s | "
        f"{_cpu(t):.3f} s | {rss:,.0f} MiB | {t['runs']} |"
    )


def _differences(ours, theirs):
    """One bullet per agent saying where the two tools disagree (a difference is a finding)."""
    out = []
    for name in sorted(set(ours) | set(theirs)):
        a = (ours.get(name) or {}).get("tokens")
        b = theirs.get(name)
        if not a or not b:
            who, other = ("agentmeter", "ccusage") if a else ("ccusage", "agentmeter")
            out.append(f"- {name}: only {who} reports usage for it; {other} reports none at this commit.")
            continue
        diffs = []
        for key, label in (("input", "input"), ("output", "output"), ("cache_write", "cache write"),
                           ("cache_read", "cache read"), ("total", "in+out+cw+cr")):
            if a[key] != b[key]:
                pct = (b[key] - a[key]) / a[key] * 100 if a[key] else float("inf")
                diffs.append(f"{label} {b[key] - a[key]:+,} ({pct:+.2f}%)")
        reasoning = a.get("reasoning", 0)
        if a["output"] - b["output"] == reasoning and reasoning:
            diffs.append(f"the output gap is exactly agentmeter's {reasoning:,} reasoning (thinking) tokens, "
                         "which agentmeter counts in output (they are billed as output) and ccusage lists apart")
        if b.get("ccusage_total") == a["total"] and a["total"] != b["total"]:
            diffs.append("ccusage's own totalTokens equals agentmeter's total")
        cost = b["cost"] - ours[name]["cost_usd"]
        if abs(cost) > 0.005:
            diffs.append(f"cost {cost:+,.2f} USD")
        out.append(f"- {name}: " + ("identical token totals." if not diffs else
                                    "ccusage minus agentmeter: " + ", ".join(diffs) + "."))
    return out


def markdown(res):
    m, c, n = res["machine"], res["corpus"], res["native"]
    rep = res["report"]
    lines_read = rep["lines"]["read"]
    out = []
    w = out.append
    w("# Benchmarks\n")
    w("Speed is a feature, so it is measured here, by `scripts/bench`, never by timed tests. "
      "This file is written by that script; every figure below comes from one run of it:\n")
    w("```sh\n" + res["argv"] + "\n```\n")
    w("## Machine\n")
    w("| | |\n|---|---|")
    w(f"| date | {m['date']} |")
    w(f"| git commit | `{m['commit']}` |")
    w(f"| CPU | {m['cpu']}, {m['nproc']} CPUs visible (`nproc`) |")
    w(f"| RAM | {m['ram_gib']} GiB |")
    w(f"| kernel | {m['kernel']} |")
    w(f"| toolchain | {m['rustc']}, release profile (lto, codegen-units = 1) |")
    w(f"| load average at start | {m['load']} (the machine is shared; figures are medians) |\n")

    w("## Corpus\n")
    w(f"`{res['corpus_cmd']}` (called by `scripts/bench`) replicates the real "
      f"transcripts in `{c['src']}/` ({c['src_files']} files, {c['src_bytes']:,} bytes: Claude Code, Codex CLI "
      f"and Gemini CLI laid out under a home folder) **{c['copies']} times** with rewritten identities: new "
      "session ids and file names, new Claude `message.id` / `requestId` / `uuid` / tool ids (one mapping per "
      "copy, so split-line and subagent-mirror dedupe still happen inside a copy), new Codex `session_meta` ids, "
      "new Gemini session and message ids, timestamps shifted so sessions start at seeded random points in a "
      f"{c['days']}-day window ending {c['end']} (seed {c['seed']}).\n")
    w(f"- {c['files']:,} files, **{c['bytes']:,} bytes ({_mb(c['bytes']):,.0f} MB)**, "
      f"{lines_read:,} lines read by the CLI ({rep['lines']['used']:,} used, "
      f"{rep['lines']['duplicate']:,} duplicate, {rep['lines']['ignored']:,} ignored, "
      f"{rep['lines']['malformed']:,} malformed)")
    if c.get("agents"):
        w("- per agent: " + ", ".join(
            f"{k} {v['files']:,} files (~{_mb(v['src_bytes'] * c['copies']):,.0f} MB)"
            for k, v in sorted(c["agents"].items())))
    w(f"- report: {rep['tokens_total']:,} tokens, ${rep['cost_usd']:,.2f} "
      f"({', '.join(f'{k} {v:,}' for k, v in sorted(rep['agents'].items()))})\n")
    s = res["soundness"]
    w(f"**Soundness check: {'passed' if s['ok'] else 'FAILED'}.** The CLI's report over the corpus equals "
      f"{c['copies']} x its report over `{c['src']}/`, figure by figure, so no copy collapsed onto another "
      "and nothing was dropped:\n")
    w("```\n" + "\n".join(s["rows"]) + "\n```\n")

    w("## Native CLI\n")
    w("`hyperfine --warmup 1` (warm page cache, JSON written to /dev/null); peak RSS is the median of 3 runs "
      "of `/usr/bin/time -v`. MB/s counts corpus bytes, lines/s counts lines read.\n")
    w("| run | median wall | min / max | throughput | lines | CPU time (user+sys, mean) | peak RSS | runs |")
    w("|---|---|---|---|---|---|---|---|")
    w(_time_row(f"all CPUs ({m['nproc']} threads)", n["all"], c["bytes"], lines_read, n["rss_all_mib"]))
    w(_time_row("one CPU (`taskset -c 0`)", n["one"], c["bytes"], lines_read, n["rss_one_mib"]))
    speedup = n["one"]["median"] / n["all"]["median"] if n["all"]["median"] else float("nan")
    w(f"\nParallel speed-up (median wall, one CPU ÷ all CPUs): {speedup:.2f}x on {m['nproc']} CPUs. The CLI sizes its reader "
      "pool with `std::thread::available_parallelism()` (capped at 8), which honours the CPU affinity "
      "mask, so `taskset -c 0` gives exactly one reader thread. On a shared machine the wall times scatter "
      "(see min / max); the CPU time column is the steadier figure."
      + ("" if "other_load" not in n["all"] else
         " While these runs went on, other processes used "
         f"{n['all']['other_load'] * 100:.0f}% of the machine's CPU capacity (from /proc/stat, minus the "
         "benchmark's own CPU time), so the parallel figure is only as good as the cores that were free.")
      + "\n")
    w("Commands:\n")
    w("```sh\ncargo build --release\n" + n["commands"]["all"] + "\n" + n["commands"]["one"] + "\n```\n")

    cc = res.get("ccusage")
    if cc is not None:
        w("## Comparison: ccusage\n")
        if "error" in cc:
            w(f"Not measured: {cc['error']}\n")
        else:
            t = cc["time"]
            w(f"{cc['version']} from npm (the Rust rewrite; native linux-x64 binary), same corpus, "
              f"`hyperfine --warmup 1`, {t['runs']} runs:\n")
            w("```sh\n" + cc["command"] + "\n```\n")
            w("| tool | median wall | min / max | throughput | CPU time (user+sys, mean) | peak RSS |")
            w("|---|---|---|---|---|---|")
            w(f"| agentmeter (all CPUs) | {n['all']['median']:.3f} s | {n['all']['min']:.3f} / "
              f"{n['all']['max']:.3f} s | {_rate(_mb(c['bytes']), n['all']['median']):,.0f} MB/s | "
              f"{_cpu(n['all']):.3f} s | {n['rss_all_mib']:,.0f} MiB |")
            w(f"| ccusage daily | {t['median']:.3f} s | {t['min']:.3f} / {t['max']:.3f} s | "
              f"{_rate(_mb(c['bytes']), t['median']):,.0f} MB/s | {_cpu(t):.3f} s | {cc['rss_mib']:,.0f} MiB |\n")
            if "other_load" in t:
                w(f"Other processes used {t['other_load'] * 100:.0f}% of the machine's CPU during the ccusage "
                  "runs. The two tools are measured one after the other, not interleaved, so on this shared "
                  "machine compare CPU time first.\n")
            w("Totals side by side (tokens; ccusage's own `totalTokens` in the last column, which for Gemini "
              "adds thoughts on top):\n")
            w("| agent | tool | input | output | cache write | cache read | in+out+cw+cr | ccusage totalTokens | cost |")
            w("|---|---|---|---|---|---|---|---|---|")
            ours = res.get("agents_full", {})
            for name in sorted(set(cc["totals"]) | set(ours)):
                a = ours.get(name)
                if a:
                    tk = a["tokens"]
                    w(f"| {name} | agentmeter | {tk['input']:,} | {tk['output']:,} | {tk['cache_write']:,} | "
                      f"{tk['cache_read']:,} | {tk['total']:,} | | ${a['cost_usd']:,.2f} |")
                b = cc["totals"].get(name)
                if b:
                    w(f"| {name} | ccusage | {b['input']:,} | {b['output']:,} | {b['cache_write']:,} | "
                      f"{b['cache_read']:,} | {b['total']:,} | {b.get('ccusage_total', 0):,} | ${b['cost']:,.2f} |")
            w("")
            for line in _differences(ours, cc["totals"]):
                w(line)
            w("")

    b = res.get("browser")
    w("## Browser app\n")
    if b is None:
        w("Not run (`--no-browser`).\n")
    elif "error" in b:
        w(f"Not yet measured: {b['error']}.\n")
        if b.get("command"):
            w("```sh\n" + b["command"] + "\n```\n")
    else:
        w(f"Release build (`scripts/build`), served from 127.0.0.1 by a tiny node:http server, Debian Chromium "
          f"{b.get('browser_version', '')} headless via playwright-core, fresh profile per run. Timed from "
          "`setInputFiles` on `[data-testid=folder-input]` (the whole corpus folder) until "
          "`[data-testid=dashboard]` shows `kpi-tokens-total` equal to the CLI's total.\n")
        w("```sh\nscripts/build\n" + b["command"] + "\n```\n")
        w("| runs | median | min / max | throughput | lines | peak RSS (Chromium tree) |")
        w("|---|---|---|---|---|---|")
        w(f"| {len(b['times'])} | {b['median']:.2f} s | {min(b['times']):.2f} / {max(b['times']):.2f} s | "
          f"{_rate(_mb(c['bytes']), b['median']):,.0f} MB/s | "
          f"{_rate(lines_read, b['median']) / 1e6:,.2f} M lines/s | {b['peak_rss_mib']:,.0f} MiB |\n")
        w(f"Of that, `setInputFiles` itself (Playwright handing the {c['files']:,} file paths to the input) took "
          + ", ".join(f"{x:.2f}" for x in b["set_input_files_seconds"]) + " s. Peak RSS sums every process of "
          "the Chromium tree sampled from /proc every 200 ms (shared pages counted once per process, so an "
          "upper bound). Native CLI on the same corpus for scale: "
          f"{n['all']['median']:.2f} s (the browser takes {b['median'] / n['all']['median']:.1f}x as long).\n")
        mism = b.get("mismatches") or {}
        w("Figures on the page vs the CLI (tokens total, cost, lines read/used/duplicate/ignored/malformed): "
          + ("all equal." if not mism else "DIFFERENT: " + ", ".join(f"{k} page {v[1]} vs CLI {v[0]}" for k, v in mism.items()))
          + (f" Page errors: {'; '.join(b['errors'])}" if b.get("errors") else "") + "\n")
        if b.get("note"):
            w(b["note"] + "\n")
    return "\n".join(out).rstrip() + "\n"
