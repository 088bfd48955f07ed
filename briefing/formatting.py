"""Per-edition formatting of data (dates, numbers, figures) with Babel's CLDR data.

Figures and dates live in content as data; they become text only here, once
per language, so the Arabic and English editions cannot disagree on a number.
"""
from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from babel.numbers import format_decimal

from .model import Figure, PartialDate

LOCALES = {"ar": "ar", "en": "en_GB"}
_DATE_PATTERNS = {"day": "d MMMM y", "month": "MMMM y", "year": "y"}
_SCALES = {"one": 1, "thousand": 1e3, "million": 1e6, "billion": 1e9}


def date(value: PartialDate | dt.date | str, lang: str) -> str:
    """A date at the precision the content gives: "4 April 2025", "March 2020", "2024"."""
    if isinstance(value, dt.date):
        value = PartialDate(value.isoformat())
    value = PartialDate(value)
    return format_date(value.first_day(), _DATE_PATTERNS[value.precision], locale=LOCALES[lang])


def number(value: float, lang: str) -> str:
    return format_decimal(value, locale=LOCALES[lang], group_separator=True)


def figure(fig: Figure, lang: str, words: dict[str, str]) -> str:
    """"€12 billion" / "12 مليار يورو"; `words` are the edition's scale and unit labels."""
    amount = number(fig.value, lang)
    scale = words.get(f"scale_{fig.scale}", "")
    if fig.unit == "percent":
        return f"{amount}%"
    if fig.unit in ("USD", "EUR"):
        if lang == "en":
            symbol = {"USD": "US$", "EUR": "€"}[fig.unit]
            return f"{symbol}{amount} {scale}".strip()
        currency = {"USD": "دولار", "EUR": "يورو"}[fig.unit]
        return " ".join(p for p in (amount, scale, currency) if p)
    unit = words.get(f"unit_{fig.unit}", fig.unit)
    return " ".join(p for p in (amount, scale, unit) if p)

