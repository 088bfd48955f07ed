"""A real word processor in the loop: every DOCX of the build, laid out by LibreOffice.

Skips (with the reason) where LibreOffice is not installed; CI installs it
(.ci/run sets WITH_LIBREOFFICE=1 for scripts/ensure-tools). One soffice run
converts all files, with a private profile so parallel runs do not clash.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import URL, docx_header_rows, docx_xml, in_urls, less_repeated, words
from .layout import page_count, soffice, to_pdf, visual_lines

MM = 72 / 25.4
# Right margin (pt from the left edge) of each page shape, and its left margin.
MARGINS = {(595, 842): (595 - 16 * MM, 16 * MM), (842, 595): (842 - 14 * MM, 14 * MM)}


def langs_of(pdf: Path) -> list[str]:
    return pdf.stem.rsplit(".", 1)[1].split("-")


def test_page_counts(converted):
    for ours, theirs in converted.items():
        mine, lo = page_count(ours), page_count(theirs)
        if ours.parent.name == "country-profiles":
            assert lo == len(langs_of(ours)), f"{theirs.name}: one-pager runs to {lo} pages in LibreOffice"
        else:  # longer documents: a word processor sets tables tighter than the browser engine
            assert mine * 0.6 <= lo <= mine * 1.25, f"{ours.name}: {mine} pages, LibreOffice {lo}"


def test_arabic_lines_are_flush_right(converted):
    checked = 0
    for ours, theirs in converted.items():
        if "ar" not in langs_of(ours):
            continue
        reader = PdfReader(theirs)
        for i, page in enumerate(reader.pages):
            size = (round(float(page.mediabox.width)), round(float(page.mediabox.height)))
            right, left = MARGINS[size]
            every = [line for line in visual_lines(theirs, i) if len(line["text"]) > 12]
            lines = [line for line in every if line["arabic"]]
            if len(lines) < len(every) / 2:
                continue  # an English page (its Arabic source titles are left-aligned items, rightly)
            flush = [line for line in lines if abs(line["x1"] - right) <= 14]
            assert len(flush) / len(lines) >= 0.6, (
                f"{theirs.name} p{i + 1}: {len(flush)}/{len(lines)} Arabic lines end at the right margin"
            )
            for line in lines:
                short = line["x1"] - line["x0"] < (right - left) * 0.6
                assert not (short and line["x0"] - left < 4 and right - line["x1"] > 14), (
                    f"{theirs.name} p{i + 1}: a short Arabic line sits at the left margin: {line['text'][:40]}"
                )
                checked += 1
    assert checked > 100


def body_text(path: Path) -> str:
    """The text of every page without its running header and footer
    (they repeat once per page, and the two layouts may break pages differently). Lines are in
    visual order, which changes no Latin word and no count of Arabic letters."""
    chunks = []
    height = float(PdfReader(path).pages[0].mediabox.height)
    for i in range(page_count(path)):
        # By position: a running header may wrap onto a second line in one layout
        # and not the other. Every layout here keeps its header above 47 pt from the
        # top edge and its footer below 38 pt from the bottom, and its body between.
        lines = visual_lines(path, i)
        chunks += [line["text"] for line in lines if 38 < line["y"] < height - 47]
    return "\n".join(chunks)


CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def same_less_a_mark(a: Counter, b: Counter) -> Counter:
    """`a` with each word it has beyond `b` counted as that word less a first or last C, H, F, G
    or I where `b` has that shorter word beyond `a` (the letter was taken as a vowel mark's)."""
    a = a.copy()
    for w in list((a - b).elements()):
        for cut, dropped in ((w[:-1], w[-1:]), (w[1:], w[:1])):
            if dropped in {"C", "H", "F", "G", "I"} and (b - a)[cut] > 0:
                a[w], a[cut] = a[w] - 1, a[cut] + 1
                break
    return a


def without_url_pieces(a: Counter, b: Counter, urls: list[str]) -> Counter:
    """`a` with no more of a word than `b` has where the word is a piece of a URL."""
    return Counter({w: min(n, b[w]) if n > b[w] and in_urls(w, urls) else n for w, n in a.items()})


def test_libreoffice_shows_the_same_text_as_our_pdf(converted):
    """The same Latin words and Arabic letters, as many times each; the same years. (Other digits
    are not compared: a superscript note number is glued to the number beside it differently by
    each extraction, and list and page numbers are drawn by both.)"""
    for ours, theirs in converted.items():
        mine, lo = body_text(ours), body_text(theirs)
        # LibreOffice's PDF export maps the positioned variants of some Arabic vowel marks
        # (tanween and shadda drawn over a letter) to "H" in its text layer: the page shows
        # the mark; only the extracted text is wrong. Those "H"s sit next to Arabic letters
        # or alone where a raised mark made its own line.
        # (Seen: "H" for tanween and shadda, "F" or "G" for the damma of أُثير, alone on its line; "C" for the tanween of ًا;
        # "I" for tanween and shadda too, in the profiles since they hold a map.)
        # Taken out of both texts alike: a real capital beside Arabic ("IEU" in a source list)
        # loses the same letter on both sides; where only LibreOffice's text has the Arabic
        # beside it ("RTVI" / "RTV"), the two are matched below.
        marks = re.compile(
            r"(?<=[\u0600-\u06FF])[CHFGI]|[CHFGI](?=[\u0600-\u06FF])|(?<![^\W\d_])[CHFGI](?![^\W\d_])"
        )
        lo, mine = marks.sub("", lo), marks.sub("", mine)
        # Cyrillic (a Russian source title on an Arabic page) is drawn right by LibreOffice, but the
        # positions of its glyphs in LibreOffice's PDF split and drop letters when a line is read
        # back in visual order ("Кыргызстана" as "К", "г", "зстана"): compared by our own
        # PDF-to-DOCX test (test_one_pagers), not here.
        a = Counter(w for w in words(mine) if not w.isdigit() and not CYRILLIC.search(w))
        b = Counter(w for w in words(lo) if not w.isdigit() and not CYRILLIC.search(w))
        # Both repeat a table's header row on each page it runs onto, on their own pages.
        rows = [
            Counter(w for w in words(r) if not w.isdigit())
            for r in docx_header_rows(ours.with_suffix(".docx"))
        ]
        # A word that the other text has less one such letter at an end is the same word.
        a, b = same_less_a_mark(a, b), same_less_a_mark(b, a)
        # Each lays a long URL out in its own pieces ("wit" / "h+kazakhstan"): those are not words.
        urls = URL.findall(re.sub(r"<[^>]+>", "", docx_xml(ours.with_suffix(".docx"))))
        a, b = without_url_pieces(a, b, urls), without_url_pieces(b, a, urls)
        a, b = less_repeated(a, b, rows), less_repeated(b, a, rows)
        a, b = +a, +b
        assert a == b, f"{theirs.name}: only ours {dict(a - b)}; only LibreOffice's {dict(b - a)}"
        years = lambda text: set(re.findall(r"(?:19|20)\d\d", text))  # noqa: E731
        assert years(mine) == years(lo), f"{theirs.name}: years differ: {years(mine) ^ years(lo)}"


def test_the_docx_carries_its_fonts(built, tmp_path):
    """With no Noto font installed, LibreOffice still sets the DOCX in Noto Naskh Arabic and Noto Serif:
    the embedded ones. (LibreOffice refuses to start with no font at all, so fontconfig sees one
    unrelated font.)"""
    soffice()
    other = next(
        (p for p in sorted(Path("/usr/share/fonts").rglob("*.ttf")) if "noto" not in p.name.lower()), None
    )
    if other is None:
        pytest.skip("no non-Noto font on this machine to start LibreOffice with")
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    shutil.copy(other, fonts)
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>{fonts}</dir>'
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n"
    )
    docx = built / "country-profiles" / "kz.ar-en.docx"
    pdf = to_pdf([docx], tmp_path / "out", env={"FONTCONFIG_FILE": str(conf)})[docx]
    names = set()
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert {
        "NotoNaskhArabic-Regular",
        "NotoNaskhArabic-Bold",
        "NotoSerif-Regular",
        "NotoSerif-Bold",
    } <= names, names
