"""User-facing errors.

Everything a user can cause (bad input, an unreadable file, an unknown name) is raised as a
:class:`JournalError`; the CLI prints its message as one line and exits non-zero, the TUI shows it in
a notification. Anything else escaping is a bug.
"""

from __future__ import annotations


class JournalError(Exception):
    """An error caused by input or environment, explained in one line for the user."""


class ValidationError(JournalError):
    """A value does not fit the data model (a date like 2026-02-30, an empty event, ...)."""


class DuplicateNameError(ValidationError):
    """A new document would repeat an existing one (same name in the same organisation)."""

    def __init__(self, message: str, existing_id: str) -> None:
        super().__init__(message)
        #: The document that already has the name: the one to edit or show instead.
        self.existing_id = existing_id


class StorageError(JournalError):
    """The data file cannot be read, parsed, locked or written; it has been left untouched."""


class NotFoundError(JournalError):
    """An id or a name matches no document."""


class AmbiguousNameError(JournalError):
    """A name matches several documents; the message lists them so the user can pick one."""

    def __init__(self, message: str, candidates: list[tuple[str, str]] | None = None, *,
                 kind: str = "", text: str = "") -> None:
        super().__init__(message)
        #: (id, label) pairs of the matching documents, for UIs that let the user choose.
        self.candidates = candidates or []
        #: What was looked up (``contact``, ``zw``), when known: for UIs that list the candidates.
        self.kind = kind
        self.text = text
