"""`journal search`, `journal week`, `journal month`: finding entries and summing up periods.

These read the journal through :mod:`journal.search.cache.reader` rather than ``ctx.journal``: loading
the whole file costs about a second at 100k entries, the cache a few tens of milliseconds. They
never write the data file (only the git-ignored cache next to it, and ``-o FILE``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from journal.errors import JournalError, ValidationError
from journal.i18n import _
from journal.i18n.terms import kind_name


def _query_help() -> str:
    """The query language as a table, aligned by terminal cells (Chinese takes two) and within
    80 columns."""
    from journal.cli.help_layout import term_table

    rows = [
        ("visit 拜访", _("words: all must match, in any case and width, anywhere in the text (so "
                     "Chinese needs no spaces)")),
        ('"term sheet"', _("a phrase")),
        ("-cancelled", _('without the word (-"a phrase": without the phrase)')),
        ("contact:张伟", _('a contact: name, "Name (Organisation)", id, a unique prefix or part, '
                       "or pinyin in full or initials: contact:zhangwei, contact:zw")),
        ("project:授信", _("a project (the same forms)")),
        ("org:工商银行", _("an organisation: its entries and those of its contacts and projects")),
        ("tag:loan", _("a tag")),
        ("status:planned", _("done, planned or cancelled")),
        ("tier:VIP", _("clients of a tier (VIP, A, 重要 …; a contact without one has its "
                     "organisation's): entries linked to them")),
        ("on:2026-11-23", _('one day or a period: on:"last week", on:上周, on:2026-11, on:2026-W47, '
                          "on:2026-Q4")),
        ("from:2026-10", _("from a day or period on")),
        ("to:上个月", _("up to a day or period; dates: ISO, today, yesterday, last friday, "
                    "3 days ago, 昨天 …")),
    ]
    return (_("query language:\n") + term_table(rows)
            + _("Any filter can be negated: -org:acme, -tag:vip, -on:2026-11.\n"
            "Day notes (小结) and written reviews holding the words are listed among the\n"
            "entries (--no-notes leaves them out; JSON lists entries only unless --notes).\n\n"
            "examples:\n"
            '  journal search 拜访 org:工商银行 from:"this month"\n'
            "  journal search contact:zw status:planned --format json\n"
            "  journal search loan -tag:internal --limit 20\n"))


_REPORT_DESCRIPTIONS = {
    "week": lambda: _("Summary of a week: your written review first, then totals, plan against "
                      "done, day by day, by client and project, people met, what is still open, "
                      "carried over and planned next. --edit opens $EDITOR on the week's written "
                      "review."),
    "month": lambda: _("Summary of a month: your written review first, then totals, plan against "
                       "done, day by day, by client and project, people met, what is still open, "
                       "carried over and planned next, top clients and overdue contacts. --edit "
                       "opens $EDITOR on the month's written review."),
    "quarter": lambda: _("Summary of a quarter: your written review first, then totals, plan "
                         "against done, month by month, by client and project, people met, what "
                         "is still open, carried over and planned next, top clients and overdue "
                         "contacts. --edit opens $EDITOR on the quarter's written review."),
}


def intermixed(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Let words and options come in any order and take an unknown ``-word`` as a word (an
    excluded search term, or part of ``last week``), not as a misspelt option: argparse alone
    would refuse ``journal search visit -cancelled`` and ``journal search a --limit 5 b``.
    Options before a ``--`` are parsed, everything else is handed over as positionals."""
    base = type(parser)

    class Intermixed(base):  # type: ignore[valid-type, misc]
        def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
            args = list(sys.argv[1:] if args is None else args)
            actions = self._option_string_actions
            options: list[str] = []
            words: list[str] = []
            i = 0
            while i < len(args):
                arg = args[i]
                if arg == "--":
                    words += args[i + 1:]
                    break
                name = arg.split("=", 1)[0]
                action = actions.get(name)
                if action is None and arg[:2] in actions and arg[1:2] != "-":
                    action, name = actions[arg[:2]], arg[:2]  # -n5
                if action is None and not (arg.startswith("--") and len(arg) > 2):
                    words.append(arg)
                elif action is not None and action.nargs != 0 and arg == name and i + 1 < len(args):
                    options += [arg, args[i + 1]]
                    i += 1
                else:
                    options.append(arg)  # a flag, an inline value, or an unknown --option (refused)
                i += 1
            return super().parse_known_args([*options, "--", *words] if words else options, namespace)

    parser.__class__ = Intermixed
    parser.allow_abbrev = False
    return parser


def register(sub: argparse._SubParsersAction) -> None:
    from journal.cli.help_layout import RawEpilogFormatter
    from journal.completion import QUERY, hint

    search = sub.add_parser(
        "search", help=_("find entries: words, \"phrases\", contact: tag: from: …"),
        description=_("Find entries, newest first."),
        epilog=_query_help(), formatter_class=RawEpilogFormatter)
    hint(search.add_argument("query", nargs="*", metavar="QUERY",
                             help=_("words and filters (see below)")), QUERY)
    search.add_argument("--format", choices=("text", "json", "md"), default="text")
    search.add_argument("-n", "--limit", type=int, metavar="N", help=_("only the N newest"))
    search.add_argument("--color", "--colour", action="store_true",
                        help=_("highlight matches even when the output is not a terminal"))
    search.add_argument("--notes", action=argparse.BooleanOptionalAction, default=None,
                        help=_("list matching day notes and reviews among the entries (default: "
                             "yes for text and md, no for json, which lists entries as `journal "
                             "list` does)"))
    search.add_argument("--today", help=argparse.SUPPRESS)
    search.set_defaults(func=cmd_search)
    intermixed(search)

    for kind, example in (("week", "2026-W47, 2026-11-23 (its week), last week, 上周"),
                          ("month", "2026-11, nov 2026, last month, 上个月"),
                          ("quarter", "2026-Q4, Q4, last quarter, 上季度")):
        report = sub.add_parser(
            kind, help={"week": _("summary and review of a week (default: this one)"),
                        "month": _("summary and review of a month (default: this one)"),
                        "quarter": _("summary and review of a quarter (default: this one)")}[kind],
            description=_REPORT_DESCRIPTIONS[kind]())
        report.add_argument("period", nargs="*", metavar=kind.upper(), help=_("e.g. {example}").format(example=example))
        report.add_argument("--format", choices=("md", "json", "text", "xlsx"), default=None,
                            help=_("default: md, or what the -o file's extension says; xlsx: a "
                                 "sheet for Excel (needs -o FILE)"))
        report.add_argument("-o", "--output", type=Path, metavar="FILE",
                            help=_("write the summary to FILE (mode 0600) instead of printing it"))
        report.add_argument("-e", "--edit", action="store_true",
                            help=_("write the {kind}'s review in $EDITOR (stored in the "
                                   "journal)").format(kind=kind_name(kind)))
        report.add_argument("--today", help=argparse.SUPPRESS)
        report.set_defaults(func=cmd_report, kind=kind)
        intermixed(report)


def _today(args: argparse.Namespace) -> date:
    """``--today`` (hidden; tests and reproducible reports) or the real date."""
    if args.today:
        from journal.dates import parse_date

        return parse_date(args.today)
    return date.today()


def with_cache(ctx: Any, work: Callable[[Any], int], *, cold: bool = False) -> int:
    """Run ``work`` on the cached journal; a cache found inconsistent on the way is rebuilt once
    (its checks run lazily, as columns are decoded). ``cold``: ``work`` can also take a
    :class:`~journal.search.cache.cold.ColdJournal` (search, week, month): without a usable
    cache the answer then comes from the parsed file and the cache is built after it, by a
    child process in the ``journal`` program, which then ends at once. Other commands (due,
    export) need the cache's index and get the cache built first."""
    from journal.names.matching import gc_paused
    from journal.search.cache.reader import CacheCorrupt, open_journal

    with gc_paused():  # a command allocates an object per entry and frees them at exit: no cycles
        cached = open_journal(ctx.path, defer=cold)
        try:
            try:
                code = work(cached)
            except CacheCorrupt:
                cached = open_journal(ctx.path, rebuild=True, defer=cold)
                code = work(cached)
        except JournalError:  # an unknown name, a bad date: the next try finds the cache ready
            _build_cache(ctx, cached, None)
            raise
        _build_cache(ctx, cached, code)
        return code


def _build_cache(ctx: Any, cached: Any, code: int | None) -> None:
    """After a command answered from the parsed file (no cache yet), build the cache: in a
    child process in the ``journal`` program, which then ends at once with ``code`` (None: an
    error is still to be reported, so it carries on), else here and now."""
    if not getattr(cached, "cold", False):
        return
    if ctx.standalone:
        ctx.stdout.flush()
        ctx.stderr.flush()
        if cached.build_in_background():
            if code is not None:
                os._exit(code)  # the parsed file is the child's now: do not free it here
            return
    cached.build_cache()


def _colour(args: argparse.Namespace, stream: Any) -> bool:
    if args.color:
        return True
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def cmd_search(args: argparse.Namespace, ctx: Any) -> int:
    from journal.search.query import join_arguments, parse_query

    # The arguments as the shell grouped them first, then as plain text: "contact:张伟 visit" in
    # one argument is a whole query when no contact is called "张伟 visit".
    queries = [parse_query(text) for text in dict.fromkeys([join_arguments(args.query),
                                                             " ".join(args.query)])]
    if not queries[0]:
        raise ValidationError(_("empty query: give words or filters, e.g. `journal search visit "
                              "contact:张伟` (see `journal search --help`)"))
    if args.limit is not None and args.limit < 0:
        raise ValidationError(_("--limit must be 0 or more"))
    today = _today(args)

    def work(cached: Any) -> int:
        from journal.search.render import Views

        if any(t.field == "tier" for q in queries for t in q.terms):
            cached.index.tiers = ctx.config.tiers
        errors: list[JournalError] = []
        for query in queries:
            try:
                docs = cached.search(query, today=today, limit=args.limit)
                with_notes = args.notes if args.notes is not None else args.format != "json"
                notes = _notes(cached, query, today) if with_notes else []
                break
            except JournalError as exc:  # unknown name, bad date: try the next reading
                errors.append(exc)
        else:
            raise errors[0]
        views = Views(cached.index.tables)
        if notes:  # day notes and reviews, merged by date into the entries' order
            from journal.search.notes import merge_hits

            order = merge_hits([(i, d["date"]) for i, d in docs.items()], notes, args.limit)
            by_key = {n.row_key: n for n in notes}
            rows: list[Any] = [by_key.get(k) or (k, docs[k]) for k in order]
        else:
            rows = list(docs.items())
        _print_results(args, ctx, views, rows, query.words)
        if not rows and args.format != "json":  # JSON says it with []
            ctx.note(_("no entries match {join!r}").format(join=' '.join(args.query)))
        return 0

    return with_cache(ctx, work, cold=True)


def _notes(cached: Any, query: Any, today: date) -> list[Any]:
    """The day notes and reviews matching ``query`` (none to look at: nothing imported)."""
    tables = cached.notes()
    if not any(tables.values()):
        return []
    from journal.search.notes import search_notes

    return search_notes(tables, query, today=today)


def _print_results(args: argparse.Namespace, ctx: Any, views: Any, rows: list[Any],
                   words: list[str]) -> None:
    """``rows``: (entry id, document) pairs, and note hits (journal.search.notes.NoteHit)."""
    from journal.search.render import markdown_item, query_words

    if any(not isinstance(r, tuple) for r in rows):  # notes among them
        from journal.search import notes
    if args.format == "json":
        import orjson

        data = orjson.dumps([views.view(*r) if isinstance(r, tuple) else notes.note_view(r)
                             for r in rows],
                            option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
        binary = getattr(ctx.stdout, "buffer", None)
        if binary is None:  # a text stream (in-process callers): what `to_json` prints
            ctx.stdout.write(data.decode())
        else:  # 20k results are 10 MB of UTF-8: written as they are, not decoded and encoded
            ctx.stdout.flush()
            binary.write(data)
        return
    if args.format == "md":
        lines = [line for r in rows for line in (
            markdown_item(views.view(*r)) if isinstance(r, tuple) else notes.note_markdown(r))]
    else:
        colour, folded = _colour(args, ctx.stdout), query_words(words)
        lines = [views.text(r[0], r[1], folded, colour) if isinstance(r, tuple)
                 else notes.note_line(r, folded, colour) for r in rows]
    if lines:
        ctx.stdout.write("\n".join(lines) + "\n")


def cmd_report(args: argparse.Namespace, ctx: Any) -> int:
    return _report(args, ctx, args.kind)


def _report(args: argparse.Namespace, ctx: Any, kind: Literal["week", "month", "quarter"]) -> int:
    from journal.dates import parse_month, parse_quarter, parse_week
    from journal.reports.render import render_json, render_markdown, render_text
    from journal.reports.summary import build_period_report, entries_needed_until

    today = _today(args)
    text = " ".join(args.period).strip() or None
    parse = {"week": parse_week, "month": parse_month, "quarter": parse_quarter}[kind]
    start, end = parse(text, today=today)
    if args.edit:
        if args.output is not None or args.format is not None:
            raise ValidationError(_("--edit writes the review; print the summary without it"))
        return _edit_review(ctx, kind, start, end)
    fmt = args.format or _format_of(args.output) or "md"
    if args.output is not None:
        from journal.service import check_output_path

        check_output_path(args.output, ctx.path)
    elif fmt == "xlsx" and (getattr(ctx.stdout, "isatty", lambda: True)()
                            or not hasattr(ctx.stdout, "buffer")):
        raise ValidationError(_("an xlsx {kind} report is a file: give -o FILE.xlsx (or "
                                "redirect the output to a file)").format(kind=kind))

    def work(cached: Any) -> int:
        if getattr(cached, "cold", False):  # every entry parsed, no index: the report scans them
            report = build_period_report(cached.report_tables(start, entries_needed_until(kind, end)),
                                         start, end, today=today, kind=kind,
                                         tiers=ctx.config.tiers)
        else:
            tables = cached.period_tables(start, entries_needed_until(kind, end))
            report = build_period_report(tables, start, end, today=today, kind=kind,
                                         index=cached.index, tiers=ctx.config.tiers,
                                         documents=cached.documents,
                                         raw_documents=cached.raw_documents)
        if fmt == "xlsx":
            from journal.reports.xlsx import render_xlsx

            rendered: str | bytes = render_xlsx(report)
        else:
            rendered = {"md": render_markdown, "json": render_json, "text": render_text}[fmt](report)
        if isinstance(rendered, bytes) and args.output is None:  # redirected: checked above
            ctx.stdout.flush()
            ctx.stdout.buffer.write(rendered)
        elif args.output is None:
            ctx.stdout.write(rendered)
        else:
            _write_report(args.output, rendered, ctx.path)
            ctx.out(_("wrote {kind} {label} ({fmt}) to {output}").format(kind=kind, label=report.label, fmt=fmt, output=args.output))
        return 0

    return with_cache(ctx, work, cold=True)


def _edit_review(ctx: Any, kind: Literal["week", "month", "quarter"], start: date,
                 end: date) -> int:
    """Open $EDITOR on the period's written review (headings to start from when there is none)
    and store what was written."""
    from journal.cli.editor import edit_text
    from journal.routine.reviews import is_chinese, is_unwritten, review_id, template

    journal = ctx.journal
    rid = review_id(kind, start)
    current = journal.review(rid)
    if current:
        initial = current + "\n"
    else:
        # the language of the last two months' entries up to the period's end
        since = (end - timedelta(days=60)).isoformat()
        recent = journal.dated_entry_docs(since, end.isoformat()) or {}
        events = [str(d.get("event", "")) for d in recent.values()
                  if since <= d.get("date", "") <= end.isoformat()][-300:]
        initial = template(kind, is_chinese(events))
    text = edit_text(initial, name=f"review-{rid}.md")
    if text.rstrip() == current.rstrip() or (not current and is_unwritten(text)):
        ctx.note(_("the review of {rid} is unchanged").format(rid=rid) if current
                 else _("nothing written: no review saved for {rid}").format(rid=rid))
        return 0
    kept = journal.set_review(rid, text, base=current)
    ctx.note(_("saved the review of {rid} (`journal {kind} {rid}` shows it)").format(rid=rid, kind=kind) if kept
             else _("deleted the review of {rid}").format(rid=rid))
    return 0


def _format_of(path: Path | None) -> str | None:
    if path is None:
        return None
    return {".md": "md", ".markdown": "md", ".json": "json", ".txt": "text",
            ".text": "text", ".xlsx": "xlsx"}.get(path.suffix.lower())


def _write_report(path: Path, text: str | bytes, data_path: Path) -> None:
    """Atomically, mode 0600 (a summary is client data), never over the journal's own files."""
    from journal.service import write_output_file

    write_output_file(path, text.encode("utf-8") if isinstance(text, str) else text, data_path)
