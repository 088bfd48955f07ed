"""The DOCX carries the PDF's design (house style, "Pages"): boxes, rules, colours, the
marking in header and footer, hatched bars, list labels and fonts for every script."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pdfplumber
import pytest

from .conftest import docx_xml

BRIEF = "2025-10-20-eu-central-asia-ministerial"


def doc(built: Path, folder: str, name: str) -> Path:
    return built / folder / name


def parts(path: Path, prefix: str) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in sorted(z.namelist()) if n.startswith(prefix))


@pytest.mark.parametrize(
    "folder, name",
    [("samarkand-summit", "samarkand-summit-2025.en.docx"), (BRIEF, "brief.ar.docx")],
)
def test_the_marking_runs_red_in_header_and_footer(built, folder, name):
    path = doc(built, folder, name)
    for part in ("word/header", "word/footer"):
        xml = parts(path, part)
        assert re.search(r'<w:color w:val="A0283C"/>.*?<w:t[^>]*>[^<]+', xml), part


def test_header_and_footer_sit_on_the_text_edges_and_the_header_is_ruled(built):
    path = doc(built, "country-profiles", "kz.ar-en.docx")
    header, footer = parts(path, "word/header"), parts(path, "word/footer")
    for xml in (header, footer):
        assert '<w:left w:w="0" w:type="dxa"/>' in xml and '<w:right w:w="0" w:type="dxa"/>' in xml
    assert re.search(r'<w:tblBorders>.*?<w:bottom w:val="single" w:sz="5"[^>]*w:color="9AA5B1"', header)
    assert "<w:tblBorders>" not in footer


def test_the_ask_and_the_takeaways_are_boxed(built):
    ask = docx_xml(doc(built, BRIEF, "brief.en.docx"))
    boxed = re.findall(r"<w:p>(?:(?!</w:p>).)*?<w:pBdr>(?:(?!</w:p>).)*</w:p>", ask)
    assert any("The ask" in p and 'w:fill="F3F6FA"' in p for p in boxed)
    takeaways = docx_xml(doc(built, "samarkand-summit", "samarkand-summit-2025.en.docx"))
    assert sum("<w:pBdr>" in p for p in re.findall(r"<w:p>.*?</w:p>", takeaways)) >= 5  # heading and items
    side_by_side = docx_xml(doc(built, "samarkand-summit", "samarkand-summit-2025.ar-en.docx"))
    # The bilingual takeaways: a box per language drawn by its rows' cells (one height, breaking
    # between items): every cell has its sides, the first row its top, the last row its bottom.
    cells = re.findall(r"<w:tcBorders>(.*?)</w:tcBorders>", side_by_side)
    assert len(cells) >= 2 * 5 and all("<w:left " in c and "<w:right " in c for c in cells)
    assert sum("<w:top " in c for c in cells) == sum("<w:bottom " in c for c in cells) == 2


def test_table_labels_are_navy_and_notes_grey(built):
    xml = docx_xml(doc(built, "roadmap-tracker", "tracker.en.docx"))
    assert re.search(r'<w:b/>.*?<w:color w:val="123C69"/>.*?<w:t[^>]*>Area<', xml)
    assert re.search(r'w:val="Note"/>.*?<w:t[^>]*>Grouping basis', xml)
    assert '<w:color w:val="3C4652"/>' in xml  # a bar's figures, slate grey


def test_in_progress_bars_are_hatched_for_every_word_processor(built):
    path = doc(built, "roadmap-tracker", "tracker.ar.docx")
    xml = docx_xml(path)
    assert 'w:val="thinDiagStripe"' in xml  # Word draws the cell's pattern
    with zipfile.ZipFile(path) as z:
        assert any(
            n.startswith("word/media/") and n.endswith(".png") for n in z.namelist()
        )  # LibreOffice the picture


def test_list_labels_use_our_fonts_and_stay_inside_in_arabic(built):
    numbering = docx_xml(doc(built, "country-profiles", "kz.ar.docx"), "word/numbering.xml")
    used = re.search(r'<w:pStyle w:val="ListBullet"/><w:lvlText w:val="([^"]*)"/>.*?</w:lvl>', numbering)
    assert used.group(1) == "•" and "Symbol" not in used.group(0)
    assert (
        '<w:rFonts w:ascii="Noto Serif" w:hAnsi="Noto Serif" w:eastAsia="Noto Serif" w:cs="Noto Naskh Arabic"/>'
        in numbering
    )
    assert '<w:lvlJc w:val="right"/>' in numbering  # the right-to-left lists' copies


def test_an_arabic_first_document_is_right_to_left_with_its_note_separator(built):
    path = doc(built, "samarkand-summit", "samarkand-summit-2025.ar.docx")
    styles = docx_xml(path, "word/styles.xml")
    assert re.search(r'w:styleId="Normal">.*?<w:pPr><w:bidi/>', styles)
    notes = docx_xml(path, "word/footnotes.xml")
    assert re.search(r'w:type="separator" w:id="-1"><w:p><w:pPr><w:bidi/>', notes)
    english = docx_xml(doc(built, "samarkand-summit", "samarkand-summit-2025.en.docx"), "word/styles.xml")
    assert not re.search(r'w:styleId="Normal">(?:(?!</w:style>).)*<w:bidi/>', english)


def test_what_the_arabic_font_lacks_gets_a_font_of_ours(built):
    xml = docx_xml(doc(built, "country-profiles", "kz.ar.docx"))
    runs = re.findall(r"<w:r>(?:(?!</w:r>).)*</w:r>", xml)
    brackets = [r for r in runs if "<w:rtl/>" in r and re.search(r"<w:t[^>]*>[()%–]+</w:t>", r)]
    assert brackets and all('w:cs="Noto Serif"' in r for r in brackets)


def test_rows_are_kept_whole(built):
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    xml = docx_xml(doc(built, "roadmap-tracker", "tracker.en.docx"))
    body = etree.fromstring(xml.encode())
    data = [t for t in body.iter(w + "tbl") if t.find(f"{w}tr//{w}t") is not None]  # not a bar
    rows = [tr for t in data for tr in t.findall(w + "tr")]
    assert rows and all(tr.find(f"{w}trPr/{w}cantSplit") is not None for tr in rows)
    assert "<w:tblHeader/>" in xml


def test_libreoffice_sets_every_character_in_our_fonts(converted):
    """No fallback font in any DOCX as LibreOffice lays it out (list bullets once fell back to
    OpenSymbol, brackets and dashes in Arabic runs to DejaVu Sans)."""
    found = {}
    for theirs in converted.values():
        with pdfplumber.open(theirs) as pdf:
            fonts = {c["fontname"].split("+", 1)[-1] for page in pdf.pages for c in page.chars}
        other = sorted(f for f in fonts if not f.startswith(("NotoSerif", "NotoNaskhArabic")))
        if other:
            found[theirs.name] = other
    assert not found, found
