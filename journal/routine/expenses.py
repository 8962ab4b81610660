"""Expenses typed the way people write them: ``120 CNY 午餐``, ``¥35 打车``, ``HK$300 dinner``.

One expense is an amount, a currency and a note. The currency may come before or after the amount
as an ISO code (``CNY 120``, ``120 usd``), a symbol (``¥ $ € £ HK$ US$``) or a Chinese unit
(``120元``, ``35块``); without one, the configured default currency applies. Three letters after the
amount are taken as a currency only if they are a real ISO 4217 code written in capitals, or one
of the common ones in any case (``120 bus fare`` is a note, ``120 CUP`` Cuban pesos). Several
expenses in one line (the editor's field, a CSV cell) are separated by ``;`` (or ``；``).

Amounts are positive with at most four decimals; they are stored as numbers (whole ones as
integers) and added up with :class:`decimal.Decimal`, so 0.1 + 0.2 is 0.3 in every total.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from journal.errors import ValidationError
from journal.i18n import _

__all__ = ["format_amount", "format_expense", "format_expenses", "parse_expense",
           "parse_expenses", "sum_by_currency"]

#: Active ISO 4217 codes (what "is a currency" means for three letters after an amount).
_ISO_TEXT = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT
LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP
STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF
XPF YER ZAR ZMW ZWL"""
ISO_CODES = frozenset(_ISO_TEXT.split())
#: Codes common enough to be recognised in lower case too.
_COMMON = frozenset({"CNY", "HKD", "USD", "EUR", "GBP", "JPY", "TWD", "MOP", "SGD", "AUD", "CAD",
                     "CHF", "KRW"})
#: Symbols and words that name a currency (after NFKC, which makes ￥ a ¥ and ＄ a $).
_SYMBOLS = {"hk$": "HKD", "us$": "USD", "nt$": "TWD", "s$": "SGD", "a$": "AUD", "c$": "CAD",
            "mop$": "MOP", "rmb": "CNY", "¥": "CNY", "元": "CNY", "块": "CNY", "块钱": "CNY",
            "人民币": "CNY", "港币": "HKD", "港元": "HKD", "美元": "USD", "美金": "USD", "欧元": "EUR",
            "英镑": "GBP", "日元": "JPY", "$": "USD", "€": "EUR", "£": "GBP", "₩": "KRW"}
_SYMBOL_RE = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_AMOUNT = r"(?P<amount>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"
_EXPENSE_RE = re.compile(
    rf"(?:(?P<pre>{_SYMBOL_RE}|[A-Za-z]{{3}}) ?)?{_AMOUNT}"
    rf"(?: ?(?P<post>{_SYMBOL_RE}|[A-Za-z]{{3}})(?![A-Za-z]))?(?:[ ,:;-]+(?P<note>.*))?\Z",
    re.IGNORECASE | re.DOTALL)
_MAX = Decimal("1e12")
_SEPARATOR = re.compile(r"[;；]")


def _currency(word: str | None) -> str | None:
    """The ISO code a symbol or a three-letter word names, or None if it is not a currency."""
    if not word:
        return None
    symbol = _SYMBOLS.get(word.casefold())
    if symbol:
        return symbol
    upper = word.upper()
    if upper in ISO_CODES and (word.isupper() or upper in _COMMON):
        return upper
    return None


def parse_expense(text: str, default_currency: str) -> dict[str, Any]:
    """``{amount, currency, note}`` from one expense as typed; a one-line error otherwise."""
    if not isinstance(text, str):
        raise ValidationError(_("invalid expense: expected text such as '120 CNY lunch'"))
    clean = " ".join(unicodedata.normalize("NFKC", text).split())
    shown = repr(clean if len(clean) <= 40 else clean[:40] + "…")
    match = _EXPENSE_RE.match(clean)
    pre = _currency(match["pre"]) if match else None
    post = _currency(match["post"]) if match else None
    if match and match["pre"] and pre is None:
        match = None  # "bus 120" is not a currency before an amount
    if match is None:
        raise ValidationError(_("invalid expense {shown}: expected an amount, an optional "
                                "currency and a note, e.g. '120 CNY 午餐' or '¥35 taxi'").format(shown=shown))
    note = (match["note"] or "").strip()
    if match["post"] and post is None:  # "120 bus fare": the word belongs to the note
        note = f"{match['post']} {note}".strip()
    if pre and post and pre != post:
        raise ValidationError(_("invalid expense {shown}: two currencies ({pre} and {post})").format(shown=shown, pre=pre, post=post))
    try:
        amount = Decimal(match["amount"].replace(",", ""))
    except InvalidOperation:
        raise ValidationError(_("invalid expense {shown}: cannot read the amount").format(shown=shown)) from None
    if amount <= 0 or amount >= _MAX:
        raise ValidationError(_("invalid expense {shown}: the amount must be above 0 and "
                                "below a trillion").format(shown=shown))
    if -amount.as_tuple().exponent > 4:  # type: ignore[operator]
        raise ValidationError(_("invalid expense {shown}: at most four decimals").format(shown=shown))
    if len(note) > 200:
        raise ValidationError(_("invalid expense {shown}: the note is longer than 200 "
                                "characters").format(shown=shown))
    return {"amount": int(amount) if amount == amount.to_integral_value() else float(amount),
            "currency": pre or post or default_currency, "note": note}


def parse_expenses(text: str, default_currency: str) -> list[dict[str, Any]]:
    """Several expenses separated by ``;`` (the editor's field, a CSV cell); empty parts are
    skipped, so an empty text is no expenses."""
    return [parse_expense(part, default_currency) for part in _SEPARATOR.split(text or "")
            if part.strip()]


def format_amount(amount: Any) -> str:
    """``120``, ``35.5``, ``1,200.25``: as typed, without float noise or exponents."""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value.normalize():,f}"


def format_expense(expense: Mapping[str, Any]) -> str:
    """``120 CNY 午餐``: what :func:`parse_expense` reads back."""
    parts = [format_amount(expense.get("amount")).replace(",", ""),
             str(expense.get("currency") or "").strip(), str(expense.get("note") or "").strip()]
    return " ".join(p for p in parts if p)


def format_expenses(expenses: Iterable[Mapping[str, Any]]) -> str:
    """The editor's one-line form: ``120 CNY 午餐; 35 CNY 打车``."""
    return "; ".join(format_expense(e) for e in expenses)


def sum_by_currency(expenses: Iterable[Mapping[str, Any]]) -> dict[str, int | float]:
    """Totals per currency (sorted by code), added as decimals; unreadable amounts are skipped
    (the load check guarantees numbers, a damaged file may still hold NaN)."""
    totals: dict[str, Decimal] = {}
    for item in expenses:
        try:
            amount = Decimal(str(item.get("amount")))
        except (InvalidOperation, ValueError):
            continue
        if not amount.is_finite():
            continue
        currency = str(item.get("currency") or "").strip().upper() or "?"
        totals[currency] = totals.get(currency, Decimal(0)) + amount
    return {c: int(v) if v == v.to_integral_value() else float(v) for c, v in sorted(totals.items())}
