"""Search: the query language (:mod:`.query`), the index over one loaded snapshot
(:mod:`.index`), result rendering (:mod:`.render`) and the derived on-disk cache that makes the
first query of a process fast (:mod:`.cache`).

Nothing is imported here: a command that parses a query does not pay for the cache.
"""
