"""A source's address is a link to itself in every format, and a one-pager's short note, which
prints no address, links its title to the source (citations.py makes the links; write_pdf and
pdf_tags, write_docx and ooxml, write_html carry them).

First the pieces on their own (the entries, the DOCX element); then every document of the
real build: each address printed in its HTML edition is a link to itself, and its PDF (a tagged
link annotation), its DOCX (a w:hyperlink) and the DOCX as LibreOffice exports it link the same
addresses.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import lxml.etree
import lxml.html
import pikepdf
from docx import Document

from briefing import model, ooxml
from briefing.citations import Citations
from briefing.load import load

from . import pdf_audit
from .conftest import ROOT

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
URL = "https://example.org/a?b=1&c=2"


def _source(**fields) -> model.Source:
    return model.Source(**{"type": "web-page", "accessed": "2025-01-02", "url": URL, **fields})


def _links(entry) -> list[lxml.html.HtmlElement]:
    return lxml.html.fragment_fromstring(str(entry), create_parent="p").xpath(".//a")


# -- the entries -----------------------------------------------------------------------------
def test_a_full_notes_address_is_a_link_to_itself_inside_its_isolate_and_its_title_is_not():
    sources = {"s": _source(id="s", title="Summit", title_translations={"ar": "القمة"}, language="en")}
    for lang in ("ar", "en"):
        (entry,) = Citations(sources, lang).notes(["s"])
        (link,) = _links(entry)
        assert (link.get("class"), link.get("href"), link.text_content()) == ("src-link", URL, URL)
        bdi = link.getparent()
        assert (bdi.tag, bdi.get("class"), bdi.get("dir")) == ("bdi", "url", "ltr")


def test_a_short_note_links_the_title_as_published_keeping_its_isolation():
    arabic = _source(
        id="a", title="القمة الأولى", title_translations={"en": "The first summit"}, language="ar"
    )
    english = _source(id="e", title="First summit", title_translations={"ar": "القمة الأولى"}, language="en")
    sources = {"a": arabic, "e": english}
    (in_english,) = _links(Citations(sources, "en").short_notes(["a"])[0])
    assert (in_english.text_content(), in_english.get("href")) == ("القمة الأولى", URL)
    assert (in_english.getparent().get("lang"), in_english.getparent().get("dir")) == ("ar", "rtl")
    (in_arabic,) = _links(Citations(sources, "ar").short_notes(["e"])[0])
    assert (in_arabic.text_content(), in_arabic.getparent().get("dir")) == ("First summit", "ltr")
    (same_language,) = _links(Citations(sources, "en").short_notes(["e"])[0])
    assert same_language.getparent().tag == "p"  # an English title in English: no isolate
    assert (
        "[The first summit]"
        in lxml.html.fragment_fromstring(
            str(Citations(sources, "en").short_notes(["a"])[0]), create_parent="p"
        ).text_content()
    )  # the translation stays outside the link


def test_a_source_without_an_address_links_nothing():
    source = model.Source(
        id="n", type="analysis", title="Note", title_translations={"ar": "ملاحظة"}, language="en"
    )
    cites = Citations({"n": source}, "en")
    assert _links(cites.notes(["n"])[0]) == [] and _links(cites.short_notes(["n"])[0]) == []


# -- the DOCX element ------------------------------------------------------------------------
def test_runs_become_one_hyperlink_in_the_hyperlink_style():
    doc = Document()
    par = doc.add_paragraph("see ")
    first = len(par._p)
    par.add_run("exa")
    par.add_run("mple")
    rid = par.part.relate_to(
        URL, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink", is_external=True
    )
    ooxml.add_hyperlink(par, first, rid, "Hyperlink")
    (link,) = par._p.findall(f"{W}hyperlink")
    assert link.get(f"{R}id") == rid and par.part.rels[rid].target_ref == URL
    assert [r.findtext(f"{W}t") for r in link] == ["exa", "mple"]
    assert [r.find(f"{W}rPr/{W}rStyle").get(f"{W}val") for r in link] == ["Hyperlink", "Hyperlink"]
    assert par.text == "see example"  # the runs moved into the link, in their order


# -- every document of the build ---------------------------------------------------------------
def _editions(built: Path) -> list[Path]:
    """Every document edition of the build, as its HTML file."""
    return sorted(p for p in built.rglob("*.html") if p.parent != built)


def _html_links(html: Path) -> set[str]:
    root = lxml.html.parse(str(html)).getroot()
    return {a.get("href") for a in root.xpath("//a[contains(concat(' ', @class, ' '), ' src-link ')]")}


def _pdf_links(pdf: Path) -> list[tuple[str, str]]:
    with pikepdf.open(pdf) as doc:
        return [
            (str(a.A.URI), str(a.get("/Contents", "")))
            for page in doc.pages
            for a in page.get("/Annots", [])
            if a.get("/Subtype") == "/Link" and "/A" in a
        ]


def _docx_links(docx: Path) -> set[str]:
    """The targets of every w:hyperlink of the document and its notes (each an external relationship)."""
    targets = set()
    with zipfile.ZipFile(docx) as z:
        for part in ("document", "footnotes"):
            name = f"word/{part}.xml"
            if name not in z.namelist():
                continue
            rels_name = f"word/_rels/{part}.xml.rels"
            rels = {
                r.get("Id"): r
                for r in (
                    lxml.etree.fromstring(z.read(rels_name)).iter(f"{PR}Relationship")
                    if rels_name in z.namelist()
                    else ()
                )
            }
            for link in lxml.etree.fromstring(z.read(name)).iter(f"{W}hyperlink"):
                rel = rels[link.get(f"{R}id")]
                assert rel.get("TargetMode") == "External", rel.attrib
                assert all(
                    r.find(f"{W}rPr/{W}rStyle").get(f"{W}val") == "Hyperlink" for r in link.iter(f"{W}r")
                )
                targets.add(rel.get("Target"))
    return targets


def test_every_printed_address_is_a_link_to_itself(built):
    addresses = 0
    for html in _editions(built):
        for bdi in lxml.html.parse(str(html)).getroot().xpath("//bdi[@class='url']"):
            addresses += 1
            links = bdi.xpath("a[@class='src-link']")
            assert [(a.get("href"), a.text_content()) for a in links] == [(bdi.text_content(),) * 2], (
                html.name
            )
    assert addresses > 100, addresses


def test_the_pdf_and_docx_link_every_address_the_html_links(built):
    checked = 0
    for html in _editions(built):
        expected = _html_links(html)
        for fmt in ("pdf", "docx"):
            path = html.with_suffix(f".{fmt}")
            if not path.exists():
                continue
            checked += 1
            found = {u for u, _ in _pdf_links(path)} if fmt == "pdf" else _docx_links(path)
            assert found == expected, (path.name, sorted(found ^ expected))
    assert checked > 40, checked


def test_each_pdf_link_is_tagged_and_described_for_a_screen_reader(built):
    """PDF/UA 7.18.5: each annotation in a Link element (the whole audit runs in
    test_accessibility), its /Contents the link's text: the address, or the title."""
    for pdf in sorted(built.rglob("*.pdf")):
        assert pdf_audit.problems(pdf, pdf_a="samarkand" in pdf.name) == [], pdf.name
        for uri, contents in _pdf_links(pdf):
            assert contents.strip() and "\u2060" not in contents, (pdf.name, uri, contents)


def _plain(text: str) -> str:
    """Text as content writes it, without what typeset.py adds to keep words on a line."""
    return " ".join(text.replace("\u2060", "").replace("\u2011", "-").replace("\u00a0", " ").split())


def test_a_one_pagers_source_list_links_each_title_to_its_source(built):
    records = [model.Source(**s) for s in load(ROOT / "content" / "sources.yaml").data]
    linked = 0
    for html in sorted((built / "country-profiles").glob("*.html")):
        root = lxml.html.parse(str(html)).getroot()
        entries = root.xpath("//section[contains(@class, 'sources')]//li")
        assert entries, html.name
        for li in entries:
            text = _plain(li.text_content())
            # The entry's source: the one whose title as published it shows (the longest, if several).
            source = max((s for s in records if _plain(s.title) in text), key=lambda s: len(s.title))
            links = [(a.get("href"), _plain(a.text_content())) for a in li.xpath(".//a[@class='src-link']")]
            assert links == ([(source.url, _plain(source.title))] if source.url else []), (html.name, text)
            assert not source.url or source.url not in text  # a short note: the address is not printed
            linked += bool(links)
    assert linked > 100, linked


def test_libreoffice_keeps_the_docx_links(converted):
    for ours, theirs in converted.items():
        if not ours.name.startswith(("kz.", "samarkand-summit-2025.")):
            continue
        # (LibreOffice writes a bare host with its path, "/": the same address.)
        assert {_with_path(u) for u, _ in _pdf_links(theirs)} == {
            _with_path(u) for u, _ in _pdf_links(ours)
        }, ours.name


def _with_path(url: str) -> str:
    return url + "/" if re.fullmatch(r"https?://[^/]+", url) else url
