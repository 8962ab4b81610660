"""Between the shell scripts and :mod:`journal.completion.engine`.

A script runs the program with no arguments and these variables set:

* ``_JOURNAL_COMPLETE``: ``bash``, ``zsh`` or ``fish``;
* ``_JOURNAL_COMPLETE_WORDS``: the words of the command line up to and including the one under the
  cursor, joined by the unit separator (0x1f): from bash as it holds them (quoted, split at ``=``
  and ``:``), from zsh and fish unquoted but for the one under the cursor, which is as typed;
* ``_JOURNAL_COMPLETE_CWORD``: the index of the word under the cursor (bash's ``COMP_CWORD``).

The answer on stdout: a first line ``files``, ``none``, ``words`` (or for bash ``quoted``). After
``files``, one line with the path typed so far (the shell lists the files). After ``words``, one
candidate per line: for bash as text that readline quotes itself, as it quotes file names (so a
listing shows names as they are, and an opened quote is closed); for zsh and fish the text, a tab
and its description, and a line ``\x1fopen`` before the candidates that more of the same word
follows (``contact:``, which wants a name right after it). bash gets those, and names readline
would not quote safely, as ``quoted``: ready to insert, with the space that ends a finished word
(after an opened quote readline adds the closing quote itself). Output is UTF-8.

bash is the shell that needs help: its words are raw (quotes and backslashes still in) and split
at ``=`` and ``:`` (``--org=AC`` arrives as ``--org``, ``=``, ``AC``). So for bash the pieces are
joined back into words here, quotes removed, and each candidate is cut to the piece readline
replaces. zsh and fish do all of that themselves.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

from journal.completion import ENV_SHELL, SHELLS
from journal.completion.engine import Completion, complete
from journal.completion.names import Names

ENV_WORDS = "_JOURNAL_COMPLETE_WORDS"
ENV_CWORD = "_JOURNAL_COMPLETE_CWORD"
SEPARATOR = "\x1f"
#: The line before the open-ended candidates (zsh, fish); no candidate holds a control character.
OPEN_SECTION = SEPARATOR + "open"
#: bash's default COMP_WORDBREAKS characters that can split a word this program takes apart
#: (``--opt=value``, ``contact:name``).
_BASH_BREAKS = ("=", ":")
#: ASCII characters that readline's file-name quoting escapes correctly on a bash command line (it
#: leaves ``$`` and backquotes bare, and lists only what follows a ``/``, so names holding those
#: are quoted here instead).
_READLINE_QUOTES = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.,:@+()&;'\"#*?")
#: Characters that need no quoting on a bash command line (anything not ASCII is left as is).
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+,=")


def answer(env: Mapping[str, str], parser: argparse.ArgumentParser, out: TextIO,
           names: Callable[[str | None], Names], default_file: Callable[[], Path]) -> int:
    """Answer the completion request in ``env`` on ``out``; 0, or 2 for a malformed request
    (nothing printed: the shell then offers nothing)."""
    shell = env.get(ENV_SHELL, "")
    try:
        raw = env.get(ENV_WORDS, "").split(SEPARATOR)
        cword = int(env.get(ENV_CWORD, ""))
    except ValueError:
        return 2
    if shell not in SHELLS or not 0 < cword < len(raw) + 1:
        return 2
    raw = raw[:cword + 1] + [""] * (cword + 1 - len(raw))

    def names_for(journal_file: str | None) -> Names:
        return names(Path(os.path.expanduser(journal_file)) if journal_file else default_file())

    if shell == "bash":
        words, current, keep, quote = _bash_words(raw, cword)
    else:  # the scripts hand over the earlier words unquoted already, the current one as typed
        words = raw[:cword]
        current, quote = unquote(raw[cword])
        keep = 0
    result = complete(parser, words, current, names_for)
    out.write(render(result, shell, keep=keep, quote=quote))
    return 0


def render(result: Completion, shell: str, *, keep: int = 0, quote: str = "") -> str:
    """The answer's text for ``shell``. For bash, ``keep`` leading characters of every candidate
    are already on the line (before the piece readline replaces) and ``quote`` is the quote the
    cursor is inside."""
    if result.mode == "files":
        return f"files\n{_one_line(result.path_prefix)}\n"
    candidates = [c for c in dict.fromkeys(result.candidates)
                  if "\n" not in c.text and "\t" not in c.text]
    if result.mode == "none" or not candidates:
        return "none\n"
    if shell == "bash":
        texts = [c.text[keep:] for c in candidates]
        if not any(c.open_end for c in candidates) and all(_READLINE_QUOTES.issuperset(
                ch for ch in text if ch.isascii()) for text in texts):
            return "\n".join(["words", *texts]) + "\n"
        # quoted here: a filter that a name follows (no space after it), or a name with
        # characters readline's file-name quoting leaves bare (a backquote would run a command)
        end = "" if quote else " "  # readline closes an opened quote itself
        quoted = [bash_quote(text, quote) + ("" if c.open_end else end)
                  for c, text in zip(candidates, texts, strict=True)]
        return "\n".join(["quoted", *quoted]) + "\n"
    lines = ["words"]
    open_ended = []
    for candidate in candidates:
        line = f"{candidate.text}\t{_one_line(candidate.description)}".rstrip("\t")
        (open_ended if candidate.open_end else lines).append(line)
    if open_ended:
        lines += [OPEN_SECTION, *open_ended]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").splitlines())


# -- bash -----------------------------------------------------------------------------------------
def _bash_words(raw: list[str], cword: int) -> tuple[list[str], str, int, str]:
    """(words before the current one, the current word, how many of its leading characters are
    on the line before the piece readline replaces, the quote the cursor is in), with the pieces
    bash split at ``=`` and ``:`` joined back: ``--org`` ``=`` ``AC`` is the word ``--org=AC``."""
    words: list[str] = []  # unquoted, joined
    starts: list[int] = []  # raw index where each joined word began
    i = 0
    while i <= cword:
        piece = raw[i]
        if (piece in _BASH_BREAKS and words and starts[-1] < i and _joins(words[-1], piece)
                and (i == cword or raw[i - 1] not in _BASH_BREAKS)):
            words[-1] += piece
            if i + 1 <= cword:
                words[-1] += unquote(raw[i + 1])[0]
                i += 2
                continue
            i += 1
            continue
        words.append(unquote(piece)[0])
        starts.append(i)
        i += 1
    current = words.pop()
    # the piece readline replaces: the raw current word, or nothing right after a break
    piece_raw = "" if raw[cword] in _BASH_BREAKS and starts[-1] != cword else raw[cword]
    piece, quote = unquote(piece_raw)
    keep = len(current) - len(piece)
    return words, current, max(keep, 0), quote


def _joins(word: str, piece: str) -> bool:
    """Whether bash split ``word`` at ``piece``: ``--opt=`` or a search filter's ``name:``."""
    if piece == "=":
        return word.startswith("--")
    body = word.removeprefix("-")
    return bool(body) and body.isalpha() and ":" not in body


def bash_quote(text: str, quote: str) -> str:
    """``text`` as it must be typed at the cursor: inside a single- or double-quoted string, or
    bare (every special character escaped with a backslash)."""
    if quote == "'":
        return text.replace("'", "'\\''")
    if quote == '"':
        escaped = "".join("\\" + ch if ch in '\\"$`' else ch for ch in text)
        return escaped.replace("!", '"\'!\'"')  # history expansion: ! cannot be escaped in "…"
    return "".join(ch if ch in _SAFE or not ch.isascii() else "\\" + ch for ch in text)


def unquote(word: str) -> tuple[str, str]:
    """The text a shell word stands for, and the quote still open at its end ('' when none):
    backslash escapes, '…' and "…" (unfinished ones too, as the cursor leaves them)."""
    out: list[str] = []
    quote = ""
    i = 0
    while i < len(word):
        ch = word[i]
        if quote == "'":
            if ch == "'":
                quote = ""
            else:
                out.append(ch)
        elif quote == '"':
            if ch == '"':
                quote = ""
            elif ch == "\\" and i + 1 < len(word) and word[i + 1] in '\\"$`\n':
                out.append(word[i + 1])
                i += 1
            else:
                out.append(ch)
        elif ch in "'\"":
            quote = ch
        elif ch == "\\" and i + 1 < len(word):
            out.append(word[i + 1])
            i += 1
        elif ch != "\\":
            out.append(ch)
        i += 1
    return "".join(out), quote

