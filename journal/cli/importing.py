"""`journal import FILE` (CSV, vCard, jrnl export, hand-over bundle) and `journal export`.

The work happens in :mod:`journal.interchange`; this module turns arguments into calls and reports
into lines: one summary line on stdout, one line per notable item on stderr (user text escaped).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from journal.text import clean_line, counted

EXPORT_KINDS = {"contact": "contact", "org": "organisation", "project": "project"}
#: The singular of an import report's ``what`` where it is a phrase (see journal.text.counted).
_ONE = {"documents and entries": "document or entry"}


def register(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser(
        "import", help="import entries (CSV, jrnl export), contacts (vCard) or a hand-over bundle",
        description="The format is taken from the extension, else the content. CSV header: "
                    "date,time,event,summary,projects,contacts,organisations (lists separated by "
                    "';'), UTF-8 or GB18030. vCard 2.1/3.0/4.0 (.vcf) from phones and Outlook: "
                    "contacts, merged into existing ones. JSON: `jrnl --export json` output, or a "
                    "bundle from `journal export … --format json`. Importing twice adds nothing.")
    imp.add_argument("source", type=Path, metavar="FILE")
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser(
        "export", help="hand a client over: a contact, organisation or project with its history",
        description="md: the file and its full history, newest first, to read or paste into an "
                    "e-mail. json: a self-contained bundle that `journal import` merges into "
                    "another journal (ids kept; importing it again changes nothing).")
    exp.add_argument("kind", choices=sorted(EXPORT_KINDS))
    exp.add_argument("name", help="name, id or 'Name (Organisation)'")
    exp.add_argument("--format", choices=("md", "json"), default="md")
    exp.add_argument("-o", "--output", type=Path, metavar="FILE",
                     help="write to FILE (private, mode 0600) instead of the screen")
    exp.set_defaults(func=cmd_export)


def _regular_file(path: Path) -> None:
    """A FIFO would hang the read, /dev/zero would never end: regular files only."""
    import os
    import stat

    from journal.errors import JournalError

    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except OSError as exc:
        raise JournalError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except ValueError:  # an embedded NUL
        raise JournalError(f"{str(path)[:60]!r}: not a file name") from None
    if not regular:
        raise JournalError(f"{path}: not a regular file (save the export to a file first)")


def cmd_import(args: argparse.Namespace, ctx: Any) -> int:
    # the next search is quick: it finds the import indexed
    return ctx.warm_search_cache(_import(args, ctx))


def _import(args: argparse.Namespace, ctx: Any) -> int:
    from journal.interchange.detect import import_file

    _regular_file(args.source)
    kind, report = import_file(ctx.journal, args.source)
    if kind == "csv":
        return _report_csv(report, ctx)
    for name in report.created:
        ctx.note(f"created {name}")
    lines = [(where, f"rejected: {reason}") for where, reason in report.rejected] + report.notes
    for where, text in sorted(lines, key=_position):  # in file order, stable
        ctx.note(clean_line(f"{where}: {text}"))
    parts = [f"imported {counted(report.imported, report.what, _ONE.get(report.what))}"]
    if kind != "jrnl":
        parts.append(f"merged {report.merged}")
    parts += [f"unchanged {report.unchanged} (already present)", f"rejected {len(report.rejected)}"]
    created = f"; created {counted(len(report.created), 'organisations')}" if report.created else ""
    ctx.out(", ".join(parts) + created)
    return 1 if report.total_failure else 0


def _position(item: tuple[str, str]) -> int:
    """The number in ``line 12`` / ``entry 3``, so report lines follow the file; others first."""
    number = item[0].rpartition(" ")[2]
    return int(number) if number.isdigit() else 0


def _report_csv(report: Any, ctx: Any) -> int:
    for name in report.created:
        ctx.note(f"created {name}")
    for line, reason in report.rejected:
        ctx.note(clean_line(f"line {line}: rejected: {reason}"))
    ctx.out(f"imported {counted(report.imported, 'entries')}, "
            f"rejected {counted(len(report.rejected), 'rows')}, "
            f"skipped {report.duplicates} already present"
            + ("; created " + counted(len(report.created), "contacts/projects/organisations",
                                      "contact/project/organisation") if report.created else ""))
    return 1 if report.rejected and not report.imported and not report.duplicates else 0


def _same_file(a: Path, b: Path) -> bool:
    import os

    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def cmd_export(args: argparse.Namespace, ctx: Any) -> int:
    from journal.errors import JournalError
    from journal.interchange.bundle import build_bundle, dump_bundle
    from journal.interchange.handover_md import render_markdown

    journal = ctx.journal
    if args.output is not None and "\x00" in str(args.output):
        raise JournalError(f"{str(args.output)[:60]!r}: not a file name")
    # Checked before any work: `-o journal.json` would replace the journal with an export.
    if args.output is not None and (_same_file(args.output, journal.path)
                                    or _same_file(args.output, journal.store.lock_path)):
        raise JournalError(f"{args.output}: is the journal file itself; choose another file")
    kind = EXPORT_KINDS[args.kind]
    bundle = build_bundle(journal, kind, args.name)
    data = (dump_bundle(bundle) if args.format == "json"
            else render_markdown(bundle).encode("utf-8"))
    entries = len(bundle["entries"])
    if args.output is None:
        ctx.out(data.decode("utf-8").rstrip("\n"))
        return 0
    from journal.storage import atomic_write

    atomic_write(args.output, data)
    ctx.note(f"wrote {kind} {bundle['subject']['name']} with {counted(entries, 'entries')} to {args.output}")
    return 0
