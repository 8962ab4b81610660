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
from datetime import date
from pathlib import Path
from typing import Any, Literal

from journal.errors import JournalError, ValidationError


def _query_help() -> str:
    """The query language as a table, aligned by terminal cells (Chinese takes two) and within
    80 columns."""
    from journal.cli.help_layout import term_table

    rows = [
        ("visit 拜访", "words: all must match, in any case and width, anywhere in the text (so "
                     "Chinese needs no spaces)"),
        ('"term sheet"', "a phrase"),
        ("-cancelled", 'without the word (-"a phrase": without the phrase)'),
        ("contact:张伟", 'a contact: name, "Name (Organisation)", id, a unique prefix or part, '
                       "or pinyin in full or initials: contact:zhangwei, contact:zw"),
        ("project:授信", "a project (the same forms)"),
        ("org:工商银行", "an organisation: its entries and those of its contacts and projects"),
        ("tag:loan", "a tag"),
        ("status:planned", "done, planned or cancelled"),
        ("tier:VIP", "clients of a tier (VIP, A, 重要 …; a contact without one has its "
                     "organisation's): entries linked to them"),
        ("on:2026-11-23", 'one day or a period: on:"last week", on:上周, on:2026-11, on:2026-W47'),
        ("from:2026-10", "from a day or period on"),
        ("to:上个月", "up to a day or period; dates: ISO, today, yesterday, last friday, "
                    "3 days ago, 昨天 …"),
    ]
    return ("query language:\n" + term_table(rows)
            + "Any filter can be negated: -org:acme, -tag:vip, -on:2026-11.\n\n"
            "examples:\n"
            '  journal search 拜访 org:工商银行 from:"this month"\n'
            "  journal search contact:zw status:planned --format json\n"
            "  journal search loan -tag:internal --limit 20\n")


def _intermixed(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
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
        "search", help="find entries: words, \"phrases\", contact: tag: from: …",
        description="Find entries, newest first.",
        epilog=_query_help(), formatter_class=RawEpilogFormatter)
    hint(search.add_argument("query", nargs="*", metavar="QUERY",
                             help="words and filters (see below)"), QUERY)
    search.add_argument("--format", choices=("text", "json", "md"), default="text")
    search.add_argument("-n", "--limit", type=int, metavar="N", help="only the N newest")
    search.add_argument("--color", "--colour", action="store_true",
                        help="highlight matches even when the output is not a terminal")
    search.add_argument("--today", help=argparse.SUPPRESS)
    search.set_defaults(func=cmd_search)
    _intermixed(search)

    for kind, example in (("week", "2026-W47, 2026-11-23 (its week), last week, 上周"),
                          ("month", "2026-11, nov 2026, last month, 上个月")):
        report = sub.add_parser(
            kind, help=f"summary of a {kind} (default: this {kind})",
            description=f"Summary of a {kind}: totals, day by day, by client and project, people "
                        f"met, what is still open and planned next"
                        + (", top clients and overdue contacts." if kind == "month" else "."))
        report.add_argument("period", nargs="*", metavar=kind.upper(), help=f"e.g. {example}")
        report.add_argument("--format", choices=("md", "json", "text", "xlsx"), default=None,
                            help="default: md, or what the -o file's extension says; xlsx: a "
                                 "sheet for Excel (needs -o FILE)")
        report.add_argument("-o", "--output", type=Path, metavar="FILE",
                            help="write the summary to FILE (mode 0600) instead of printing it")
        report.add_argument("--today", help=argparse.SUPPRESS)
        report.set_defaults(func=cmd_week if kind == "week" else cmd_month)
        _intermixed(report)


def _today(args: argparse.Namespace) -> date:
    """``--today`` (hidden; tests and reproducible reports) or the real date."""
    if args.today:
        from journal.dates import parse_date

        return parse_date(args.today)
    return date.today()


def _with_cache(ctx: Any, work: Callable[[Any], int]) -> int:
    """Run ``work`` on the cached journal; a cache found inconsistent on the way is rebuilt once
    (its checks run lazily, as columns are decoded)."""
    from journal.names.matching import gc_paused
    from journal.search.cache.reader import CacheCorrupt, open_journal

    with gc_paused():  # a command allocates an object per entry and frees them at exit: no cycles
        try:
            return work(open_journal(ctx.path))
        except CacheCorrupt:
            return work(open_journal(ctx.path, rebuild=True))


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
        raise ValidationError("empty query: give words or filters, e.g. `journal search visit "
                              "contact:张伟` (see `journal search --help`)")
    if args.limit is not None and args.limit < 0:
        raise ValidationError("--limit must be 0 or more")
    today = _today(args)

    def work(cached: Any) -> int:
        from journal.search.render import Views

        if any(t.field == "tier" for q in queries for t in q.terms):
            cached.index.tiers = ctx.config.tiers
        errors: list[JournalError] = []
        for query in queries:
            try:
                found = cached.search(query, today=today, limit=args.limit)
                break
            except JournalError as exc:  # unknown name, bad date: try the next reading
                errors.append(exc)
        else:
            raise errors[0]
        views = Views(cached.index.tables)
        _print_results(args, ctx, views, found, query.words)
        if not found and args.format != "json":  # JSON says it with []
            ctx.note(f"no entries match {' '.join(args.query)!r}")
        return 0

    return _with_cache(ctx, work)


def _print_results(args: argparse.Namespace, ctx: Any, views: Any, docs: dict[str, dict[str, Any]],
                   words: list[str]) -> None:
    from journal.search.render import markdown_item, query_words

    if args.format == "json":
        from journal.cli.render import to_json

        ctx.out(to_json([views.view(i, d) for i, d in docs.items()]))
        return
    if args.format == "md":
        lines = [line for i, d in docs.items() for line in markdown_item(views.view(i, d))]
    else:
        colour, folded = _colour(args, ctx.stdout), query_words(words)
        lines = [views.text(i, d, folded, colour) for i, d in docs.items()]
    if lines:
        ctx.stdout.write("\n".join(lines) + "\n")


def cmd_week(args: argparse.Namespace, ctx: Any) -> int:
    return _report(args, ctx, "week")


def cmd_month(args: argparse.Namespace, ctx: Any) -> int:
    return _report(args, ctx, "month")


def _report(args: argparse.Namespace, ctx: Any, kind: Literal["week", "month"]) -> int:
    from journal.dates import parse_month, parse_week
    from journal.reports.render import render_json, render_markdown, render_text
    from journal.reports.summary import build_period_report, next_period

    today = _today(args)
    text = " ".join(args.period).strip() or None
    start, end = (parse_week if kind == "week" else parse_month)(text, today=today)
    fmt = args.format or _format_of(args.output) or "md"
    if args.output is not None:
        from journal.service import check_output_path

        check_output_path(args.output, ctx.path)
    elif fmt == "xlsx" and (getattr(ctx.stdout, "isatty", lambda: True)()
                            or not hasattr(ctx.stdout, "buffer")):
        raise ValidationError(f"an xlsx {kind} report is a file: give -o FILE.xlsx (or redirect "
                              "the output to a file)")

    def work(cached: Any) -> int:
        tables = cached.period_tables(start, next_period(kind, end)[1])
        report = build_period_report(tables, start, end, today=today, kind=kind, index=cached.index,
                                     tiers=ctx.config.tiers, documents=cached.documents,
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
            ctx.out(f"wrote {kind} {report.label} ({fmt}) to {args.output}")
        return 0

    return _with_cache(ctx, work)


def _format_of(path: Path | None) -> str | None:
    if path is None:
        return None
    return {".md": "md", ".markdown": "md", ".json": "json", ".txt": "text",
            ".text": "text", ".xlsx": "xlsx"}.get(path.suffix.lower())


def _write_report(path: Path, text: str | bytes, data_path: Path) -> None:
    """Atomically, mode 0600 (a summary is client data), never over the journal's own files."""
    from journal.service import write_output_file

    write_output_file(path, text.encode("utf-8") if isinstance(text, str) else text, data_path)
