"""``journal expenses``: what was spent in a period, per currency, optionally per client, project
or contact.

Only **done** entries count (money spent, as in the week and month reports); amounts are added per
currency, never converted. With ``--by``, an expense of an entry linked to two clients appears
under both (each client's total is what was spent for them), so the groups' totals can add up to
more than the grand total, which counts every expense once. Entries linked to none of the kind
go under "(no organisation)" / "(no project)" / "(no contact)". Organisations include those
reached through the entry's contacts and projects, as everywhere else.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from journal.errors import ValidationError
from journal.i18n import N_, _, ngettext
from journal.routine.expenses import format_amount, sum_by_currency
from journal.search.index import entry_organisations
from journal.text import clean_line

BY = ("project", "org", "contact")
_NONE = {"project": N_("(no project)"), "org": N_("(no organisation)"), "contact": N_("(no contact)")}
Tables = Mapping[str, Mapping[str, dict[str, Any]]]


@dataclass
class ExpenseLine:
    entry_id: str
    date: str
    event: str
    amount: int | float
    currency: str
    note: str
    projects: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)


@dataclass
class ExpenseGroup:
    id: str | None
    name: str
    totals: dict[str, int | float]
    lines: list[ExpenseLine]


@dataclass
class ExpenseReport:
    start: date
    end: date
    by: str | None
    totals: dict[str, int | float]
    lines: list[ExpenseLine]
    groups: list[ExpenseGroup]


def _names(table: Mapping[str, dict[str, Any]], ids: Any) -> list[tuple[str, str]]:
    return [(i, str((table.get(i) or {}).get("name", f"?{i}"))) for i in ids or ()]


def build_expense_report(tables: Tables, start: date, end: date, by: str | None = None) -> ExpenseReport:
    """The expenses of the done entries dated ``start``..``end``, in date order."""
    if by is not None and by not in BY:
        raise ValidationError(_("unknown grouping {by!r}: use project, org or contact").format(by=by))
    contacts, projects = tables.get("contacts") or {}, tables.get("projects") or {}
    orgs = tables.get("organisations") or {}
    lo, hi = start.isoformat(), end.isoformat()
    docs = sorted(((i, d) for i, d in (tables.get("entries") or {}).items()
                   if lo <= d.get("date", "") <= hi and d.get("status") == "done"
                   and d.get("expenses")),
                  key=lambda item: (item[1]["date"], item[1].get("time") or "", item[0]))
    lines: list[ExpenseLine] = []
    groups: dict[str | None, tuple[str, list[ExpenseLine]]] = {}
    for entry_id, doc in docs:
        linked = {"project": _names(projects, doc.get("project_ids")),
                  "org": _names(orgs, entry_organisations(doc, contacts, projects)),
                  "contact": _names(contacts, doc.get("contact_ids"))}
        for item in doc["expenses"]:
            line = ExpenseLine(entry_id, doc["date"], str(doc.get("event", "")),
                               item.get("amount", 0), str(item.get("currency") or "?").upper(),
                               str(item.get("note") or ""), [n for _, n in linked["project"]],
                               [n for _, n in linked["org"]], [n for _, n in linked["contact"]])
            lines.append(line)
            if by is not None:
                for key, name in linked[by] or [(None, _NONE[by])]:
                    groups.setdefault(key, (name, []))[1].append(line)
    grouped = [ExpenseGroup(key, name, sum_by_currency(asdict(x) for x in items), items)
               for key, (name, items) in groups.items()]
    grouped.sort(key=lambda g: (g.id is None, -len(g.lines), g.name, g.id or ""))
    return ExpenseReport(start, end, by, sum_by_currency(asdict(x) for x in lines), lines, grouped)


def _money(totals: Mapping[str, int | float]) -> str:
    return " · ".join(_amount(v, c) for c, v in totals.items()) or _("nothing")


def _amount(value: Any, currency: str) -> str:
    """``1,200.25 CNY`` as typed (no float noise); ``1,200.25元`` in Chinese."""
    from journal.i18n import chinese
    from journal.i18n.formats import money

    return money(value, currency) if chinese() else f"{format_amount(value)} {currency}"


def _line(x: ExpenseLine) -> str:
    names = ", ".join([*x.contacts, *x.organisations, *x.projects])
    note = f" {x.note}" if x.note else ""
    return clean_line(f"{x.date}  {format_amount(x.amount):>10} {x.currency}{note} — {x.event}"
                      + (f"  · {names}" if names else ""))


def render_expenses_text(r: ExpenseReport) -> str:
    head = _("Expenses {start} – {end} (done entries)").format(start=r.start.isoformat(),
                                                                end=r.end.isoformat())
    out = [head, "=" * _cells(head)]
    if r.by is None:
        out += ["  " + _line(x) for x in r.lines] or [_("  No expenses.")]
    else:
        for g in r.groups:
            name = _(g.name) if g.id is None else g.name
            out += ["", clean_line(f"{name}{_(': ')}{_money(g.totals)}")]
            out += ["  " + _line(x) for x in g.lines]
        if not r.groups:
            out.append(_("  No expenses."))
    count = len(r.lines)
    out += ["", ngettext("Total: {money} ({count} expense)", "Total: {money} ({count} expenses)",
                         count).format(money=_money(r.totals), count=count)]
    return "\n".join(out) + "\n"


def render_expenses_json(r: ExpenseReport) -> str:
    data = {"from": r.start.isoformat(), "to": r.end.isoformat(), "by": r.by,
            "totals": r.totals, "expenses": [asdict(x) for x in r.lines]}
    if r.by is not None:
        data["groups"] = [{"id": g.id, "name": g.name, "totals": g.totals,
                           "expenses": [x.entry_id for x in g.lines]} for g in r.groups]
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def render_expenses_csv(r: ExpenseReport) -> str:
    """One row per expense (per group and expense with ``--by``): a spreadsheet adds them up.
    Cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) are
    prefixed with an apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    head = ["date", "event", "amount", "currency", "note", "projects", "organisations", "contacts",
            "entry_id"]
    writer.writerow(([r.by] if r.by else []) + head)
    rows = ([(g.name, x) for g in r.groups for x in g.lines] if r.by is not None
            else [(None, x) for x in r.lines])
    for group, x in rows:
        cells = [x.date, x.event, format_amount(x.amount).replace(",", ""), x.currency, x.note,
                 "; ".join(x.projects), "; ".join(x.organisations), "; ".join(x.contacts),
                 x.entry_id]
        writer.writerow([_cell(c) for c in ([group] if group is not None else []) + cells])
    return out.getvalue()


def _cell(text: str | None) -> str:
    text = text or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _cells(text: str) -> int:
    """Terminal columns (a Chinese character takes two): the underline fits the heading."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
