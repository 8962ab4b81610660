"""`journal contact|project|org add | list | show | edit | delete`."""

from __future__ import annotations

import argparse
import shlex
from dataclasses import asdict
from typing import Any

from journal.cli.render import document_block, entry_line, report_created, to_json
from journal.completion import hint
from journal.errors import DuplicateNameError, ValidationError
from journal.i18n import N_, _
from journal.i18n.terms import kind_name
from journal.models import KIND_LINK_FIELD, KIND_TABLE, PROJECT_STATUSES, check_email, check_phone
from journal.names.resolve import label
from journal.text import article, clean_line, counted

COMMANDS = (("contact", "contacts"), ("project", "projects"), ("org", "organisations"))
KIND_OF_COMMAND = {"contact": "contact", "project": "project", "org": "organisation"}


def _cadence(text: str) -> int:
    try:
        return int(text)  # 0: no cadence of its own (cleared in _changes)
    except ValueError:
        raise argparse.ArgumentTypeError(_("cadence must be a whole number of days, not "
                                           "{text!r}").format(text=text)) \
            from None


def _fields(parser: argparse.ArgumentParser, kind: str) -> None:
    if kind in ("contact", "project"):
        hint(parser.add_argument("--org", dest="organisation", metavar="NAME",
                                 help=_("organisation (name or id; created if new; '' to clear)")),
             "organisation")
    if kind == "contact":
        parser.add_argument("--title")
        parser.add_argument("--phone", dest="phones", action="append", metavar="PHONE")
        parser.add_argument("--email", dest="emails", action="append", metavar="EMAIL")
        parser.add_argument("--birthday", help=_("YYYY-MM-DD, MM-DD when the year is unknown, "
                            "or 5月17日 ('' clears it)"))
    if kind in ("contact", "organisation"):
        parser.add_argument("--tier", help=_("client tier: VIP, A, B, C or 重要, 高, 中, 低 (see "
                            "`journal tiers`; '' clears it)"))
        parser.add_argument("--cadence", dest="cadence_days", type=_cadence, metavar="DAYS",
                            help=_("be in touch at least every DAYS days (overrides the tier's; "
                                 "0 clears it)"))
        parser.add_argument("--owner", metavar="NAME", help=_("the colleague who looks after this "
                            "client (default: your name from the configuration)"))
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
        group = sub.add_parser(command, help=_("manage {plural}").format(plural=kind_name(plural)))
        actions = group.add_subparsers(dest="action", metavar="ACTION", required=True,
                                       parser_class=type(group))
        add = actions.add_parser("add", help=_("add {article}").format(article=article(kind_name(kind))))
        add.add_argument("name")
        _fields(add, kind)
        add.set_defaults(func=cmd_add, kind=kind)
        lst = actions.add_parser("list", help=_("list {plural}").format(plural=kind_name(plural)))
        lst.add_argument("--format", choices=("text", "json"), default="text")
        if kind in ("contact", "organisation"):
            lst.add_argument("--tier", metavar="T", help=_("only this tier (as it applies: a "
                             "contact without its own has its organisation's)"))
            lst.add_argument("--sort", choices=("name", "due", "last", "tier"), default="name",
                             help=_("name (default); due: never met and most overdue first; "
                                  "last: longest unseen first; tier: most valuable first"))
            lst.add_argument("--today", help=argparse.SUPPRESS)
        lst.set_defaults(func=cmd_list, kind=kind)
        show = actions.add_parser("show", help=_("show {article} and its history").format(article=article(kind_name(kind))))
        hint(show.add_argument("name", help=_("name, id or 'Name (Organisation)'")), kind)
        show.add_argument("--format", choices=("text", "json"), default="text")
        show.set_defaults(func=cmd_show, kind=kind)
        edit = actions.add_parser("edit", help=_("change {article} (lists given replace the "
                                                 "old)").format(article=article(kind_name(kind))))
        hint(edit.add_argument("name"), kind)
        edit.add_argument("--name", dest="new_name", metavar="NEW", help=_("rename"))
        _fields(edit, kind)
        edit.set_defaults(func=cmd_edit, kind=kind)
        delete = actions.add_parser("delete", help=_("delete {article}").format(article=article(kind_name(kind))))
        hint(delete.add_argument("name"), kind)
        delete.add_argument("--force", action="store_true", help=_("unlink it everywhere first"))
        delete.set_defaults(func=cmd_delete, kind=kind)
        merge = actions.add_parser(
            "merge", help=_("merge a {kind} recorded twice into one").format(kind=kind_name(kind)),
            description=_("Keep KEEP and merge OTHER into it: every link to OTHER moves to KEEP, "
                        "KEEP's empty fields take OTHER's values, phones/e-mails/tags are "
                        "united, and a field both hold differently keeps KEEP's value and "
                        "records OTHER's as a conflict to choose from (`journal conflicts`). "
                        "OTHER is removed; links another machine makes to it follow after a "
                        "sync. A backup is kept first."))
        merge.add_argument("keep", metavar="KEEP", help=_("the one to keep (name, id or "
                           "'Name (Organisation)')"))
        merge.add_argument("other", metavar="OTHER", help=_("the one merged into it"))
        merge.set_defaults(func=cmd_merge, kind=kind)


_FIELD_NAMES = ("title", "phones", "emails", "birthday", "tier", "cadence_days", "status",
                "industry", "address", "notes", "tags", "owner")


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
        from journal.clients.birthdays import parse_birthday

        changes["birthday"] = parse_birthday(changes["birthday"])
    if changes.get("cadence_days") == 0:
        changes["cadence_days"] = None
    if "owner" in changes:
        changes["owner"] = " ".join(changes["owner"].split())
    return changes


def cmd_add(args: argparse.Namespace, ctx: Any) -> int:
    try:
        doc, created = ctx.journal.add_document(args.kind, args.name, _changes(args),
                                                organisation=getattr(args, "organisation", None))
    except DuplicateNameError as exc:  # e.g. made a moment ago by `journal add -o 工商银行`
        command = next(c for c, _ in COMMANDS if KIND_OF_COMMAND[c] == args.kind)
        raise ValidationError(_("{exc}; to change it: journal {command} edit {existing_id} "
                                "with the same options").format(exc=exc, command=command, existing_id=shlex.quote(exc.existing_id))) from None
    report_created(ctx, created)
    ctx.out(doc.id)
    return 0


def _last_seen(tables: Any, kind: str) -> dict[str, str]:
    """Date of the latest done entry per document (for a CRM list: who has not been seen lately).

    For a contact an entry counts when it is linked to it or directly to its organisation (the
    rule of :mod:`journal.clients.cadence`). For an organisation an entry counts when it is linked to it directly or through one of its
    contacts or projects: the rule of `org show`, search's ``org:`` and the reports
    (:func:`journal.search.index.entry_organisations`). One pass over the entries takes the latest date per
    linked document of each kind; an organisation's is then the latest of its own and its members'."""
    own_field = KIND_LINK_FIELD[kind]
    through = ("contact", "project") if kind == "organisation" else ()
    if kind == "contact":  # a visit to the firm counts for its people (journal.clients.cadence)
        through = ("organisation",)
    last: dict[str, dict[str, str]] = {own_field: {}} | {KIND_LINK_FIELD[k]: {} for k in through}
    by_field = list(last.items())
    for doc in tables.get("entries", {}).values():
        if doc["status"] != "done" or "handover" in doc.get("tags", ()):
            continue  # a hand-over records a new owner, not a meeting (journal.clients.cadence)
        date = doc["date"]
        for link_field, seen in by_field:
            for doc_id in doc.get(link_field, ()):
                if date > seen.get(doc_id, ""):
                    seen[doc_id] = date
    result = last[own_field]
    if kind == "contact":
        by_org = last[KIND_LINK_FIELD["organisation"]]
        for doc_id, doc in tables.get("contacts", {}).items():
            date = by_org.get(doc.get("organisation_id") or "")
            if date and date > result.get(doc_id, ""):
                result[doc_id] = date
        return result
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


def _rhythms(ctx: Any, kind: str, tables: Any) -> dict[str, Any]:
    """Each contact's or organisation's tier and cadence as they apply."""
    from journal.clients.cadence import contact_rhythm, organisation_rhythm

    tiers = ctx.journal.config.tiers
    orgs = tables.get("organisations", {})
    by_org = {i: organisation_rhythm(d, tiers) for i, d in orgs.items()}
    if kind == "organisation":
        return by_org
    return {i: contact_rhythm(d, orgs.get(org_id := d.get("organisation_id") or ""), tiers,
                              by_org.get(org_id))
            for i, d in tables.get("contacts", {}).items()}


def due_text(days_over: int | None, cadence: int | None) -> str:
    """``12 days over`` / ``due today`` / ``due in 3 days`` / ``never met, due``."""
    if cadence is None:
        return ""
    if days_over is None:
        return _("never met, due")
    if days_over > 0:
        return _("{counted} over").format(counted=counted(days_over, _('days')))
    return _("due today") if days_over == 0 else _("due in {counted}").format(counted=counted(-days_over, _('days')))


def cmd_list(args: argparse.Namespace, ctx: Any) -> int:
    from datetime import date, timedelta

    journal = ctx.journal
    tables = journal.view  # tables parsed as used: the day notes are not needed here
    docs = journal.documents(args.kind)
    last = _last_seen(tables, args.kind)
    client = args.kind in ("contact", "organisation")
    rhythms = _rhythms(ctx, args.kind, tables) if client else {}
    today = date.today()
    if client and args.today:
        from journal.dates import parse_date

        today = parse_date(args.today)
    over: dict[str, int | None] = {}
    for doc in docs:
        rhythm = rhythms.get(doc.id)
        if rhythm is not None and rhythm.cadence_days and doc.id in last:
            due_on = date.fromisoformat(last[doc.id]) + timedelta(days=rhythm.cadence_days)
            over[doc.id] = (today - due_on).days
    if client and args.tier is not None:
        wanted = journal.config.tiers.canonical(args.tier)
        docs = [d for d in docs if rhythms[d.id].tier.casefold() == wanted.casefold()]
    sort = getattr(args, "sort", "name")
    if sort == "due":
        docs.sort(key=lambda d: (rhythms[d.id].cadence_days is None, d.id in over,
                                 -over.get(d.id, 0)))
    elif sort == "last":
        docs.sort(key=lambda d: last.get(d.id, ""))
    elif sort == "tier":
        docs.sort(key=lambda d: journal.config.tiers.rank(rhythms[d.id].tier))
    if args.format == "json":
        out = []
        for d in docs:
            item = _doc_json(tables, args.kind, d) | {"last_seen": last.get(d.id)}
            rhythm = rhythms.get(d.id)
            if rhythm is not None:
                item |= {"tier_in_effect": rhythm.tier or None,
                         "tier_from": rhythm.tier_from or None,
                         "cadence_in_effect": rhythm.cadence_days,
                         "cadence_from": rhythm.cadence_from or None,
                         "owner_in_effect": journal.owner_of(tables[KIND_TABLE[args.kind]][d.id])
                         or None,
                         "days_over": over.get(d.id)}
            out.append(item)
        ctx.out(to_json(out))
        return 0
    for doc in docs:
        rhythm = rhythms.get(doc.id)
        tier = getattr(doc, "tier", "")
        if rhythm is not None and rhythm.tier and rhythm.tier_from == "organisation":
            tier = _("{tier} (org)").format(tier=rhythm.tier)
        details = [tier, getattr(doc, "industry", ""),
                   getattr(doc, "status", "") if args.kind == "project" else ""]
        cadence = rhythm.cadence_days if rhythm is not None else None
        if cadence:
            details.append(_("every {cadence}d").format(cadence=cadence))
        details.append(_("last {last}").format(last=last[doc.id]) if doc.id in last else _("never seen"))
        details.append(due_text(over.get(doc.id), cadence))
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
    follow_ups = journal.follow_up_index() if entries else {}
    views = [journal.entry_view(e, follow_ups) for e in entries]
    if args.format == "json":
        ctx.out(to_json([_doc_json(tables, args.kind, doc) | {"entries": views}]))
        return 0
    data = _doc_json(tables, args.kind, doc)
    data.pop("organisation_id", None)
    extra = [("id", doc.id)]
    if args.kind in ("contact", "organisation"):
        extra += _standing_lines(ctx, args.kind, doc.id, tables)
        for key in ("tier", "cadence_days", "owner"):
            data.pop(key, None)
    if args.kind == "organisation":
        for sub_kind in ("contact", "project"):
            members = [label(tables, sub_kind, i) for i, d in
                       tables.get(KIND_TABLE[sub_kind], {}).items()
                       if d.get("organisation_id") == doc.id]
            extra.append((KIND_TABLE[sub_kind], ", ".join(sorted(members))))
    ctx.out(document_block(args.kind, {k: v for k, v in data.items() if k != "id"}, extra))
    ctx.out(_("\n{counted}, newest first:").format(counted=counted(len(views), _('entries'))) if views else _("\nno entries yet"))
    for view in views:
        ctx.out(entry_line(view))
    return 0


_FROM = {"own": "", "tier": N_("the tier's"), "organisation": N_("the organisation's"),
         "organisation tier": N_("the organisation's tier")}


def _standing_lines(ctx: Any, kind: str, doc_id: str, tables: Any) -> list[tuple[str, str]]:
    """Tier, cadence, owner and due date as they apply, for ``show``."""
    from datetime import date

    from journal.clients.cadence import client_standings

    journal = ctx.journal
    item = next(i for i in client_standings(tables, journal.config.tiers,
                                            journal.client_times(date.today()), date.today(), kind)
                if i.id == doc_id)
    rhythm = item.rhythm
    tier = rhythm.tier + (_(" (the organisation's)") if rhythm.tier_from == "organisation" else "")
    cadence = ""
    if rhythm.cadence_days:
        source = _(_FROM.get(rhythm.cadence_from, "")) if _FROM.get(rhythm.cadence_from) else ""
        cadence = counted(rhythm.cadence_days, _("days")) + (f" ({source})" if source else "")
    due = ""
    if item.state == "never":
        due = _("now (never met)")
    elif item.due_on is not None:
        due = f"{item.due_on} ({due_text(item.days_over, rhythm.cadence_days)})"
    return [("tier", tier), (_("visit every"), cadence),
            ("owner", journal.owner_of(tables[KIND_TABLE[kind]][doc_id])), ("due", due)]


def cmd_merge(args: argparse.Namespace, ctx: Any) -> int:
    from journal.text import clean_line as line

    journal = ctx.journal
    backup = journal.keep_backup("merge")
    report = journal.merge_documents(args.kind, args.keep, args.other)
    if report.again:
        ctx.out(line(_("{gone_label} [{gone}] was merged into {kept_label} before; moved "
                       "{counted} that still linked it").format(gone_label=report.gone_label, gone=report.gone, kept_label=report.kept_label, counted=counted(report.entries, _('entries')))))
        return 0
    moved = counted(report.entries, _("entries"))
    if report.members:
        moved += _(" and {contacts}").format(contacts=counted(
            report.members, _("contacts and projects"), _("contact or project")))
    ctx.out(line(_("merged {kind} {gone_label} [{gone}] into {kept_label} [{kept}]: moved "
                   "{moved}").format(kind=kind_name(args.kind), gone_label=report.gone_label, gone=report.gone, kept_label=report.kept_label, kept=report.kept, moved=moved)))
    if report.filled:
        ctx.note(line(_("taken from the merged one: {join}").format(join=', '.join(report.filled))))
    for name, kept, other in report.differed:
        ctx.note(line(_("differed: {name}: kept {kept!r}, the other had {other!r} (recorded; "
                        "`journal conflicts resolve {kept2} --field {name} --take other` "
                        "takes it)").format(name=name, kept=kept, other=other, kept2=report.kept)))
    for name in report.namesakes:
        ctx.note(line(_("{kept_label} now has two contacts named {name}: if they are one "
                        "person, `journal contact merge` them too").format(kept_label=report.kept_label, name=name)))
    if backup is not None:
        ctx.note(_("backup kept: {backup}").format(backup=backup))
    return 0


def cmd_edit(args: argparse.Namespace, ctx: Any) -> int:
    changes = _changes(args)
    if args.new_name is not None:
        changes["name"] = args.new_name
    organisation = getattr(args, "organisation", None)
    if not changes and organisation is None:
        raise ValidationError(_("nothing to change: give at least one option"))
    doc, created = ctx.journal.edit_document(args.kind, args.name, changes,
                                             organisation=organisation)
    report_created(ctx, created)
    ctx.out(doc.id)
    return 0


def cmd_delete(args: argparse.Namespace, ctx: Any) -> int:
    doc, unlinked = ctx.journal.delete_document(args.kind, args.name, force=args.force)
    kind = kind_name(args.kind)
    if unlinked:
        ctx.note(_("deleted {kind} {name} [{id}], unlinked from {documents}").format(
            kind=kind, name=doc.name, id=doc.id, documents=counted(unlinked, _("documents"))))
    else:
        ctx.note(_("deleted {kind} {name} [{id}]").format(kind=kind_name(kind), name=doc.name, id=doc.id))
    return 0
