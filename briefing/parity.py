"""Language parity: the Arabic and English versions of a text state the same numbers.

A translator can drop or mistype a figure, a year or a day, and neither
language's reader would notice. For each bilingual text field ({ar, en}), the
numbers written in it (digits normalised: Arabic-Indic -> Western; a group
separator dropped; "US$35bn" and "35 مليار دولار" both give 35) must be the same
set in both languages, and so must the `{slots}` of a label. A number written
as a word on one side (the 6th meeting / الاجتماع السادس; the tenth / العاشرة)
counts when the other side has that number in digits. What is left makes the
text need review (translations.py; an error in templates/labels.yaml):

    content/countries/kz.yaml:61:5: regional_role.text: ar needs review (numbers differ: ar has {2025}, en has {2024})

Where a difference is legitimate and no rule can see it, the field says why
in `numbers_differ:` (a note for the next editor, never shown on the page),
and the check skips it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from . import formatting
from .errors import Problem
from .load import Document

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SLOT = re.compile(r"\{(\w+)\}")
# Numbers as words, 1-10 and 20: English cardinals and ordinals; Arabic stems
# (cardinal and ordinal, either gender) matched as whole words after the
# article and one-letter prefixes (و ب ل ف ك).
_EN_WORDS = {
    1: "one|first",
    2: "two|second",
    3: "three|third",
    4: "four|fourth",
    5: "five|fifth",
    6: "six|sixth",
    7: "seven|seventh",
    8: "eight|eighth",
    9: "nine|ninth",
    10: "ten|tenth",
    20: "twenty|twentieth",
}
_AR_WORDS = {
    1: "أول|أولى|واحد|واحدة",
    2: "ثاني|ثانية|اثنان|اثنين|اثنتان|اثنتين",
    3: "ثالث|ثالثة|ثلاث|ثلاثة",
    4: "رابع|رابعة|أربع|أربعة",
    5: "خامس|خامسة|خمس|خمسة",
    6: "سادس|سادسة|ست|ستة",
    7: "سابع|سابعة|سبع|سبعة",
    8: "ثامن|ثامنة|ثماني|ثمانية",
    9: "تاسع|تاسعة|تسع|تسعة",
    10: "عاشر|عاشرة|عشر|عشرة",
    20: "عشرون|عشرين",
}
_EN_RE = {n: re.compile(rf"\b(?:{w})\b", re.I) for n, w in _EN_WORDS.items()}
_AR_RE = {
    n: re.compile(rf"(?<![\u0621-\u064A])[وبلفك]?(?:ال)?(?:{w})(?![\u0621-\u064A])")
    for n, w in _AR_WORDS.items()
}
EXEMPT = "numbers_differ"


def numbers(text: str) -> set[str]:
    """The numbers written in digits: "6.5", "2024", "1234" (group separators dropped)."""
    found = set()
    for match in _NUMBER.finditer(formatting.western(text)):
        n = match.group()
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", n):
            n = n.replace(",", "")
        found.add(n)
    return found


def _as_word(number: str, text: str, lang: str) -> bool:
    """`number` is written as a word in `text` (1-10 and 20 only)."""
    table = _AR_RE if lang == "ar" else _EN_RE
    return number.isdigit() and int(number) in table and bool(table[int(number)].search(text))


def difference(ar: str, en: str) -> tuple[set[str], set[str]] | None:
    """(only in Arabic, only in English), or None when the two agree."""
    in_ar, in_en = numbers(ar), numbers(en)
    only_ar = {n for n in in_ar - in_en if not _as_word(n, en, "en")}
    only_en = {n for n in in_en - in_ar if not _as_word(n, ar, "ar")}
    if _SLOT.findall(ar) or _SLOT.findall(en):
        only_ar |= {f"{{{s}}}" for s in set(_SLOT.findall(ar)) - set(_SLOT.findall(en))}
        only_en |= {f"{{{s}}}" for s in set(_SLOT.findall(en)) - set(_SLOT.findall(ar))}
    return (only_ar, only_en) if only_ar or only_en else None


def bilingual_fields(data: Any, loc: tuple = ()) -> Iterator[tuple[tuple, dict]]:
    """Every {ar, en} mapping in loaded YAML data, with its field path."""
    if isinstance(data, dict):
        if isinstance(data.get("ar"), str) and isinstance(data.get("en"), str):
            yield loc, data
            return
        for key, value in data.items():
            yield from bilingual_fields(value, loc + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from bilingual_fields(value, loc + (i,))


def _shown(values: set[str]) -> str:
    return "{" + ", ".join(sorted(values, key=lambda v: (len(v), v))) + "}"


def describe(diff: tuple[set[str], set[str]]) -> str:
    """`numbers differ: ar has {2025}, en has {2024}`, for a `difference`."""
    return f"numbers differ: ar has {_shown(diff[0])}, en has {_shown(diff[1])}"


def check(doc: Document) -> list[Problem]:
    problems = []
    for loc, field in bilingual_fields(doc.data):
        if field.get(EXEMPT):
            continue
        diff = difference(field["ar"], field["en"])
        if diff:
            problems.append(doc.problem(loc, describe(diff)))
    return problems
