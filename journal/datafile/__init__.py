"""The data file's bytes and side files, under :mod:`journal.storage`'s facade.

Only the storage layer uses this package. It owns the canonical byte format (:mod:`.canonical`),
where each document lies in those bytes (:mod:`.pieces`), the in-memory tables a transaction
changes (:mod:`.tables`), the file on disk — paths, the lock, atomic private writes, notes and
backups (:mod:`.files`) — the writer's change history (:mod:`.changes`) and the load-time
validation of the file's shape (:mod:`.validate`).
"""
