"""`journal config`, `journal tiers`, `journal templates`: the user's configuration file.

``journal tiers`` edits the file for the user (it is regenerated whole, documented, written
atomically and privately); ``journal config`` says where it is, writes a documented starting file,
and checks one the user edited by hand.
"""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from journal.cli.render import to_json
from journal.errors import ValidationError
from journal.i18n import _
from journal.text import clean_line, clean_lines, counted


def _cadence(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("cadence must be a whole number of days, not "
                                           "{text!r}").format(text=text)) \
            from None
    if not 0 < value <= 3660:
        raise argparse.ArgumentTypeError(_("cadence must be from 1 to 3660 days, not {value}").format(value=value))
    return value


def register(sub: argparse._SubParsersAction) -> None:
    config = sub.add_parser(
        "config", help=_("the configuration file: show, path, init, check"),
        description=_("The configuration (your name, client tiers and their cadence, entry "
                    "templates) is one TOML file, config.toml beside the app's settings "
                    "(~/.config/journal/ on Linux; --config FILE or $JOURNAL_CONFIG elsewhere)."))
    config.add_argument("action", nargs="?", choices=("show", "path", "init", "check"),
                        default="show", help=_("show (default): the values in effect; path: the "
                        "file's location; init: write a documented file with the defaults; "
                        "check: validate the file"))
    config.add_argument("--owner", metavar="NAME", help=_("with init: your name (the default "
                        "owner of clients, who hands them over)"))
    config.add_argument("--force", action="store_true", help=_("with init: replace an existing file"))
    config.set_defaults(func=cmd_config)

    tiers = sub.add_parser(
        "tiers", help=_("show or edit the client tiers and their default cadence"),
        description=_("Tiers are ordered, most valuable first. A contact or organisation stores the "
                    "tier's name; labels are other names you may type (重要 for VIP)."))
    actions = tiers.add_subparsers(dest="action", metavar="ACTION", parser_class=type(tiers))
    tiers.set_defaults(func=cmd_tiers_show, format="text")
    show = actions.add_parser("show", help=_("the table (the default)"))
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.set_defaults(func=cmd_tiers_show)
    for name, helptext in (("add", _("add a tier")), ("set", _("change a tier"))):
        act = actions.add_parser(name, help=helptext)
        act.add_argument("tier", metavar="NAME")
        act.add_argument("--cadence", type=_cadence, metavar="DAYS",
                         help=_("default days between contacts"))
        act.add_argument("--labels", metavar="A,B", help=_("other names for it, comma-separated "
                         "('' for none)"))
        if name == "set":
            act.add_argument("--no-cadence", action="store_true", help=_("no default cadence"))
            act.add_argument("--name", dest="new_name", metavar="NEW",
                             help=_("rename it (contacts and organisations that carry it too)"))
        else:
            where = act.add_mutually_exclusive_group()
            where.add_argument("--before", metavar="TIER", help=_("place it before this tier"))
            where.add_argument("--after", metavar="TIER", help=_("place it after this tier"))
        act.set_defaults(func=cmd_tiers_add if name == "add" else cmd_tiers_set)
    remove = actions.add_parser("remove", help=_("remove a tier"))
    remove.add_argument("tier", metavar="NAME")
    remove.add_argument("--force", action="store_true",
                        help=_("even when contacts or organisations carry it (they keep the name)"))
    remove.set_defaults(func=cmd_tiers_remove)
    order = actions.add_parser("order", help=_("put the tiers in this order (name every one)"))
    order.add_argument("names", nargs="+", metavar="NAME")
    order.set_defaults(func=cmd_tiers_order)

    templates = sub.add_parser("templates", help=_("list the entry templates (journal add "
                               "--template KEY)"))
    templates.add_argument("--format", choices=("text", "json"), default="text")
    templates.set_defaults(func=cmd_templates)


# -- config --------------------------------------------------------------------------------------
def cmd_config(args: argparse.Namespace, ctx: Any) -> int:
    from journal.config import Config, render_config, save_config

    path = ctx.config_path
    if args.owner is not None and args.action != "init":
        raise ValidationError(_("--owner goes with `journal config init`"))
    if args.action == "path":
        ctx.out(str(path))
        return 0
    if args.action == "init":
        if path.exists() and not args.force:
            raise ValidationError(_("{path}: exists already; `journal config check` validates "
                                    "it (--force replaces it with the defaults)").format(path=path))
        owner = " ".join((args.owner or "").split())
        save_config(Config(owner=owner), path)
        ctx.out(_("wrote {path}").format(path=path))
        return 0
    config = ctx.config  # a bad file fails here, naming the key
    if args.action == "check":
        state = _("no file: the defaults apply") if not path.exists() else "valid"
        ctx.out(f"{path}: {state} ({counted(len(config.tiers), _('tiers'))}, "
                f"{counted(len(config.templates), _('templates'))})")
        return 0
    ctx.out(f"# {path}" if path.exists() else
            _("# {path} (no file yet: these are the defaults; `journal config init` writes "
              "them)").format(path=path))
    ctx.stdout.write(render_config(config).split("\n", 3)[3])
    return 0


# -- tiers ---------------------------------------------------------------------------------------
def _tier_rows(ctx: Any) -> list[dict[str, Any]]:
    tables = ctx.journal.view if ctx.journal.exists() else {}
    counts: dict[str, list[int]] = {}
    for index, table in enumerate(("contacts", "organisations")):
        for doc in (tables.get(table) or {}).values():
            tier = ctx.config.tiers.find(doc.get("tier"))
            if tier is not None:
                counts.setdefault(tier.name, [0, 0])[index] += 1
    return [{"name": t.name, "labels": list(t.labels), "cadence_days": t.cadence_days,
             "contacts": counts.get(t.name, [0, 0])[0],
             "organisations": counts.get(t.name, [0, 0])[1]} for t in ctx.config.tiers]


def cmd_tiers_show(args: argparse.Namespace, ctx: Any) -> int:
    rows = _tier_rows(ctx)
    if args.format == "json":
        ctx.out(to_json(rows))
        return 0
    if not rows:
        ctx.out(_("no tiers configured (`journal tiers add NAME --cadence DAYS` adds one)"))
        return 0
    from journal.cli.clients import cells, pad

    width = max(cells(r["name"]) for r in rows)
    for rank, row in enumerate(rows, start=1):
        cadence = (_("every {cadence_days} days").format(cadence_days=row["cadence_days"])
                   if row["cadence_days"] else _("no cadence"))
        labels = f" ({', '.join(row['labels'])})" if row["labels"] else ""
        ctx.out(clean_line(f"{rank}. {pad(row['name'], width)}  {pad(cadence, 16)}  "
                           f"{counted(row['contacts'], _('contacts'))}{_(', ')}"
                           f"{counted(row['organisations'], _('organisations'))}{labels}"))
    ctx.note(_("from {config_path}").format(config_path=ctx.config_path) if ctx.config_path.exists()
             else _("the defaults (no {config_path} yet)").format(config_path=ctx.config_path))
    return 0


def _labels(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(dict.fromkeys(" ".join(p.split()) for p in text.replace("，", ",").split(",")
                               if p.strip()))


def _save_tiers(ctx: Any, tiers: list[Any], message: str) -> int:
    from journal.config import TierTable, save_config
    from journal.config.files import parse_config_text, render_config

    config = dataclasses.replace(ctx.config, tiers=TierTable(tiers))
    parse_config_text(render_config(config), _("the tiers"))  # duplicate names fail here, unsaved
    save_config(config, ctx.config_path)
    if ctx._journal is not None:
        ctx._journal._config = config
    ctx._config = config
    ctx.out(clean_line(message))
    return 0


def _tier_index(ctx: Any, name: str) -> int:
    tiers = ctx.config.tiers
    found = tiers.find(name)
    if found is None:
        raise ValidationError(_("no tier {strip!r}: the tiers are {describe}").format(strip=name.strip()[:40], describe=tiers.describe()))
    return list(tiers).index(found)


def cmd_tiers_add(args: argparse.Namespace, ctx: Any) -> int:
    from journal.config import Tier

    tiers = list(ctx.config.tiers)
    name = " ".join(args.tier.split())
    if not name:
        raise ValidationError(_("a tier needs a name"))
    if ctx.config.tiers.find(name) is not None:
        raise ValidationError(_("tier {name!r} exists already (`journal tiers set {name}` "
                                "changes it)").format(name=name))
    at = len(tiers)
    if args.before:
        at = _tier_index(ctx, args.before)
    elif args.after:
        at = _tier_index(ctx, args.after) + 1
    tiers.insert(at, Tier(name, _labels(args.labels) or (), args.cadence))
    return _save_tiers(ctx, tiers, _("added tier {name}").format(name=name))


def cmd_tiers_set(args: argparse.Namespace, ctx: Any) -> int:
    if args.cadence is not None and args.no_cadence:
        raise ValidationError(_("use either --cadence or --no-cadence"))
    if args.cadence is None and not args.no_cadence and args.labels is None and not args.new_name:
        raise ValidationError(_("nothing to change: give --cadence, --no-cadence, --labels or --name"))
    tiers = list(ctx.config.tiers)
    at = _tier_index(ctx, args.tier)
    tier = tiers[at]
    changes: dict[str, Any] = {}
    if args.cadence is not None or args.no_cadence:
        changes["cadence_days"] = args.cadence
    if args.labels is not None:
        changes["labels"] = _labels(args.labels)
    renamed = 0
    if args.new_name:
        new = " ".join(args.new_name.split())
        other = ctx.config.tiers.find(new)
        if not new or (other is not None and other is not tier):
            if not new:
                raise ValidationError(_("cannot rename tier {name} to an empty name").format(
                    name=tier.name))
            raise ValidationError(_("cannot rename tier {name} to {new!r}: {new!r} names tier "
                                    "{other}").format(name=tier.name, new=new, other=other.name))
        changes["name"] = new
        changes["labels"] = tuple(x for x in changes.get("labels", tier.labels)
                                  if x.casefold() != new.casefold())
        renamed = ctx.journal.rename_tier(tier.name, new) if ctx.journal.exists() else 0
    tiers[at] = dataclasses.replace(tier, **changes)
    note = _("; {counted} now carry the new name").format(counted=counted(renamed, _('contacts and organisations'), _('contact or organisation'))) if renamed else ""
    return _save_tiers(ctx, tiers, _("changed tier {name}{note}").format(name=tiers[at].name, note=note))


def cmd_tiers_remove(args: argparse.Namespace, ctx: Any) -> int:
    tiers = list(ctx.config.tiers)
    at = _tier_index(ctx, args.tier)
    row = _tier_rows(ctx)[at]
    used = row["contacts"] + row["organisations"]
    if used and not args.force:
        raise ValidationError(_("tier {name} is carried by {counted} and {counted2}; --force "
                                "removes it anyway (they keep the name, without a default "
                                "cadence)").format(name=row['name'], counted=counted(row['contacts'], _('contacts')), counted2=counted(row['organisations'], _('organisations'))))
    removed = tiers.pop(at)
    return _save_tiers(ctx, tiers, _("removed tier {name}").format(name=removed.name))


def cmd_tiers_order(args: argparse.Namespace, ctx: Any) -> int:
    tiers = list(ctx.config.tiers)
    order = [_tier_index(ctx, name) for name in args.names]
    if sorted(order) != list(range(len(tiers))):
        raise ValidationError(_("name every tier once, in the new order: {describe}").format(describe=ctx.config.tiers.describe()))
    return _save_tiers(ctx, [tiers[i] for i in order],
                       _("tiers now: {order}").format(order=", ".join(tiers[i].name for i in order)))


# -- templates -------------------------------------------------------------------------------------
def cmd_templates(args: argparse.Namespace, ctx: Any) -> int:
    templates = list(ctx.config.templates.values())
    if args.format == "json":
        ctx.out(to_json([{"key": t.key, "event": t.event, "aliases": list(t.aliases),
                          "summary": t.summary, "complaint": t.complaint} for t in templates]))
        return 0
    if not templates:
        ctx.out(_("no templates configured (see `journal config`)"))
    for t in templates:
        extra = _(" (also: {join})").format(join=', '.join(t.aliases)) if t.aliases else ""
        flag = "  [complaint]" if t.complaint else ""
        ctx.out(clean_line(f"{t.key}: {t.event}{extra}{flag}"))
        for line in clean_lines(t.summary):
            ctx.out(f"    {line}")
    return 0
