"""What to do next: follow-ups and the agenda.

* :mod:`.followups` — a planned entry that follows up another (same contacts, projects and
  organisations, ``follows_id`` pointing back), when it is due, and the links both ways.
* :mod:`.build` — the agenda as data: today's plan and occurrences, overdue plans, reminders
  due, follow-ups due this week, clients due for a visit, birthdays coming.
* :mod:`.usecases` — the use cases, mixed into :class:`journal.service.Journal`.
"""
