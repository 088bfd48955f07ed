"""Sources and citations as an editor sets them (issue #13), in both languages and both formats.

The CSL processor's entries and notes (briefing/citations.py) are checked on their own first;
then tests/fixtures/citations, built through the real country-profile pipeline, puts a note
marker after each thing it must never touch ("2020.", "COP29.", "79", a range) and an entry of
each kind in the source list; positions are read from our PDF and from the DOCX as LibreOffice
lays it out. Last, every output of the real build is scanned for markers touching a number or
a Latin word, and the backgrounder's notes are counted.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from briefing import cli, model
from briefing.citations import Citations
from briefing.kinds.summit_backgrounder import Section, Unit, collapse_notes
from briefing.load import load
from briefing.render import Page, load_labels, markers_clear_of_words

from .conftest import FIXTURES, ROOT, normalise
from .layout import MARKER_SIZE, markers_touching, to_pdf, visual_lines
from .test_bidi import A

BRIEF = str(ROOT / "briefs" / "country-profiles.yaml")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def sources() -> dict[str, model.Source]:
    doc = load(FIXTURES / "citations" / "sources.yaml")
    return {s["id"]: model.Source(**s) for s in doc.data}


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", str(html))


# -- the entries and notes the CSL processor sets ------------------------------------------
def test_an_arabic_source_in_english_gives_original_title_translation_and_language(sources):
    (entry,) = Citations(sources, "en").notes(["ar-analysis"])
    assert plain(entry) == "Adel Ali, “قمة آسيا الوسطى” [The Central Asia Summit] (in Arabic)."
    # The Arabic title is isolated in its language and direction inside the English entry.
    assert '<bdi lang="ar" dir="rtl">قمة آسيا الوسطى</bdi>' in entry


def test_an_english_source_in_arabic_keeps_its_latin_title_isolated_then_the_translation(sources):
    (entry,) = Citations(sources, "ar").notes(["en-statement"])
    # Arabic commas between the parts; the author in Arabic; the publisher, the same body, left out.
    assert plain(entry) == (
        "الأمم المتحدة، «Member States» [الدول الأعضاء]، 4 أبريل 2025، "
        "https://www.un.org/en/about-us/member-states."
    )
    assert '«<bdi lang="en" dir="ltr">Member States</bdi>» [الدول الأعضاء]' in entry
    # An address keeps its digits and order, isolated; inside the isolate, a link to itself.
    assert '<bdi lang="en" class="url" dir="ltr"><a class="src-link" href="https://' in entry


def test_the_bibliography_gives_the_date_consulted_and_the_notes_only_where_no_date(sources):
    cites = Citations(sources, "en")
    (dated,) = cites.notes(["en-statement"])
    assert "accessed" not in plain(dated).lower()  # CMOS 14.12: the date of issue is enough in a note
    cites.note(["en-statement", "en-page"])
    bibliography = [plain(e) for e in cites.bibliography()]
    assert bibliography == [
        "“Is the Summit a Turning Point?” Accessed 2 December 2026. https://example.org/summit.",
        (
            "United Nations. “Member States.” 4 April 2025. Accessed 2 December 2026. "
            "https://www.un.org/en/about-us/member-states."
        ),
    ]


def test_a_title_ending_in_a_question_mark_takes_no_full_stop(sources):
    (entry,) = Citations(sources, "en").notes(["en-page"])
    assert plain(entry).startswith("“Is the Summit a Turning Point?” accessed")  # no "?,”"


def test_notes_are_short_and_several_sources_are_sorted(sources):
    """A document with a bibliography cites briefly (author and title); a source list gives the first,
    full note."""
    cites = Citations(sources, "en")
    (full,) = cites.notes(["en-statement"])
    assert "https://" in plain(full)
    note = plain(cites.note(["en-statement", "ar-analysis"]))
    # Short (author and title), sorted by author, joined by a semicolon.
    assert note == (
        "Adel Ali, “قمة آسيا الوسطى” [The Central Asia Summit] (in Arabic); United Nations, “Member States.”"
    )
    assert "؛ " in plain(Citations(sources, "ar").note(["en-statement", "ar-analysis"]))


def test_an_arabic_bibliography_lists_arabic_names_first(sources):
    cites = Citations(sources, "ar")
    cites.note(["en-page", "en-statement", "ar-analysis"])
    first = [plain(e).split(". ")[0] for e in cites.bibliography()]
    assert first == ["الأمم المتحدة", "عادل علي", "«Is the Summit a Turning Point?» [هل القمة نقطة تحول؟]"]


# -- one marker, merged and sorted, off numbers and Latin words -------------------------------
def test_one_marker_merges_and_sorts_the_numbers_of_a_paragraphs_sources(sources):
    labels = load_labels(ROOT / "templates")
    for lang, expected in (("en", "1, 2"), ("ar", "1، 2")):
        page = Page(lang, labels, sources)
        page.cite("en-statement")
        page.cite("en-page")
        marker = page.cite("en-page", None, ["en-statement", "en-page"])
        assert plain(marker) == expected
        assert marker.count("<sup") == 1


@pytest.mark.parametrize(
    "before, after",
    [
        ("79<sup", "79\u202f<sup"),
        ("<bdi>COP29</bdi><sup", "<bdi>COP29</bdi>\u202f<sup"),
        ('side<span class="footnote">', 'side\u202f<span class="footnote">'),
        ("2020.<sup", "2020.\u2060<sup"),  # after punctuation: only kept on the line
        ("مارس<sup", "مارس\u2060<sup"),  # after an Arabic word too
        ("<i>side</i>, <sup", "<i>side</i>, <sup"),  # after a space: nothing
        ('<img src="data:,x"><sup', '<img src="data:,x"><sup'),  # after a tag: nothing
        ('2<sup class="cite">1</sup><sup', '2\u202f<sup class="cite">1</sup>\u202f<sup'),  # two in a row
    ],
)
def test_a_marker_is_kept_off_a_number_or_latin_word_before_it(before, after):
    assert markers_clear_of_words(before + ' class="cite">1</sup>') == after + ' class="cite">1</sup>'


def test_a_section_resting_on_one_source_says_so_once_in_its_heading_note():
    def para(*ids: str) -> model.Para:
        return model.Para(text={"ar": "نص", "en": "text"}, sources=list(ids))

    section = Section(
        "s", [Unit("h2", key="s"), Unit("para", para("a")), Unit("para", para("a")), Unit("para", para("b"))]
    )
    h2, *paras = collapse_notes(section).units
    assert h2.section_sources == ("a",) and not h2.whole
    assert [p.section_sources for p in paras] == [("a",)] * 3
    # A tie, or a set used once, collapses nothing.
    tie = Section("s", [Unit("h2", key="s"), Unit("para", para("a")), Unit("para", para("b"))])
    assert collapse_notes(tie).units[0].section_sources == ()


# -- the fixture, in both formats ---------------------------------------------------------------
@pytest.fixture(scope="module")
def cit_docs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("citations")
    args = [
        "--content",
        str(FIXTURES / "citations"),
        "--out",
        str(out),
        "--edition",
        "ar,en",
        "-j",
        "1",
        BRIEF,
    ]
    assert cli.main(args) == 0
    return {
        f"{lang}.{fmt}": out / "country-profiles" / f"cit.{lang}.{fmt}"
        for lang in ("ar", "en")
        for fmt in ("pdf", "docx")
    }


@pytest.fixture(scope="module")
def cit_layouts(cit_docs, tmp_path_factory) -> dict[str, dict[str, Path]]:
    """{"ours" | "libreoffice": {lang: PDF}}."""
    converted = to_pdf([cit_docs["ar.docx"], cit_docs["en.docx"]], tmp_path_factory.mktemp("citations-lo"))
    return {
        "ours": {lang: cit_docs[f"{lang}.pdf"] for lang in ("ar", "en")},
        "libreoffice": {lang: converted[cit_docs[f"{lang}.docx"]] for lang in ("ar", "en")},
    }


# Each case: its line as drawn (left to right, the marker being set apart by its height), the
# marker's number, and whether something must separate it from the text (a number or a Latin word
# without punctuation). In Arabic the marker must be left of everything on the line: past the
# full stop and the number, where an Arabic reader's clause ends; in English, right of everything.
MARKER_CASES = {
    "after a year and a full stop": ({"ar": r"^\.2020\s*" + A("مارس"), "en": r"March 2020\.$"}, "1", False),
    "after a Latin name with digits and a full stop": (
        {"ar": r"^\.COP29\s*" + A("مؤتمر"), "en": r"COP29\.$"},
        "3",
        False,
    ),
    "after a bare number": ({"ar": r"^79\s*" + A("العمل"), "en": r"points: 79$"}, "1", True),
    "after a range": ({"ar": r"^2028–2026\s*" + A("للفترة"), "en": r"2026–2028$"}, "2", True),
}


def marker_beside(pdf: Path, pattern: str, lang: str) -> tuple[str, float]:
    """The marker drawn beside the line matching `pattern`: its text, and its distance from the
    line's text on the side where the line ends (negative: it is inside or on the other side)."""
    import pdfplumber

    lines = [line for line in visual_lines(pdf) if re.search(pattern, line["text"].replace("•", "").strip())]
    assert len(lines) == 1, "not found; lines:\n" + "\n".join(line["text"] for line in visual_lines(pdf))
    line = lines[0]
    with pdfplumber.open(pdf) as doc:
        chars = [c for c in doc.pages[0].chars if c["text"].strip()]
    text = [
        c
        for c in chars
        if c["size"] >= MARKER_SIZE and abs(c["matrix"][5] - line["y"]) <= 2 and c["text"] != "•"
    ]
    small = [c for c in chars if c["size"] < MARKER_SIZE and 0 < c["matrix"][5] - line["y"] < 8]
    assert small, "no marker on the line"
    mark = "".join(c["text"] for c in sorted(small, key=lambda c: c["x0"]))
    if lang == "ar":
        return mark, min(c["x0"] for c in text) - max(c["x1"] for c in small)
    return mark, min(c["x0"] for c in small) - max(c["x1"] for c in text)


@pytest.mark.parametrize("layout", ["ours", "libreoffice"])
@pytest.mark.parametrize("case", MARKER_CASES)
def test_the_marker_sits_past_the_end_of_the_clause(cit_layouts, layout, case):
    patterns, number, spaced = MARKER_CASES[case]
    for lang, pattern in patterns.items():
        mark, distance = marker_beside(cit_layouts[layout][lang], pattern, lang)
        assert mark == number
        assert distance >= (1.0 if spaced else -0.2), (lang, distance)


def lines_of(pdf: Path) -> list[str]:
    return [line["text"].replace("•", "").strip() for line in visual_lines(pdf)]


# Each source-list entry as drawn, left to right: its parts in the order of the edition's reading.
ENTRY_CASES = {
    "an English source in the Arabic list: Latin title whole, translation after it (to its left)": (
        "ar",
        A("الدول الأعضاء") + r".*Member States.*" + A("الأمم المتحدة"),
    ),
    "an Arabic source in the English list: Latin name, Arabic title, translation, language": (
        "en",
        r"Adel Ali,.{0,3}" + A("قمة آسيا الوسطى") + r".{0,3}\[The Central Asia Summit\] \(in Arabic\)\.",
    ),
    "a title ending in a question mark in the Arabic list": (
        "ar",
        A("هل القمة نقطة تحول؟") + r".*Is the Summit a Turning Point\?",
    ),
}


@pytest.mark.parametrize("layout", ["ours", "libreoffice"])
@pytest.mark.parametrize("case", ENTRY_CASES)
def test_each_entry_keeps_its_parts_in_order(cit_layouts, layout, case):
    lang, pattern = ENTRY_CASES[case]
    lines = lines_of(cit_layouts[layout][lang])
    assert any(re.search(pattern, text) for text in lines), "not found; lines:\n" + "\n".join(lines)


def test_each_entry_is_one_paragraph_in_the_editions_direction(cit_docs):
    for lang in ("ar", "en"):
        with zipfile.ZipFile(cit_docs[f"{lang}.docx"]) as z:
            from lxml import etree

            body = etree.fromstring(z.read("word/document.xml"))
        entries = [p for p in body.iter(f"{W}p") if "Turning Point" in "".join(p.itertext())]
        assert len(entries) == 1
        bidi = entries[0].find(f"{W}pPr/{W}bidi")
        assert (bidi is not None and bidi.get(f"{W}val") != "0") == (lang == "ar")


def test_the_fixtures_markers_touch_nothing(cit_layouts):
    assert [
        m for layout in cit_layouts.values() for pdf in layout.values() for m in markers_touching(pdf)
    ] == []


def test_the_check_finds_a_marker_glued_to_a_number(tmp_path):
    """The scan can fail: "79¹" drawn without a space is found."""
    import weasyprint

    html = '<p style="font-size: 9.5pt">Action points: 79<sup style="font-size: 6.5pt">1</sup></p>'
    pdf = tmp_path / "glued.pdf"
    weasyprint.HTML(string=html).write_pdf(pdf)
    assert markers_touching(pdf) == ["glued.pdf page 1: '9' before marker '1'"]


# -- every output of the real build -------------------------------------------------------------
def test_no_marker_touches_a_number_or_latin_letter_in_any_pdf(built):
    found = [m for pdf in sorted(built.rglob("*.pdf")) for m in markers_touching(pdf)]
    assert found == []


def docx_notes(path: Path) -> list[str]:
    """The text of every Word footnote of a DOCX, without its number."""
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/footnotes.xml"))
    notes = []
    for fn in root.iter(f"{W}footnote"):
        if fn.get(f"{W}type") is None:
            notes.append(re.sub(r"^\d+ ", "", normalise("".join(fn.itertext()))))
    return notes


def test_no_note_is_a_bare_source_number(built):
    """Issue #13: no note whose whole text is "Source: [n]." more than three times (now: none)."""
    bare = re.compile(r"^(Sources?|المصادر|المصدر): \[\d+\]\.$")
    for docx in sorted(built.rglob("samarkand-summit/*.docx")):
        notes = docx_notes(docx)
        assert notes, docx.name
        assert not [n for n in notes if bare.match(n)], docx.name


def test_bilingual_notes_are_set_in_their_languages_direction(built):
    """Each note of the bilingual DOCX is a paragraph in its language's direction. (Each language's
    notes are numbered from 1 in both formats, checked in test_backgrounder.)"""
    from lxml import etree

    docx = built / "samarkand-summit" / "samarkand-summit-2025.ar-en.docx"
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml"))
        notes = {
            fn.get(f"{W}id"): fn for fn in etree.fromstring(z.read("word/footnotes.xml")).iter(f"{W}footnote")
        }
    seen = {"ar": 0, "en": 0}
    for ref in body.iter(f"{W}footnoteReference"):
        paragraph = next(ref.iterancestors(f"{W}p"))
        cell_rtl = paragraph.find(f"{W}pPr/{W}bidi") is not None
        note = notes[ref.get(f"{W}id")]
        assert (note.find(f"{W}p/{W}pPr/{W}bidi") is not None) == cell_rtl
        seen["ar" if cell_rtl else "en"] += 1
    assert seen["ar"] > 3 and seen["en"] > 3, seen


def test_notes_and_source_lists_are_set_at_a_readable_size(built):
    """Notes at 8 pt at least; source lists at the body size (9.5 pt) minus 1.5 pt at least."""
    import pdfplumber

    for pdf_path in [
        built / "country-profiles" / "kz.en.pdf",
        built / "samarkand-summit" / "samarkand-summit-2025.ar.pdf",
    ]:
        with pdfplumber.open(pdf_path) as pdf:
            sizes = Counter(
                round(c["size"], 1) for page in pdf.pages for c in page.chars if c["text"].strip()
            )
        assert min(s for s in sizes if s >= 6.9) >= 7.9, (pdf_path.name, sorted(sizes))
    for style, size in (("Sources", 8), ("FootnoteText", 8)):
        with zipfile.ZipFile(built / "country-profiles" / "kz.ar.docx") as z:
            styles = z.read("word/styles.xml").decode()
        block = re.search(rf'w:styleId="{style}".*?</w:style>', styles, re.DOTALL).group()
        assert f'<w:sz w:val="{size * 2}"/>' in block, style


def test_the_rule_above_the_notes_sits_where_lines_start(built):
    """Right in Arabic, left in English, both in the bilingual edition (each over its column's
    notes): in our PDF a short rule at the top of the footnote area; in the DOCX the footnote
    separator is a right-to-left paragraph in an Arabic document, whose Normal style is right to
    left (Word draws the separator on the paragraph's start side; LibreOffice on the side of the
    Normal style's direction)."""
    import pdfplumber

    sides = {"ar": {"right"}, "en": {"left"}, "ar-en": {"left", "right"}}
    for edition, expected in sides.items():
        pdf = built / "samarkand-summit" / f"samarkand-summit-2025.{edition}.pdf"
        with pdfplumber.open(pdf) as doc:
            page = doc.pages[0]
            rules = [
                r
                for r in page.rects
                if r["height"] < 1.5 and r["top"] > page.height / 2 and r["width"] < page.width / 3
            ]
            found = {"right" if r["x0"] > page.width / 2 else "left" for r in rules}
        assert found == expected, (edition, found)
        with zipfile.ZipFile(pdf.with_suffix(".docx")) as z:
            separators = z.read("word/footnotes.xml").decode().split("<w:separator/>")[0]
            normal = re.search(
                r'w:styleId="Normal".*?</w:style>', z.read("word/styles.xml").decode(), re.DOTALL
            ).group()
        assert ("<w:bidi/>" in separators) == (edition == "ar"), edition
        assert ("<w:bidi/>" in normal) == (edition == "ar"), edition


def test_a_source_list_is_kept_for_the_same_records_and_made_again_when_one_changes(sources, monkeypatch):
    """Watch mode loads the sources afresh on every rebuild: equal records (other objects) give
    the list already made; a cited record that changed gives a new one."""
    from briefing import citations

    monkeypatch.setattr(citations, "_lists", {})
    made = []
    original = Citations._new_bibliography

    def counting(self):
        made.append(1)
        return original(self)

    monkeypatch.setattr(Citations, "_new_bibliography", counting)
    first = Citations(sources, "en").notes(["en-statement", "ar-analysis"])
    reloaded = {i: model.Source(**s.model_dump()) for i, s in sources.items()}
    assert Citations(reloaded, "en").notes(["en-statement", "ar-analysis"]) == first
    assert len(made) == 1
    retitled = dict(
        reloaded, **{"en-statement": reloaded["en-statement"].model_copy(update={"title": "Members"})}
    )
    again = Citations(retitled, "en").notes(["en-statement", "ar-analysis"])
    assert len(made) == 2 and "Members" in plain(again[0]) and again[1] == first[1]
