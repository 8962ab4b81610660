"""`journal import FILE.csv`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from journal.text import clean_line


def register(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser("import", help="import entries from a CSV file",
                         description="Header: date,time,event,summary,projects,contacts,"
                                     "organisations (lists separated by ';'). UTF-8 or GB18030.")
    imp.add_argument("csv_file", type=Path, metavar="FILE.csv")
    imp.set_defaults(func=cmd_import)


def cmd_import(args: argparse.Namespace, ctx: Any) -> int:
    import os
    import stat

    from journal.errors import JournalError
    from journal.interchange.csv_import import import_csv

    try:  # a FIFO would hang the read, /dev/zero would never end: regular files only
        regular = stat.S_ISREG(os.stat(args.csv_file).st_mode)
    except OSError as exc:
        raise JournalError(f"{args.csv_file}: cannot read ({exc.strerror or exc})") from None
    if not regular:
        raise JournalError(f"{args.csv_file}: not a regular file (save the CSV to a file first)")
    report = import_csv(ctx.journal, args.csv_file)
    for name in report.created:
        ctx.note(f"created {name}")
    for line, reason in report.rejected:
        ctx.note(clean_line(f"line {line}: rejected: {reason}"))
    ctx.out(f"imported {report.imported} entries, rejected {len(report.rejected)} rows, "
            f"skipped {report.duplicates} already present"
            + (f"; created {len(report.created)} contacts/projects/organisations"
               if report.created else ""))
    return 1 if report.rejected and not report.imported and not report.duplicates else 0
