"""The raw-OOXML helpers (briefing/ooxml.py), each on a tiny piece of XML, as python-docx tests its oxml layer."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from briefing import ooxml

W = nsdecls("w")


def xml(el) -> str:
    """An element's XML without its namespace declarations, for comparing."""
    from lxml import etree

    return etree.tostring(el, encoding="unicode").replace(f" {W}", "")


def paragraph(inner: str = "") -> Paragraph:
    return Paragraph(parse_xml(f"<w:p {W}>{inner}</w:p>"), None)


def section(inner: str = "") -> SimpleNamespace:
    return SimpleNamespace(_sectPr=parse_xml(f"<w:sectPr {W}>{inner}</w:sectPr>"))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("", "<w:p><w:pPr><w:bidi/></w:pPr></w:p>"),
        # CT_PPr order: bidi before spacing and jc; never twice
        (
            '<w:pPr><w:spacing w:after="0"/><w:jc w:val="right"/></w:pPr>',
            '<w:p><w:pPr><w:bidi/><w:spacing w:after="0"/><w:jc w:val="right"/></w:pPr></w:p>',
        ),
        ("<w:pPr><w:bidi/></w:pPr>", "<w:p><w:pPr><w:bidi/></w:pPr></w:p>"),
    ],
)
def test_a_paragraph_gets_its_bidi_in_schema_order_once(before, after):
    par = paragraph(before)
    ooxml.set_paragraph_bidi(par)
    assert xml(par._p) == after


def test_run_properties_keep_schema_order():
    run = Run(parse_xml(f"<w:r {W}><w:rPr><w:b/><w:lang w:val='en-GB'/></w:rPr></w:r>"), None)
    ooxml.set_run_rtl(run)
    ooxml.set_run_complex_bold(run)
    assert xml(run._r) == '<w:r><w:rPr><w:b/><w:bCs/><w:rtl/><w:lang w:val="en-GB"/></w:rPr></w:r>'


def test_complex_emphasis_is_explicitly_off_so_a_base_style_cannot_leak_into_arabic():
    rpr = parse_xml(f"<w:rPr {W}/>")
    ooxml.set_complex_emphasis(rpr, bold=True, italic=False)
    assert xml(rpr) == '<w:rPr><w:bCs/><w:iCs w:val="0"/></w:rPr>'


def test_fonts_replace_theme_fonts_and_set_both_scripts_sizes_and_languages():
    rpr = parse_xml(f'<w:rPr {W}><w:rFonts w:asciiTheme="minorHAnsi" w:cstheme="minorBidi"/></w:rPr>')
    ooxml.set_rpr_fonts(rpr, "Serif", "Naskh", 9.5)
    assert xml(rpr) == (
        '<w:rPr><w:rFonts w:ascii="Serif" w:hAnsi="Serif" w:eastAsia="Serif" w:cs="Naskh"/>'
        '<w:sz w:val="19"/><w:szCs w:val="19"/><w:lang w:val="en-GB" w:bidi="ar-SA"/></w:rPr>'
    )
    assert ooxml.rpr_size_pt(rpr) == 9.5 and ooxml.has_font_settings(rpr)
    assert ooxml.rpr_size_pt(parse_xml(f"<w:rPr {W}/>")) is None


def test_letter_spacing_is_removed():
    rpr = parse_xml(f'<w:rPr {W}><w:spacing w:val="10"/><w:b/></w:rPr>')
    ooxml.remove_letter_spacing(rpr)
    assert xml(rpr) == "<w:rPr><w:b/></w:rPr>"


@pytest.mark.parametrize(
    ("before", "fmt", "after"),
    [
        (
            '<w:pgSz w:w="1"/><w:cols/>',
            "hindiNumbers",
            '<w:pgSz w:w="1"/><w:pgNumType w:fmt="hindiNumbers"/><w:cols/>',
        ),
        ('<w:pgNumType w:fmt="hindiNumbers"/>', "decimal", ""),
    ],
)
def test_a_section_numbers_its_pages_in_a_format_or_plainly(before, fmt, after):
    sect = section(before)
    ooxml.set_page_number_format(sect, fmt)
    assert (
        xml(sect._sectPr) == f"<w:sectPr>{after}</w:sectPr>" if after else xml(sect._sectPr) == "<w:sectPr/>"
    )


def test_a_section_bidi_comes_and_goes():
    sect = section("<w:docGrid/>")
    ooxml.set_section_bidi(sect, True)
    assert xml(sect._sectPr) == "<w:sectPr><w:bidi/><w:docGrid/></w:sectPr>"
    ooxml.set_section_bidi(sect, False)
    assert xml(sect._sectPr) == "<w:sectPr><w:docGrid/></w:sectPr>"


def test_a_cell_shade_replaces_the_old_one_before_valign():
    cell = _Cell(
        parse_xml(f'<w:tc {W}><w:tcPr><w:shd w:fill="000000"/><w:vAlign w:val="top"/></w:tcPr></w:tc>'), None
    )
    ooxml.shade_cell(cell, "F4CE5C", "thinDiagStripe", "1D232B")
    assert xml(cell._tc) == (
        '<w:tc><w:tcPr><w:shd w:val="thinDiagStripe" w:color="1D232B" w:fill="F4CE5C"/>'
        '<w:vAlign w:val="top"/></w:tcPr></w:tc>'
    )


def test_a_numbering_instance_restarts_at_one():
    num = parse_xml(f'<w:num {W} w:numId="3"><w:abstractNumId w:val="1"/></w:num>')
    ooxml.restart_numbering(num)
    assert xml(num) == (
        '<w:num w:numId="3"><w:abstractNumId w:val="1"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    )


def test_an_abstract_numbering_variant_counts_in_hindi_numbers_as_a_new_list():
    numbering = parse_xml(
        f'<w:numbering {W}><w:abstractNum w:abstractNumId="4"><w:nsid w:val="1"/>'
        '<w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl></w:abstractNum></w:numbering>'
    )
    assert ooxml.number_format_variant(numbering, 4, "hindiNumbers") == 5
    assert xml(numbering).endswith(
        '<w:abstractNum w:abstractNumId="5"><w:nsid w:val="7A000005"/>'
        '<w:lvl w:ilvl="0"><w:numFmt w:val="hindiNumbers"/></w:lvl></w:abstractNum></w:numbering>'
    )


def test_a_page_field_is_a_simple_field_with_a_placeholder():
    par = paragraph()
    ooxml.add_field(par, "PAGE")
    assert xml(par._p) == '<w:p><w:fldSimple w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>'


@pytest.mark.parametrize(("text", "empty"), [("<w:r/>", True), ("<w:r><w:t>x</w:t></w:r>", False)])
def test_an_empty_paragraph_is_one_without_text(text, empty):
    assert ooxml.is_empty_paragraph(parse_xml(f"<w:p {W}>{text}</w:p>")) is empty
    assert ooxml.is_empty_paragraph(None) is False


@pytest.mark.parametrize(
    ("text", "rtl", "runs"),
    [
        (
            "قمة EU–Central Asia في 2025",
            True,
            [("قمة ", True), ("EU–Central Asia", False), (" في 2025", True)],
        ),
        (
            "The summit (القمة) in 2025",
            False,
            [("The summit (", False), ("القمة", True), (") in 2025", False)],
        ),
        ("COP29", True, [("COP29", False)]),
    ],
)
def test_mixed_text_is_split_into_runs_by_script_as_word_stores_it(text, rtl, runs):
    assert ooxml.script_runs(text, rtl) == runs
