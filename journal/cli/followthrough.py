"""`journal remind | follow-up | agenda`: reminders due, follow-ups, and what to do next."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import Any

from journal.errors import ValidationError
from journal.i18n import _, ngettext
from journal.text import clean_line


def register(sub: argparse._SubParsersAction) -> None:
    remind = sub.add_parser(
        "remind", help=_("reminders due now (for cron, a status bar or watch)"),
        description=_("Print the reminders that are due and not yet acknowledged, one line each "
                    "(nothing when none is due; exit 0 either way). --ack marks them seen, "
                    "--snooze puts one off."))
    remind.add_argument("--ack", nargs="+", metavar="ID", help=_("acknowledge these reminders"))
    remind.add_argument("--ack-all", action="store_true", help=_("acknowledge every due reminder"))
    remind.add_argument("--snooze", metavar="ID", help=_("remind again later (see --for, --until)"))
    remind.add_argument("--for", dest="delay", metavar="DURATION", default=None,
                        help=_("with --snooze: how long, e.g. 10m (default), 1h, 1d"))
    remind.add_argument("--until", metavar="WHEN",
                        help=_("with --snooze: when, e.g. 14:00, 'tomorrow 9:00'"))
    remind.add_argument("--format", choices=("text", "json"), default="text")
    remind.add_argument("--now", help=argparse.SUPPRESS)
    remind.set_defaults(func=cmd_remind)

    follow = sub.add_parser(
        "follow-up", help=_("plan a follow-up of an entry"),
        description=_("Plan a follow-up of an entry (or an occurrence, ID@DATE): a planned entry "
                    "with the same contacts, projects and organisations, linked back to it. "
                    "Prints the new entry's id."))
    follow.add_argument("id", help=_("the entry to follow up"))
    follow.add_argument("event", nargs="*", help=_("what to do (default: 'Follow up: <event>')"))
    when = follow.add_mutually_exclusive_group()
    when.add_argument("--in", dest="delay", metavar="DELAY",
                      help=_("how long from today: 3d, 2w, 1m (a month), 3天, 两周 (default 7d)"))
    when.add_argument("--on", metavar="DATE", help=_("the day: 2026-12-15, friday, 下周一 …"))
    follow.add_argument("-t", "--time", help="HH:MM")
    follow.add_argument("-s", "--summary", help=_("notes for it"))
    follow.add_argument("--today", help=argparse.SUPPRESS)
    follow.set_defaults(func=cmd_follow_up)

    agenda = sub.add_parser(
        "agenda", help=_("what to do now: plan, reminders, follow-ups, clients due"),
        description=_("What to do next: the plan of today (or N days) with repeating entries, "
                    "planned work left over from the last two weeks, reminders due, follow-ups "
                    "due this week, clients due for a visit and birthdays in the coming week."))
    agenda.add_argument("--days", type=int, default=1, metavar="N", help=_("days of plan (default 1)"))
    agenda.add_argument("--format", choices=("text", "json"), default="text")
    agenda.add_argument("--today", help=argparse.SUPPRESS)
    agenda.add_argument("--now", help=argparse.SUPPRESS)
    agenda.set_defaults(func=cmd_agenda)


def _now(args: argparse.Namespace) -> datetime:
    """``--now`` (hidden; tests) or the clock, to the minute."""
    if getattr(args, "now", None):
        try:
            return datetime.fromisoformat(args.now.replace(" ", "T"))
        except ValueError:
            raise ValidationError(_("invalid --now {now!r}: expected YYYY-MM-DDTHH:MM").format(now=args.now)) from None
    return datetime.now().replace(second=0, microsecond=0)


def _today(args: argparse.Namespace) -> date:
    if getattr(args, "today", None):
        from journal.dates import parse_date

        return parse_date(args.today)
    if getattr(args, "now", None):
        return _now(args).date()
    return date.today()


def cmd_remind(args: argparse.Namespace, ctx: Any) -> int:
    from journal.reminders.timing import parse_duration

    now = _now(args)
    journal = ctx.journal
    if args.ack and args.ack_all:
        raise ValidationError(_("use --ack ID... or --ack-all, not both"))
    if (args.delay or args.until) and not args.snooze:
        raise ValidationError(_("--for and --until go with --snooze ID"))
    if args.snooze:
        if args.ack or args.ack_all:
            raise ValidationError(_("snooze or acknowledge, not both at once"))
        if args.delay and args.until:
            raise ValidationError(_("use --for or --until, not both"))
        until = None
        delay = None
        if args.until:
            from journal.reminders.timing import parse_remind

            at = parse_remind(args.until, day=now.date().isoformat(), time=None,
                              today=now.date())
            if at is None:
                raise ValidationError(_("--until needs a time, e.g. 14:00 or 'tomorrow 9:00'"))
            until = datetime.fromisoformat(at)
        elif args.delay:
            delay = parse_duration(args.delay)
            if delay is None or not delay:
                raise ValidationError(_("invalid --for {delay!r}: try 10m, 1h, 1d").format(delay=args.delay))
        entry = journal.snooze(args.snooze, until=until, delay=delay, now=now)
        ctx.note(_("snoozed {id} until {replace}").format(id=entry.id, replace=str(entry.remind_at).replace('T', ' ')))
        return 0
    if args.ack or args.ack_all:
        refs = args.ack or [r.id for r in journal.due_reminders(now)]
        done = journal.acknowledge(refs)
        ctx.note(ngettext("acknowledged {n} reminder", "acknowledged {n} reminders",
                          len(done)).format(n=len(done)))
        return 0
    due = journal.due_reminders(now)
    if args.format == "json":
        from journal.cli.render import to_json

        ctx.out(to_json([{"id": r.id, "event": r.event, "date": r.date, "time": r.time,
                          "remind_at": r.remind_at} for r in due]))
        return 0
    for r in due:
        when = f"{r.date} {r.time}" if r.time else r.date
        ctx.out(clean_line(f"{r.remind_at.replace('T', ' ')}  {r.event}  ({when})  {r.id}"))
    return 0


def cmd_follow_up(args: argparse.Namespace, ctx: Any) -> int:
    from journal.agenda.followups import parse_in

    today = _today(args)
    if args.on:
        from journal.dates import parse_date

        day = parse_date(args.on, today=today, prefer="future")
    else:
        day = parse_in(args.delay or "7d", today)
    time = None
    if args.time:
        from journal.dates import parse_time

        time = parse_time(args.time)
    event = " ".join(args.event).strip() or None
    entry = ctx.journal.follow_up(args.id, day, event=event, time=time,
                                  summary=(args.summary or "").replace("\\n", "\n"))
    ctx.note(clean_line(_("follow-up on {date}: {event}").format(date=entry.date, event=entry.event)))
    ctx.out(entry.id)
    return 0


def cmd_agenda(args: argparse.Namespace, ctx: Any) -> int:
    from journal.agenda.build import agenda_json, agenda_text

    today = _today(args)
    now = _now(args) if args.now else datetime.combine(today, datetime.now().time()).replace(
        second=0, microsecond=0)
    agenda = ctx.journal.agenda(today, days=args.days, now=now)
    if args.format == "json":
        from journal.cli.render import to_json

        ctx.out(to_json(agenda_json(agenda)))
    else:
        ctx.stdout.write("\n".join(clean_line(line) for line in agenda_text(agenda).splitlines())
                         + "\n")
    return 0
