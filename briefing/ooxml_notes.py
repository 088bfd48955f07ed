"""Raw OOXML for footnotes, bookmarks and page references (python-docx has no API for them).

Small named helpers in the manner of ooxml.py, so write_docx reads as
"footnote here, bookmark there". Footnotes follow ECMA-376 Part 1, 17.11: a
footnotes part related to the document part, two separator notes (ids -1 and
0, named in settings' w:footnotePr), then one w:footnote per note, each
referenced from the text by a run holding w:footnoteReference.

Word numbers a document's footnotes in one sequence. Where the document numbers
them otherwise (each language of the bilingual backgrounder from 1, as the PDF
does), a note carries its own number, its *mark*: ECMA-376 17.11.14's custom mark
(`w:customMarkFollows`, the mark's text in the reference's run) and, in the note,
the same number as text where `w:footnoteRef` would be, as Word and LibreOffice's
own DOCX export write a custom-marked note. LibreOffice 7.4 shows such a note's
number twice in the note (its label, then the text), so the custom mark is a word
joiner (U+2060, nothing to see) and the number a superscript run right after it:
Word and LibreOffice then both show the number once, beside the text and in the note.
"""

from __future__ import annotations

import re
from typing import cast

import docx.document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.text.paragraph import CT_P
from docx.text.paragraph import Paragraph
from docx.types import ProvidesStoryPart

from .ooxml import Element

FOOTNOTE_TEXT_STYLE = "FootnoteText"  # style id of the "Footnote Text" paragraph style

_SEPARATORS = (
    f"<w:footnotes {nsdecls('w', 'r')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
    "</w:footnotes>"
)


class Footnotes:
    """The document's footnotes part, created on first use."""

    def __init__(self, document: docx.document.Document, rtl: bool = False) -> None:
        self.document = document
        self.rtl = rtl  # an Arabic document: its separators are right-to-left paragraphs (drawn on the right)
        self._element: Element | None = None
        self.count = 0

    @property
    def element(self) -> Element:
        if self._element is None:
            self._element = add_footnotes_part(self.document, rtl=self.rtl)
        return self._element

    @property
    def part(self) -> XmlPart:
        """The footnotes part (a note's links are its relationships, not the document's)."""
        self.element  # noqa: B018 (made on first use)
        return cast(XmlPart, self.document.part.part_related_by(RT.FOOTNOTES))

    def add(self, paragraph: Paragraph, *, rtl: bool, mark: str | None = None) -> Paragraph:
        """Add a note referenced at the end of `paragraph`; return the note's paragraph to fill.
        `mark`: the note's own number (in its language's digits), where Word's would be wrong."""
        self.count += 1
        note_id = self.count
        add_footnote_reference(paragraph, note_id, rtl=rtl, mark=mark)
        return add_footnote(self.element, note_id, paragraph._parent, rtl=rtl, mark=mark)


def add_footnotes_part(document: docx.document.Document, rtl: bool = False) -> Element:
    """Create /word/footnotes.xml with its separators; relate it and name the separators in settings."""
    element = parse_xml(_SEPARATORS.replace("<w:pPr>", "<w:pPr><w:bidi/>") if rtl else _SEPARATORS)
    part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, element, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    settings = document.settings.element
    if settings.find(qn("w:footnotePr")) is None:
        pr = parse_xml(
            f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
        )
        anchor = next(
            (
                settings.find(qn(t))
                for t in ("w:endnotePr", "w:compat", "w:rsids")
                if settings.find(qn(t)) is not None
            ),
            None,
        )
        if anchor is not None:
            anchor.addprevious(pr)
        else:
            settings.append(pr)
    return element


def _ref_rpr(rtl: bool) -> Element:
    rpr = OxmlElement("w:rPr")
    align = OxmlElement("w:vertAlign")
    align.set(qn("w:val"), "superscript")
    rpr.append(align)
    if rtl:
        rpr.append(OxmlElement("w:rtl"))
    return rpr


CUSTOM_MARK = "\u2060"  # the custom mark's own text: a word joiner, invisible (see the module's doc)


def _text(value: str) -> Element:
    text = OxmlElement("w:t")
    text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    text.text = value
    return text


def add_footnote_reference(paragraph: Paragraph, note_id: int, *, rtl: bool, mark: str | None = None) -> None:
    """A superscript run holding `w:footnoteReference` at the paragraph's end: Word numbers it;
    with `mark`, a custom mark (ECMA-376 17.11.14) and, in a run of its own, the number."""
    run = OxmlElement("w:r")
    run.append(_ref_rpr(rtl))
    ref = OxmlElement("w:footnoteReference")
    if mark is not None:
        ref.set(qn("w:customMarkFollows"), "1")
    ref.set(qn("w:id"), str(note_id))
    run.append(ref)
    paragraph._p.append(run)
    if mark is not None:
        run.append(_text(CUSTOM_MARK))
        number = OxmlElement("w:r")
        number.append(_ref_rpr(rtl))
        number.append(_text(mark))
        paragraph._p.append(number)


def add_footnote(
    footnotes: Element, note_id: int, parent: ProvidesStoryPart, *, rtl: bool, mark: str | None = None
) -> Paragraph:
    """A `w:footnote`: its number (`w:footnoteRef`, or the `mark` as text), a space, and an empty
    paragraph to fill.

    Arabic notes get `w:bidi` on the paragraph and `w:rtl` on the mark, like body text.
    """
    note = OxmlElement("w:footnote")
    note.set(qn("w:id"), str(note_id))
    p = cast(CT_P, OxmlElement("w:p"))
    ppr = OxmlElement("w:pPr")
    style = OxmlElement("w:pStyle")
    style.set(qn("w:val"), FOOTNOTE_TEXT_STYLE)
    ppr.append(style)
    if rtl:
        ppr.append(OxmlElement("w:bidi"))
    p.append(ppr)
    number = OxmlElement("w:r")
    number.append(_ref_rpr(rtl))
    number.append(OxmlElement("w:footnoteRef") if mark is None else _text(mark))
    p.append(number)
    space = OxmlElement("w:r")
    if rtl:
        rpr = OxmlElement("w:rPr")
        rpr.append(OxmlElement("w:rtl"))
        space.append(rpr)
    space.append(_text(" "))
    p.append(space)
    note.append(p)
    footnotes.append(note)
    return Paragraph(p, parent)


def bookmark_name(html_id: str) -> str:
    """A Word bookmark name for an HTML id: letters, digits and _, at most 40, hidden (leading _)."""
    return ("_Toc_" + re.sub(r"[^A-Za-z0-9_]", "_", html_id))[:40]


def add_bookmark(paragraph: Paragraph, name: str, bookmark_id: int) -> None:
    """Bookmark the whole paragraph (a heading), so PAGEREF can find its page."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    p = paragraph._p
    ppr = p.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    p.append(end)


def add_page_ref(paragraph: Paragraph, bookmark: str, placeholder: str = "#", *, rtl: bool = False) -> None:
    """A PAGEREF field: the number of the page the bookmark is on, computed by the word processor."""

    def run(*children: Element) -> None:
        r = OxmlElement("w:r")
        if rtl:
            rpr = OxmlElement("w:rPr")
            rpr.append(OxmlElement("w:rtl"))
            r.append(rpr)
        for child in children:
            r.append(child)
        paragraph._p.append(r)

    def fld(kind: str) -> Element:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" PAGEREF {bookmark} \\h "
    text = OxmlElement("w:t")
    text.text = placeholder
    run(fld("begin"))
    run(instr)
    run(fld("separate"))
    run(text)
    run(fld("end"))
