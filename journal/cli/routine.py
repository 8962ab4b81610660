"""`journal done | undone | cancel | carry | note | expenses`: the daily routine from the command
line (the same use cases as the app's tick, carry and note keys)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from journal.cli.render import entry_line
from journal.errors import ValidationError
from journal.i18n import _, ngettext
from journal.i18n.terms import value_name


def _hidden_today(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--today", help=argparse.SUPPRESS)


def register(sub: argparse._SubParsersAction) -> None:
    for name, status, text, description in (
            ("done", "done", _("mark entries done (tick them off)"),
             _("Mark entries done (tick them off).")),
            ("undone", "planned", _("mark entries planned again (untick them)"),
             _("Mark entries planned again (untick them).")),
            ("cancel", "cancelled", _("mark entries cancelled"), _("Mark entries cancelled."))):
        cmd = sub.add_parser(name, help=text, description=description)
        cmd.add_argument("ids", nargs="+", metavar="ID", help=_("entry ids (or unique parts of them)"))
        if name == "done":
            cmd.add_argument("--force", action="store_true",
                             help=_("also mark entries dated after today done"))
        _hidden_today(cmd)
        cmd.set_defaults(func=cmd_status, status=status)

    carry = sub.add_parser(
        "carry", help=_("move a day's unfinished plans to the next working day"),
        description=_("Move the entries of a day (default: today) still marked planned to the next "
                    "working day (never a day already past; weekend days are configurable), and "
                    "print what moved. Each moved entry remembers the day it came from."))
    carry.add_argument("--from", dest="source", metavar="DATE", help=_("the day to carry from "
                       "(default: today)"))
    carry.add_argument("--to", dest="target", metavar="DATE", help=_("the day to carry to"))
    _hidden_today(carry)
    carry.set_defaults(func=cmd_carry)

    note = sub.add_parser(
        "note", help=_("show or write a day's note (its 小结)"),
        description=_("Without text, print the day's note. With text, set it (-a adds a line). "
                    "TEXT '-' reads it from stdin; --edit opens $EDITOR on it. The first word is "
                    "the date when it reads as one (yesterday, 2026-11-20, 上周五); use -d to "
                    "be explicit."))
    note.add_argument("words", nargs="*", metavar="[DATE] TEXT")
    note.add_argument("-d", "--date", help=_("the day (default: today)"))
    note.add_argument("-a", "--append", action="store_true", help=_("add the text as a new line"))
    note.add_argument("-e", "--edit", action="store_true", help=_("edit the note in $EDITOR"))
    note.add_argument("--clear", action="store_true", help=_("delete the day's note"))
    _hidden_today(note)
    note.set_defaults(func=cmd_note)

    expenses = sub.add_parser(
        "expenses", help=_("expenses of a period, totals per currency"),
        description=_("Expenses of the done entries of a period (default: this month), with "
                    "totals per currency; --by groups them per project, client (org) or "
                    "contact. CSV lists every expense."))
    expenses.add_argument("--on", metavar="PERIOD", help=_("a period: 2026-11, last week, 2026-Q4"))
    expenses.add_argument("--from", dest="start", metavar="DATE")
    expenses.add_argument("--to", dest="end", metavar="DATE")
    expenses.add_argument("--by", choices=("project", "org", "contact"))
    expenses.add_argument("--format", choices=("text", "json", "csv"), default="text")
    _hidden_today(expenses)
    expenses.set_defaults(func=cmd_expenses)


def today_of(args: argparse.Namespace) -> date:
    if getattr(args, "today", None):
        from journal.dates import parse_date

        return parse_date(args.today)
    return date.today()


def cmd_status(args: argparse.Namespace, ctx: Any) -> int:
    changes = ctx.journal.set_status(args.ids, args.status, today=today_of(args),
                                     force=getattr(args, "force", False))
    for change in changes:
        if not change.changed:
            ctx.note(_("entry {id} was already {status}").format(id=change.entry.id, status=value_name(change.entry.status)))
        ctx.out(entry_line(ctx.journal.entry_view(change.entry)))
    return 0


def cmd_carry(args: argparse.Namespace, ctx: Any) -> int:
    from journal.dates import format_date_human, parse_date
    from journal.routine.config import load_routine_config

    today = today_of(args)
    source = parse_date(args.source, today=today) if args.source else today
    target = parse_date(args.target, today=today) if args.target else None
    weekend = load_routine_config().weekend if target is None else ()
    result = ctx.journal.carry_over(source, target, today=today, weekend=weekend)
    if not result.moved:
        ctx.out(_("nothing to carry: no planned entries left on {day}").format(day=format_date_human(source)))
        return 0
    count = len(result.moved)
    ctx.out(ngettext("moved {count} entry from {source} to {target}:",
                     "moved {count} entries from {source} to {target}:", count).format(
        count=count, source=format_date_human(source), target=format_date_human(result.target)))
    for entry in result.moved:
        ctx.out(entry_line(ctx.journal.entry_view(entry)))
    return 0


def _note_day_and_text(args: argparse.Namespace, today: date) -> tuple[date, str | None]:
    from journal.dates import DateError, parse_date

    words = list(args.words)
    if args.date:
        return parse_date(args.date, today=today), " ".join(words) if words else None
    if words:
        try:
            day = parse_date(words[0], today=today)
        except DateError:
            return today, " ".join(words)
        return day, " ".join(words[1:]) if len(words) > 1 else None
    return today, None


def cmd_note(args: argparse.Namespace, ctx: Any) -> int:
    from journal.dates import format_date_human

    today = today_of(args)
    day, text = _note_day_and_text(args, today)
    key = day.isoformat()
    journal = ctx.journal
    if sum(bool(x) for x in (args.edit, args.clear, text is not None)) > 1:
        raise ValidationError(_("give the note's text, --edit or --clear, not several"))
    current = journal.day_note(key)
    if args.clear:
        journal.set_day_note(key, "", base=current)
        ctx.note(_("deleted the note of {day}").format(day=format_date_human(day)) if current
                 else _("{day} had no note").format(day=format_date_human(day)))
        return 0
    if args.edit:
        from journal.cli.editor import edit_text

        new = edit_text(current, name=f"note-{key}.md")
    elif text is None:
        if current:
            ctx.out(current)
        else:
            ctx.note(_("no note for {day} (write one: journal note {key} TEXT)").format(day=format_date_human(day), key=key))
        return 0
    else:
        new = sys.stdin.read() if text == "-" else text.replace("\\n", "\n")
        if args.append and current:
            new = f"{current.rstrip()}\n{new}"
    if new.rstrip() == current.rstrip():
        ctx.note(_("the note of {day} is unchanged").format(day=format_date_human(day)))
        return 0
    journal.set_day_note(key, new, base=current)
    ctx.note(_("saved the note of {day}").format(day=format_date_human(day)) if new.strip()
             else _("deleted the note of {day}").format(day=format_date_human(day)))
    return 0


def cmd_expenses(args: argparse.Namespace, ctx: Any) -> int:
    from journal.dates import month_bounds, parse_period
    from journal.reports.expenses import (
        build_expense_report,
        render_expenses_csv,
        render_expenses_json,
        render_expenses_text,
    )

    today = today_of(args)
    if args.on and (args.start or args.end):
        raise ValidationError(_("use either --on or --from/--to, not both"))
    if args.on:
        start, end = parse_period(args.on, today=today)
    elif args.start or args.end:
        start = parse_period(args.start, today=today)[0] if args.start else date(1, 1, 1)
        end = parse_period(args.end, today=today)[1] if args.end else today
    else:
        start, end = month_bounds(today)
    if start > end:
        raise ValidationError(_("the period starts ({start}) after it ends ({end})").format(start=start, end=end))

    def work(cached: Any) -> int:
        tables = cached.period_tables(start, end)
        report = build_expense_report(tables, start, end, args.by)
        render = {"text": render_expenses_text, "json": render_expenses_json,
                  "csv": render_expenses_csv}[args.format]
        ctx.stdout.write(render(report))
        return 0

    from journal.cli.search_cmds import with_cache

    return with_cache(ctx, work)
