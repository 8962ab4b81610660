"""Editing a text in the user's editor (``$VISUAL``, ``$EDITOR``), as git does for a commit message.

The text goes to a private temporary file (a folder of mode 0700, a file of mode 0600: it is a
client note), the editor runs on it with an argument list — never through a shell, so a value such
as ``code --wait`` works and nothing in it is interpreted — and the file is read back and removed.
An editor that fails (non-zero exit), cannot be started, or leaves text that is not UTF-8 saves
nothing.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from journal.errors import JournalError
from journal.i18n import _

FALLBACK_EDITORS = ("editor", "nano", "vi")


def editor_command() -> list[str]:
    """The editor to run: ``$VISUAL``, else ``$EDITOR``, else the first of nano / vi found."""
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            try:
                parts = shlex.split(value)
            except ValueError as exc:
                raise JournalError(_("cannot read ${name} ({exc}): {value!r}").format(name=name, exc=exc, value=value[:60])) from None
            if parts:
                return parts
    for name in FALLBACK_EDITORS:
        found = shutil.which(name)
        if found:
            return [found]
    raise JournalError(_("no editor found: set $EDITOR (e.g. export EDITOR=nano)"))


def edit_text(initial: str, *, name: str = "journal-note.md") -> str:
    """Open ``initial`` in the editor and return the text saved there (trailing white space
    trimmed). Raises :class:`JournalError` when the editor fails; nothing is kept then."""
    command = editor_command()
    folder = Path(tempfile.mkdtemp(prefix="journal-edit-"))
    path = folder / name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(initial)
        try:
            result = subprocess.run([*command, str(path)], check=False)
        except OSError as exc:
            raise JournalError(_("cannot start the editor {command!r}: {value}").format(command=command[0], value=exc.strerror or exc)) from None
        if result.returncode != 0:
            raise JournalError(_("the editor exited with status {returncode}; nothing was "
                                 "saved").format(returncode=result.returncode))
        try:
            return path.read_bytes().decode("utf-8").rstrip()
        except UnicodeDecodeError:
            raise JournalError(_("the editor saved text that is not UTF-8; nothing was saved")) \
                from None
        except OSError as exc:
            raise JournalError(_("cannot read back the edited text: {value}").format(value=exc.strerror or exc)) \
                from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
