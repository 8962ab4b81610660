"""TUI benchmark on a 100k-entry journal: time to a usable screen, latency of keys, memory.

    .venv/bin/python bench/bench_tui.py [--entries 100000] [--contacts 10000] [--runs 5]

The corpus comes from tests/corpus.py (seeded, so every machine measures the same data) and is
cached in bench/out/ (never modified: each run works on a copy in a temp folder). Two copies are
measured: one written by journal itself (what a user's file is: the storage trusts its own writes
and skips re-validating them) and the cached file as is, as after a ``git pull`` or an edit by
another program (validated in full on open).

Each launch is a fresh process, timed from process start (interpreter start-up and imports
included) until the day view shows today's entries. The app runs headless through Textual's test
driver; to count what a terminal would cost too, every frame is also encoded into the escape
sequences that would be written to it. A key's *latency* is from the key press to the end of the
first frame showing its effect; *cpu* is the process CPU time spent meanwhile.

Targets (DESIGN.md): usable < 1.5 s, search keystroke < 100 ms, lists scroll without lag (a frame
well under 50 ms), memory < 400 MB. Prints one line per measurement, then medians over the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
QUERIES = ("客户", "visit", "张", "loan tag:vip", 'contact:"Alice Johnson"', "follow status:planned",
           "zzzz")


def corpus(n_entries: int, n_contacts: int) -> Path:
    """The cached corpus file (built once: generating 100k entries takes a few seconds)."""
    path = OUT / f"tui-{n_entries}-{n_contacts}.json"
    if not path.exists():
        sys.path.insert(0, str(ROOT / "tests"))
        from corpus import generate_tables

        from journal.storage import dump_canonical

        OUT.mkdir(parents=True, exist_ok=True)
        path.write_bytes(dump_canonical(generate_tables(n_entries, n_contacts, seed=1)))
    return path


def copies(source: Path, folder: Path) -> dict[str, Path]:
    """``written``: the data written by journal's own store; ``foreign``: the bytes as cached,
    never seen by journal; ``synced``: the same bytes after ``journal sync`` brought them in (it
    refreshes the search cache, which vouches for the bytes it validated)."""
    from journal.search.cache.reader import open_journal
    from journal.storage import JournalStore, load_file

    written = folder / "written" / "journal.json"
    JournalStore(written).replace_all(load_file(source))
    out = {"written": written}
    for kind in ("foreign", "synced"):
        out[kind] = folder / kind / "journal.json"
        out[kind].parent.mkdir()
        shutil.copyfile(source, out[kind])
    settled = time.time_ns() - 10**10  # pulled a while before the app is opened
    os.utime(out["synced"], ns=(settled, settled))
    open_journal(out["synced"])
    return out


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines()
                  if ":" in line)
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


class Frames:
    """Times at which frames were finished, each encoded as for a real terminal."""

    def __init__(self, app: Any) -> None:
        from textual._compositor import CompositorUpdate

        self.times: list[float] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is not None and not app._batch_count:
                if isinstance(renderable, CompositorUpdate):
                    renderable.render_segments(app.console)
                self.times.append(time.perf_counter())

        app._display = display

    def after(self, moment: float) -> float | None:
        return next((t for t in self.times if t >= moment), None)


def stamp(obj: Any, name: str) -> list[float]:
    """Record when ``obj.name(...)`` returns (the moment its effect exists, before its frame)."""
    times: list[float] = []
    original = getattr(obj, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        times.append(time.perf_counter())
        return result

    setattr(obj, name, wrapped)
    return times


async def latency(pilot: Any, frames: Frames, marks: list[float],
                  act: Callable[[], Awaitable[None]]) -> tuple[float, float]:
    """(latency ms, cpu ms) of ``act``: until the first frame after its last mark."""
    before = len(marks)
    t0, c0 = time.perf_counter(), time.process_time()
    await act()
    for _ in range(200):
        if len(marks) > before and frames.after(marks[-1]) is not None:
            break
        await asyncio.sleep(0.005)
    cpu = (time.process_time() - c0) * 1000
    if len(marks) == before:
        raise RuntimeError("the action had no effect")
    end = frames.after(marks[-1])
    assert end is not None, "no frame after the change"
    return (end - t0) * 1000, cpu


def report(name: str, values: list[tuple[float, float]], extra: str = "") -> None:
    lat = [v[0] for v in values]
    cpu = [v[1] for v in values]
    print(f"{name}: latency_ms median={statistics.median(lat):.1f} max={max(lat):.1f}; "
          f"cpu_ms median={statistics.median(cpu):.1f}{extra}")


async def measure(path: Path, started: float) -> None:
    """Runs inside the child process: launch, then measure interactions; prints key=value lines."""
    from corpus import ANCHOR

    from journal.app import JournalApp
    from journal.screens.day import DayScreen
    from journal.screens.documents import DocumentsScreen
    from journal.screens.search import DEBOUNCE_S, SearchScreen
    from journal.widgets.entry_list import EntryList
    from journal.widgets.line_list import LineList

    app = JournalApp(path, today=ANCHOR)
    async with app.run_test(size=(160, 48)) as pilot:
        frames = Frames(app)

        def usable() -> bool:
            screen = app.main_screen()
            tables = screen.query("#day-table") if isinstance(screen, DayScreen) else []
            return bool(app.ready and tables and tables.first(EntryList).count)

        while not usable():
            await asyncio.sleep(0.002)
        shown = frames.after(time.perf_counter()) or time.perf_counter()
        while frames.after(shown) is None and time.perf_counter() - shown < 1:
            await asyncio.sleep(0.002)
        print(f"usable_s={time.time() - started:.3f}")
        day = app.main_screen()
        assert isinstance(day, DayScreen)
        marks = stamp(day, "reload")
        first = await latency(pilot, frames, marks, lambda: pilot.press("left"))
        print(f"first_key_ms={first[0]:.1f} (a day switch right after launch)")
        while app._indexing is None and app.session.current_index() is None:
            await asyncio.sleep(0.005)
        if app.session.current_index() is None:  # a key while the index is built in a thread
            await asyncio.sleep(0.2)
            during = await latency(pilot, frames, marks, lambda: pilot.press("left"))
            print(f"key_while_indexing_ms={during[0]:.1f} (a day switch)")
        while app.search_index() is None:
            await asyncio.sleep(0.01)
        print(f"index_ready_s={time.time() - started:.3f} (built in the background)")
        print("rss_mb={:.0f} peak_mb={:.0f}".format(*rss_mb()))

        report("day_switch", [await latency(pilot, frames, marks, lambda: pilot.press("left"))
                              for _ in range(10)])

        await pilot.press("slash")
        search = app.main_screen()
        assert isinstance(search, SearchScreen)
        marks = stamp(search, "_run_query")  # results or, for a query being typed, its error
        for query in QUERIES:
            search.query_input.value = ""
            await pilot.pause(DEBOUNCE_S * 2)
            values = []
            for ch in query:  # key by key, a user's pace (a pause between keys)
                values.append(await latency(pilot, frames, marks, lambda c=ch: pilot.press(c)))
                await pilot.pause(DEBOUNCE_S)
            report(f"search_keystroke {query!r}", values,
                   f"; hits={len(search.results.entry_ids)} index_ms={search.last_ms:.1f}")

        # scrolling: page down through a long result list (more hits are fetched on the way)
        search.query_input.value = "status:done"
        search.run_query()
        await pilot.press("escape")
        results = search.results
        marks = stamp(LineList, "_scroll_to_cursor")
        values = [await latency(pilot, frames, marks, lambda: pilot.press("pagedown"))
                  for _ in range(40)]
        report("results_pagedown", values, f"; rows now {len(results.entry_ids)}")
        values = [await latency(pilot, frames, marks, lambda: pilot.press("down"))
                  for _ in range(30)]
        report("results_cursor_down", values)
        values = [await latency(pilot, frames, marks, lambda: pilot.press("end"))]
        report("results_end", values, f"; rows now {len(results.entry_ids)}")

        await pilot.press("c")
        contacts = app.main_screen()
        assert isinstance(contacts, DocumentsScreen)
        names = contacts.names
        values = [await latency(pilot, frames, marks, lambda: pilot.press("pagedown"))
                  for _ in range(30)]
        report("contacts_pagedown", values, f"; {names.count} contacts")
        values = [await latency(pilot, frames, marks, lambda: pilot.press("down"))
                  for _ in range(30)]
        report("contacts_cursor_down", values)
        await pilot.press("f")
        marks = stamp(names, "set_items")
        values = []
        for ch in "alice":
            values.append(await latency(pilot, frames, marks, lambda c=ch: pilot.press(c)))
            await pilot.pause(0.05)
        report("contact_filter_keystroke", values)
        await pilot.pause(0.3)
        print("rss_end_mb={:.0f} peak_end_mb={:.0f}".format(*rss_mb()))


def child(path: Path, started: float) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    asyncio.run(measure(path, started))


_MEDIAN = re.compile(r"latency_ms median=([\d.]+)")
_VALUE = re.compile(r"^(\w+)=([\d.]+)")


def numbers(line: str) -> tuple[str, float] | None:
    """(name, value) of a result line: a latency's median, or a ``name=value``."""
    hit = _MEDIAN.search(line)
    if hit:
        return line.split(": latency_ms")[0], float(hit.group(1))
    hit = _VALUE.match(line)
    return (hit.group(1), float(hit.group(2))) if hit else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--started", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.started)
        return
    source = corpus(args.entries, args.contacts)
    print(f"# {args.entries} entries, {args.contacts} contacts, "
          f"{source.stat().st_size / 2**20:.0f} MB file, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="bench-tui-") as tmp:
        files = copies(source, Path(tmp))
        summary: dict[str, dict[str, list[float]]] = {kind: {} for kind in files}
        for run in range(args.runs):
            for kind, path in files.items():
                print(f"## run {run + 1}, file {kind} (load average {os.getloadavg()[0]:.2f})")
                out = subprocess.run([sys.executable, __file__, "--child", str(path),
                                      "--started", str(time.time())], capture_output=True,
                                     text=True, cwd=ROOT, check=False)
                print(out.stdout.rstrip())
                if out.returncode:
                    print(out.stderr[-3000:])
                for line in out.stdout.splitlines():
                    found = numbers(line)
                    if found:
                        summary[kind].setdefault(found[0], []).append(found[1])
    print(f"# medians over {args.runs} runs (load average now {os.getloadavg()[0]:.2f})")
    for kind, values in summary.items():
        for key, found in values.items():
            print(f"{kind:8} {key:45} {statistics.median(found):9.3f}")


if __name__ == "__main__":
    main()
