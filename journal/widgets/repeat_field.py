"""The editor's Repeat and Remind rows.

Repeat: a choice of the common rules for the entry's date (every day, every working day, every
week on its weekday, every two weeks, every month on its day or on its "second Tuesday", every
year) that writes the rule into a text box, where any rule ``journal add --repeat`` takes can be
typed too — English, Chinese, an end (``until 2027-06-30``, ``10次``) or a raw ``FREQ=…``. The
hint under the form says the rule in words, or what is wrong with it.

Remind: when to remind, as ``--remind`` takes it (``15m``, ``1h``, ``1d`` before the start,
``09:00`` on the day, ``2026-12-06 18:00``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label, Select

from journal.errors import JournalError
from journal.i18n import N_, _, chinese
from journal.i18n.formats import weekday_name

#: The rule language's words (English: what parse_repeat reads), not shown as they are.
_RULE_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ORDINALS = ("first", "second", "third", "fourth", "last")
#: The ordinals as the labels say them.
_ORDINAL_WORDS = {"first": N_("first"), "second": N_("second"), "third": N_("third"),
                  "fourth": N_("fourth"), "last": N_("last")}
CUSTOM = "custom"


def presets(day: date) -> list[tuple[str, str]]:
    """(label, rule text) of the common rules for an entry on ``day``: the label in the
    interface language, the rule in the rule language (English words, which it reads)."""
    weekday = weekday_name(day)
    short = _RULE_WEEKDAYS[day.weekday()]
    nth = _ORDINALS[min((day.day - 1) // 7, 4)]
    suffix = "" if chinese() else _suffix(day.day)
    return [(_("does not repeat"), ""), (_("every day"), "daily"),
            (_("every working day (Mon–Fri)"), "workdays"),
            (_("every week on {weekday}").format(weekday=weekday), f"weekly on {short}"),
            (_("every 2 weeks on {weekday}").format(weekday=weekday), f"every 2 weeks on {short}"),
            (_("every month on the {day}{suffix}").format(day=day.day, suffix=suffix),
             f"monthly on the {day.day}"),
            (_("every month on the {nth} {weekday}").format(nth=_(_ORDINAL_WORDS[nth]),
                                                            weekday=weekday),
             f"monthly on the {nth} {short}"),
            (_("every year"), "yearly"), (_("other: type it"), CUSTOM)]


def _suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def read_repeat(text: str, day: date | None) -> tuple[str | None, str | None, str]:
    """(the stored rule or None, the problem or None, the rule in words) for the Repeat box."""
    text = text.strip()
    if not text or day is None:
        return None, None, ""
    from journal.recurrence.rules import describe_rule, parse_repeat

    try:
        rule = parse_repeat(text, start=day)
    except JournalError as exc:
        return None, str(exc), ""
    return rule, None, describe_rule(rule)


def read_remind(text: str, day: str | None, time: str | None) -> tuple[str | None, str | None]:
    """(the ``remind_at`` or None, the problem or None) for the Remind box."""
    text = text.strip()
    if not text or day is None:
        return None, None
    from journal.reminders.timing import parse_remind

    try:
        return parse_remind(text, day=day, time=time), None
    except JournalError as exc:
        return None, str(exc)


class RepeatRow(Horizontal):
    """Label, the preset choice and the rule's text box (``#repeat``)."""

    def __init__(self, text: str, day: date, *, disabled_reason: str = "") -> None:
        super().__init__(classes="form-row", id="repeat-row")
        self._text = text
        self._day = day
        self._reason = disabled_reason

    def compose(self) -> ComposeResult:
        yield Label(_("Repeat"), classes="form-label")
        choices = presets(self._day)
        known = {rule: rule for _, rule in choices}
        value = known.get(self._text, CUSTOM if self._text else "")
        yield Select(choices, value=value, allow_blank=False, id="repeat-preset", compact=True,
                     disabled=bool(self._reason))
        yield Input(self._text, id="repeat", compact=True, disabled=bool(self._reason),
                    placeholder=self._reason or _("weekly on mon,thu until 2027-06-30, 每月15号, FREQ=…"))

    @on(Select.Changed, "#repeat-preset")
    def _preset(self, event: Select.Changed) -> None:
        box = self.query_one("#repeat", Input)
        if event.value == CUSTOM:
            box.focus()
            return
        if box.value != event.value:
            box.value = str(event.value)

    def follow_date(self, day: date) -> None:
        """The presets name the date's weekday and day of month: relabel them when it changes."""
        if day == self._day:
            return
        self._day = day
        select = self.query_one("#repeat-preset", Select)
        value = select.value
        with select.prevent(Select.Changed):
            choices = presets(day)
            select.set_options(choices)
            select.value = value if value in {rule for _, rule in choices} else CUSTOM \
                if self.query_one("#repeat", Input).value.strip() else ""


def moved_reminder(remind_at: str, start: dict[str, Any], fields: dict[str, Any]) -> str:
    """A reminder left as it was, moved by as much as the entry's start moved (a visit put off
    a day still reminds an hour before)."""
    from journal.reminders.timing import start_of

    try:
        shift = (start_of(fields["date"], fields.get("time"))
                 - start_of(start["date"], start.get("time")))
        return (datetime.fromisoformat(remind_at) + shift).strftime("%Y-%m-%dT%H:%M")
    except (ValueError, KeyError):
        return remind_at
