"""Files written for the user — a report, an export, a hand-over — next to the journal's own.

An output is client data: it is written like the journal itself (privately, atomically, through
:func:`journal.datafile.files.atomic_write`), and it must never land on the journal or one of its
side files: ``-o journal.json`` would replace the journal with a report, ``-o .journal-cache/x``
would plant data where derived caches are trusted.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from journal.datafile.canonical import Buffer
from journal.datafile.files import BACKUP_DIR, CACHE_DIR, atomic_write, resolve_data_path
from journal.errors import StorageError, ValidationError
from journal.i18n import _


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def check_output(target: Path, journal_path: Path) -> None:
    """Refuse ``target`` before any work when it is a folder, the journal itself (by any name),
    its lock, or a file in its side folders. Raises :class:`ValidationError`."""
    if "\x00" in str(target):
        raise ValidationError(_("{target!r}: not a file name").format(target=str(target)[:60]))
    if target.is_dir():
        raise ValidationError(_("{target}: is a folder; give a file name for -o").format(target=target))
    try:
        data = resolve_data_path(journal_path)
    except StorageError:
        data = Path(os.path.realpath(journal_path))
    real = Path(os.path.realpath(target))
    if _same_file(target, journal_path) or real == data:
        raise ValidationError(_("{target}: is the journal file itself; choose another file "
                                "for -o").format(target=target))
    if real == data.with_name(data.name + ".lock") or (
            real.parent.name in (CACHE_DIR, BACKUP_DIR) and real.parent.parent == data.parent):
        raise ValidationError(_("{target}: belongs to the journal's own files; choose another "
                                "file for -o").format(target=target))


def write_output(target: Path, data: bytes | Sequence[Buffer], journal_path: Path) -> None:
    """Check ``target`` (see :func:`check_output`), then write it atomically with mode 0600: a
    crash leaves the old file or the new one, never half of it."""
    check_output(target, journal_path)
    atomic_write(target, data)
