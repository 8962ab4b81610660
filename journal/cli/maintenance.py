"""`journal doctor`, `journal backups`, `journal restore`: looking after the file itself."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from journal.errors import JournalError, ValidationError
from journal.text import counted


def register(sub: argparse._SubParsersAction) -> None:
    doctor = sub.add_parser("doctor", help="check the journal file and report problems")
    doctor.set_defaults(func=cmd_doctor)
    backups = sub.add_parser("backups", help="list the automatic backups of the journal file")
    backups.set_defaults(func=cmd_backups)
    restore = sub.add_parser("restore", help="replace the journal with a backup")
    restore.add_argument("backup", type=Path, help="a path from `journal backups`")
    restore.add_argument("--yes", action="store_true", help="really replace the journal")
    restore.set_defaults(func=cmd_restore)


def cmd_doctor(args: argparse.Namespace, ctx: Any) -> int:
    from journal.doctor import diagnose, program_line

    ctx.out(program_line())  # what a bug report needs first
    journal = ctx.journal
    if not journal.exists():
        ctx.out(f"{journal.path}: no journal yet (it is created by the first change)")
        return 0
    problems, notes = diagnose(journal.tables)
    for line in problems:
        ctx.out(f"problem: {line}")
    for line in notes:
        ctx.out(f"note: {line}")
    ctx.out(f"{journal.path}: {'sound' if not problems else counted(len(problems), 'problems')}")
    return 1 if problems else 0


def cmd_backups(args: argparse.Namespace, ctx: Any) -> int:
    found = ctx.journal.backups()
    if not found:
        ctx.out("no backups yet (one is kept before every import, restore and migration)")
    for path in found:
        ctx.out(f"{path}  {counted(path.stat().st_size, 'bytes')}")
    return 0


def cmd_restore(args: argparse.Namespace, ctx: Any) -> int:
    from journal.service import read_journal_file

    journal = ctx.journal
    if not args.backup.is_file():
        raise JournalError(f"{args.backup}: no such backup")
    if not args.yes:
        entries = len(read_journal_file(args.backup).get("entries", {}))
        raise ValidationError(f"not restored: add --yes to replace {journal.path} with "
                              f"{args.backup} ({counted(entries, 'entries')})")
    data, saved = journal.restore(args.backup)
    entries = len(data.get("entries", {}))
    ctx.out(f"restored {counted(entries, 'entries')} from {args.backup}"
            + (f"; the previous file is kept as {saved}" if saved else ""))
    return ctx.warm_search_cache(0)  # the next search finds the restored journal indexed
