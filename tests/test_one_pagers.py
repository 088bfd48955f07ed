"""The per-country one-pagers, as built from the real content: every edition and
format exists, fits its pages, uses only the bundled fonts, keeps Arabic in
logical order, carries the RTL markup Word needs, and says the same in both formats."""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import get_args

import pytest
from babel.numbers import get_currency_name
from docx import Document
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from briefing import cli
from briefing.load import load
from briefing.model import Currency
from briefing.validate import load_content

from .conftest import ROOT, arabic_letters, docx_xml, normalise, pdf_text, words

CONTENT = load_content(ROOT / "content")
# The source of the locator map's boundaries, in every profile's source list.
MAP_SOURCE = load(ROOT / "briefs" / "country-profiles.yaml").data["locator_map"]["boundaries_source"]
COUNTRIES = sorted(CONTENT.countries)
EDITIONS = {"ar": ["ar"], "en": ["en"], "ar-en": ["ar", "en"]}
ARABIC = re.compile(r"[\u0600-\u06FF]")
MARKS = re.compile(r"[\u064B-\u065F\u0670]")


def arabic_words(text: str) -> list[str]:
    return [arabic_letters(w) for w in normalise(text).split() if arabic_letters(w)]


PRESENTATION_FORMS = re.compile(r"[\uFB50-\uFDFF\uFE70-\uFEFF]")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def out_file(built: Path, country: str, edition: str, fmt: str) -> Path:
    return built / "country-profiles" / f"{country}.{edition}.{fmt}"


def test_there_is_a_profile_for_each_of_the_six_countries():
    assert COUNTRIES == ["az", "kg", "kz", "tj", "tm", "uz"]


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("country", COUNTRIES)
def test_each_language_is_exactly_one_a4_page(built, country, edition):
    reader = PdfReader(out_file(built, country, edition, "pdf"))
    assert len(reader.pages) == len(EDITIONS[edition])
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points


@pytest.mark.parametrize("country", COUNTRIES)
def test_both_formats_exist_for_every_edition(built, country):
    for edition in EDITIONS:
        for fmt in ("pdf", "docx"):
            path = out_file(built, country, edition, fmt)
            assert path.stat().st_size > 5_000, path


def bundled_font_names() -> set[str]:
    names = set()
    for path in (ROOT / "fonts").glob("*.ttf"):
        name = TTFont(path)["name"]
        names.add(name.getDebugName(1).replace(" ", "-"))  # family: "Noto Naskh Arabic"
        names.add(name.getDebugName(4).replace(" ", "-"))  # full name: "Noto Naskh Arabic Bold"
        names.add(name.getDebugName(6))  # PostScript name: "NotoNaskhArabic-Bold"
    return names


def embedded_fonts(path: Path) -> list[tuple[str, bool]]:
    found = []
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            desc = (descendants[0].get_object() if descendants else font).get("/FontDescriptor").get_object()
            embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.append((str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1], embedded))
    return found


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_pdf_embeds_only_the_bundled_fonts(built, edition):
    allowed = bundled_font_names()
    for country in COUNTRIES:
        fonts = embedded_fonts(out_file(built, country, edition, "pdf"))
        assert fonts, "no fonts found"
        for name, embedded in fonts:
            assert name in allowed, f"{country}.{edition}: {name} is not a bundled font"
            assert embedded, f"{country}.{edition}: {name} is not embedded"
        if edition != "en":
            assert any("Naskh" in n for n, _ in fonts)


def arabic_sentences(country) -> list[str]:
    texts = [country.eu_relations.summary.ar, country.regional_role.text.ar]
    texts += [p.ar for p in country.talking_points] + [p.text.ar for p in country.projects]
    return texts


@pytest.mark.parametrize("country", COUNTRIES)
def test_arabic_text_extracts_in_logical_order(built, country):
    """No reshaping, no reversal: the PDF's text layer gives back the content's sentences."""
    raw = pdf_text(out_file(built, country, "ar", "pdf"))
    assert not PRESENTATION_FORMS.search(raw), "reshaped (presentation-form) text in the PDF"
    extracted = arabic_words(raw)
    pairs = set(pairwise(extracted))
    compared = found = 0
    for sentence in arabic_sentences(CONTENT.countries[country]):
        # Extractors move a word that carries vowel marks (they are drawn raised)
        # out of its line, and with it may cut a line; so we compare the pairs of
        # neighbouring words without marks: in logical order, nearly all are there.
        tokens = [None if MARKS.search(w) else arabic_letters(w) or None for w in normalise(sentence).split()]
        for pair in pairwise(tokens):
            if None not in pair:
                compared += 1
                found += pair in pairs
    assert compared >= 40
    assert found / compared >= 0.9, f"{found}/{compared} neighbouring word pairs found in order"


def test_markup_in_content_is_shown_literally_not_rendered(minimal, tmp_path):
    out = tmp_path / "out"
    brief = str(ROOT / "briefs" / "country-profiles.yaml")
    assert cli.main(["--content", str(minimal), "--out", str(out), "--edition", "en", "-j", "1", brief]) == 0
    text = normalise(pdf_text(out / "country-profiles" / "kz.en.pdf"))
    assert "<script>alert(1)</script>" in text
    doc_text = "\n".join(p.text for p in Document(out / "country-profiles" / "kz.en.docx").paragraphs)
    assert "<script>alert(1)</script>" in doc_text


def body_paragraphs_by_section(root):
    """Body paragraphs grouped by section (a paragraph holding w:sectPr closes one)."""
    sections, current = [], []
    for p in root.iter(W + "p"):
        if p.getparent().tag == W + "body" or p.getparent().tag in (W + "tc",):
            current.append(p)
        if p.find(f"{W}pPr/{W}sectPr") is not None:
            sections.append(current)
            current = []
    sections.append(current)  # the last section's sectPr sits on the body
    return sections


def check_direction(p, rtl: bool, where: str, checked: Counter) -> None:
    text = "".join(t.text or "" for t in p.iter(W + "t"))
    if not text.strip():
        return
    # An Arabic-first document's Normal style is right to left: its English paragraphs say w:bidi="0".
    bidi = p.find(f"{W}pPr/{W}bidi")
    has_bidi = bidi is not None and bidi.get(W + "val", "1") not in ("0", "false")
    assert has_bidi == rtl, (
        f"{where}: {'Arabic' if rtl else 'English'} paragraph {'without' if rtl else 'with'} w:bidi: {text[:50]}"
    )
    checked["paragraphs"] += 1
    for r in p.iter(W + "r"):
        rtext = "".join(t.text or "" for t in r.iter(W + "t"))
        if ARABIC.search(rtext):
            checked["runs"] += 1
            assert r.find(f"{W}rPr/{W}rtl") is not None, f"{where}: Arabic run without w:rtl: {rtext[:40]}"


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("edition", ["ar", "ar-en"])
def test_docx_marks_every_arabic_paragraph_run_table_and_section(built, country, edition):
    import lxml.etree as etree

    path = out_file(built, country, edition, "docx")
    doc = Document(path)
    langs = EDITIONS[edition]
    root = etree.fromstring(docx_xml(path).encode())
    sections = body_paragraphs_by_section(root)
    assert len(sections) == len(langs) == len(doc.sections)
    checked = Counter()
    for lang, paragraphs, section in zip(langs, sections, doc.sections, strict=True):
        rtl = lang == "ar"
        assert (section._sectPr.find(W + "bidi") is not None) == rtl
        for p in paragraphs:
            check_direction(p, rtl, f"{lang} body", checked)
        for part in (section.header, section.footer):
            for p in part._element.iter(W + "p"):
                check_direction(p, rtl, f"{lang} header/footer", checked)
            for tbl in part._element.iter(W + "tbl"):
                assert (tbl.find(f"{W}tblPr/{W}bidiVisual") is not None) == rtl
                checked["tables"] += 1
    for tbl in root.iter(W + "tbl"):
        if ARABIC.search("".join(t.text or "" for t in tbl.iter(W + "t"))):
            checked["tables"] += 1
            assert tbl.find(f"{W}tblPr/{W}bidiVisual") is not None, "Arabic table without w:bidiVisual"
    assert checked["paragraphs"] > 15 and checked["runs"] > 15 and checked["tables"] >= 3

    # Complex-script font, size and language come from the styles (document defaults).
    styles = etree.fromstring(docx_xml(path, "word/styles.xml").encode())
    rpr = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert rpr.find(W + "rFonts").get(W + "cs") == "Noto Naskh Arabic"
    assert rpr.find(W + "szCs") is not None
    assert rpr.find(W + "lang").get(W + "bidi", "").startswith("ar")
    for style in styles.iter(W + "style"):
        srpr = style.find(W + "rPr")
        if srpr is not None and srpr.find(W + "sz") is not None:
            assert srpr.find(W + "szCs") is not None, f"style {style.get(W + 'styleId')} sets sz without szCs"
            fonts = srpr.find(W + "rFonts")
            assert fonts is None or fonts.get(W + "cstheme") is None, style.get(W + "styleId")


def docx_words(path: Path) -> Counter:
    doc = Document(path)
    chunks = []
    for section in doc.sections:
        for part in (section.header, section.footer):
            chunks += [c.text for t in part.tables for row in t.rows for c in row.cells]
    body = doc.element.body
    chunks += ["".join(t.text or "" for t in p.iter(W + "t")) for p in body.iter(W + "p")]
    return Counter(words(" ".join(chunks)))


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("edition", EDITIONS)
def test_pdf_and_docx_say_the_same(built, country, edition):
    pdf = Counter(words(pdf_text(out_file(built, country, edition, "pdf"))))
    docx = docx_words(out_file(built, country, edition, "docx"))
    missing_from_pdf = docx - pdf
    assert not missing_from_pdf, f"in the DOCX but not the PDF: {dict(missing_from_pdf)}"
    # The PDF draws list numbers and page numbers as text; Word generates them: at most one
    # number per source in the page's source list (the country's sources and the locator map's
    # boundaries), and never fewer than 10, the page numbers.
    extra = pdf - docx
    limit = max(10, len(cited_sources(CONTENT.countries[country].model_dump()) | {MAP_SOURCE}))
    assert all(w.isdigit() and int(w) <= limit for w in extra), f"in the PDF but not the DOCX: {dict(extra)}"


def cited_sources(data) -> set[str]:
    """The source ids a profile cites (recorded variants are never printed, so not theirs)."""
    if isinstance(data, dict):
        found = {data["source"]} if isinstance(data.get("source"), str) else set()
        for key, value in data.items():
            if key != "variants":
                found |= cited_sources(value)
        return found
    if isinstance(data, list):
        return set().union(*(cited_sources(v) for v in data)) if data else set()
    return set()


# Issue #14: a one-pager gives the population and GDP, each as a figure with the year it refers
# to and a source the reader can open. GDP is printed in the currency its source states it in:
# "US$12.1 billion", "119.4 trillion tenge".
FIGURE_ROWS = {
    "population": {"en": r"Population\s+([\d.,]+) million people \((\d{4})\)", "ar": "عدد السكان"},
    "gdp": {
        "en": r"GDP\s+(?:US\$)?([\d.,]+) (?:billion|trillion)(?: (?:tenge|soms|soums|manats))? \((\d{4})\)",
        "ar": "الناتج المحلي الإجمالي",
    },
}
# The profiles that go without GDP, and why: no page in reach states a full year's GDP with its
# year from a statistical source or a reputable agency quoting one. Adding GDP to one of them
# fails this test until its entry here goes.
WITHOUT_GDP: dict[str, str] = {}


@pytest.mark.parametrize("country", COUNTRIES)
def test_population_and_gdp_show_their_year_and_cite_a_source_with_a_url(built, country):
    profile = CONTENT.countries[country]
    assert profile.population not in (None, "unknown"), f"{country}: no population"
    if country in WITHOUT_GDP:
        assert profile.gdp is None, f"{country} now has GDP: take it out of WITHOUT_GDP"
    else:
        assert profile.gdp not in (None, "unknown"), f"{country}: no GDP"
    for key, row in FIGURE_ROWS.items():
        fig = getattr(profile, key)
        if fig is None:
            continue
        assert fig.value != "unknown" and fig.year, f"{country}: {key} has no value or no year"
        assert CONTENT.sources[fig.source].url, f"{country}: {key}'s source {fig.source} has no URL"
        english = normalise(pdf_text(out_file(built, country, "en", "pdf")))
        shown = re.search(row["en"], english)
        assert shown, f"{country}: no {key} row on the English page"
        assert shown.group(2) == str(fig.year)
        arabic = pdf_text(out_file(built, country, "ar", "pdf"))
        assert row["ar"] in arabic and str(fig.year) in arabic, f"{country}: no {key} row on the Arabic page"


def test_a_national_currency_is_named_in_arabic_as_cldr_names_it():
    """The labels' Arabic word for each national currency is the first word of CLDR's Arabic
    name (the rest names the country, which the page already does)."""
    labels = load(ROOT / "templates" / "labels.yaml").data
    for code in get_args(Currency):
        if code in ("USD", "EUR"):
            continue
        assert labels[f"unit_{code}"]["ar"] == get_currency_name(code, locale="ar").split()[0], code
        assert labels[f"unit_{code}"]["en"], code
