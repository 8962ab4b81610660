"""The manager's day: plan it, tick it off, carry over what is left, write the 小结, review the week.

Headless rules and use cases behind ``journal done/undone/carry/note/expenses`` and the app's tick,
carry and note keys, shared with the agenda that builds on them: working days and where carried
work goes (:mod:`.workdays`), ticking (:mod:`.status`), expenses typed as ``120 CNY 午餐``
(:mod:`.expenses`), the written part of week/month/quarter reviews (:mod:`.reviews`), the few
settings they need (:mod:`.config`), and the transactions themselves (:mod:`.usecases`, mixed
into :class:`journal.service.Journal`).
"""
