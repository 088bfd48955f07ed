"""Reading a tagged PDF as assistive technology does, and auditing it: PDF/UA-1's machine-checkable
rules this project can break (ISO 14289-1, as veraPDF's PDF/UA-1 profile words them), the PDF/A-3
identification, and this project's own: the language of every block.

pikepdf reads the structure tree and the content streams: the text of each marked-content sequence is
its glyphs in drawing order through the font's ToUnicode map, which is what a reader gets unless the
element carries /ActualText. Run as a script, it prints what a screen reader reads (`outline`).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pikepdf

ARABIC = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")
# A word of Latin script; a code such as "jr-first-summit" is one word, read as it is written in any language.
LATIN_WORD = re.compile(r"(?<![\w-])[A-Za-z\u00C0-\u024F][\w'’-]*[A-Za-z\u00C0-\u024F](?![\w-])")
LANG_TAG = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")  # veraPDF PDF/UA-1 7.2-29
# ISO 32000-1 14.8.4: the standard structure types (anything else would need a role map).
STANDARD = {
    "Document",
    "Part",
    "Art",
    "Sect",
    "Div",
    "BlockQuote",
    "Caption",
    "TOC",
    "TOCI",
    "Index",
    "NonStruct",
    "Private",
    "P",
    "H",
    "H1",
    "H2",
    "H3",
    "H4",
    "H5",
    "H6",
    "L",
    "LI",
    "Lbl",
    "LBody",
    "Table",
    "TR",
    "TH",
    "TD",
    "THead",
    "TBody",
    "TFoot",
    "Span",
    "Quote",
    "Note",
    "Reference",
    "BibEntry",
    "Code",
    "Link",
    "Annot",
    "Ruby",
    "RB",
    "RT",
    "RP",
    "Warichu",
    "WT",
    "WP",
    "Figure",
    "Formula",
    "Form",
}
XMP = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
}


@dataclass
class Element:
    """One structure element: its type, its own /Lang and the language it is read in, its text."""

    type: str
    lang: str | None
    effective: str
    own_text: str  # /ActualText, or the text of its own marked content
    page: int | None
    obj: pikepdf.Dictionary
    actual: bool = False
    children: list[Element] = field(default_factory=list)

    def text(self) -> str:
        """What a reader reads for this element: its /ActualText, or its content and its children's."""
        if self.actual:
            return self.own_text
        return self.own_text + "".join(child.text() for child in self.children)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def _to_unicode(font) -> dict[bytes, str]:
    """A font's ToUnicode CMap: character code (as bytes) -> its text (bfchar and bfrange entries)."""
    table: dict[bytes, str] = {}
    if "/ToUnicode" not in font:
        return table
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    hexes = re.compile(r"<([0-9a-fA-F]+)>")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            table[bytes.fromhex(code)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for first, last, target in re.findall(r"<(\w+)>\s*<(\w+)>\s*(<\w*>|\[[^\]]*\])", block):
            size, start = len(first) // 2, int(first, 16)
            targets = hexes.findall(target)
            for i in range(int(last, 16) - start + 1):
                text = bytes.fromhex(targets[i] if target.startswith("[") else targets[0])
                if not target.startswith("["):  # consecutive codes, consecutive last character
                    text = text[:-2] + (int.from_bytes(text[-2:], "big") + i).to_bytes(2, "big")
                table[(start + i).to_bytes(size, "big")] = text.decode("utf-16-be")
    return table


def _mcid_texts(path: Path) -> dict[tuple[int, int], str]:
    """(page, MCID) -> the text of that marked-content sequence: its glyphs in the order they are
    drawn, each read through its font's ToUnicode map, which is what assistive technology reads
    where the structure element carries no /ActualText (an extractor's own reordering of the page,
    as pdftotext and PDFium's text page do, is not)."""
    texts: dict[tuple[int, int], str] = defaultdict(str)
    maps: dict[tuple[int, int], dict[bytes, str]] = {}

    def decode(font, data: bytes) -> str:
        key = font.objgen
        if key not in maps:
            maps[key] = _to_unicode(font)
        table = maps[key]
        width = len(next(iter(table), b"\0\0")) if str(font.get("/Subtype")) == "/Type0" else 1
        return "".join(table.get(data[i : i + width], "") for i in range(0, len(data), width))

    def walk(index: int, stream, resources, mcids: list[int | None]) -> None:
        font = None
        for operands, operator in pikepdf.parse_content_stream(stream):
            op = str(operator)
            if op in ("BMC", "BDC"):
                props = operands[1] if op == "BDC" else None
                mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
                mcids.append(int(mcid) if mcid is not None else (mcids[-1] if mcids else None))
            elif op == "EMC" and mcids:
                mcids.pop()
            elif op == "Tf":
                font = resources.Font[operands[0]]
            elif op in ("Tj", "TJ", "'", '"') and font is not None and mcids and mcids[-1] is not None:
                strings = operands[0] if op == "TJ" else operands[-1:]
                for item in strings:
                    if isinstance(item, pikepdf.String):
                        texts[(index, mcids[-1])] += decode(font, bytes(item))
            elif op == "Do":
                xobject = resources.get("/XObject", {}).get(operands[0])
                if xobject is not None and xobject.get("/Subtype") == "/Form":
                    walk(index, xobject, xobject.get("/Resources", resources), mcids)

    with pikepdf.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            walk(index, page, page.Resources, [])
    return texts


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(obj) -> bool:
    return (
        isinstance(obj, pikepdf.Dictionary)
        and "/S" in obj
        and obj.get("/Type", "/StructElem") == "/StructElem"
    )


def structure(path: Path) -> tuple[pikepdf.Pdf, Element]:
    """The structure tree, from its Document element down."""
    pdf = pikepdf.open(path)
    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    texts = _mcid_texts(path)
    document_lang = str(pdf.Root.get("/Lang", ""))

    def build(node, inherited: str, page: int | None) -> Element:
        lang = str(node["/Lang"]) if "/Lang" in node else None
        if "/Pg" in node:
            page = pages.get(node.Pg.objgen, page)
        element = Element(str(node.S)[1:], lang, lang or inherited, "", page, node)
        for kid in _kids(node):
            if _is_element(kid):
                element.children.append(build(kid, element.effective, page))
            elif isinstance(kid, int):
                element.own_text += texts.get((page, int(kid)), "")
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                mcr_page = pages.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                element.own_text += texts.get((mcr_page, int(kid.MCID)), "")
        if "/ActualText" in node:
            element.own_text, element.actual = str(node.ActualText), True
        return element

    (root,) = [build(kid, document_lang, None) for kid in _kids(pdf.Root.StructTreeRoot)]
    return pdf, root


def outline(path: Path, pages: set[int] | None = None, read_as: bool = False) -> str:
    """What a screen reader reads, in order: each element's type, its /Lang where it sets one, its text
    (with `read_as`, the language each text is read in as well, after the type: "Span (ar)")."""
    _, root = structure(path)
    lines = []

    def show(element: Element, depth: int) -> None:
        if pages is not None and element.page is not None and element.page not in pages:
            return
        lang = f" [{element.lang}]" if element.lang else ""
        text = " ".join(element.own_text.split())
        spoken = f" ({element.effective})" if read_as and text else ""
        lines.append(f"{'  ' * depth}{element.type}{lang}{spoken}{': ' + text if text else ''}")
        if not element.actual:
            for child in element.children:
                show(child, depth + 1)

    show(root, 0)
    return "\n".join(lines)


def xmp(pdf: pikepdf.Pdf) -> dict[str, str]:
    """The identification and title in the XMP metadata (property elements or attributes)."""
    root = ElementTree.fromstring(pdf.Root.Metadata.read_bytes())
    found = {}
    for description in root.iter(f"{{{XMP['rdf']}}}Description"):
        for prefix in ("pdfaid", "pdfuaid"):
            for name in ("part", "conformance"):
                key = f"{{{XMP[prefix]}}}{name}"
                value = description.get(key) or description.findtext(key)
                if value:
                    found[f"{prefix}:{name}"] = value
    title = root.find(f".//{{{XMP['dc']}}}title//{{{XMP['rdf']}}}li")
    found["dc:title"] = title.text if title is not None else ""
    schemas = root.findall(f".//{{{XMP['pdfaExtension']}}}schemas//{{{XMP['pdfaSchema']}}}prefix")
    found["extension schemas"] = " ".join(sorted(s.text for s in schemas))
    return found


def problems(path: Path, pdf_a: bool = False) -> list[str]:
    """Every rule the PDF breaks, one line each."""
    pdf, root = structure(path)
    found: list[str] = []
    catalog = pdf.Root
    if not catalog.get("/MarkInfo", {}).get("/Marked"):
        found.append("catalog: MarkInfo /Marked is not true (6.2-1)")
    if not LANG_TAG.match(str(catalog.get("/Lang", ""))):
        found.append(f"catalog: /Lang {catalog.get('/Lang')!r} is not a language tag (7.2-33)")
    if not catalog.get("/ViewerPreferences", {}).get("/DisplayDocTitle"):
        found.append("catalog: DisplayDocTitle is not true (7.1-10)")
    meta = xmp(pdf)
    if not meta["dc:title"] or meta["dc:title"] != str(pdf.docinfo.get("/Title", "")):
        found.append(f"XMP dc:title {meta['dc:title']!r} is missing or differs from /Title (7.1-9)")
    if meta.get("pdfuaid:part") != "1":
        found.append("XMP: no PDF/UA-1 identification (pdfuaid:part 1) (5-1)")
    if pdf_a:
        if (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) != ("3", "A"):
            found.append(f"XMP: not identified as PDF/A-3a: {meta}")
        if "pdfuaid" not in meta["extension schemas"].split():
            found.append(
                "XMP: PDF/A without the extension schema that declares pdfuaid (ISO 19005-3 6.6.2.3)"
            )
        if "/OutputIntents" not in catalog:
            found.append("catalog: PDF/A without an output intent")
    elif "pdfaid:part" in meta:
        found.append("XMP: claims PDF/A, which the brief did not ask for")
    if root.type != "Document":
        found.append(f"structure: the root element is {root.type}, not Document")

    headings, note_ids, reachable = [], defaultdict(int), set()
    for element in root.walk():
        node, where = element.obj, f"p.{(element.page or 0) + 1} {element.type}"
        reachable.add(node.objgen)
        kinds = [child.type for child in element.children]
        if element.type not in STANDARD:
            found.append(f"{where}: not a standard structure type (7.1-5)")
        if element.lang is not None and not LANG_TAG.match(element.lang):
            found.append(f"{where}: /Lang {element.lang!r} is not a language tag (7.2-29)")
        text = element.own_text  # the text read in this element's language
        if ARABIC.search(text) and not LATIN_WORD.search(text) and not element.effective.startswith("ar"):
            found.append(
                f"{where}: Arabic text read as {element.effective!r}: {' '.join(text.split())[:60]!r}"
            )
        if (
            not ARABIC.search(text)
            and len(LATIN_WORD.findall(text)) >= 2
            and not element.effective.startswith("en")
        ):
            found.append(
                f"{where}: English text read as {element.effective!r}: {' '.join(text.split())[:60]!r}"
            )
        if ARABIC.search(text) and not element.actual:
            found.append(
                f"{where}: Arabic read in drawing order (no /ActualText): {' '.join(text.split())[:60]!r}"
            )
        if re.fullmatch(r"H[1-6]", element.type):
            headings.append((int(element.type[1]), where))
        alt = str(node.get("/Alt", "")) or str(node.get("/ActualText", ""))
        if element.type == "Figure" and not alt:
            found.append(f"{where}: figure without alternative text (7.3-1)")
        elif element.type == "Figure" and bool(ARABIC.search(alt)) != element.effective.startswith("ar"):
            found.append(f"{where}: alternative text read as {element.effective!r}: {alt[:60]!r}")
        if element.type == "Note":
            note_ids[str(node.get("/ID", ""))] += 1
        if element.type == "Table" and any(
            k not in ("TR", "THead", "TBody", "TFoot", "Caption") for k in kinds
        ):
            found.append(f"{where}: holds {kinds} (7.2-3)")
        if element.type in ("THead", "TBody", "TFoot") and any(k != "TR" for k in kinds):
            found.append(f"{where}: holds {kinds} (7.2-36)")
        if element.type == "TR" and any(k not in ("TH", "TD") for k in kinds):
            found.append(f"{where}: holds {kinds} (7.2-10)")
        if element.type == "Table" and "TH" not in {e.type for e in element.walk()}:
            found.append(f"{where}: a table without header cells (UA-15-003 in pdfua)")
        if element.type == "TH" and "/Scope" not in node.get("/A", {}) and "/ID" not in node:
            found.append(f"{where}: header cell with neither /Scope nor an ID for /Headers")
        if element.type == "L" and any(k not in ("L", "LI", "Caption") for k in kinds):
            found.append(f"{where}: holds {kinds} (7.2-19)")
        if element.type == "LI" and any(k not in ("Lbl", "LBody") for k in kinds):
            found.append(f"{where}: holds {kinds} (7.2-20)")
    for note_id, count in note_ids.items():
        if not note_id:
            found.append(f"{count} Note element(s) without an ID (7.9-1)")
        elif count > 1:
            found.append(f"Note ID {note_id!r} used {count} times (7.9-2)")
    if headings and headings[0][0] != 1:
        found.append(f"{headings[0][1]}: the first heading is not H1 (7.4.2-1)")
    for (before, _), (level, where) in itertools.pairwise(headings):
        if level > before + 1:
            found.append(f"{where}: heading level skipped after H{before} (7.4.2-1)")

    parent_tree = _number_tree(catalog.StructTreeRoot.ParentTree)
    for index, page in enumerate(pdf.pages):
        where = f"p.{index + 1}"
        if page.get("/Annots") and page.get("/Tabs") != "/S":
            found.append(f"{where}: annotations without /Tabs /S (7.18.3-1)")
        for annot in page.get("/Annots", []):
            if annot.get("/Subtype") == "/Link":
                if not str(annot.get("/Contents", "")).strip():
                    found.append(f"{where}: link without /Contents (7.18.5-2)")
                parent = parent_tree.get(int(annot.get("/StructParent", -1)))
                if parent is None or parent.get("/S") != "/Link":
                    found.append(f"{where}: link annotation not in a Link element (7.18.5-1)")
        mapped = parent_tree.get(int(page.get("/StructParents", -1)))
        for mcid, inside_artifact in _marked_content(page):
            if inside_artifact:
                found.append(f"{where}: MCID {mcid} inside an artifact (7.1-2)")
            elif mapped is None or mcid >= len(mapped) or mapped[mcid].objgen not in reachable:
                found.append(f"{where}: MCID {mcid} belongs to no element of the structure tree (7.1-3)")
    return found


def _number_tree(node) -> dict[int, object]:
    entries = {}
    nums = list(node.get("/Nums", []))
    for key, value in zip(nums[::2], nums[1::2], strict=True):
        entries[int(key)] = value
    for kid in node.get("/Kids", []):
        entries.update(_number_tree(kid))
    return entries


def _marked_content(page) -> list[tuple[int, bool]]:
    """(MCID, whether it sits inside an Artifact) for each tagged marked-content sequence of the page."""
    stack, found = [], []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BMC", "BDC"):
            tag = str(operands[0])
            props = operands[1] if op == "BDC" else None
            mcid = int(props["/MCID"]) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None
            if mcid is not None:
                found.append((mcid, "/Artifact" in stack))
            stack.append(tag)
        elif op == "EMC" and stack:
            stack.pop()
    return found


def main(argv: list[str] | None = None) -> None:
    """`python -m tests.pdf_audit FILE.pdf [PAGE ...]`: what a screen reader reads (pages from 1),
    each text with the language it is read in."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("pdf", type=Path)
    parser.add_argument("pages", type=int, nargs="*", help="pages to show (from 1); all if none")
    args = parser.parse_args(argv)
    print(outline(args.pdf, {p - 1 for p in args.pages} or None, read_as=True))


if __name__ == "__main__":
    main()
