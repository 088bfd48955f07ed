"""Bidi edge cases, in both formats: tests/fixtures/bidi holds one short line per case,
built through the real country-profile pipeline; each case's visual order is read
from the characters' positions in our PDF, and in the DOCX as LibreOffice lays it out.

Expectations are written left to right, as the eye meets them. Arabic is
written in logical order and reversed by `A()`; what the Unicode bidi algorithm
(UAX #9) does to digits in Arabic text is the point: after an Arabic letter,
Western digits are Arabic numbers (rule W2), so a range "2026–2028" shows its
start on the right (read first, right to left) and "6.5%" shows the percent
sign on the left, both as an Arabic reader writes them.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from briefing import cli

from .conftest import FIXTURES, ROOT
from .layout import to_pdf, visual_lines

BRIEF = str(ROOT / "briefs" / "country-profiles.yaml")


def A(arabic: str) -> str:
    """An Arabic phrase as drawn: its letters right to left, so reversed left to right."""
    return r"\s*".join(re.escape(w) for w in arabic[::-1].split()) + r"\s*"


PAREN, QUOTE, S = r"[()]", r"[«»]", r"\s*"
# case -> (page language, regex over a visual line)
CASES = {
    "Latin name at the start of an Arabic line (a list item that starts with Latin words)": (
        "ar",
        A("ترأست") + r"Kaja Kallas\s*\S?$",
    ),
    "list item starting with two Latin words": ("ar", A("حزمة") + r"Global Gateway\s*\S?$"),
    "Latin name in the middle of an Arabic line": ("ar", A("بالوفد") + r"Arman Issetov" + S + A("الوزير")),
    "Latin name at the end of an Arabic line, full stop after it": (
        "ar",
        r"^\.\s*Jozef Síkela" + S + A("الاجتماع"),
    ),
    "decimal number with a percent sign": ("ar", A("في") + r"%6\.5" + S + A("النمو")),
    "year in parentheses at the end of an Arabic sentence": (
        "ar",
        r"\." + S + PAREN + "2024" + PAREN + S + A("السادس"),
    ),
    "range of years": ("ar", A("قيد") + r"2028–2026" + S + A("للفترة")),
    "English acronym followed by a number": ("ar", A("حيز") + r"EPCA 2020" + S + A("دخلت")),
    "Latin name with digits": ("ar", A("بوفد") + r"COP29" + S + A("في")),
    "quotation in Arabic quotation marks, a number inside": (
        "ar",
        A("في") + QUOTE + S + "2040" + S + A("آسيا الوسطى") + QUOTE + S + A("مفهوم"),
    ),
    "table cell: Arabic and a Latin name in parentheses; the header cell on the right": (
        "ar",
        PAREN + "Astana" + PAREN + S + A("أستانا") + r".*" + A("العاصمة"),
    ),
    "Arabic phrase inside English text": (
        "en",
        r"called\s*" + A("الاجتماع التشاوري") + r"in Arabic\s*\(2024\)\.",
    ),
    "Latin word inside an Arabic phrase inside an English table cell": (
        "en",
        r"Astana\s*\(" + S + A("أستانا") + r"\)",
    ),
}


@pytest.fixture(scope="module")
def bidi_docs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("bidi")
    # A copy (a build records its translation lock beside the content), outside --out (an
    # output folder may not hold an input folder).
    content = tmp_path_factory.mktemp("bidi-content") / "content"
    shutil.copytree(FIXTURES / "bidi", content)
    assert (
        cli.main(["--content", str(content), "--out", str(out), "--edition", "ar,en", "-j", "1", BRIEF]) == 0
    )
    return {
        f"{lang}.{fmt}": out / "country-profiles" / f"bidi.{lang}.{fmt}"
        for lang in ("ar", "en")
        for fmt in ("pdf", "docx")
    }


@pytest.fixture(scope="module")
def bidi_word_processor(bidi_docs, tmp_path_factory) -> dict[str, Path]:
    converted = to_pdf([bidi_docs["ar.docx"], bidi_docs["en.docx"]], tmp_path_factory.mktemp("bidi-lo"))
    return {"ar": converted[bidi_docs["ar.docx"]], "en": converted[bidi_docs["en.docx"]]}


def find(pdf: Path, pattern: str) -> str:
    lines = [line["text"] for line in visual_lines(pdf)]
    assert any(re.search(pattern, text) for text in lines), "not found; lines:\n" + "\n".join(lines)
    return next(text for text in lines if re.search(pattern, text))


@pytest.mark.parametrize("case", CASES)
def test_visual_order_in_our_pdf(bidi_docs, case):
    lang, pattern = CASES[case]
    find(bidi_docs[f"{lang}.pdf"], pattern)


@pytest.mark.parametrize("case", CASES)
def test_visual_order_in_the_docx_as_libreoffice_lays_it_out(bidi_word_processor, case):
    lang, pattern = CASES[case]
    find(bidi_word_processor[lang], pattern)


def test_the_checks_can_fail():
    """A reversed range or a percent sign on the wrong side is not accepted."""
    assert re.search(CASES["range of years"][1], "ديق 2028–2026 ةرتفلل")
    assert not re.search(CASES["range of years"][1], "ديق 2026–2028 ةرتفلل")
    assert not re.search(CASES["decimal number with a percent sign"][1], "يف 6.5% ومنلا")
    assert not re.search(CASES["year in parentheses at the end of an Arabic sentence"][1], "سداسلا (2024).")
