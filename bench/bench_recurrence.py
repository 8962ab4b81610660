"""Benchmark: what 200 repeating entries cost a 100k-entry journal — the day list, search and the
week summary as whole processes, on the same corpus with and without the series.

    .venv/bin/python -m bench.bench_recurrence [--entries 100000] [--contacts 10000] [--series 200]
                                               [--runs 5]

The corpus is tests/corpus.py's ``generate_tables(entries, contacts, seed=1)``; the series are
added to a copy: weekly, daily, working-day, monthly and yearly rules started between 2020 and
2026, a quarter of them with an end, each with a dozen ticked or moved occurrences. Both files
are searched warm (the search cache built by a first, untimed run). Medians of wall time.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-23"
RULES = ["FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=DAILY",
         "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "FREQ=MONTHLY;BYMONTHDAY=15", "FREQ=MONTHLY;BYDAY=2TU",
         "FREQ=WEEKLY;INTERVAL=2", "FREQ=YEARLY", "FREQ=MONTHLY;INTERVAL=3"]
COMMANDS = [
    ("list --on today (the day view)", ["list", "--on", TODAY]),
    ("search visit (a word in a fifth of the entries)", ["search", "visit", "--today", TODAY]),
    ("search 周会 (the series' word)", ["search", "周会", "--today", TODAY]),
    ("week (this week's summary)", ["week", "--today", TODAY]),
    ("agenda", ["agenda", "--today", TODAY, "--now", f"{TODAY}T09:00"]),
]


def add_series(tables: dict[str, Any], count: int, rng: random.Random) -> None:
    from journal.models import utc_now
    from journal.recurrence.expand import occurrence_dates
    from journal.storage import new_id

    contacts = list(tables["contacts"])
    now = utc_now()
    for n in range(count):
        rule = RULES[n % len(RULES)]
        if n % 4 == 0:
            rule += ";UNTIL=20271231"
        start = date(2020, 1, 6) + timedelta(days=rng.randint(0, 6 * 365))
        doc: dict[str, Any] = {"date": start.isoformat(), "time": f"{8 + n % 9:02d}:00",
                               "event": f"周会 recurring {n}", "status": "planned",
                               "recurrence": rule, "contact_ids": sorted(rng.sample(contacts, 2)),
                               "created_at": now, "updated_at": now}
        days = occurrence_dates(rule, start, start, date(2026, 11, 23), limit=400)
        exceptions = {}
        for d in rng.sample(days, min(12, len(days))):
            exceptions[d.isoformat()] = ({"status": "done", "updated_at": now} if rng.random() < 0.8
                                         else {"date": (d + timedelta(days=1)).isoformat(),
                                               "updated_at": now})
        if exceptions:
            doc["exceptions"] = dict(sorted(exceptions.items()))
        tables["entries"][new_id()] = doc


def run(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, timeout=600)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()[:400]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from journal.storage import dump_canonical
    from tests.corpus import generate_tables

    with tempfile.TemporaryDirectory(prefix="journal-bench-") as tmp:
        work = Path(tmp)
        tables = generate_tables(args.entries, args.contacts, seed=1)
        plain = work / "plain" / "journal.json"
        plain.parent.mkdir()
        plain.write_bytes(dump_canonical(tables))
        add_series(tables, args.series, random.Random(3))
        series = work / "series" / "journal.json"
        series.parent.mkdir()
        series.write_bytes(dump_canonical(tables))
        env = {**os.environ, "JOURNAL_CONFIG": str(work / "config.toml")}
        exe = [sys.executable, "-m", "journal"]
        print(f"{args.entries} entries, {args.contacts} contacts; +{args.series} series; "
              f"load {os.getloadavg()[0]:.2f}; medians of {args.runs} runs (s)")
        print(f"{'command':<50} {'without':>8} {'with':>8} {'ratio':>6}")
        for label, cmd in COMMANDS:
            times = []
            for path in (plain, series):
                full = [*exe, "--file", str(path), *cmd]
                run(full, env)  # builds the search cache, warms the page cache
                times.append(statistics.median(run(full, env) for _ in range(args.runs)))
            print(f"{label:<50} {times[0]:>8.3f} {times[1]:>8.3f} {times[1] / times[0]:>6.2f}")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
