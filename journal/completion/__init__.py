"""Tab completion for bash, zsh and fish.

The shell scripts (``journal.bash``, ``journal.zsh``, ``journal.fish`` beside this file, printed by
``journal completion SHELL``) are thin: on every Tab they run the program itself with no arguments
and the words typed so far in environment variables (see :mod:`journal.completion.protocol`).
The answer comes from walking those words through the very argparse parser that will parse the
command (:mod:`journal.completion.engine`), so completion never disagrees with the commands, and
names of contacts, projects and organisations come from a small derived list next to the journal
(:mod:`journal.completion.names`) instead of loading the journal.

Passing the words in the environment rather than as arguments means that a different program
called ``journal`` earlier on PATH is only ever started without arguments: it is never handed
words it might take as an entry to write.

Command modules mark what an argument takes with :func:`hint`; this module stays import-free so
that marking costs the CLI's start-up nothing.
"""

from __future__ import annotations

from typing import Any

from journal.i18n import _

SHELLS = ("bash", "zsh", "fish")
#: Set (to the shell's name) by the scripts when they run the program to ask for completions.
ENV_SHELL = "_JOURNAL_COMPLETE"
#: The attribute :func:`hint` sets on an argparse action.
HINT_ATTR = "journal_completion"
#: What an argument can take, for :func:`hint`: a kind of document (its names are offered), a
#: path, a search query, or free text (nothing offered). ``KIND_ARGUMENT`` means "names of the
#: kind given in the command's ``kind`` argument" (``journal export org NAME``).
NAME_KINDS = ("contact", "project", "organisation")
FILE = "file"
QUERY = "query"
TEXT = "text"
KIND_ARGUMENT = "@kind"


def hint(action: Any, what: str) -> Any:
    """Mark what the argparse ``action`` takes (one of the constants above); returns it."""
    setattr(action, HINT_ATTR, what)
    return action


def script(shell: str) -> str:
    """The completion script for ``shell``, as shipped with the package."""
    if shell not in SHELLS:
        raise ValueError(_("unknown shell {shell!r}").format(shell=shell))
    from importlib.resources import files

    return (files(__package__) / f"journal.{shell}").read_text(encoding="utf-8")
