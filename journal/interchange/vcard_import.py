"""`journal import FILE.vcf`: contacts from a phone, Outlook or WeChat export.

A manager's phone already knows most clients; typing them again is how a CRM stays empty. The
import is safe to repeat, because people export their whole address book again and again:

* a card whose name and organisation (compared folded: case and width do not matter) match an
  existing contact is *merged* into it: new phones, e-mails and tags are added, empty fields are
  filled, nothing the user already has is overwritten (a differing value is reported, not taken);
* ``ORG`` links the contact to the organisation of that name, created if new — the same folded-name
  rules as the CLI's ``--org`` (journal.names.resolve), so ``ＡＣＭＥ`` on the phone is ``acme`` here;
* importing the same file twice changes nothing the second time (not one byte);
* all cards are decided first and written in ONE transaction, with a backup taken just before the
  write (a no-op import keeps no backup, so re-imports do not rotate the useful ones away);
* a card that cannot be used is rejected with its line number and the reason; the others go in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from journal.errors import JournalError, ValidationError
from journal.i18n import N_, _, ngettext
from journal.interchange.common import (
    ImportReport,
    decode_text,
    describe_error,
    read_source,
    revalidated,
)
from journal.interchange.vcard import Card, card_birthday, card_name, parse_cards, strip_uri
from journal.models import Contact, utc_now
from journal.service import Journal
from journal.text import fold

_PHONE_KEY_RE = re.compile(r"[^\d+]")


@dataclass
class CardContact:
    """What one card says about a person, before it meets the journal."""

    line: int
    contact: Contact
    organisation: str
    warnings: list[str] = field(default_factory=list)


def phone_key(phone: str) -> str:
    """Digits (and a leading +) only: ``+86 138-1234-5678`` and ``+8613812345678`` are one phone."""
    return _PHONE_KEY_RE.sub("", fold(phone)) or fold(phone)


def read_card(card: Card, now: str) -> CardContact:
    """The contact a card describes, validated (without its organisation link yet); raises
    :class:`ValidationError` with the reason when the card cannot become a contact."""
    if card.error:
        raise ValidationError(card.error)
    name = card_name(card)
    if not name.strip():
        raise ValidationError(_("the card has no name (FN or N)"))
    org = card.first("ORG")
    organisation = org.values()[0].strip() if org is not None else ""
    title = card.first("TITLE")
    phones = [strip_uri(p.value(), "tel:") for p in card.all("TEL")]
    emails = [strip_uri(p.value(), "mailto:") for p in card.all("EMAIL")]
    notes = "\n\n".join(n.value().strip() for n in card.all("NOTE") if n.value().strip())
    tags = [t for p in card.all("CATEGORIES") for t in p.values(",")]
    tier = card.first("X-JOURNAL-TIER")  # written by `journal export --format vcard`
    tier_name = tier.value().strip() if tier is not None else ""
    if tier_name and tags and fold(tags[0]) == fold(tier_name):
        tags = tags[1:]  # the tier leads CATEGORIES for phones; here it is the tier, not a tag
    cadence = card.first("X-JOURNAL-CADENCE-DAYS")
    cadence_text = cadence.value().strip() if cadence is not None else ""
    cadence_days = int(cadence_text) if re.fullmatch(r"[0-9]{1,6}", cadence_text) else None
    birthday, warning = card_birthday(card)
    contact = Contact(name=name, title=title.value() if title is not None else "",
                      phones=[p for p in phones if p.strip()], emails=[e for e in emails if e.strip()],
                      birthday=birthday, notes=notes, tags=[t for t in tags if t.strip()],
                      tier=tier_name, cadence_days=cadence_days, created_at=now, updated_at=now)
    doc = contact.to_doc()  # validates: length limits, NUL, list shapes
    orjson.dumps(doc)  # lone surrogates (from odd charsets) would break the write of the whole file
    return CardContact(card.line, contact, organisation, [warning] if warning else [])


def merge_into(existing: dict[str, Any], new: Contact) -> tuple[dict[str, Any], list[str], list[str]]:
    """``existing`` enriched by ``new``: (document, what was added, values kept over the card's).

    Nothing is overwritten: phones and e-mails (compared loosely) and tags are added; title,
    birthday and notes fill empty fields only; a year-less birthday gains the card's year when the
    day agrees."""
    doc = dict(existing)
    added: list[str] = []
    kept: list[str] = []
    have = {phone_key(p) for p in doc.get("phones", [])}
    phones = [p for p in new.phones if phone_key(p) not in have]
    if phones:
        doc["phones"] = sorted(set(doc.get("phones", [])) | set(phones))
        added.append(ngettext("{n} phone", "{n} phones", len(phones)).format(n=len(phones)))
    have = {fold(e) for e in doc.get("emails", [])}
    emails = [e for e in new.emails if fold(e) not in have]
    if emails:
        doc["emails"] = sorted(set(doc.get("emails", [])) | set(emails))
        added.append(ngettext("{n} e-mail", "{n} e-mails", len(emails)).format(n=len(emails)))
    have = {fold(t) for t in doc.get("tags", [])}
    tags = [t for t in new.tags if fold(t) not in have]
    if tags:
        doc["tags"] = sorted(set(doc.get("tags", [])) | set(tags))
        added.append("tags " + ", ".join(tags))
    for name, value in (("title", new.title), ("birthday", new.birthday), ("notes", new.notes),
                        ("tier", new.tier), ("cadence_days", new.cadence_days)):
        current = doc.get(name)
        if not value or current == value:
            continue
        if not current:
            doc[name] = value
            added.append(name)
        elif name == "birthday" and current.startswith("--") and value.endswith(current[1:]):
            doc[name] = value
            added.append(_("birthday year"))
        elif name == "notes" and value.strip() in current:
            continue
        else:
            said = str(value)
            shown = said if len(said) <= 40 else said[:39] + "…"
            kept.append(_("{name} (the card says {shown!r})").format(name=name, shown=shown))
    return doc, added, kept


class _Contacts:
    """Contacts by (folded name, organisation id), including those created by this import."""

    def __init__(self, tables: Any) -> None:
        self.by_key: dict[tuple[str, str | None], list[str]] = {}
        for doc_id, doc in tables.get("contacts", {}).items():
            self.add(doc_id, doc["name"], doc.get("organisation_id"))

    def add(self, doc_id: str, name: str, org_id: str | None) -> None:
        self.by_key.setdefault((fold(name), org_id), []).append(doc_id)

    def find(self, name: str, org_id: str | None) -> list[str]:
        return self.by_key.get((fold(name), org_id), [])


def import_vcard(journal: Journal, path: Path, raw: bytes | None = None) -> ImportReport:
    """Import the cards of ``path`` (whose bytes are ``raw`` if already read) into ``journal``;
    see the module docstring."""
    text = decode_text(read_source(path) if raw is None else raw, path)
    try:
        cards = parse_cards(text)
    except ValidationError as exc:
        raise ValidationError(f"{path}: {exc}") from None
    report = ImportReport(N_("contacts"))
    now = utc_now()
    with journal.import_batch() as tx:
        resolver = tx.resolver
        contacts = _Contacts(tx.tables)
        pending: dict[str, dict[str, Any]] = {}  # id -> new or changed document
        new_ids: set[str] = set()
        for card in cards:
            where = _("line {line}").format(line=card.line)
            try:
                item = read_card(card, now)
                org_id = None
                if item.organisation:
                    org_id = resolver.resolve("organisation", item.organisation)
            except (JournalError, orjson.JSONEncodeError) as exc:
                report.rejected.append((where, describe_error(exc)))
                continue
            report.notes += [(where, w) for w in item.warnings]
            name = item.contact.name
            matches = contacts.find(name, org_id)
            if len(matches) > 1:
                report.rejected.append((where, _("{name!r} matches {n_matches} contacts "
                                                 "({join}); merge them first").format(name=name, n_matches=len(matches), join=', '.join(matches))))
                continue
            if not matches:
                item.contact.organisation_id = org_id
                doc_id = tx.insert("contacts", item.contact.to_doc())
                contacts.add(doc_id, name, org_id)
                pending[doc_id] = item.contact.to_doc()
                new_ids.add(doc_id)
                report.imported += 1
                continue
            doc_id = matches[0]
            current = pending.get(doc_id) or tx.get("contacts", doc_id) or {}
            merged, added, kept = merge_into(current, item.contact)
            label = journal_label(tx.tables, doc_id, merged)
            report.notes += [(where, _("{label}: kept the journal's {k}").format(label=label, k=k)) for k in kept]
            if not added:
                report.unchanged += 1
                continue
            if doc_id not in new_ids:
                merged["updated_at"] = now
            try:
                doc = revalidated(Contact, doc_id, merged)
            except JournalError as exc:
                report.rejected.append((where, describe_error(exc)))
                continue
            tx.replace("contacts", doc_id, doc)
            pending[doc_id] = doc
            report.merged += 1
            report.notes.append((where, _("merged into {label}: added {join}").format(label=label, join=', '.join(added))))
        report.created = [f"{c.kind} {c.label}" for c in resolver.created]
        if pending or resolver.created:
            report.backup = tx.backup("import")
    return report


def journal_label(tables: Any, doc_id: str, doc: dict[str, Any]) -> str:
    """``Name (Organisation)`` as the CLI shows contacts, for report lines."""
    org = tables.get("organisations", {}).get(doc.get("organisation_id") or "")
    return f"{doc['name']} ({org['name']})" if org else doc["name"]
