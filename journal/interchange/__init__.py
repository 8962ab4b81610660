"""Getting data in and out of the journal.

``journal import FILE`` picks the importer in :mod:`.detect`: CSV (:mod:`.csv_import`), vCard
contacts (:mod:`.vcard` reads the file, :mod:`.vcard_import` merges the contacts), jrnl's journal
file (:mod:`.jrnl_text` reads it) or its JSON export (:mod:`.jrnl_import`), or a bundle
(:mod:`.bundle`: a hand-over, or a whole-journal JSON export). Shared file reading, decoding and
the report live in :mod:`.common`; ``--dry-run`` runs any of them through :mod:`.dry_run`. Every
importer validates first, writes ONE transaction with a backup taken just before the write, and
is idempotent.

``journal export`` writes the journal or a query's part as CSV, Excel, JSON, Markdown, iCalendar
or vCard (:mod:`.export`); ``journal export contact|org|project NAME`` builds a hand-over bundle
(:mod:`.bundle`) and renders it as JSON or Markdown (:mod:`.handover_md`).
"""
