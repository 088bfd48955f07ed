"""Keeping together what a line must not split (briefing/typeset.py), in both formats."""

from __future__ import annotations

import pytest

from briefing import typeset, write_docx

NBSP, WJ, NBHY = "\u00a0", "\u2060", "\u2011"


@pytest.mark.parametrize(
    "lang, text, joined",
    [
        ("en", "more than 20 million tonnes", f"more than 20{NBSP}million{NBSP}tonnes"),
        ("en", "on 4 April 2025 in", f"on 4{NBSP}April{NBSP}2025 in"),
        ("en", "since March 2020.", f"since March{NBSP}2020."),
        ("en", "in 2027–2028,", f"in 2027–{WJ}2028,"),
        ("en", "€12 billion (US$13.2 billion)", f"€12{NBSP}billion (US$13.2{NBSP}billion)"),
        ("en", "President Kassym-Jomart Tokayev", f"President Kassym{NBHY}Jomart Tokayev"),
        ("en", "a rare-earth deposit, COP29, 27%", "a rare-earth deposit, COP29, 27%"),
        ("ar", "في 13 مارس 2025", f"في 13{NBSP}مارس{NBSP}2025"),
        ("ar", "12 مليار يورو", f"12{NBSP}مليار{NBSP}يورو"),
        ("ar", "وبـ20 مارس", f"وبـ{WJ}20{NBSP}مارس"),
        ("ar", "٤ أبريل/نيسان ٢٠٢٥", f"٤{NBSP}أبريل/نيسان{NBSP}٢٠٢٥"),
        ("ar", "بين 2026–2028", f"بين 2026–{WJ}2028"),
    ],
)
def test_numbers_dates_ranges_and_names_are_joined(lang, text, joined):
    assert typeset.keep_together(text, lang) == joined


def test_a_url_is_left_as_it_is():
    """A join inside a URL would change the address: "us13-2-billion" kept no word joiner."""
    url = "https://astanatimes.com/2025/04/eu-launches-us13-2-billion-package-for-central-asia/"
    text = f"Accessed 2 December 2026. {url} for 2027-2028"
    assert (
        typeset.keep_together(text, "en") == f"Accessed 2{NBSP}December{NBSP}2026. {url} for 2027-\u20602028"
    )


def test_every_text_node_is_joined_in_its_own_language():
    html = (
        '<!DOCTYPE html><html><body><article lang="en"><p>more than 20 million tonnes on '
        '<bdi>4 April 2025</bdi>, said Kassym-Jomart Tokayev <span lang="ar">في 13 مارس 2025</span>'
        "</p></article></body></html>"
    )
    out = typeset.apply(html)
    assert f"20{NBSP}million{NBSP}tonnes on <bdi>4{NBSP}April{NBSP}2025</bdi>" in out
    assert f"Kassym{NBHY}Jomart Tokayev" in out and f"13{NBSP}مارس{NBSP}2025" in out
    assert typeset.apply(out) == out  # once is enough


def test_a_joined_date_stays_on_one_line_in_the_pdf():
    """The characters are honoured by the layout: a date at a line's end moves whole to the next line."""
    import weasyprint

    from briefing import pagecheck, write_pdf
    from briefing.files import TEMPLATES

    text = "Intense contacts preceded the summit, among them the Commissioner's tour on 12–18 March 2025."
    lines = []
    for width in range(60, 90, 2):  # the date falls at the end of a line somewhere in here
        html = typeset.apply(
            '<!DOCTYPE html><html lang="en" dir="ltr"><head><link rel="stylesheet" href="style.css"></head><body>'
            f'<article class="page" lang="en" dir="ltr"><p style="width: {width}mm">{text}</p></article></body></html>'
        )
        document = weasyprint.HTML(
            string=html, base_url=str(TEMPLATES) + "/", url_fetcher=write_pdf.ProjectFetcher()
        ).render()
        lines += [line.text for line in pagecheck.from_document(document)[0].lines if line.role == "body"]
    assert any("March" in line for line in lines)
    for line in lines:
        assert ("12" in line) == ("18" in line) == ("March" in line) == ("2025" in line), lines


def test_the_docx_writes_the_joins_a_word_processor_honours():
    html = typeset.apply(
        '<!DOCTYPE html><html lang="en"><body><article class="page" lang="en" dir="ltr">'
        "<p>In 2027–2028 about 20 million tonnes.</p></article></body></html>"
    )
    doc = write_docx.build(html, {"as_of": __import__("datetime").date(2025, 1, 1)})
    text = "".join(p.text for p in doc.paragraphs)
    assert f"2027–{WJ}2028" in text and f"20{NBSP}million{NBSP}tonnes" in text
