"""Reminders: ``--remind 15m|1h|1d|09:00|DATETIME`` on any entry, what is due now and not yet
acknowledged, acknowledging and snoozing.

A reminder is the entry's ``remind_at`` (local ``YYYY-MM-DDTHH:MM``). Acknowledging it stores that
same value in ``reminded``; it is due while ``remind_at`` has come, differs from ``reminded``, and
the entry is still planned — so setting a new time (or snoozing, which sets ``remind_at`` later)
makes it due again by itself, and ticking the entry off silences it. A repeating entry's
``remind_at`` is set for its first day and each occurrence reminds as long before its own start
(journal.recurrence.series); acknowledging or snoozing one occurrence is an exception of it.

* :mod:`.timing` — what people type to a moment.
* :mod:`.due` — which reminders are due.
* :mod:`.usecases` — the transactions, mixed into :class:`journal.service.Journal`.
"""
