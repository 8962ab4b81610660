"""`journal add | list | show | edit | delete`: entries from the command line."""

from __future__ import annotations

import argparse
from typing import Any

from journal.cli.render import entry_block, entry_line, report_created, to_json
from journal.completion import hint
from journal.errors import ValidationError
from journal.i18n import _
from journal.i18n.terms import kind_name
from journal.models import ENTRY_STATUSES, ORIGINS, PRIORITIES
from journal.text import article

LINK_OPTIONS = (("project", "--project", "-p"), ("contact", "--contact", "-c"),
                ("organisation", "--org", "-o"))
CLEAR = ("", "-", "none")


def _link_options(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    for kind, long, short in LINK_OPTIONS:
        flags = [f"--{prefix}{long[2:]}"] + ([short] if not prefix else [])
        hint(parser.add_argument(
            *flags, dest=f"{prefix.replace('-', '_')}{kind}s", action="append", default=[],
            metavar="NAME", help=(
                _("unlink {article} (name, id or 'Name (Organisation)'; repeatable)") if prefix
                else _("link {article} (name, id or 'Name (Organisation)'; repeatable)")).format(
                    article=article(kind_name(kind)))), kind)


def _entry_options(parser: argparse.ArgumentParser, *, editing: bool) -> None:
    parser.add_argument("-s", "--summary", help=_("what happened (use \\n for new lines)"))
    parser.add_argument("-d", "--date", help=_("ISO date, today, yesterday, last friday, 昨天 …"))
    parser.add_argument("-t", "--time", help=_("HH:MM (24 h) or a range: 9:00-10:00, 9点-10点半, "
                                               "or '' to clear") if editing else
                        _("HH:MM (24 h) or a range: 9:00-10:00, 9点-10点半"))
    parser.add_argument("--end-time", help=_("HH:MM when it ended"))
    parser.add_argument("--tag", action="append", default=[], help=_("a tag (repeatable)"))
    parser.add_argument("--status", choices=ENTRY_STATUSES)
    parser.add_argument("--repeat", metavar="RULE",
                        help=_("repeat it: daily, weekly on mon,thu, every 2 weeks, monthly on "
                               "the 15th, monthly on the second tuesday, yearly, workdays, 每周一, "
                               "每月15号, ... until DATE / N times, or FREQ=...; none: stop "
                               "repeating") if editing else
                        _("repeat it: daily, weekly on mon,thu, every 2 weeks, monthly on the "
                          "15th, monthly on the second tuesday, yearly, workdays, 每周一, "
                          "每月15号, ... until DATE / N times, or FREQ=..."))
    parser.add_argument("--remind", metavar="WHEN",
                        help=_("remind before the start: 15m, 1h, 1d, or at 09:00 / "
                               "'2026-12-06 18:00'; none: no reminder") if editing else
                        _("remind before the start: 15m, 1h, 1d, or at 09:00 / "
                          "'2026-12-06 18:00'"))
    if editing:
        parser.add_argument("--scope", choices=("this", "following", "all"), default=None,
                            help=_("for an occurrence (ID@DATE): change only it (default), it and "
                                 "the following ones, or the whole series"))
    if editing:
        complaint = parser.add_mutually_exclusive_group()
        complaint.add_argument("--complaint", action="store_true", default=None,
                               help=_("mark it as a client's complaint"))
        complaint.add_argument("--no-complaint", dest="complaint", action="store_false",
                               help=_("not a complaint after all (clears its resolution)"))
    else:
        parser.add_argument("--complaint", action="store_true",
                            help=_("a client's complaint, open until --resolved"))
    resolved = parser.add_mutually_exclusive_group()
    resolved.add_argument("--resolved", nargs="?", const="today", metavar="DATE",
                          help=_("the complaint was resolved (on DATE, default today)"))
    if editing:
        resolved.add_argument("--reopen", action="store_true",
                              help=_("the complaint is open again (keeps the resolution text)"))
    parser.add_argument("--resolution", metavar="TEXT", help=_("how the complaint was resolved"))
    parser.add_argument("--priority", type=str.lower, choices=PRIORITIES,
                        help=_("importance (default normal)"))
    parser.add_argument("--expense", action="append", default=[], metavar="'AMOUNT [CUR] NOTE'",
                        help=_("an expense, e.g. '120 CNY 午餐' or '¥35 taxi' (repeatable; "
                               "without a currency, the default one; added to those there)")
                        if editing else
                        _("an expense, e.g. '120 CNY 午餐' or '¥35 taxi' (repeatable; without "
                          "a currency, the default one)"))
    if editing:
        parser.add_argument("--clear-expenses", action="store_true",
                            help=_("remove the expenses the entry has (before adding --expense)"))
        parser.add_argument("--origin", type=str.lower, choices=ORIGINS,
                            help=_("planned ahead, or unplanned (came up on the day)"))
    _link_options(parser)


def register(sub: argparse._SubParsersAction) -> None:
    add = sub.add_parser(
        "add", help=_("log an entry"),
        description=_("Log an entry; prints its id. --template KEY (see `journal templates`) "
                    "writes the template's event unless one is given, its summary headings "
                    "(each line of -s goes after one heading: -s '谈续贷\\n同意\\n下周提交材料'), "
                    "and marks complaints."))
    add.add_argument("event", nargs="*", help=_("what it was, e.g. 'Visit to ACME'"))
    add.add_argument("--template", metavar="KEY", help=_("an entry template from the "
                     "configuration, e.g. visit, callback, complaint, daily"))
    _entry_options(add, editing=False)
    add.set_defaults(func=cmd_add)

    lst = sub.add_parser("list", help=_("list entries"))
    lst.add_argument("--on", metavar="D", help=_("one day (or a period: 'last week', 2026-11)"))
    lst.add_argument("--from", dest="start", metavar="D")
    lst.add_argument("--to", dest="end", metavar="D")
    for kind, long, short in LINK_OPTIONS:
        hint(lst.add_argument(long, short, dest=kind, metavar="NAME",
                              help=_("only entries of this {kind}").format(kind=kind_name(kind))), kind)
    lst.add_argument("--limit", type=int, metavar="N", help=_("the N most recent"))
    lst.add_argument("--format", choices=("text", "json"), default="text")
    lst.set_defaults(func=cmd_list)

    show = sub.add_parser("show", help=_("show one entry"))
    show.add_argument("id")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.set_defaults(func=cmd_show)

    edit = sub.add_parser("edit", help=_("change an entry"))
    edit.add_argument("id")
    edit.add_argument("--event")
    _entry_options(edit, editing=True)
    _link_options(edit, prefix="remove-")
    edit.add_argument("--remove-tag", action="append", default=[], metavar="T",
                      help=_("remove a tag (repeatable)"))
    edit.set_defaults(func=cmd_edit)

    delete = sub.add_parser("delete", help=_("delete an entry"))
    delete.add_argument("id")
    delete.add_argument("--yes", action="store_true", help=_("really delete"))
    delete.add_argument("--scope", choices=("this", "following", "all"),
                        help=_("for an occurrence (ID@DATE): only it (default), it and the "
                             "following ones, or the whole series"))
    delete.set_defaults(func=cmd_delete)


def parse_date_arg(text: str, *, planned: bool = False) -> str:
    """``-d``: a planned entry's bare weekday (``-d 周二``) is the coming one (journal.dates)."""
    from journal.dates import parse_date

    return parse_date(text, prefer="future" if planned else "past").isoformat()


def _time_arg(text: str | None) -> str | None:
    if text is None or text.strip().lower() in CLEAR:
        return None
    from journal.dates import parse_time  # only when needed: most `journal add` calls have no -t

    return parse_time(text)


def _times(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """``--time`` (a time or a range) and ``--end-time``; a range and an end time is one end too
    many."""
    if args.time is None or args.time.strip().lower() in CLEAR:
        return None, _time_arg(args.end_time)
    from journal.dates import parse_time_range

    start, end = parse_time_range(args.time)
    if end is not None and args.end_time is not None:
        raise ValidationError(_("--time gives a range already; leave out --end-time"))
    return start, end if end is not None else _time_arg(args.end_time)


def _expenses(texts: list[str]) -> list[dict[str, Any]]:
    if not texts:
        return []
    from journal.routine.config import load_routine_config
    from journal.routine.expenses import parse_expense

    currency = load_routine_config().default_currency
    return [parse_expense(text, currency) for text in texts]


def _summary_arg(text: str) -> str:
    return text.replace("\\n", "\n")


def fill_template(template: str, text: str) -> str:
    """The template's summary with ``text`` written in: line i of ``text`` after heading line i
    (``目的：`` + ``谈续贷``); lines beyond the headings follow them. No text: the headings."""
    given = text.split("\n") if text else []
    heads = template.split("\n") if template else []
    out = []
    for i, head in enumerate(heads):
        value = given[i].strip() if i < len(given) else ""
        glue = "" if not head or head[-1] in "：　" or head[-1].isspace() else " "
        out.append(f"{head}{glue}{value}" if value else head)
    return "\n".join(out + given[len(heads):])


def repeat_arg(text: str, day: str) -> tuple[str, str]:
    """``--repeat``: (the series' first day on or after ``day``, its stored rule)."""
    from datetime import date

    from journal.recurrence.expand import first_on_or_after
    from journal.recurrence.rules import parse_repeat

    start = date.fromisoformat(day)
    rule = parse_repeat(text, start=start, today=date.today())
    first = first_on_or_after(rule, start)
    if first is None:
        raise ValidationError(_("--repeat {text!r} gives no day from {day} on").format(text=text, day=day))
    return first.isoformat(), rule


def remind_arg(text: str, day: str, time: str | None) -> str | None:
    """``--remind``: the ``remind_at`` of an entry on ``day`` at ``time`` (None: no reminder)."""
    from journal.reminders.timing import parse_remind

    return parse_remind(text, day=day, time=time)


def _resolved_arg(text: str | None) -> str | None:
    return None if text is None else parse_date_arg(text)


def cmd_add(args: argparse.Namespace, ctx: Any) -> int:
    from datetime import date

    from journal.service import LinkRequest  # here, not at import: completion builds the parser

    event = " ".join(args.event).strip()
    summary = _summary_arg(args.summary or "")
    complaint = args.complaint
    if args.template is not None:
        template = ctx.config.template(args.template)
        event = event or template.event
        summary = fill_template(template.summary, summary)
        complaint = complaint or template.complaint
    if not event:
        raise ValidationError(_("event must not be empty: say what it was (journal add 'Visit to "
                              "ACME') or use --template KEY"))
    resolved = _resolved_arg(args.resolved)
    time, end_time = _times(args)
    planned = args.status == "planned" or args.repeat is not None
    day = parse_date_arg(args.date, planned=planned) if args.date else date.today().isoformat()
    recurrence = None
    if args.repeat is not None:
        if args.status not in (None, "planned"):
            raise ValidationError(_("a repeating entry is planned: tick its occurrences off with "
                                  "`journal done ID@DATE`"))
        day, recurrence = repeat_arg(args.repeat, day)
    remind_at = remind_arg(args.remind, day, time) if args.remind is not None else None
    entry, created = ctx.journal.add_entry(
        event=event, date=day,
        time=time, end_time=end_time, recurrence=recurrence, remind_at=remind_at,
        summary=summary, status="planned" if recurrence else args.status or "done", tags=args.tag,
        links=LinkRequest(args.projects, args.contacts, args.organisations),
        priority=args.priority or "", expenses=_expenses(args.expense),
        complaint=complaint or resolved is not None or args.resolution is not None,
        resolution=_summary_arg(args.resolution or ""), resolved_on=resolved)
    report_created(ctx, created)
    ctx.out(entry.id)
    return 0


def _period(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """--on D, or --from D / --to D, where D may be a period: `--from 2026-10 --to "last week"`
    runs from 1 October to the Sunday of last week."""
    from journal.dates import parse_period

    if args.on and (args.start or args.end):
        raise ValidationError(_("use either --on or --from/--to, not both"))
    if args.on:
        start, end = parse_period(args.on)
        return start.isoformat(), end.isoformat()
    return (parse_period(args.start)[0].isoformat() if args.start else None,
            parse_period(args.end)[1].isoformat() if args.end else None)


def cmd_list(args: argparse.Namespace, ctx: Any) -> int:
    from journal.service import KINDS

    if args.limit is not None and args.limit < 0:
        raise ValidationError(_("--limit must be 0 or more"))
    start, end = _period(args)
    journal = ctx.journal
    # Only the entries of a short period or linked to a name are read (found in the file without
    # parsing the other 100k: see Journal.dated_entry_docs, linked_entry_docs); None means all.
    among = journal.dated_entry_docs(start, end)
    # repeating entries are listed as their occurrences (journal.recurrence)
    occurrences = journal.occurrence_docs_in(start, end)
    for kind in KINDS:
        ref = getattr(args, kind)
        if ref:
            doc_id = journal.find(kind, ref)
            docs = journal.linked_entry_docs(kind, doc_id)
            among = docs if among is None else {i: d for i, d in among.items() if i in docs}
            occurrences = {i: d for i, d in occurrences.items() if journal.links_to(kind, doc_id, d)}
    series = journal.series()
    if occurrences:
        among = {**(journal.view.get("entries", {}) if among is None else among), **occurrences}
    entries = journal.entries_where(
        lambda _id, d: (start is None or d["date"] >= start) and (end is None or d["date"] <= end)
        and _id not in series, among=among)
    if args.limit is not None:
        entries = entries[-args.limit:] if args.limit else []
    follow_ups = journal.follow_up_index() if entries else {}
    views = [journal.entry_view(e, follow_ups) for e in entries]
    if args.format == "json":
        ctx.out(to_json(views))
    else:
        for view in views:
            ctx.out(entry_line(view))
    return 0


def cmd_show(args: argparse.Namespace, ctx: Any) -> int:
    view = ctx.journal.entry_view(ctx.journal.get_entry(args.id))
    ctx.out(to_json([view]) if args.format == "json" else entry_block(view))
    return 0


def cmd_edit(args: argparse.Namespace, ctx: Any) -> int:
    ctx.journal.get_entry(args.id)  # an unknown id is the first thing to report
    changes: dict[str, Any] = {}
    if args.event is not None:
        changes["event"] = args.event
    if args.summary is not None:
        changes["summary"] = _summary_arg(args.summary)
    if args.date is not None:
        planned = (args.status or ctx.journal.get_entry(args.id).status) == "planned"
        changes["date"] = parse_date_arg(args.date, planned=planned)
    if args.time is not None:
        changes["time"], end_time = _times(args)
        if end_time is not None or args.end_time is not None:
            changes["end_time"] = end_time
    elif args.end_time is not None:
        changes["end_time"] = _time_arg(args.end_time)
    if args.status is not None:
        changes["status"] = args.status
    from journal.service import LinkRequest

    if args.complaint is not None:
        changes["complaint"] = args.complaint
        if not args.complaint:
            if args.resolved is not None or args.resolution is not None:
                raise ValidationError(_("--no-complaint clears the resolution; do not give one"))
            changes["resolution"], changes["resolved_on"] = "", None
    if args.resolved is not None:
        changes["resolved_on"] = _resolved_arg(args.resolved)
    if args.reopen:
        changes["resolved_on"] = None
    if args.resolution is not None:
        changes["resolution"] = _summary_arg(args.resolution)
    if args.priority is not None:
        changes["priority"] = args.priority
    if args.origin is not None:
        changes["origin"] = args.origin
    if args.clear_expenses:
        changes["expenses"] = []
    add_expenses = _expenses(args.expense)
    current = ctx.journal.get_entry(args.id) if (args.repeat or args.remind or args.scope) else None
    if args.repeat is not None:
        assert current is not None
        if "@" in current.id:
            raise ValidationError(_("--repeat belongs to the series: edit {split} (or use "
                                    "--scope all)").format(split=current.id.split('@')[0]))
        if args.repeat.strip().lower() in CLEAR:
            changes["recurrence"] = None
        else:
            first, changes["recurrence"] = repeat_arg(args.repeat, changes.get("date", current.date))
            changes["date"], changes["status"] = first, changes.get("status", "planned")
    if args.remind is not None:
        assert current is not None
        changes["remind_at"] = remind_arg(args.remind, changes.get("date", current.date),
                                          changes.get("time", current.time))
    add = LinkRequest(args.projects, args.contacts, args.organisations)
    remove = LinkRequest(args.remove_projects, args.remove_contacts, args.remove_organisations)
    if args.scope not in (None, "this"):
        assert current is not None
        if "@" not in current.id:
            raise ValidationError(_("--scope is for an occurrence of a repeating entry (ID@DATE)"))
        if any(add.by_kind().values()) or any(remove.by_kind().values()) or args.tag or args.remove_tag:
            raise ValidationError(_("links and tags: edit the series itself ({split})").format(split=current.id.split('@')[0]))
        change = ctx.journal.edit_occurrence(current.id, changes, scope=args.scope)
        if change.new_series_id:
            ctx.note(_("split the series: {new_series_id} repeats from {split}").format(new_series_id=change.new_series_id, split=current.id.split('@')[1]))
        shown = change.occurrence or ctx.journal.get_entry(change.series_id)
        ctx.out(entry_line(ctx.journal.entry_view(shown)))
        return 0
    if not changes and not any(add.by_kind().values()) and not any(remove.by_kind().values()) \
            and not args.tag and not args.remove_tag and not add_expenses:
        raise ValidationError(_("nothing to change: give at least one option (see journal edit --help)"))
    # Tags go to the service as additions/removals, applied under the lock to the entry as it is
    # then: a list computed here from an earlier read would drop a tag added meanwhile elsewhere.
    entry, created = ctx.journal.edit_entry(args.id, changes, add=add, remove=remove,
                                            add_tags=args.tag, remove_tags=args.remove_tag,
                                            add_expenses=add_expenses)
    report_created(ctx, created)
    ctx.out(entry_line(ctx.journal.entry_view(entry)))
    return 0


def cmd_delete(args: argparse.Namespace, ctx: Any) -> int:
    entry = ctx.journal.get_entry(args.id)
    if not args.yes:
        raise ValidationError(_("not deleted: add --yes to delete entry {id} ({date} {event})").format(id=entry.id, date=entry.date, event=entry.event[:40]))
    if "@" in entry.id:
        ctx.note(ctx.journal.delete_occurrence(entry.id, scope=args.scope or "this"))
        return 0
    if args.scope:
        raise ValidationError(_("--scope is for an occurrence of a repeating entry (ID@DATE)"))
    ctx.journal.delete_entry(entry.id)
    ctx.note((_("deleted entry {id} (the whole series)") if entry.recurrence
              else _("deleted entry {id}")).format(id=entry.id))
    return 0
