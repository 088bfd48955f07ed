"""The house voice and fields still to fill (issue #14, /work/shared/EDITORIAL.md).

- No phrase of briefing/voice.BANNED reaches a page, in either language or format; a build
  whose text holds one is refused, naming where the phrase was written.
- A field with no value (`unknown` in content) never prints as "unknown": a draft build shows
  a DRAFT mark and warns with `file:line:col`; `build.py --final` refuses it.
- `--final` builds every shipped brief (the session-wide `built` fixture is a --final build).
"""

from __future__ import annotations

import re
import zipfile
from html import unescape
from pathlib import Path

import lxml.html
import pytest

from briefing import cli, voice

from .conftest import ROOT, normalise, pdftotext

BRIEF = str(ROOT / "briefs" / "country-profiles.yaml")
GAP_EN = "DRAFT: no value yet, to fill from a source"


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if n in ("word/document.xml", "word/footnotes.xml")]
        xml = " ".join(z.read(n).decode("utf-8") for n in parts)
    return normalise(unescape(re.sub(r"<[^>]+>", " ", xml)))


def test_every_shipped_brief_is_built_final(built):
    briefs = sorted(p.stem for p in (ROOT / "briefs").glob("*.yaml"))
    # (_assets: the files the HTML pages share, beside the briefs' folders)
    assert (
        sorted(p.name for p in built.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))) == briefs
    )
    assert len(list(built.rglob("*.pdf"))) == len(list(built.rglob("*.docx"))) >= 27
    assert len(list(built.rglob("*.html"))) == len(list(built.rglob("*.pdf"))) + 2  # and the library


def test_no_banned_phrase_in_any_document_in_either_format(built):
    found = {}
    for path in sorted(built.rglob("*")):
        if path.suffix == ".pdf":
            text = normalise(pdftotext(path))
        elif path.suffix == ".docx":
            text = docx_text(path)
        elif path.suffix == ".html":  # the HTML edition and the library page
            text = normalise(lxml.html.parse(str(path)).getroot().find("body").text_content())
        else:
            continue
        assert len(text) > 500, path
        if voice.phrases_in(text):
            found[str(path.relative_to(built))] = voice.phrases_in(text)
    assert not found, found


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("As our sources say, the date is unknown.", ["our sources", "unknown"]),
        ("According to our sources", ["our sources", "according to our sources"]),
        ("Unknown", ["unknown"]),
        ("unknowns and well-known-unknown", []),  # words, not parts of words
        ("Not   specified in the\nsources", ["not specified in the sources"]),  # across spaces and lines
        ("وفقًا لما ذكرته مصادرنا", ["مصادرنا"]),
        ("الاسم غير معروف", ["غير معروف"]),
        ("The summit met on 4 April 2025.", []),
    ],
)
def test_the_phrase_list_matches_whole_phrases_in_both_languages(text, phrases):
    assert voice.phrases_in(text) == phrases


def build(content: Path, capsys, *extra: str) -> tuple[int, str, Path]:
    out = content.parent / "out"
    code = cli.main(
        ["--content", str(content), "--out", str(out), "--edition", "en", "--format", "pdf", *extra, BRIEF]
    )
    return code, capsys.readouterr().err, out


def line_col(path: Path, needle: str) -> tuple[int, int]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.mark.parametrize(
    ("ar", "en", "phrase", "lang"),
    [
        ("نما التبادل التجاري.", "According to our sources, trade grew.", "our sources", "en"),
        ("الرقم غير معروف.", "The figure is not given.", "غير معروف", "ar"),
    ],
)
def test_a_banned_phrase_fails_the_build_naming_where_it_was_written(minimal, capsys, ar, en, phrase, lang):
    kz = minimal / "countries" / "kz.yaml"
    text = kz.read_text(encoding="utf-8")
    point = '{ar: "نرحب بالشراكة الاستراتيجية مع الاتحاد الأوروبي (EU) منذ 2025.", en: "We welcome the strategic partnership with the EU since 2025."}'
    assert point in text
    kz.write_text(text.replace(point, f'{{ar: "{ar}", en: "{en}"}}'), encoding="utf-8")
    code, err, out = build(minimal, capsys, "--edition", lang)
    assert code == 1
    line, col = line_col(kz, phrase)
    expected = f"kz.yaml:{line}:{col}: (voice): country-profiles/kz.{lang}: {phrase!r} on the page"
    assert any(expected in e for e in err.splitlines()), err
    assert not out.exists() or not any(out.rglob("*.pdf"))


def test_a_field_with_no_value_is_a_draft_mark_and_a_warning(minimal, capsys):
    code, err, out = build(minimal, capsys)
    assert code == 0, err
    kz = minimal / "countries" / "kz.yaml"
    assert "warning: 4 field(s) with no value" in err
    for field, needle in (
        ("capital", "capital: unknown"),
        ("foreign_minister", "foreign_minister: unknown"),
        ("population.value", "value: unknown, unit: people"),
        ("gdp.value", "value: unknown, unit: USD"),
    ):
        line, col = line_col(kz, needle)
        col += len(needle.split(":")[0]) + 2  # the value, after "key: "
        assert f"kz.yaml:{line}:{col}: {field}: no value (`unknown`)" in err, (field, err)
    text = normalise(pdftotext(out / "country-profiles" / "kz.en.pdf"))
    assert text.count(GAP_EN) == 4
    assert not voice.phrases_in(text)


def test_final_refuses_a_field_with_no_value_naming_it(minimal, capsys):
    code, err, out = build(minimal, capsys, "--final")
    assert code == 1
    lines = err.splitlines()
    assert len([e for e in lines if ": no value (`unknown`)" in e]) == 4
    assert any(
        e.endswith(
            "kz.yaml:6:10: capital: no value (`unknown`): shown as a DRAFT mark; fill it from a source"
        )
        for e in lines
    ), err
    assert not out.exists() or not any(out.rglob("*.pdf"))


def test_a_fact_left_out_of_content_has_no_row_and_no_mark(minimal, capsys):
    kz = minimal / "countries" / "kz.yaml"
    text = kz.read_text(encoding="utf-8")
    for line in ("foreign_minister: unknown\n", "population: {value: unknown, unit: people}\n"):
        text = text.replace(line, "")
    kz.write_text(text, encoding="utf-8")
    code, err, out = build(minimal, capsys)
    assert code == 0, err
    pdf = normalise(pdftotext(out / "country-profiles" / "kz.en.pdf"))
    assert pdf.count(GAP_EN) == 2  # capital and GDP still to fill
    assert "Foreign minister" not in pdf and "Population" not in pdf
