"""Write stage (PDF), accessibility: WeasyPrint's structure tree completed, and the PDF/UA and PDF/A claims.

Every PDF is tagged and claims PDF/UA-1; a brief with `pdf_a: true` also claims
PDF/A-3a. WeasyPrint 70 builds the structure tree from the laid-out boxes
(weasyprint/pdf/tags.py); the patches below add what it leaves out, each small
and kept apart so it can be offered upstream or dropped once WeasyPrint does
it (tests/test_accessibility.py renders with and without each patch and fails
in both cases: when a patch stops working, and when WeasyPrint no longer needs it).

- Language: WeasyPrint gives only the document's language (catalog /Lang), so
  an Arabic block of an English document is read out as English. Every
  structure element whose language differs from its parent's gets /Lang.
- Running header and footer (page margin boxes): WeasyPrint tags their text
  with structure elements that are not in the tree. They are pagination
  artifacts here, as PDF/UA-1 wants page furniture.
- Footnotes: the call becomes a Reference and the note a Note with the unique
  ID PDF/UA-1 7.9 asks for, read right after its reference (WeasyPrint: a
  NonStruct and a Span at the foot of the page).
- Table header cells: /Scope Row or Column, from the `scope` attribute or, as
  HTML's "auto" scope decides, Row for a header cell in a row that holds data
  cells; the data cells' /Headers then point at their row headers as well.
- Layout tables (`role="presentation"`: the bilingual side-by-side pages): a
  Div read column by column (the Arabic column, then the English one, on each
  page), not a data table read across both languages row by row; one with no
  content at all (the tracker's progress bars) is left out.
- Links: described by their text (/Contents), not by the name of their target
  (a contents line) or by its address (a source's title, which links to it).
- Right-to-left text: PDF text is drawn in visual order, so a reader of the
  structure tree that does not reorder it gets Arabic backwards. Each text
  span of right-to-left script or context carries its logical text as /ActualText.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

import pydyf
import weasyprint.draw
import weasyprint.pdf
import weasyprint.pdf.tags
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf.metadata import NS, DocumentMetadata
from weasyprint.pdf.stream import Stream

UA_VARIANT = "pdf/ua-1"
A_VARIANT = "pdf/a-3a"


def variant(pdf_a: bool) -> str:
    """WeasyPrint's pdf_variant: PDF/UA-1, or PDF/A-3a with PDF/UA-1 added to its XMP (ArchivalMetadata)."""
    return A_VARIANT if pdf_a else UA_VARIANT


# -- PDF/A-3a and PDF/UA-1 together ---------------------------------------------
# WeasyPrint writes one variant's identification. PDF/A allows XMP properties
# outside its predefined schemas only when the file describes their schema
# (ISO 19005-2/3, 6.6.2.3), so the PDF/UA identification comes with its
# extension schema description.
_RDF, _UA = NS["rdf"], NS["pdfuaid"]
_EXT = "http://www.aiim.org/pdfa/ns/extension/"
_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"
for _prefix, _uri in (("pdfaExtension", _EXT), ("pdfaSchema", _SCHEMA), ("pdfaProperty", _PROPERTY)):
    ElementTree.register_namespace(_prefix, _uri)


class ArchivalMetadata(DocumentMetadata):
    """Document metadata whose PDF/A XMP also identifies the file as PDF/UA-1."""

    def generate_rdf_metadata(self, variant: str, version: int | None, conformance: str | None) -> bytes:
        data = super().generate_rdf_metadata(variant, version, conformance)
        if variant != "a":
            return data
        rdf = ElementTree.fromstring(data)
        ua = ElementTree.SubElement(rdf, f"{{{_RDF}}}Description", {f"{{{_RDF}}}about": ""})
        ElementTree.SubElement(ua, f"{{{_UA}}}part").text = "1"
        ext = ElementTree.SubElement(rdf, f"{{{_RDF}}}Description", {f"{{{_RDF}}}about": ""})
        bag = ElementTree.SubElement(ElementTree.SubElement(ext, f"{{{_EXT}}}schemas"), f"{{{_RDF}}}Bag")
        schema = ElementTree.SubElement(bag, f"{{{_RDF}}}li", {f"{{{_RDF}}}parseType": "Resource"})
        for name, text in (
            ("schema", "PDF/UA identification schema"),
            ("namespaceURI", _UA),
            ("prefix", "pdfuaid"),
        ):
            ElementTree.SubElement(schema, f"{{{_SCHEMA}}}{name}").text = text
        seq = ElementTree.SubElement(
            ElementTree.SubElement(schema, f"{{{_SCHEMA}}}property"), f"{{{_RDF}}}Seq"
        )
        prop = ElementTree.SubElement(seq, f"{{{_RDF}}}li", {f"{{{_RDF}}}parseType": "Resource"})
        for name, text in (
            ("name", "part"),
            ("valueType", "Integer"),
            ("category", "internal"),
            ("description", "Part of ISO 14289 (PDF/UA) to which the file conforms"),
        ):
            ElementTree.SubElement(prop, f"{{{_PROPERTY}}}{name}").text = text
        return ElementTree.tostring(rdf, encoding="utf-8")


# -- The tagging patches ---------------------------------------------------------
def _reordered(box: boxes.TextBox) -> bool:
    """Whether a text box's glyphs may stand in another order than its text: right-to-left script,
    or a right-to-left context (digits, ranges and mirrored brackets in an Arabic line)."""
    text = box.text
    return bool(text.strip()) and (
        box.style["direction"] == "rtl" or any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)
    )


_pagination = 0  # > 0 while a page margin box is drawn


def _draw_stacking_context(stream: Stream, stacking_context: Any) -> None:
    global _pagination
    margin = isinstance(stacking_context.box, boxes.MarginBox)
    _pagination += margin
    try:
        _original["draw_stacking_context"](stream, stacking_context)
    finally:
        _pagination -= margin


@contextlib.contextmanager
def _marked(self: Stream, box: boxes.Box, tag: str) -> Iterator[None]:
    """Margin-box content is an artifact; text with right-to-left script keeps its logical text."""
    if self._tags is not None and _pagination:
        with self.artifact():
            yield
        return
    with _original["marked"](self, box, tag):
        if self._tags is not None and isinstance(box, boxes.TextBox) and _reordered(box):
            self._tags[box]["actual_text"] = box.text
        yield


@dataclass
class _Tree:
    """What one add_tags call learns while WeasyPrint builds the tree."""

    pdf: pydyf.PDF
    lang: dict[int, str] = field(default_factory=dict)  # id(structure element) -> its language
    open_langs: list[str] = field(default_factory=list)  # languages of the boxes being built, innermost last
    open_boxes: list[boxes.Box] = field(default_factory=list)
    # id(footnote element) -> Reference structure element
    references: dict[int, pydyf.Dictionary] = field(default_factory=dict)
    # (footnote element, Note structure element), of this page
    notes: list[tuple[Any, pydyf.Dictionary]] = field(default_factory=list)


_tree: _Tree | None = None


def _add_tags(pdf: pydyf.PDF, document: Any, pdf_version: Any, page_streams: list[Stream]) -> Any:
    global _tree
    _tree = _Tree(pdf)
    try:
        return _original["add_tags"](pdf, document, pdf_version, page_streams)
    finally:
        _tree = None


def _obj(pdf: pydyf.PDF, reference: str) -> pydyf.Dictionary:
    return pdf.objects[int(reference.split()[0])]


def _build_box_tree(
    box: boxes.Box,
    parent: pydyf.Dictionary,
    pdf: pydyf.PDF,
    page_number: int,
    nums: dict[int, str],
    annotations: Any,
    tags: dict[boxes.Box, dict[str, Any]],
) -> Iterator[pydyf.Dictionary]:
    tree = _tree
    assert tree is not None  # inside _add_tags
    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    if isinstance(box, boxes.MarginBox):
        return  # its content was drawn as artifacts (_marked): nothing to tag
    if isinstance(box, boxes.FootnoteAreaBox):  # no element of its own: its notes go after their references
        tree.open_boxes.append(box)
        try:
            for child in box.children:
                for note in _build_box_tree(child, parent, pdf, page_number, nums, annotations, tags):
                    tree.notes.append((child.element, note))
        finally:
            tree.open_boxes.pop()
        return
    if id(parent) not in tree.lang:  # first child of a structure element: its language is the open box's
        tree.lang[id(parent)] = tree.open_langs[-1] if tree.open_langs else _catalog_lang(pdf)
    lang = box.style["lang"] or tree.lang[id(parent)]
    passthrough = isinstance(box, boxes.PageBox) or box.element_tag in ("html", "body")
    actual = {
        tags[c]["mcid"]: tags[c]["actual_text"]
        for c in _text_children(box)
        if "actual_text" in tags.get(c, ())
    }
    if box.element_tag == "table" and box.element is not None:
        _auto_scope(box)
    tree.open_langs.append(lang)
    tree.open_boxes.append(box)
    try:
        for element in _original["_build_box_tree"](box, parent, pdf, page_number, nums, annotations, tags):
            if not passthrough:
                tree.lang.setdefault(id(element), lang)
                if lang != tree.lang[id(parent)]:
                    element["Lang"] = pydyf.String(lang)
                if not _retag(box, element, pdf, tree):
                    continue
            yield element
    finally:
        tree.open_langs.pop()
        tree.open_boxes.pop()
    for mcid, text in actual.items():
        kid = _obj(pdf, nums[mcid])
        if [k for k in kid["K"] if isinstance(k, int)] == [mcid]:
            kid["ActualText"] = pydyf.String(text)
    if isinstance(box, boxes.PageBox):
        yield from _place_notes(pdf, tree)


def _catalog_lang(pdf: pydyf.PDF) -> str:
    lang = pdf.catalog.get("Lang")
    return lang.string if lang is not None else ""


def _text_children(box: boxes.Box) -> Iterator[boxes.TextBox]:
    for child in box.children:
        for kid in child.children if isinstance(child, boxes.LineBox) else [child]:
            if isinstance(kid, boxes.TextBox):
                yield kid


def _auto_scope(table_box: boxes.Box) -> None:
    """HTML's "auto" scope (a th in a row with data cells heads that row), written
    as scope="row" so that WeasyPrint links the row's data cells to it."""
    for row in table_box.element.iter("tr"):
        cells = [c for c in row if c.tag in ("th", "td")]
        if any(c.tag == "td" for c in cells):
            for cell in cells:
                if cell.tag == "th" and not cell.get("scope"):
                    cell.set("scope", "row")


def _retag(box: boxes.Box, element: pydyf.Dictionary, pdf: pydyf.PDF, tree: _Tree) -> bool:
    """WeasyPrint's element for `box`, corrected; False for one to leave out of the tree."""
    tag = box.element_tag or ""
    if box.link_annotation is not None and box.element is not None:
        # WeasyPrint describes a link by its target ("sec-context-ar"); its text says where it goes.
        # (Without the invisible marks that hold it together on the page: word joiners, bidi marks.)
        text = " ".join(
            "".join(c for c in box.element.itertext() for c in c if unicodedata.category(c) != "Cf").split()
        )
        if text:
            box.link_annotation["Contents"] = pydyf.String(text)
    if tag.endswith("::footnote-call"):
        element["S"] = "/Reference"
        tree.references[id(box.element)] = element
    elif tree.open_boxes[-2:-1] and isinstance(tree.open_boxes[-2], boxes.FootnoteAreaBox):
        element["S"] = "/Note"
        element["ID"] = pydyf.String(f"note-{element.number}")
    elif element["S"] == "/TH":
        element["A"]["Scope"] = "/Row" if box.element.get("scope") == "row" else "/Column"
    elif element["S"] == "/Table" and box.element is not None and box.element.get("role") == "presentation":
        return _layout_table(element, pdf)
    return True


def _layout_table(element: pydyf.Dictionary, pdf: pydyf.PDF) -> bool:
    """A layout table as a Div of its cells, column by column; False if it has no content
    at all (the tracker's progress bars: coloured cells, the figures are in the text)."""
    columns: dict[int, list[str]] = {}

    def rows(el: pydyf.Dictionary) -> Iterator[pydyf.Dictionary]:
        for ref in el["K"]:
            kid = _obj(pdf, ref)
            if kid["S"] == "/TR":
                yield kid
            elif kid["S"] in ("/THead", "/TBody", "/TFoot"):
                yield from rows(kid)

    for row in rows(element):
        for j, ref in enumerate(row["K"]):
            columns.setdefault(j, []).append(ref)
    element["S"] = "/Div"
    element["K"] = pydyf.Array(ref for j in sorted(columns) for ref in columns[j])
    for ref in element["K"]:
        cell = _obj(pdf, ref)
        cell["S"], cell["P"] = "/Div", element.reference
        cell.pop("A", None)
        cell.pop("ID", None)
    return any(len(_obj(pdf, ref)["K"]) for ref in element["K"])


def _place_notes(pdf: pydyf.PDF, tree: _Tree) -> Iterator[pydyf.Dictionary]:
    """Each Note right after its Reference; a note whose call is not found stays at the foot of the page."""
    for footnote, note in tree.notes:
        reference = tree.references.get(id(footnote))
        if reference is None:
            yield note
            continue
        parent = _obj(pdf, reference["P"])
        parent["K"].insert(parent["K"].index(reference.reference) + 1, note.reference)
        note["P"] = parent.reference
        if tree.lang.get(id(note)) != tree.lang.get(id(parent)):
            note["Lang"] = pydyf.String(tree.lang[id(note)])
        else:
            note.pop("Lang", None)
    tree.notes.clear()


# The patches, and what they replace (tests switch them off to see WeasyPrint's own output).
_original = {
    "draw_stacking_context": weasyprint.draw.draw_stacking_context,
    "marked": Stream.marked,
    "add_tags": weasyprint.pdf.add_tags,
    "_build_box_tree": weasyprint.pdf.tags._build_box_tree,
}
_patched = {
    (weasyprint.draw, "draw_stacking_context"): _draw_stacking_context,
    (Stream, "marked"): _marked,
    (weasyprint.pdf, "add_tags"): _add_tags,
    (weasyprint.pdf.tags, "_build_box_tree"): _build_box_tree,
}


def install() -> None:
    for (owner, name), function in _patched.items():
        setattr(owner, name, function)


@contextlib.contextmanager
def weasyprint_alone() -> Iterator[None]:
    """WeasyPrint's own tagging, for the tests that check each patch is still needed."""
    for owner, name in _patched:
        setattr(owner, name, _original[name])
    try:
        yield
    finally:
        install()


install()
