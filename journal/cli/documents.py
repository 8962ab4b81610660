"""`journal contact|project|org add | list | show | edit | delete`."""

from __future__ import annotations

import argparse
import shlex
from dataclasses import asdict
from typing import Any

from journal.cli.render import document_block, entry_line, report_created, to_json
from journal.completion import hint
from journal.errors import DuplicateNameError, ValidationError
from journal.models import KIND_LINK_FIELD, KIND_TABLE, PROJECT_STATUSES, check_email, check_phone
from journal.names.resolve import label
from journal.text import article, clean_line, counted

COMMANDS = (("contact", "contacts"), ("project", "projects"), ("org", "organisations"))
KIND_OF_COMMAND = {"contact": "contact", "project": "project", "org": "organisation"}


def _cadence(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"cadence must be a whole number of days, not {text!r}") \
            from None


def _fields(parser: argparse.ArgumentParser, kind: str) -> None:
    if kind in ("contact", "project"):
        hint(parser.add_argument("--org", dest="organisation", metavar="NAME",
                                 help="organisation (name or id; created if new; '' to clear)"),
             "organisation")
    if kind == "contact":
        parser.add_argument("--title")
        parser.add_argument("--phone", dest="phones", action="append", metavar="PHONE")
        parser.add_argument("--email", dest="emails", action="append", metavar="EMAIL")
        parser.add_argument("--birthday", help="YYYY-MM-DD, or MM-DD when the year is unknown")
        parser.add_argument("--tier", help="value tier, e.g. VIP, A, B, C")
        parser.add_argument("--cadence", dest="cadence_days", type=_cadence, metavar="DAYS",
                            help="visit at least every DAYS days")
    if kind == "project":
        parser.add_argument("--status", choices=PROJECT_STATUSES)
    if kind == "organisation":
        parser.add_argument("--industry")
        parser.add_argument("--address")
    parser.add_argument("--notes")
    parser.add_argument("--tag", dest="tags", action="append", metavar="TAG")


def register(sub: argparse._SubParsersAction) -> None:
    for command, plural in COMMANDS:
        kind = KIND_OF_COMMAND[command]
        group = sub.add_parser(command, help=f"manage {plural}")
        actions = group.add_subparsers(dest="action", metavar="ACTION", required=True,
                                       parser_class=type(group))
        add = actions.add_parser("add", help=f"add {article(kind)}")
        add.add_argument("name")
        _fields(add, kind)
        add.set_defaults(func=cmd_add, kind=kind)
        lst = actions.add_parser("list", help=f"list {plural}")
        lst.add_argument("--format", choices=("text", "json"), default="text")
        lst.set_defaults(func=cmd_list, kind=kind)
        show = actions.add_parser("show", help=f"show {article(kind)} and its history")
        hint(show.add_argument("name", help="name, id or 'Name (Organisation)'"), kind)
        show.add_argument("--format", choices=("text", "json"), default="text")
        show.set_defaults(func=cmd_show, kind=kind)
        edit = actions.add_parser("edit", help=f"change {article(kind)} (lists given replace the old)")
        hint(edit.add_argument("name"), kind)
        edit.add_argument("--name", dest="new_name", metavar="NEW", help="rename")
        _fields(edit, kind)
        edit.set_defaults(func=cmd_edit, kind=kind)
        delete = actions.add_parser("delete", help=f"delete {article(kind)}")
        hint(delete.add_argument("name"), kind)
        delete.add_argument("--force", action="store_true", help="unlink it everywhere first")
        delete.set_defaults(func=cmd_delete, kind=kind)


_FIELD_NAMES = ("title", "phones", "emails", "birthday", "tier", "cadence_days", "status",
                "industry", "address", "notes", "tags")


def _changes(args: argparse.Namespace) -> dict[str, Any]:
    changes = {name: getattr(args, name) for name in _FIELD_NAMES
               if getattr(args, name, None) is not None}
    if "notes" in changes:
        changes["notes"] = changes["notes"].replace("\\n", "\n")
    if "emails" in changes:
        changes["emails"] = [check_email(e) for e in changes["emails"] if e.strip()]
    if "phones" in changes:
        changes["phones"] = [check_phone(p) for p in changes["phones"] if p.strip()]
    if "birthday" in changes:
        birthday = changes["birthday"].strip()
        if birthday in ("", "-"):
            birthday = None
        elif len(birthday) == 5 and birthday[2] == "-":  # MM-DD: the year is unknown
            birthday = f"--{birthday}"
        changes["birthday"] = birthday
    return changes


def cmd_add(args: argparse.Namespace, ctx: Any) -> int:
    try:
        doc, created = ctx.journal.add_document(args.kind, args.name, _changes(args),
                                                organisation=getattr(args, "organisation", None))
    except DuplicateNameError as exc:  # e.g. made a moment ago by `journal add -o 工商银行`
        command = next(c for c, _ in COMMANDS if KIND_OF_COMMAND[c] == args.kind)
        raise ValidationError(f"{exc}; to change it: journal {command} edit "
                              f"{shlex.quote(exc.existing_id)} with the same options") from None
    report_created(ctx, created)
    ctx.out(doc.id)
    return 0


def _last_seen(tables: Any, kind: str) -> dict[str, str]:
    """Date of the latest done entry per document (for a CRM list: who has not been seen lately).

    For an organisation an entry counts when it is linked to it directly or through one of its
    contacts or projects: the rule of `org show`, search's ``org:`` and the reports
    (:func:`journal.search.index.entry_organisations`). One pass over the entries takes the latest date per
    linked document of each kind; an organisation's is then the latest of its own and its members'."""
    own_field = KIND_LINK_FIELD[kind]
    through = ("contact", "project") if kind == "organisation" else ()
    last: dict[str, dict[str, str]] = {own_field: {}} | {KIND_LINK_FIELD[k]: {} for k in through}
    by_field = list(last.items())
    for doc in tables.get("entries", {}).values():
        if doc["status"] != "done":
            continue
        date = doc["date"]
        for link_field, seen in by_field:
            for doc_id in doc.get(link_field, ()):
                if date > seen.get(doc_id, ""):
                    seen[doc_id] = date
    result = last[own_field]
    for sub_kind in through:
        members = tables.get(KIND_TABLE[sub_kind], {})
        for doc_id, date in last[KIND_LINK_FIELD[sub_kind]].items():
            org_id = members.get(doc_id, {}).get("organisation_id")
            if org_id and date > result.get(org_id, ""):
                result[org_id] = date
    return result


def _doc_json(tables: Any, kind: str, doc: Any) -> dict[str, Any]:
    data = {k: v for k, v in asdict(doc).items() if v not in (None, "", [])}
    if data.get("organisation_id"):
        data["organisation"] = label(tables, "organisation", data["organisation_id"])
    return data


def cmd_list(args: argparse.Namespace, ctx: Any) -> int:
    journal = ctx.journal
    tables = journal.view  # tables parsed as used: the day notes are not needed here
    docs = journal.documents(args.kind)
    last = _last_seen(tables, args.kind)
    if args.format == "json":
        ctx.out(to_json([_doc_json(tables, args.kind, d) | {"last_seen": last.get(d.id)}
                         for d in docs]))
        return 0
    for doc in docs:
        details = [getattr(doc, "tier", ""), getattr(doc, "industry", ""),
                   getattr(doc, "status", "") if args.kind == "project" else ""]
        if getattr(doc, "cadence_days", None):
            details.append(f"every {doc.cadence_days}d")
        details.append(f"last {last[doc.id]}" if doc.id in last else "never seen")
        ctx.out(clean_line(f"{doc.id}  {label(tables, args.kind, doc.id)}  "
                           + "  ".join(d for d in details if d)))
    return 0


def cmd_show(args: argparse.Namespace, ctx: Any) -> int:
    journal = ctx.journal
    doc = journal.get_document(args.kind, journal.find(args.kind, args.name))
    # Names and members only: the linked entries are found without parsing all of them
    # (Journal.linked_entry_docs), which at 100k entries is most of the command's time.
    tables = journal.view
    entries = journal.linked_entries(args.kind, doc.id)
    views = [journal.entry_view(e) for e in entries]
    if args.format == "json":
        ctx.out(to_json([_doc_json(tables, args.kind, doc) | {"entries": views}]))
        return 0
    data = _doc_json(tables, args.kind, doc)
    data.pop("organisation_id", None)
    extra = [("id", doc.id)]
    if args.kind == "organisation":
        for sub_kind in ("contact", "project"):
            members = [label(tables, sub_kind, i) for i, d in
                       tables.get(KIND_TABLE[sub_kind], {}).items()
                       if d.get("organisation_id") == doc.id]
            extra.append((KIND_TABLE[sub_kind], ", ".join(sorted(members))))
    ctx.out(document_block(args.kind, {k: v for k, v in data.items() if k != "id"}, extra))
    ctx.out(f"\n{counted(len(views), 'entries')}, newest first:" if views else "\nno entries yet")
    for view in views:
        ctx.out(entry_line(view))
    return 0


def cmd_edit(args: argparse.Namespace, ctx: Any) -> int:
    changes = _changes(args)
    if args.new_name is not None:
        changes["name"] = args.new_name
    organisation = getattr(args, "organisation", None)
    if not changes and organisation is None:
        raise ValidationError("nothing to change: give at least one option")
    doc, created = ctx.journal.edit_document(args.kind, args.name, changes,
                                             organisation=organisation)
    report_created(ctx, created)
    ctx.out(doc.id)
    return 0


def cmd_delete(args: argparse.Namespace, ctx: Any) -> int:
    doc, unlinked = ctx.journal.delete_document(args.kind, args.name, force=args.force)
    ctx.note(f"deleted {args.kind} {doc.name} [{doc.id}]"
             + (f", unlinked from {counted(unlinked, 'documents')}" if unlinked else ""))
    return 0
