"""Ticking entries off: the rules shared by ``journal done/undone``, the app's tick key and the
agenda.

* The tick toggles planned ↔ done; ticking a cancelled entry marks it done (it happened after
  all). Unticking puts an entry back to planned.
* An entry dated after today is not done yet: marking it done needs confirming (the app asks,
  the command line wants ``--force``), because it is far more often the wrong row than work done
  ahead of time.
* A status change never touches the entry's origin (:func:`journal.models.effective_origin`):
  a plan ticked off stays a plan done as planned; something that came up and was unticked by
  mistake does not become a plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from journal.errors import ValidationError
from journal.models import Entry


class FutureEntryError(ValidationError):
    """Marking an entry dated after today as done, without confirmation."""

    def __init__(self, entries: list[Entry]) -> None:
        first = entries[0]
        more = f" (and {len(entries) - 1} more)" if len(entries) > 1 else ""
        super().__init__(f"entry {first.id} ({first.date} {first.event[:40]}) is dated after "
                         f"today{more}; use --force to mark it done anyway")
        self.entries = entries


def toggled(status: str) -> str:
    """The status the tick gives an entry now in ``status``."""
    return "planned" if status == "done" else "done"


def check_not_future(entries: Iterable[Entry], status: str, today: date, force: bool) -> None:
    """Refuse to mark entries dated after ``today`` done unless ``force``."""
    if status != "done" or force:
        return
    ahead = [e for e in entries if e.status != "done" and e.date > today.isoformat()]
    if ahead:
        raise FutureEntryError(ahead)
