"""Getting data in and out: CSV import (and later vCard, jrnl, ics, Markdown)."""
