"""`journal import FILE` (CSV, vCard, jrnl journal or export, bundle) and `journal export`.

The work happens in :mod:`journal.interchange`; this module turns arguments into calls and reports
into lines: one summary line on stdout, one line per notable item on stderr (user text escaped).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from journal.completion import QUERY, hint
from journal.i18n import N_, _
from journal.i18n.terms import kind_name
from journal.text import clean_line, counted

#: Control characters (but tab and line breaks) that would act on a terminal showing an export.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
EXPORT_KINDS = {"contact": "contact", "org": "organisation", "project": "project"}
EXPORT_FORMATS = ("csv", "xlsx", "json", "md", "ics", "vcard")  # = journal.interchange.export's
#: The singular of an import report's ``what`` where it is a phrase (see journal.text.counted).
_ONE = {"documents and entries": N_("document or entry")}

EXPORT_HELP = N_("""\
formats (default: what the -o file's extension says, else md):
  csv     entries in the import's columns (imports back); --excel: BOM and
          formula guard for Excel; --encoding gb18030 for older Chinese Excel
  xlsx    a workbook: Entries (real dates and times), Contacts, Projects,
          Organisations, Day notes
  json    everything with ids; `journal import` merges it back, no duplicates
  md      a diary by month and day, with links, tags, expenses and day notes
  ics     planned entries (and recurring series) with reminders, plus
          birthdays; a status: filter (status:done) exports those instead
  vcard   contacts (vCard 4.0; --vcard3 for older phones)

the filters are those of `journal search` (see `journal search --help`):
words, "phrases", -word, contact: project: org: tag: status: on: from: to:,
or the options below. A filtered export carries the contacts, projects and
organisations its entries link to.

examples:
  journal export -o journal.xlsx                   # everything, as a workbook
  journal export --format csv --excel from:2026-01 -o 2026.csv
  journal export --org 工商银行 -o 工商银行.md       # one client's diary
  journal export status:planned from:today -o plans.ics
  journal export --format vcard --vcard3 from:2026-01 -o met-in-2026.vcf
  journal export org 华辰精密 --format json -o 华辰.json  # a hand-over
""")


def register(sub: argparse._SubParsersAction) -> None:
    from journal.cli.search_cmds import intermixed

    imp = sub.add_parser(
        "import", help=_("import entries, contacts (vCard) or a JSON export"),
        description=_("The format is taken from the extension, else the content. CSV header: "
                    "date,time,event,summary,projects,contacts,organisations (lists separated by "
                    "';'), UTF-8 or GB18030. vCard 2.1/3.0/4.0 (.vcf) from phones and Outlook: "
                    "contacts, merged into existing ones. jrnl: its journal file itself (journal.txt) "
                    "or `jrnl --export json` output. JSON from `journal export`: merged, ids kept. "
                    "Importing twice adds nothing."))
    imp.add_argument("source", type=Path, metavar="FILE")
    imp.add_argument("--dry-run", action="store_true",
                     help=_("say what would be added, merged and skipped; change nothing"))
    imp.add_argument("--tags-as", choices=("tags", "contacts", "projects"), default="tags",
                     help=_("jrnl: turn @tags into links to contacts or projects of that name "
                          "(@Li_Na: Li Na); #tags stay tags (default: all tags stay tags)"))
    imp.add_argument("--jrnl-timeformat", metavar="FORMAT",
                     help=_("jrnl: the timeformat of your jrnl.yaml, e.g. '%%d/%%m/%%Y %%H:%%M' "
                          "(default: jrnl's usual formats are recognised)"))
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser(
        "export", help=_("export (csv xlsx json md ics vcard) or hand a client over"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=_("Export everything, or the entries a query selects (with the contacts,\n"
                    "projects and organisations they link to). `journal export contact|org|project\n"
                    "NAME` hands one client over: the client file — profile, tier and cadence,\n"
                    "owner history, contacts and projects, open items, complaints, expenses — and\n"
                    "its full history (md), or a bundle another journal imports (json)."),
        epilog=_(EXPORT_HELP))
    hint(exp.add_argument("query", nargs="*", metavar="QUERY",
                     help=_("words and filters, as for search; or KIND NAME for a hand-over")), QUERY)
    exp.add_argument("--format", choices=EXPORT_FORMATS, default=None)
    exp.add_argument("-o", "--output", type=Path, metavar="FILE",
                     help=_("write to FILE (private, mode 0600) instead of the screen"))
    exp.add_argument("--on", action="append", metavar="D", help=_("one day or period (2026-11, last week)"))
    exp.add_argument("--from", dest="start", action="append", metavar="D", help=_("from this day/period"))
    exp.add_argument("--to", dest="end", action="append", metavar="D", help=_("up to this day/period"))
    hint(exp.add_argument("--contact", action="append", metavar="NAME",
                          help=_("entries of this contact")), "contact")
    hint(exp.add_argument("--project", action="append", metavar="NAME",
                          help=_("entries of this project")), "project")
    hint(exp.add_argument("--org", action="append", metavar="NAME",
                     help=_("entries of this organisation (and its contacts and projects)")), "organisation")
    exp.add_argument("--excel", action="store_true",
                     help=_("csv: a BOM so Excel reads UTF-8, and no cell Excel would run as a formula"))
    exp.add_argument("--encoding", choices=("utf-8", "gb18030"), default="utf-8",
                     help=_("csv: the file's encoding (default utf-8)"))
    exp.add_argument("--vcard3", action="store_true", help=_("vcard: version 3.0 for older phones"))
    exp.add_argument("--today", help=argparse.SUPPRESS)
    exp.set_defaults(func=cmd_export)
    intermixed(exp)


def _regular_file(path: Path) -> None:
    """A FIFO would hang the read, /dev/zero would never end: regular files only."""
    import os
    import stat

    from journal.errors import JournalError

    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except OSError as exc:
        raise JournalError(_("{path}: cannot read ({value})").format(path=path, value=exc.strerror or exc)) from None
    except ValueError:  # an embedded NUL
        raise JournalError(_("{path!r}: not a file name").format(path=str(path)[:60])) from None
    if not regular:
        raise JournalError(_("{path}: not a regular file (save the export to a file first)").format(path=path))


def cmd_import(args: argparse.Namespace, ctx: Any) -> int:
    code = _import(args, ctx)
    if args.dry_run:  # a rehearsal leaves nothing behind, not even a cache
        return code
    return ctx.warm_search_cache(code)  # the next search is quick: it finds the import indexed


def _import(args: argparse.Namespace, ctx: Any) -> int:
    from journal.interchange.detect import import_file

    _regular_file(args.source)
    journal = ctx.journal
    if args.dry_run:
        from journal.interchange.dry_run import Rehearsal

        journal = Rehearsal(journal)
    kind, report = import_file(journal, args.source, tags_as=args.tags_as,
                               timeformat=args.jrnl_timeformat)
    if kind == "csv":
        return _report_csv(report, ctx, args.dry_run)
    for name in report.created:
        ctx.note((_("would create {name}") if args.dry_run else _("created {name}")).format(
            name=name))
    lines = [(where, _("rejected: {reason}").format(reason=reason))
             for where, reason in report.rejected] + report.notes
    for where, text in sorted(lines, key=_position):  # in file order, stable
        ctx.note(clean_line(f"{where}: {text}"))
    imported = counted(report.imported, _(report.what), _(_ONE[report.what])
                       if report.what in _ONE else None)
    parts = [(_("would import {imported}") if args.dry_run else _("imported {imported}")).format(
        imported=imported)]
    if kind not in ("jrnl", "jrnl-text"):
        parts.append((_("would merge {n}") if args.dry_run else _("merged {n}")).format(
            n=report.merged))
    parts += [_("unchanged {unchanged} (already present)").format(unchanged=report.unchanged),
              _("rejected {n}").format(n=len(report.rejected))]
    text = _(", ").join(parts)
    if report.created:
        noun = (counted(len(report.created), _("organisations")) if kind == "vcard" else
                counted(len(report.created), _("contacts/projects/organisations"),
                        _("contact/project/organisation")))
        text += (_("; would create {created}") if args.dry_run else _("; created {created}")).format(
            created=noun)
    ctx.out(text + (_(" (dry run: nothing written)") if args.dry_run else ""))
    return 1 if report.total_failure else 0


def _position(item: tuple[str, str]) -> int:
    """The number in ``line 12`` / ``entry 3`` (``第 12 行``), so report lines follow the file;
    others first."""
    import re

    found = re.search(r"\d+", item[0])
    return int(found[0]) if found else 0


def _report_csv(report: Any, ctx: Any, dry_run: bool = False) -> int:
    for name in report.created:
        ctx.note((_("would create {name}") if dry_run else _("created {name}")).format(name=name))
    for line, reason in report.rejected:
        ctx.note(clean_line(_("line {line}: rejected: {reason}").format(line=line, reason=reason)))
    text = (_("would import {entries}, rejected {rows}, skipped {duplicates} already present")
            if dry_run else
            _("imported {entries}, rejected {rows}, skipped {duplicates} already present")).format(
        entries=counted(report.imported, _("entries")), rows=counted(len(report.rejected), _("rows")),
        duplicates=report.duplicates)
    if report.created:
        created = counted(len(report.created), _("contacts/projects/organisations"),
                          _("contact/project/organisation"))
        text += (_("; would create {created}") if dry_run else _("; created {created}")).format(
            created=created)
    ctx.out(text + (_(" (dry run: nothing written)") if dry_run else ""))
    return 1 if report.rejected and not report.imported and not report.duplicates else 0


def _handover(args: argparse.Namespace, fmt: str | None) -> bool:
    """``journal export contact|org|project NAME`` in md or json, without filter options: the
    one-client hand-over (the form this command had first)."""
    return (len(args.query) == 2 and args.query[0] in EXPORT_KINDS and fmt in (None, "md", "json")
            and not any((args.on, args.start, args.end, args.contact, args.project, args.org)))


def cmd_export(args: argparse.Namespace, ctx: Any) -> int:
    from journal.errors import JournalError
    from journal.service import check_output_path, write_output_file

    if args.output is not None:  # before any work: `-o journal.json` would replace the journal
        check_output_path(args.output, ctx.path)
    from journal.interchange.export import format_of, render

    fmt = args.format or format_of(args.output)
    if _handover(args, fmt):
        return _export_handover(args, ctx, fmt or "md")
    if len(args.query) == 2 and args.query[0] in EXPORT_KINDS:  # `contact 张伟 --format vcard`
        setattr(args, args.query[0], [*(getattr(args, args.query[0]) or []), args.query[1]])
        args.query = []
    fmt = fmt or "md"
    if fmt == "xlsx" and args.output is None and (_is_terminal(ctx.stdout)
                                                  or not hasattr(ctx.stdout, "buffer")):
        raise JournalError(_("an xlsx workbook is not for the screen: give -o FILE.xlsx (or "
                           "redirect the output to a file)"))
    if (args.excel or args.encoding != "utf-8") and fmt != "csv":
        raise JournalError(_("--excel and --encoding apply to --format csv"))
    if args.vcard3 and fmt != "vcard":
        raise JournalError(_("--vcard3 applies to --format vcard"))
    data = _export_data(args, ctx, entries_needed=fmt != "vcard")
    all_statuses = data.query is not None and any(t.field == "status" for t in data.query.terms)
    rendered = render(data, fmt, excel=args.excel, encoding=args.encoding, vcard3=args.vcard3,
                      all_statuses=all_statuses)
    for note in rendered.notes:
        ctx.note(_("journal: note: {note}").format(note=note))
    if args.output is None:
        if _is_terminal(ctx.stdout):  # user text must not drive the terminal (escape sequences)
            ctx.stdout.write(_CONTROL_RE.sub(lambda m: f"\\x{ord(m.group(0)):02x}", rendered.data
                                             .decode(args.encoding).removeprefix("\ufeff")))
        elif hasattr(ctx.stdout, "buffer"):  # the bytes as they are: `> file.csv` keeps BOM, GB18030
            ctx.stdout.flush()
            ctx.stdout.buffer.write(rendered.data)
            ctx.stdout.buffer.flush()
        else:  # an in-memory stream (tests, embedding): text
            ctx.stdout.write(rendered.data.decode(args.encoding if fmt == "csv" else "utf-8")
                             .removeprefix("\ufeff"))
        return 0
    write_output_file(args.output, rendered.data, ctx.path)
    ctx.note(_("wrote {holds} ({fmt}) to {output}").format(holds=rendered.holds, fmt=fmt, output=args.output))
    return 0


def _is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _export_data(args: argparse.Namespace, ctx: Any, *, entries_needed: bool = True) -> Any:
    """The export's documents, read like `journal search` reads (the search cache)."""
    from datetime import date

    from journal.cli.search_cmds import with_cache
    from journal.interchange.export.scope import queries, select

    today = date.today()
    if args.today:
        from journal.dates import parse_date

        today = parse_date(args.today)
    candidates = queries(args.query, {"on": args.on, "start": args.start, "end": args.end,
                                      "contact": args.contact, "project": args.project,
                                      "org": args.org})
    found: list[Any] = []

    def work(cached: Any) -> int:
        found.append(select(cached, candidates, today, entries_needed=entries_needed))
        return 0

    with_cache(ctx, work)
    return found[-1]


def _export_handover(args: argparse.Namespace, ctx: Any, fmt: str) -> int:
    from journal.interchange.bundle import build_bundle, dump_bundle
    from journal.interchange.handover_md import render_markdown

    journal = ctx.journal
    kind = EXPORT_KINDS[args.query[0]]
    bundle = build_bundle(journal, kind, args.query[1])
    if fmt == "json":
        data = dump_bundle(bundle)
    else:
        from datetime import date

        from journal.clients.dossier import build_dossier
        from journal.dates import parse_date

        today = parse_date(args.today) if args.today else date.today()
        data = render_markdown(bundle, build_dossier(journal, bundle, today)).encode("utf-8")
    entries = len(bundle["entries"])
    if args.output is None:
        ctx.out(data.decode("utf-8").rstrip("\n"))
        return 0
    journal.write_output(args.output, data)
    ctx.note(_("wrote {kind} {name} with {counted} to {output}").format(kind=kind_name(kind), name=bundle['subject']['name'], counted=counted(entries, _('entries')), output=args.output))
    return 0
