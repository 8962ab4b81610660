"""Benchmark: `journal search`, `journal week`, `journal month` as whole processes on a 100k-entry
journal (interpreter start included), next to jrnl doing the same searches on the same entries.

    .venv/bin/python -m bench.bench_search_cli [--entries 100000] [--contacts 10000] [--runs 5]
                                               [--cold-runs 3] [--jrnl PATH] [--jrnl-runs 3]

Three states of the derived cache (``.journal-cache/`` next to the file) are timed:

* warm — the file did not change since the last command (the usual case);
* after add — ``journal add`` changed the file just before (not timed), so the command first
  refreshes the cache incrementally;
* cold — no cache at all (first run, or a file this program cannot refresh, e.g. hand-edited
  into a non-canonical layout): a full parse and validation, the answer from the parsed file,
  and the cache left to a child process (waited for before the next run; not timed).

The corpus is tests/corpus.py's ``generate_tables(entries, contacts, seed=1)`` in canonical form;
bench/out/tui-100000-10000.json holds exactly that and is copied (never modified) when present.
Commands run with a bytecode cache in the work folder, as an installed program would (this
checkout's environment sets PYTHONDONTWRITEBYTECODE; ``--no-bytecode`` measures that instead).
Medians of wall time; the load average and a CPU calibration loop are printed with the table
because the machine is shared. jrnl (https://jrnl.sh) gets the same entries as a text journal,
contacts and organisations as @tags, tags as #tags, and is asked the closest equivalent.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-23"  # tests.corpus.ANCHOR: the corpus' "today"
# (label, journal arguments, jrnl arguments or None)
COMMANDS: list[tuple[str, list[str], list[str] | None]] = [
    ("`search visit` (a word in a fifth of all entries)", ["search", "visit"], ["-contains", "visit"]),
    ("`search umbrella` (a client's name)", ["search", "umbrella"], ["-contains", "umbrella"]),
    ("`search contact:zhugeliang` (pinyin name)", ["search", "contact:zhugeliang"], ["@诸葛亮"]),
    ("`search visit tag:loan from:2025-01` (combined)", ["search", "visit", "tag:loan", "from:2025-01"],
     ["-and", "-contains", "visit", "#loan", "-from", "2025-01-01"]),
    ("`week` (this week)", ["week", "--today", TODAY], ["-from", "2026-11-23", "-to", "2026-11-29"]),
    ("`month` (this month)", ["month", "--today", TODAY], ["-from", "2026-11-01", "-to", "2026-11-30"]),
]


def corpus(work: Path, entries: int, contacts: int) -> Path:
    """The canonical corpus file in ``work`` (copied from bench/out when it is there)."""
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


def jrnl_journal(data: Path, home: Path) -> None:
    """The same entries as a jrnl text journal (bench/bench_core.py's approach), and its config."""
    import orjson

    tables = orjson.loads(data.read_bytes())
    names = {table: {i: d["name"] for i, d in tables.get(table, {}).items()}
             for table in ("contacts", "organisations", "projects")}
    entries = sorted(tables["entries"].values(), key=lambda d: (d["date"], d.get("time") or ""))
    journal_txt = home / "journal.txt"
    with journal_txt.open("w", encoding="utf-8") as out:
        for d in entries:
            tags = [f"@{names['contacts'].get(c, c)}" for c in d.get("contact_ids", [])]
            tags += [f"@{names['organisations'].get(o, o)}" for o in d.get("organisation_ids", [])]
            tags += [f"#{t}" for t in d.get("tags", [])]
            body = " ".join(d.get("summary", "").split())
            tag_text = " ".join(t.replace(" ", "_") for t in tags)
            out.write(f"[{d['date']} {d.get('time') or '09:00'}] {d['event']}. {body} {tag_text}\n\n")
    config = home / ".config" / "jrnl"
    config.mkdir(parents=True)
    (config / "jrnl.yaml").write_text(
        "colors: {body: none, date: none, tags: none, title: none}\ndefault_hour: 9\n"
        "default_minute: 0\neditor: ''\nencrypt: false\nhighlight: false\nindent_character: '|'\n"
        f"journals:\n  default:\n    journal: {journal_txt}\nlinewrap: 79\ntagsymbols: '#@'\n"
        "template: false\ntimeformat: '%Y-%m-%d %H:%M'\nversion: v4.6\n", encoding="utf-8")


CPU: list[float] = []  # CPU seconds (user + system) of each process run, in order


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds of one whole process and the number of output lines; its CPU seconds go to
    :data:`CPU` (on a shared machine the wall clock includes waiting for a core)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    result = subprocess.run(cmd, env=env, capture_output=True, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if result.returncode != 0:
        raise SystemExit(f"{cmd[:4]} failed: {result.stderr.decode(errors='replace').strip()[:300]}")
    return wall, result.stdout.count(b"\n")


def wait_built(data: Path) -> None:
    """Wait while a child process builds the search cache (a first search leaves the build to
    one, which holds a lock on ``.journal-cache/<file>.search-build``)."""
    import fcntl

    try:
        fd = os.open(data.parent / ".journal-cache" / f"{data.name}.search-build", os.O_RDONLY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
    finally:
        os.close(fd)


def median_of(runs: int, once: Callable[[], float]) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds of ``once`` (which ends with the timed run)."""
    walls, cpus = [], []
    for _ in range(runs):
        walls.append(once())
        cpus.append(CPU[-1])
    return statistics.median(walls), statistics.median(cpus)


def calibration() -> float:
    """CPU seconds of a 10M-iteration loop: ~0.35-0.5 s on an idle modern x86 core."""
    t0 = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5, help="runs per warm / after-add median")
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--jrnl", default=shutil.which("jrnl") or "/tmp/jrnl-venv/bin/jrnl")
    parser.add_argument("--jrnl-runs", type=int, default=3)
    parser.add_argument("--no-bytecode", action="store_true",
                        help="run without a bytecode cache (every start compiles the sources)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="journal-bench-search-"))
    try:
        data = corpus(work, args.entries, args.contacts)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env |= {"JOURNAL_FILE": str(data), "NO_COLOR": "1"}
        if args.no_bytecode:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        journal = [sys.executable, "-m", "journal"]
        cache = data.parent / ".journal-cache"
        load_before = os.getloadavg()
        run([*journal, "--help"], env)  # compile the bytecode once
        rows: list[dict[str, Any]] = []
        for label, argv, _ in COMMANDS:
            row: dict[str, Any] = {"label": label}

            def cold(argv: list[str] = argv) -> float:
                wait_built(data)  # the last cold run's cache build, in a child, is done
                shutil.rmtree(cache, ignore_errors=True)
                return run([*journal, *argv], env)[0]

            row["cold"] = median_of(args.cold_runs, cold)
            wait_built(data)

            def after_add(argv: list[str] = argv) -> float:
                run([*journal, "add", "Bench visit 基准", "-d", "2026-11-20", "--tag", "bench"], env)
                return run([*journal, *argv], env)[0]

            row["after_add"] = median_of(args.runs, after_add)
            row["lines"] = run([*journal, *argv], env)[1]
            row["warm"] = median_of(args.runs, lambda argv=argv: run([*journal, *argv], env)[0])
            rows.append(row)
        if args.jrnl and Path(args.jrnl).exists():
            home = work / "home"
            home.mkdir()
            jrnl_journal(data, home)
            jenv = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
            for row, (_, _, jrnl_argv) in zip(rows, COMMANDS, strict=True):
                if jrnl_argv is not None:
                    row["jrnl"] = median_of(args.jrnl_runs, lambda a=jrnl_argv: run([args.jrnl, *a], jenv)[0])
        load_after = os.getloadavg()
        size_mb = data.stat().st_size / 2**20
        cache_mb = sum(f.stat().st_size for f in cache.glob("*.search")) / 2**20
        print(f"{args.entries} entries, {args.contacts} contacts; data file {size_mb:.1f} MB, search cache "
              f"{cache_mb:.1f} MB; medians of {args.runs} runs ({args.cold_runs} cold, {args.jrnl_runs} jrnl), "
              f"whole processes, {'no ' if args.no_bytecode else ''}bytecode cache")
        print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} on {os.cpu_count()} CPUs; "
              f"calibration: 10M-iteration loop = {calibration():.2f} s CPU (0.35-0.5 s idle)\n")
        print("Each cell: median wall time (median CPU time of the process).\n")
        print("| command | output lines | journal, warm cache | journal, after `journal add` | "
              "journal, cold (no cache) | jrnl |")
        print("|---|---:|---:|---:|---:|---:|")

        def cell(pair: tuple[float, float]) -> str:
            return f"{pair[0]:.2f} s ({pair[1]:.2f})"

        for row in rows:
            jrnl = cell(row["jrnl"]) if "jrnl" in row else "n/a"
            print(f"| {row['label']} | {row['lines']} | {cell(row['warm'])} | {cell(row['after_add'])} | "
                  f"{cell(row['cold'])} | {jrnl} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
