"""Benchmark: `journal export` of a 100k-entry journal to every format, as whole processes.

    .venv/bin/python -m bench.bench_export [--entries 100000] [--contacts 10000] [--runs 3]
                                           [--no-imports]

The corpus is tests/corpus.py's ``generate_tables(entries, contacts, seed=1)`` in canonical form
(bench/out/tui-<entries>-<contacts>.json is copied when present), as in bench_search_cli.py. The
search cache is built once before timing (an export reads through it, like `search`); the first
export of a file with no cache pays that build once, printed separately. Each format is timed as a
whole `journal export … -o FILE` process (interpreter start included), median of ``--runs``, with
its peak memory and output size, and as a multiple of a floor measured in the same run (a Python
process parsing the data file with orjson: what reading the journal at all costs), so figures
taken at different loads on a shared machine can be compared. Then the CSV, JSON and vCard exports
are imported into an empty journal (one run each), the other half of a round trip.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-23"  # tests.corpus.ANCHOR
CRLF = b"\r\n"
FORMATS: list[tuple[str, list[str], str]] = [
    ("csv", ["--format", "csv"], "csv"),
    ("csv --excel", ["--format", "csv", "--excel"], "csv"),
    ("xlsx", ["--format", "xlsx"], "xlsx"),
    ("json", ["--format", "json"], "json"),
    ("md", ["--format", "md"], "md"),
    ("ics (planned + birthdays)", ["--format", "ics"], "ics"),
    ("ics status:done (every done entry)", ["--format", "ics", "status:done"], "ics"),
    ("vcard (every contact)", ["--format", "vcard"], "vcf"),
    ("csv, one month (from:2026-11 to:2026-11)", ["--format", "csv", "from:2026-11", "to:2026-11"],
     "csv"),
]


def corpus(work: Path, entries: int, contacts: int) -> Path:
    target = work / "journal.json"
    ready = ROOT / "bench" / "out" / f"tui-{entries}-{contacts}.json"
    if ready.exists():
        shutil.copyfile(ready, target)
        return target
    sys.path.insert(0, str(ROOT))
    from journal.storage import dump_canonical
    from tests.corpus import generate_tables

    target.write_bytes(dump_canonical(generate_tables(entries, contacts, seed=1)))
    return target


# Runs `python -m journal ARGS` and writes its own peak RSS (KB) to $BENCH_PEAK at exit.
_WRAPPER = ("import os, resource, runpy, sys\n"
            "sys.argv = ['journal', *sys.argv[1:]]\n"
            "try:\n"
            "    runpy.run_module('journal', run_name='__main__', alter_sys=True)\n"
            "finally:\n"
            "    with open(os.environ['BENCH_PEAK'], 'w') as f:\n"
            "        f.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))\n")


_PARSE = "import sys, orjson\nwith open(sys.argv[1], 'rb') as f:\n    orjson.loads(f.read())\n"


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one `journal …` process."""
    peak_file = Path(env["BENCH_PEAK"])
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *args], env=env, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"journal {' '.join(args[:4])} failed: {done.stderr.strip()[:400]}")
    return wall, int(peak_file.read_text()) / 1024


def count(path: Path, kind: str) -> str:
    raw = path.read_bytes()
    if kind == "ics":
        return f"{raw.count(b'BEGIN:VEVENT'):,} events"
    if kind == "vcf":
        return f"{raw.count(b'BEGIN:VCARD'):,} cards"
    if kind == "csv":
        return f"{raw.count(CRLF) - 1:,} lines"
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-imports", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="journal-bench-export-"))
    try:
        data = corpus(work, args.entries, args.contacts)
        env = {**os.environ, "JOURNAL_FILE": str(data), "PYTHONPATH": str(ROOT),
               "PYTHONPYCACHEPREFIX": str(work / "pycache"), "BENCH_PEAK": str(work / "peak")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        print(f"corpus: {args.entries:,} entries, {args.contacts:,} contacts, "
              f"{data.stat().st_size / 2**20:.1f} MB; load {os.getloadavg()[0]:.2f}", file=sys.stderr)
        cold, _ = run(["export", "--format", "csv", "-o", str(work / "cold.csv"), "--today", TODAY],
                      env)
        print(f"first export, no search cache yet (builds it): {cold:.2f} s", file=sys.stderr)
        floor = []
        for _ in range(args.runs):  # what reading the file costs at all, at this moment's load
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", _PARSE, str(data)], check=True)
            floor.append(time.perf_counter() - t0)
        parse = statistics.median(floor)
        print(f"floor: a process parsing the file with orjson: {parse:.2f} s", file=sys.stderr)
        rows = []
        outputs: dict[str, Path] = {}
        for name, extra, ext in FORMATS:
            out = work / f"out-{len(rows)}.{ext}"
            times, peaks = [], []
            for _ in range(args.runs):
                wall, peak = run(["export", *extra, "-o", str(out), "--today", TODAY], env)
                times.append(wall)
                peaks.append(peak)
            outputs.setdefault(ext, out)
            size = out.stat().st_size / 2**20
            rows.append((name, statistics.median(times), min(times), max(times), max(peaks), size,
                         count(out, ext)))
            print(f"{name}: {statistics.median(times):.2f} s", file=sys.stderr)
        imports = []
        if not args.no_imports:
            for ext in ("csv", "json", "vcf"):
                target = work / f"import-{ext}.json"
                wall, peak = run(["--file", str(target), "import", str(outputs[ext])], env)
                imports.append((ext, wall, peak, target.stat().st_size / 2**20))
                print(f"import {ext}: {wall:.2f} s", file=sys.stderr)
        print(f"\n`journal export` of {args.entries:,} entries / {args.contacts:,} contacts "
              f"(median of {args.runs}, whole processes; load {os.getloadavg()[0]:.2f})\n")
        print(f"Floor: a Python process parsing the file with orjson, {parse:.2f} s.\n")
        print("| format | time | × floor | range | peak memory | output | holds |")
        print("|---|---:|---:|---:|---:|---:|---|")
        for name, median, low, high, peak, size, holds in rows:
            print(f"| {name} | {median:.2f} s | {median / parse:.1f} | {low:.2f}–{high:.2f} s | "
                  f"{peak:.0f} MB | {size:.1f} MB | {holds} |")
        if imports:
            print("\n| import of the export into an empty journal | time | peak memory | journal |")
            print("|---|---:|---:|---:|")
            for ext, wall, peak, size in imports:
                print(f"| {ext} | {wall:.2f} s | {peak:.0f} MB | {size:.1f} MB |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
