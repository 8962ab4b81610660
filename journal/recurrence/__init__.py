"""Entries that come back: the Monday team meeting, the monthly call to every VIP, the quarterly
review with a borrower.

A recurring entry (a *series*) is one entry document whose ``recurrence`` holds an RFC 5545 RRULE
(``FREQ=WEEKLY;BYDAY=MO``) and whose ``date`` is its first day. Its occurrences are never stored
one by one: they are worked out from the rule for the dates a view shows (:mod:`.expand`), and
each appears as a *virtual entry* whose id is ``SERIES_ID@YYYY-MM-DD`` (the occurrence's day
according to the rule). What is done to one occurrence — ticked, edited, moved, cancelled, skipped —
is stored on the series, in its ``exceptions`` keyed by that day (:mod:`.series`), so the series
stays one document that two machines merge like any other, occurrence by occurrence
(:mod:`journal.sync.merge`).

* :mod:`.rules` — what people type (``weekly on mon,thu until 2027-06-30``, ``每月第二个周二``) to
  an RRULE, and an RRULE back to words.
* :mod:`.expand` — the days a rule produces in a window (local dates, no time zones).
* :mod:`.series` — exceptions, virtual occurrence documents, splitting a series ("this and
  following").
* :mod:`.usecases` — the transactions, mixed into :class:`journal.service.Journal`.
"""
