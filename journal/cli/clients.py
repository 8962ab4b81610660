"""`journal due`, `journal birthdays`, `journal complaints`, `journal handover`: the client files.

``due`` reads through the search cache (as ``search`` and ``month`` do): the posting lists say
when each client was last and will next be met without parsing 100k entries.
"""

from __future__ import annotations

import argparse
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

from journal.cli.render import to_json
from journal.errors import JournalError, ValidationError
from journal.i18n import _
from journal.i18n.formats import weekday_name
from journal.text import clean_line, counted, first_line


def register(sub: argparse._SubParsersAction) -> None:
    due = sub.add_parser(
        "due", help=_("clients overdue for a visit or call, never met, or due soon"),
        description=_("Contacts (and organisations known only as a firm) whose last done entry is "
                    "older than their cadence: their own, their tier's default, or their "
                    "organisation's. Never-met clients with a cadence are due. Most overdue first."))
    due.add_argument("--days", type=int, default=0, metavar="N",
                     help=_("also those due within N days (default: overdue and due today)"))
    due.add_argument("--tier", metavar="T", help=_("only this tier (VIP, A, 重要 …)"))
    due.add_argument("--format", choices=("text", "json"), default="text")
    due.add_argument("--today", help=argparse.SUPPRESS)
    due.set_defaults(func=cmd_due)

    birthdays = sub.add_parser("birthdays", help=_("birthdays coming up (age when the year is known)"))
    birthdays.add_argument("--days", type=int, default=30, metavar="N",
                           help=_("from today to N days later (default 30)"))
    birthdays.add_argument("--format", choices=("text", "json"), default="text")
    birthdays.add_argument("--today", help=argparse.SUPPRESS)
    birthdays.set_defaults(func=cmd_birthdays)

    complaints = sub.add_parser("complaints", help=_("complaints, open and resolved, newest first"))
    complaints.add_argument("--open", action="store_true", help=_("only the open ones"))
    complaints.add_argument("--org", metavar="NAME", help=_("only this organisation's"))
    complaints.add_argument("--format", choices=("text", "json"), default="text")
    complaints.add_argument("--today", help=argparse.SUPPRESS)
    complaints.set_defaults(func=cmd_complaints)

    handover = sub.add_parser(
        "handover", help=_("hand a client over to a colleague, with its file"),
        description=_("Records the hand-over as an entry linked to the client (who handed over, "
                    "received, witnessed), makes the colleague its owner (for an organisation, "
                    "its contacts' too), and writes the client file (NAME-DATE.md) and a bundle "
                    "for `journal import` (NAME-DATE.json) into the folder -o (default: here)."))
    handover.add_argument("name", metavar="ORG|CONTACT", help=_("the client: an organisation or a "
                          "contact (name, id or 'Name (Organisation)')"))
    handover.add_argument("--to", required=True, metavar="NAME", help=_("the colleague receiving it"))
    handover.add_argument("--witness", default="", metavar="NAME", help=_("who witnessed it (监交人)"))
    handover.add_argument("--from", dest="by", metavar="NAME",
                          help=_("who hands it over (default: its owner, else your name from the "
                               "configuration)"))
    handover.add_argument("--date", metavar="D", help=_("the day of the hand-over (default today)"))
    handover.add_argument("--kind", choices=("org", "contact"),
                          help=_("when an organisation and a contact share the name"))
    handover.add_argument("-o", "--output", type=Path, default=Path("."), metavar="DIR",
                          help=_("folder for the two files (default: the current folder)"))
    handover.add_argument("--force", action="store_true", help=_("replace files of that name"))
    handover.add_argument("--today", help=argparse.SUPPRESS)
    handover.set_defaults(func=cmd_handover)


def _today(args: argparse.Namespace) -> date:
    if getattr(args, "today", None):
        from journal.dates import parse_date

        return parse_date(args.today)
    return date.today()


def cells(text: str) -> int:
    """Terminal columns ``text`` takes (Chinese characters take two)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clean(text: str) -> str:
    """:func:`clean_line`, skipped for text with nothing to escape (the usual case)."""
    return text if text.isprintable() else clean_line(text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cells(text))


def _label(name: str, organisation: str) -> str:
    return f"{name} ({organisation})" if organisation else name


# -- due -------------------------------------------------------------------------------------------
def due_state(item: Any) -> str:
    """``12 days over`` / ``never met`` / ``due today`` / ``in 3 days``."""
    if item.last is None:
        return _("never met")
    if item.days_over is None:  # a cadence past the calendar's end
        return _("not due")
    if item.days_over > 0:
        return _("{days} over").format(days=counted(item.days_over, _("days")))
    if item.days_over == 0:
        return _("due today")
    return _("in {days}").format(days=counted(-item.days_over, _("days")))


def due_json(item: Any) -> dict[str, Any]:
    def touch(t: Any) -> dict[str, str] | None:
        return None if t is None else {"id": t.id, "date": t.date, "time": t.time or None,
                                       "event": t.event}

    return {"kind": item.kind, "id": item.id, "name": item.name,
            "organisation": item.organisation or None, "tier": item.rhythm.tier or None,
            "tier_from": item.rhythm.tier_from or None, "cadence_days": item.rhythm.cadence_days,
            "cadence_from": item.rhythm.cadence_from or None,
            "state": item.state or None, "last": touch(item.last), "next": touch(item.next),
            "days_since": item.days_since,
            "due_on": item.due_on.isoformat() if item.due_on else None,
            "days_over": item.days_over}


def cmd_due(args: argparse.Namespace, ctx: Any) -> int:
    from journal.cli.search_cmds import with_cache
    from journal.clients.cadence import due_list, due_subjects, index_times

    if args.days < 0:
        raise ValidationError(_("--days must be 0 or more"))
    today = _today(args)
    tiers = ctx.config.tiers
    tier = tiers.canonical(args.tier) or None if args.tier is not None else None

    def work(cached: Any) -> int:
        tables = cached.tables
        subjects = due_subjects(tables, tiers)
        times = index_times(cached.index, tables, today, cached.documents, subjects=subjects,
                            raw=cached.raw_documents)
        items = due_list(tables, tiers, times, today, days=args.days, tier=tier,
                         subjects=subjects)
        if args.format == "json":
            ctx.out(to_json([due_json(i) for i in items]))
            return 0
        if not items:
            within = (_(" within {days}").format(days=counted(args.days, _("days")))
                      if args.days else "")
            ctx.note(_("nobody is due{within}").format(within=within)
                     + (_(" in tier {tier}").format(tier=tier) if tier else ""))
            return 0
        labels = [_clean(_label(i.name, i.organisation)) for i in items]
        width = min(36, max(cells(text) for text in labels))
        lines = []
        for item, who in zip(items, labels, strict=True):
            rhythm = item.rhythm
            parts = [pad(due_state(item), 13), pad(who, width),
                     pad(rhythm.tier or "-", 4), _("every {cadence_days}d").format(cadence_days=rhythm.cadence_days)]
            if item.last is not None:
                parts.append(_("last {date} {first_line}").format(date=item.last.date, first_line=first_line(item.last.event)))
            if item.next is not None:
                parts.append(_("next {date} {first_line}").format(date=item.next.date, first_line=first_line(item.next.event)))
            lines.append(_clean("  ".join(parts)).rstrip())
        ctx.stdout.write("\n".join(lines) + "\n")
        return 0

    return with_cache(ctx, work)


# -- birthdays -------------------------------------------------------------------------------------
def cmd_birthdays(args: argparse.Namespace, ctx: Any) -> int:
    from journal.clients.birthdays import display

    today = _today(args)
    items = ctx.journal.birthdays(today, args.days)
    if args.format == "json":
        ctx.out(to_json([{"id": b.id, "name": b.name, "organisation": b.organisation or None,
                          "birthday": display(b.birthday), "date": b.date.isoformat(),
                          "days": b.days, "turns": b.turns} for b in items]))
        return 0
    if not items:
        ctx.note(_("no birthdays in the next {counted}").format(counted=counted(args.days, _('days'))))
    for b in items:
        when = (_("today") if b.days == 0 else _("tomorrow") if b.days == 1
                else _("in {days} days").format(days=b.days))
        age = "  " + _("turns {age}").format(age=b.turns) if b.turns is not None else ""
        ctx.out(clean_line(f"{pad(when, 12)}{b.date.isoformat()} {weekday_name(b.date, short=True)}  "
                           f"{_label(b.name, b.organisation)}{age}"))
    return 0


# -- complaints ------------------------------------------------------------------------------------
def cmd_complaints(args: argparse.Namespace, ctx: Any) -> int:
    from journal.clients.complaints import summarise

    today = _today(args)
    items = ctx.journal.complaints(today, open_only=args.open, organisation=args.org)
    if args.format == "json":
        ctx.out(to_json([{"id": c.id, "date": c.date.isoformat(), "event": c.event,
                          "summary": c.summary, "clients": c.clients, "state": c.state,
                          "resolved_on": c.resolved_on.isoformat() if c.resolved_on else None,
                          "resolution": c.resolution or None, "days": c.days} for c in items]))
        return 0
    for c in items:
        state = (_("open {days}").format(days=counted(c.days, _("days"))) if c.open
                 else _("resolved {resolved_on} ({counted})").format(resolved_on=c.resolved_on, counted=counted(c.days, _('days'))))
        text = f"{c.id}  {c.date}  {pad(state, 28)}{c.event}"
        summary = first_line(c.resolution if not c.open and c.resolution else c.summary)
        if summary:
            text += f" — {summary}"
        ctx.out(clean_line(text + "  · " + ", ".join(c.clients)))
    stats = summarise(items)
    median = (_("; resolved in {median_days:g} days (median)").format(median_days=stats.median_days)
              if stats.median_days is not None else "")
    ctx.note(_("{counted}, {open} open{median}").format(counted=counted(stats.total, _('complaints')), open=stats.open, median=median))
    return 0


# -- hand-over -------------------------------------------------------------------------------------
def _kind_of(journal: Any, args: argparse.Namespace) -> str:
    """Organisation or contact: as told, else the one kind the name matches exactly."""
    from journal.errors import NotFoundError

    if args.kind:
        return "organisation" if args.kind == "org" else "contact"
    found = []
    for kind in ("organisation", "contact"):
        try:
            journal.resolve(kind, args.name)
            found.append(kind)
        except NotFoundError:
            continue
    if not found:
        raise NotFoundError(_("no organisation or contact named {strip!r}").format(strip=args.name.strip()))
    if len(found) > 1:
        raise ValidationError(_("{strip!r} is an organisation and a contact: add --kind org "
                                "or --kind contact").format(strip=args.name.strip()))
    return found[0]


def safe_file_name(name: str) -> str:
    """A client's name as part of a file name: no path separators, control characters or
    characters Windows refuses; not hidden; not too long."""
    cleaned = "".join("_" if ch in '/\\:*?"<>|' or not ch.isprintable() else ch for ch in name)
    cleaned = " ".join(cleaned.split()).strip(". ") or "client"
    return cleaned[:80]


def cmd_handover(args: argparse.Namespace, ctx: Any) -> int:
    from journal.cli.entries import parse_date_arg
    from journal.clients.dossier import build_dossier
    from journal.interchange.bundle import build_bundle, dump_bundle
    from journal.interchange.handover_md import render_markdown
    journal = ctx.journal
    today = _today(args)
    day = parse_date_arg(args.date) if args.date else today.isoformat()
    kind = _kind_of(journal, args)
    doc_id = journal.resolve(kind, args.name)
    folder = args.output
    if not folder.is_dir():
        raise JournalError(_("{folder}: no such folder").format(folder=folder))
    stem = f"{safe_file_name(journal.view['organisations' if kind == 'organisation' else 'contacts'][doc_id]['name'])}-{day}"
    paths = [folder / f"{stem}.md", folder / f"{stem}.json"]
    for path in paths:
        if (path.exists() or path.is_symlink()) and not args.force:
            raise ValidationError(_("{path}: exists already (--force replaces it, or choose "
                                    "another folder with -o)").format(path=path))
    done = journal.handover(kind, doc_id, to=args.to, witness=args.witness, day=day, by=args.by)
    bundle = build_bundle(journal, kind, doc_id)
    dossier = build_dossier(journal, bundle, today)
    try:
        journal.write_output(paths[0], render_markdown(bundle, dossier).encode("utf-8"))
        journal.write_output(paths[1], dump_bundle(bundle))
    except JournalError as exc:
        raise JournalError(_("handed over (entry {id}), but the files were not written: "
                             "{exc}; `journal export` writes them again").format(id=done.entry.id, exc=exc)) from None
    witness = _(", witnessed by {witness}").format(witness=done.witness) if done.witness else ""
    members = (_(" and {contacts}").format(contacts=counted(done.members, _("contacts")))
               if done.members else "")
    ctx.out(clean_line(_("handed {label}{members} over from {by} to {to}{witness} on {day}: "
                         "entry {id}").format(label=done.label, members=members, by=done.by, to=done.to, witness=witness, day=day, id=done.entry.id)))
    ctx.out(clean_line(_("wrote {paths} and {paths2} ({counted})").format(paths=paths[0], paths2=paths[1], counted=counted(len(bundle['entries']), _('entries')))))
    return 0
