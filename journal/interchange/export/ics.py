"""`journal export --format ics`: planned entries and birthdays for a phone or desktop calendar.

Built with the ``icalendar`` library (imported only here): RFC 5545 has many traps a hand-written
writer falls into — line folding inside multi-byte characters, escaping ``,;\\``, recurrence rule
syntax, alarm triggers — and the same library reads the file back in our tests.

* Which entries: the planned ones (what a calendar is for) and every recurring series, unless the
  query names a status (``status:done``, ``-status:cancelled``): then what it selects.
* An entry with a time is a timed event in floating local time (the journal's times carry no
  zone: 09:30 is 09:30 wherever the phone is); with ``end_time`` it ends then (an end before the
  start crosses midnight), without one it is a moment. An entry without a time is an all-day event.
* ``recurrence`` becomes RRULE (plus EXDATE/RDATE lines when the rule holds them); occurrences
  deleted one by one become EXDATE, and occurrences changed one by one (ticked, moved, edited)
  events of their own with the series' UID and a RECURRENCE-ID; a rule that
  cannot be read is left out with a note, and the entry exported as a single event.
* ``remind_at`` becomes a VALARM relative to the start (so it moves with the event).
* Birthdays are yearly all-day events (29 February falls on the last day of February in other
  years); a birthday without a year starts in 2000. Every contact's, unless the filter names
  contacts, projects or organisations: then theirs (an organisation's: its people's).
* UIDs are the entry's id (``<id>@journal``) or ``birthday-<id>@journal``, and SEQUENCE grows with
  the entry's last change, so importing a newer export updates the calendar instead of
  duplicating: an entry moved to another day moves there.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from journal.i18n import _
from journal.interchange.export.scope import Doc, ExportData

PRODID = "-//journal//work journal//EN"
UID_DOMAIN = "journal"
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def _instant(stamp: Any) -> datetime:
    """A stored UTC timestamp (``2026-11-20T09:30:00.000000Z``) as an aware datetime."""
    try:
        return datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return _EPOCH


def _sequence(doc: Doc) -> int:
    """Seconds from 2020 to the last change: grows with every edit (calendars take the event
    with the higher SEQUENCE), and fits SEQUENCE's 32 bits until 2088."""
    return max(0, int((_instant(doc.get("updated_at")) - _EPOCH).total_seconds()))


def _start_end(doc: Doc) -> tuple[date | datetime, date | datetime | None]:
    day = date.fromisoformat(doc["date"])
    if not doc.get("time"):
        return day, day + timedelta(days=1)
    hour, minute = map(int, doc["time"].split(":"))
    start = datetime(day.year, day.month, day.day, hour, minute)
    if not doc.get("end_time"):
        return start, None
    hour, minute = map(int, doc["end_time"].split(":"))
    end = datetime(day.year, day.month, day.day, hour, minute)
    return start, end if end >= start else end + timedelta(days=1)


#: RFC 5545's ranges for the numeric rule parts (the library parses them but does not check).
_RANGES = {"INTERVAL": (1, 10**6), "COUNT": (1, 10**6), "BYSECOND": (0, 60), "BYMINUTE": (0, 59),
           "BYHOUR": (0, 23), "BYMONTHDAY": (-31, 31), "BYYEARDAY": (-366, 366),
           "BYWEEKNO": (-53, 53), "BYMONTH": (1, 12), "BYSETPOS": (-366, 366)}


def _check_ranges(rule: Any) -> None:
    for part, (low, high) in _RANGES.items():
        for value in rule.get(part, ()):
            if not isinstance(value, int) or not low <= value <= high or (value == 0 and low < 0):
                raise ValueError(_("{part}={value} is out of range").format(part=part, value=value))


def _rules(value: str, where: str, notes: list[str]) -> list[tuple[str, Any]]:
    """(property, value) pairs for a stored recurrence: ``FREQ=…``, ``RRULE:FREQ=…``, or lines of
    RRULE / EXDATE / RDATE as ``dateutil.rrule.rrulestr`` takes them."""
    from icalendar import vDDDLists, vRecur

    out: list[tuple[str, Any]] = []
    for line in value.replace("\r", "\n").split("\n"):
        line = line.strip()
        if not line:
            continue
        name, sep, rest = line.partition(":")
        name = name.upper() if sep else "RRULE"
        rest = rest if sep else line
        try:
            if name == "RRULE":
                rule = vRecur.from_ical(rest)
                if "FREQ" not in rule:
                    raise ValueError(_("no FREQ"))
                _check_ranges(rule)
                out.append(("rrule", rule))
            elif name.split(";")[0] in ("EXDATE", "RDATE"):
                out.append((name.split(";")[0].lower(), vDDDLists.from_ical(rest)))
            elif name == "DTSTART":
                continue  # the entry's own date and time are the start
            else:
                raise ValueError(_("unknown line {name}").format(name=name))
        except (ValueError, TypeError) as exc:
            notes.append(f"{where}: recurrence {value[:60]!r} not understood ({exc}); exported "
                         "as a single event")
            return []
    return out


def _alarm(doc: Doc, start: date | datetime, where: str, notes: list[str]) -> Any:
    from icalendar import Alarm

    try:
        moment = datetime.fromisoformat(str(doc["remind_at"]).replace(" ", "T"))
    except ValueError:
        notes.append(f"{where}: reminder {str(doc['remind_at'])[:30]!r} is not a date and time; "
                     "left out")
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)  # the event is in floating local time
    begin = start if isinstance(start, datetime) else datetime(start.year, start.month, start.day)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", doc.get("event") or "Reminder")
    alarm.add("trigger", moment - begin)
    return alarm


def _event(data: ExportData, entry_id: str, doc: Doc, notes: list[str]) -> Any:
    from icalendar import Event

    where = f"entry {entry_id}"
    event = Event()
    event.add("uid", f"{entry_id}@{UID_DOMAIN}")
    # Without a METHOD, DTSTAMP is when the event was last revised (RFC 5545 3.8.7.2): the
    # entry's last change, so the same journal always gives the same file.
    event.add("dtstamp", _instant(doc.get("updated_at")))
    event.add("sequence", _sequence(doc))
    start, end = _start_end(doc)
    event.add("dtstart", start)
    if end is not None:
        event.add("dtend", end)
    event.add("summary", doc["event"])
    description = []
    if doc.get("summary", "").strip():
        description.append(doc["summary"].strip())
    for title, kind, link in (("With", "contact", "contact_ids"), ("Project", "project", "project_ids"),
                              ("Organisation", "organisation", "organisation_ids")):
        names = data.labels(kind, doc.get(link) or ())
        if names:
            description.append(f"{title}: {', '.join(names)}")
    if description:
        event.add("description", "\n\n".join(description))
    location = _location(data, doc)
    if location:
        event.add("location", location)
    if doc.get("tags"):
        event.add("categories", doc["tags"])
    event.add("status", "CANCELLED" if doc.get("status") == "cancelled" else "CONFIRMED")
    if isinstance(doc.get("recurrence"), str) and doc["recurrence"].strip():
        for name, value in _rules(doc["recurrence"], where, notes):
            event.add(name, value)
        skipped = [_start_end({**doc, "date": day})[0]
                   for day, change in sorted((doc.get("exceptions") or {}).items())
                   if isinstance(change, dict) and change.get("skip")]
        if skipped:
            event.add("exdate", skipped)
    if doc.get("remind_at"):
        alarm = _alarm(doc, start, where, notes)
        if alarm is not None:
            event.add_component(alarm)
    return event


def _changed_occurrences(data: ExportData, entry_id: str, doc: Doc, notes: list[str]) -> list[Any]:
    """A series' occurrences changed one by one (ticked, moved, edited): each an event of the
    series' UID with the RECURRENCE-ID of the day the rule gives it (RFC 5545 3.8.4.4)."""
    from journal.recurrence.series import is_series, occurrence_doc

    if not doc.get("exceptions") or not is_series(doc):
        return []
    out = []
    for day, change in sorted(doc["exceptions"].items()):
        if not isinstance(change, dict) or change.get("skip") \
                or not set(change) - {"updated_at", "reminded"}:  # an acknowledged reminder
            continue
        occurrence = occurrence_doc(entry_id, doc, day, change)
        event = _event(data, entry_id, occurrence, notes)
        event.pop("uid")
        event.add("uid", f"{entry_id}@{UID_DOMAIN}")
        event.add("recurrence-id", _start_end({**doc, "date": day})[0])
        out.append(event)
    return out


def _location(data: ExportData, doc: Doc) -> str:
    """The address of the first linked organisation that has one (a visit's whereabouts)."""
    orgs = data.tables.get("organisations") or {}
    for org_id in doc.get("organisation_ids") or ():
        address = orgs.get(org_id, {}).get("address")
        if address:
            return " ".join(str(address).split())
    return ""


def _birthday(data: ExportData, contact_id: str, doc: Doc) -> Any:
    from icalendar import Event, vRecur

    text = str(doc["birthday"])
    year = int(text[:4]) if text[:4].isdigit() else 2000
    month, day = int(text[-5:-3]), int(text[-2:])
    event = Event()
    event.add("uid", f"birthday-{contact_id}@{UID_DOMAIN}")
    event.add("dtstamp", _instant(doc.get("updated_at")))
    event.add("sequence", _sequence(doc))
    start = date(year, month, day)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(days=1))
    rule = {"FREQ": "YEARLY"}
    if (month, day) == (2, 29):
        rule |= {"BYMONTH": 2, "BYMONTHDAY": -1}
    event.add("rrule", vRecur(rule))
    event.add("summary", f"Birthday: {data.label('contact', contact_id)}")
    if text[:4].isdigit():
        event.add("description", f"Born {text}.")
    event.add("categories", ["birthday"])
    event.add("transp", "TRANSPARENT")
    return event


def wanted(doc: Doc, all_statuses: bool) -> bool:
    """Planned entries and recurring series, or every entry the query selected."""
    return all_statuses or doc.get("status") == "planned" or bool(doc.get("recurrence"))


def render_ics(data: ExportData, *, all_statuses: bool = False,
               notes: list[str] | None = None) -> tuple[bytes, int, int]:
    """The calendar, the number of entry events and of birthdays."""
    from icalendar import Calendar

    notes = notes if notes is not None else []
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Work journal")
    # Each event is written out as soon as it is built: 90k event objects held at once took
    # ~1 GB; one at a time, the calendar costs what its entries do.
    end = b"END:VCALENDAR\r\n"
    head = calendar.to_ical()
    parts = [head[:-len(end)]]
    events = birthdays = 0
    for entry_id, doc in data.entries.items():
        if wanted(doc, all_statuses):
            parts.append(_event(data, entry_id, doc, notes).to_ical())
            parts += [e.to_ical() for e in _changed_occurrences(data, entry_id, doc, notes)]
            events += 1
    contacts = data.tables.get("contacts") or {}
    for contact_id in data.people if data.named or data.query is None else data.everyone():
        doc = contacts.get(contact_id) or {}
        if doc.get("birthday"):
            parts.append(_birthday(data, contact_id, doc).to_ical())
            birthdays += 1
    return b"".join([*parts, end]), events, birthdays
