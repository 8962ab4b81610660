"""`journal export --format vcard`: contacts as vCard 4.0, or 3.0 (``--vcard3``) for older phones.

Written here rather than with a library for the reason the reader (:mod:`journal.interchange.vcard`)
is: a dozen properties, and full control of what phones choke on. Each card has FN and N (a CJK
name is one family-name component: splitting 欧阳娜娜 correctly needs a surname list, and phones
sort and show it right as is), ORG, TITLE, every TEL and EMAIL, BDAY (4.0 writes ``--MMDD`` when the
year is unknown; 3.0 has no such form, so Apple's ``X-APPLE-OMIT-YEAR=1604`` convention is used,
which iPhones, macOS and our own reader understand), NOTE, the organisation's address as a work
ADR, and CATEGORIES holding the tier first and then the tags.

Round trip: ``journal import`` reads all of it back; the tier and the visiting cadence also travel
as ``X-JOURNAL-TIER`` and ``X-JOURNAL-CADENCE-DAYS`` (vCard's extension properties, ignored by
phones) so the tier does not come back as one more tag. Any other field a contact carries goes
out as ``X-JOURNAL-<FIELD>`` rather than being dropped. UID is the contact's id as a UUID URN,
stable across exports. Lines are folded at 75 bytes, never inside a UTF-8 character; CRLF line ends.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from journal.interchange.export.columns import BOOKKEEPING, text
from journal.interchange.export.scope import Doc, ExportData

PRODID = "-//journal//work journal//EN"
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_WRITTEN = frozenset({"name", "organisation_id", "title", "phones", "emails", "birthday", "tier",
                      "cadence_days", "notes", "tags"}) | BOOKKEEPING
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def escape(value: str) -> str:
    """A text value: backslash, comma, semicolon and line breaks escaped (RFC 6350 3.4)."""
    return (value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold_line(line: str) -> bytes:
    """One content line folded at 75 octets without splitting a UTF-8 character."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return raw + b"\r\n"
    out, start, limit = [], 0, 75
    while start < len(raw):
        end = min(start + limit, len(raw))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:  # a continuation byte: step back
            end -= 1
        out.append(raw[start:end])
        start, limit = end, 74  # continuation lines begin with a space
    return b"\r\n ".join(out) + b"\r\n"


def uuid_of(doc_id: str) -> str:
    """A ULID's 128 bits as a UUID string (the usual mapping between the two)."""
    number = 0
    for ch in doc_id.upper():
        number = number * 32 + _CROCKFORD.index(ch)
    hexa = f"{number:032x}"[-32:]
    return f"{hexa[:8]}-{hexa[8:12]}-{hexa[12:16]}-{hexa[16:20]}-{hexa[20:]}"


def _name_parts(name: str) -> str:
    """The structured N value: family;given;additional;prefix;suffix."""
    if _CJK_RE.search(name) or " " not in name.strip():
        return escape(name.strip()) + ";;;;"
    given, _, family = name.strip().rpartition(" ")
    return f"{escape(family)};{escape(given)};;;"


def _birthday(value: str, version: str) -> str:
    if value.startswith("--"):
        return (f"BDAY:--{value[2:4]}{value[5:7]}" if version == "4.0"
                else f"BDAY;X-APPLE-OMIT-YEAR=1604:1604-{value[2:4]}-{value[5:7]}")
    return f"BDAY:{value.replace('-', '')}" if version == "4.0" else f"BDAY:{value}"


def _revision(stamp: str, version: str) -> str | None:
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None
    return moment.strftime("%Y%m%dT%H%M%SZ" if version == "4.0" else "%Y-%m-%dT%H:%M:%SZ")


def _x_name(key: str) -> str:
    return "X-JOURNAL-" + re.sub(r"[^A-Za-z0-9]+", "-", key).strip("-").upper()


def card(data: ExportData, contact_id: str, doc: Doc, version: str = "4.0") -> list[str]:
    """The content lines of one contact's card (unfolded)."""
    lines = ["BEGIN:VCARD", f"VERSION:{version}", f"PRODID:{PRODID}",
             f"UID:urn:uuid:{uuid_of(contact_id)}", f"FN:{escape(doc['name'])}",
             f"N:{_name_parts(doc['name'])}"]
    org = data.tables.get("organisations", {}).get(doc.get("organisation_id") or "")
    if org:
        lines.append(f"ORG:{escape(org['name'])}")
    if doc.get("title"):
        lines.append(f"TITLE:{escape(doc['title'])}")
    lines += [f"TEL:{escape(p)}" for p in doc.get("phones") or ()]
    lines += [f"EMAIL:{escape(e)}" for e in doc.get("emails") or ()]
    if doc.get("birthday"):
        lines.append(_birthday(doc["birthday"], version))
    if org and org.get("address"):
        lines.append(f"ADR;TYPE=work:;;{escape(' '.join(str(org['address']).split()))};;;;")
    if doc.get("notes"):
        lines.append(f"NOTE:{escape(doc['notes'])}")
    categories = [*([doc["tier"]] if doc.get("tier") else []), *(doc.get("tags") or ())]
    if categories:
        lines.append("CATEGORIES:" + ",".join(escape(c) for c in categories))
    if doc.get("tier"):
        lines.append(f"X-JOURNAL-TIER:{escape(doc['tier'])}")
    if doc.get("cadence_days"):
        lines.append(f"X-JOURNAL-CADENCE-DAYS:{doc['cadence_days']}")
    for key in sorted(set(doc) - _WRITTEN):
        if doc[key] not in (None, "", []):
            lines.append(f"{_x_name(key)}:{escape(text(doc[key]))}")
    revision = _revision(str(doc.get("updated_at", "")), version)
    if revision:
        lines.append(f"REV:{revision}")
    return [*lines, "END:VCARD"]


def render_vcard(data: ExportData, *, version: str = "4.0") -> bytes:
    out = []
    for contact_id in data.people:
        doc = data.contacts.get(contact_id)
        if doc is not None:
            out += [fold_line(line) for line in card(data, contact_id, doc, version)]
    return b"".join(out)
