"""The app's main screens, one per mode, each imported when it is first shown.

Why: importing every screen (and the widgets they need: forms, text areas, selects, Markdown-free
week view) at launch would spend a large share of the start-up budget on a big file, for
screens the user may never open in that session. Textual's ``MODES`` accepts a callable that
returns the screen, so each mode is a factory here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen


def _journal() -> Screen[Any]:
    from journal.screens.day import DayScreen

    return DayScreen()


def _search() -> Screen[Any]:
    from journal.screens.search import SearchScreen

    return SearchScreen()


def _contacts() -> Screen[Any]:
    from journal.screens.documents import ContactsScreen

    return ContactsScreen()


def _projects() -> Screen[Any]:
    from journal.screens.documents import ProjectsScreen

    return ProjectsScreen()


def _organisations() -> Screen[Any]:
    from journal.screens.documents import OrganisationsScreen

    return OrganisationsScreen()


def _week() -> Screen[Any]:
    from journal.screens.week import WeekScreen

    return WeekScreen()


def _month() -> Screen[Any]:
    from journal.screens.week import MonthScreen

    return MonthScreen()


def _calendar() -> Screen[Any]:
    from journal.screens.calendar import CalendarScreen

    return CalendarScreen()


MODES: dict[str, Callable[[], Screen[Any]]] = {
    "journal": _journal, "search": _search, "contacts": _contacts, "projects": _projects,
    "organisations": _organisations, "week": _week, "month": _month, "calendar": _calendar}
