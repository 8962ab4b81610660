"""Finding the texts marked for translation in the code, and keeping the catalog in step with them.

A text is marked by being the literal argument of ``_()``, ``N_()`` or ``ngettext()`` (see
:mod:`journal.i18n`). :func:`update_catalog` rewrites ``zh_CN.po``: every marked text has an entry
(a new one untranslated, for a translator to fill in), entries whose text the code no longer uses
are dropped, translations are kept. ``python -m journal.i18n`` runs it and says what changed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from journal.i18n.po import PoEntry, parse_po, render_po

PACKAGE = Path(__file__).resolve().parent.parent
_HEADER = ("Project-Id-Version: journal\n"
           "Language: zh_CN\n"
           "MIME-Version: 1.0\n"
           "Content-Type: text/plain; charset=UTF-8\n"
           "Content-Transfer-Encoding: 8bit\n"
           "Plural-Forms: nplurals=1; plural=0;\n")


@dataclass(frozen=True)
class Marked:
    """One marked text and where it is (a path relative to the package's parent)."""

    msgid: str
    plural: str | None
    path: str
    line: int
    context: str | None = None

    @property
    def key(self) -> str | tuple[str, str]:
        msgid = self.msgid if self.context is None else f"{self.context}\x04{self.msgid}"
        return (msgid, self.plural) if self.plural is not None else msgid


class MarkError(ValueError):
    """A translation call whose text is not a literal (it cannot be in the catalog)."""


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def marked_in(source: str, path: str) -> Iterator[Marked]:
    """The marked texts of one module. ``_(f"...")`` is refused: its words would be looked up with
    the data already in them, so no catalog could hold them."""
    for node in ast.walk(ast.parse(source, path)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        name = node.func.id
        if name in ("_", "N_") and node.args:
            if isinstance(node.args[0], ast.JoinedStr):
                raise MarkError(f"{path}:{node.lineno}: {name}() of an f-string; use "
                                f"{name}(\"... {{name}} ...\").format(name=...)")
            text = _literal(node.args[0])
            if text is not None:
                yield Marked(text, None, path, node.lineno)
        elif name in ("pgettext", "NC_") and len(node.args) >= 2:
            context, text = _literal(node.args[0]), _literal(node.args[1])
            if isinstance(node.args[1], ast.JoinedStr) or context is None:
                raise MarkError(f"{path}:{node.lineno}: {name}() needs a literal context and "
                                "text (not an f-string)")
            if text is not None:  # a variable: its text is marked where it is defined (NC_)
                yield Marked(text, None, path, node.lineno, context)
        elif name == "ngettext" and len(node.args) >= 2:
            one, many = _literal(node.args[0]), _literal(node.args[1])
            if one is not None and many is not None:
                yield Marked(one, many, path, node.lineno)
            elif isinstance(node.args[0], ast.JoinedStr) or isinstance(node.args[1], ast.JoinedStr):
                raise MarkError(f"{path}:{node.lineno}: ngettext() of an f-string")


def marked_texts(root: Path = PACKAGE) -> list[Marked]:
    """Every marked text in the package, in file and line order."""
    found: list[Marked] = []
    for file in sorted(root.rglob("*.py")):
        relative = file.relative_to(root.parent).as_posix()
        found.extend(marked_in(file.read_text(encoding="utf-8"), relative))
    return found


def updated_entries(existing: list[PoEntry], marked: list[Marked]) -> list[PoEntry]:
    """The catalog's entries after the code's texts: one per text, ordered by the file that first
    uses it and then by text (stable when code moves inside a file), keeping translations."""
    old = {e.key: e for e in existing if e.msgid}
    header = next((e for e in existing if not e.msgid), PoEntry("", msgstr=[_HEADER]))
    first: dict[str | tuple[str, str], Marked] = {}
    files: dict[str | tuple[str, str], list[str]] = {}
    for mark in marked:
        first.setdefault(mark.key, mark)
        paths = files.setdefault(mark.key, [])
        if mark.path not in paths:
            paths.append(mark.path)
    entries = [header]
    for key in sorted(first, key=lambda k: (first[k].path, first[k].msgid, first[k].plural or "",
                                            first[k].context or "")):
        mark = first[key]
        previous = old.get(key)
        entry = PoEntry(mark.msgid, mark.plural, references=files[key], context=mark.context)
        if previous is not None:
            entry.msgstr = previous.msgstr or [""]
            entry.flags = set(previous.flags)
            entry.comments = previous.comments
        elif mark.plural is not None:
            entry.msgstr = [""]
        entries.append(entry)
    return entries


def update_catalog(catalog: Path, root: Path = PACKAGE) -> tuple[int, int, int]:
    """Rewrite ``catalog`` after the code; returns (added, dropped, untranslated)."""
    existing = parse_po(catalog.read_text(encoding="utf-8")) if catalog.exists() else []
    entries = updated_entries(existing, marked_texts(root))
    before = {e.key for e in existing if e.msgid}
    after = {e.key for e in entries if e.msgid}
    catalog.write_text(render_po(entries), encoding="utf-8")
    untranslated = sum(1 for e in entries if e.msgid and not e.translated)
    return len(after - before), len(before - after), untranslated
