"""Helpers for the TUI tests: an app with a pinned date, and waiting for it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from textual.pilot import Pilot

from journal.app import JournalApp

#: The date every TUI test lives on (a Monday), so day views and snapshots are stable.
TODAY = date(2026, 11, 23)


def make_app(path: Path, *, poll_seconds: float = 1.5) -> JournalApp:
    app = JournalApp(path, today=TODAY, poll_seconds=poll_seconds)
    app.animation_level = "none"  # snapshots must not catch a tab underline mid-slide
    return app


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the app run until ``condition`` holds (fail after ``timeout`` seconds)."""
    waited = 0.0
    while not condition():
        if waited >= timeout:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.05)
        waited += 0.05


async def ready(pilot: Pilot) -> None:
    """Wait until the app has loaded the journal and shows its first screen."""
    app = pilot.app
    assert isinstance(app, JournalApp)
    await until(pilot, lambda: app.ready and app.main_screen().is_mounted)
    await pilot.pause()



class Notes:
    """Every notification the app shows, as (title, message, severity), recorded by wrapping
    ``app.notify`` (sync results arrive as notifications from a thread)."""

    def __init__(self, app: JournalApp) -> None:
        self.seen: list[tuple[str, str, str]] = []
        original = app.notify

        def notify(message: str, *, title: str = "", severity: str = "information",
                   **kwargs: object) -> None:
            self.seen.append((title, message, severity))
            original(message, title=title, severity=severity, **kwargs)  # type: ignore[arg-type]

        app.notify = notify  # type: ignore[method-assign]

    def titled(self, title: str) -> list[tuple[str, str, str]]:
        return [note for note in self.seen if note[0].startswith(title)]
