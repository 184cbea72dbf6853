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
        f"{_rate(_mb(size), t['median']):,.0f} MB/s | {_rate(size / 1e9, _cpu(t)):,.2f} GB/s | "
        f"{_rate(lines, t['median']) / 1e6:,.2f} M lines/s | "
        f"{_cpu(t):.3f} s | {rss} | {t['runs']} |"
    )


def _med(xs):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return float("nan")
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def _stage(runs, group, key):
    return _med([(r or {}).get(group, {}).get(key) for r in runs])


# (group, key, label, unit): the rows of the per-stage table.
STAGES = [
    ("wall", "collect", "input change event → files listed (page)", "ms"),
    ("wall", "to_pool", "files listed → workers started (page, app controller)", "ms"),
    ("wall", "worker_startup", "worker start-up (wasm instantiated)", "ms"),
    ("wall", "workers_parse", "workers started → last worker parsed its files", "ms"),
    ("worker_cpu", "read", "  file reading: time a worker waited for bytes (sum of workers)", "ms"),
    ("worker_cpu", "copy_into_wasm", "  copy into wasm memory (sum)", "ms"),
    ("worker_cpu", "classify", "  classification (sum)", "ms"),
    ("worker_cpu", "parse", "  line splitting + JSON parsing + records (sum)", "ms"),
    ("worker_cpu", "ledger_insert", "  ledger insertion (sum)", "ms"),
    ("worker_cpu", "progress_posts", "  progress messages posted (sum)", "ms"),
    ("worker_cpu", "messages", "  progress messages (count)", ""),
    ("wall", "worker_serialize", "serialising the worker's ledger (slowest worker)", "ms"),
    ("worker_cpu", "result_bytes", "  result size (all workers)", "MB"),
    ("wall", "post_to_page", "posting the result to the page (slowest)", "ms"),
    ("page", "decode", "page: JSON decode of the results", "ms"),
    ("page", "decode_merge", "page: wire decode + merge, as results arrive (sum)", "ms"),
    ("page", "merge", "page: merge_all", "ms"),
    ("wall", "page_after_last_result", "last result received → analysis starts", "ms"),
    ("page", "analysis_core", "analysis (filter, calls, rollups, sessions, periods, ...)", "ms"),
    ("page", "analysis_insights", "insights", "ms"),
    ("page", "analysis_report", "report", "ms"),
    ("wall", "render", "analysis done → total in the DOM (render)", "ms"),
    ("wall", "frame", "→ next frame", "ms"),
    ("page", "save_serialize", "IndexedDB save: serialising (after the frame since this change)", "ms"),
    ("wall", "total_change_to_frame", "**total: change event → frame with the overview**", "ms"),
]


def _fmt_stage(v, unit):
    if v != v:  # NaN: not recorded by that build
        return "–"
    if unit == "MB":
        return f"{v / 1e6:,.1f} MB"
    if unit == "ms":
        return f"{v:,.0f}"
    return f"{v:,.0f}"


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
      "This file is written by that script; every figure down to the size-realistic section comes from one "
      "run of it (that section names its own command, and every section after it names the command that "
      "measured it; `scripts/bench` keeps them as they are):\n")
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
    w("| run | median wall | min / max | throughput (wall) | GB per CPU second | lines | CPU time (user+sys, mean) | peak RSS | runs |")
    w("|---|---|---|---|---|---|---|---|---|")
    w(_time_row(f"all CPUs ({m['nproc']} threads)", n["all"], c["bytes"], lines_read, f"{n['rss_all_mib']:,.0f} MiB"))
    w(_time_row("one CPU (`taskset -c 0`)", n["one"], c["bytes"], lines_read, f"{n['rss_one_mib']:,.0f} MiB"))
    nb = n.get("baseline")
    if nb:
        w(_time_row(f"before (`{nb['rev']}`), all CPUs", nb["all"], c["bytes"], lines_read, "–"))
        w(_time_row(f"before (`{nb['rev']}`), one CPU", nb["one"], c["bytes"], lines_read, "–"))
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
    if nb:
        w(f"\"before\" is the CLI of commit `{nb['rev']}` (built by `scripts/bench --baseline {nb['rev']}` from "
          "`git archive` in a temp dir), measured in the same hyperfine runs as the current one, so both saw the "
          "same machine load. GB per CPU second = corpus bytes ÷ (user+sys) CPU time: the per-core parse speed, "
          "which a loaded machine disturbs far less than the wall clock.\n")
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
        base = b.get("baseline")
        w(f"Release build (`scripts/build`), served from 127.0.0.1 by a tiny node:http server, Debian Chromium "
          f"{b.get('browser_version', '')} headless via playwright-core, fresh profile per run (so the wasm is "
          "compiled and tiered up from scratch each time, as on a first visit). The headline is the time from "
          "the folder input's `change` event to the frame after the overview shows `kpi-tokens-total` equal to "
          "the CLI's total, on the page's clock; the older headline, from Playwright's `setInputFiles` call, is "
          "kept beside it. CPU time is user+sys of every process of the Chromium tree during the import "
          "(from /proc): the figure to compare on a loaded machine.\n")
        w("```sh\nscripts/build\n" + b["command"] + "\n```\n")
        if base:
            w(f"\"before\" is a dist/ built from commit `{base['commit']}` (the first commit of this work: "
              "the import profile added, results still posted as JSON), measured by "
              "`scripts/bench --baseline-dist DIR` with its runs alternating with the current build's.\n")

        def row(label, r):
            st = r.get("stages") or []
            frame = _med([x["wall"]["total_change_to_frame"] for x in st if x]) / 1000
            cpu = r.get("cpu_seconds") or []
            heap_w = _stage(st, "worker_cpu", "heap_bytes_max")
            heap_p = _stage(st, "page", "heap_bytes")
            return (f"| {label} | {len(r['times'])} | **{frame:.2f} s** | {r['median']:.2f} s "
                    f"({min(r['times']):.2f} / {max(r['times']):.2f}) | "
                    f"{_rate(_mb(c['bytes']), frame):,.0f} MB/s | "
                    f"{_med([x.get('total') for x in cpu]):.2f} s | {_med([x.get('browser') for x in cpu]):.2f} s | "
                    f"{_med([x.get('renderer') for x in cpu]):.2f} s | {heap_w / 2**20:,.0f} MiB | "
                    f"{heap_p / 2**20:,.0f} MiB | {r['peak_rss_mib']:,.0f} MiB |")

        w("| build | runs | change → overview drawn (median) | setInputFiles → drawn, median (min / max) | "
          "throughput | CPU, Chromium tree | of which browser process | renderer (page + workers) | "
          "wasm heap, largest worker | wasm heap, page | peak RSS (Chromium tree) |")
        w("|---|---|---|---|---|---|---|---|---|---|---|")
        if base:
            w(row(f"before (`{base['commit']}`)", base))
        w(row("now", b))
        w("")
        w("Per-stage profile (median over the runs, milliseconds; worker stages are `performance.now()` deltas "
          "summed over the workers, so on a 2-core machine they overlap each other and the page; \"–\" = not "
          "recorded by that build). The line-splitting share comes from one extra `--deep` run, in which each "
          "worker also splits every slice on its own:\n")
        w("| stage | " + (f"before (`{base['commit']}`) | " if base else "") + "now |")
        w("|---|" + ("---|" if base else "") + "---|")
        for group, key, label, unit in STAGES:
            cells = []
            for r in ([base] if base else []) + [b]:
                cells.append(_fmt_stage(_stage(r.get("stages") or [], group, key), unit))
            w(f"| {label} | " + " | ".join(cells) + " |")
        cells = []
        for r in ([base] if base else []) + [b]:
            d = r.get("deep") or {}
            wc = d.get("worker_cpu", {})
            share = wc.get("split", 0) / (wc.get("split", 0) + wc.get("parse", 0)) * 100 if wc.get("parse") else float("nan")
            cells.append(f"{share:.0f} % of parsing" if share == share else "–")
        w("| line splitting alone (deep run) | " + " | ".join(cells) + " |\n")

        w("Parsing alone, in CPU time (`node bench/wasm-parse.mjs --pkg dist/pkg --corpus ...`: the built "
          "module in node's V8, fed every corpus file from memory as the worker feeds it, one thread, "
          "`process.cpuUsage`; the first of the 3 runs includes V8's compilation and tier-up, as a fresh "
          "worker does):\n")
        w("| build | CPU s per run | MB per CPU second (median) | result posted | wasm heap |")
        w("|---|---|---|---|---|")
        for label, r in ([(f"before (`{base['commit']}`)", base)] if base else []) + [("now", b)]:
            wp = r.get("wasm_parse") or {}
            if "runs" not in wp:
                w(f"| {label} | not measured: {wp.get('error', '')} | | | |")
                continue
            w(f"| {label} | " + ", ".join(f"{x['cpu_s']:.2f}" for x in wp["runs"]) + f" | {wp['mb_per_cpu_s']:,.0f} | "
              f"{wp['runs'][0]['wire_bytes'] / 1e6:,.1f} MB | {max(x['heap_bytes'] for x in wp['runs']) / 2**20:,.0f} MiB |")
        w("")
        w(f"Of the setInputFiles figure, Playwright handing the {c['files']:,} file paths to the input took "
          + ", ".join(f"{x:.2f}" for x in b["set_input_files_seconds"]) + " s. Peak RSS sums every process of "
          "the Chromium tree sampled from /proc every 200 ms (shared pages counted once per process, so an "
          "upper bound). Native CLI on the same corpus for scale: "
          f"{n['all']['median']:.2f} s wall.\n")
        probe = b.get("file_size_probe") or {}
        if "first_ms" in probe:
            w(f"Per-file cost outside the workers: reading `File.size` of the {probe['files']:,} files of an "
              f"`<input webkitdirectory>` took {probe['first_ms']:,.0f} ms on a blank page (a second pass: "
              f"{probe['again_ms']:,.0f} ms): Chromium fetches each file's metadata from the browser process on "
              "first access, synchronously. The app's controller asks for the total size before it starts the "
              "workers (`Collected::total_bytes`, for the progress bar), which is the \"files listed → workers "
              "started\" stage above, and it grows with the number of files. Letting the workers report sizes "
              "(they open every file anyway) would take it off the page's critical path; that change belongs to "
              "the app controller (`web/src/app.rs`).\n")
        mism = b.get("mismatches") or {}
        w("Figures on the page vs the CLI (tokens total, cost, lines read/used/duplicate/ignored/malformed): "
          + ("all equal." if not mism else "DIFFERENT: " + ", ".join(f"{k} page {v[1]} vs CLI {v[0]}" for k, v in mism.items()))
          + (f" Page errors: {'; '.join(b['errors'])}" if b.get("errors") else "") + "\n")
        if b.get("note"):
            w(b["note"] + "\n")
    return "\n".join(out).rstrip() + "\n"
