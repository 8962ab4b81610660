"""`journal doctor`, `journal backups`, `journal restore`: looking after the file itself."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from journal.errors import JournalError, ValidationError
from journal.i18n import _
from journal.text import counted


def register(sub: argparse._SubParsersAction) -> None:
    doctor = sub.add_parser("doctor", help=_("check the journal file and report problems"))
    doctor.set_defaults(func=cmd_doctor)
    backups = sub.add_parser("backups", help=_("list the automatic backups of the journal file"))
    backups.set_defaults(func=cmd_backups)
    restore = sub.add_parser("restore", help=_("replace the journal with a backup"))
    restore.add_argument("backup", type=Path, help=_("a path from `journal backups`"))
    restore.add_argument("--yes", action="store_true", help=_("really replace the journal"))
    restore.set_defaults(func=cmd_restore)


def cmd_doctor(args: argparse.Namespace, ctx: Any) -> int:
    from journal.doctor import diagnose, program_line

    ctx.out(program_line())  # what a bug report needs first
    journal = ctx.journal
    if not journal.exists():
        ctx.out(_("{path}: no journal yet (it is created by the first change)").format(path=journal.path))
        return 0
    problems, notes = diagnose(journal.tables)
    for line in problems:
        ctx.out(_("problem: {line}").format(line=line))
    for line in notes:
        ctx.out(_("note: {line}").format(line=line))
    ctx.out(f"{journal.path}: {'sound' if not problems else counted(len(problems), _('problems'))}")
    return 1 if problems else 0


def cmd_backups(args: argparse.Namespace, ctx: Any) -> int:
    found = ctx.journal.backups()
    if not found:
        ctx.out(_("no backups yet (one is kept before every import, restore and migration)"))
    for path in found:
        ctx.out(f"{path}  {counted(path.stat().st_size, _('bytes'))}")
    return 0


def cmd_restore(args: argparse.Namespace, ctx: Any) -> int:
    from journal.service import read_journal_file

    journal = ctx.journal
    if not args.backup.is_file():
        raise JournalError(_("{backup}: no such backup").format(backup=args.backup))
    if not args.yes:
        entries = len(read_journal_file(args.backup).get("entries", {}))
        raise ValidationError(_("not restored: add --yes to replace {path} with {backup} "
                                "({counted})").format(path=journal.path, backup=args.backup, counted=counted(entries, _('entries'))))
    data, saved = journal.restore(args.backup)
    entries = len(data.get("entries", {}))
    if saved:
        ctx.out(_("restored {entries} from {backup}; the previous file is kept as {saved}").format(
            entries=counted(entries, _("entries")), backup=args.backup, saved=saved))
    else:
        ctx.out(_("restored {entries} from {backup}").format(
            entries=counted(entries, _("entries")), backup=args.backup))
    return ctx.warm_search_cache(0)  # the next search finds the restored journal indexed
