"""Finding a contact, project or organisation from what the user typed.

One rule for every surface (``contact:`` in a search, ``journal list --contact``, the TUI's pickers
and list filters), tried in order, first level with any match wins:

1. an id (26-char ULID, any case);
2. the exact name, or the exact ``Name (Organisation)`` label — how namesakes are told apart; of
   namesakes, the one whose whole label is the text (``王芳`` is the 王芳 without an organisation,
   not also 王芳 (绿源食品集团));
3. a prefix of an id, at least :data:`MIN_ID_PREFIX` characters (``01M948YMBX``): what ``list``
   prints, copied in part;
4. a prefix of the name or label;
5. a substring of the name or label;
6. ``name (part of the organisation``: the name by any level here, pinyin included, and any part of
   its organisation's name; the closing parenthesis may be left out (``zw (工商``);
7. pinyin of a Chinese name, tone-less: in full (``zhangwei``, ``zhang wei``) or initials (``zw``);
8. a prefix of the full pinyin or the initials (``zhangw``).

Several documents at the winning level is an :class:`AmbiguousNameError` that lists them — a name is
never guessed, because a note filed under the wrong 张伟 is worse than a question (a search narrows
them first with its other filters, see :mod:`journal.search`). A type-ahead list shows every level
at once, best first (:meth:`NameMatcher.ranked`). All comparison is on :func:`journal.text.fold`.

Pinyin readings come from pypinyin's character table, read directly (orjson) and only when a
lookup falls through to level 7: importing ``pypinyin`` itself is several times slower (it parses its phrase
dictionary), too much for a command-line search. Every reading of a heteronym counts (曾 is both
zeng and ceng) because surnames are exactly where the context-free reading is most often wrong.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from journal.errors import AmbiguousNameError, NotFoundError, ValidationError
from journal.i18n import _
from journal.i18n.terms import kind_name
from journal.models import KIND_TABLE
from journal.text import fold

__all__ = ["KINDS", "MIN_ID_PREFIX", "NameMatcher", "gc_paused", "id_prefix_hits",
           "pinyin_keys", "pinyin_readings"]

#: kind -> table, with ``org`` (the search's short word) for organisations
KINDS = KIND_TABLE | {"org": KIND_TABLE["organisation"]}
_ULID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
#: Ids are minted from the clock: six characters tell apart documents made minutes apart, and no
#: word people use as a name is six Crockford base-32 characters that begin an existing id.
MIN_ID_PREFIX = 6
_ID_PREFIX_RE = re.compile(rf"^[0-9A-HJKMNP-TV-Z]{{{MIN_ID_PREFIX},26}}$")
# "Name (Organisation)", the closing parenthesis optional (typed as a filter, it comes last)
_QUALIFIED_RE = re.compile(r"^(?P<name>.+?)\s*\((?P<org>[^()]+)\)?\s*$")
_MAX_KEYS = 64  # cap on reading combinations per name (heteronym-heavy names are rare)
_MAX_LISTED = 10  # candidates spelled out in an ambiguity message

_table: dict[str, str] | None = None


def _pinyin_table() -> dict[str, str]:
    """Code point (as a decimal string) -> comma-separated toned readings, or {} without pypinyin."""
    global _table
    if _table is None:
        table: dict[str, str] = {}
        try:
            import importlib.util

            spec = importlib.util.find_spec("pypinyin")
            locations = list(spec.submodule_search_locations or []) if spec else []
            if locations:
                import orjson

                table = orjson.loads((Path(locations[0]) / "pinyin_dict.json").read_bytes())
        except (ImportError, OSError, ValueError):
            table = {}
        if not table:  # a future pypinyin might move the file: fall back to its module
            try:
                from pypinyin.pinyin_dict import pinyin_dict

                table = {str(k): v for k, v in pinyin_dict.items()}
            except ImportError:
                table = {}
        _table = table
    return _table


@lru_cache(maxsize=8192)
def _readings(ch: str) -> tuple[str, ...]:
    """Tone-less readings of one character; ü is offered as both ``u`` and ``v`` (how IMEs spell
    it). Empty for anything that is not a Chinese character."""
    raw = _pinyin_table().get(str(ord(ch)))
    if not raw:
        return ()
    out: list[str] = []
    for reading in raw.split(","):
        decomposed = unicodedata.normalize("NFD", reading.strip())
        plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
        variants = [plain, plain.replace("u", "v")] if "\u0308" in decomposed else [plain]
        for v in variants:
            if v and v.isascii() and v.isalpha() and v not in out:
                out.append(v)
    return tuple(out)


def pinyin_readings(ch: str) -> tuple[str, ...]:
    """Tone-less readings of one Chinese character, the usual one first; () for any other."""
    return _readings(ch) if ord(ch) > 0x2E7F else ()


@lru_cache(maxsize=65536)
def pinyin_keys(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """(full pinyin spellings, initials spellings) of ``name``; latin words count as themselves
    (``David 王`` -> ``davidwang``, ``dw``). Empty sets when the name has neither. Remembered per
    name: the app builds a matcher per data generation, and after an edit all names but one are
    the ones it spelled already (spelling 10k names takes far longer than looking them up; bench/bench_tui.py times the app's filter)."""
    tokens: list[tuple[str, ...]] = []
    run = ""
    for ch in fold(name):
        readings = _readings(ch) if ord(ch) > 0x2E7F else ()
        if readings:
            if run:
                tokens.append((run,))
                run = ""
            tokens.append(readings)
        elif ch.isascii() and ch.isalnum():
            run += ch
        elif run:
            tokens.append((run,))
            run = ""
    if run:
        tokens.append((run,))
    if not tokens:
        return frozenset(), frozenset()
    fulls, inits = {""}, {""}
    for tok in tokens:
        fulls = {f + r for f in fulls for r in tok}
        inits = {i + r[0] for i in inits for r in tok}
        if len(fulls) > _MAX_KEYS:
            fulls = set(sorted(fulls)[:_MAX_KEYS])
        if len(inits) > _MAX_KEYS:
            inits = set(sorted(inits)[:_MAX_KEYS])
    return frozenset(fulls), frozenset(inits)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building lookup tables. A build allocates
    many acyclic objects next to the loaded data's millions, and each automatic full collection
    walks all of them: at 100k entries that is up to a third of the index build, for no garbage."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def id_prefix_hits(text: str, ids: Iterable[str]) -> list[str]:
    """The ids that ``text`` (any case) is a prefix of, sorted; empty unless ``text`` could be one
    (at least :data:`MIN_ID_PREFIX` characters of an id's alphabet)."""
    key = text.strip().upper()
    if not _ID_PREFIX_RE.match(key):
        return []
    return sorted(i for i in ids if i.startswith(key))


class NameMatcher:
    """Name lookup for one kind over one snapshot of the data. Cheap to build; the label table and
    the pinyin keys are computed on first use and kept for the snapshot's lifetime."""

    def __init__(self, kind: str, tables: Mapping[str, Mapping[str, dict[str, Any]]]) -> None:
        if kind not in KINDS:
            raise ValueError(_("unknown kind {kind!r}").format(kind=kind))
        self.kind = "organisation" if kind == "org" else kind
        self.docs: Mapping[str, dict[str, Any]] = tables.get(KINDS[kind]) or {}
        self.orgs: Mapping[str, dict[str, Any]] = tables.get("organisations") or {}
        self._rows: list[tuple[str, str, str, str]] | None = None  # id, name, label, compact label
        self._exact: dict[str, list[str]] | None = None
        self._row_of: dict[str, tuple[str, str, str, str]] | None = None
        self._rank: dict[str, int] = {}  # id -> position in label order
        self._pinyin: tuple[dict[str, set[str]], dict[str, set[str]]] | None = None
        self._keys: Mapping[str, list[list[str]]] | None = None  # id -> [fulls, initials], stored
        self._memo: dict[str, list[str]] = {}  # the snapshot never changes: lookups are cacheable

    @classmethod
    def restore(cls, kind: str, tables: Mapping[str, Mapping[str, dict[str, Any]]],
                parts: Mapping[str, Any]) -> NameMatcher:
        """A matcher from :meth:`export`'s output over the same ``tables`` (the search cache
        stores it: computing the pinyin of 10k names costs a third of a second per command)."""
        matcher = cls(kind, tables)
        matcher._set_rows([(r[0], r[1], r[2], r[3]) for r in parts["rows"]])
        matcher._keys = parts["pinyin"]
        return matcher

    def export(self, reuse: Mapping[str, tuple[str, list[list[str]]]] | None = None) -> dict[str, Any]:
        """The lookup tables as JSON-ready data, for :meth:`restore`. ``reuse``: id -> (name,
        keys) from an earlier export; a name that did not change keeps its keys."""
        pinyin: dict[str, list[list[str]]] = {}
        for doc_id, doc in self.docs.items():
            name = str(doc.get("name", ""))
            old = reuse.get(doc_id) if reuse else None
            if old is not None and old[0] == name:
                keys = old[1]
            else:
                fulls, inits = pinyin_keys(name)
                keys = [sorted(fulls), sorted(inits)]
            if keys[0] or keys[1]:
                pinyin[doc_id] = keys
        return {"rows": [list(r) for r in self._table_rows()], "pinyin": pinyin}

    # -- labels ---------------------------------------------------------------------------------
    def org_name(self, doc_id: str) -> str:
        """The name of the document's organisation ("" when it has none or it is dangling)."""
        org_id = self.docs.get(doc_id, {}).get("organisation_id") if self.kind != "organisation" else None
        return str(self.orgs.get(org_id, {}).get("name", "")) if org_id else ""

    def label(self, doc_id: str) -> str:
        """``Name (Organisation)`` for contacts and projects with an organisation, else the name;
        ``?<id>`` for an id that is not there (a dangling link)."""
        doc = self.docs.get(doc_id)
        if doc is None:
            return f"?{doc_id}"
        org = self.org_name(doc_id)
        return f"{doc.get('name', '')} ({org})" if org else str(doc.get("name", ""))

    def _table_rows(self) -> list[tuple[str, str, str, str]]:
        if self._rows is None:
            with gc_paused():
                self._build_rows()
        assert self._rows is not None
        return self._rows

    def _build_rows(self) -> None:
        rows = []
        for doc_id, doc in self.docs.items():
            name = fold(str(doc.get("name", "")))
            org = self.org_name(doc_id)
            label = f"{name} ({fold(org)})" if org else name
            compact = label.replace(" (", "(", 1) if org else name
            rows.append((doc_id, name, label, compact))
        self._set_rows(rows)

    def _set_rows(self, rows: list[tuple[str, str, str, str]]) -> None:
        # in label order, so a scan of the rows yields each level's hits already sorted
        rows = sorted(rows, key=lambda r: (r[2], r[0]))
        exact: dict[str, list[str]] = {}
        for doc_id, name, label, compact in rows:
            for key in {name, label, compact}:
                exact.setdefault(key, []).append(doc_id)
        self._exact = exact
        self._row_of = {row[0]: row for row in rows}
        self._rank = {row[0]: n for n, row in enumerate(rows)}
        self._rows = rows  # last: it says the tables are ready (prepare() may run in a thread)

    def _pinyin_maps(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        if self._pinyin is None:
            with gc_paused():
                self._pinyin = self._build_pinyin()
        return self._pinyin

    def _build_pinyin(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        full: dict[str, set[str]] = {}
        init: dict[str, set[str]] = {}
        stored = self._keys
        for doc_id, doc in self.docs.items():
            if stored is not None:
                fulls, inits = stored.get(doc_id) or ((), ())
            else:
                fulls, inits = pinyin_keys(str(doc.get("name", "")))
            for k in fulls:
                full.setdefault(k, set()).add(doc_id)
            for k in inits:
                init.setdefault(k, set()).add(doc_id)
        return full, init

    # -- lookup ---------------------------------------------------------------------------------
    def candidates(self, text: str) -> list[str]:
        """The ids at the best matching level (see the module docstring), sorted by label; empty
        when nothing matches. The TUI shows these when it has to ask."""
        if text not in self._memo:
            if len(self._memo) > 1024:
                self._memo.clear()
            self._memo[text] = next((hits for hits in self._levels(text) if hits), [])
        return list(self._memo[text])

    def ranked(self, text: str) -> list[str]:
        """Every id any level matches, the best level first (each level by label): what a
        type-ahead list offers, so what a search would take is always at the top and a pinyin
        spelling still finds 张伟 when some English name holds the same letters."""
        seen: dict[str, None] = {}
        for hits in self._levels(text):
            seen.update(dict.fromkeys(hits))
        return list(seen)

    def _levels(self, text: str, *, qualified: bool = True) -> Iterator[list[str]]:
        """The hits of each level in turn (lazily: a caller that stops at the first level with
        hits never computes pinyin). ``qualified=False``: without the ``Name (Organisation``
        level (for the name inside one: ``a (b (c (…`` must not recurse)."""
        raw = text.strip()
        if len(raw) >= 2 and raw[0] == raw[-1] == '"':
            raw = raw[1:-1].strip()
        if not raw:
            return
        if _ULID_RE.match(raw.upper()) and raw.upper() in self.docs:
            yield [raw.upper()]
            return
        q = fold(raw)
        rows = self._table_rows()
        yield self._by_label(self._exact_hits(q))
        yield id_prefix_hits(raw, self.docs)
        # row scans come out in label order already (see _set_rows)
        yield [r[0] for r in rows if r[1].startswith(q) or r[2].startswith(q) or r[3].startswith(q)]
        yield [r[0] for r in rows if q in r[2]]  # the label holds the name
        yield self._by_label(self._qualified(q)) if qualified else []
        yield from (self._by_label(hits) for hits in self._by_pinyin(q))

    def _by_label(self, ids: Iterable[str]) -> list[str]:
        """In label order (by rank in the rows, which are sorted by folded label then id)."""
        rank = self._rank
        return sorted(set(ids), key=lambda i: rank.get(i, -1))

    def prepare(self) -> None:
        """Build the lookup tables now (a thread may do it ahead of the first keystroke)."""
        self._table_rows()
        self._pinyin_maps()

    def _exact_hits(self, q: str) -> list[str]:
        """Documents whose name or label is ``q``; of namesakes, the one labelled exactly ``q``
        when there is one (the 王芳 without an organisation beside 王芳 (绿源食品集团))."""
        assert self._exact is not None and self._row_of is not None
        hits = list(dict.fromkeys(self._exact.get(q, ())))
        if len(hits) > 1:
            whole = [i for i in hits if q in (self._row_of[i][2], self._row_of[i][3])]
            if len(whole) == 1:
                return whole
        return hits

    def similar(self, name: str, exclude: str, limit: int = 3) -> list[str]:
        """Other documents whose name holds ``name``, by label: what `journal add` shows after
        creating a new document for a name that was not an exact match, so "Zed New" for "Zed New
        Person" is noticed. (No pinyin here: it would cost every such add a third of a second at
        10k contacts.)"""
        q = fold(name)
        if not q:
            return []
        found = {r[0] for r in self._table_rows() if q in r[1] and r[0] != exclude}
        return sorted(found, key=lambda i: (self.label(i), i))[:limit]

    def _qualified(self, q: str) -> list[str]:
        """``name (part of the organisation's name``: ``张伟 (工商)``, ``zw (工商`` for 张伟 at
        中国工商银行; the name is matched by every other level (pinyin too)."""
        m = _QUALIFIED_RE.match(q)
        if not m or self.kind == "organisation":
            return []
        name, org = m["name"].strip(), m["org"].strip()
        names = next((hits for hits in self._levels(name, qualified=False) if hits), [])
        return [i for i in names if org in fold(self.org_name(i))]

    def _by_pinyin(self, q: str) -> Iterator[list[str]]:
        """Two levels: the whole pinyin or initials, then a prefix of them (from 2 letters)."""
        key = "".join(q.replace("'", " ").replace("-", " ").split())
        if not key or not key.isascii() or not key.isalpha():
            return
        full, init = self._pinyin_maps()
        yield list(full.get(key, set()) | init.get(key, set()))
        if len(key) >= 2:
            found = {i for k, ids in full.items() if k.startswith(key) for i in ids}
            found |= {i for k, ids in init.items() if k.startswith(key) for i in ids}
            yield list(found)

    def resolve(self, text: str) -> str:
        """Exactly one id for ``text``, or NotFoundError / AmbiguousNameError (candidates filled)."""
        if not isinstance(text, str) or not text.strip():
            raise ValidationError(_("empty {kind} name").format(kind=self.kind))
        ids = self.candidates(text)
        if len(ids) == 1:
            return ids[0]
        if not ids:
            raise NotFoundError(_("no {kind} matches {strip!r}").format(kind=self.kind, strip=text.strip()))
        raise self.ambiguous(text, ids)

    def ambiguous(self, text: str, ids: list[str], *, hint: str = "") -> AmbiguousNameError:
        """The error for ``text`` matching ``ids``: every candidate with its organisation and id
        (the first :data:`_MAX_LISTED`), and how to name one; ``hint`` adds another way."""
        candidates = [(i, self.label(i)) for i in ids]
        listed = _(", ").join(f"{lbl} [{i}]" for i, lbl in candidates[:_MAX_LISTED])
        if len(candidates) > _MAX_LISTED:
            listed += _(", … and {n} more").format(n=len(candidates) - _MAX_LISTED)
        message = (_("{kind} {text!r} is ambiguous: {listed} — use the id{hint}")
                   if self.kind == "organisation" else
                   _('{kind} {text!r} is ambiguous: {listed} — use the id or "Name '
                     '(Organisation)"{hint}'))
        return AmbiguousNameError(
            message.format(kind=kind_name(self.kind), text=text.strip(), listed=listed, hint=hint),
            candidates, kind=self.kind, text=text.strip())
