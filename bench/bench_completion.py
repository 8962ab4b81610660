"""Benchmark: a Tab in bash — the whole `journal` process a completion script starts — on a
100k-entry journal with 10k contacts, next to the floors it cannot beat (starting Python;
`journal --version`, which builds the same argument parser).

    .venv/bin/python -m bench.bench_completion [--entries 100000] [--contacts 10000] [--runs 9]

States of the names list (``.journal-cache/<file>.names``):

* warm — the journal did not change since the last Tab (the usual case);
* after add — `journal add` wrote the file just before (not timed): the list is rebuilt through
  the storage layer's read-only view, which parses only the small tables of a file it wrote;
* other program — the file was replaced by another program (a `git pull`): parsed and validated
  in full once;
* first Tab — no list yet: it is built, pinyin of every name included.

Medians of wall time (CPU in brackets) with a bytecode cache, as an installed program runs; the
load average and a CPU calibration loop are printed because the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.bench_search_cli import calibration, corpus, median_of, run

SEP = "\x1f"


def tab(words: list[str]) -> dict[str, str]:
    """The environment of a bash completion request for the last of ``words``."""
    return {"_JOURNAL_COMPLETE": "bash", "_JOURNAL_COMPLETE_WORDS": SEP.join(words),
            "_JOURNAL_COMPLETE_CWORD": str(len(words) - 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--slow-runs", type=int, default=3, help="runs of the rebuilding states")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="journal-bench-completion-"))
    try:
        data = corpus(work, args.entries, args.contacts)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env |= {"JOURNAL_FILE": str(data), "PYTHONPYCACHEPREFIX": str(work / "pycache")}
        journal = [sys.executable, "-m", "journal"]
        listed = data.parent / ".journal-cache" / f"{data.name}.names"
        load_before = os.getloadavg()
        run([*journal, "--help"], env)  # compile the bytecode once
        run([*journal, "add", "warm-up", "-d", "2020-01-01"], env)  # our layout from now on
        run(journal, env | tab(["journal", "add", "x", "-c", ""]))  # the list, built once

        def timed(extra: dict[str, str], argv: list[str] | None = None,
                  before: Callable[[], None] | None = None) -> Callable[[], float]:
            def once() -> float:
                if before is not None:
                    before()
                return run(argv or journal, env | extra)[0]
            return once

        def add() -> None:
            run([*journal, "add", "bench entry", "-d", "2020-01-02"], env)

        def replace_by_another_program() -> None:
            copy = data.with_name("copy.json")
            shutil.copyfile(data, copy)
            os.replace(copy, data)  # a new inode: the file is no longer the one journal wrote

        rows: list[tuple[str, Callable[[], float], int]] = [
            ("Python start (`python -c pass`)", timed({}, [sys.executable, "-c", "pass"]),
             args.runs),
            ("`journal --version`", timed({}, [*journal, "--version"]), args.runs),
            ("Tab: a command (`journal ad`)", timed(tab(["journal", "ad"])), args.runs),
            ("Tab: a name (`-c 诸葛`), warm", timed(tab(["journal", "add", "x", "-c", "诸葛"])),
             args.runs),
            ("Tab: pinyin (`-c zgl`), warm", timed(tab(["journal", "add", "x", "-c", "zgl"])),
             args.runs),
            ("Tab: every contact (`-c ''`), warm", timed(tab(["journal", "add", "x", "-c", ""])),
             args.runs),
            ("Tab: `search contact:zhuge`, warm",
             timed(tab(["journal", "search", "contact", ":", "zhuge"])), args.runs),
            ("Tab: a name after `journal add`",
             timed(tab(["journal", "add", "x", "-c", "诸葛"]), before=add), args.slow_runs),
            ("Tab: a name after another program replaced the file",
             timed(tab(["journal", "add", "x", "-c", "诸葛"]), before=replace_by_another_program),
             args.slow_runs),
            ("Tab: a name, first Tab ever (list built, pinyin of every name)",
             timed(tab(["journal", "add", "x", "-c", "诸葛"]),
                   before=lambda: listed.unlink(missing_ok=True)), args.slow_runs),
        ]
        print(f"{args.entries:,} entries, {args.contacts:,} contacts; medians, wall (CPU)")
        print("| measure | runs | time |\n|---|---:|---:|")
        for label, once, runs in rows:
            wall, cpu = median_of(runs, once)
            print(f"| {label} | {runs} | {wall * 1000:.0f} ms ({cpu * 1000:.0f} ms) |")
        print(f"names list: {listed.stat().st_size / 1e6:.1f} MB")
        print(f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}; "
              f"calibration loop {calibration():.2f} s CPU")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
