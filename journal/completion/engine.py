"""What to offer for the word under the cursor.

The words typed so far are walked through the program's own argparse parser — sub-commands,
options and the values they take, positionals in order — so the answer is whatever that parser
would accept next: sub-commands, the options of the command being typed (those already given once
left out), the choices of an option, names of contacts / projects / organisations where an
argument takes one (marked with :func:`journal.completion.hint`), search filters and the names
after them, or "a path" (the shell lists files itself). Free text gets nothing.

Names match as the commands match them (journal.names.matching): a prefix of the name, else any
part of it, else its pinyin (``zw`` or ``zhangwei`` for 张伟), case- and width-insensitively.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from journal.completion import FILE, HINT_ATTR, KIND_ARGUMENT, NAME_KINDS, QUERY, TEXT
from journal.completion.names import NameList, Names
from journal.text import fold

Mode = Literal["words", "files", "none"]

#: Sub-commands never typed by hand (git runs the merge driver): not offered.
HIDDEN_COMMANDS = frozenset({"merge-driver"})
#: ``journal export KIND NAME``: the kind word -> the kind of document it names.
KIND_WORDS = {"contact": "contact", "project": "project", "org": "organisation",
              "organisation": "organisation"}
#: Search filters offered for a query word, and the kind of names each takes.
QUERY_FILTERS = ("contact:", "project:", "org:", "tag:", "status:", "on:", "from:", "to:")
QUERY_NAME_FILTERS = {"contact": "contact", "project": "project", "org": "organisation"}
STATUSES = ("planned", "done", "cancelled")


@dataclass(frozen=True, slots=True)
class Candidate:
    text: str
    description: str = ""
    #: No space after it: more of the same word follows (``contact:`` before a name).
    open_end: bool = False


@dataclass
class Completion:
    mode: Mode
    candidates: list[Candidate] = field(default_factory=list)
    #: For ``files``: the path typed so far (the shell completes it).
    path_prefix: str = ""


@dataclass
class _Walk:
    """Where the words typed so far leave the parse."""

    parser: argparse.ArgumentParser
    positionals_given: int = 0  # words taken by this parser's positionals
    only_positionals: bool = False  # after ``--``
    used: set[argparse.Action] = field(default_factory=set)
    values: dict[str, str] = field(default_factory=dict)  # dest -> first value given
    pending: argparse.Action | None = None  # an option waiting for its value
    journal_file: str | None = None
    unknown_command: bool = False


def complete(parser: argparse.ArgumentParser, words: list[str], current: str,
             names: Callable[[str | None], Names]) -> Completion:
    """The completion of ``current`` after ``words`` (the words before it, the program's name
    first, all unquoted). ``names(journal_file)`` gives the names to offer; it is called only when
    names are wanted, with the ``--file`` given on the line (None: the default journal)."""
    walk = _walk(parser, words[1:])
    if walk.unknown_command:
        return Completion("none")
    offer = _Offer(walk, names)
    if walk.pending is not None:
        return offer.values(walk.pending, current)
    if not walk.only_positionals and current.startswith("-"):
        if current.startswith("--") and "=" in current:
            option, value = current.split("=", 1)
            action = walk.parser._option_string_actions.get(option)
            if action is not None and _takes_value(action):
                return offer.values(action, value, prefix=f"{option}=")
            return Completion("none")
        positional = _next_positional(walk)
        if positional is not None and getattr(positional, HINT_ATTR, None) == QUERY:
            options = offer.options(current)  # a search word may be -word, -contact:… or --limit
            query = offer.query(current)
            return Completion("words", options.candidates + query.candidates)
        return offer.options(current)
    positional = _next_positional(walk)
    if positional is None:
        return Completion("none")
    if isinstance(positional, argparse._SubParsersAction):
        return offer.commands(positional, current)
    return offer.values(positional, current)


# -- walking the words ----------------------------------------------------------------------------
def _walk(parser: argparse.ArgumentParser, words: list[str]) -> _Walk:
    walk = _Walk(parser)
    for word in words:
        if walk.pending is not None:
            walk.values.setdefault(walk.pending.dest, word)
            _note_file(walk, walk.pending, word)
            walk.pending = None
            continue
        if not walk.only_positionals and word == "--":
            walk.only_positionals = True
            continue
        if not walk.only_positionals and word.startswith("-") and word != "-":
            action, inline = _find_option(walk.parser, word)
            if action is not None:
                walk.used.add(action)
                if inline is not None:
                    walk.values.setdefault(action.dest, inline)
                    _note_file(walk, action, inline)
                elif _takes_value(action):
                    walk.pending = action
                continue
            positional = _next_positional(walk)
            if positional is None or getattr(positional, HINT_ATTR, None) != QUERY:
                continue  # an unknown option: the command will refuse it, nothing to take
        positional = _next_positional(walk)
        if positional is None:
            continue
        if isinstance(positional, argparse._SubParsersAction):
            sub = positional.choices.get(word)
            if sub is None:
                walk.unknown_command = True
                return walk
            walk = _Walk(sub, journal_file=walk.journal_file)
            continue
        walk.values.setdefault(positional.dest, word)
        walk.positionals_given += 1
    return walk


def _note_file(walk: _Walk, action: argparse.Action, value: str) -> None:
    if action.dest == "file" and walk.journal_file is None:
        walk.journal_file = value


def _find_option(parser: argparse.ArgumentParser,
                 word: str) -> tuple[argparse.Action | None, str | None]:
    """The option ``word`` names, and its value when given in the same word (``--org=ACME``,
    ``-cLi``)."""
    actions = parser._option_string_actions
    if word in actions:
        return actions[word], None
    if word.startswith("--") and "=" in word:
        name, value = word.split("=", 1)
        return actions.get(name), value
    if not word.startswith("--") and word[:2] in actions and _takes_value(actions[word[:2]]):
        return actions[word[:2]], word[2:]
    return None, None


def _takes_value(action: argparse.Action) -> bool:
    return action.nargs != 0 and not isinstance(action, (argparse._HelpAction,
                                                         argparse._VersionAction))


def _next_positional(walk: _Walk) -> argparse.Action | None:
    """The positional the next plain word goes to, or None when all are full."""
    taken = walk.positionals_given
    for action in walk.parser._actions:
        if action.option_strings:
            continue
        nargs = action.nargs
        if nargs in ("*", "+", argparse.REMAINDER):
            return action
        size = nargs if isinstance(nargs, int) else 1  # None, "?", and A... (sub-commands)
        if taken < size:
            return action
        taken -= size
    return None


# -- what to offer --------------------------------------------------------------------------------
class _Offer:
    def __init__(self, walk: _Walk, names: Callable[[str | None], Names]) -> None:
        self.walk = walk
        self._names = names
        self._loaded: Names | None = None

    def names(self, kind: str, typed: str, head: str = "") -> list[Candidate]:
        """Candidates ``head`` + name for the names of ``kind`` that ``typed`` could mean."""
        if self._loaded is None:
            self._loaded = self._names(self.walk.journal_file)
        names = self._loaded.get(kind) or NameList()
        return [Candidate(head + names.text[i], names.description[i])
                for i in match_names(names, typed)]

    def commands(self, action: argparse._SubParsersAction, typed: str) -> Completion:
        helps = {a.dest: a.help or "" for a in action._get_subactions()}
        return Completion("words", [Candidate(name, helps.get(name, ""))
                                    for name in action.choices
                                    if name.startswith(typed) and name not in HIDDEN_COMMANDS])

    def options(self, typed: str) -> Completion:
        found = []
        for action in self.walk.parser._actions:
            if action.help == argparse.SUPPRESS or not action.option_strings:
                continue
            if action in self.walk.used and not isinstance(action, argparse._AppendAction):
                continue
            for option in action.option_strings:
                if option.startswith(typed):
                    found.append(Candidate(option, _first_sentence(action.help or "")))
        return Completion("words", found)

    def values(self, action: argparse.Action, typed: str, prefix: str = "") -> Completion:
        what = getattr(action, HINT_ATTR, None)
        if what == KIND_ARGUMENT:
            what = KIND_WORDS.get(self.walk.values.get("kind", ""), TEXT)
        if what in NAME_KINDS:
            return Completion("words", self.names(what, typed, prefix))
        if what == QUERY:
            return self.query(typed)
        if what == FILE or (what is None and action.type is Path):
            return Completion("files", path_prefix=typed)
        if action.choices is not None and what is None:
            return Completion("words", [Candidate(prefix + str(c)) for c in action.choices
                                        if str(c).startswith(typed)])
        return Completion("none")

    def query(self, typed: str) -> Completion:
        """A search word: a filter (``contact:``), or after one the names or statuses it takes."""
        sign = "-" if typed.startswith("-") else ""
        body = typed[len(sign):]
        if ":" not in body:
            return Completion("words", [Candidate(sign + f, open_end=True) for f in QUERY_FILTERS
                                        if f.startswith(body.casefold()) and (body or not sign)])
        key, value = body.split(":", 1)
        head = f"{sign}{key}:"
        if key.casefold() in QUERY_NAME_FILTERS:
            kind = QUERY_NAME_FILTERS[key.casefold()]
            return Completion("words", self.names(kind, value, head))
        if key.casefold() == "status":
            return Completion("words", [Candidate(head + s) for s in STATUSES
                                        if s.startswith(value.casefold())])
        return Completion("none")


def _first_sentence(text: str) -> str:
    """A short description from an option's help: up to its first parenthesis or sentence end."""
    text = " ".join(text.split())
    return text.split(" (")[0].split("; ")[0].split(". ")[0]


def match_names(names: NameList, typed: str) -> list[int]:
    """Which of ``names`` ``typed`` could mean, best level first as the commands match them: a
    prefix of the name, else a part of it, else a prefix of its pinyin (full or initials)."""
    query = fold(typed)
    folded = names.folded
    if not query:
        return list(range(len(folded)))
    found = [i for i, f in enumerate(folded) if f.startswith(query)]
    if not found:
        found = [i for i, f in enumerate(folded) if query in f]
    key = " " + "".join(query.replace("'", " ").replace("-", " ").split())
    if not found and key[1:].isascii() and key[1:].isalpha():
        found = [i for i, k in enumerate(names.keys) if key in k]
    return found
