"""Auditing a DOCX: the OOXML schemas and Word's own expectations (openxml-audit, a port of the Open XML
SDK validator), this project's right-to-left rules, what a screen reader needs (alternative text on
every picture, in its paragraph's language; headings in order), and the document properties.

Rules allowed to fail: none. (Should one ever have to be allowed, list it in ALLOWED with why.)
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree
from openxml_audit import FileFormat, OpenXmlValidator

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
}
ARABIC = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")
LATIN = re.compile(r"[A-Za-z]{2,}")
DECORATIVE = "http://schemas.microsoft.com/office/drawing/2017/decorative"
ALLOWED: dict[str, str] = {}  # openxml-audit error id -> why it is allowed
# The newest format the validator knows: its schemas include every extension Word 2010+ writes.
_validator = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365, max_errors=0)


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def schema_problems(path: Path) -> list[str]:
    result = _validator.validate(path)
    return [
        f"{e.part_uri}: {e.description} ({e.id or e.error_type.value})"
        for e in result.errors
        if e.id not in ALLOWED
    ]


def _text(el) -> str:
    return "".join(el.itertext(_w("t")))


def _has(el, path: str) -> bool:
    return el.find(path, NS) is not None


def _bidi(par, path: str = "w:pPr/w:bidi") -> bool:
    """Whether a paragraph says it is right to left (`w:bidi`, not `w:bidi w:val="0"`: an English
    paragraph in an Arabic-first document, whose Normal style is right to left); with `path`
    "w:tblPr/w:bidiVisual", whether a table does (an English one in such a document says "off")."""
    bidi = par.find(path, NS)
    return bidi is not None and bidi.get(_w("val"), "1") not in ("0", "false", "off")


def rtl_problems(path: Path) -> list[str]:
    """The right-to-left markup Word and LibreOffice need (shared/RTL-NOTES.md), on every part that holds text."""
    found = []
    with zipfile.ZipFile(path) as z:
        parts = {
            n: etree.fromstring(z.read(n)) for n in z.namelist() if re.fullmatch(r"word/[a-z]+\d*\.xml", n)
        }
    for name, root in parts.items():
        if name == "word/styles.xml":
            found += _style_problems(root)
            continue
        for par in root.iter(_w("p")):
            text = _text(par)
            # A bibliography entry takes the direction of its edition, whatever its script (EDITORIAL.md).
            entry = (
                par.find("w:pPr/w:pStyle", NS) is not None
                and par.find("w:pPr/w:pStyle", NS).get(_w("val")) == "Sources"
            )
            if ARABIC.search(text) and not LATIN.search(text) and not entry and not _bidi(par):
                found.append(f"{name}: Arabic paragraph without w:bidi: {text[:40]!r}")
        for run in root.iter(_w("r")):
            text = _text(run)
            if ARABIC.search(text) and not _has(run, "w:rPr/w:rtl"):
                found.append(f"{name}: Arabic run without w:rtl: {text[:40]!r}")
            rtl = _has(run, "w:rPr/w:rtl")
            for plain, complex_ in (("b", "bCs"), ("i", "iCs")):
                if rtl and _has(run, f"w:rPr/w:{plain}") and not _has(run, f"w:rPr/w:{complex_}"):
                    found.append(
                        f"{name}: right-to-left run with w:{plain} but no w:{complex_}: {text[:40]!r}"
                    )
    body = parts["word/document.xml"].find("w:body", NS)
    section: list = []
    for child in body:
        section.append(child)
        sect = child if child.tag == _w("sectPr") else child.find("w:pPr/w:sectPr", NS)
        if sect is None:
            continue
        # A section is in the language of its first words (the bilingual side-by-side pages: Arabic).
        pars = [
            p for el in section for p in ([el] if el.tag == _w("p") else el.iter(_w("p"))) if _text(p).strip()
        ]
        rtl = bool(pars) and _bidi(pars[0])
        if _has(sect, "w:bidi") != rtl:
            found.append(
                f"section ending {len(section)} blocks on: w:bidi is {not rtl}, its text is {'Arabic' if rtl else 'English'}"
            )
        # A table is in the language of its first words too (a bilingual section holds
        # each part in Arabic, then in English).
        for table in (el for el in section if el.tag == _w("tbl")):
            cells = [p for p in table.iter(_w("p")) if _text(p).strip()]
            table_rtl = bool(cells) and _bidi(cells[0])
            if _bidi(table, "w:tblPr/w:bidiVisual") != table_rtl:
                found.append(
                    f"table in {'Arabic' if table_rtl else 'English'} with{'out' if table_rtl else ''} w:bidiVisual"
                )
        section = []
    return found


def reader_problems(path: Path) -> list[str]:
    """Alternative text on every picture, in the language of the paragraph that holds it (an Arabic
    description for a picture in a right-to-left paragraph, an English one otherwise), and headings
    (Heading N styles, which Word's navigation and screen readers use) that never skip a level."""
    found = []
    with zipfile.ZipFile(path) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    for par in body.iter(_w("p")):
        for picture in par.iter(f"{{{NS['wp']}}}docPr"):
            descr = picture.get("descr") or ""
            arabic = bool(ARABIC.search(descr))
            if picture.find(f"*/*/{{{DECORATIVE}}}decorative[@val='1']") is not None:
                continue  # only paints (Word's "Mark as decorative"): skipped by screen readers
            if not descr.strip():
                found.append(f"picture {picture.get('name')!r} without alternative text")
            elif arabic != _bidi(par):
                found.append(
                    f"picture {picture.get('name')!r} in a{' right-to-left' if _bidi(par) else 'n English'}"
                    f" paragraph described in {'Arabic' if arabic else 'English'}: {descr[:40]!r}"
                )
    level = 0
    for par in body.iter(_w("p")):
        style = par.find("w:pPr/w:pStyle", NS)
        heading = re.fullmatch(r"Heading(\d)", style.get(_w("val")) if style is not None else "")
        if heading and _text(par).strip():
            if int(heading[1]) > level + 1:
                found.append(f"Heading{heading[1]} after Heading{level}: {_text(par)[:40]!r}")
            level = int(heading[1])
    return found


def _style_problems(root) -> list[str]:
    found = []
    defaults = root.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    lang = defaults.find("w:lang", NS) if defaults is not None else None
    if lang is None or not (lang.get(_w("bidi")) or "").startswith("ar"):
        found.append("styles: the default run properties give no w:lang w:bidi for Arabic")
    holders = [defaults] + [s.find("w:rPr", NS) for s in root.iter(_w("style"))]
    for rpr in (r for r in holders if r is not None):
        style = rpr.getparent().get(_w("styleId")) or "docDefaults"
        for plain, complex_ in (("sz", "szCs"), ("b", "bCs"), ("i", "iCs")):
            if _has(rpr, f"w:{plain}") and not _has(rpr, f"w:{complex_}"):
                found.append(f"style {style}: w:{plain} without w:{complex_}")
        fonts = rpr.find("w:rFonts", NS)
        if (
            fonts is not None
            and (fonts.get(_w("ascii")) or fonts.get(_w("asciiTheme")))
            and not (fonts.get(_w("cs")) or fonts.get(_w("cstheme")))
        ):
            found.append(f"style {style}: a Latin font without a complex-script one (w:cs)")
    return found


def property_problems(path: Path, title: str, subject: str, author: str, lang: str, stamp: str) -> list[str]:
    found = []
    with zipfile.ZipFile(path) as z:
        core = etree.fromstring(z.read("docProps/core.xml"))
        app = etree.fromstring(z.read("docProps/app.xml"))
        for name in z.namelist():
            if b"python-docx" in z.read(name):
                found.append(f"{name}: says python-docx")
    expected = {
        "dc:title": title,
        "dc:subject": subject,
        "dc:creator": author,
        "dc:language": lang,
        "dcterms:created": stamp,
        "dcterms:modified": stamp,
    }
    for key, value in expected.items():
        if core.findtext(key, namespaces=NS) != value:
            found.append(f"core {key} is {core.findtext(key, namespaces=NS)!r}, expected {value!r}")
    if not (app.findtext("ep:Application", namespaces=NS) or "").startswith("briefing "):
        found.append(f"app Application is {app.findtext('ep:Application', namespaces=NS)!r}")
    if app.findtext("ep:Company", namespaces=NS) != author:
        found.append(f"app Company is {app.findtext('ep:Company', namespaces=NS)!r}, expected {author!r}")
    return found
