"""Typesetting pass (render stage): rendered HTML -> the same HTML, with what belongs
together kept on one line.

The house style ("Numbers, dates, names"): a number stays with its unit, a date
with its month and year, a range with both ends, and a line never breaks inside
a name. Content writes these with ordinary spaces and hyphens; this pass finds
them in every text node, by the rules of its nearest `lang`, and joins them
with characters both layouts honour, WeasyPrint (Pango) and a word processor
alike:

- U+00A0 no-break space for the space in "20 million tonnes", "4 April 2025",
  "12 مليار يورو", "13 مارس 2025";
- U+2060 word joiner after the dash of a range ("2027–2028", "3–4 April") and
  between an Arabic prefix and its number ("بـ20", "الـ20");
- U+2011 non-breaking hyphen in a hyphenated name ("Kassym-Jomart").

Characters, not `white-space: nowrap` spans: WeasyPrint 70 breaks a line too
early, at the previous inline element, when a nowrap span does not fit at its
end. The text layer of both formats keeps the characters (U+00A0 reads as a
space; extractors may show U+2060 and U+2011).
"""

from __future__ import annotations

import re
from typing import Any  # lxml elements: no type information

from babel.dates import get_month_names

NBSP, WJ, NBHY = "\u00a0", "\u2060", "\u2011"
_DIGIT = r"[0-9\u0660-\u0669]"
# A number as written: digits with separators between digits, a percent sign.
_NUMBER = rf"{_DIGIT}+(?:[.,\u066b\u066c]{_DIGIT}+)*[%\u066a]?"

_EN_WORDS = [get_month_names("wide", locale="en_GB")[m] for m in range(1, 13)] + [
    "thousand",
    "million",
    "billion",
    "trillion",
    "bn",
    "tonnes",
    "tons",
    "tenge",
    "soms",
    "soums",
    "manats",
    "km",
    "per cent",
    "percent",
]
_AR_WORDS = sorted(
    {get_month_names("wide", locale=loc)[m] for loc in ("ar", "ar_SY") for m in range(1, 13)}
    | {
        "ألف",
        "آلاف",
        "مليون",
        "ملايين",
        "مليار",
        "مليارات",
        "تريليون",
        "يورو",
        "دولار",
        "دولارات",
        "طن",
        "أطنان",
        "تينغ",
        "سوم",
        "مانات",
    },
    key=len,
    reverse=True,
)
_MONTHS = {
    "en": [get_month_names("wide", locale="en_GB")[m] for m in range(1, 13)],
    "ar": sorted(
        {get_month_names("wide", locale=loc)[m] for loc in ("ar", "ar_SY") for m in range(1, 13)},
        key=len,
        reverse=True,
    ),
}


def _words(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in words)


# number + unit word: "20 million", "4 April", "12 مليار", "13 مارس"
_UNIT = {
    "en": re.compile(rf"(?<![\w.,])({_NUMBER}) (?=(?:{_words(_EN_WORDS)})\b)"),
    "ar": re.compile(rf"({_NUMBER}) (?=(?:{_words(_AR_WORDS)})(?![\u0621-\u064a]))"),
}
# unit word + unit word ("million tonnes", "مليار يورو"), month (or Arabic month/month) + year
_PAIR = {
    "en": re.compile(rf"\b((?:{_words(_EN_WORDS)})) (?=(?:{_words(_EN_WORDS)})\b|{_DIGIT}{{4}}\b)"),
    "ar": re.compile(
        rf"((?:{_words(_AR_WORDS)})(?:/(?:{_words(_MONTHS['ar'])}))?) (?=(?:{_words(_AR_WORDS)})|{_DIGIT}{{4}})"
    ),
}
# a range: two numbers joined by an unspaced en dash or hyphen
_RANGE = re.compile(rf"({_DIGIT})([–-])(?={_DIGIT})")
# an Arabic prefix on a number: بـ20, الـ20 (the tatweel carries the join)
_PREFIX = re.compile(rf"(\u0640)(?={_DIGIT})")
# a hyphenated name: Kassym-Jomart
_NAME = re.compile(r"\b([A-Z][a-z\u00e0-\u024f]+)-(?=[A-Z][a-z\u00e0-\u024f])")


# A URL is left as it is: a join inside it ("us13-2-billion") would change the address a reader copies.
_URL = re.compile(r"(https?://[^\s<>\"]+)")


def keep_together(text: str, lang: str) -> str:
    """`text` (in language `lang`, "ar" or "en") with its no-break joins in place, URLs untouched."""
    if lang not in _UNIT:
        return text
    pieces = _URL.split(text)  # text, URL, text, ...: the joins go in the text between URLs
    return "".join(p if i % 2 else _joined(p, lang) for i, p in enumerate(pieces))


def _joined(text: str, lang: str) -> str:
    text = _UNIT[lang].sub(lambda m: m.group(1) + NBSP, text)
    text = _PAIR[lang].sub(lambda m: m.group(1) + NBSP, text)
    text = _RANGE.sub(lambda m: m.group(1) + m.group(2) + WJ, text)
    if lang == "ar":
        text = _PREFIX.sub(lambda m: m.group(1) + WJ, text)
    return _NAME.sub(lambda m: m.group(1) + NBHY, text)


def apply(html: str) -> str:
    """The rendered HTML with every text node joined by keep_together, in its language."""
    import lxml.html

    root = lxml.html.document_fromstring(html)

    def lang_of(el: Any) -> str:
        while el is not None:
            if el.get("lang"):
                return el.get("lang").split("-")[0]
            el = el.getparent()
        return ""

    for el in root.body.iter():
        if not isinstance(el.tag, str) or el.tag in ("style", "script"):
            continue
        if el.text:
            el.text = keep_together(el.text, lang_of(el))
        if el.tail and el is not root.body:
            el.tail = keep_together(el.tail, lang_of(el.getparent()))
    return lxml.html.tostring(root, doctype="<!DOCTYPE html>", encoding="unicode")
