"""`journal sync`, `journal merge-driver` (run by git) and `journal conflicts [resolve]`.

The work happens in :mod:`journal.sync.git` and the service, which the TUI calls too; this module only
turns arguments into calls and results into one line each.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from journal.errors import JournalError, ValidationError
from journal.i18n import _
from journal.text import clean_line, counted


def register(sub: argparse._SubParsersAction) -> None:
    sync = sub.add_parser(
        "sync", help=_("commit, fetch, merge and push the journal with git"),
        description=_("Commit the journal file if it changed, fetch, merge (with the journal merge "
                    "driver, never a rebase) and push. Offline, it commits and pushes next time."))
    mode = sync.add_mutually_exclusive_group()
    mode.add_argument("--init", nargs="?", const="", metavar="REMOTE_URL",
                      help=_("create (or use) the git repository around the journal file, set it up, "
                           "and with a URL set origin and push"))
    mode.add_argument("--setup", action="store_true",
                      help=_("register the merge driver in this clone (git config is not versioned)"))
    sync.add_argument("-m", "--message", help=_("commit message for your changes"))
    sync.add_argument("-v", "--verbose", action="store_true", help=_("say what each step did"))
    # sync registers the driver itself; warning about a missing one first would only confuse
    sync.set_defaults(func=cmd_sync, skip_driver_check=True)

    driver = sub.add_parser(
        "merge-driver", help=_("merge three versions of the journal file (git runs this)"),
        description=_("Git's merge driver for the journal file (`journal sync --setup` registers it "
                    "as `merge-driver %O %A %B %P`). Writes the merge into OURS; exits non-zero "
                    "only when a version cannot be read, leaving the conflict to you."))
    driver.add_argument("base", type=Path, help=_("the common ancestor (%%O)"))
    driver.add_argument("ours", type=Path, help=_("our version; receives the result (%%A)"))
    driver.add_argument("theirs", type=Path, help=_("their version (%%B)"))
    driver.add_argument("path", nargs="?", help=_("the file's name in the repository (%%P)"))
    driver.set_defaults(func=cmd_merge_driver, skip_driver_check=True)

    conflicts = sub.add_parser("conflicts", help=_("list values that lost a merge; resolve them"))
    conflicts.add_argument("--format", choices=("text", "json"), default="text")
    conflicts.set_defaults(func=cmd_conflicts)
    actions = conflicts.add_subparsers(dest="action", metavar="ACTION", parser_class=type(conflicts))
    resolve = actions.add_parser(
        "resolve", help=_("clear recorded conflicts of a document"),
        description=_("Clear the recorded conflicts of a document (by default keeping the current "
                    "values); --take other (or N) puts a recorded value back instead."))
    resolve.add_argument("id", help=_("document id (or a unique part of it; a date for day notes)"))
    resolve.add_argument("--field", help=_("only this field"))
    resolve.add_argument("--take", default="current", type=_take, metavar="current|other|N",
                         help=_("keep the current value (default), or take the other / the N-th "
                              "recorded value"))
    resolve.set_defaults(func=cmd_resolve)


def _take(text: str) -> str | int:
    if text in ("current", "other"):
        return text
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("--take is current, other or a number, not {text!r}").format(text=text)) from None
    if number < 1:
        raise argparse.ArgumentTypeError(_("--take N counts from 1"))
    return number


def cmd_sync(args: argparse.Namespace, ctx: Any) -> int:
    from journal.sync import git as sync

    if args.init is not None:
        if args.message:
            raise ValidationError(_("--message goes with a plain `journal sync`, not --init"))
        result = sync.init(ctx.path, args.init or None)
    elif args.setup:
        result = sync.setup(ctx.path)
    else:
        result = sync.sync(ctx.path, args.message)
    if args.verbose:
        for line in result.details:
            ctx.note(f"journal: {line}")
    if not result.ok:
        raise JournalError(result.summary)
    if args.init is None and not args.setup:
        from journal.search.cache.reader import refresh_quietly

        refresh_quietly(ctx.path)
    ctx.out(clean_line(result.summary))
    return 0


def cmd_merge_driver(args: argparse.Namespace, ctx: Any) -> int:
    from journal.sync.driver import merge_files

    code, message = merge_files(args.base, args.ours, args.theirs, args.path)
    ctx.note(message)
    return code


def _short(value: Any, limit: int = 70) -> str:
    """A value on one line: text quoted, others as JSON; long ones cut."""
    from journal.cli.render import to_json

    if value is None:
        return "(empty)"
    text = repr(value) if isinstance(value, str) else to_json(value).replace("\n", " ")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def cmd_conflicts(args: argparse.Namespace, ctx: Any) -> int:
    from journal.cli.render import to_json

    items = ctx.journal.conflicts()
    if args.format == "json":
        ctx.out(to_json([{"table": c.table, "id": c.id, "label": c.label, "field": c.field,
                          "current": c.current, "others": c.records} for c in items]))
        return 0
    if not items:
        ctx.out(_("no recorded conflicts"))
        return 0
    for c in items:
        ctx.out(clean_line(f"{c.table} {c.id}  {c.label}  [{c.field}]"))
        ctx.out(clean_line(_("    current: {short}").format(short=_short(c.current))))
        for n, record in enumerate(c.records, 1):
            when = _("  (edited {updated_at})").format(updated_at=record['updated_at']) if record.get("updated_at") else ""
            ctx.out(clean_line(_("    other {n}: {short}{when}").format(n=n, short=_short(record.get('value')), when=when)))
    docs = len({(c.table, c.id) for c in items})
    ctx.note(_("{counted} with conflicts; clear with `journal conflicts resolve ID [--field "
               "F] [--take current|other|N]`").format(counted=counted(docs, _('documents'))))
    return 0


def cmd_resolve(args: argparse.Namespace, ctx: Any) -> int:
    resolved = ctx.journal.resolve_conflict(args.id, field=args.field, take=args.take)
    kept = _("kept the current value") if args.take == "current" else _("took the recorded value")
    fields = ", ".join(c.field for c in resolved)
    ctx.out(clean_line(_("resolved {fields} of {table} {id} ({label}): {kept}").format(fields=fields, table=resolved[0].table, id=resolved[0].id, label=resolved[0].label, kept=kept)))
    return 0
