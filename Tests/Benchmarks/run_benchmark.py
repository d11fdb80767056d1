#!/usr/bin/env python3
"""Benchmark `nomen` against ripgrep on generated corpora.

    run_benchmark.py --nomen PATH [--size-mb 250] [--runs 5] [--work DIR] [--json FILE]

Corpora (made by generate_corpus.py next to this script, cached in --work and reused
while the generator and its arguments are unchanged):

    low       --size-mb MB, density low   (hard links to the 4 scaling parts when
                                           base-mb * 4 == size-mb, the default)
    high      --size-mb MB, density high
    scale-1x  base-mb  (default size-mb / 4), density low
    scale-2x  2 x base-mb (hard links to two generated parts)
    scale-4x  4 x base-mb (the `low` corpus itself when the sizes line up)
    tiny10    10 files, density high

Measurements (wall time with time.perf_counter around subprocess.run, stdout to
/dev/null; one untimed warm-up of every command first, then the commands of a group
run round-robin, rotating the start each round; before each timed run the command's
corpus is read, untimed, so that every run starts with its files in the page cache;
a quick group runs more rounds than --runs, enough for --min-time seconds (default 3)
of its quickest command, at most 4 x --runs, as hyperfine does):

    low, high  nomen lint --format json C | rg -P --no-unicode -c -f PCRE C |
               rg --no-unicode -c -f RUST C | nomen rewrite C
    threads    nomen lint --threads 1 ... vs --threads 2 ... on `low`, and rg -j1 vs
               rg -j2 (rg --no-unicode -c -f RUST) for reference
    scaling    nomen lint on scale-1x, scale-2x, scale-4x
    tiny       nomen lint on tiny10 (and rg -P for reference), --small-runs times
    RSS        /usr/bin/time -v (Maximum resident set size) of nomen lint on low and high

Exit status 0 and 1 of nomen and rg mean success (1 = findings / pending changes /
no match); 2 or more, or a signal, is a failure: that command is dropped from its
group and reported. The PCRE patterns come from `nomen rules --print-patterns`
(one PCRE2 pattern per line; blank lines and `#` lines are skipped, and a line
`id<TAB>pattern` keeps the part after the last tab). If that fails, a built-in list
is used. The patterns for rg's default engine are the same patterns with lookarounds
removed (and a few PCRE-only spellings rewritten), so that search also counts near
misses: it is a lower bound for the work, not an equivalent check.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = os.path.join(HERE, "generate_corpus.py")

B = r"(?<![A-Za-z0-9_])"
E = r"(?![A-Za-z0-9_])"
BUILTIN_PATTERNS = [
    B + r"production_training_data_(?:1w|1m|3m|6m|12m|\$?\{[A-Za-z_][A-Za-z0-9_]*\})" + E,
    B + r"Models/local/(?:baselines|advanced|ensemble|regime)" + E,
    B + r"(?:trump_rich_2023_2025|crisis_2008_historical|pre_crisis_2000_2007_historical"
        r"|recovery_2010_2016_historical|trade_war_2017_2019_historical)" + E,
    B + r"zl_training_(?:prod_all_1m|full_all_1w)" + E,
    B + r"(?:daily_forecasts|monthly_vertex_predictions)" + E,
    B + r"soybean_oil_prices" + E,
    B + r"(?:vertex_ai_training_(?:1w|1m|3m|6m|12m)_base|training_dataset_[A-Za-z0-9_]+"
        r"|forecasting_data_warehouse\.[A-Za-z0-9_]+)" + E,
]

OK_CODES = (0, 1)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ patterns

def pcre_to_rust(p: str) -> str:
    """Rewrite one PCRE2 pattern for ripgrep's default (Rust regex) engine.

    Lookarounds are removed (Rust regex has none), atomic groups become plain groups,
    possessive quantifiers become greedy ones, `(?<name>` becomes `(?P<name>`, and
    escaped punctuation that Rust rejects (`\\/`, `\\'`, ...) loses its backslash.
    """
    out = []
    i, n = 0, len(p)
    meta = set("\\.+*?()|[]{}^$#&-~")
    while i < n:
        c = p[i]
        if c == "\\" and i + 1 < n:
            d = p[i + 1]
            if d == "Q":  # \Q...\E literal span
                j = p.find("\\E", i + 2)
                j = n if j < 0 else j
                out.append("".join("\\" + ch if ch in meta else ch for ch in p[i + 2:j]))
                i = j + 2
                continue
            if d == "h":
                out.append(r"[ \t]")
            elif d == "Z":
                out.append(r"\z")
            elif not d.isalnum() and d not in meta and d != " ":
                out.append(d)
            else:
                out.append(c + d)
            i += 2
            continue
        if c == "[":  # copy a character class verbatim
            j = i + 1
            if j < n and p[j] == "^":
                j += 1
            if j < n and p[j] == "]":
                j += 1
            while j < n and p[j] != "]":
                j += 2 if p[j] == "\\" else 1
            cls = p[i:j + 1]
            cls = re.sub(r"\\([^A-Za-z0-9\\\]\[^\-&~])", r"\1", cls)
            out.append(cls)
            i = j + 1
            continue
        if p.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            depth, j = 0, i
            while j < n:
                ch = p[j]
                if ch == "\\":
                    j += 2
                    continue
                if ch == "[":
                    j += 1
                    while j < n and p[j] != "]":
                        j += 2 if p[j] == "\\" else 1
                elif ch == "(":
                    depth += 1
                elif ch == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            i = j + 1
            continue
        if p.startswith("(?>", i):
            out.append("(?:")
            i += 3
            continue
        if p.startswith("(?<", i):
            out.append("(?P<")
            i += 3
            continue
        if c == "+" and out and out[-1] in ("*", "+", "?", "}"):
            i += 1  # possessive quantifier
            continue
        out.append(c)
        i += 1
    return "".join(out)


def parse_pattern_lines(text: str) -> list:
    pats = []
    for line in text.splitlines():
        line = line.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if "\t" in line:
            line = line.rsplit("\t", 1)[1]
        pats.append(line)
    return pats


def rg_accepts(rg: str, flags: list, pats: list, scratch: str) -> tuple:
    path = os.path.join(scratch, "probe-patterns.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(pats) + "\n")
    empty = os.path.join(scratch, "probe-empty.txt")
    open(empty, "w").close()
    r = subprocess.run([rg] + flags + ["-c", "-f", path, empty], capture_output=True, text=True)
    return r.returncode in OK_CODES, r.stderr.strip()


def prepare_patterns(nomen: str, rg: str, work: str) -> dict:
    info = {"source": "nomen rules --print-patterns", "error": None}
    pats = []
    try:
        r = subprocess.run([nomen, "rules", "--print-patterns"], capture_output=True, text=True, timeout=120)
        if r.returncode == 0:
            pats = parse_pattern_lines(r.stdout)
            if not pats:
                info["error"] = "printed no patterns"
        else:
            info["error"] = f"exit {r.returncode}: {r.stderr.strip()[-300:]}"
    except (OSError, subprocess.SubprocessError) as exc:
        info["error"] = str(exc)
    if pats:
        ok, err = rg_accepts(rg, ["-P", "--no-unicode"], pats, work)
        if not ok:
            info["error"] = f"rg -P rejected nomen's patterns: {err[-300:]}"
            pats = []
    if not pats:
        log(f"warning: nomen rules --print-patterns failed ({info['error']}); using the built-in pattern list")
        info["source"] = "built-in"
        pats = list(BUILTIN_PATTERNS)

    rust = []
    dropped = []
    for p in pats:
        q = pcre_to_rust(p)
        if not q:
            dropped.append(p)
            continue
        ok, err = rg_accepts(rg, ["--no-unicode"], [q], work)
        if ok:
            rust.append(q)
        else:
            dropped.append(p)
            log(f"warning: no Rust-regex form for {p!r}: {err.splitlines()[-1] if err else '?'}")
    pcre_file = os.path.join(work, "patterns.pcre.txt")
    rust_file = os.path.join(work, "patterns.rust.txt")
    with open(pcre_file, "w") as fh:
        fh.write("\n".join(pats) + "\n")
    with open(rust_file, "w") as fh:
        fh.write("\n".join(rust) + "\n")
    info.update(pcre_file=pcre_file, rust_file=rust_file, pcre_count=len(pats), rust_count=len(rust),
                rust_dropped=dropped)
    return info


# ------------------------------------------------------------------ corpora

def _gen_digest() -> str:
    with open(GENERATOR, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()[:16]


def _walk_stats(root: str) -> dict:
    files = size = mt = 0
    latest = 0
    for dp, dn, fn in os.walk(root):
        for f in fn:
            st = os.stat(os.path.join(dp, f))
            files += 1
            size += st.st_size
            mt = (mt + st.st_mtime_ns) % (1 << 61)
            latest = max(latest, st.st_mtime_ns)
    return {"files": files, "bytes": size, "mtime_sum": mt, "mtime_max": latest}


def generate(work: str, name: str, gen_args: list) -> dict:
    """Generate (or reuse) work/parts/<name>; return the generator's summary."""
    out = os.path.join(work, "parts", name)
    meta = os.path.join(work, "meta", name + ".json")
    key = {"args": gen_args, "generator": _gen_digest()}
    if os.path.exists(meta) and os.path.isdir(out):
        with open(meta) as fh:
            m = json.load(fh)
        if m.get("key") == key:
            st = _walk_stats(out)
            if st["files"] == m["summary"]["files"] and st["bytes"] == m["summary"]["bytes"]:
                log(f"reusing corpus {name} ({st['files']} files, {st['bytes'] / 1e6:.1f} MB)")
                return m["summary"]
    os.makedirs(os.path.dirname(meta), exist_ok=True)
    if os.path.exists(meta):
        os.remove(meta)
    summary_file = meta + ".summary"
    t0 = time.perf_counter()
    cmd = [sys.executable, GENERATOR, out, "--force", "--quiet", "--summary-json", summary_file] + gen_args
    r = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SystemExit(f"error: corpus generation failed: {' '.join(cmd)}")
    log(f"generated {name} in {time.perf_counter() - t0:.1f}s: {r.stdout.strip()}")
    with open(summary_file) as fh:
        summary = json.load(fh)
    os.remove(summary_file)
    with open(meta, "w") as fh:
        json.dump({"key": key, "summary": summary}, fh, indent=1)
    return summary


def assemble(work: str, name: str, parts: list) -> str:
    """Make work/corpora/<name>/partI/... as hard links to generated parts."""
    dest = os.path.join(work, "corpora", name)
    stamp = os.path.join(work, "meta", f"assembled-{name}.json")
    want = {"parts": parts, "stats": [_walk_stats(os.path.join(work, "parts", p)) for p in parts]}
    if os.path.exists(stamp) and os.path.isdir(dest):
        with open(stamp) as fh:
            if json.load(fh) == want:
                return dest
    if os.path.exists(dest):
        shutil.rmtree(dest)
    for i, p in enumerate(parts):
        src = os.path.join(work, "parts", p)
        dst = os.path.join(dest, f"part{i}")
        try:
            shutil.copytree(src, dst, copy_function=os.link)
        except OSError:
            shutil.rmtree(dst, ignore_errors=True)
            shutil.copytree(src, dst)
    with open(stamp, "w") as fh:
        json.dump(want, fh)
    return dest


def corpus_info(path: str, summaries: list) -> dict:
    return {"path": path,
            "files": sum(s["files"] for s in summaries),
            "bytes": sum(s["bytes"] for s in summaries),
            "legacy_refs": sum(s["legacy_refs"] for s in summaries),
            "density": summaries[0]["density"]}


def build_corpora(args, work: str) -> dict:
    size, base, seed = args.size_mb, args.base_mb, args.seed
    corpora = {}
    part_names = []
    parts_summ = []
    for i in range(4):
        name = f"low-{base:g}mb-s{seed + i}"
        parts_summ.append(generate(work, name, ["--size-mb", f"{base:g}", "--density", "low", "--seed", str(seed + i)]))
        part_names.append(name)
    corpora["scale-1x"] = corpus_info(assemble(work, "scale-1x", part_names[:1]), parts_summ[:1])
    corpora["scale-2x"] = corpus_info(assemble(work, "scale-2x", part_names[:2]), parts_summ[:2])
    corpora["scale-4x"] = corpus_info(assemble(work, "scale-4x", part_names), parts_summ)
    if abs(base * 4 - size) < 1e-9:
        corpora["low"] = dict(corpora["scale-4x"])
    else:
        name = f"low-{size:g}mb-s{seed}"
        s = generate(work, name, ["--size-mb", f"{size:g}", "--density", "low", "--seed", str(seed)])
        corpora["low"] = corpus_info(os.path.join(work, "parts", name), [s])
    name = f"high-{size:g}mb-s{seed}"
    s = generate(work, name, ["--size-mb", f"{size:g}", "--density", "high", "--seed", str(seed)])
    corpora["high"] = corpus_info(os.path.join(work, "parts", name), [s])
    name = f"tiny10-s{seed}"
    s = generate(work, name, ["--files", "10", "--density", "high", "--seed", str(seed)])
    corpora["tiny10"] = corpus_info(os.path.join(work, "parts", name), [s])
    return corpora


# ------------------------------------------------------------------ running

class Cmd:
    def __init__(self, label: str, argv: list, sanity: str | None = None, reads: str | None = None):
        self.label = label
        self.argv = argv
        self.sanity = sanity  # "rg", "lint", "rewrite" or None
        self.reads = reads  # the corpus the command reads: put back in the page cache before each run
        self.times = []
        self.codes = set()
        self.error = None
        self.warmup = None
        self.output = {}

    def result(self) -> dict:
        t = self.times
        return {"label": self.label, "argv": self.argv, "runs": len(t),
                "median_s": statistics.median(t) if t else None,
                "min_s": min(t) if t else None, "max_s": max(t) if t else None,
                "mean_s": statistics.fmean(t) if t else None,
                "stdev_s": statistics.stdev(t) if len(t) > 1 else None,
                "times_s": [round(x, 6) for x in t], "warmup_s": self.warmup,
                "exit_codes": sorted(self.codes), "error": self.error, "output": self.output}


def rewrite_argv(nomen: str, corpus: str) -> list:
    """`nomen rewrite .` run inside the corpus: a patch names files relative to the working
    folder, so nomen refuses paths outside it."""
    return ["sh", "-c", 'cd "$1" && exec "$0" rewrite .', nomen, corpus]


def run_once(argv: list, timeout: float, stdout=subprocess.DEVNULL) -> tuple:
    t0 = time.perf_counter()
    try:
        r = subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - t0, None, f"timed out after {timeout:.0f}s"
    except OSError as exc:
        return time.perf_counter() - t0, None, str(exc)
    dt_ = time.perf_counter() - t0
    err = r.stderr.decode("utf-8", "replace").strip()
    return dt_, r.returncode, err


def describe_failure(code, err) -> str:
    if code is None:
        return err
    what = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
    tail = err[-400:] if err else ""
    return f"{what}{': ' + tail if tail else ''}"


def sanity_count(kind: str, path: str) -> dict:
    size = os.path.getsize(path)
    out = {"stdout_bytes": size}
    try:
        if kind == "rg":
            total = files = 0
            with open(path, "rb") as fh:
                for line in fh:
                    head, _, n = line.rstrip(b"\n").rpartition(b":")
                    if head and n.isdigit():
                        total += int(n)
                        files += 1
            out.update(matching_lines=total, files_with_matches=files)
        elif kind == "rewrite":
            files = hunks = minus = 0
            with open(path, "rb") as fh:
                for line in fh:
                    if line.startswith(b"+++ "):
                        files += 1
                    elif line.startswith(b"@@"):
                        hunks += 1
                    elif line.startswith(b"-") and not line.startswith(b"--- "):
                        minus += 1
            out.update(diff_files=files, diff_hunks=hunks, diff_removed_lines=minus)
        elif kind == "lint" and size <= 256 * 1024 * 1024:
            with open(path, "rb") as fh:
                data = fh.read()
            try:
                doc = json.loads(data)
                if isinstance(doc, list):
                    out["findings"] = len(doc)
                elif isinstance(doc, dict):
                    for key in ("findings", "diagnostics", "results", "violations"):
                        if isinstance(doc.get(key), list):
                            out["findings"] = len(doc[key])
                            break
            except ValueError:
                lines = [ln for ln in data.splitlines() if ln.strip()]
                if lines and all(ln.lstrip().startswith(b"{") for ln in lines[:50]):
                    out["findings"] = len(lines)  # JSON Lines
    except OSError:
        pass
    return out


def warm_cache(path: str | None) -> None:
    """Reads every file under `path` (untimed). This machine kind reclaims cached file pages
    within seconds even with memory free (a 250 MB corpus lost ~1.3 MB/s of its cached pages),
    so a single warm-up leaves later runs reading some files from disk, the same for every
    command but by a varying amount: each timed run starts from a warm cache instead."""
    if not path:
        return
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                with open(os.path.join(root, f), "rb") as fh:
                    while fh.read(1 << 20):
                        pass
            except OSError:
                pass


def bench_group(name: str, cmds: list, rounds: int, timeout: float, work: str, min_time: float = 0.0) -> list:
    """Runs `rounds` rounds, or more when the group is quick: as many as give its quickest
    command (by its warm-up) `min_time` seconds of timed runs, at most 4 x `rounds`
    (hyperfine's rule of at least 3 s per command: a short run's median is noisier)."""
    log(f"[{name}] warm-up: " + ", ".join(c.label for c in cmds))
    for c in cmds:
        capture = os.path.join(work, f"stdout-{os.getpid()}.tmp") if c.sanity else None
        fh = open(capture, "wb") if capture else subprocess.DEVNULL
        try:
            t, code, err = run_once(c.argv, timeout, stdout=fh)
        finally:
            if capture:
                fh.close()
        c.warmup = round(t, 6)
        if code not in OK_CODES:
            c.error = describe_failure(code, err)
            log(f"[{name}] {c.label}: FAILED in warm-up ({c.error})")
        else:
            c.codes.add(code)
            if capture:
                c.output = sanity_count(c.sanity, capture)
        if capture and os.path.exists(capture):
            os.remove(capture)
    live = [c for c in cmds if c.error is None]
    if live and min_time > 0:
        quickest = max(min(c.warmup for c in live), 1e-3)
        wanted = min(4 * rounds, math.ceil(min_time / quickest))
        if wanted > rounds:
            log(f"[{name}] {wanted} rounds (quickest warm-up {quickest:.3f}s, --min-time {min_time:g}s)")
            rounds = wanted
    for r in range(rounds):
        order = live[r % len(live):] + live[:r % len(live)] if live else []
        for c in order:
            if c.error is not None:
                continue
            warm_cache(c.reads)
            t, code, err = run_once(c.argv, timeout)
            if code not in OK_CODES:
                c.error = describe_failure(code, err)
                log(f"[{name}] {c.label}: FAILED in run {r + 1} ({c.error})")
                continue
            c.codes.add(code)
            c.times.append(t)
        if rounds <= 10 or (r + 1) % 10 == 0 or r + 1 == rounds:
            done = ", ".join(f"{c.label} {statistics.median(c.times):.3f}s" for c in live if c.times)
            log(f"[{name}] round {r + 1}/{rounds}: median so far {done}")
    return [c.result() for c in cmds]


def peak_rss(argv: list, timeout: float) -> dict:
    time_bin = "/usr/bin/time"
    if not os.access(time_bin, os.X_OK):
        return {"argv": argv, "error": "/usr/bin/time not found"}
    try:
        r = subprocess.run([time_bin, "-v"] + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"argv": argv, "error": "timed out"}
    err = r.stderr.decode("utf-8", "replace")
    m = re.search(r"Maximum resident set size \(kbytes\):\s*(\d+)", err)
    status = re.search(r"Exit status:\s*(\d+)", err)
    code = int(status.group(1)) if status else r.returncode
    res = {"argv": argv, "exit_status": code, "max_rss_kb": int(m.group(1)) if m else None}
    if code not in OK_CODES:
        own = "\n".join(ln for ln in err.split("\tCommand being timed")[0].splitlines()
                        if not ln.startswith("Command exited with non-zero status"))
        res["error"] = describe_failure(code, own.strip())
    return res


# ------------------------------------------------------------------ report

def fmt_s(x) -> str:
    if x is None:
        return "-"
    return f"{x * 1000:.1f} ms" if x < 1 else f"{x:.3f} s"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_r(x) -> str:
    return "-" if x is None else f"{x:.2f}x"


def med(results: list, label: str):
    for r in results:
        if r["label"] == label:
            return r["median_s"]
    return None


def print_group(title: str, corpus: dict | None, results: list) -> None:
    head = title
    if corpus:
        head += f"  ({corpus['files']} files, {corpus['bytes'] / 1e6:.1f} MB, " \
                f"{corpus['legacy_refs']} legacy refs, {corpus['path']})"
    print(head)
    print(f"  {'command':<28}{'median':>11}{'min':>11}{'max':>11}{'runs':>6}  {'MB/s':>7}  exit  notes")
    for r in results:
        mbps = ""
        if corpus and r["median_s"]:
            mbps = f"{corpus['bytes'] / 1e6 / r['median_s']:.0f}"
        notes = r["error"] and f"FAILED: {r['error'][:80]}" or \
            ", ".join(f"{k}={v}" for k, v in r["output"].items() if k != "stdout_bytes")
        codes = ",".join(str(c) for c in r["exit_codes"]) or "-"
        print(f"  {r['label']:<28}{fmt_s(r['median_s']):>11}{fmt_s(r['min_s']):>11}{fmt_s(r['max_s']):>11}"
              f"{r['runs']:>6}  {mbps:>7}  {codes:<4}  {notes}")
    print()


def tool_version(argv: list) -> str | None:
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    out = (r.stdout or r.stderr).strip().splitlines()
    return out[0] if r.returncode == 0 and out else None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=None)
    ap.add_argument("--nomen", required=True, help="path to the nomen binary")
    ap.add_argument("--size-mb", type=float, default=250.0, help="size of the low and high corpora (default 250)")
    ap.add_argument("--base-mb", type=float, default=None,
                    help="1x size for the scaling test (default size-mb / 4, which lets `low` reuse the 4x parts)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per command on big corpora (default 5)")
    ap.add_argument("--min-time", type=float, default=3.0,
                    help="seconds of timed runs wanted of a group's quickest command: quick groups run more "
                         "rounds than --runs, up to 4 x --runs (default 3, as hyperfine; 0 = exactly --runs)")
    ap.add_argument("--small-runs", type=int, default=30, help="timed runs on the 10-file corpus (default 30, min 20)")
    ap.add_argument("--threads", type=int, nargs=2, default=[1, 2], metavar=("A", "B"),
                    help="thread counts compared (default 1 2)")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "nomen-bench"),
                    help="work folder for corpora and pattern files; keep it outside any git repository "
                         "(default: %(default)s)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rg", default=shutil.which("rg") or "rg", help="ripgrep binary")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds allowed for one command run")
    ap.add_argument("--budget", type=float, default=540.0,
                    help="seconds; once spent, the remaining groups run only 3 rounds (default 540)")
    ap.add_argument("--skip", action="append", default=[],
                    choices=["low", "high", "threads", "scaling", "tiny", "rss"], help="skip a group (repeatable)")
    ap.add_argument("--json", help="also write the JSON result to this file")
    args = ap.parse_args(argv)
    if args.base_mb is None:
        args.base_mb = args.size_mb / 4
    args.small_runs = max(20, args.small_runs)
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    start = time.perf_counter()
    nomen = os.path.abspath(args.nomen)
    if not (os.path.isfile(nomen) and os.access(nomen, os.X_OK)):
        ap.error(f"--nomen {args.nomen}: not an executable file")
    rg = shutil.which(args.rg) or args.rg
    if not shutil.which(rg):
        ap.error(f"ripgrep not found ({args.rg})")
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)

    env = {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
           "host": platform.node(), "platform": platform.platform(), "cpus": os.cpu_count(),
           "python": platform.python_version(), "nomen": nomen,
           "nomen_version": tool_version([nomen, "--version"]), "rg": rg,
           "rg_version": tool_version([rg, "--version"])}
    log(f"nomen: {nomen} ({env['nomen_version'] or 'version unknown'}); rg: {env['rg_version']}")

    patterns = prepare_patterns(nomen, rg, work)
    log(f"patterns: {patterns['pcre_count']} PCRE from {patterns['source']}, {patterns['rust_count']} for rg's default engine")
    corpora = build_corpora(args, work)
    gen_done = time.perf_counter()

    P, R = patterns["pcre_file"], patterns["rust_file"]
    groups = {}

    def rounds(n):
        spent = time.perf_counter() - start
        if spent > args.budget:
            log(f"budget of {args.budget:.0f}s spent ({spent:.0f}s): running 3 rounds")
            return min(n, 3)
        return n

    def min_time():
        return args.min_time if time.perf_counter() - start <= args.budget else 0.0

    def big_cmds(c):
        return [Cmd("nomen lint", [nomen, "lint", "--format", "json", c], "lint", reads=c),
                Cmd("rg -P", [rg, "-P", "--no-unicode", "-c", "-f", P, c], "rg", reads=c),
                Cmd("rg (no lookarounds)", [rg, "--no-unicode", "-c", "-f", R, c], "rg", reads=c),
                Cmd("nomen rewrite", rewrite_argv(nomen, c), "rewrite", reads=c)]

    for dens in ("low", "high"):
        if dens in args.skip:
            continue
        c = corpora[dens]["path"]
        before = _walk_stats(c)
        groups[dens] = bench_group(dens, big_cmds(c), rounds(args.runs), args.timeout, work, min_time())
        after = _walk_stats(c)
        if before != after:
            log(f"WARNING: the {dens} corpus changed during the benchmark (did `nomen rewrite` write files?); "
                "its cache entry is dropped and results may be invalid")
            corpora[dens]["modified_during_run"] = True
            shutil.rmtree(os.path.join(work, "meta"), ignore_errors=True)

    t1, t2 = args.threads
    if "threads" not in args.skip:
        c = corpora["low"]["path"]
        # rg at the same thread counts: what the machine gives a grep that splits its work
        # over threads (its files and kernel calls as nomen's), for reference.
        groups["threads"] = bench_group("threads", [
            Cmd(f"nomen lint --threads {t1}", [nomen, "lint", "--threads", str(t1), "--format", "json", c], reads=c),
            Cmd(f"nomen lint --threads {t2}", [nomen, "lint", "--threads", str(t2), "--format", "json", c], reads=c),
            Cmd(f"rg -j{t1}", [rg, f"-j{t1}", "--no-unicode", "-c", "-f", R, c], "rg", reads=c),
            Cmd(f"rg -j{t2}", [rg, f"-j{t2}", "--no-unicode", "-c", "-f", R, c], "rg", reads=c),
        ], rounds(args.runs), args.timeout, work, min_time())

    if "scaling" not in args.skip:
        groups["scaling"] = bench_group("scaling", [
            Cmd(f"nomen lint {k}", [nomen, "lint", "--format", "json", corpora[f"scale-{k}"]["path"]], reads=corpora[f"scale-{k}"]["path"])
            for k in ("1x", "2x", "4x")], rounds(args.runs), args.timeout, work, min_time())

    if "tiny" not in args.skip:
        c = corpora["tiny10"]["path"]
        groups["tiny"] = bench_group("tiny", [
            Cmd("nomen lint", [nomen, "lint", "--format", "json", c], "lint", reads=c),
            Cmd("rg -P", [rg, "-P", "--no-unicode", "-c", "-f", P, c], "rg", reads=c),
        ], args.small_runs if time.perf_counter() - start <= args.budget else 20, args.timeout, work)

    rss = {}
    if "rss" not in args.skip:
        for dens in ("low", "high"):
            c = corpora[dens]["path"]
            log(f"[rss] nomen lint on {dens}")
            rss[f"lint_{dens}"] = peak_rss([nomen, "lint", "--format", "json", c], args.timeout)
        log("[rss] nomen rewrite and rg -P on high")
        rss["rewrite_high"] = peak_rss(rewrite_argv(nomen, corpora["high"]["path"]), args.timeout)
        rss["rg_pcre_high"] = peak_rss([rg, "-P", "--no-unicode", "-c", "-f", P, corpora["high"]["path"]],
                                       args.timeout)

    # ---- derived numbers
    summary = {}
    for dens in ("low", "high"):
        g = groups.get(dens)
        if not g:
            continue
        lint, rgp, rgr, rew = (med(g, x) for x in ("nomen lint", "rg -P", "rg (no lookarounds)", "nomen rewrite"))
        summary[dens] = {"lint_s": lint, "rg_pcre_s": rgp, "rg_s": rgr, "rewrite_s": rew,
                         "lint_over_rg_pcre": ratio(lint, rgp), "lint_over_rg": ratio(lint, rgr),
                         "rewrite_over_lint": ratio(rew, lint),
                         "lint_mb_per_s": ratio(corpora[dens]["bytes"] / 1e6, lint)}
    if groups.get("threads"):
        a, b = med(groups["threads"], f"nomen lint --threads {t1}"), med(groups["threads"], f"nomen lint --threads {t2}")
        ra, rb = med(groups["threads"], f"rg -j{t1}"), med(groups["threads"], f"rg -j{t2}")
        summary["threads"] = {f"threads_{t1}_s": a, f"threads_{t2}_s": b, "speedup": ratio(a, b),
                              f"rg_j{t1}_s": ra, f"rg_j{t2}_s": rb, "rg_speedup": ratio(ra, rb)}
    if groups.get("scaling"):
        s = {k: med(groups["scaling"], f"nomen lint {k}") for k in ("1x", "2x", "4x")}
        summary["scaling"] = {"1x_s": s["1x"], "2x_s": s["2x"], "4x_s": s["4x"],
                              "2x_over_1x": ratio(s["2x"], s["1x"]), "4x_over_1x": ratio(s["4x"], s["1x"]),
                              "base_mb": args.base_mb}
    if groups.get("tiny"):
        summary["tiny10"] = {"lint_s": med(groups["tiny"], "nomen lint"), "rg_pcre_s": med(groups["tiny"], "rg -P")}
    if rss:
        summary["peak_rss_mb"] = {k: (v["max_rss_kb"] / 1024 if v.get("max_rss_kb") and not v.get("error") else None)
                                  for k, v in rss.items()}
    failures = [f"{gname}: {r['label']}: {r['error']}" for gname, g in groups.items() for r in g if r["error"]]
    failures += [f"rss {k}: {v['error']}" for k, v in rss.items() if v.get("error")]
    failures += [f"corpus {k} was modified during the run (by nomen rewrite?)"
                 for k, c in corpora.items() if c.get("modified_during_run")]

    # ---- readable report
    print()
    print(f"nomen benchmark  {env['date']}  cpus={env['cpus']}  rg={env['rg_version']}  nomen={env['nomen_version']}")
    print(f"patterns: {patterns['pcre_count']} from {patterns['source']}"
          + (f" ({patterns['error']})" if patterns["error"] else "")
          + f"; {patterns['rust_count']} without lookarounds for rg's default engine")
    print(f"corpus generation {gen_done - start:.1f}s; total {time.perf_counter() - start:.1f}s")
    print()
    titles = {"low": ("low density", "low"), "high": ("high density", "high"),
              "threads": ("threads (low corpus)", "low"), "scaling": ("scaling", None),
              "tiny": ("10-file corpus", "tiny10")}
    for gname, g in groups.items():
        title, ckey = titles[gname]
        print_group(title, corpora[ckey] if ckey else None, g)
    if "scaling" in groups:
        for k in ("1x", "2x", "4x"):
            c = corpora[f"scale-{k}"]
            print(f"  scale-{k}: {c['files']} files, {c['bytes'] / 1e6:.1f} MB ({c['path']})")
        print()

    print("summary")
    for dens in ("low", "high"):
        s = summary.get(dens)
        if s:
            print(f"  {dens:<5} lint {fmt_s(s['lint_s'])}, rg -P {fmt_s(s['rg_pcre_s'])}, rg {fmt_s(s['rg_s'])}, "
                  f"rewrite {fmt_s(s['rewrite_s'])} | lint/rg-P {fmt_r(s['lint_over_rg_pcre'])}, "
                  f"lint/rg {fmt_r(s['lint_over_rg'])}, rewrite/lint {fmt_r(s['rewrite_over_lint'])}")
    if "threads" in summary:
        s = summary["threads"]
        print(f"  threads {t1}->{t2} speed-up: {fmt_r(s['speedup'])} (rg -j{t1} -> -j{t2}: {fmt_r(s['rg_speedup'])})")
    if "scaling" in summary:
        s = summary["scaling"]
        print(f"  scaling 1x/2x/4x of {args.base_mb:g} MB: {fmt_s(s['1x_s'])} / {fmt_s(s['2x_s'])} / "
              f"{fmt_s(s['4x_s'])}; 4x/1x = {fmt_r(s['4x_over_1x'])}")
    if "tiny10" in summary:
        s = summary["tiny10"]
        print(f"  10-file lint: {fmt_s(s['lint_s'])} (rg -P {fmt_s(s['rg_pcre_s'])})")
    if rss:
        print("  peak RSS: " + ", ".join(f"{k} {v:.0f} MB" if v is not None else f"{k} failed"
                                         for k, v in summary["peak_rss_mb"].items()))
    if failures:
        print("failures:")
        for f in failures:
            print(f"  {f}")
    print()

    result = {"env": env, "args": {k: v for k, v in vars(args).items()}, "patterns": patterns,
              "corpora": corpora, "groups": groups, "rss": rss, "summary": summary, "failures": failures,
              "seconds": {"generation": round(gen_done - start, 2), "total": round(time.perf_counter() - start, 2)}}
    blob = json.dumps(result, indent=2)
    print(blob)
    if args.json:
        with open(args.json, "w") as fh:
            fh.write(blob + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
