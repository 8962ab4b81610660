"""Git sync from the app, with the real git binary, a bare remote and clones in tmp_path (no mocks):
the s key, offline, a merge that needs the user, pull-on-open with a conflict, sync-on-quit, the
missing-driver warning and its fix, and the per-machine settings."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import subprocess
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from journal.app.syncing import describe
from journal.service import Journal
from journal.settings import Settings, load_settings, save_settings, settings_path
from journal.sync import git as sync
from journal.sync.driver import driver_warning

from .support import TODAY, Notes, make_app, ready, until

DAY = TODAY.isoformat()


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout


@dataclass
class Clones:
    remote: Path
    a: Path  # A's journal file (started the journal, set up with sync --init)
    b: Path  # B's journal file (a clone with the driver registered)
    x: str  # an entry both have


@pytest.fixture
def clones(tmp_path: Path, git_env: Path) -> Clones:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    a = tmp_path / "A" / "journal.json"
    entry, _ = Journal(a).add_entry(event="Visit ACME", date=DAY, time="09:00",
                                    summary="first notes")
    assert sync.init(a, str(remote)).ok
    git(tmp_path, "clone", "-q", str(remote), "B")
    b = tmp_path / "B" / "journal.json"
    assert sync.setup(b).ok
    return Clones(remote, a, b, entry.id)


async def test_s_syncs_and_says_so(clones: Clones) -> None:
    Journal(clones.a).add_entry(event="written on A", date=DAY, time="11:00")
    app = make_app(clones.a)
    notes = Notes(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("s")
        await until(pilot, lambda: bool(notes.titled("Synced")), timeout=30)
        title, message, severity = notes.titled("Synced")[0]
        assert "pushed to origin" in message and severity == "information"
    assert "written on A" in git(clones.remote, "show", "main:journal.json")


async def test_offline_commits_locally_and_a_merge_needing_the_user_says_what_to_do(
        clones: Clones, tmp_path: Path) -> None:
    repo_a = clones.a.parent
    git(repo_a, "remote", "set-url", "origin", str(tmp_path / "missing.git"))
    app = make_app(clones.a)
    notes = Notes(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("n", *"on the train", "ctrl+s")
        await pilot.press("s")
        await until(pilot, lambda: bool(notes.titled("Offline")), timeout=30)
        _, message, severity = notes.titled("Offline")[0]
        assert severity == "warning" and "will be pushed" in message
        assert "on the train" in git(repo_a, "show", "HEAD:journal.json")
        # Back online, but B committed another file that conflicts with one of A's.
        git(repo_a, "remote", "set-url", "origin", str(clones.remote))
        (clones.b.parent / "notes.txt").write_text("B\n")
        git(clones.b.parent, "add", "notes.txt")
        git(clones.b.parent, "commit", "-qm", "B notes")
        git(clones.b.parent, "push", "-q")
        (repo_a / "notes.txt").write_text("A\n")
        git(repo_a, "add", "notes.txt")
        git(repo_a, "commit", "-qm", "A notes")
        await pilot.press("s")
        await until(pilot, lambda: bool(notes.titled("Sync needs you")), timeout=30)
        _, message, severity = notes.titled("Sync needs you")[0]
        assert severity == "error" and "notes.txt" in message and "git add" in message
        assert app.is_running


async def test_pull_on_open_brings_a_conflict_that_the_app_marks(clones: Clones) -> None:
    Journal(clones.b).edit_entry(clones.x, {"summary": "B's notes"})
    assert sync.sync(clones.b).ok
    Journal(clones.a).edit_entry(clones.x, {"summary": "A's later notes"})
    save_settings(Settings(pull_on_open=True))
    app = make_app(clones.a)
    notes = Notes(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await until(pilot, lambda: bool(notes.titled("Merge conflicts")), timeout=30)
        assert notes.titled("Synced")
        assert clones.x in app.session.conflicted()["entries"]
        screen = app.main_screen()
        assert screen.conflict_target() == ("entries", clones.x)  # type: ignore[attr-defined]
        await pilot.press("r", "down", "enter")
        await until(pilot, lambda: not app.session.conflicted()["entries"])
    assert Journal(clones.a).tables["entries"][clones.x]["summary"] == "B's notes"


async def test_sync_on_quit_then_exit(clones: Clones) -> None:
    save_settings(Settings(sync_on_quit=True))
    app = make_app(clones.a)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("n", *"last words", "ctrl+s")
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running, timeout=30)
    assert "last words" in git(clones.remote, "show", "main:journal.json")


async def test_a_second_q_quits_without_waiting_for_a_hung_sync(
        clones: Clones, monkeypatch: pytest.MonkeyPatch) -> None:
    # A remote over "ssh" whose connection hangs for 20 s (the shell comments out git's args).
    git(clones.a.parent, "remote", "set-url", "origin", "ssh://example.invalid/x.git")
    monkeypatch.setenv("GIT_SSH_COMMAND", "sleep 20; false #")
    save_settings(Settings(sync_on_quit=True))
    app = make_app(clones.a)
    notes = Notes(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("q")
        await until(pilot, lambda: app.syncer.running == "sync")
        assert app.is_running and any("press q again" in n[1] for n in notes.seen)
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running, timeout=5)


def test_a_result_handed_over_as_the_app_quits_is_dropped_quietly(
        sample_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sync thread hands its result to the app just as the app quits (q while git was
    finishing): the result is dropped without a "coroutine … was never awaited" RuntimeWarning
    (call_from_thread made its coroutine, then could not schedule it on the closed loop), without
    an exception in the thread, and the thread ends."""
    monkeypatch.setattr(sync, "sync", lambda path: sync.SyncResult(True, "synced"))
    crashed: list[object] = []
    monkeypatch.setattr(threading, "excepthook", crashed.append)
    handing_over, loop_closed = threading.Event(), threading.Event()
    workers: list[threading.Thread] = []  # this app's sync thread (not another test's)
    app = make_app(sample_file)

    def held(method: Callable[..., object]) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            if threading.current_thread().name == "journal-sync":
                workers.append(threading.current_thread())
                handing_over.set()
                loop_closed.wait(10)
            return method(*args, **kwargs)
        return call

    # however the thread reaches the app, it gets there only once the app has quit
    for name in ("call_from_thread", "call_later", "post_message"):
        setattr(app, name, held(getattr(app, name)))

    async def quit_while_handing_over() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            await pilot.press("s")
            await until(pilot, handing_over.is_set)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(quit_while_handing_over())  # the app quits, then its event loop closes
        worker = workers[0]
        loop_closed.set()
        worker.join(5)
        gc.collect()
    assert not worker.is_alive() and not crashed
    assert [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)] == []


async def test_missing_driver_warns_and_the_palette_registers_it(
        clones: Clones, tmp_path: Path) -> None:
    git(tmp_path, "clone", "-q", str(clones.remote), "C")
    c = tmp_path / "C" / "journal.json"
    assert driver_warning(c) is not None
    app = make_app(c)
    notes = Notes(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        warning = notes.titled("Git sync is not set up")
        assert warning and "journal sync --setup" in warning[0][1]
        assert warning[0][2] == "warning"
        command = next(cmd for cmd in app.get_system_commands(app.screen)
                       if cmd.title == "Register the merge driver")
        command.callback()
        await until(pilot, lambda: bool(notes.titled("Merge driver registered")), timeout=30)
    assert driver_warning(c) is None


async def test_not_a_repository_points_at_starting_sync(tmp_path: Path, git_env: Path,
                                                        sample_file: Path) -> None:
    app = make_app(sample_file)
    notes = Notes(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("s")
        await until(pilot, lambda: bool(notes.titled("Sync failed")), timeout=30)
        message = notes.titled("Sync failed")[0][1]
        assert "not inside a git repository" in message and "Start syncing" in message


def test_describe_sorts_results_by_what_the_user_must_do() -> None:
    assert describe("sync", sync.SyncResult(True, "ok")).severity == "information"
    offline = describe("sync", sync.SyncResult(True, "x", offline=True))
    assert offline.severity == "warning" and "will push later" in offline.title
    assert describe("sync", sync.SyncResult(False, "x", needs_user=True)).title == "Sync needs you"
    assert describe("setup", sync.SyncResult(False, "x")).severity == "error"


# -- settings ------------------------------------------------------------------------------------

def test_settings_default_when_missing_or_damaged(private_settings: Path) -> None:
    assert settings_path() == private_settings
    assert load_settings() == Settings()
    private_settings.parent.mkdir(parents=True)
    for junk in ("{not json", "[1, 2]", '{"pull_on_open": "yes"}', "\xff"):
        private_settings.write_text(junk, encoding="latin-1")
        assert load_settings() == Settings()


def test_settings_round_trip_and_keep_unknown_keys(private_settings: Path) -> None:
    private_settings.parent.mkdir(parents=True)
    private_settings.write_text('{"from_a_newer_version": [1], "sync_on_quit": true}')
    settings = load_settings()
    assert settings.sync_on_quit and not settings.pull_on_open
    settings.pull_on_open = True
    save_settings(settings)
    assert json.loads(private_settings.read_text()) == {
        "from_a_newer_version": [1], "pull_on_open": True, "sync_on_quit": True,
        "reports_dir": ""}
    assert private_settings.stat().st_mode & 0o777 == 0o600


async def test_settings_are_toggled_from_the_palette(sample_file: Path,
                                                     private_settings: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        titles = {c.title: c for c in app.get_system_commands(app.screen)}
        titles["Sync when the app opens: turn on"].callback()
        assert app.settings.pull_on_open
        titles = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Sync when the app opens: turn off" in titles
        titles["Sync when the app quits: turn on"].callback()
    assert load_settings() == Settings(pull_on_open=True, sync_on_quit=True)


# -- quitting while a sync runs -------------------------------------------------------------------


def _remote_ref(repo: Path) -> str:
    """origin/main as the clone records it (a loose ref file, else packed-refs)."""
    loose = repo / ".git" / "refs" / "remotes" / "origin" / "main"
    try:
        return loose.read_text()
    except FileNotFoundError:
        packed = repo / ".git" / "packed-refs"
        return next((line for line in packed.read_text().splitlines()
                     if line.endswith(" refs/remotes/origin/main")), "")


def _git_children() -> list[int]:
    """git processes this test process started and that still run."""
    found = []
    for name in os.listdir("/proc"):
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                raw = handle.read().decode()
        except (OSError, ValueError):
            continue
        comm, fields = raw[raw.find("(") + 1:raw.rfind(")")], raw[raw.rfind(")") + 2:].split()
        if comm.startswith("git") and fields[0] != "Z" and int(fields[1]) == os.getpid():
            found.append(int(name))
    return found


@pytest.fixture
def big_clones(tmp_path: Path, git_env: Path) -> Clones:
    """Like ``clones``, with 20k entries: a merge then takes long enough to quit in the middle."""
    from tests.reliability._support import seed

    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    a = tmp_path / "A" / "journal.json"
    seed(a, 20000)
    entry, _ = Journal(a).add_entry(event="Visit ACME", date=DAY)
    assert sync.init(a, str(remote)).ok
    git(tmp_path, "clone", "-q", str(remote), "B")
    b = tmp_path / "B" / "journal.json"
    assert sync.setup(b).ok
    return Clones(remote, a, b, entry.id)


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads the process table from /proc")
async def test_quitting_mid_merge_stops_the_sync_first_and_loses_nothing(big_clones: Clones) -> None:
    """The issue's repro in the app: `s`, then `q` as the merge starts, then an add. The app exits
    only once its sync has stopped (no git left running behind it), and the add is kept, also
    after the next sync."""
    clones = big_clones
    Journal(clones.b).add_entry(event="from B", date=DAY)
    assert sync.sync(clones.b).ok
    Journal(clones.a).add_entry(event="from A", date=DAY)  # so that A's sync really merges
    fetched_before = _remote_ref(clones.a.parent)
    app = make_app(clones.a)
    notes = Notes(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("s")
        await until(pilot, lambda: _remote_ref(clones.a.parent) != fetched_before, timeout=60)
        await pilot.press("q")  # the fetch is done: the merge is starting
        await until(pilot, lambda: not app.is_running, timeout=60)
    workers = [t for t in threading.enumerate() if t.name == "journal-sync"]
    still_running = [t for t in workers if t.is_alive()] + _git_children()
    acked, _ = Journal(clones.a).add_entry(event="right after quitting", date=DAY)
    for worker in workers:  # (before the fix: the sync went on after the app had quit)
        worker.join(120)
    await until_no_git_children()
    entries = Journal(clones.a).tables["entries"]
    assert acked.id in entries, "an entry written after quitting was lost to the sync"
    assert still_running == [], "the app quit while its sync still ran"
    assert any("Stopping the sync" in n[1] for n in notes.seen), notes.seen
    assert sync.sync(clones.a).ok
    events = {e["event"] for e in Journal(clones.a).tables["entries"].values()}
    assert {"from A", "from B", "right after quitting"} <= events


async def until_no_git_children(timeout: float = 120) -> None:
    waited = 0.0
    while _git_children():
        assert waited < timeout, "git commands started by the sync never ended"
        await asyncio.sleep(0.05)
        waited += 0.05


async def test_q_again_quits_at_once_when_the_stop_itself_waits(
        clones: Clones, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without sync-on-quit, q stops the running sync and waits for it; if that takes long (here a
    sync that does not notice the stop), q again quits at once."""
    release = threading.Event()

    def stubborn(path: Path, cancel: threading.Event | None = None) -> sync.SyncResult:
        release.wait(10)
        return sync.SyncResult(True, "synced")

    monkeypatch.setattr(sync, "sync", stubborn)
    app = make_app(clones.a)
    notes = Notes(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("s")
        await until(pilot, lambda: app.syncer.running == "sync")
        await pilot.press("q")
        await pilot.pause(0.2)
        assert app.is_running and any("Stopping the sync" in n[1] for n in notes.seen)
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running, timeout=5)
    release.set()
