#!/usr/bin/env python3
"""Compare nomen's Python tokenizer with CPython's `tokenize` module.

For every Python file, CPython's STRING and COMMENT tokens are converted to
UTF-8 byte ranges [start, end) and compared with the top-level tokens printed by
`nomen scan --dump FILE`. A file agrees when both sets of (kind, start, end) are
equal.

Usage:
    compare_tokenize.py --nomen PATH [--jobs N] [--show N]
                        [--min-agreement PCT] [--include-site-packages]
                        [--edge-cases] [--verbose] [PATH...]

Without PATH arguments the stdlib directory of the running interpreter is used
(`sysconfig.get_paths()["stdlib"]`, every *.py recursively, except
site-packages/dist-packages unless --include-site-packages is given). A
directory argument is searched recursively for *.py files. Files that are not
valid UTF-8, or on which CPython's tokenize raises, are skipped.

--edge-cases compares a built-in set of small tricky snippets (escapes, f-string
format specs, nested quotes) instead, written to a temporary directory; cases
that need a newer Python than the running one are left out.

Python 3.11's tokenize returns an f-string as one STRING token. On 3.12+
(PEP 701) FSTRING_START ... FSTRING_END is folded into one string token and the
tokens nested inside it are ignored, so the script also runs there.

Exit status: 0 when the percentage of agreeing files is at least
--min-agreement (default 99.0), 1 otherwise (2 on usage errors).
The last line printed is always `compare_tokenize: N passed, M failed`.
"""

import argparse
import codecs
import concurrent.futures
import io
import json
import os
import subprocess
import sys
import sysconfig
import tempfile
import time
import tokenize

SKIP_DIRS = {"site-packages", "dist-packages", "__pycache__"}


# ---------------------------------------------------------------- file lists

def collect_files(paths, include_site_packages):
    files = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(
                    d for d in dirs
                    if include_site_packages or d not in SKIP_DIRS
                )
                for n in sorted(names):
                    if n.endswith(".py"):
                        files.append(os.path.join(root, n))
        elif os.path.isfile(p):
            files.append(p)
        else:
            print(f"compare_tokenize: no such file or directory: {p}", file=sys.stderr)
    return files


# ---------------------------------------------------------------- CPython side

class Skip(Exception):
    pass


def cpython_tokens(data):
    """Set of (kind, start, end) byte ranges from CPython's tokenize.

    Raises Skip when the file is not UTF-8 or tokenize fails on it.
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise Skip("not valid UTF-8")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as e:
        raise Skip(f"detect_encoding: {e}")
    bom = 0
    if encoding == "utf-8-sig":
        encoding = "utf-8"
        if data.startswith(codecs.BOM_UTF8):
            bom = len(codecs.BOM_UTF8)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise Skip(f"unknown encoding {encoding}")

    # tokenize reads the bytes with BytesIO.readline, i.e. lines split on b"\n"
    # only; the first line loses its BOM. Keep each line's byte offset and text.
    line_starts = []  # byte offset of each line (row r -> index r-1)
    line_texts = []
    off = 0
    for k, raw in enumerate(_split_nl(data)):
        start = off
        off += len(raw)
        if k == 0 and bom:
            raw = raw[bom:]
            start += bom
        line_starts.append(start)
        try:
            line_texts.append(raw.decode(encoding))
        except UnicodeDecodeError:
            raise Skip(f"line {k + 1} not decodable as {encoding}")
    total = len(data)

    def offset(row, col):
        if row - 1 >= len(line_texts):  # ENDMARKER-ish positions past the end
            return total
        text = line_texts[row - 1]
        return line_starts[row - 1] + len(text[:col].encode(encoding))

    # On 3.12+ (PEP 701) an f-string is FSTRING_START ... FSTRING_END with the
    # replacement fields tokenized in between; fold the outermost one into a
    # single string token and ignore everything nested inside it.
    fstart = getattr(tokenize, "FSTRING_START", None)
    fend = getattr(tokenize, "FSTRING_END", None)
    tstart = getattr(tokenize, "TSTRING_START", None)
    tend = getattr(tokenize, "TSTRING_END", None)
    starts = {t for t in (fstart, tstart) if t is not None}
    ends = {t for t in (fend, tend) if t is not None}
    result = set()
    nesting = 0
    outer_start = None
    try:
        for tok in tokenize.tokenize(io.BytesIO(data).readline):
            if tok.type in starts:
                if nesting == 0:
                    outer_start = offset(*tok.start)
                nesting += 1
                continue
            if tok.type in ends:
                nesting -= 1
                if nesting == 0:
                    result.add(("string", outer_start, offset(*tok.end)))
                continue
            if nesting:
                continue
            if tok.type == tokenize.STRING:
                kind = "string"
            elif tok.type == tokenize.COMMENT:
                kind = "comment"
            else:
                continue
            result.add((kind, offset(*tok.start), offset(*tok.end)))
    except (tokenize.TokenError, SyntaxError, IndentationError, UnicodeDecodeError,
            LookupError, ValueError) as e:
        raise Skip(f"tokenize: {type(e).__name__}: {e}")
    return result


def _split_nl(data):
    lines = []
    start = 0
    while True:
        k = data.find(b"\n", start)
        if k < 0:
            if start < len(data):
                lines.append(data[start:])
            return lines
        lines.append(data[start:k + 1])
        start = k + 1


# ---------------------------------------------------------------- nomen side

def nomen_tokens(nomen, path, retries=3):
    last_err = None
    for attempt in range(retries):
        if not os.path.exists(nomen):
            # The binary may be being rebuilt; wait for it.
            time.sleep(30)
            continue
        try:
            proc = subprocess.run(
                [nomen, "scan", "--dump", "--language", "python", path],
                capture_output=True, timeout=120,
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            last_err = f"{type(e).__name__}: {e}"
            time.sleep(5)
            continue
        if proc.returncode != 0:
            last_err = f"exit {proc.returncode}: {proc.stderr.decode('utf-8', 'replace').strip()[:300]}"
            if not os.path.exists(nomen):
                time.sleep(30)
                continue
            break
        try:
            doc = json.loads(proc.stdout)
        except json.JSONDecodeError as e:
            last_err = f"bad JSON: {e}"
            break
        result = set()
        for t in doc.get("tokens", []):
            kind = t.get("kind")
            if kind not in ("string", "comment"):
                continue
            start, end = t["range"]
            result.add((kind, start, end))
        return result, None
    return None, last_err or "nomen binary not found"


# ---------------------------------------------------------------- edge cases

# (name, minimum Python version, source). All are valid Python for that version.
EDGE_CASES = [
    # Escapes inside an f-string format spec: `\"` does not end the string,
    # backslash-newline continues it, `\{` / `\}` keep their brace meaning.
    ("spec_escaped_dquote", (3, 11), 'x = f"{x:\\"}"  # c\n'),
    ("spec_escaped_squote_conv", (3, 11), "x = f'{x!r:\\'^9}'  # c\n"),
    ("spec_escaped_quote_nested", (3, 11), 'x = f"{x:{y:\\"}}"  # c\n'),
    ("spec_escaped_quote_raw", (3, 11), 'x = rf"{x:\\"}"  # c\n'),
    ("spec_escaped_quote_triple", (3, 11), 'x = f"""{x:\\"""}"""  # c\n'),
    ("spec_backslash_newline", (3, 11), 'x = f"{x:\\\n}"  # c\n'),
    ("spec_backslash_rbrace", (3, 11), 'x = f"{x:\\}" + "#"  # c\n'),
    ("spec_backslash_lbrace", (3, 11), 'x = f"{x:a\\{y}}" + "#"  # c\n'),
    ("spec_double_backslash", (3, 11), 'x = f"{x:\\\\}"  # c\n'),
    # Brackets in a format spec are literal text, not nesting.
    ("spec_open_paren", (3, 11), 'x = f"{x:(}{{" + "#"  # c\n'),
    ("spec_open_bracket", (3, 11), "x = f'{x:[}{{' + '#'  # c\n"),
    ("spec_other_quote", (3, 11), "x = f\"{x:'^10}\"  # c\n"),
    ("spec_colons", (3, 11), 'x = f"{x:%H:%M}"  # c\n'),
    ("spec_hash", (3, 11), 'x = f"{x:#x}"  # c\n'),
    # \N{...} is an escape only in str literals, not in bytes.
    ("bytes_N_escaped_quote", (3, 11), "x = b'\\N{\\'x'  # c\n"),
    ("bytes_N_triple", (3, 11), 'x = b"""\\N{\\"""" + "#"  # c\n'),
    ("str_N", (3, 11), "x = '\\N{EM DASH}'  # c\n"),
    ("fstring_N", (3, 11), "x = f'\\N{EM DASH}{y}'  # c\n"),
    ("rfstring_N", (3, 11), "x = rf'\\N{y}'  # c\n"),
    # Plain string forms.
    ("quad_quote", (3, 11), 'x = """a""""b"  # c\n'),
    ("empty_at_eof", (3, 11), 'x = ""'),
    ("backslash_crlf", (3, 11), "x = 'a\\\r\nb'  # c\r\n"),
    ("raw_escaped_quote", (3, 11), 'x = rb"\\""  # c\n'),
    ("number_then_string", (3, 11), 'x = 1if y else"a"  # c\n'),
    ("bom", (3, 11), '\ufeffx = "\u00e9"  # \u00e9\n'),
    # PEP 701 (3.12+): nested same quotes, comments and newlines in fields.
    ("nested_same_quote", (3, 12), 'x = f"{"a"}"  # c\n'),
    ("nested_fstrings", (3, 12), 'x = f"{f"{f"{x}"}"}"  # c\n'),
    ("field_comment", (3, 12), 'x = f"""{x  # it\'s "\n}"""  # c\n'),
    ("field_multiline", (3, 12), 'x = f"{x +\n 1}"  # c\n'),
    ("field_dict", (3, 12), 'x = f"{ {"a": "b"}["a"] }"  # c\n'),
    ("field_brace_string", (3, 12), 'x = f"{"}"}"  # c\n'),
    ("spec_nested_same_quote", (3, 12), 'x = f"{a:{"x"}}"  # c\n'),
]


def write_edge_cases(directory):
    paths = []
    for name, version, source in EDGE_CASES:
        if sys.version_info[:2] < version:
            continue
        path = os.path.join(directory, name + ".py")
        data = source.encode("utf-8")
        with open(path, "wb") as f:
            f.write(data)
        paths.append(path)
    return paths


# ---------------------------------------------------------------- comparison

def compare_file(nomen, path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return {"path": path, "skip": f"read: {e}"}
    try:
        ours = cpython_tokens(data)
    except Skip as e:
        return {"path": path, "skip": str(e)}
    theirs, err = nomen_tokens(nomen, path)
    if theirs is None:
        return {"path": path, "error": err, "cpython": ours, "data": data}
    return {"path": path, "cpython": ours, "nomen": theirs, "data": data}


def snippet(data, start, end, limit=200):
    text = data[start:end].decode("utf-8", "replace")
    if len(text) > limit:
        text = text[: limit // 2] + " ... " + text[-limit // 2:]
    return repr(text)


def location(data, off):
    line = data.count(b"\n", 0, off) + 1
    col = off - (data.rfind(b"\n", 0, off) + 1)
    return f"{line}:{col}"


def pair_up(only_c, only_n):
    """Pair each CPython-only token with the overlapping nomen-only token."""
    pairs = []
    rest_n = sorted(only_n, key=lambda t: (t[1], t[2]))
    used = set()
    for c in sorted(only_c, key=lambda t: (t[1], t[2])):
        match = None
        for n in rest_n:
            if n in used:
                continue
            if n[1] < c[2] and c[1] < n[2] or n[1] == c[1]:
                match = n
                break
        if match is not None:
            used.add(match)
        pairs.append((c, match))
    for n in rest_n:
        if n not in used:
            pairs.append((None, n))
    pairs.sort(key=lambda p: (p[0] or p[1])[1])
    return pairs


def describe(tok, data):
    if tok is None:
        return "(none)"
    kind, s, e = tok
    return f"{kind} [{s}, {e}) at {location(data, s)} {snippet(data, s, e)}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nomen", required=True, help="path to the nomen binary")
    ap.add_argument("--jobs", type=int, default=2, help="parallel nomen processes (default 2)")
    ap.add_argument("--show", type=int, default=10, help="disagreements to print (default 10)")
    ap.add_argument("--min-agreement", type=float, default=99.0,
                    help="minimum %% of agreeing files for exit 0 (default 99.0)")
    ap.add_argument("--include-site-packages", action="store_true",
                    help="also descend into site-packages/dist-packages directories")
    ap.add_argument("--verbose", action="store_true", help="list skipped files and errors")
    ap.add_argument("--edge-cases", action="store_true",
                    help="compare the built-in tricky snippets instead of PATHs / the stdlib")
    ap.add_argument("paths", nargs="*")
    args = ap.parse_args(argv)

    nomen = os.path.abspath(args.nomen)
    if not os.path.exists(nomen):
        print(f"compare_tokenize: warning: {nomen} does not exist (yet); will wait for it",
              file=sys.stderr)
    tmpdir = None
    if args.edge_cases:
        tmpdir = tempfile.TemporaryDirectory(prefix="compare_tokenize.")
        files = write_edge_cases(tmpdir.name)
    else:
        paths = args.paths or [sysconfig.get_paths()["stdlib"]]
        files = collect_files(paths, args.include_site_packages)

    compared = agreeing = 0
    tokens_compared = tokens_agreeing = 0
    skipped = []
    errors = []
    disagreements = []
    t0 = time.time()

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for r in pool.map(lambda p: compare_file(nomen, p), files):
            if "skip" in r:
                skipped.append((r["path"], r["skip"]))
                continue
            compared += 1
            if "error" in r:
                errors.append((r["path"], r["error"]))
                tokens_compared += len(r["cpython"])
                disagreements.append((r["path"], r["data"], None, r["error"]))
                continue
            c, n = r["cpython"], r["nomen"]
            both = c & n
            tokens_compared += len(c | n)
            tokens_agreeing += len(both)
            if c == n:
                agreeing += 1
            else:
                disagreements.append((r["path"], r["data"], pair_up(c - n, n - c), None))

    failed = compared - agreeing
    pct = 100.0 * agreeing / compared if compared else 100.0
    tpct = 100.0 * tokens_agreeing / tokens_compared if tokens_compared else 100.0

    if args.show and disagreements:
        print(f"First {min(args.show, len(disagreements))} of {len(disagreements)} disagreeing files:")
        for path, data, pairs, err in disagreements[: args.show]:
            print(f"\n== {path}")
            if err is not None:
                print(f"   nomen failed: {err}")
                continue
            for c, n in pairs[:5]:
                print(f"   CPython: {describe(c, data)}")
                print(f"   nomen:   {describe(n, data)}")
            if len(pairs) > 5:
                print(f"   ... and {len(pairs) - 5} more differing tokens")
        print()

    if args.verbose:
        for p, why in skipped:
            print(f"skipped {p}: {why}")
        for p, why in errors:
            print(f"nomen error {p}: {why}")

    print(f"files found:      {len(files)} (skipped {len(skipped)}: tokenize failed / not UTF-8)")
    if errors:
        print(f"nomen errors:     {len(errors)}")
    print(f"files compared:   {compared}")
    print(f"files agreeing:   {agreeing} ({pct:.2f}%)")
    print(f"tokens compared:  {tokens_compared}")
    print(f"tokens agreeing:  {tokens_agreeing} ({tpct:.3f}%)")
    print(f"time:             {time.time() - t0:.1f}s")
    print(f"compare_tokenize: {agreeing} passed, {failed} failed")
    if tmpdir is not None:
        tmpdir.cleanup()
    return 0 if pct >= args.min_agreement else 1


if __name__ == "__main__":
    sys.exit(main())
