"""Git sync from inside the app: the ``s`` key, the command palette, pull-on-open, sync-on-quit.

:func:`journal.sync.git.sync` runs git (fetch and push may wait on the network for minutes), so it runs
in a daemon thread and the app stays responsive; the result comes back as one notification whose
severity says whether the user has something to do. A daemon thread rather than a Textual worker: a
worker runs in asyncio's default executor, which the interpreter joins at exit, so quitting during a
hung ``git fetch`` would hang too. Git itself runs with a timeout and never prompts (see sync.py).

Quitting while a sync runs stops it cleanly before the app exits: the git command running is ended,
a merge being applied is finished (it is short and local), and only then does the app go. With
sync-on-quit the app waits for the sync instead; ``q`` again stops it. Even an app killed mid-sync
loses nothing (git never writes the journal file, see :mod:`journal.sync.locked_merge`), but a clean stop
leaves no git command running behind the user's back.

The per-machine switches (pull on open, sync on quit) live in :mod:`journal.settings`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual.app import SystemCommand

from journal.errors import JournalError
from journal.i18n import N_, _
from journal.settings import Settings, save_settings

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from journal.app import JournalApp
    from journal.sync.git import SyncResult

Job = Literal["sync", "setup", "init"]
#: What each job is called in messages ("A sync is already running").
_JOB_NAMES = {"sync": N_("sync"), "setup": N_("set-up"), "init": N_("set-up")}


@dataclass(frozen=True)
class Notice:
    """How a sync result is shown: a toast with a title, a severity and how long it stays."""

    title: str
    message: str
    severity: SeverityLevel
    timeout: float


def describe(job: Job, result: SyncResult) -> Notice:
    """The notification for a result. Sync's summaries already say what happened and what to do;
    the title sorts them: done, offline (committed locally, pushed later), needs you, failed."""
    message = result.summary
    if job == "setup":
        if result.ok:
            return Notice(_("Merge driver registered"), message, "information", 8)
        return Notice(_("Sync set-up failed"), message, "error", 20)
    if not result.ok and "sync --init" in message:  # no repository or no remote yet
        message += _(" (or here: ctrl+p → “Start syncing with git…”)")
    if job == "init" and not result.ok:
        return Notice(_("Could not start syncing"), message, "error", 20)
    if result.needs_user:
        return Notice(_("Sync needs you"), message + _(" (in a terminal; the app can stay open)"),
                      "error", 60)
    if result.offline:
        return Notice(_("Offline: committed locally, will push later"), message, "warning", 12)
    if result.ok:
        return Notice(_("Synced"), message, "information", 6)
    return Notice(_("Sync failed"), message, "error", 20)


class SyncRunner:
    """At most one git job at a time for the app; results arrive on the UI thread."""

    def __init__(self, app: JournalApp) -> None:
        self.app = app
        #: The job running now, if any.
        self.running: Job | None = None
        #: Quit as soon as the running job is done (sync-on-quit, or a stop requested by quitting).
        self.quit_after = False
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None

    def start(self, job: Job = "sync", *, quiet: bool = False, url: str | None = None) -> bool:
        """Start ``job`` in the background (``url``: the remote of an ``init``); False (and a
        note) if one is already running."""
        if self.running is not None:
            self.app.notify(_("A {running} is already running.").format(running=_(_JOB_NAMES.get(self.running or '', 'sync'))), markup=False, timeout=3)
            return False
        self.running = job
        if not quiet:
            doing = {"sync": _("Syncing with git…"), "setup": _("Registering the merge driver…"),
                     "init": _("Setting up git sync…")}[job]
            self.app.notify(doing, markup=False, timeout=3)
        path = self.app.journal.path
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(job, path, url, self._stop),
                                        name=f"journal-{job}", daemon=True)
        self._thread.start()
        return True

    def _run(self, job: Job, path: Path, url: str | None, stop: threading.Event) -> None:
        """The thread: run git, then hand the result to the UI thread."""
        from journal.sync import git as sync

        try:
            if job == "setup":
                result = sync.setup(path)
            elif job == "init":
                result = sync.init(path, url, cancel=stop)
            else:
                result = sync.sync(path, cancel=stop)
        except Exception as exc:  # noqa: BLE001 - an unexpected failure must not kill the app
            reason = str(exc) if isinstance(exc, JournalError) else f"{type(exc).__name__}: {exc}"
            result = sync.SyncResult(False, _("sync stopped: {reason}").format(reason=reason))
        # Hand the result over as a message (thread-safe), not with call_from_thread: that makes
        # a coroutine first and then schedules it on the app's event loop, so when the app quit
        # meanwhile (q twice, or a quit racing the end of the job) the loop was closed or never
        # ran it — "coroutine … was never awaited", or this thread blocked on it forever. A
        # message to a closed app is simply dropped (call_later says False): nobody left to tell.
        try:
            self.app.call_later(self._finished, job, result)
        except RuntimeError:
            pass  # the event loop is already closed

    def _finished(self, job: Job, result: SyncResult) -> None:
        self.running = None
        notice = describe(job, result)
        if self.quit_after:
            # the thread has handed its result over and only returns now: let it end before the
            # app does, so nothing of the sync outlives the app
            if self._thread is not None:
                self._thread.join(timeout=5)
            self.app.exit(message=f"journal: {notice.message}")
            return
        self.app.notify(notice.message, title=notice.title, severity=notice.severity,
                        timeout=notice.timeout, markup=False)
        self.app.refresh_visible()  # a merge changed the file: show it now, not at the next poll
        if result.pulled:
            self.app.announce_conflicts()

    def quit(self, *, sync_first: bool) -> None:
        """Quit once git is done. ``sync_first`` (sync-on-quit): sync, or wait for the sync already
        running; otherwise stop a running job cleanly. A second request stops the job at once (the
        network may not be there); a third quits without waiting (the stop itself may wait for the
        journal's lock, held by another program)."""
        if self.quit_after:
            if self.running is not None and self._stop is not None and not self._stop.is_set():
                self._request_stop()
                return
            self.app.exit(message=_("journal: quit before the sync finished; run `journal sync` "
                          "to push your changes"))
            return
        if self.running is None and not sync_first:
            self.app.exit()
            return
        self.quit_after = True
        if self.running is None:
            self.start("sync", quiet=True)
            self.app.notify(_("Syncing before quitting… press q again to stop the sync and quit."),
                            markup=False, timeout=30)
        elif sync_first:
            self.app.notify(_("Waiting for the {running} to finish before quitting… press q "
                              "again to stop it and quit.").format(running=_(_JOB_NAMES.get(self.running or '', 'sync'))), markup=False, timeout=30)
        else:
            self._request_stop()

    def _request_stop(self) -> None:
        assert self._stop is not None
        self._stop.set()
        self.app.notify(_("Stopping the {running} before quitting… (nothing is lost: the next "
                          "`journal sync` finishes it)").format(running=_(_JOB_NAMES.get(self.running or '', 'sync'))), markup=False, timeout=30)


def toggle_setting(app: JournalApp, name: str) -> None:
    """Flip one switch of the per-machine settings and save them at once."""
    settings: Settings = app.settings
    setattr(settings, name, not getattr(settings, name))
    try:
        where = save_settings(settings, app.settings_file)
    except JournalError as exc:
        setattr(settings, name, not getattr(settings, name))
        app.notify(str(exc), title=_("Settings"), severity="error", markup=False, timeout=10)
        return
    state = _("on") if getattr(settings, name) else _("off")
    app.notify(_("{setting}: {state} (saved in {where})").format(
        setting=_(SETTING_TITLES[name]), state=state, where=where), title=_("Settings"),
        markup=False)


SETTING_TITLES = {"pull_on_open": N_("Sync when the app opens"),
                  "sync_on_quit": N_("Sync when the app quits")}


def sync_commands(app: JournalApp) -> Iterator[SystemCommand]:
    """Command-palette entries for syncing and the per-machine settings."""
    yield SystemCommand(_("Sync now"), _("Commit, pull, merge and push the journal with git (s)"),
                        app.action_sync)
    yield SystemCommand(_("Register the merge driver"), _("Set up git sync in this clone "
                        "(journal sync --setup)"), lambda: app.syncer.start("setup"))
    yield SystemCommand(_("Start syncing with git…"), _("Make the journal's folder a git repository "
                        "with a remote (journal sync --init URL)"), lambda: ask_remote(app))
    for name, title in SETTING_TITLES.items():
        on = getattr(app.settings, name)
        yield SystemCommand((_("{title}: turn off") if on else _("{title}: turn on")).format(
                                title=_(title)),
                            (_("Now on; a setting of this machine, in {settings_file}") if on else
                             _("Now off; a setting of this machine, in {settings_file}")).format(
                                settings_file=app.settings_file),
                            _toggle(app, name))


def ask_remote(app: JournalApp) -> None:
    """Ask for the remote's URL, then ``journal sync --init URL`` in the background."""
    from journal.screens.dialogs import PromptScreen

    def chosen(url: str | None) -> None:
        if url:
            app.syncer.start("init", url=url)

    app.push_screen(PromptScreen(
        _("Sync this journal with the git remote"), placeholder=_("git@github.com:you/journal.git"),
        hint=_("An empty private repository (URL or folder path): the journal's folder becomes a "
             "git repository that pushes there")), chosen)


def _toggle(app: JournalApp, name: str) -> Callable[[], None]:
    return lambda: toggle_setting(app, name)
