"""Arabic digits and month names per brief, in both formats; the fonts embedded in the DOCX."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from briefing import cli, docx_fonts
from briefing.validate import load_content

from .conftest import ROOT, docx_xml, normalise, pdf_text

WESTERN = re.compile(r"[0-9]")
INDIC = re.compile(r"[\u0660-\u0669]")


def latin_title_words() -> set[str]:
    """Words with a digit in the Latin-script titles of the sources (a title keeps its own digits,
    "6th", "3-4", in an Arabic edition too)."""
    content = load_content(ROOT / "content")
    return {
        w.strip(",.:;()")
        for s in content.sources.values()
        if not ARABIC_SCRIPT.search(s.title)
        for w in s.title.split()
        if WESTERN.search(w)
    }


ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")


def western_leftovers(text: str) -> list[str]:
    """Tokens with a Western digit that are not part of a Latin source title or a Latin word
    (a map scale, "1:50m")."""
    allowed = latin_title_words()
    return [
        w
        for w in re.findall(r"\S*[0-9]\S*", text)
        if w.strip("،,.:;()[]«»") not in allowed and not re.search("[A-Za-z]", w)
    ]


@pytest.fixture(scope="module")
def indic(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("indic")
    brief = out / "indic.yaml"
    brief.write_text(
        (ROOT / "briefs" / "country-profiles.yaml").read_text(encoding="utf-8")
        + "arabic_digits: arabic-indic\narabic_months: levantine\n",
        encoding="utf-8",
    )
    assert cli.main(["--out", str(out), "--only", "kz", "--edition", "ar,ar-en", "-j", "1", str(brief)]) == 0
    return out / "indic"


def test_arabic_indic_edition_has_no_western_digit_on_its_arabic_page_but_in_latin_names(indic):
    text = pdf_text(indic / "kz.ar.pdf")
    assert len(INDIC.findall(text)) > 50
    # The only Western digits left are parts of Latin names (none on this page) or of English source titles.
    leftovers = western_leftovers(text)
    assert not leftovers, leftovers
    assert "نيسان" in text and "أبريل" not in text.replace("أبريل/", "")  # Levantine month names
    assert "٢٠٢٠" in text and "٢٧" in text and "٪" in text  # a year and a percentage typed in content


def test_the_english_page_of_a_bilingual_edition_keeps_western_digits(indic):
    import pypdfium2

    pdf = pypdfium2.PdfDocument(indic / "kz.ar-en.pdf")
    ar_page, en_page = (pdf[i].get_textpage().get_text_range() for i in (0, 1))
    pdf.close()
    assert INDIC.search(ar_page) and not [
        w for w in western_leftovers(ar_page) if not re.match("[A-Za-z]", w)
    ]
    assert WESTERN.search(en_page) and not INDIC.search(en_page)
    assert "April 2025" in normalise(en_page)  # a date is held together by a no-break space (typeset.py)


def test_docx_numbers_pages_and_lists_in_arabic_indic(indic):
    body = docx_xml(indic / "kz.ar-en.docx")
    numbering = docx_xml(indic / "kz.ar-en.docx", "word/numbering.xml")
    sections = re.findall(r"<w:sectPr.*?</w:sectPr>", body, re.DOTALL)
    assert len(sections) == 2
    assert 'w:pgNumType w:fmt="hindiNumbers"' in sections[0] and "pgNumType" not in sections[1]
    assert 'w:numFmt w:val="hindiNumbers"' in numbering
    assert "٢٠٢٠" in body and "2020" in body  # Arabic page converted, English page not


def test_fonts_are_embedded_obfuscated_and_reproducibly(built, tmp_path):
    path = built / "country-profiles" / "kz.ar-en.docx"
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        types = z.read("[Content_Types].xml").decode()
        settings = z.read("word/settings.xml").decode()
        table = z.read("word/fontTable.xml").decode()
        rels = z.read("word/_rels/fontTable.xml.rels").decode()
        fonts = {n: z.read(n) for n in names if n.endswith(".odttf")}
    assert (
        'Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"'
        in types
    )
    assert "<w:embedTrueTypeFonts/>" in settings
    embeds = re.findall(r'<w:(embed\w+) r:id="(\w+)" w:fontKey="(\{[0-9A-F-]{36}\})"/>', table)
    assert {e for e, *_ in embeds} == {"embedRegular", "embedBold", "embedItalic"} and len(embeds) == 5
    families = set()
    for _, rid, key in embeds:
        target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels).group(1)
        data = fonts["word/" + target]
        assert data[:4] not in (b"\x00\x01\x00\x00", b"true", b"OTTO")  # obfuscated: the header is unreadable
        font = TTFont(io.BytesIO(docx_fonts.obfuscate(data, key)))  # and the key opens it
        families.add(font["name"].getDebugName(1))
        assert font["OS/2"].fsType == 0
    assert families == {"Noto Naskh Arabic", "Noto Serif"}
    # Rebuilding gives the same bytes (keys derive from the fonts' hashes).
    out = tmp_path / "again"
    assert (
        cli.main(
            [
                "--out",
                str(out),
                "--only",
                "kz",
                "--edition",
                "ar-en",
                "--format",
                "docx",
                "-j",
                "1",
                str(ROOT / "briefs" / "country-profiles.yaml"),
            ]
        )
        == 0
    )
    assert (out / "country-profiles" / "kz.ar-en.docx").read_bytes() == path.read_bytes()


def test_the_key_is_the_guid_bytes_reversed():
    guid = "{00112233-4455-6677-8899-AABBCCDDEEFF}"
    assert docx_fonts.key_bytes(guid) == bytes.fromhex("FFEEDDCCBBAA99887766554433221100")
    font = bytes(range(40))
    hidden = docx_fonts.obfuscate(font, guid)
    assert hidden[32:] == font[32:] and hidden[:32] != font[:32]
    assert hidden[0] == 0 ^ 0xFF and hidden[16] == 16 ^ 0xFF and hidden[31] == 31 ^ 0x00
    assert docx_fonts.obfuscate(hidden, guid) == font


def test_a_fonts_characters_come_from_the_cache_folder_only_as_written(tmp_path, monkeypatch):
    name = "NotoNaskhArabic-Regular.ttf"
    truth = frozenset(TTFont(ROOT / "fonts" / name).getBestCmap())
    monkeypatch.setattr(docx_fonts, "cache_dir", tmp_path)
    docx_fonts.font_chars.cache_clear()
    assert docx_fonts.font_chars(name) == truth  # read from the font, and kept
    (entry,) = tmp_path.glob("*.chars.json")
    # Kept across processes: a fresh process reads the entry, not the font.
    docx_fonts.font_chars.cache_clear()
    monkeypatch.setattr(docx_fonts, "TTFont", None)  # reading the font would fail
    assert docx_fonts.font_chars(name) == truth
    monkeypatch.undo()
    monkeypatch.setattr(docx_fonts, "cache_dir", tmp_path)
    # Cut short, or another file under its name: ignored, the font read again.
    for bad in (entry.read_bytes()[:100], b'{"key": "other", "chars": [65]}'):
        entry.write_bytes(bad)
        docx_fonts.font_chars.cache_clear()
        assert docx_fonts.font_chars(name) == truth
    docx_fonts.font_chars.cache_clear()


def test_the_embedded_serif_keeps_cyrillic_and_a_subset_cut_to_other_ranges_is_not_reused(
    tmp_path, monkeypatch
):
    """Every document embeds the same subset, Cyrillic included (LibreOffice keeps the first
    embedded font of a family for its session); the cache key holds the ranges kept."""
    name = "NotoSerif-Regular.ttf"
    monkeypatch.setattr(docx_fonts, "cache_dir", tmp_path)
    docx_fonts.font_bytes.cache_clear()
    kept = docx_fonts.font_bytes(name, frozenset())
    assert {0x434, 0x439, 0x44B} <= set(TTFont(io.BytesIO(kept)).getBestCmap())  # д й ы
    monkeypatch.setattr(docx_fonts, "KEPT_RANGES", [(0x20, 0x7E)])
    docx_fonts.font_bytes.cache_clear()
    docx_fonts._recipe.cache_clear()
    assert 0x434 not in TTFont(io.BytesIO(docx_fonts.font_bytes(name, frozenset()))).getBestCmap()
    assert len(list(tmp_path.glob("*.ttf"))) == 2  # one entry per recipe
    docx_fonts.font_bytes.cache_clear()
    docx_fonts._recipe.cache_clear()


def test_a_font_that_forbids_embedding_is_left_out():
    font = TTFont(ROOT / "fonts" / "NotoNaskhArabic-Regular.ttf")
    for fs_type, allowed in ((0, True), (8, True), (4, False), (2, False), (0x200, False)):
        font["OS/2"].fsType = fs_type
        buf = io.BytesIO()
        font.save(buf)
        assert docx_fonts.embeddable(buf.getvalue()) is allowed, fs_type


# -- Arabic-Indic page numbers in every kind, both formats ------------------------------------
KIND_BRIEFS = {  # kind -> (brief, the document to build)
    "country-profile": ("country-profiles", "kz"),
    "roadmap-tracker": ("roadmap-tracker", "tracker"),
    "summit-backgrounder": ("samarkand-summit", "samarkand-summit-2025"),
    "pre-meeting": ("2025-10-20-eu-central-asia-ministerial", "brief"),
}


def test_every_kind_is_covered_here():
    from briefing import kinds

    assert set(KIND_BRIEFS) == set(kinds.by_name())


@pytest.fixture(scope="module")
def indic_kinds(tmp_path_factory) -> Path:
    """One document of every kind, with `arabic_digits: arabic-indic`, Arabic and bilingual editions."""
    out = tmp_path_factory.mktemp("indic-kinds")
    briefs = []
    for name, _ in KIND_BRIEFS.values():
        brief = out / f"{name}.yaml"
        text = (ROOT / "briefs" / f"{name}.yaml").read_text(encoding="utf-8")
        brief.write_text(text + "arabic_digits: arabic-indic\n", encoding="utf-8")
        briefs.append(str(brief))
    only = ",".join(doc for _, doc in KIND_BRIEFS.values())
    argv = ["--out", str(out / "out"), "--only", only, "--edition", "ar,ar-en", "-j", "2", *briefs]
    assert cli.main(argv) == 0
    return out / "out"


def _page_numbers(path: Path) -> list[list[str]]:
    """Per page, every "صفحة N" / "Page N" written on it (N as printed)."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        return [
            re.findall(r"(?:صفحة|Page)\s*([0-9\u0660-\u0669]+)", page.get_textpage().get_text_range())
            for page in pdf
        ]
    finally:
        pdf.close()


def _indic(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


@pytest.mark.parametrize("kind", KIND_BRIEFS)
def test_arabic_pages_are_numbered_in_arabic_indic_digits_in_the_pdf(indic_kinds, kind):
    name, doc = KIND_BRIEFS[kind]
    pages = _page_numbers(indic_kinds / name / f"{doc}.ar.pdf")
    assert pages and all(numbers == [_indic(i)] for i, numbers in enumerate(pages, 1)), pages
    # Bilingual: the Arabic text numbers its pages in ٠–٩, the English text in 0–9.
    for i, numbers in enumerate(_page_numbers(indic_kinds / name / f"{doc}.ar-en.pdf"), 1):
        assert set(numbers) <= {_indic(i), str(i)} and numbers, (i, numbers)


@pytest.mark.parametrize("kind", KIND_BRIEFS)
def test_arabic_sections_number_their_pages_in_hindi_numbers_in_the_docx(indic_kinds, kind):
    name, doc = KIND_BRIEFS[kind]
    (section,) = re.findall(
        r"<w:sectPr.*?</w:sectPr>", docx_xml(indic_kinds / name / f"{doc}.ar.docx"), re.DOTALL
    )
    assert 'w:pgNumType w:fmt="hindiNumbers"' in section
    sections = re.findall(
        r"<w:sectPr.*?</w:sectPr>", docx_xml(indic_kinds / name / f"{doc}.ar-en.docx"), re.DOTALL
    )
    assert 'w:fmt="hindiNumbers"' in sections[0]  # the Arabic article (the backgrounder's only one)
    assert all("hindiNumbers" not in s for s in sections[1:])  # the English one
