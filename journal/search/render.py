"""Search results as text (with highlighted matches), JSON and Markdown.

Results can be tens of thousands of entries, printed by a command that must finish in half a
second, so documents are turned into views directly: :func:`entry_view` gives exactly what
``journal list --format json`` shows (``Entry.from_doc`` + ``Journal.entry_view``) for every
entry that loads, at a twentieth of the cost (no model objects, no timestamp parsing).

Highlighting marks the query's words where the search found them. The search compares folded
text (:func:`journal.text.fold`: NFKC, case-folded, runs of white space as one space), so the
display text is folded character by character with a map back to the original, and each word is
found in that: ``ＡＣＭＥ`` and ``acme`` are highlighted for ``acme``, ``term  sheet`` for
``"term sheet"``. Control characters are escaped before any colour code is added, so user text
never reaches the terminal as a command.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from journal.i18n import _
from journal.models import time_span
from journal.names.resolve import label
from journal.text import clean_line, fold

MARK_ON, MARK_OFF = "\x1b[1;31m", "\x1b[0m"
_STATUS_MARK = {"done": "", "planned": "[planned] ", "cancelled": "[cancelled] "}


# -- views ----------------------------------------------------------------------------------------
def _one_line(value: str) -> str:
    """``check_text(one_line=True)``: a multi-line value joined, otherwise trimmed."""
    return " ".join(value.split()) if ("\n" in value or "\r" in value) else value.strip()


def _str_set(values: Sequence[str]) -> list[str]:
    """``check_str_list``: lists are sets — sorted, trimmed, without empty items."""
    if len(values) == 1:  # the usual case, without the set and the sort
        value = _one_line(values[0]).strip()
        return [value] if value else []
    return sorted({_one_line(v).strip() for v in values} - {""}) if values else []


def _clean(text: str) -> str:
    """:func:`clean_line`, whose per-character walk is most of the cost of printing 20k lines,
    skipped for the usual text that has nothing to escape (identical result)."""
    return text if text.isprintable() else clean_line(text)


class Views:
    """Turns documents into views (:meth:`view`) for one command. Tag lists and link lists
    repeat across entries (the same client, the same tags), so their normalised forms and labels
    are computed once per distinct list: half the cost of 20k views."""

    def __init__(self, names: Mapping[str, Mapping[str, dict[str, Any]]]) -> None:
        self.names = names
        self._tags: dict[tuple[str, ...], list[str]] = {}
        self._links: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        self._label: dict[tuple[str, str], str] = {}

    def _tag_list(self, tags: list[str] | None) -> list[str]:
        if not tags:
            return []
        key = tuple(tags)
        found = self._tags.get(key)
        if found is None:
            found = self._tags[key] = _str_set(tags)
        return found

    def _labels(self, kind: str, ids: list[str] | None) -> list[str]:
        if not ids:
            return []
        key = (kind, tuple(ids))
        found = self._links.get(key)
        if found is None:
            found = self._links[key] = [self.label(kind, i) for i in _str_set(ids)]
        return found

    def label(self, kind: str, doc_id: str) -> str:
        """:func:`journal.names.resolve.label`, remembered."""
        key = (kind, doc_id)
        found = self._label.get(key)
        if found is None:
            found = self._label[key] = label(self.names, kind, doc_id)
        return found

    def view(self, entry_id: str, doc: Mapping[str, Any]) -> dict[str, Any]:
        """The entry as ``journal list --format json`` shows it: links as labels, defaults
        filled, lists normalised as the model normalises them. Lists may be shared between
        views: serialise them, do not mutate them."""
        event = doc["event"]
        view: dict[str, Any] = {
            "id": entry_id, "date": doc["date"], "time": doc.get("time") or None,
            "end_time": doc.get("end_time") or None,
            "event": _one_line(event) if event[:1].isspace() or event[-1:].isspace()
            or "\n" in event or "\r" in event else event,
            "summary": doc.get("summary") or "", "status": doc.get("status") or "done",
            "tags": self._tag_list(doc.get("tags")),
            "projects": self._labels("project", doc.get("project_ids")),
            "contacts": self._labels("contact", doc.get("contact_ids")),
            "organisations": self._labels("organisation", doc.get("organisation_ids")),
            "priority": doc.get("priority") or "normal",
            "origin": "planned" if doc.get("origin") == "planned"
            or doc.get("status") in ("planned", "cancelled") else "unplanned"}
        if doc.get("carried_from"):
            view["carried_from"] = sorted(set(doc["carried_from"]))
        if doc.get("expenses"):
            view["expenses"] = [{"amount": x.get("amount"),
                                 "currency": _one_line(x.get("currency") or ""),
                                 "note": _one_line(x.get("note") or "")} for x in doc["expenses"]]
        if doc.get("complaint"):
            view["complaint"] = "resolved" if doc.get("resolved_on") else "open"
            view["resolved_on"] = doc.get("resolved_on") or None
            view["resolution"] = doc.get("resolution") or ""
        if doc.get("handover_to"):
            view["handover"] = {"from": _one_line(doc.get("handover_from") or ""),
                                "to": _one_line(doc["handover_to"]),
                                "witness": _one_line(doc.get("handover_witness") or "")}
        if doc.get("conflicts"):
            view["conflicts"] = [dict(c) for c in doc["conflicts"]]
        return view


    def text(self, entry_id: str, doc: Mapping[str, Any], words: Sequence[str], colour: bool) -> str:
        """``text_line(self.view(entry_id, doc), ...)`` without building the view: the
        terminal's default output for tens of thousands of hits."""
        event = doc["event"]
        if event[:1].isspace() or event[-1:].isspace() or "\n" in event or "\r" in event:
            event = _one_line(event)
        linked = [*self._labels("contact", doc.get("contact_ids")),
                  *self._labels("project", doc.get("project_ids")),
                  *self._labels("organisation", doc.get("organisation_ids"))]
        return _compose(entry_id, doc["date"], doc.get("time") or None, doc.get("end_time") or None,
                        doc.get("status") or "done", event, doc.get("summary") or "", linked,
                        self._tag_list(doc.get("tags")), bool(doc.get("conflicts")), words, colour,
                        _marks(doc.get("priority"), doc.get("carried_from")),
                        ("resolved" if doc.get("resolved_on") else "open") if doc.get("complaint")
                        else "")


def entry_view(entry_id: str, doc: Mapping[str, Any],
               names: Mapping[str, Mapping[str, dict[str, Any]]]) -> dict[str, Any]:
    """One view (see :meth:`Views.view`); ``names`` holds contacts, projects and organisations
    (their names and organisation ids suffice)."""
    return Views(names).view(entry_id, doc)


# -- highlighting ---------------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch).casefold()


def match_spans(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Where the folded ``words`` occur in ``text``, as merged, sorted (start, end) ranges of
    ``text``."""
    if not words or not text:
        return []
    chars: list[str] = []
    owner: list[int] = []  # owner[k]: the index in text of folded character k
    space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if space:
                continue
            space, folded = True, " "
        else:
            space, folded = False, _fold_char(ch)
        chars.append(folded)
        owner.extend([i] * len(folded))
    flat = "".join(chars)
    found: list[tuple[int, int]] = []
    for word in words:
        at = flat.find(word)
        while at >= 0:
            found.append((owner[at], owner[at + len(word) - 1] + 1))
            at = flat.find(word, at + 1)
    found.sort()
    merged: list[tuple[int, int]] = []
    for a, b in found:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def highlight(text: str, words: Sequence[str], on: str = MARK_ON, off: str = MARK_OFF) -> str:
    """``text`` with every occurrence of the folded ``words`` wrapped in ``on`` .. ``off``."""
    spans = match_spans(text, words)
    if not spans:
        return text
    out, last = [], 0
    for a, b in spans:
        out += [text[last:a], on, text[a:b], off]
        last = b
    out.append(text[last:])
    return "".join(out)


def query_words(words: Iterable[str]) -> list[str]:
    """The query's positive words and phrases as the search compares them."""
    return [w for w in dict.fromkeys(map(fold, words)) if w]


# -- text -----------------------------------------------------------------------------------------
def _best_line(summary: str, words: Sequence[str]) -> str:
    """The first summary line that holds a word of the query, else the first non-empty one."""
    if "\n" not in summary and "\r" not in summary:
        return summary.strip()
    lines = [line.strip() for line in summary.splitlines() if line.strip()]
    for line in lines:
        folded = fold(line)
        if any(w in folded for w in words):
            return line
    return lines[0] if lines else ""


def text_line(view: Mapping[str, Any], words: Sequence[str], colour: bool) -> str:
    """One line like ``journal list``'s — id, when, status, event, a summary line, linked names,
    tags — showing the summary line that matched, with the matches highlighted. The fixed
    columns come first and are ASCII, so lines align whatever the script of the text."""
    linked = [*view.get("contacts", ()), *view.get("projects", ()), *view.get("organisations", ())]
    return _compose(view["id"], view["date"], view.get("time"), view.get("end_time"), view["status"],
                    view["event"], view.get("summary") or "", linked, view.get("tags") or (),
                    bool(view.get("conflicts")), words, colour,
                    _marks(view.get("priority"), view.get("carried_from")),
                    view.get("complaint") or "")


def _marks(priority: str | None, carried_from: Sequence[str] | None) -> str:
    """``[high] `` / ``[low] `` and ``[from 11-20] ``, as ``journal list`` shows them."""
    out = f"[{priority}] " if priority in ("high", "low") else ""
    if carried_from:
        out += f"[from {min(carried_from)[5:]}] "
    return out


def _compose(entry_id: str, day: str, time: str | None, end_time: str | None, status: str,
             event: str, summary: str, linked: Sequence[str], tags: Sequence[str], conflict: bool,
             words: Sequence[str], colour: bool, marks: str = "", complaint: str = "") -> str:
    when = f"{day} {time_span(time, end_time, '-')}".rstrip()
    head = f"{entry_id}  {when:<22} {_STATUS_MARK.get(status, '')}{marks}"
    body = event
    line = _best_line(summary, words)
    if line:
        body += f" — {line}"
    if linked:
        body += "  · " + ", ".join(linked)
    if tags:
        body += "  " + " ".join(f"#{t}" for t in tags)
    if complaint:
        body += _("  (complaint, {complaint})").format(complaint=complaint)
    if conflict:
        body += "  (!conflict)"
    body = _clean(body)
    return _clean(head) + (highlight(body, words) if colour else body)


# -- Markdown -------------------------------------------------------------------------------------
def markdown_item(view: Mapping[str, Any]) -> list[str]:
    """A Markdown list item: ``- 2026-11-23 09:30 **Event** (planned) — people · organisations ·
    projects · #tags`` and the summary lines indented under it."""
    from journal.text import markdown_literal as md

    when = f"{view['date']} {time_span(view.get('time'), view.get('end_time'))}".rstrip()
    status = "" if view["status"] == "done" else f" ({view['status']})"
    parts = [", ".join(md(n, start=False) for n in view[key])
             for key in ("contacts", "organisations", "projects") if view.get(key)]
    if view.get("tags"):
        parts.append(" ".join(md(f"#{t}", start=False) for t in view["tags"]))
    links = " — " + " · ".join(parts) if parts else ""
    out = [f"- {when} **{md(view['event'], start=False)}**{status}{links}"]
    out += [f"  {md(line)}" for line in (view.get("summary") or "").splitlines() if line.strip()]
    return out
