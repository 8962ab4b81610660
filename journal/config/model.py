"""What the configuration holds, as typed values, and the defaults a new user starts with.

The configuration describes how *this user* works (their name, how they classify clients and how
often each class is served, what an entry of a given kind should record), not the journal's data:
it is one TOML file beside the per-machine settings (see :mod:`journal.config.files`). The data
file stores only what the user chose (a contact's tier is stored by its name, e.g. ``VIP``), so a
journal stays readable on a machine whose configuration differs; there a tier it does not know
simply has no default cadence.

Adding a key (currency, weekend days, language…): a field on :class:`Config` with its default, a
reader in :mod:`journal.config.parse` (``READERS``) that turns the TOML value into the field or
raises :class:`ConfigError` naming the key, and a writer in :mod:`journal.config.files`
(``render_config``) with a comment saying what it does. Tests in tests/test_config.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from journal.errors import JournalError, ValidationError
from journal.i18n import _
from journal.text import fold

#: A cadence is a whole number of days in this range (the model's rule for ``cadence_days``).
MAX_CADENCE = 3660
MAX_TIER_NAME = 40


class ConfigError(JournalError):
    """The configuration file cannot be read or holds a value that does not fit; the message names
    the file and the key."""


@dataclass(frozen=True)
class Tier:
    """One class of client: its name as stored on contacts and organisations, other names users
    may type for it (``重要`` for ``VIP``), and the default number of days between contacts."""

    name: str
    labels: tuple[str, ...] = ()
    cadence_days: int | None = None

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.labels)


class TierTable:
    """The ordered tiers (most valuable first) and the lookups everything else needs."""

    def __init__(self, tiers: Iterable[Tier]) -> None:
        self.tiers: tuple[Tier, ...] = tuple(tiers)
        self._by_key: dict[str, Tier] = {}
        self._seen: dict[str, Tier | None] = {}  # text as stored -> tier: lists ask 10k times
        for tier in self.tiers:
            for name in tier.names():
                self._by_key.setdefault(fold(name), tier)

    def __iter__(self):  # noqa: ANN204 - an iterator of Tier
        return iter(self.tiers)

    def __len__(self) -> int:
        return len(self.tiers)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TierTable) and other.tiers == self.tiers

    def __hash__(self) -> int:
        return hash(self.tiers)

    def __repr__(self) -> str:
        return f"TierTable({list(self.tiers)!r})"

    def find(self, text: str | None) -> Tier | None:
        """The tier ``text`` names (its name or a label, case- and width-insensitive), or None."""
        if not text:
            return None
        try:
            return self._seen[text]
        except KeyError:
            found = self._seen[text] = self._by_key.get(fold(text))
            return found

    def canonical(self, text: str) -> str:
        """The stored name of the tier ``text`` names; "" for an empty text (no tier). A name the
        table does not hold is refused with the names it does hold."""
        text = " ".join(text.split())
        if not text or text == "-":
            return ""
        tier = self.find(text)
        if tier is None:
            raise ValidationError(_("unknown tier {text!r}: use {describe} (`journal tiers` "
                                    "shows and edits the table)").format(text=text[:40], describe=self.describe()))
        return tier.name

    def describe(self) -> str:
        """``VIP (重要), A (高), B (中), C (低)`` for messages."""
        if not self.tiers:
            return "none (no tiers are configured)"
        return ", ".join(f"{t.name} ({', '.join(t.labels)})" if t.labels else t.name
                         for t in self.tiers)

    def cadence(self, name: str | None) -> int | None:
        """The default cadence of the tier stored as ``name`` (None: unknown tier or none set)."""
        tier = self.find(name)
        return tier.cadence_days if tier is not None else None

    def rank(self, name: str | None) -> int:
        """Position in the table (0 = most valuable); unknown and empty tiers after all known."""
        tier = self.find(name)
        return self.tiers.index(tier) if tier is not None else len(self.tiers)


@dataclass(frozen=True)
class Template:
    """What an entry of one kind should record. ``key`` is what ``journal add --template`` takes;
    ``event`` the event text it writes; choosing ``event`` or one of the ``aliases`` as the event in
    the app fills the summary with ``summary``. ``complaint``: such entries are complaints."""

    key: str
    event: str
    summary: str
    aliases: tuple[str, ...] = ()
    complaint: bool = False

    def events(self) -> tuple[str, ...]:
        return (self.event, *self.aliases)


DEFAULT_TIERS = TierTable([
    Tier("VIP", ("重要",), 14),
    Tier("A", ("高",), 30),
    Tier("B", ("中",), 60),
    Tier("C", ("低",), 90),
])

_DEFAULT_TEMPLATES = (
    Template("visit", "拜访记录", "目的：\n结果：\n下一步：", ("拜访", "客户拜访")),
    Template("visit-en", "Client visit", "Purpose:\nOutcome:\nNext steps:", ("Visit",)),
    Template("callback", "电话回访", "回访对象：\n客户反馈：\n下一步：", ("回访",)),
    Template("call-en", "Follow-up call", "Who:\nFeedback:\nNext steps:", ("Call",)),
    Template("complaint", "投诉处理", "投诉内容：\n处理过程：\n处理结果：\n客户反馈：",
             ("投诉",), complaint=True),
    Template("complaint-en", "Complaint", "Complaint:\nActions taken:\nOutcome:\n"
             "Client feedback:", (), complaint=True),
    Template("daily", "业绩日报", "今日业绩：\n客户拜访：\n问题与支持：\n明日计划：", ("日报",)),
    Template("daily-en", "Daily report", "Results today:\nClient visits:\n"
             "Issues and support needed:\nPlan for tomorrow:", ()),
)
DEFAULT_TEMPLATES: Mapping[str, Template] = MappingProxyType({t.key: t for t in _DEFAULT_TEMPLATES})


@dataclass(frozen=True)
class Config:
    """The user's configuration; every field has a default, so no file means these."""

    #: The user's own name: the default owner of clients, who hands a client over.
    owner: str = ""
    #: The interface language (``en``, ``zh``); "" follows the environment (LANG and friends).
    #: Only what is shown changes: the journal's data is the same in every language.
    language: str = ""
    tiers: TierTable = DEFAULT_TIERS
    templates: Mapping[str, Template] = field(default_factory=lambda: DEFAULT_TEMPLATES)

    def template(self, key: str) -> Template:
        """The template ``journal add --template KEY`` names (its key, or its event)."""
        found = self.templates.get(key.strip())
        if found is None:
            wanted = fold(key)
            found = next((t for t in self.templates.values() if fold(t.key) == wanted), None) \
                or self.template_for_event(key)
        if found is None:
            known = ", ".join(self.templates) or "none"
            raise ValidationError(_("no template {strip!r}: the templates are {known} "
                                    "(`journal templates` lists them)").format(strip=key.strip()[:40], known=known))
        return found

    def template_for_event(self, event: str) -> Template | None:
        """The template whose event (or an alias) is ``event``, compared as names are."""
        wanted = fold(event)
        if not wanted:
            return None
        for template in self.templates.values():
            if any(fold(name) == wanted for name in template.events()):
                return template
        return None
