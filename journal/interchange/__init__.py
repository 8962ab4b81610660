"""Getting data in and out of the journal.

``journal import FILE`` picks the importer in :mod:`.detect`: CSV (:mod:`.csv_import`), vCard
contacts (:mod:`.vcard` reads the file, :mod:`.vcard_import` merges the contacts), a jrnl export
(:mod:`.jrnl_import`) or a hand-over bundle (:mod:`.bundle`). ``journal export`` builds a bundle
(:mod:`.bundle`) and renders it as JSON or Markdown (:mod:`.handover_md`). Shared file reading,
decoding and the report live in :mod:`.common`. Every importer validates first, writes ONE
transaction with a backup taken just before the write, and is idempotent.
"""
