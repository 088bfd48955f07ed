"""The page-quality gate (briefing/pagecheck.py): each rule on a tiny page that breaks it,
the exceptions, and every output of the real build in both layouts (ours and LibreOffice's)."""

from __future__ import annotations

import re

import pytest

from briefing import pagecheck, write_pdf
from briefing.files import TEMPLATES

from .layout import gate_pages

HEAD = (
    '<header class="page-header"><span>Briefing title</span><span>Marking</span></header>'
    '<footer class="page-footer"><span>Desk</span><span>Page <span class="pg-num"></span></span></footer>'
)
LOREM = "The summit met amid regional developments that gave it timing and substance. " * 6


@pytest.fixture(scope="module")
def writer():
    return write_pdf.PdfWriter()


def layout(writer, body: str, *, lang: str = "en", css: str = "", head: str = HEAD):
    """The gate's pages for a one-article HTML page set in our stylesheet."""
    import weasyprint

    direction = "rtl" if lang == "ar" else "ltr"
    html = (
        f'<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
        f'<link rel="stylesheet" href="style.css"><style>{css}</style></head><body>'
        f'<article class="page" lang="{lang}" dir="{direction}">{head}{body}</article></body></html>'
    )
    document = weasyprint.HTML(
        string=html, base_url=str(TEMPLATES) + "/", url_fetcher=write_pdf.ProjectFetcher()
    ).render(font_config=writer.font_config)
    return pagecheck.from_document(document)


def paragraphs(n: int) -> str:
    return "".join(f"<p>{LOREM}</p>" for _ in range(n))


def test_a_plain_page_passes(writer):
    assert pagecheck.check(layout(writer, "<h1>Title</h1>" + paragraphs(3))) == []


@pytest.mark.parametrize("lang, side", [("en", "right"), ("ar", "left")])
def test_text_that_cannot_break_runs_outside_the_text_area(writer, lang, side):
    found = pagecheck.check(layout(writer, f'<p style="white-space: nowrap">{LOREM}</p>', lang=lang))
    assert len(found) == 1 and f"past its {side} edge" in found[0], found
    assert pagecheck.is_outside(found[0])


def test_a_heading_ending_a_page_is_stranded(writer):
    found = pagecheck.check(
        layout(writer, paragraphs(9) + '<h2 style="break-after: page">Outlook</h2><p>After.</p>')
    )
    assert any("heading 'Outlook' ends the page" in f for f in found), found


def test_a_heading_whose_section_ends_on_its_page_is_not_stranded(writer):
    found = pagecheck.check(
        layout(writer, paragraphs(8) + "<h2>Outlook</h2><p>One line.</p>" + paragraphs(3))
    )
    assert not any("ends the page" in f for f in found), found


def test_a_short_page_before_more_content_is_reported(writer):
    found = pagecheck.check(layout(writer, paragraphs(1) + '<p style="break-before: page">Next.</p>'))
    assert any(f.startswith("p1: the body ends") for f in found), found


def test_a_short_page_before_a_new_part_is_allowed(writer):
    body = paragraphs(1) + '<h1 style="break-before: page">Second part</h1>' + paragraphs(1)
    assert pagecheck.check(layout(writer, body)) == []


def test_a_short_title_page_before_a_section_is_allowed(writer):
    body = (
        "<h1>Title</h1><h2>Key points</h2>"
        + paragraphs(1)
        + '<h2 style="break-before: page">Context</h2>'
        + paragraphs(1)
    )
    assert pagecheck.check(layout(writer, body)) == []


def test_a_running_header_short_of_an_edge_is_reported(writer):
    head = HEAD.replace("<span>Marking</span>", "")
    found = pagecheck.check(layout(writer, paragraphs(1), head=head))
    assert len(found) == 1 and found[0].startswith("p1: running header not on the text area's edges"), found
    assert re.search(r"[+-]0\.0 mm from the left one, \+1\d\d\.\d mm from the right one", found[0]), found


def table(rows: int, tall: int | None = None) -> str:
    cells = "".join(
        f"<tr><td>Row {i}</td><td>{(LOREM * 3) if i == tall else 'value'}</td></tr>" for i in range(rows)
    )
    return f'<table class="facts"><tr><th>Name</th><th>Value</th></tr>{cells}</table>'


def test_a_row_split_across_pages_is_reported(writer):
    found = pagecheck.check(
        layout(
            writer, paragraphs(8) + table(3, tall=1), css="table.facts tr { break-inside: auto !important; }"
        )
    )
    assert any("table row 'Row 1' is split across pages 1–2" in f for f in found), found


def test_a_table_leaving_one_row_alone_is_reported(writer):
    # 265 mm of text area: a 180 mm spacer leaves room for the header and seven of the eight rows.
    found = pagecheck.check(
        layout(writer, '<div style="height: 180mm"></div>' + table(8), css=ROWS + NO_KEEP)
    )
    assert any("leaves one row alone at the top" in f for f in found), found


ROWS = "table.facts th, table.facts td { height: 10mm; padding: 0; border: none; }"
NO_KEEP = "table.facts tr { break-before: auto !important; break-after: auto !important; }"


def test_the_stylesheet_keeps_the_last_row_with_the_one_before(writer):
    found = pagecheck.check(layout(writer, '<div style="height: 180mm"></div>' + table(8), css=ROWS))
    assert found == [], found


def test_the_margins_are_the_stylesheets():
    css = (TEMPLATES / "style.css").read_text(encoding="utf-8")
    declared = {
        "portrait": re.search(r"@page \{\s*size: A4;\s*margin: ([^;]+);", css).group(1),
        "landscape": re.search(r"@page landscape \{[^}]*margin: ([^;]+);", css).group(1),
    }
    for shape, margins in declared.items():
        assert tuple(float(m.removesuffix("mm")) for m in margins.split()) == pagecheck.MARGINS_MM[shape]


def test_a_one_pager_with_text_outside_the_text_area_fails(writer, tmp_path):
    html = (
        '<!DOCTYPE html><html lang="en" dir="ltr"><head><link rel="stylesheet" href="style.css"></head><body>'
        f'<article class="page" lang="en" dir="ltr">{HEAD}<p style="white-space: nowrap">{LOREM}</p></article>'
        "</body></html>"
    )
    pages = writer.write(
        html, tmp_path / "x.pdf", base_url=TEMPLATES, metadata={"as_of": "2025-01-01"}, pages_per_language=1
    )
    problems = writer.problems(
        "b/x.en", pages, 1, templates=TEMPLATES, template="country-profile.html.j2", source_file="x.yaml"
    )
    assert [p.message for p in problems] == [f"b/x.en: {writer.page_findings[0]}"]
    assert "outside the text area" in problems[0].message


# -- the real build, in both layouts -------------------------------------------------------
def test_every_pdf_passes_the_gate(build_result):
    _, result = build_result
    assert result.page_findings == [], "\n".join(result.page_findings)


def test_every_docx_as_libreoffice_lays_it_out_passes_the_gate(converted):
    found = []
    for ours, theirs in sorted(converted.items()):
        found += [f"{ours.parent.name}/{ours.stem}.docx: {f}" for f in pagecheck.check(gate_pages(theirs))]
    assert found == [], "\n".join(found)
