"""Which reminders are due: pure functions over entry documents (stored ones and the virtual
documents of occurrences)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["Reminder", "due_reminders", "is_due"]


@dataclass(frozen=True)
class Reminder:
    """A reminder that is due: the entry (or occurrence) id, what and when."""

    id: str
    event: str
    date: str
    time: str | None
    remind_at: str
    status: str

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.remind_at)


def _moment(value: Any) -> str | None:
    """``remind_at`` in the one comparable form ``YYYY-MM-DDTHH:MM``, or None if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace(" ", "T")).strftime("%Y-%m-%dT%H:%M")
    except ValueError:
        return None


def is_due(doc: Mapping[str, Any], now: datetime) -> bool:
    """Whether ``doc``'s reminder has come, is not acknowledged, and the entry is still planned."""
    remind = _moment(doc.get("remind_at"))
    return (remind is not None and doc.get("status") == "planned"
            and remind <= now.strftime("%Y-%m-%dT%H:%M") and doc.get("reminded") != doc.get("remind_at"))


def due_reminders(docs: Iterable[tuple[str, Mapping[str, Any]]], now: datetime) -> list[Reminder]:
    """The due reminders among ``(id, document)`` pairs, oldest first."""
    out = [Reminder(i, str(d.get("event", "")), str(d["date"]), d.get("time"),
                    _moment(d.get("remind_at")) or "", str(d.get("status")))
           for i, d in docs if is_due(d, now)]
    return sorted(out, key=lambda r: (r.remind_at, r.date, r.time or "", r.id))
