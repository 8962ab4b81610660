"""The cold paths at 100k entries, each next to its floor: first search / week / month with no
cache, warm ones, `add`, CSV import, printing 20k results, the app's launch and memory.

    .venv/bin/python bench/bench_cold.py [--entries 100000] [--contacts 10000] [--runs 3]
                                         [--import-sizes 25000,100000] [--skip-app] [--code DIR]

Every row is a whole process (interpreter start-up and imports included), timed with
``time.perf_counter`` around it; its CPU time (user + system) and peak resident memory come from
GNU time (``/usr/bin/time``), else ``os.wait4``. Each cell is the median of ``--runs`` runs. A
first search leaves the cache to a child process: the bench waits for it (its build lock) before
the next run, and times a build on its own as a row of its own. ``--code DIR`` runs the journal
of another checkout (``git archive REV | tar -x -C DIR``), for a before/after at the same load.
The floors are measured in the same run, as whole processes too:

* *parse* — ``orjson.loads`` of the data file (what any reader of a JSON journal must pay);
* *python* — ``python -c pass``; *--help* — ``journal --help`` (start-up and argument parsing);
* *copy+fsync+rename* — a process that reads the file, writes it to a temp file, fsyncs it,
  renames it over the file and fsyncs the folder (what any durable rewrite must pay);
* *import* — a process that reads the CSV with the csv module, then dumps the resulting journal
  in canonical form (sorted, indented) and writes it durably: parsing and writing, nothing else;
* *empty app* — a Textual app with one label, until its first frame is painted.

The corpus is tests/corpus.py's ``generate_tables(entries, contacts, seed=1)`` (cached in
bench/out/, shared with bench_tui.py and bench_search_cli.py; each run works on a copy); the CSVs
are bench/bench_core.py's ``build_csv``. Commands run with a bytecode cache in the work folder, as
an installed program does. The machine may be shared: the load average before and after and a CPU
calibration loop are printed with the table; compare runs taken at similar load.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TODAY = "2026-11-23"  # tests.corpus.ANCHOR: the corpus' "today"
SEARCH = ["search", "umbrella"]  # a client's name: 900-odd hits
BROAD = ["search", "visit"]  # a word in a fifth of all entries: 20k hits
WEEK = ["week", "--today", TODAY]
AFTER_IMPORT = ["search", "#4242"]  # bench_core's events are numbered: a dozen hits
MONTH = ["month", "--today", TODAY]


# -- running whole processes --------------------------------------------------------------------
@dataclass
class Sample:
    wall: float
    peak_mb: float
    lines: int
    cpu: float = 0.0


@dataclass
class Row:
    work: str
    samples: list[Sample] = field(default_factory=list)
    target: str = ""
    floor: str = ""
    floor_s: float | None = None
    limit_s: float | None = None  # the target in seconds, where it is absolute or from a floor
    peak_limit_mb: float | None = None

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def peak(self) -> float:
        return statistics.median(s.peak_mb for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)


TIME = "/usr/bin/time"  # GNU time: its own few MB are all it adds to a child's peak
#: Where commands run: not this checkout (``python -m journal`` would import the journal found in
#: the current folder before the one ``--code`` puts on PYTHONPATH).
CWD = Path(tempfile.gettempdir())


def spawn(cmd: list[str], env: dict[str, str], out: Any, err: Any) -> tuple[float, int, float, float]:
    """Run ``cmd`` to its end: (wall seconds, exit code, peak RSS in MB, CPU seconds).

    The peak comes from GNU time's ``%M`` when it is installed: Linux carries the peak of the
    image a process replaces into its own, so measured straight from this (larger) process a
    small child would show this one's peak. Without it, ``os.wait4``'s ``ru_maxrss``."""
    with tempfile.NamedTemporaryFile(prefix="bench-time-") as peak:
        timed = [TIME, "-q", "-o", peak.name, "-f", "%M %U %S", *cmd] if os.access(TIME, os.X_OK) else cmd
        t0 = time.perf_counter()
        proc = subprocess.Popen(timed, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                cwd=CWD)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        kb, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
        if timed is not cmd:
            text = Path(peak.name).read_text().split()
            if len(text) >= 3 and text[-3].isdigit():
                kb, cpu = int(text[-3]), float(text[-2]) + float(text[-1])
    return wall, code, kb / 1024, cpu


def run(cmd: list[str], env: dict[str, str]) -> Sample:
    """One whole process: wall seconds, its own peak RSS (MB) and how many lines it printed."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        wall, code, peak, cpu = spawn(cmd, env, out, err)
        if code != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd[:5])} failed ({code}): "
                             f"{err.read().decode(errors='replace').strip()[-500:]}")
        out.seek(0)
        lines = out.read().count(b"\n")
    return Sample(wall, peak, lines, cpu)


def wait_built(data: Path) -> None:
    """Wait while a child process builds the search cache of ``data`` (it holds an exclusive
    lock on ``.journal-cache/<file>.search-build``; older versions of journal have none)."""
    import fcntl

    try:
        fd = os.open(data.parent / ".journal-cache" / f"{data.name}.search-build", os.O_RDONLY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
    finally:
        os.close(fd)


def repeat(row: Row, runs: int, once: Callable[[], Sample]) -> Row:
    for _ in range(runs):
        row.samples.append(once())
    print(f"  {row.work}: {', '.join(f'{s.wall:.3f}' for s in row.samples)} s; "
          f"cpu {row.cpu:.2f} s; peak {row.peak:.0f} MB; {row.samples[-1].lines} lines",
          file=sys.stderr, flush=True)
    return row


# -- the corpus ---------------------------------------------------------------------------------
def corpus(entries: int, contacts: int) -> Path:
    """The canonical corpus file (built once: generating 100k entries takes a few seconds)."""
    path = OUT / f"tui-{entries}-{contacts}.json"
    if not path.exists():
        sys.path.insert(0, str(ROOT))
        from journal.storage import dump_canonical
        from tests.corpus import generate_tables

        OUT.mkdir(parents=True, exist_ok=True)
        path.write_bytes(dump_canonical(generate_tables(entries, contacts, seed=1)))
    return path


def csv_corpus(entries: int) -> Path:
    path = OUT / f"import-{entries}.csv"
    if not path.exists():
        sys.path.insert(0, str(ROOT / "bench"))
        from bench_core import build_csv

        OUT.mkdir(parents=True, exist_ok=True)
        build_csv(path, entries, entries // 10)
    return path


# -- floors (run as `python -c` programs) ---------------------------------------------------------
PARSE = "import orjson, sys; orjson.loads(open(sys.argv[1], 'rb').read())"
REWRITE = """\
import os, sys
path = sys.argv[1]
raw = open(path, 'rb').read()
tmp = path + '.tmp-floor'
fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
os.write(fd, raw); os.fsync(fd); os.close(fd)
os.replace(tmp, path)
d = os.open(os.path.dirname(path), os.O_RDONLY); os.fsync(d); os.close(d)
"""
IMPORT_FLOOR = """\
import csv, os, sys, orjson
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8', newline='')))
data = orjson.loads(open(sys.argv[2], 'rb').read())
raw = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b'\\n'
fd = os.open(sys.argv[3], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.write(fd, raw); os.fsync(fd); os.close(fd)
"""


# -- the app ------------------------------------------------------------------------------------
async def app_child(path: Path | None, started: float) -> None:
    """In a child process: launch the app on ``path`` (None: an empty one-label app), print when
    it is usable (the day view shows today's entries and a frame has been painted) and when its
    search index is ready."""
    sys.path.insert(0, str(ROOT / "tests"))
    from corpus import ANCHOR
    from textual.app import App

    painted: list[float] = []

    def watch(app: App) -> None:
        original = app._display

        def display(screen, renderable) -> None:  # noqa: ANN001
            original(screen, renderable)
            if renderable is not None:
                painted.append(time.perf_counter())

        app._display = display  # type: ignore[method-assign]

    async def first_frame_after(moment: float) -> None:
        while not any(t >= moment for t in painted) and time.perf_counter() - moment < 2:
            await asyncio.sleep(0.002)

    if path is None:
        from textual.widgets import Label

        class Empty(App):
            def compose(self):  # noqa: ANN202
                yield Label("ready")

        app: App = Empty()
        async with app.run_test(size=(160, 48)):
            watch(app)
            await first_frame_after(time.perf_counter())
            print(f"usable_s={time.time() - started:.3f}")
        return

    from journal.app import JournalApp
    from journal.screens.day import DayScreen
    from journal.widgets.entry_list import EntryList

    journal = JournalApp(path, today=ANCHOR)
    async with journal.run_test(size=(160, 48)):
        watch(journal)

        def usable() -> bool:
            screen = journal.main_screen()
            tables = screen.query("#day-table") if isinstance(screen, DayScreen) else []
            return bool(journal.ready and tables and tables.first(EntryList).count)

        while not usable():
            await asyncio.sleep(0.002)
        await first_frame_after(time.perf_counter())
        print(f"usable_s={time.time() - started:.3f}")
        while journal.search_index() is None:
            await asyncio.sleep(0.01)
        print(f"index_s={time.time() - started:.3f}")
        status = Path("/proc/self/status")
        if status.exists():  # the resident memory now, once the launch's peak has passed
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            print(f"rss_mb={int(fields['VmRSS'].split()[0]) / 1024:.0f}")


def app_run(path: Path | None, env: dict[str, str]) -> tuple[Sample, dict[str, float]]:
    """One launch of the app (or the empty app) in a fresh process: the Sample's wall time is
    replaced by the time to usable; the peak is the whole process' (index built included)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.time()
        cmd = [sys.executable, __file__, "--app-child", str(path or ""), "--started", str(started)]
        _, code, peak, cpu = spawn(cmd, env, out, err)
        out.seek(0)
        text = out.read().decode()
        if code != 0:
            err.seek(0)
            raise SystemExit(f"app child failed: {err.read().decode(errors='replace')[-1500:]}")
    values = {k: float(v) for k, v in (line.split("=", 1) for line in text.split() if "=" in line)}
    return Sample(values["usable_s"], peak, 0, cpu), values


# -- the table ------------------------------------------------------------------------------------
def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 0.1 else f"{seconds * 1000:.0f} ms"


def print_table(rows: list[Row]) -> None:
    print("| work | now: wall (cpu), peak | target | floor | ratio |")
    print("|---|---:|---|---|---:|")
    for row in rows:
        now = f"{fmt_s(row.wall)} ({fmt_s(row.cpu)}), {row.peak:.0f} MB"
        ratio = f"{row.wall / row.floor_s:.2f}×" if row.floor_s else "–"
        met = []
        if row.limit_s is not None:
            met.append(row.wall <= row.limit_s)
        if row.peak_limit_mb is not None:
            met.append(row.peak <= row.peak_limit_mb)
        mark = "" if not met else (" ✓" if all(met) else " ✗")
        print(f"| {row.work} | {now} | {row.target}{mark} | {row.floor or '–'} | {ratio} |")


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
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--import-sizes", default="25000,100000")
    parser.add_argument("--skip-app", action="store_true")
    parser.add_argument("--code", type=Path, help="run the journal package of this source tree")
    parser.add_argument("--app-child", help=argparse.SUPPRESS)
    parser.add_argument("--started", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.app_child is not None:
        asyncio.run(app_child(Path(args.app_child) if args.app_child else None, args.started))
        return

    source = corpus(args.entries, args.contacts)
    csvs = {int(n): csv_corpus(int(n)) for n in args.import_sizes.split(",") if n}
    work = Path(tempfile.mkdtemp(prefix="journal-bench-cold-"))
    load_before = os.getloadavg()
    rows: list[Row] = []
    try:
        data = work / "data" / "journal.json"
        data.parent.mkdir()
        shutil.copyfile(source, data)
        cache = data.parent / ".journal-cache"
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env |= {"JOURNAL_FILE": str(data), "NO_COLOR": "1", "PYTHONPYCACHEPREFIX": str(work / "pyc")}
        if args.code:
            env["PYTHONPATH"] = str(args.code.resolve())
        py = [sys.executable]
        journal = [*py, "-m", "journal"]
        run([*journal, "--help"], env)  # compile the bytecode once
        run([*py, "-c", "import textual.app, textual.widgets"], env)
        runs = args.runs
        print(f"# {args.entries} entries, {args.contacts} contacts, "
              f"{data.stat().st_size / 2**20:.1f} MB file; {runs} runs per row", file=sys.stderr)

        parse = repeat(Row("floor: orjson parse of the file"), runs,
                       lambda: run([*py, "-c", PARSE, str(data)], env))
        paused = repeat(Row("floor: the same parse with the garbage collector paused"), runs,
                        lambda: run([*py, "-c", "import gc; gc.disable(); " + PARSE, str(data)], env))
        bare = repeat(Row("floor: `python -c pass`"), runs + 2, lambda: run([*py, "-c", "pass"], env))
        helped = repeat(Row("floor: `journal --help`"), runs + 2, lambda: run([*journal, "--help"], env))
        parse_s = parse.wall
        floors = [parse, paused, bare, helped]

        def cold(argv: list[str]) -> Callable[[], Sample]:
            def once() -> Sample:
                wait_built(data)
                shutil.rmtree(cache, ignore_errors=True)
                return run([*journal, *argv], env)
            return once

        for argv in (SEARCH, WEEK, MONTH):
            row = repeat(Row(f"first `{' '.join(argv[:2])}`, no cache"), runs, cold(argv))
            row.target, row.floor, row.floor_s = "≤ 1.5× parse, ≤ 400 MB", f"parse {fmt_s(parse_s)}", parse_s
            row.limit_s, row.peak_limit_mb = 1.5 * parse_s, 400
            rows.append(row)
        build = f"from journal.search.cache.reader import open_journal; open_journal({str(data)!r})"
        row = repeat(Row("the cache build on its own (the first search leaves it to a child)"), runs,
                     lambda: (wait_built(data), shutil.rmtree(cache, ignore_errors=True),
                              run([*py, "-c", build], env))[-1])
        row.floor, row.floor_s = f"parse {fmt_s(parse_s)}", parse_s
        rows.append(row)
        wait_built(data)
        for argv in (SEARCH, WEEK, MONTH):
            row = repeat(Row(f"warm `{' '.join(argv[:2])}`"), runs + 2, lambda a=argv: run([*journal, *a], env))
            row.target, row.limit_s = "≤ 0.2 s", 0.2
            row.floor = f"python {fmt_s(bare.wall)}, --help {fmt_s(helped.wall)}"
            row.floor_s = bare.wall
            rows.append(row)
        for fmt, limit in (("text", 0.5), ("json", 0.4)):
            row = repeat(Row(f"print 20k results ({fmt})"), runs + 2,
                         lambda f=fmt: run([*journal, *BROAD, "--format", f], env))
            row.work = f"print {row.samples[-1].lines if fmt == 'text' else '20k'} results ({fmt})"
            row.target, row.limit_s = f"≤ {limit} s", limit
            row.floor, row.floor_s = f"python {fmt_s(bare.wall)}", bare.wall
            rows.append(row)

        add_argv = [*journal, "add", "Bench visit 基准", "-d", "2026-11-20", "-c", "诸葛亮", "--tag", "bench"]
        # The floor and the add in turns, so that both meet the disk in the same state (an
        # fsync of 50 MB takes 0.05-0.2 s here depending on what else is written back). The
        # floor's rewrite makes the file a stranger's: the add after it validates it in full
        # (not timed), the next one is timed.
        rewrite, row = Row("floor: copy + fsync + rename of the file"), Row("`add` one entry")
        for _ in range(runs + 2):
            rewrite.samples.append(run([*py, "-c", REWRITE, str(data)], env))
            run(add_argv, env)
            row.samples.append(run(add_argv, env))
        floors.append(rewrite)
        for done in (rewrite, row):
            repeat(done, 0, lambda: run([*py, "-c", "pass"], env))  # prints the samples
        row.target, row.limit_s = "≤ 1.5× copy+fsync+rename", 1.5 * rewrite.wall
        row.floor, row.floor_s = f"rewrite {fmt_s(rewrite.wall)}", rewrite.wall
        rows.append(row)
        row = repeat(Row("warm `search` after an `add`"), runs,
                     lambda: (run(add_argv, env), run([*journal, *SEARCH], env))[1])
        row.target, row.limit_s = "≤ 0.2 s", 0.2
        row.floor, row.floor_s = f"python {fmt_s(bare.wall)}", bare.wall
        rows.append(row)

        if not args.skip_app:
            app_env = {k: v for k, v in env.items() if k != "JOURNAL_FILE"}
            empty = repeat(Row("floor: an empty Textual app painted"), runs,
                           lambda: app_run(None, app_env)[0])
            floors.append(empty)
            index_s: list[float] = []
            rss_mb: list[float] = []

            def launch() -> Sample:
                sample, values = app_run(data, app_env)
                index_s.append(values["index_s"])
                rss_mb.append(values.get("rss_mb", sample.peak_mb))
                return sample

            row = repeat(Row("app usable after launch"), runs, launch)
            row.target, row.limit_s, row.peak_limit_mb = "≤ 1.0 s, ≤ 300 MB", 1.0, 300
            row.floor, row.floor_s = f"empty app {fmt_s(empty.wall)}", empty.wall
            row.work += (f" (search index ready at {statistics.median(index_s):.2f} s; resident "
                         f"memory then {statistics.median(rss_mb):.0f} MB, the peak is the launch's)")
            rows.append(row)

        for n, csv_path in sorted(csvs.items()):
            target = work / f"import-{n}" / "journal.json"
            ienv = env | {"JOURNAL_FILE": str(target)}

            def fresh(path: Path = csv_path, target: Path = target,
                      ienv: dict[str, str] = ienv) -> Sample:
                shutil.rmtree(target.parent, ignore_errors=True)
                target.parent.mkdir()
                return run([*journal, "import", str(path)], ienv)

            row = repeat(Row(f"import a {n // 1000}k-row CSV"), runs, fresh)
            floor_out = target.with_name("floor.json")
            imp = repeat(Row(f"floor: read the {n // 1000}k CSV, write its journal"), runs,
                         lambda p=csv_path, t=target, f=floor_out: run([*py, "-c", IMPORT_FLOOR, str(p),
                                                                         str(t), str(f)], env))
            floors.append(imp)
            limit = {25_000: 1.5, 100_000: 6.0}.get(n)
            row.target, row.limit_s = (f"≤ {limit} s" if limit else "linear"), limit
            row.floor, row.floor_s = f"read+write {fmt_s(imp.wall)}", imp.wall
            rows.append(row)
            row = repeat(Row(f"first `search` right after the {n // 1000}k import"), 1,
                         lambda ienv=ienv: run([*journal, *AFTER_IMPORT], ienv))
            row.target, row.limit_s = "≤ 0.2 s (warm)", 0.2
            row.floor, row.floor_s = f"python {fmt_s(bare.wall)}", bare.wall
            rows.append(row)
        imports = [r for r in rows if r.work.startswith("import a")]
        if len(imports) == 2:
            sizes = sorted(csvs)
            per = [r.wall / n for r, n in zip(imports, sizes, strict=True)]
            print(f"  import per 1k rows: {', '.join(f'{p * 1000:.3f} s' for p in per)} "
                  f"(linear: equal)", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()
    code = f"journal from {args.code}" if args.code else "this checkout's journal"
    print(f"\n{code}; {args.entries} entries, {args.contacts} contacts ({source.stat().st_size / 2**20:.1f} MB); "
          f"whole processes, medians of {args.runs} runs (warm rows {args.runs + 2}); bytecode cache on; "
          f"{os.cpu_count()} CPUs, load average {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
          f"calibration: 10M-iteration loop = {calibration():.2f} s CPU (0.35-0.5 s idle)\n")
    print_table(rows)
    print("\nFloors:\n")
    print("| floor | wall (cpu) | peak |\n|---|---:|---:|")
    for row in floors:
        print(f"| {row.work.removeprefix('floor: ')} | {fmt_s(row.wall)} ({fmt_s(row.cpu)}) | "
              f"{row.peak:.0f} MB |")


if __name__ == "__main__":
    main()
