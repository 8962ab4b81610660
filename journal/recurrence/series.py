"""A series and its occurrences: virtual entries, per-occurrence exceptions, splitting.

**Virtual entries.** An occurrence is shown as an entry document made from the series (its
event, time, links, tags, summary) for one day, under the id ``SERIES_ID@YYYY-MM-DD`` — the day
the rule gives it, which stays its name when it is moved. Such a document also carries
``series`` (the series' id) and ``occurrence`` (that day), which no stored entry has. An
occurrence is planned until ticked (a cancelled series' occurrences are cancelled), and was
planned ahead (``origin``).

**Exceptions.** What was done to one occurrence is stored on the series::

    "exceptions": {"2026-12-07": {"status": "done", "summary": "…", "updated_at": "…"},
                   "2026-12-14": {"date": "2026-12-15", "time": "10:00", "updated_at": "…"},
                   "2026-12-21": {"skip": true, "updated_at": "…"}}

keyed by the occurrence's day by the rule, holding only what differs from the series (an
occurrence unticked again loses its exception), ``skip`` for one deleted, and when it last
changed. Two machines changing different occurrences, or one the series and the other an
occurrence, change different keys or fields: the merge (journal.sync.merge) takes both.

An exception whose day the rule no longer gives (the series was moved or shortened) is dropped
from view — unless it was ticked done: work done is never hidden, so it stays, on its day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from journal.i18n import _
from journal.recurrence.compiled import build_rule
from journal.recurrence.expand import occurrence_dates
from journal.recurrence.rules import WEEKDAY_CODES, join_parts, never_repeats, rule_parts

__all__ = ["OVERRIDABLE", "Doc", "is_occurrence_day", "is_series", "occurrence_doc",
           "occurrence_id", "occurrences", "shift_rule", "split_id", "split_series",
           "with_exception"]

Doc = dict[str, Any]
#: Fields one occurrence may hold differently from its series.
OVERRIDABLE = ("date", "time", "end_time", "event", "summary", "status", "priority", "tags",
               "expenses", "remind_at", "reminded", "carried_from")
#: Fields of the series that are not an occurrence's (its rule and bookkeeping).
_SERIES_ONLY = frozenset({"recurrence", "exceptions", "edited_at", "conflicts", "remind_at",
                          "reminded"})
_ID = re.compile(r"([0-9A-HJKMNP-TV-Z]{26})@([0-9]{4}-[0-9]{2}-[0-9]{2})\Z")
#: An untimed entry's reminders count from this time of its day.
DAY_START = "09:00"


def occurrence_id(series_id: str, day: str) -> str:
    return f"{series_id}@{day}"


def split_id(text: str) -> tuple[str, str] | None:
    """(series id, day) of an occurrence id, or None for anything else."""
    m = _ID.match(text.strip().upper())
    if m is None:
        return None
    try:
        date.fromisoformat(m[2])
    except ValueError:
        return None
    return m[1], m[2]


def is_series(doc: Mapping[str, Any]) -> bool:
    """Whether a stored entry repeats: its ``recurrence`` is a rule dateutil can expand. An entry
    imported with a rule it cannot read stays a single entry (and ``journal doctor`` says so)."""
    rule = doc.get("recurrence")
    if not rule or not isinstance(rule, str):
        return False
    try:
        if "\n" not in rule.strip() and never_repeats(rule_parts(rule)):
            return False
        build_rule(rule, date.fromisoformat(doc["date"]))
        return True
    except (ValueError, TypeError, KeyError, OverflowError, AttributeError, IndexError):
        return False


def _start(day: str, time: str | None) -> datetime:
    return datetime.fromisoformat(f"{day}T{time or DAY_START}")


def _reminder_offset(series: Mapping[str, Any]) -> timedelta | None:
    """How long before (negative) or after its start each occurrence reminds, from the series'
    ``remind_at`` (which is set for its first day)."""
    remind = series.get("remind_at")
    if not remind:
        return None
    try:
        return datetime.fromisoformat(str(remind)) - _start(series["date"], series.get("time"))
    except ValueError:
        return None


def occurrence_doc(series_id: str, series: Mapping[str, Any], day: str,
                   exception: Mapping[str, Any] | None = None) -> Doc:
    """The virtual entry of the occurrence the rule puts on ``day``, with its exception applied."""
    doc: Doc = {k: v for k, v in series.items() if k not in _SERIES_ONLY}
    doc["date"] = day
    doc["status"] = "cancelled" if series.get("status") == "cancelled" else "planned"
    doc["origin"] = "planned"
    doc["series"] = series_id
    doc["occurrence"] = day
    offset = _reminder_offset(series)
    exception = exception or {}
    for name in OVERRIDABLE:
        if name in exception:
            doc[name] = exception[name]
    if offset is not None and "remind_at" not in exception:
        moment = _start(doc["date"], doc.get("time")) + offset
        doc["remind_at"] = moment.strftime("%Y-%m-%dT%H:%M")
    stamp = exception.get("updated_at")
    if isinstance(stamp, str) and stamp > str(doc.get("updated_at", "")):
        doc["updated_at"] = stamp
    return {k: v for k, v in doc.items() if v is not None and v != "" and v != []}


def is_occurrence_day(series: Mapping[str, Any], day: str) -> bool:
    """Whether the series' rule gives an occurrence on ``day``."""
    d = date.fromisoformat(day)
    return bool(occurrence_dates(series["recurrence"], date.fromisoformat(series["date"]), d, d))


def usable_exceptions(series: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The series' exceptions that hold what they should (a file from elsewhere may not: such an
    exception is left out, and ``journal doctor`` names the entry)."""
    from journal.errors import ValidationError
    from journal.models import check_exceptions

    raw = series.get("exceptions") or {}
    if not isinstance(raw, Mapping):
        return {}
    out: dict[str, dict[str, Any]] = {}
    for day, change in raw.items():
        try:
            out.update(check_exceptions({day: change}))
        except (ValidationError, TypeError, AttributeError):
            continue
    return out


def occurrences(series_id: str, series: Mapping[str, Any], start: date, end: date) -> list[tuple[str, Doc]]:
    """(id, virtual document) of every occurrence shown from ``start`` to ``end``: the rule's
    days there (less those skipped or moved away), occurrences moved in from other days, and
    ticked ones whose day the rule no longer gives. In date order."""
    exceptions: Mapping[str, Any] = usable_exceptions(series)
    anchor = date.fromisoformat(series["date"])
    low, high = start.isoformat(), end.isoformat()
    out: dict[str, Doc] = {}
    for d in occurrence_dates(series["recurrence"], anchor, start, end):
        day = d.isoformat()
        exception = exceptions.get(day)
        if exception and exception.get("skip"):
            continue
        doc = occurrence_doc(series_id, series, day, exception)
        if low <= doc["date"] <= high:
            out[occurrence_id(series_id, day)] = doc
    for day, exception in exceptions.items():
        vid = occurrence_id(series_id, day)
        if vid in out or not isinstance(exception, Mapping) or exception.get("skip"):
            continue
        if not low <= exception.get("date", day) <= high:
            continue  # not shown here
        done = exception.get("status") == "done"
        if done or not low <= day <= high and is_occurrence_day(series, day):
            out[vid] = occurrence_doc(series_id, series, day, exception)
    return sorted(out.items(), key=lambda item: (item[1]["date"], item[1].get("time") or "", item[0]))


def with_exception(series: Mapping[str, Any], day: str, changes: Mapping[str, Any],
                   now: str) -> Doc:
    """The series with the occurrence of ``day`` changed by ``changes`` (field -> value; ``skip``
    True deletes it). Values equal to what the occurrence has from the series are not stored,
    and an exception left empty is removed: unticking restores the plain occurrence."""
    inherited = occurrence_doc("", {k: v for k, v in series.items() if k != "exceptions"}, day)
    exceptions = {k: dict(v) for k, v in (series.get("exceptions") or {}).items()}
    current = {k: v for k, v in exceptions.get(day, {}).items() if k != "updated_at"}
    for name, value in changes.items():
        if name != "skip" and name not in OVERRIDABLE:
            raise ValueError(_("an occurrence has no field {name!r}").format(name=name))
        empty = value is None or value == "" or value == [] or value is False
        if name == "skip":
            current = {"skip": True} if value else {k: v for k, v in current.items() if k != "skip"}
        elif empty and name not in inherited or value == inherited.get(name):
            current.pop(name, None)
        else:
            current[name] = value
    out = {k: v for k, v in series.items() if k != "exceptions"}
    if current:
        exceptions[day] = {**current, "updated_at": now}
    else:
        exceptions.pop(day, None)
    if exceptions:
        out["exceptions"] = dict(sorted(exceptions.items()))
    return out


# -- moving and splitting -----------------------------------------------------------------------
def shift_rule(rule: str, days: int) -> str:
    """The rule for a series moved by ``days``: a weekly rule's weekdays and a monthly rule's
    day of the month move with it (every Monday moved one day is every Tuesday); other parts are
    kept as they are."""
    if not days:
        return rule
    try:
        parts = rule_parts(rule)
    except ValueError:
        return rule
    if "\n" in rule.strip():
        return rule
    byday = [d for d in parts.get("BYDAY", "").split(",") if d]
    if byday and parts.get("FREQ") == "WEEKLY" and all(d in WEEKDAY_CODES for d in byday):
        moved = sorted({(WEEKDAY_CODES.index(d) + days) % 7 for d in byday})
        parts["BYDAY"] = ",".join(WEEKDAY_CODES[i] for i in moved)
    elif byday and parts.get("FREQ") == "MONTHLY" and days % 7 == 0 and len(byday) == 1:
        pass  # "the second Tuesday" moved by whole weeks: keep the weekday, the rule decides
    elif parts.get("BYMONTHDAY") and parts.get("FREQ") in ("MONTHLY", "YEARLY"):
        days_of = [int(x) for x in parts["BYMONTHDAY"].split(",")]
        if all(d > 0 and 1 <= d + days <= 31 for d in days_of):
            parts["BYMONTHDAY"] = ",".join(str(d + days) for d in days_of)
    return join_parts(parts)


def _shift_day(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def split_series(series: Mapping[str, Any], day: str, changes: Mapping[str, Any],
                 now: str) -> tuple[Doc | None, Doc]:
    """"This and following": (the series ending before ``day`` — None when ``day`` is its first
    occurrence, so nothing is left of it —, a new series from ``day`` with ``changes``). The
    new series keeps the rule (its weekday/day of month moved with a moved date), the end or the
    remaining count, and the exceptions from ``day`` on. Its id is the caller's to give."""
    rule = series["recurrence"]
    anchor = date.fromisoformat(series["date"])
    cut = date.fromisoformat(day)
    parts = rule_parts(rule)
    before = occurrence_dates(rule, anchor, anchor, cut - timedelta(days=1)) if cut > anchor else []
    shift = 0
    if changes.get("date"):
        shift = (date.fromisoformat(str(changes["date"])) - cut).days
    exceptions: Mapping[str, Any] = series.get("exceptions") or {}
    new: Doc = {k: v for k, v in series.items() if k not in ("exceptions", "edited_at", "conflicts")}
    new.update({k: v for k, v in changes.items() if k != "date"})
    new["date"] = _shift_day(day, shift)
    new_parts = dict(parts)
    if "COUNT" in parts:
        new_parts["COUNT"] = str(max(int(parts["COUNT"]) - len(before), 1))
    new["recurrence"] = shift_rule(join_parts(new_parts), shift) if "\n" not in rule.strip() else rule
    if series.get("remind_at") and "remind_at" not in changes:
        offset = _reminder_offset(series)
        if offset is not None:
            new["remind_at"] = (_start(new["date"], new.get("time")) + offset).strftime("%Y-%m-%dT%H:%M")
    moved = {_shift_day(k, shift): v for k, v in exceptions.items() if k >= day}
    if moved:
        new["exceptions"] = dict(sorted(moved.items()))
    new["created_at"] = now
    new["updated_at"] = now
    new.pop("reminded", None)
    if not before:
        return None, new
    old: Doc = {k: v for k, v in series.items() if k != "exceptions"}
    old_parts = {k: v for k, v in parts.items() if k not in ("COUNT", "UNTIL")}
    if "COUNT" in parts:
        old_parts["COUNT"] = str(len(before))
    else:
        old_parts["UNTIL"] = (cut - timedelta(days=1)).strftime("%Y%m%d")
    old["recurrence"] = join_parts(old_parts) if "\n" not in rule.strip() else _until_lines(rule, cut)
    kept = {k: v for k, v in exceptions.items() if k < day}
    if kept:
        old["exceptions"] = kept
    old["updated_at"] = now
    return old, new


def _until_lines(rule: str, cut: date) -> str:
    """A multi-line rule (RRULE plus EXDATE/RDATE) ending before ``cut``: its RRULE line gets
    the end, other lines stay."""
    lines = rule.strip().split("\n")
    parts = {k: v for k, v in rule_parts(lines[0]).items() if k not in ("COUNT", "UNTIL")}
    parts["UNTIL"] = (cut - timedelta(days=1)).strftime("%Y%m%d")
    return "\n".join(["RRULE:" + join_parts(parts), *lines[1:]])


def series_in(docs: Iterable[tuple[str, Mapping[str, Any]]]) -> dict[str, Mapping[str, Any]]:
    """The series among ``(id, document)`` pairs."""
    return {i: d for i, d in docs if d.get("recurrence") and is_series(d)}
