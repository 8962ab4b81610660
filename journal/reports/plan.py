"""Plan against done: what a period's plan became, overall and per client and project.

The figures a manager reports upwards ("8 planned, 6 done as planned, 2 carried over, 3 came
up"), built from the entries' status, origin (:func:`journal.models.effective_origin`) and
``carried_from``:

* **planned**: the period's plan items — entries with a planned origin dated in the period, plus
  those carried out of it (a ``carried_from`` day in the period, now dated after it). An entry
  carried from Monday to Tuesday of the same week is one plan item of that week.
* **done as planned**: planned origin, done, dated in the period.
* **carried over**: carried out of the period, whatever became of them since.
* **cancelled**: planned origin, cancelled, dated in the period.
* **still open**: planned origin, still planned, dated in the period (if it happened, tick it).
* **came up** (unplanned): done entries that were never planned.

So planned = done as planned + carried over + cancelled + still open. Hours and expenses count
done entries, split by where they came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from journal.routine.expenses import sum_by_currency

__all__ = ["CARRY_LOOKAHEAD_DAYS", "PlanFigures", "carried_out", "plan_figures"]

#: How far after a period the reports look for entries carried out of it.
CARRY_LOOKAHEAD_DAYS = 92


@dataclass
class PlanFigures:
    planned: int = 0
    done_as_planned: int = 0
    carried_over: int = 0
    cancelled: int = 0
    still_open: int = 0
    unplanned: int = 0  # done, came up on the day
    minutes_as_planned: int = 0  # done as planned, with both times
    minutes_unplanned: int = 0
    expenses: dict[str, int | float] = field(default_factory=dict)  # done entries, per currency

    def add(self, entry: Any, *, carried: bool = False) -> None:
        """Count one entry of the period (or, ``carried``, one carried out of it)."""
        if carried:
            self.planned += 1
            self.carried_over += 1
            return
        if entry.origin == "planned":
            self.planned += 1
            if entry.status == "done":
                self.done_as_planned += 1
                self.minutes_as_planned += entry.minutes or 0
            elif entry.status == "cancelled":
                self.cancelled += 1
            else:
                self.still_open += 1
        elif entry.status == "done":
            self.unplanned += 1
            self.minutes_unplanned += entry.minutes or 0

    @property
    def any(self) -> bool:
        return bool(self.planned or self.unplanned)


def plan_figures(items: Iterable[Any], carried: Iterable[Any]) -> PlanFigures:
    """The figures of a period's entries ``items`` and of the entries ``carried`` out of it
    (both :class:`~journal.reports.summary.ReportEntry`)."""
    figures = PlanFigures()
    spent: list[Mapping[str, Any]] = []
    for entry in items:
        figures.add(entry)
        if entry.status == "done":
            spent.extend(entry.expenses)
    for entry in carried:
        figures.add(entry, carried=True)
    figures.expenses = sum_by_currency(spent)
    return figures


def carried_out(docs: Mapping[str, Mapping[str, Any]], start: date, end: date) -> list[str]:
    """Ids of the entries in ``docs`` dated after ``end`` (up to :data:`CARRY_LOOKAHEAD_DAYS`
    later) that were carried away from a day of ``start``..``end``."""
    lo, hi = start.isoformat(), end.isoformat()
    from journal.dates import days_after

    limit = days_after(end, CARRY_LOOKAHEAD_DAYS).isoformat()
    return sorted(i for i, d in docs.items()
                  if hi < d.get("date", "") <= limit
                  and any(lo <= day <= hi for day in d.get("carried_from") or ()))
