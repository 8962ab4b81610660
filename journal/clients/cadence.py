"""Visit cadence: each client's rhythm, when we last and next see them, and who is due.

The rhythm of a contact is the first of: its own ``cadence_days``; its own tier's default cadence
(from the configuration); its organisation's ``cadence_days``; its organisation's tier's default.
Its tier is its own, else its organisation's. An organisation's rhythm is its own cadence, else its
tier's default.

When we last saw a client is the latest **done** entry on or before today linked to it — for a
contact, linked to the contact or directly to its organisation (a visit to the firm counts for the
people there); for an organisation, linked to it directly or through its contacts and projects (the
rule of ``org:`` searches and the reports). The next planned entry is found the same way. Entries
tagged ``handover`` record a change of owner (``journal handover``), not a meeting: they do not
count (remove the tag from one that was also a visit).

Who is due: every contact with a rhythm, and every organisation with a rhythm of its own that none
of its contacts follows (no contact inherits it: the firm is known only by its name, or all its
people have rhythms of their own) — so a firm and the people who carry its rhythm are not listed
twice. A client with a rhythm that was never met is due. Most overdue first: never met, then by
days over (days past ``last + cadence``), then those due soonest.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal, Protocol

from journal.config.model import TierTable
from journal.text import fold

#: Entries with this tag record a hand-over, not a contact with the client.
HANDOVER_TAG = "handover"
Tables = Mapping[str, Mapping[str, dict[str, Any]]]
Kind = Literal["contact", "organisation"]


@dataclass(frozen=True)
class Rhythm:
    """A client's effective tier and cadence, and where each comes from (for display: a user who
    sees ``every 30 days`` must be able to tell why). Sources: ``own``, ``tier``,
    ``organisation``, ``organisation tier``; "" when there is none."""

    tier: str = ""
    tier_from: str = ""
    cadence_days: int | None = None
    cadence_from: str = ""


def organisation_rhythm(org: Mapping[str, Any] | None, tiers: TierTable) -> Rhythm:
    if not org:
        return Rhythm()
    tier = str(org.get("tier") or "")
    own = org.get("cadence_days")
    if isinstance(own, int) and not isinstance(own, bool) and own > 0:
        return Rhythm(tier, "own" if tier else "", own, "own")
    default = tiers.cadence(tier)
    return Rhythm(tier, "own" if tier else "", default, "tier" if default else "")


def contact_rhythm(contact: Mapping[str, Any], org: Mapping[str, Any] | None,
                   tiers: TierTable, inherited: Rhythm | None = None) -> Rhythm:
    """``inherited``: :func:`organisation_rhythm` of ``org``, when the caller has it already."""
    own_tier = str(contact.get("tier") or "")
    if inherited is None:
        inherited = organisation_rhythm(org, tiers)
    tier, tier_from = (own_tier, "own") if own_tier else (
        (inherited.tier, "organisation") if inherited.tier else ("", ""))
    own = contact.get("cadence_days")
    if isinstance(own, int) and not isinstance(own, bool) and own > 0:
        return Rhythm(tier, tier_from, own, "own")
    default = tiers.cadence(own_tier)
    if default:
        return Rhythm(tier, tier_from, default, "tier")
    if inherited.cadence_days:
        source = "organisation" if inherited.cadence_from == "own" else "organisation tier"
        return Rhythm(tier, tier_from, inherited.cadence_days, source)
    return Rhythm(tier, tier_from)


# -- when we last and next met ----------------------------------------------------------------------
@dataclass(frozen=True, order=True)
class Touch:
    """An entry that touched a client: ordered by (date, time, id) like every list of entries."""

    date: str
    time: str
    id: str
    event: str = field(default="", compare=False)


@dataclass
class Times:
    """The latest done entry up to today and the next planned one from today, per client."""

    last: dict[tuple[str, str], Touch] = field(default_factory=dict)
    next: dict[tuple[str, str], Touch] = field(default_factory=dict)

    def of(self, kind: str, doc_id: str) -> tuple[Touch | None, Touch | None]:
        return self.last.get((kind, doc_id)), self.next.get((kind, doc_id))


def _later(table: dict[tuple[str, str], Touch], key: tuple[str, str], touch: Touch) -> None:
    old = table.get(key)
    if old is None or touch > old:
        table[key] = touch


def _sooner(table: dict[tuple[str, str], Touch], key: tuple[str, str], touch: Touch) -> None:
    old = table.get(key)
    if old is None or touch < old:
        table[key] = touch


def scan_times(tables: Tables, today: date) -> Times:
    """:class:`Times` from one pass over every entry (for data already in memory)."""
    contacts = tables.get("contacts") or {}
    projects = tables.get("projects") or {}
    limit = today.isoformat()
    direct_last: dict[tuple[str, str], Touch] = {}
    direct_next: dict[tuple[str, str], Touch] = {}
    times = Times()
    for entry_id, doc in (tables.get("entries") or {}).items():
        status, day = doc.get("status"), doc.get("date", "")
        if status == "done" and day <= limit:
            update, own, direct = _later, times.last, direct_last
        elif status == "planned" and day >= limit:
            update, own, direct = _sooner, times.next, direct_next
        else:
            continue
        if HANDOVER_TAG in (doc.get("tags") or ()):
            continue
        touch = Touch(day, doc.get("time") or "", entry_id, str(doc.get("event", "")))
        orgs = set(doc.get("organisation_ids") or ())
        for org_id in orgs:
            update(direct, ("organisation", org_id), touch)
        for contact_id in doc.get("contact_ids") or ():
            update(own, ("contact", contact_id), touch)
            orgs.add(contacts.get(contact_id, {}).get("organisation_id") or "")
        for project_id in doc.get("project_ids") or ():
            orgs.add(projects.get(project_id, {}).get("organisation_id") or "")
        for org_id in orgs - {""}:
            update(own, ("organisation", org_id), touch)
    for direct, own, update in ((direct_last, times.last, _later),
                                (direct_next, times.next, _sooner)):
        _through_organisation(contacts, direct, own, update)
    return times


def _through_organisation(contacts: Mapping[str, dict[str, Any]],
                          direct: Mapping[tuple[str, str], Touch],
                          own: dict[tuple[str, str], Touch], update: Callable[..., None]) -> None:
    """A contact's touches include the entries linked directly to its organisation."""
    for contact_id, contact in contacts.items():
        touch = direct.get(("organisation", contact.get("organisation_id") or ""))
        if touch is not None:
            update(own, ("contact", contact_id), touch)


class EntryIndex(Protocol):
    """What :func:`index_times` needs of a :class:`journal.search.index.SearchIndex`."""

    def positions_of(self, kind: str, doc_id: str) -> Sequence[int]: ...
    def positions_of_tag(self, tag: str) -> Sequence[int]: ...
    def entry_at(self, position: int) -> tuple[str, str, str, str]: ...
    def positions_of_status(self, status: str) -> Sequence[int]: ...
    def positions_between(self, start: date, end: date) -> range: ...


#: Entries read at once while looking for an organisation's own latest entry.
_BATCH = 32


def index_times(index: EntryIndex, tables: Tables, today: date,
                documents: Callable[[list[int]], Mapping[str, dict[str, Any]]],
                subjects: Iterable[tuple[str, str]] | None = None, *,
                events: bool = True,
                raw: Callable[[list[int]], list[bytes]] | None = None) -> Times:
    """:class:`Times` from the search index's posting lists: for each client a walk from today
    backwards (and forwards) to its first done (planned) entry, instead of a pass over every entry.
    ``documents`` reads entries by index position (to tell whether an organisation's entry links
    the organisation itself, and for the events shown); ``subjects``: (kind, id) pairs to compute
    (default: every contact and organisation); ``events``: False leaves the touches' events
    empty (one read fewer, for callers that only need dates); ``raw``: the entries' stored bytes
    by position, when cheaper than parsing them (the search cache): an entry's bytes hold an
    organisation's id only where it links that organisation, so only a hit is parsed to be sure.

    An organisation's posting list holds the entries linked to it directly *or* through its
    contacts and projects; a contact's touches include only the direct ones. An entry that is on
    none of the members' lists is direct without reading it; the others are read in batches."""
    contacts = tables.get("contacts") or {}
    boundary = index.positions_between(today, today)
    handovers = set(index.positions_of_tag(HANDOVER_TAG))
    done = set(index.positions_of_status("done")) - handovers
    planned = set(index.positions_of_status("planned")) - handovers
    direct_cache: dict[str, tuple[int | None, int | None]] = {}
    members: dict[str, list[tuple[str, str]]] = {}
    for table, kind in (("contacts", "contact"), ("projects", "project")):
        for doc_id, doc in (tables.get(table) or {}).items():
            if doc.get("organisation_id"):
                members.setdefault(doc["organisation_id"], []).append((kind, doc_id))

    def candidates(positions: Sequence[int], last: bool) -> Iterable[int]:
        """Done entries up to today, newest first; or planned ones from today, soonest first."""
        if last:
            return filter(done.__contains__,
                          reversed(positions[:bisect_left(positions, boundary.stop)]))
        return filter(planned.__contains__, positions[bisect_left(positions, boundary.start):])

    def direct_walk(org_id: str, last: bool) -> int | None:
        """The organisation's own latest done (or next planned) entry. An entry on none of its
        members' lists links it directly: the first such one bounds the search, and only the
        entries before it that are also on a member's list are read to see whether they link
        the organisation too."""
        through = through_members(org_id)
        ambiguous: list[int] = []
        bound = None
        for p in candidates(index.positions_of("organisation", org_id), last):
            if p not in through:
                bound = p
                break
            ambiguous.append(p)
        needle = org_id.encode()
        for start in range(0, len(ambiguous), _BATCH):
            batch = ambiguous[start:start + _BATCH]
            if raw is not None:
                batch = [p for p, piece in zip(batch, raw(batch), strict=True) if needle in piece]
            docs = documents(batch) if batch else {}
            for p in batch:
                if org_id in (docs.get(index.entry_at(p)[0]) or {}).get("organisation_ids", ()):
                    return p
        return bound

    through_cache: dict[str, set[int]] = {}

    def through_members(org_id: str) -> set[int]:
        if org_id not in through_cache:
            through: set[int] = set()
            for kind, member in members.get(org_id, ()):
                through.update(index.positions_of(kind, member))
            through_cache[org_id] = through
        return through_cache[org_id]

    def direct(org_id: str) -> tuple[int | None, int | None]:
        if org_id not in direct_cache:
            direct_cache[org_id] = (direct_walk(org_id, True), direct_walk(org_id, False))
            through_cache.pop(org_id, None)
        return direct_cache[org_id]

    wanted = subjects if subjects is not None else (
        [("contact", i) for i in contacts]
        + [("organisation", i) for i in (tables.get("organisations") or {})])
    chosen: dict[tuple[str, str], tuple[int | None, int | None]] = {}
    for kind, doc_id in wanted:
        positions = index.positions_of(kind, doc_id)
        last = next(iter(candidates(positions, True)), None)
        upcoming = next(iter(candidates(positions, False)), None)
        org_id = contacts.get(doc_id, {}).get("organisation_id") if kind == "contact" else None
        if org_id:
            via = direct(org_id)
            last = max((p for p in (last, via[0]) if p is not None), default=None)
            upcoming = min((p for p in (upcoming, via[1]) if p is not None), default=None)
        chosen[(kind, doc_id)] = (last, upcoming)
    found = sorted({p for pair in chosen.values() for p in pair if p is not None})
    docs = documents(found) if found and events else {}
    times = Times()
    for key, pair in chosen.items():
        for p, table in zip(pair, (times.last, times.next), strict=True):
            if p is not None:
                entry_id, day, time, _ = index.entry_at(p)
                table[key] = Touch(day, time, entry_id,
                                   str(docs.get(entry_id, {}).get("event", "")))
    return times


# -- who is due ---------------------------------------------------------------------------------------
@dataclass
class DueItem:
    """One client's standing against its rhythm on ``today``. ``days_over``: days past the due
    date (negative: days left); None when never met, which counts as due."""

    kind: Kind
    id: str
    name: str
    organisation: str
    rhythm: Rhythm
    last: Touch | None
    next: Touch | None
    due_on: date | None
    days_over: int | None
    days_since: int | None

    @property
    def state(self) -> str:
        """``never`` (met), ``overdue``, ``due`` (today), ``soon`` or ``ok``; "" without a rhythm."""
        if self.rhythm.cadence_days is None:
            return ""
        if self.last is None:
            return "never"
        if self.days_over is None:  # the cadence runs past the calendar's end: never due
            return "ok"
        return "overdue" if self.days_over > 0 else "due" if self.days_over == 0 else "soon" \
            if self.days_over > -8 else "ok"

    def sort_key(self) -> tuple[int, int, str, str]:
        """Never met first, then most days over, then soonest due; no rhythm last."""
        if self.rhythm.cadence_days is None:
            return (2, 0, self.name, self.id)
        if self.last is None:
            return (0, 0, self.name, self.id)
        if self.days_over is None:  # a cadence past the calendar's end: as if it had none
            return (2, 0, self.name, self.id)
        return (1, -self.days_over, self.name, self.id)


def standing(kind: Kind, doc_id: str, doc: Mapping[str, Any], organisation: str, rhythm: Rhythm,
             times: Times, today: date) -> DueItem:
    last, upcoming = times.of(kind, doc_id)
    due_on = days_over = since = None
    if last is not None:
        since = (today - date.fromisoformat(last.date)).days
        if rhythm.cadence_days is not None:
            try:
                due_on = date.fromisoformat(last.date) + timedelta(days=rhythm.cadence_days)
                days_over = (today - due_on).days
            except OverflowError:  # a cadence past the calendar's end (a hand-edited file)
                due_on = days_over = None
    return DueItem(kind, doc_id, str(doc.get("name", "")), organisation, rhythm, last, upcoming,
                   due_on, days_over, since)


def client_standings(tables: Tables, tiers: TierTable, times: Times, today: date,
                     kind: Kind = "contact") -> list[DueItem]:
    """Every contact (or organisation) with its rhythm and dates, in the tables' order."""
    orgs = tables.get("organisations") or {}
    out = []
    if kind == "organisation":
        for org_id, org in orgs.items():
            out.append(standing("organisation", org_id, org, "", organisation_rhythm(org, tiers),
                                times, today))
        return out
    for contact_id, contact in (tables.get("contacts") or {}).items():
        org = orgs.get(contact.get("organisation_id") or "")
        out.append(standing("contact", contact_id, contact, str((org or {}).get("name", "")),
                            contact_rhythm(contact, org, tiers), times, today))
    return out


def due_subjects(tables: Tables, tiers: TierTable) -> dict[tuple[str, str], Rhythm]:
    """The (kind, id) of every client :func:`due_list` considers (see the module docstring),
    with its rhythm."""
    contacts = tables.get("contacts") or {}
    orgs = tables.get("organisations") or {}
    org_rhythms = {i: organisation_rhythm(o, tiers) for i, o in orgs.items()}
    subjects: dict[tuple[str, str], Rhythm] = {}
    followed: set[str] = set()
    for contact_id, contact in contacts.items():
        org_id = contact.get("organisation_id") or ""
        rhythm = contact_rhythm(contact, orgs.get(org_id), tiers, org_rhythms.get(org_id))
        if rhythm.cadence_days:
            subjects[("contact", contact_id)] = rhythm
            if rhythm.cadence_from.startswith("organisation"):
                followed.add(org_id)
    for org_id, rhythm in org_rhythms.items():
        if rhythm.cadence_days and org_id not in followed:
            subjects[("organisation", org_id)] = rhythm
    return subjects


def due_list(tables: Tables, tiers: TierTable, times: Times, today: date, *, days: int = 0,
             tier: str | None = None,
             subjects: Mapping[tuple[str, str], Rhythm] | None = None) -> list[DueItem]:
    """Clients overdue, never met, or due within ``days`` days, most overdue first; ``tier``:
    only clients of that (effective) tier; ``subjects``: :func:`due_subjects`, when the caller
    has it already."""
    orgs = tables.get("organisations") or {}
    contacts = tables.get("contacts") or {}
    wanted = tiers.find(tier) if tier else None
    items = []
    subjects = subjects if subjects is not None else due_subjects(tables, tiers)
    for (kind, doc_id), rhythm in subjects.items():
        if tier is not None and not (tiers.find(rhythm.tier) is wanted if wanted is not None
                                     else fold(rhythm.tier) == fold(tier)):
            continue
        if kind == "contact":
            doc = contacts[doc_id]
            org = orgs.get(doc.get("organisation_id") or "") or {}
            item = standing("contact", doc_id, doc, str(org.get("name", "")), rhythm, times, today)
        else:
            item = standing("organisation", doc_id, orgs[doc_id], "", rhythm, times, today)
        if item.days_over is None or item.days_over >= -days:
            items.append(item)
    items.sort(key=DueItem.sort_key)
    return items
