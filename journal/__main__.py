"""`python -m journal`."""

from journal.cli import entry_point

entry_point()
