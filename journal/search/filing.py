"""How one entry is filed in the search index: its folded haystack (event, summary, tags and the
names of what it links to, through contacts and projects to their organisations), its sort key
(date, time, id: the index position), and the posting lists it joins. The index
(:mod:`journal.search.index`) and the cache builder (:mod:`journal.search.cache.build`) file
entries the same way, so a cached index and one built in memory answer alike.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from journal.text import fold

SEP = "\x00"  # between fields of one haystack: a phrase never matches across fields
END = "\x01"  # between haystacks; the query parser drops control characters, so no word has these
END_B = END.encode()


def _norm(text: str) -> str:
    """:func:`fold` without its cache (haystacks are unique; the cache would only churn)."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


NameInfo = tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]], dict[str, str]]
_MISSING = ("", "")
POSTING_KINDS = ("contact", "project", "org", "tag", "status")
Lists = defaultdict[str, list[int]]


def name_info(tables: Mapping[str, Mapping[str, dict[str, Any]]]) -> NameInfo:
    """What haystacks take from the documents entries link to: per contact and project its folded
    name and organisation id, per organisation its folded name. Nothing else of those documents
    reaches the index, which is what lets the cache patch it when only entries changed."""
    def info(table: str) -> dict[str, tuple[str, str]]:
        return {i: (_norm(str(d.get("name", ""))), d.get("organisation_id") or "")
                for i, d in (tables.get(table) or {}).items()}

    orgs = tables.get("organisations") or {}
    return info("contacts"), info("projects"), {i: _norm(str(d.get("name", ""))) for i, d in orgs.items()}


def sort_key(entry_id: str, doc: Mapping[str, Any]) -> str:
    """``date[time] id``: the index's order. One string sorts several times faster than a tuple; an entry
    without a time sorts before the timed ones of its day (' ' < '0')."""
    return f"{doc.get('date', '')}{doc.get('time') or ''} {entry_id}"


def entry_text(doc: Mapping[str, Any]) -> str:
    """The part of an entry's haystack that comes from the entry itself: its event, summary and
    tags, folded; the names of what it links to follow it (:func:`file_entry`)."""
    text = f"{doc.get('event', '')}{SEP}{doc.get('summary', '')}"
    tags = doc.get("tags")
    return _norm(f"{text}{SEP}{SEP.join(tags)}" if tags else text)


def file_entry(pos: int, doc: Mapping[str, Any], names: NameInfo,
               postings: tuple[Lists, Lists, Lists, Lists]) -> str:
    """Append ``pos`` to the (contact, project, organisation, tag) posting lists ``doc`` belongs
    in — organisations directly and through its contacts and projects — and return its
    haystack. The single definition shared by the full build and the cache's incremental
    refresh; written as one flat function because it runs for every entry of every build."""
    by_contact, by_project, by_org, by_tag = postings
    c_info, p_info, o_name = names
    text = entry_text(doc)
    tags = doc.get("tags")
    if tags:
        for tag in tags:
            by_tag[fold(tag)].append(pos)
    cids, pids, oids = doc.get("contact_ids"), doc.get("project_ids"), doc.get("organisation_ids")
    if not (cids or pids or oids):
        return text
    found: list[str] = []
    eff: list[str] = list(oids) if oids else []
    for cid in cids or ():
        by_contact[cid].append(pos)
        name, org = c_info.get(cid, _MISSING)
        found.append(name)
        if org and org not in eff:
            eff.append(org)
    for pid in pids or ():
        by_project[pid].append(pos)
        name, org = p_info.get(pid, _MISSING)
        found.append(name)
        if org and org not in eff:
            eff.append(org)
    for org in eff:
        by_org[org].append(pos)
        found.append(o_name.get(org, ""))
    return f"{text}{SEP}{SEP.join(found)}"


def encode(text: str) -> bytes:
    """Haystacks and words are searched as UTF-8: a character's encoding never occurs inside
    another's, so ``w in s`` exactly when ``encode(w) in encode(s)``, and a cached blob needs no
    decoding (a visible share of a command at 100k entries)."""
    return text.encode("utf-8", "surrogatepass")


def join_haystacks(hays: Iterable[bytes]) -> tuple[bytes, list[int]]:
    """The blob of encoded haystacks and their start offsets (one more than there are: the
    end)."""
    hays = list(hays)
    return END_B.join(hays) + END_B, [0, *accumulate(len(h) + 1 for h in hays)]


@dataclass
class IndexState:
    """A :class:`SearchIndex` without its tables: plain lists and dicts (what the on-disk cache
    stores and its incremental refresh patches). Positions index every list; ``postings`` maps a
    kind of :data:`POSTING_KINDS` to key -> ascending positions."""

    ids: list[str]
    dates: list[str]
    times: list[str]
    status: list[str]
    blob: bytes
    starts: Sequence[int]
    postings: dict[str, dict[str, list[int]]]
