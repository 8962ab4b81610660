"""`journal export`: the journal, or the part a query selects, in the formats other tools read.

:mod:`.scope` picks the documents (from the search cache, with the filters of ``search``), and one
module per format renders them to bytes: :mod:`.csvfile` (the CSV import's columns),
:mod:`.workbook` (Excel, openpyxl), :mod:`.jsonfile` (a bundle that imports back), :mod:`.diary`
(Markdown), :mod:`.ics` (iCalendar, icalendar) and :mod:`.vcf` (vCard 4.0/3.0). The libraries are
imported only by the format that needs them, so the CLI starts without them. The one-client
hand-over (``journal export contact|org|project NAME``) lives in :mod:`journal.interchange.bundle`
and :mod:`journal.interchange.handover_md`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from journal.i18n import _
from journal.interchange.export.scope import ExportData
from journal.text import counted

FORMATS = ("csv", "xlsx", "json", "md", "ics", "vcard")
EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".md": "md", ".markdown": "md",
              ".ics": "ics", ".ical": "ics", ".vcf": "vcard", ".vcard": "vcard"}


@dataclass
class Rendered:
    """An export's bytes, what it holds in words (for the one-line report), and remarks."""

    data: bytes
    holds: str
    notes: list[str] = field(default_factory=list)


def format_of(path: Path | None) -> str | None:
    """The format a file name asks for by its extension, if any."""
    return EXTENSIONS.get(path.suffix.lower()) if path is not None else None


def render(data: ExportData, fmt: str, *, excel: bool = False, encoding: str = "utf-8",
           vcard3: bool = False, all_statuses: bool = False) -> Rendered:
    """``data`` as ``fmt`` (one of :data:`FORMATS`)."""
    notes = list(data.notes)
    entries = counted(len(data.entries), _("entries"))
    documents = (f"{entries}, {counted(len(data.contacts), _('contacts'))}, "
                 f"{counted(len(data.projects), _('projects'))}, "
                 f"{counted(len(data.organisations), _('organisations'))}")
    if fmt == "csv":
        from journal.interchange.export.csvfile import render_csv

        return Rendered(render_csv(data, excel=excel, encoding=encoding), entries, notes)
    if fmt == "xlsx":
        from journal.interchange.export.workbook import render_xlsx

        return Rendered(render_xlsx(data, notes), documents, notes)
    if fmt == "json":
        from journal.interchange.export.jsonfile import render_json

        days = f", {counted(len(data.days), _('day notes'))}" if data.days else ""
        return Rendered(render_json(data), documents + days, notes)
    if fmt == "md":
        from journal.interchange.export.diary import render_markdown

        return Rendered(render_markdown(data).encode("utf-8"), entries, notes)
    if fmt == "ics":
        from journal.interchange.export.ics import render_ics

        raw, events, birthdays = render_ics(data, all_statuses=all_statuses, notes=notes)
        return Rendered(raw, f"{counted(events, _('events'))} and {counted(birthdays, _('birthdays'))}",
                        notes)
    if fmt == "vcard":
        from journal.interchange.export.vcf import render_vcard

        raw = render_vcard(data, version="3.0" if vcard3 else "4.0")
        cards = sum(1 for i in data.people if i in data.contacts)
        return Rendered(raw, counted(cards, _("contacts")), notes)
    raise ValueError(_("unknown export format {fmt!r}").format(fmt=fmt))
