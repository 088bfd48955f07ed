"""Summit backgrounder (issue #3): footnotes, contents, outline, metadata, and PDF/DOCX parity.

Each test reads the built files (the session-wide `built` fixture) the way a
reader's tools would: pdfplumber and pypdf for the PDF, the XML parts for the
DOCX.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree
from pypdf import PdfReader

from briefing import cli
from briefing.kinds.summit_backgrounder import SECTIONS
from briefing.ooxml_notes import CUSTOM_MARK
from briefing.render import load_labels

from .conftest import ROOT, URL, docx_header_rows, docx_xml, in_urls, less_repeated, normalise, pdftotext

EDITIONS = ("ar", "en", "ar-en")
LANGS = {"ar": ("ar",), "en": ("en",), "ar-en": ("ar", "en")}
BRIEF = ROOT / "briefs" / "samarkand-summit.yaml"
LABELS = load_labels(ROOT / "templates")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Colours given to footnote calls and markers in backgrounder.css, as PDF fill colours.
CALL_RGB = (0xC0, 0x39, 0x2B)
MARKER_RGB = (0x7A, 0x1F, 0x30)
A4_HEIGHT, TOP, BOTTOM = 842, 48, 43  # points; the page margins hold only header and footer
ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3]")
LATIN_OR_NUMBER = re.compile(r"\d+|[A-Za-z\u00C0-\u024F]+")


def latin_words(text: str) -> list[str]:
    """Latin words and numbers, apart (a note call sits right after its word); words
    joined across a hyphen, as pdftotext joins a word hyphenated at a line end."""
    text = re.sub(r"(?<=[A-Za-z\u00C0-\u024F])- ?(?=[A-Za-z\u00C0-\u024F])", "", normalise(text))
    return LATIN_OR_NUMBER.findall(text)


def arabic_letters(text: str) -> Counter:
    """Arabic letters only: pdftotext splits Arabic words at vowel marks and drops
    spaces next to numbers, so Arabic is compared letter by letter."""
    return Counter(ARABIC_LETTER.findall(normalise(text)))


def pdf_path(built: Path, edition: str) -> Path:
    return built / "samarkand-summit" / f"samarkand-summit-2025.{edition}.pdf"


def docx_path(built: Path, edition: str) -> Path:
    return built / "samarkand-summit" / f"samarkand-summit-2025.{edition}.docx"


def label(key: str, lang: str) -> str:
    return getattr(LABELS[key], lang)


def _is(colour, rgb) -> bool:
    return (
        isinstance(colour, tuple)
        and len(colour) == 3
        and all(abs(c * 255 - v) < 1.5 for c, v in zip(colour, rgb, strict=True))
    )


def coloured_numbers(page, rgb) -> list[int]:
    """The numbers drawn on a PDF page in one colour: footnote calls or markers."""
    digits = sorted(
        (c for c in page.chars if c["text"].isdigit() and _is(c["non_stroking_color"], rgb)),
        key=lambda c: (round(c["top"]), c["x0"]),
    )
    numbers, current, last = [], "", None
    for c in digits:
        if last is not None and round(c["top"]) == round(last["top"]) and c["x0"] - last["x1"] < 1:
            current += c["text"]
        else:
            if current:
                numbers.append(int(current))
            current = c["text"]
        last = c
    if current:
        numbers.append(int(current))
    return numbers


def docx_notes(built: Path, edition: str) -> list[etree._Element]:
    root = etree.fromstring(docx_xml(docx_path(built, edition), "word/footnotes.xml").encode())
    return [n for n in root.iter(W + "footnote") if int(n.get(W + "id")) > 0]


def text_of(el) -> str:
    return "".join(t.text or "" for t in el.iter(W + "t"))


def docx_paragraphs(built: Path, edition: str) -> list[tuple[str, str]]:
    """(style id, text) of every body paragraph, table cells included."""
    root = etree.fromstring(docx_xml(docx_path(built, edition)).encode())
    out = []
    for p in root.iter(W + "p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        out.append((style.get(W + "val") if style is not None else "", text_of(p)))
    return out


def outline(reader: PdfReader) -> list[tuple[str, int]]:
    """(title, 1-based page) of every PDF bookmark, depth first."""
    out = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append((normalise(item.title), reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    return out


# -- footnotes ------------------------------------------------------------------
def note_numbers(page, rgb, bilingual: bool) -> list[tuple[int, str]]:
    """(number, language) of the notes drawn in one colour on a page: in the bilingual edition
    "ar" or "en" by the half of the page they sit in (Arabic on the right), else ""."""
    digits = sorted(
        (c for c in page.chars if c["text"].isdigit() and _is(c["non_stroking_color"], rgb)),
        key=lambda c: (round(c["top"]), c["x0"]),
    )
    out, current, last = [], [], None
    for c in digits + [None]:
        if (
            c is not None
            and last is not None
            and round(c["top"]) == round(last["top"])
            and c["x0"] - last["x1"] < 1
        ):
            current.append(c)
        else:
            if current:
                side = ("ar" if current[0]["x0"] > page.width / 2 else "en") if bilingual else ""
                out.append((int("".join(d["text"] for d in current)), side))
            current = [c] if c is not None else []
        last = c
    return out


@pytest.mark.parametrize("edition", EDITIONS)
def test_each_footnote_sits_at_the_foot_of_the_page_that_calls_it(built, edition):
    """In the bilingual edition each language numbers its notes from 1, under its own column."""
    with pdfplumber.open(pdf_path(built, edition)) as pdf:
        calls = [note_numbers(p, CALL_RGB, edition == "ar-en") for p in pdf.pages]
        marks = [note_numbers(p, MARKER_RGB, edition == "ar-en") for p in pdf.pages]
    deferred = []
    for number, (c, m) in enumerate(zip(calls, marks, strict=True), 1):
        if edition != "ar-en":
            assert sorted(c) == sorted(m), f"page {number}: calls {c} but notes {m}"
            continue
        # In the side-by-side table WeasyPrint 70 cannot push a table-cell line to the next
        # page with its note (footnote-policy is not honoured there), so a note that does not
        # fit follows on the next page. Allow that, and only that, there.
        late = set(c) - set(m)
        assert late <= set(marks[number]) if number < len(marks) else not late, f"page {number}: {c}, {m}"
        assert set(m) <= set(c) | set(calls[number - 2] if number > 1 else []), f"page {number}: {m}, {c}"
        deferred += sorted(late)
    assert len(deferred) <= 3, f"notes deferred to the next page: {deferred}"
    for lang in LANGS[edition]:
        every = [n for page in marks for n, side in page if side == lang or edition != "ar-en"]
        assert every == list(range(1, len(every) + 1)), f"{lang}: notes are numbered 1..N in reading order"
        assert len(every) >= 3


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_docx_has_real_footnotes_as_many_as_the_pdf(built, edition):
    notes = docx_notes(built, edition)
    body = docx_xml(docx_path(built, edition))
    refs = re.findall(r'<w:footnoteReference (?:w:customMarkFollows="1" )?w:id="(\d+)"/>', body)
    assert sorted(map(int, refs)) == sorted(int(n.get(W + "id")) for n in notes)
    with pdfplumber.open(pdf_path(built, edition)) as pdf:
        pdf_notes = sum(len(coloured_numbers(p, MARKER_RGB)) for p in pdf.pages)
    assert len(notes) == pdf_notes
    rels = docx_xml(docx_path(built, edition), "word/_rels/document.xml.rels")
    assert 'Target="footnotes.xml"' in rels
    assert "footnotes+xml" in docx_xml(docx_path(built, edition), "[Content_Types].xml")


def docx_marks(built: Path, edition: str) -> list[tuple[str, str, str, etree._Element]]:
    """(language, mark beside the text, number printed in the note, note) of every footnote of a
    DOCX, in reading order; the mark is the text after the custom mark (ooxml_notes), else ""."""
    body = etree.fromstring(docx_xml(docx_path(built, edition)).encode())
    notes = {n.get(W + "id"): n for n in docx_notes(built, edition)}
    out = []
    for ref in body.iter(W + "footnoteReference"):
        note = notes[ref.get(W + "id")]
        lang = "ar" if note.find(f"{W}p/{W}pPr/{W}bidi") is not None else "en"
        mark = ""
        if ref.get(W + "customMarkFollows") == "1":
            assert text_of(ref.getparent()) == CUSTOM_MARK
            mark = text_of(ref.getparent().getnext())
        first_run = note.find(f"{W}p/{W}r")
        printed = text_of(first_run) if first_run.find(W + "footnoteRef") is None else ""
        out.append((lang, mark, printed, note))
    return out


def pdf_notes_by_language(path: Path) -> dict[str, dict[int, str]]:
    """{language: {printed number: text}} of the bilingual PDF's footnotes: each note is the lines
    of the footnote area from its number (MARKER_RGB) to the next one; a note the page cannot hold
    ends there (its rest on the next page is left out)."""
    found: dict[str, dict[int, str]] = {"ar": {}, "en": {}}
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            digits = sorted(
                (c for c in page.chars if c["text"].isdigit() and _is(c["non_stroking_color"], MARKER_RGB)),
                key=lambda c: (round(c["top"]), c["x0"]),
            )
            marks: list[tuple[float, str, int]] = []  # (top, language, number)
            last = None
            for c in digits:
                if last is not None and abs(last["top"] - c["top"]) < 1 and c["x0"] - last["x1"] < 1:
                    top, lang, number = marks.pop()
                    marks.append((top, lang, int(f"{number}{c['text']}")))
                else:
                    marks.append((c["top"], "ar" if c["x0"] > page.width / 2 else "en", int(c["text"])))
                last = c
            # A note's first line starts a little above its number (Latin words in an Arabic line
            # sit up to 3 pt higher); lines are 10 pt apart or more.
            foot, rise = A4_HEIGHT - BOTTOM, 5
            for i, (top, lang, number) in enumerate(marks):
                end = marks[i + 1][0] if i + 1 < len(marks) else foot + rise
                area = page.crop((0, top - rise, page.width, min(end, foot + rise) - rise))
                found[lang][number] = area.extract_text()
    return found


def test_bilingual_docx_numbers_each_languages_notes_from_1_as_the_pdf(built):
    """EDITORIAL.md: a bilingual edition numbers each language's notes from 1. In the DOCX each note
    carries its language's number beside the text and at the head of the note, the same number;
    and the note with that number is the PDF's note with that number (its words, at least)."""
    marks = docx_marks(built, "ar-en")
    pdf = pdf_notes_by_language(pdf_path(built, "ar-en"))
    for lang in ("ar", "en"):
        mine = [(m, p, n) for note_lang, m, p, n in marks if note_lang == lang]
        assert [int(m) for m, _, _ in mine] == list(range(1, len(mine) + 1)), lang
        assert [m for m, p, _ in mine if p != m] == [], f"{lang}: the note's printed number differs"
        assert sorted(pdf[lang]) == list(range(1, len(mine) + 1)), lang
        for number, (_, _, note) in enumerate(mine, 1):
            ours, theirs = text_of(note), pdf[lang][number]
            words, pdf_words = Counter(latin_words(ours)), Counter(latin_words(theirs))
            assert not pdf_words - words, f"{lang} {number}: {theirs[:80]!r} is not {ours[:80]!r}"
            assert sum(pdf_words.values()) >= sum(words.values()) / 2, f"{lang} {number}: {theirs[:80]!r}"
            assert not arabic_letters(theirs) - arabic_letters(ours), f"{lang} {number}: {theirs[:80]!r}"


@pytest.mark.parametrize("edition", ("ar", "en"))
def test_one_language_docx_leaves_numbering_its_notes_to_word(built, edition):
    assert {(m, p) for _, m, p, _ in docx_marks(built, edition)} == {("", "")}


@pytest.mark.parametrize("edition", ("ar", "ar-en"))
def test_arabic_footnotes_in_the_docx_are_right_to_left(built, edition):
    arabic = [n for n in docx_notes(built, edition) if re.search("[\u0600-\u06ff]", text_of(n))]
    assert arabic
    for note in arabic:
        if not re.search("[A-Za-z]", text_of(note)[:12]):  # an Arabic note, not an English one quoting Arabic
            assert note.find(f"{W}p/{W}pPr/{W}bidi") is not None, text_of(note)
            assert note.find(f"{W}p/{W}r/{W}rPr/{W}rtl") is not None, text_of(note)


QUOTED = {"en": re.compile(r"“(.+?)[,.]?”"), "ar": re.compile(r"«(.+?)»")}


def all_notes(built: Path, edition: str) -> list[str]:
    """Every note's text."""
    return [text_of(n) for n in docx_notes(built, edition)]


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_note_cites_an_entry_of_the_bibliography_and_every_entry_is_cited(built, edition):
    """Notes cite by author and title; the bibliography gives each source once, in full."""
    entries = [normalise(t) for style, t in docx_paragraphs(built, edition) if style == "Sources"]
    notes = [normalise(n) for n in all_notes(built, edition)]
    for lang in LANGS[edition]:
        quoted = QUOTED[lang]
        titles = [quoted.search(e).group(1) for e in entries if quoted.search(e)]
        assert len(titles) >= 3 and len(titles) == len(set(titles)), titles
        cited = {m.group(1) for n in notes for m in quoted.finditer(n)}
        assert set(titles) <= cited, f"never cited: {sorted(set(titles) - cited)}"
        # Every note names an entry (a note's own text may quote something else too).
        for n in notes:
            if quoted.search(n):
                assert {m.group(1) for m in quoted.finditer(n)} & set(titles), n


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_ashgabat_date_is_the_primary_sources_and_the_seed_dates_are_not_printed(built, edition):
    """The seeds date the ministerial 20 and 28 March; the Joint Declaration and the reports of the
    meeting give 27 March. The document states 27 March; the seeds' dates are recorded variants,
    kept in content for the analyst and never printed as an unresolved "X or Y"."""
    notes = [text_of(n) for n in docx_notes(built, edition)]
    text = normalise(pdftotext(pdf_path(built, edition)))
    for lang in LANGS[edition]:
        assert not [n for n in notes if label("dates_disagree", lang) in n]
    if "en" in LANGS[edition]:
        assert "27 March 2025 · 20th EU–Central Asia Ministerial Meeting" in text
        assert "20 March 2025" not in text and "28 March 2025" not in text


# -- contents, headings, outline ---------------------------------------------------
def toc_numbers(page, lang_half: str | None) -> list[int]:
    """Page numbers of the contents lines, top to bottom, on one half of the page or all of it."""
    mid = page.width / 2
    if lang_half is not None:  # crop first: leaders of both columns meet in the middle
        page = page.crop((mid, 0, page.width, page.height) if lang_half == "ar" else (0, 0, mid, page.height))
    words_ = page.extract_words(keep_blank_chars=False)
    lines: dict[int, list] = {}
    for w in words_:
        lines.setdefault(round(w["top"]), []).append(w)
    out = []
    for top in sorted(lines):
        text = " ".join(w["text"] for w in sorted(lines[top], key=lambda w: w["x0"]))
        m = re.search(r"\.{4,}\s*(\d+)\s*$", text) or re.search(r"^\s*(\d+)\s*\.{4,}", text)
        if m:
            out.append(int(m.group(1)))
    return out


@pytest.mark.parametrize("edition", EDITIONS)
def test_contents_page_numbers_are_where_the_headings_land(built, edition):
    reader = PdfReader(pdf_path(built, edition))
    marks = outline(reader)
    pages_text = [
        normalise(pdftotext(pdf_path(built, edition), "-f", str(i), "-l", str(i)))
        for i in range(1, len(reader.pages) + 1)
    ]
    with pdfplumber.open(pdf_path(built, edition)) as pdf:
        toc_page = next(
            p
            for p in pdf.pages
            if any(label("toc", lang) in normalise(pages_text[p.page_number - 1]) for lang in LANGS[edition])
        )
        for lang in LANGS[edition]:
            numbers = toc_numbers(toc_page, lang if edition == "ar-en" else None)
            assert len(numbers) == len(SECTIONS), numbers
            for key, number in zip(SECTIONS, numbers, strict=True):
                title = normalise(label(key, lang))
                landed = [page for t, page in marks if t == title]
                assert landed == [number], f"{lang} {key}: contents say {number}, heading on {landed}"
                assert not arabic_letters(title) - arabic_letters(pages_text[number - 1]), (key, number)
                assert not Counter(latin_words(title)) - Counter(latin_words(pages_text[number - 1])), (
                    key,
                    number,
                )


@pytest.mark.parametrize("edition", EDITIONS)
def test_headings_are_in_the_pdf_outline_and_are_word_headings(built, edition):
    titles = [t for t, _ in outline(PdfReader(pdf_path(built, edition)))]
    paragraphs = docx_paragraphs(built, edition)
    for lang in LANGS[edition]:
        expected = [(1, normalise(getattr(_brief().title, lang)))]
        expected += [(2, normalise(label(k, lang))) for k in ("takeaways", "toc", *SECTIONS)]
        expected += [
            (3, normalise(label(k, lang)))
            for k in ("objectives_eu", "objectives_ca", "package", "agreements", "challenges", "outlook")
        ]
        for level, title in expected:
            assert title in titles, f"{title!r} not in the PDF outline"
            # A heading may carry a note marker (what its section rests on): its text without it.
            headings = [(s, re.sub(r"\s*\d+$", "", normalise(t))) for s, t in paragraphs]
            assert (f"Heading{level}", title) in headings, f"{title!r} is not a Word heading {level}"


def _brief():
    from briefing.kinds.summit_backgrounder import BackgrounderBrief
    from briefing.load import load

    return BackgrounderBrief.model_validate(load(BRIEF).data)


# -- page furniture and metadata -----------------------------------------------
@pytest.mark.parametrize("edition", EDITIONS)
def test_every_page_has_the_marking_and_page_x_of_y(built, edition):
    path = pdf_path(built, edition)
    total = len(PdfReader(path).pages)
    for number in range(1, total + 1):
        head = normalise(
            pdftotext(
                path, "-f", str(number), "-l", str(number), "-y", "0", "-H", str(TOP), "-W", "600", "-x", "0"
            )
        )
        foot = normalise(
            pdftotext(
                path,
                "-f",
                str(number),
                "-l",
                str(number),
                "-y",
                str(A4_HEIGHT - BOTTOM),
                "-H",
                str(BOTTOM),
                "-W",
                "600",
                "-x",
                "0",
            )
        )
        for lang in LANGS[edition]:
            assert normalise(getattr(_brief().marking, lang)) in head, (number, head)
            assert re.search(rf"{label('page', lang)}\s*{number}\s*{label('of', lang)}\s*{total}\b", foot), (
                number,
                foot,
            )


@pytest.mark.parametrize("edition", EDITIONS)
def test_pdf_metadata_comes_from_the_brief(built, edition):
    meta = PdfReader(pdf_path(built, edition)).metadata
    brief = _brief()
    langs = LANGS[edition]
    assert meta.title == " / ".join(getattr(brief.title, lang) for lang in langs)
    assert meta.author == " / ".join(getattr(brief.organisation, lang) for lang in langs)
    assert meta["/CreationDate"].startswith("D:" + brief.as_of.strftime("%Y%m%d"))
    catalog = PdfReader(pdf_path(built, edition)).trailer["/Root"]
    assert catalog["/Lang"] == langs[0]


@pytest.mark.parametrize("edition", ("ar", "ar-en"))
def test_arabic_docx_sections_and_tables_are_right_to_left(built, edition):
    body = docx_xml(docx_path(built, edition))
    assert "<w:bidi/></w:sectPr>" in body.replace("\n", "") or re.search(
        r"<w:sectPr[^>]*>.*<w:bidi/>.*</w:sectPr>", body, re.S
    )
    assert "<w:bidiVisual/>" in body


# -- the two formats say the same ------------------------------------------------
@pytest.mark.parametrize("edition", EDITIONS)
def test_pdf_and_docx_say_the_same_words(built, edition):
    """Same words, margins (running header and footer) left out; numbers the
    PDF adds (note calls and marks, contents page numbers) and table header rows
    repeated on the pages a table runs onto are the only extra."""
    path = pdf_path(built, edition)
    pdf_text = pdftotext(path, "-x", "0", "-y", str(TOP), "-W", "600", "-H", str(A4_HEIGHT - TOP - BOTTOM))
    docx_text = (
        " ".join(t for _, t in docx_paragraphs(built, edition))
        + " "
        + " ".join(text_of(n) for n in docx_notes(built, edition))
    )
    # URLs are compared whole in the DOCX and as the pieces a line break left in the PDF (below).
    urls = URL.findall(docx_text)
    docx_text = URL.sub(" ", docx_text)
    headers = docx_header_rows(docx_path(built, edition))
    assert less_repeated(
        arabic_letters(pdf_text), arabic_letters(docx_text), map(arabic_letters, headers)
    ) == (arabic_letters(docx_text))
    if "ar" in LANGS[edition]:
        assert sum(arabic_letters(pdf_text).values()) > 5000
    pdf, docx = Counter(latin_words(pdf_text)), Counter(latin_words(docx_text))
    pdf = less_repeated(pdf, docx, (Counter(latin_words(h)) for h in headers))
    # A compound broken at its hyphen in a narrow cell can come out of
    # pdftotext as two words far apart: count those as the compound.
    for a, b in set(re.findall(r"([A-Za-z]+)-([A-Za-z]+)", normalise(docx_text))):
        while docx[a + b] > pdf[a + b] and pdf[a] > docx[a] and pdf[b] > docx[b]:
            pdf[a], pdf[b], pdf[a + b] = pdf[a] - 1, pdf[b] - 1, pdf[a + b] + 1
    for w in pdf - docx:
        if in_urls(w, urls):
            pdf[w] = docx[w]
            continue
        # A URL broken after a hyphen at a line's end, joined by latin_words to the next line's word.
        cut = next(
            (i for i in range(len(w) - 1, 0, -1) if in_urls(w[:i], urls) and pdf[w[i:]] < docx[w[i:]]), 0
        )
        if cut:
            pdf[w], pdf[w[cut:]] = pdf[w] - 1, pdf[w[cut:]] + 1
    pdf, docx = +pdf, +docx
    is_number = str.isdigit
    pdf_words = Counter({w: n for w, n in pdf.items() if not is_number(w)})
    docx_words = Counter({w: n for w, n in docx.items() if not is_number(w)})
    assert pdf_words == docx_words, (
        f"only in PDF: {dict(pdf_words - docx_words)}; only in DOCX: {dict(docx_words - pdf_words)}"
    )
    pdf_numbers = Counter({w: n for w, n in pdf.items() if is_number(w)})
    docx_numbers = Counter({w: n for w, n in docx.items() if is_number(w)})
    assert docx_numbers - pdf_numbers == Counter(), (
        f"numbers missing from the PDF: {dict(docx_numbers - pdf_numbers)}"
    )
    notes = len(all_notes(built, edition))
    extra = pdf_numbers - docx_numbers
    assert all(int(w) <= notes for w in extra), f"unexpected numbers in the PDF: {dict(extra)}"


# -- content errors ------------------------------------------------------------------
@pytest.fixture
def project(tmp_path) -> tuple[Path, Path]:
    """A writable copy of the real content and the backgrounder brief."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    brief = tmp_path / "samarkand-summit.yaml"
    shutil.copy(BRIEF, brief)
    return content, brief


def check(project, capsys) -> tuple[int, list[str]]:
    content, brief = project
    code = cli.main(["--check", "--content", str(content), str(brief)])
    return code, capsys.readouterr().err.splitlines()


def edit(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def test_the_real_backgrounder_is_valid(project, capsys):
    assert check(project, capsys) == (0, [])


def test_an_unknown_event_in_the_timeline_is_an_error(project, capsys):
    line = edit(project[1], "  - sikela-tour-2025", "  - sikela-trip-2025")
    code, err = check(project, capsys)
    assert code == 1
    assert err[0].endswith(
        f"samarkand-summit.yaml:{line}:5: timeline[6]: unknown event 'sikela-trip-2025'; did you mean 'sikela-tour-2025'?"
    ), err


def test_an_unknown_source_in_the_brief_is_an_error(project, capsys):
    line = edit(project[1], "    sources: [seed-004]", "    sources: [seed-044]")
    code, err = check(project, capsys)
    assert code == 1
    assert any(
        e.endswith(
            f"samarkand-summit.yaml:{line}:15: corridor_map.caption.sources[0]: unknown source id 'seed-044'; did you mean 'seed-004'?"
        )
        for e in err
    ), err


def test_a_figure_without_a_source_is_an_error(project, capsys):
    edit(
        project[1],
        'concluded in November 2022."\n    sources: [astanatimes-crm-roadmap-2025, eu-kz-raw-materials-mou-2022]',
        'concluded in November 2022."',
    )
    code, err = check(project, capsys)
    assert code == 1
    assert "agreements[1]: a text that gives a figure or a date needs `sources`" in err[0], err


def test_an_event_file_must_hold_the_id_of_its_name(project, capsys):
    events = project[0] / "events"
    (events / "sikela-tour-2025.yaml").rename(events / "sikela-2025.yaml")
    code, err = check(project, capsys)
    assert code == 1
    assert any(
        "events/sikela-2025.yaml:1:5: id: id 'sikela-tour-2025' does not match the file name" in e
        for e in err
    ), err
