"""Per-edition formatting of data (dates, numbers, figures) with Babel's CLDR data.

Figures and dates live in content as data; they become text only here, once
per language, so the Arabic and English editions cannot disagree on a number.

An Arabic edition chooses two things in its brief (model.BriefBase):
- `arabic_digits`: Western 0–9 (the default, as the seeds write them) or Arabic-Indic
  ٠–٩; `arabic_indic()` converts any text for display, and `render.py` applies
  it to every text node of the Arabic pages, so formatted values, table
  figures, note numbers and digits typed inside content all follow it.
- `arabic_months`: the CLDR month names of `ar` (أبريل), of the Levantine locales
  (`ar_SY`: نيسان), or both as the seeds sometimes write them (أبريل/نيسان).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import get_args

from babel.dates import format_date, get_month_names
from babel.numbers import format_decimal

from .model import Currency, Figure, PartialDate

LOCALES = {"ar": "ar", "en": "en_GB"}
LEVANTINE = "ar_SY"  # CLDR's Syrian Arabic: the month names of Syria, Lebanon, Jordan, Palestine, Iraq
_DATE_PATTERNS = {"day": "d MMMM y", "month": "MMMM y", "year": "y"}
RANGE_DASH = "–"  # en dash, unspaced between two simple values

WESTERN = "0123456789"
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
_TO_ARABIC_INDIC = str.maketrans(WESTERN, ARABIC_INDIC)
_TO_WESTERN = str.maketrans(ARABIC_INDIC + "۰۱۲۳۴۵۶۷۸۹", WESTERN * 2)
# A number as written in text: digits, with decimal or group separators between digits, and a percent sign.
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
# Digits in a word with Latin letters (COP29, A4, a map scale "1:50m") are part of a Latin name
# and are left alone, all of them: converting "1:50m" digit by digit made "١:٥0m".
_LATIN_WORD = re.compile(r"\S*[A-Za-z\u00C0-\u024F]\S*")


def arabic_indic(text: str) -> str:
    """Western digits as Arabic-Indic ones, with the Arabic decimal separator (٫),
    group separator (٬) and percent sign (٪); digits inside Latin names stay."""

    def convert(match: re.Match) -> str:
        s = match.group()
        s = re.sub(r"(?<=\d)\.(?=\d)", "\u066b", s)
        s = re.sub(r"(?<=\d),(?=\d)", "\u066c", s)
        return s.translate(_TO_ARABIC_INDIC).replace("%", "\u066a")

    parts, last = [], 0
    for word in _LATIN_WORD.finditer(text):
        parts += [_NUMBER.sub(convert, text[last : word.start()]), word.group()]
        last = word.end()
    return "".join(parts) + _NUMBER.sub(convert, text[last:])


def western(text: str) -> str:
    """Arabic-Indic and Extended Arabic-Indic digits (and their separators) as Western ones."""
    return text.translate(_TO_WESTERN).replace("\u066b", ".").replace("\u066c", ",").replace("\u066a", "%")


def month_name(month: int, lang: str, months: str = "default") -> str:
    """The wide month name: `default` (CLDR `ar`: أبريل), `levantine` (نيسان) or `both` (أبريل/نيسان)."""
    if lang != "ar" or months == "default":
        return get_month_names("wide", locale=LOCALES[lang])[month]
    levantine = get_month_names("wide", locale=LEVANTINE)[month]
    if months == "levantine":
        return levantine
    return f"{get_month_names('wide', locale='ar')[month]}/{levantine}"


def months_in_text(text: str, months: str) -> str:
    """Month names typed in Arabic content ("في 2 أبريل 2025") in the brief's form.

    Only a month name next to a number (a day before it or a year after it) or
    after "في" ("in") is changed: مارس is also a verb ("practised"), which
    never sits there.
    """
    if months == "default":
        return text
    for m in range(1, 13):
        name = get_month_names("wide", locale="ar")[m]
        text = re.sub(
            rf"(?<=[0-9\u0660-\u0669] ){name}(?!/)|(?<=\bفي ){name}(?!/)|(?<!/){name}(?= [0-9\u0660-\u0669])",
            month_name(m, "ar", months),
            text,
        )
    return text


def date(value: PartialDate | dt.date | str, lang: str, months: str = "default") -> str:
    """A date at the precision the content gives: "4 April 2025", "March 2020", "2024"."""
    if isinstance(value, dt.date):
        value = PartialDate(value.isoformat())
    value = PartialDate(value)
    text = format_date(value.first_day(), _DATE_PATTERNS[value.precision], locale=LOCALES[lang])
    _, m, _ = value.parts
    if m and lang == "ar" and months != "default":
        text = text.replace(month_name(m, "ar"), month_name(m, "ar", months))
    return text


def date_range(
    start: PartialDate | dt.date | str, end: PartialDate | dt.date | str, lang: str, months: str = "default"
) -> str:
    """Two dates as one range, saying the shared month and year once:
    "3–4 April 2025" / "3–4 أبريل 2025"; "30 March – 4 April 2025"; "2026–2028".

    Both ends must have the same precision; a range of equal ends is one date.
    In Arabic the same logical order is kept (start first): the reader's
    bidi algorithm shows the start on the right.
    """
    a, b = (PartialDate(v.isoformat() if isinstance(v, dt.date) else v) for v in (start, end))
    if a.precision != b.precision:
        raise ValueError(f"a range needs two dates of the same precision: {a} – {b}")
    if b < a:
        raise ValueError(f"a range must not end before it starts: {a} – {b}")
    if a == b:
        return date(a, lang, months)
    (y1, m1, d1), (y2, m2, d2) = a.parts, b.parts
    year = lambda y: format_date(dt.date(y, 1, 1), "y", locale=LOCALES[lang])  # noqa: E731
    if a.precision == "year":
        return f"{year(y1)}{RANGE_DASH}{year(y2)}"
    assert m1 and m2  # month or day precision: both give a month
    if a.precision == "month":
        if y1 == y2:
            return f"{month_name(m1, lang, months)} {RANGE_DASH} {month_name(m2, lang, months)} {year(y2)}"
        return f"{date(a, lang, months)} {RANGE_DASH} {date(b, lang, months)}"
    if (y1, m1) == (y2, m2):
        return f"{d1}{RANGE_DASH}{d2} {month_name(m2, lang, months)} {year(y2)}"
    if y1 == y2:
        return (
            f"{d1} {month_name(m1, lang, months)} {RANGE_DASH} {d2} {month_name(m2, lang, months)} {year(y2)}"
        )
    return f"{date(a, lang, months)} {RANGE_DASH} {date(b, lang, months)}"


def number(value: float, lang: str) -> str:
    return format_decimal(value, locale=LOCALES[lang], group_separator=True)


def percent(value: float, lang: str) -> str:
    """A percentage given as the number of percent (27 -> "27%"); both editions put the sign after."""
    return f"{number(value, lang)}%"


CURRENCIES = get_args(Currency)


def money(value: float, unit: str, scale: str, lang: str, words: dict[str, str]) -> str:
    """ "€12 billion" / "12 مليار يورو"; "US$13.2 billion" / "13.2 مليار دولار";
    "119.4 trillion tenge" / "119.4 تريليون تينغ".

    A national currency has no symbol a reader knows: its name follows the number, from the
    edition's labels (`unit_KZT`), as a unit's does."""
    amount = number(value, lang)
    scale_word = words.get(f"scale_{scale}", "") if scale != "one" else ""
    if lang == "en" and unit in ("USD", "EUR"):
        symbol = {"USD": "US$", "EUR": "€"}[unit]
        return f"{symbol}{amount} {scale_word}".strip()
    arabic = {"USD": "دولار", "EUR": "يورو"}
    currency = arabic[unit] if lang == "ar" and unit in arabic else words[f"unit_{unit}"]
    return " ".join(p for p in (amount, scale_word, currency) if p)


def figure(fig: Figure, lang: str, words: dict[str, str]) -> str:
    """ "€12 billion" / "12 مليار يورو"; `words` are the edition's scale and unit labels.

    A figure with an `equivalent` (the same amount in another currency, as the
    source gives it) adds it in parentheses: "€12 billion (US$13.2 billion)".
    """
    value = fig.value
    if value == "unknown":
        raise ValueError("an unknown figure has no text: the page leaves it out")
    if fig.unit == "percent":
        return percent(value, lang)
    if fig.unit in CURRENCIES:
        text = money(value, fig.unit, fig.scale, lang, words)
        eq = getattr(fig, "equivalent", None)
        if eq is not None:
            text += f" ({money(eq.value, eq.unit, eq.scale, lang, words)})"
        return text
    amount = number(value, lang)
    scale = words.get(f"scale_{fig.scale}", "") if fig.scale != "one" else ""
    unit = words.get(f"unit_{fig.unit}", fig.unit)
    return " ".join(p for p in (amount, scale, unit) if p)
