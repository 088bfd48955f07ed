"""Write stage (DOCX): the rendered HTML element tree -> a Word document.

It reads the same HTML the PDF is made from and maps its small vocabulary
(article, header, footer, h1-h3, p, ul/ol/li, table, inline spans, and the
classes declared in CLASSES below) to python-docx paragraphs, lists and
tables. An element outside that vocabulary is an error, so a template cannot
add content that only one format shows. Raw OOXML is in ooxml.py and
ooxml_notes.py only.
Arabic gets its direction on every paragraph, run, table and section
(ooxml.py), and its fonts and sizes through the styles.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import docx.document
import docx.table
import lxml.html
from docx import Document
from docx.blkcntnr import BlockItemContainer
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml.text.run import CT_R
from docx.section import Section
from docx.shared import Length, Mm, Pt, RGBColor
from docx.styles.style import CharacterStyle
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml.html import HtmlElement  # lxml has no type information: Any to mypy, a name to the reader

from . import files, formatting, hatch, ooxml, ooxml_notes, pagecheck
from .jobs import Metadata

LATIN_FONT = "Noto Serif"
ARABIC_FONT = "Noto Naskh Arabic"
INK = RGBColor(0x12, 0x3C, 0x69)
GREY = RGBColor(0x5B, 0x65, 0x72)
# The stylesheet's colours, as hex: navy labels, grey and dark-grey secondary text, the marking's red.
NAVY, SECONDARY, SLATE, MARKING = "123C69", "5B6572", "3C4652", "A0283C"
INLINE = {"span", "bdi", "strong", "b", "em", "i", "sup", "a"}
HTML_SPACE = " \t\n\r\f"  # the white space HTML collapses
_WIDTH = re.compile(r"width:\s*([\d.]+)%")
_BACKGROUND = re.compile(r"background-color:\s*#([0-9A-Fa-f]{6})")
# Paragraph styles: name -> (base, size in pt, bold, colour, space before, space after)
STYLES = {
    "Normal": (None, 9.5, False, None, 0, 2),
    "Title": ("Normal", 19, True, INK, 0, 0),
    "Heading 1": ("Normal", 19, True, INK, 0, 0),
    "Heading 2": ("Normal", 11, True, INK, 7, 2),
    "Heading 3": ("Normal", 10, True, INK, 5, 2),
    "Kicker": ("Normal", 8.5, False, GREY, 0, 0),
    "Subtitle": ("Normal", 10.5, False, GREY, 0, 4),
    "Sources": ("Normal", 8, False, GREY, 0, 0),  # body size minus 1.5 pt at least (EDITORIAL.md)
    "Page Furniture": ("Normal", 8, False, GREY, 0, 0),
    "Table Text": ("Normal", 8, False, None, 0, 1),
    "List Bullet": ("Normal", 9.5, False, None, 0, 1),
    "List Number": ("Normal", 9.5, False, None, 0, 1),
    "Footnote Text": ("Normal", 8, False, GREY, 0, 1),  # notes at 8 pt at least
    "Note": ("Normal", 8.5, False, GREY, 0, 2),
    "Caption": ("Normal", 9.5, True, INK, 6, 2),
    "Figure Note": ("Normal", 6, False, GREY, 0, 2),
    "Marking": ("Normal", 8.5, True, RGBColor(0xA0, 0x28, 0x3C), 0, 4),
    "Contents Entry": ("Normal", 10, False, None, 0, 1),
}
# A link to a source looks like the text around it, as in the PDF (style.css: a.src-link), so a
# printed page is the same with or without links; Word's own style name, so a desk can restyle them.
HYPERLINK_STYLE = "Hyperlink"
BLOCKS = {"p", "h1", "h2", "h3", "ul", "ol", "table", "div", "section", "figure"}
# -- The vocabulary: the HTML classes this writer gives a Word form -------------------
# Every other class is styling for the PDF only. To give a class a meaning in the
# DOCX, declare it here and handle it below (has_class refuses undeclared names).
CLASSES = {
    # <article>
    "landscape": "an A4 landscape section",
    "bilingual": "both languages side by side: each language's footnotes numbered from 1 (custom marks)",
    "digits-arabic-indic": "page and list numbers in Arabic-Indic digits (hindiNumbers)",
    # page furniture, in <article>
    "page-header": "<header>: the section's running header, its <span>s a borderless row, start to end",
    "page-footer": "<footer>: the section's running footer, the same way",
    "paired": "<header>/<footer>: one span per language, each on its own start side (bilingual layout)",
    # inline <span>s
    "pg-num": "a PAGE field: this page's number",
    "pg-count": "a NUMPAGES field: the number of pages",
    "footnote": "a Word footnote, its text the span's",
    "cite": "<sup>: a note marker, after a mark of the paragraph's direction (RLM in Arabic) so a "
    "word processor keeps it on the reading side of a number or Latin word before it",
    # <p>: a paragraph style (PARAGRAPH_STYLES)
    "kicker": "style Kicker",
    "subtitle": "style Subtitle",
    "marking": "style Marking",
    "caption": "style Caption",
    "figure-note": "style Figure Note (under a map or chart)",
    "bib": "style Sources",
    "src-link": "<a>: a link to a source's address (w:hyperlink, external, character style Hyperlink)",
    "toc-entry": "a contents line: the <a href='#id'> text, a dotted tab, a PAGEREF to that heading",
    # lists
    "sources": "on a list's parent: the items in style Sources",
    "note": "<p>: style Note; <span>: grey, 8.5 pt (secondary text)",
    # the design carried by runs: colour, size, weight (INLINE_FORMATS)
    "share": "<span>: slate grey, 7 pt (a bar's figures)",
    "marking-run": "<span>: the classification marking, bold red",
    "draft-run": "<strong>: DRAFT in the running header, bold bright red",
    "draft-field": "<span>: a field still to fill, bright red",
    "review-run": "the TRANSLATION TO REVIEW mark (<strong>, in a header): bold, in red",
    "overdue": "<strong>: overdue, bold dark red",
    "when": "<strong>: a timeline date, navy",
    "ask-label": "<strong>: the ask's label, navy",
    "filter-note": "<p>: bold navy",
    "alt": "<p>: a name in its other script, grey, 8 pt",
    "unknown": "<p>: italic grey",
    "id": "<td>: an item's id, slate grey, 7 pt",
    # boxes (BOXES): a bordered, shaded block, as the PDF draws it
    "ask": "<div>: its paragraphs in one box, navy border, pale fill",
    "takeaways": "<div>: the same box",
    "box": "<td> of a layout table: a cell of a box drawn by its rows' cells (sides and fill)",
    "box-first": "<tr>: the first row of such a box (its top border)",
    "box-last": "<tr>: the last row of such a box (its bottom border)",
    "draft-banner": "<p>: a box with a red border",
    # pagination
    "keep-next": "<p>, <table>, <tr> of a layout table: kept on the page of what follows (w:keepNext)",
    "new-page": "<section>: starts a new page (w:pageBreakBefore on its first paragraph)",
    "splits": "<tr> of a layout table: may break across pages (other rows never do: w:cantSplit)",
    # tables
    "bi": "the bilingual layout: borderless, equal columns",
    "cover-meta": "borderless",
    "layout": "a layout grid (e.g. a map beside a table): borderless, no cell margins",
    "lead-figure": "<td> of a layout grid: the map or chart, its paragraphs indented on the start side",
    "compact": "cell text in style Table Text",
    "bar": "a progress bar in a cell: one row of shaded cells, widths from `width: N%`",
    "status": "<td>: bold",
    "seg-in_progress": "<td> of a bar or status cell: hatched as well as coloured (greyscale)",
}
PARAGRAPH_STYLES = {
    "kicker": "Kicker",
    "subtitle": "Subtitle",
    "marking": "Marking",
    "caption": "Caption",
    "figure-note": "Figure Note",
    "bib": "Sources",
    "note": "Note",
}
FIELDS = {"pg-num": "PAGE", "pg-count": "NUMPAGES"}  # spans the word processor fills in
HATCHED = {"seg-in_progress": ("thinDiagStripe", "1D232B")}  # w:shd pattern and pattern colour
BOXES = {
    "ask": (NAVY, "F3F6FA"),
    "takeaways": (NAVY, "F3F6FA"),
    "draft-banner": ("C0121F", None),
}  # border, fill


@dataclass(frozen=True)
class Fmt:
    """How a run looks: emphasis, and where the stylesheet says so, a colour (hex) and a size (pt)."""

    bold: bool = False
    italic: bool = False
    superscript: bool = False
    colour: str | None = None
    size: float | None = None

    def inside(self, outer: Fmt) -> Fmt:
        """This format within `outer`: emphasis adds up, colour and size are the innermost set."""
        return Fmt(
            self.bold or outer.bold,
            self.italic or outer.italic,
            self.superscript or outer.superscript,
            self.colour or outer.colour,
            self.size or outer.size,
        )


INLINE_FORMATS = {
    "note": Fmt(colour=SECONDARY, size=8.5),
    "share": Fmt(colour=SLATE, size=7),
    "marking-run": Fmt(bold=True, colour=MARKING),
    "draft-run": Fmt(bold=True, colour="C0121F"),
    "draft-field": Fmt(colour="C0121F"),
    "review-run": Fmt(bold=True, colour="C0121F"),  # style.css's .review-run
    "overdue": Fmt(bold=True, colour="8B1A1A"),
    "when": Fmt(colour=NAVY),
    "ask-label": Fmt(colour=NAVY),
    "filter-note": Fmt(bold=True, colour=NAVY),
    "alt": Fmt(colour=SECONDARY, size=8),
    "unknown": Fmt(italic=True, colour=SECONDARY),
    "id": Fmt(colour=SLATE, size=7),
}
assert set(PARAGRAPH_STYLES) | set(FIELDS) | set(HATCHED) | set(BOXES) | set(INLINE_FORMATS) <= set(CLASSES)


def class_format(el: HtmlElement) -> Fmt:
    """The run format an element's declared classes give its text."""
    fmt = Fmt()
    for name in classes(el):
        if name in INLINE_FORMATS:
            fmt = INLINE_FORMATS[name].inside(fmt)
    return fmt


def arabic_font_chars() -> frozenset[int]:
    """The characters Noto Naskh Arabic draws (it has no brackets, dashes or %)."""
    from . import docx_fonts

    return docx_fonts.font_chars("NotoNaskhArabic-Regular.ttf")


def classes(el: HtmlElement) -> list[str]:
    return (el.get("class") or "").split() if isinstance(el.tag, str) else []


def has_class(el: HtmlElement, name: str) -> bool:
    """Whether `el` has class `name`, one of the declared CLASSES."""
    if name not in CLASSES:
        raise KeyError(f"DOCX writer: class {name!r} is not declared in write_docx.CLASSES")
    return name in classes(el)


TEXT_WIDTH_MM = 210 - pagecheck.MARGINS_MM["portrait"][1] - pagecheck.MARGINS_MM["portrait"][3]
CELL_MARGINS_MM = 2 * 108 / 1440 * 25.4  # a table's cells' side margins, Normal Table's (0.08 in each side)
LEAD_FIGURE_GAP_MM = 3  # td.lead-figure's padding on its start side (style.css): a map's gap from the table


@dataclass(frozen=True)
class Special:
    """An inline element that is not text: a footnote (its element), a field (its instruction), a
    direction mark (`instr`: the direction, or empty for the paragraph's), or where a link to a
    source starts and ends (its <a>: "link", "link-end")."""

    kind: str
    el: HtmlElement | None = None
    instr: str = ""


_blank_bytes: bytes | None = None


def _blank() -> docx.document.Document:
    """A new document with our styles: set up once (a third of a short document's write
    time), then opened afresh from its saved bytes. Kept in the DOCX cache between
    processes too (docx_fonts.cache_dir), under the hash of the generator's code and pins,
    so the first DOCX of a process costs what the others do."""
    global _blank_bytes
    if _blank_bytes is None:
        from . import docx_fonts, incremental

        cached = None
        if docx_fonts.cache_dir is not None:
            key = incremental.files_digest(incremental.generator_files())[:32]
            cached = docx_fonts.cache_dir / f"blank-{key}.zip"
            try:
                data = files.read_inside(cached, docx_fonts.cache_dir, 10_000_000)
                doc = Document(io.BytesIO(data))
                _blank_bytes = data
                return doc
            except Exception:  # none yet, or a damaged one: made (again)
                pass
        doc = Document()
        _drop_template_parts(doc)
        _setup_styles(doc)
        buffer = io.BytesIO()
        doc.save(buffer)
        _blank_bytes = buffer.getvalue()
        if cached is not None:
            incremental.cache_put(cached, _blank_bytes)
    return Document(io.BytesIO(_blank_bytes))


# Parts of python-docx's default template that describe that template, not our
# documents: a picture of its first page, a bibliography-sources store, and a
# copy of the styles for Word 2010 (stylesWithEffects) that Word expects to
# match styles.xml and repairs the file when it does not (openxml-audit
# predicts it for every document once our styles are added). Word 2013 and
# later neither need nor write it.
_TEMPLATE_PARTS = ("/stylesWithEffects", "/customXml", "/thumbnail")


def _drop_template_parts(doc: docx.document.Document) -> None:
    for part in (doc.part, doc.part.package):
        for rid, rel in list(part.rels.items()):
            if rel.reltype.endswith(_TEMPLATE_PARTS):
                del part.rels[rid]


def build(html: str, metadata: Metadata) -> docx.document.Document:
    """The python-docx Document for a rendered HTML page set."""
    root = lxml.html.document_fromstring(html)
    doc = _blank()
    articles = list(root.body.iterchildren("article"))
    # An Arabic document (not a bilingual one) is right to left as a whole: its Normal style and
    # footnote separators too.
    rtl_document = all(
        a.get("dir") == "rtl" and a.get("lang") == "ar" and "bilingual" not in classes(a) for a in articles
    )
    if rtl_document:
        ooxml.set_style_bidi(doc.styles["Normal"])
    notes = ooxml_notes.Footnotes(doc, rtl=rtl_document)
    for i, article in enumerate(articles):
        section = doc.sections[0] if i == 0 else doc.add_section(WD_SECTION.NEW_PAGE)
        _Writer(doc, section, article, notes, rtl_document).write()
    props = doc.core_properties
    props.title = metadata.get("title", "")
    props.subject = metadata.get("subject", "")
    props.author = metadata.get("authors", [""])[0]
    props.language = metadata.get("lang", "")
    props.comments = ""  # the template's says "generated by python-docx"
    # Dates come from the content's "as of", so a rebuild gives the same file.
    stamp = dt.datetime.combine(metadata["as_of"], dt.time(12, 0))
    props.created = props.modified = stamp
    props.last_modified_by = props.author
    props.revision = 1
    app = next(r for r in doc.part.package.rels.values() if r.reltype.endswith("/extended-properties"))
    app.target_part._blob = ooxml.app_properties(
        metadata.get("generator", ""), metadata.get("authors", [""])[0]
    )
    return doc


def write(html: str, target: Path, metadata: Metadata) -> None:
    target.write_bytes(_normalise_zip(_package_parts(build(html, metadata))))


class _Parts(dict[str, bytes]):
    """python-docx's physical package writer, minus the ZIP: each part's bytes by name."""

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self[pack_uri.membername] = blob


def _package_parts(doc: docx.document.Document) -> dict[str, bytes]:
    """What `Document.save` writes, part by part (OpcPackage.save, in python-docx's order):
    saving would deflate every part only for _normalise_zip to inflate and deflate it again,
    a tenth of writing the tracker's DOCX."""
    from docx.opc.pkgwriter import PackageWriter

    package = doc.part.package
    for part in package.parts:
        part.before_marshal()
    parts = _Parts()
    PackageWriter._write_content_types_stream(parts, package.parts)
    PackageWriter._write_pkg_rels(parts, package.rels)
    PackageWriter._write_parts(parts, package.parts)  # type: ignore[arg-type]  # writes like a PhysPkgWriter
    return parts


def _normalise_zip(parts: dict[str, bytes]) -> bytes:
    """Fixed timestamps and order for the DOCX's ZIP entries (PD#1042), for byte-identical rebuilds;
    the bundled fonts embedded on the way (docx_fonts)."""
    from . import docx_fonts

    out = io.BytesIO()
    parts = docx_fonts.embed(parts)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = sorted(parts, key=lambda n: (n != "[Content_Types].xml", n))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            # The embedded fonts are most of the bytes: the fastest deflate level
            # costs a few per cent of size and saves most of the compression time.
            dst.writestr(info, parts[name], compresslevel=1 if name.endswith(".odttf") else None)
    return out.getvalue()


def _setup_styles(doc: docx.document.Document) -> None:
    styles = doc.styles
    # Every style of the template (those we do not restyle too) gets our fonts
    # for complex script instead of theme fonts, and a complex-script size.
    for style in styles:
        rpr = style.element.rPr
        if rpr is not None:
            ooxml.remove_letter_spacing(rpr)  # letter spacing breaks Arabic joining
        if rpr is not None and ooxml.has_font_settings(rpr):
            ooxml.set_rpr_fonts(rpr, LATIN_FONT, ARABIC_FONT, ooxml.rpr_size_pt(rpr))
    ooxml.set_rpr_fonts(ooxml.default_rpr(doc.styles.element), LATIN_FONT, ARABIC_FONT, 10)
    for name, (base, size, bold, colour, before, after) in STYLES.items():
        try:
            style = styles[name]
        except KeyError:
            from docx.enum.style import WD_STYLE_TYPE

            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if base:
            style.base_style = styles[base]
        font = style.font
        font.bold = bold
        font.italic = False
        font.color.rgb = colour
        rpr = style.element.get_or_add_rPr()
        ooxml.remove_letter_spacing(rpr)  # the template's Subtitle has some
        ooxml.set_rpr_fonts(rpr, LATIN_FONT, ARABIC_FONT, size)
        ooxml.set_complex_emphasis(rpr, bold=bold, italic=False)
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.line_spacing = 1.0
        if name.startswith("Heading") or name == "Caption":
            fmt.keep_with_next = True  # a heading stays with what it introduces
            fmt.keep_together = True
    from docx.enum.style import WD_STYLE_TYPE

    link = styles.add_style(HYPERLINK_STYLE, WD_STYLE_TYPE.CHARACTER, builtin=True)
    link.base_style = styles["Default Paragraph Font"]
    link.priority, link.unhide_when_used = 99, True  # as Word declares its built-in Hyperlink style
    _setup_lists(doc)


LIST_INDENT = round(5 * 1440 / 25.4)  # 5 mm, the PDF's list indent, in twips


def _setup_lists(doc: docx.document.Document) -> None:
    """The template's bullet and number lists, drawn as the PDF draws them: a bullet "•" and
    "1." in our fonts for both scripts (the template's Symbol bullet and unset number font
    fall back to OpenSymbol and DejaVu), hanging 5 mm."""
    numbering = doc.part.numbering_part.element
    for style, text in (("List Bullet", "•"), ("List Number", "%1.")):
        ooxml.list_level(
            numbering,
            _style_abstract(doc, style),
            text=text,
            latin=LATIN_FONT,
            arabic=LATIN_FONT if text == "•" else ARABIC_FONT,
            indent=LIST_INDENT,
            jc="left",
        )


def _style_abstract(doc: docx.document.Document, style: str) -> int:
    """The abstract numbering a list style's paragraphs use."""
    numbering = doc.part.numbering_part.element
    num_id = doc.styles[style].element.pPr.numPr.numId.val
    return next(num.abstractNumId.val for num in numbering.num_lst if num.numId == num_id)


class Container(Protocol):
    """Where blocks go: the document's body, or a table cell (the bilingual layout)."""

    def add_paragraph(self, text: str = "") -> Paragraph: ...

    def add_table(self, rows: int, cols: int) -> Table: ...


class _Writer:
    """Writes one <article> (one language) into one section of the document."""

    def __init__(
        self,
        doc: docx.document.Document,
        section: Section,
        article: HtmlElement,
        notes: ooxml_notes.Footnotes | None = None,
        rtl_document: bool = False,
    ) -> None:
        self.doc, self.section, self.article = doc, section, article
        self.rtl_document = rtl_document  # Normal is right to left: a left-to-right paragraph says so
        self.notes = notes or ooxml_notes.Footnotes(doc)
        self.width_mm: float = TEXT_WIDTH_MM  # of the column being written: the page, or a table cell
        self.cell_format = Fmt()  # of the table cell being written (a header cell's navy bold)
        self.bookmarks = 0
        self.lang = article.get("lang", "en")
        self.rtl = article.get("dir") == "rtl"
        self.landscape = has_class(article, "landscape")
        # Each language's notes from 1, as the stylesheet's counters (fn-ar, fn-en) number them in the PDF.
        self.note_numbers: Counter[str] | None = Counter() if has_class(article, "bilingual") else None
        # The brief's `arabic_digits` (render.py marks the article): Word numbers pages and lists itself.
        self.number_format = "hindiNumbers" if has_class(article, "digits-arabic-indic") else "decimal"

    @property
    def text_width(self) -> Length:
        return _text_width(self.section)

    def write(self) -> None:
        s = self.section
        # The text area both layouts share (pagecheck.MARGINS_MM, the stylesheet's @page rules).
        if self.landscape:
            s.orientation = WD_ORIENT.LANDSCAPE
            s.page_width, s.page_height = Mm(297), Mm(210)
        else:
            s.orientation = WD_ORIENT.PORTRAIT
            s.page_width, s.page_height = Mm(210), Mm(297)
        top, right, bottom, left = pagecheck.MARGINS_MM["landscape" if self.landscape else "portrait"]
        s.top_margin, s.right_margin, s.bottom_margin, s.left_margin = (
            Mm(top),
            Mm(right),
            Mm(bottom),
            Mm(left),
        )
        s.header_distance, s.footer_distance = Mm(top - 8), Mm(bottom - 7)
        self.width_mm = self.text_width / Mm(1)
        ooxml.set_section_bidi(s, self.rtl)
        ooxml.set_page_number_format(s, self.number_format)
        s.header.is_linked_to_previous = False
        s.footer.is_linked_to_previous = False
        for el in self.article:
            self.block(el, self.doc)

    # -- blocks ---------------------------------------------------------
    def block(self, el: HtmlElement, container: Container) -> None:
        tag = el.tag
        if tag == "header" and has_class(el, "page-header"):
            self.furniture(el, self.section.header)
        elif tag == "footer" and has_class(el, "page-footer"):
            self.furniture(el, self.section.footer)
        elif tag in ("h1", "h2", "h3"):
            par = self.paragraph(el, container, f"Heading {tag[1]}")
            if el.get("id"):  # a target of the contents' page references
                self.bookmarks += 1
                ooxml_notes.add_bookmark(par, ooxml_notes.bookmark_name(el.get("id")), self.bookmarks)
        elif tag == "p" and has_class(el, "toc-entry"):
            self.toc_entry(el, container)
        elif tag == "p":
            style = next((PARAGRAPH_STYLES[c] for c in classes(el) if c in PARAGRAPH_STYLES), "Normal")
            par = self.paragraph(el, container, style)
            # As style.css: `keep-next`, and a section's first paragraph (h2 + p, h3 + p), stay
            # with what follows them, so a heading never ends a page with one line after it.
            previous = el.getprevious()
            if has_class(el, "keep-next") or previous is not None and previous.tag in ("h2", "h3"):
                par.paragraph_format.keep_with_next = True
            box = next((BOXES[c] for c in classes(el) if c in BOXES), None)
            if box:
                ooxml.box_paragraph(par, *box)
        elif tag in ("ul", "ol"):
            self.listing(el, container)
        elif tag == "table" and _is_bar(el):  # a progress bar among a cell's blocks
            anchor = container.add_paragraph()
            self.bar(el, container, anchor, Mm(self.width_mm + 2))
            anchor._p.getparent().remove(anchor._p)
        elif tag == "table":
            self.table(el, container)
        elif tag == "figure":
            self.figure(el, container)
        elif tag in ("section", "div"):
            before = set(_paragraphs(container))
            for child in el:
                self.block(child, container)
            new = [p for p in _paragraphs(container) if p not in before]
            box = next((BOXES[c] for c in classes(el) if c in BOXES), None)
            if box:
                for p in new:  # one box: Word and LibreOffice join equal borders of consecutive paragraphs
                    ooxml.box_paragraph(Paragraph(p, self.doc.part), *box)
            if has_class(el, "new-page") and new:
                Paragraph(new[0], self.doc.part).paragraph_format.page_break_before = True
        elif isinstance(tag, str):
            raise ValueError(f"DOCX writer: unsupported element <{tag}> in the rendered HTML")

    def figure(self, el: HtmlElement, container: Container) -> None:
        """A graphic (graphics.py): its SVG, with the PNG for word processors without SVG,
        at the size the PDF gives it, with its alt text; then its caption paragraphs."""
        import base64

        for child in el:
            if child.tag == "img":
                par = container.add_paragraph()
                self.set_style(par, "Normal")
                self.direction(par, child)
                par.paragraph_format.line_spacing = 1.0  # an exact Arabic line height would crop the picture
                par.paragraph_format.space_after = Pt(2)
                svg = base64.b64decode(child.get("src").split(",", 1)[1])
                png = base64.b64decode(child.get("data-png").split(",", 1)[1])
                width, height = float(child.get("data-width-mm")), float(child.get("data-height-mm"))
                scale = min(1.0, (self.width_mm - 1) / width)  # never wider than its column
                ooxml.add_svg_picture(
                    par.add_run(),
                    png,
                    svg,
                    Mm(width * scale),
                    Mm(height * scale),
                    child.get("alt", ""),
                    child.get("data-name", "graphic"),
                )
            elif child.tag == "figcaption":
                for block in child:
                    self.block(block, container)
            elif isinstance(child.tag, str):
                raise ValueError(f"DOCX writer: unsupported element <{child.tag}> in a <figure>")

    def toc_entry(self, el: HtmlElement, container: Container) -> None:
        """A contents line: the heading's text, a dotted tab, and a PAGEREF to the heading's bookmark."""
        from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER

        link = el.find("a")
        par = self.paragraph(link, container, "Contents Entry")
        # In a bidi paragraph tab positions count from the right margin and
        # "right" is the end side, so the same stop serves both directions.
        par.paragraph_format.tab_stops.add_tab_stop(
            Mm(self.width_mm - 4), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
        )
        par.add_run("\t")
        ooxml_notes.add_page_ref(
            par, ooxml_notes.bookmark_name(link.get("href", "#").lstrip("#")), rtl=self._rtl(link)
        )

    def set_style(self, par: Paragraph, name: str) -> None:
        """par.style = name, without python-docx's per-call scan of every style for the
        default (most of a DOCX's write time): ids are looked up once per document. A new
        paragraph (nothing in it yet) gets a copy of the w:pPr the first one got (copies)."""
        ids = self.doc.__dict__.setdefault("_style_ids", {})
        styled = self.copies("styled")
        p = par._p
        if name not in ids:
            par.style = self.doc.styles[name]
            ids[name] = p.style
        elif len(p) == 0 and ids[name] in styled:
            p.append(copy.deepcopy(styled[ids[name]]))
            return
        else:
            p.style = ids[name]
        if len(p) == 1 and p.pPr is not None and ids[name] not in styled:
            # A w:pPr with the style alone (an empty one for the default style, as python-docx leaves).
            styled[ids[name]] = copy.deepcopy(p.pPr)

    def copies(self, what: str) -> dict:
        """This document's properties made once and copied (set_style, start, add_text), by what
        they are of: python-docx's setters, each finding its element's place in the schema's
        order, were most of a text-heavy document's write time (the tracker's)."""
        return self.doc.__dict__.setdefault(f"_copies_{what}", {})

    def start(self, par: Paragraph, style: str, el: HtmlElement, space_after: Length | None = None) -> bool:
        """A new paragraph's style, space after and direction (set_style, direction); return
        whether it is right-to-left. Its w:pPr copied from the first new paragraph of the same
        style, spacing and direction in this document (made the same way, by the same calls)."""
        rtl = self._rtl(el)
        key = (style, space_after, rtl)
        made = self.copies("started")
        if len(par._p) == 0 and key in made:
            par._p.append(copy.deepcopy(made[key]))
            return rtl
        fresh = len(par._p) == 0
        self.set_style(par, style)
        if space_after is not None:
            par.paragraph_format.space_after = space_after
        self.direction(par, el)
        if fresh and len(par._p) == 1 and par._p.pPr is not None:
            made[key] = copy.deepcopy(par._p.pPr)
        return rtl

    def set_table_style(self, table: docx.table.Table, name: str) -> None:
        """table.style = name, with the style's id looked up once per document (as set_style)."""
        ids = self.doc.__dict__.setdefault("_table_style_ids", {})
        if name not in ids:
            table.style = self.doc.styles[name]
            ids[name] = table._tbl.tblStyle_val
        else:
            table._tbl.tblStyle_val = ids[name]

    def style_size(self, par: Paragraph) -> float | None:
        sizes = self.doc.__dict__.setdefault("_style_sizes", {})
        sid = par._p.style
        if sid not in sizes:
            sizes[sid] = _style_size(par.style)
        return sizes[sid]

    def paragraph(
        self, el: HtmlElement, container: Container, style: str, inline_fmt: Fmt = Fmt()
    ) -> Paragraph:
        par = container.add_paragraph()
        rtl = self.start(par, style, el)
        self.inline(par, el, class_format(el).inside(inline_fmt).inside(self.cell_format), rtl)
        return par

    def direction(self, par: Paragraph, el: HtmlElement) -> bool:
        """Give `par` the direction of `el` (and Arabic line spacing); return whether it is right-to-left."""
        rtl = self._rtl(el)
        if not rtl and self.rtl_document:
            ooxml.set_paragraph_bidi(par, rtl=False)
        if rtl:
            ooxml.set_paragraph_bidi(par)
            # Naskh's ascent and descent make "single" spacing 1.7 em; the PDF
            # sets Arabic at 1.5 em, which still clears the vowel marks (source lists
            # at 1.3 em: small type, no marks above a line's tallest letters).
            size = self.style_size(par)
            if size:
                leading = 1.3 if par._p.style == self.doc.__dict__["_style_ids"].get("Sources") else 1.5
                par.paragraph_format.line_spacing = Pt(size * leading)
        return rtl

    def note_mark(self, el: HtmlElement) -> str | None:
        """A footnote's own number in a bilingual article, counted in its language, in the digits of
        that language's text; None elsewhere (Word numbers the notes of a one-language article)."""
        if self.note_numbers is None:
            return None
        lang = next((str(n.get("lang")) for n in (el, *el.iterancestors()) if n.get("lang")), self.lang)
        self.note_numbers[lang] += 1
        number = str(self.note_numbers[lang])
        indic = lang == "ar" and self.number_format == "hindiNumbers"
        return formatting.arabic_indic(number) if indic else number

    def _rtl(self, el: HtmlElement) -> bool:
        node = el
        while node is not None:
            if node.get("dir"):
                return node.get("dir") == "rtl"
            node = node.getparent()
        return self.rtl

    def listing(self, el: HtmlElement, container: Container) -> None:
        numbered = el.tag == "ol"
        style = "List Number" if numbered else "List Bullet"
        small = el.getparent() is not None and has_class(el.getparent(), "sources")
        num_id = self.new_numbering(style, self._rtl(el))
        for li in el.iterchildren("li"):
            # The style first: an Arabic paragraph's line spacing follows its style's size.
            par = self.paragraph(li, container, "Sources" if small else style)
            if num_id is not None:
                self.number(par, num_id)

    def new_numbering(self, style: str, rtl: bool) -> int:
        """A fresh numbering instance of a list style's, so each ordered list starts again
        at 1: numbers in the brief's digits; in a right-to-left list, labels aligned right
        (LibreOffice puts a left-aligned label of a bidi paragraph into the margin)."""
        numbering = self.doc.part.numbering_part.element
        abstract = _style_abstract(self.doc, style)
        fmt = self.number_format if style == "List Number" else "decimal"
        jc = "right" if rtl else None
        if fmt != "decimal" or jc:
            variants = self.doc.__dict__.setdefault("_number_variants", {})
            key = (abstract, fmt, jc)
            if key not in variants:
                variants[key] = ooxml.number_format_variant(numbering, abstract, fmt, jc)
            abstract = variants[key]
        num = numbering.add_num(abstract)
        ooxml.restart_numbering(num, 1)
        return num.numId

    def number(self, par: Paragraph, num_id: int) -> None:
        ppr = par._p.get_or_add_pPr()
        numpr = ppr.get_or_add_numPr()
        numpr.get_or_add_ilvl().val = 0
        numpr.get_or_add_numId().val = num_id

    def table(self, el: HtmlElement, container: Container) -> None:
        rows = _rows(el)  # this table's own rows: a cell of the bilingual layout can hold a table
        ncols = max(sum(_span(c) for c in tr if c.tag in ("th", "td")) for tr in rows)
        table = container.add_table(len(rows), ncols)
        layout = el.get("role") == "presentation"  # the bilingual pairing, a map beside a table: not data
        if has_class(el, "bi") or has_class(el, "cover-meta") or has_class(el, "layout"):
            self.set_table_style(table, "Normal Table")
            if has_class(el, "bi"):  # its columns' text on the text area's edges, as in the PDF
                ooxml.set_cell_margins(table, end=round(2 * 1440 / 25.4), start=round(2 * 1440 / 25.4))
            elif has_class(el, "layout"):  # no padding in the stylesheet: what a cell holds fills it
                ooxml.set_cell_margins(table)
        else:
            self.set_table_style(table, "Table Grid")
            ooxml.set_table_borders(table, "DDE3EA")
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        if (
            self._rtl(el) or self.rtl or self.rtl_document
        ):  # a left-to-right one in an Arabic document says so
            ooxml.set_table_bidi(table, self._rtl(el))
        # Column widths: the table's <col style="width: N%">, as the PDF lays them
        # out; otherwise equal columns (bilingual layout) or defaults by count.
        cols = [_percent(col) for col in el.iter("col") if next(col.iterancestors("table")) is el]
        known = [c for c in cols if c]
        shares: list[float] | None
        if len(known) == len(cols) == ncols:
            shares = [c / 100 for c in known]
        elif has_class(el, "bi"):
            shares = [1 / ncols] * ncols
        else:
            shares = {2: [0.3, 0.7], 3: [0.3, 0.3, 0.4]}.get(ncols)
        widths = [Mm(self.width_mm * share) for share in shares] if shares else None
        if shares:
            # Fixed widths: Word and LibreOffice otherwise autofit a table to its text.
            ooxml.set_table_width(table, round(self.width_mm * sum(shares) * 1440 / 25.4))
            ooxml.set_grid_widths(table, [round(self.width_mm * share * 1440 / 25.4) for share in shares])
        text_style = "Table Text" if has_class(el, "compact") else "Normal"
        # What a cell's blocks may fill: its width less the table's cell margins (a nested table or
        # a picture any wider makes the word processor widen its column, past the text area).
        margins_mm = 4 if has_class(el, "bi") else 0 if has_class(el, "layout") else CELL_MARGINS_MM
        # The cells, row by row, read once: python-docx's table.cell(r, c) walks the whole
        # table on every call (most of a long table's write time). A new table has no merged cells.
        grid = [[docx.table._Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]
        for r, tr in enumerate(rows):
            if tr.getparent().tag == "thead":  # repeated on each page; read as the columns' headers
                ooxml.set_header_row(table.rows[r])
            c = 0
            for cell_el in (x for x in tr if x.tag in ("th", "td")):
                cell, span = grid[r][c], _span(cell_el)
                cell_mm = (
                    sum(w / Mm(1) for w in widths[c : c + span]) if widths else self.width_mm * span / ncols
                )
                if widths:
                    cell.width = widths[c]
                if span > 1:  # a cell across columns (the bilingual layout's wide tables)
                    cell = cell.merge(grid[r][c + span - 1])
                c += span
                header = cell_el.tag == "th"
                if header:
                    ooxml.shade_cell(cell, "EEF3F8")
                if has_class(cell_el, "box"):  # a box drawn by its rows' cells (the bilingual takeaways)
                    sides = ("left", "right") + ("top",) * has_class(tr, "box-first")
                    ooxml.box_cell(
                        cell, NAVY, "F3F6FA", sides=sides + ("bottom",) * has_class(tr, "box-last")
                    )
                fill = _BACKGROUND.search(cell_el.get("style") or "")
                if fill:
                    pattern = next((HATCHED[c] for c in classes(cell_el) if c in HATCHED), None)
                    ooxml.shade_cell(cell, fill.group(1).upper(), *(pattern or ()))
                # Column and row labels in navy, as the PDF; a status name keeps its black on its colour.
                label = Fmt(bold=True, colour=None if has_class(cell_el, "status") else NAVY)
                cell_fmt = class_format(cell_el).inside(
                    label if header else Fmt(bold=has_class(cell_el, "status"))
                )
                if any(
                    isinstance(child.tag, str) and child.tag in BLOCKS and not _is_bar(child)
                    for child in cell_el
                ):
                    outer_fmt, self.cell_format = self.cell_format, cell_fmt
                    try:
                        self.block_cell(cell, cell_el, cell_mm - margins_mm)
                    finally:
                        self.cell_format = outer_fmt
                    if layout:
                        # A heading in a layout cell shares its row with what follows it (the
                        # template pairs them); its style's keep-with-next would make LibreOffice
                        # keep the whole table with the next one. A row marked keep-next stays
                        # with the next row (its paragraphs' w:keepNext), as the PDF's.
                        keep = has_class(tr, "keep-next")
                        for p in ooxml.paragraphs_in(cell._tc):
                            Paragraph(p, cell).paragraph_format.keep_with_next = keep
                    continue
                par = cell.paragraphs[0]
                rtl = self.start(par, text_style, cell_el, Pt(1))
                bars = [t for t in cell_el if _is_bar(t)]
                if bars:
                    self.bar(bars[0], cell, par, Mm(cell_mm))
                    cell_el = copy.deepcopy(cell_el)
                    for t in cell_el:
                        if t.tag == "table":
                            t.drop_tree()
                self.inline(par, cell_el, cell_fmt, rtl)
        self.paginate(table, rows, layout)
        if has_class(el, "keep-next"):  # the whole table stays with what follows it (a wide table's caption)
            for p in ooxml.paragraphs_in(table._tbl):
                Paragraph(p, table).paragraph_format.keep_with_next = True

    def paginate(self, table: Table, rows: list[HtmlElement], layout: bool) -> None:
        """Word's counterparts of the stylesheet's table rules: no row is split (w:cantSplit;
        in a layout table, rows marked `splits` may be); the header row stays with the first
        body row, which stays with the second, and the last row with the one before (w:keepNext
        on every paragraph of a row keeps it on the page of the next row)."""
        for row, tr in zip(table.rows, rows, strict=True):
            if not (layout and has_class(tr, "splits")):
                ooxml.keep_row_whole(row)
        if layout or len(rows) < 2:
            return
        heads = [
            i
            for i, tr in enumerate(rows)
            if tr.getparent().tag == "thead"
            or all(c.tag == "th" for c in tr if isinstance(c.tag, str))
            and i == 0
        ]
        body = [i for i in range(len(rows)) if i not in heads]
        keep = set(heads) | set(body[:1])
        if len(body) >= 3:
            keep.add(body[-2])
        for i in keep:
            if i < len(rows) - 1:
                for par in ooxml.paragraphs_in(table.rows[i]._tr):
                    Paragraph(par, table).paragraph_format.keep_with_next = True

    def bar(self, el: HtmlElement, cell: Container, par: Paragraph, width: Length) -> None:
        """A progress bar: one row of shaded cells whose widths are the shares; an "in progress"
        cell hatched by its w:shd pattern (Word) and by a picture of the hatching over it
        (LibreOffice shows a pattern as a flat colour)."""
        segments = [td for td in _rows(el)[0] if td.tag == "td"]
        inner = width - Mm(2.2)  # the outer cell's margins
        table = cell.add_table(rows=1, cols=len(segments))
        self.set_table_style(table, "Table Grid")
        if self._rtl(el):
            ooxml.set_table_bidi(table)
        widths = [Length(int(inner * (_percent(td) or 0) / 100)) for td in segments]
        ooxml.set_table_width(table, int(sum(widths) / 635))
        ooxml.set_cell_margins(table)  # the picture fills its cell
        row = table.rows[0]
        row.height, row.height_rule = Mm(3), WD_ROW_HEIGHT_RULE.EXACTLY
        for i, (td, w) in enumerate(zip(segments, widths, strict=True)):
            table.columns[i].width = w
            seg = table.cell(0, i)
            seg.width = w
            fill = _BACKGROUND.search(td.get("style") or "")
            pattern = next((HATCHED[c] for c in classes(td) if c in HATCHED), None)
            ooxml.shade_cell(seg, fill.group(1).upper() if fill else "FFFFFF", *(pattern or ()))
            spar = seg.paragraphs[0]
            spar.paragraph_format.space_after = Pt(0)
            spar.paragraph_format.line_spacing = 1
            if pattern and fill:
                spar.paragraph_format.line_spacing = Mm(2.8)
                png = hatch.hatched_png(round(w / Mm(1), 1), 2.6, fill.group(1).upper(), pattern[1])
                picture = spar.add_run().add_picture(io.BytesIO(png), width=w, height=Mm(2.6))
                ooxml.flush(picture._inline)
                ooxml.decorative(picture._inline)
        # The bar goes first in the cell, then the cell's text; drop the paragraph add_table left after it.
        trailing = table._tbl.getnext()
        par._p.addprevious(table._tbl)
        if ooxml.is_empty_paragraph(trailing):
            trailing.getparent().remove(trailing)

    def block_cell(self, cell: docx.table._Cell, cell_el: HtmlElement, width_mm: float) -> None:
        """A table cell holding headings, paragraphs, lists or tables (the bilingual layout), in
        `width_mm` (the cell's width less its margins). A map or chart beside a table (td.lead-figure)
        keeps the stylesheet's gap from it: its paragraphs are indented on their start side."""
        gap = LEAD_FIGURE_GAP_MM if has_class(cell_el, "lead-figure") else 0
        outer, self.width_mm = self.width_mm, width_mm - gap
        first = cell.paragraphs[0]._p
        try:
            for child in cell_el:
                self.block(child, cell)
        finally:
            self.width_mm = outer
        if gap:
            for p in cell._tc.xpath("./w:p"):
                Paragraph(p, cell).paragraph_format.left_indent = Mm(gap)  # w:ind/@left: the start side
        if len(cell._tc.xpath("./w:p | ./w:tbl")) > 1:
            cell._tc.remove(first)

    def furniture(self, el: HtmlElement, part: BlockItemContainer) -> None:
        """Page header or footer: a borderless two-cell row, start and end, mirrored in Arabic,
        its text on the text area's edges (no cell margins); the header ruled below, as the PDF.
        A `paired` one (the bilingual layout) holds one span per language, each on its own
        start side, so that each sits on the outer edge of its column."""
        spans = [c for c in el if c.tag == "span"]
        paired = has_class(el, "paired")
        par = part.paragraphs[0]
        text_width = _text_width(self.section)
        table = part.add_table(rows=1, cols=len(spans), width=text_width)
        ooxml.set_table_width(table, text_width // 635)  # EMU -> twentieths of a point
        # The start cell holds the long part (a title), the end cell a short one (a
        # name, a marking, a page number), as the PDF's auto-width table shares them.
        shares = [0.68, 0.32] if len(spans) == 2 and not paired else [1 / len(spans)] * len(spans)
        ooxml.set_grid_widths(table, [int(text_width * share) // 635 for share in shares])
        for cell, share in zip(table.rows[0].cells, shares, strict=True):
            cell.width = Length(int(text_width * share))
        if self.rtl:
            ooxml.set_table_bidi(table)
        header = has_class(el, "page-header")
        ooxml.set_cell_margins(table, bottom=round(1.5 * 1440 / 25.4) if header else 0)
        if header:
            ooxml.rule_below_table(table, "9AA5B1", 5)  # 0.6 pt
        for i, span in enumerate(spans):
            cpar = table.cell(0, i).paragraphs[0]
            self.set_style(cpar, "Page Furniture")
            rtl = self.direction(cpar, span)
            if i == len(spans) - 1 and len(spans) > 1 and not paired:
                # Transitional OOXML's jc is logical in a bidi paragraph:
                # "right" is the end side there too (visually left in Arabic).
                cpar.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            self.inline(cpar, span, class_format(span), rtl)
        # The part's own first paragraph stays, empty and tiny, after the table.
        self.set_style(par, "Page Furniture")
        part._element.remove(par._p)
        part._element.append(par._p)
        if self.rtl or self.rtl_document:
            ooxml.set_paragraph_bidi(par, self.rtl)

    # -- inline ---------------------------------------------------------
    def inline(self, par: Paragraph, el: HtmlElement, fmt: Fmt, rtl: bool, part: Part | None = None) -> None:
        """The text and inline elements of `el` as runs of `par`, a paragraph of direction `rtl`;
        `part`, the part `par` is in where python-docx does not know it (a footnote's)."""
        pieces: list[tuple[str | Special, Fmt]] = []
        self._collect(el, fmt, pieces)
        # Collapse white space as HTML does, then trim the paragraph's ends.
        collapsed: list[tuple[str | Special, Fmt]] = []
        prev_space = True
        for chunk, f in pieces:
            if isinstance(chunk, Special):
                collapsed.append((chunk, f))
                if chunk.kind not in ("link", "link-end"):  # a link's ends are not text
                    prev_space = False  # a field's text or a note mark stands between the words around it
                continue
            out: list[str] = []
            for ch in chunk:
                if ch in HTML_SPACE:  # not U+00A0: a no-break space is kept, as in the PDF
                    if not prev_space:
                        out.append(" ")
                    prev_space = True
                else:
                    out.append(ch)
                    prev_space = False
            collapsed.append(("".join(out), f))
        while collapsed and isinstance(last := collapsed[-1][0], str) and last.endswith(" "):
            collapsed[-1] = (last[:-1], collapsed[-1][1])
            if not last[:-1]:
                collapsed.pop()
        link_start: int | None = None  # where the runs of an open link start, among par's children
        for chunk, f in collapsed:
            if isinstance(chunk, Special) and chunk.kind == "link":
                link_start = len(par._p)
            elif isinstance(chunk, Special) and chunk.kind == "link-end":
                assert link_start is not None and chunk.el is not None
                rid = (part or par.part).relate_to(chunk.el.get("href"), RT.HYPERLINK, is_external=True)
                ooxml.add_hyperlink(par, link_start, rid, HYPERLINK_STYLE)
                link_start = None
            elif isinstance(chunk, Special) and chunk.kind == "mark":
                # A direction mark, which Word and LibreOffice both honour: before a note marker,
                # the paragraph's (its digits after a number or a Latin word would otherwise join
                # that run: "2020.⁴" shown "⁴.2020"); at both ends of an isolate (<bdi dir>), the
                # isolate's own, so its end punctuation stays with it ("Point?" in Arabic).
                direction = chunk.instr or ("rtl" if rtl else "ltr")
                self.add_text(par, "\u200f" if direction == "rtl" else "\u200e", f, rtl)
            elif isinstance(chunk, Special) and chunk.kind == "footnote":
                assert chunk.el is not None
                note_rtl = self._rtl(chunk.el)
                note = self.notes.add(par, rtl=note_rtl, mark=self.note_mark(chunk.el))
                self.inline(note, chunk.el, Fmt(), note_rtl, part=self.notes.part)
            elif isinstance(chunk, Special):
                ooxml.add_field(par, chunk.instr)
            elif chunk:
                self.add_text(par, chunk, f, rtl)

    def _collect(self, el: HtmlElement, fmt: Fmt, pieces: list[tuple[str | Special, Fmt]]) -> None:
        if el.text:
            pieces.append((el.text, fmt))
        for child in el:
            names = classes(child)
            if not isinstance(child.tag, str):  # comments
                pass
            elif child.tag == "span" and has_class(child, "footnote"):
                pieces.append((Special("mark"), fmt))
                pieces.append((Special("footnote", child), fmt))
            elif child.tag == "span" and FIELDS.keys() & set(names):
                pieces.append((Special("field", instr=FIELDS[next(c for c in names if c in FIELDS)]), fmt))
            elif child.tag in INLINE:
                if child.tag == "sup" and has_class(child, "cite"):
                    pieces.append((Special("mark"), fmt))
                isolate = child.get("dir") if child.tag in ("bdi", "span") else None
                if isolate:
                    pieces.append((Special("mark", instr=isolate), fmt))
                link = child.tag == "a" and has_class(child, "src-link")
                if link:  # the address's runs, inside the isolate's marks, become one w:hyperlink
                    pieces.append((Special("link", child), fmt))
                f = Fmt(
                    bold=child.tag in ("strong", "b"),
                    italic=child.tag in ("em", "i"),
                    superscript=child.tag == "sup",
                )
                self._collect(child, class_format(child).inside(f).inside(fmt), pieces)
                if link:
                    pieces.append((Special("link-end", child), fmt))
                if isolate:
                    pieces.append((Special("mark", instr=isolate), fmt))
            else:
                raise ValueError(f"DOCX writer: unsupported inline element <{child.tag}>")
            if child.tail:
                pieces.append((child.tail, fmt))

    def add_text(self, par: Paragraph, text: str, fmt: Fmt, rtl_paragraph: bool) -> None:
        for chunk, rtl in ooxml.script_runs(text, rtl_paragraph):
            # A right-to-left run uses the complex-script font for every character: what
            # Noto Naskh Arabic does not draw (brackets, dashes, %) goes in a run of its own
            # set in Noto Serif, as the PDF's font list does, not in a font the word processor picks.
            for part, drawn in _by_coverage(chunk) if rtl else ((chunk, True),):
                # (A left-to-right run's bracket next to Arabic text is set in its
                # complex-script font by LibreOffice: that font must draw it too.)
                key = (fmt, rtl, not drawn or not rtl and _has_weak_uncovered(part))
                formats = self.copies("runs")
                if key not in formats:
                    run = par.add_run()
                    _set_text(run._r, part)
                    _format_run(run, *key)
                    formats[key] = copy.deepcopy(run._r.rPr)
                    continue
                # The same w:rPr as _format_run makes (it depends on the format alone), copied.
                r = par._p.add_r()
                rpr = formats[key]
                if rpr is not None:
                    r.append(copy.deepcopy(rpr))
                _set_text(r, part)


def _set_text(r: CT_R, text: str) -> None:
    """The text of a new, empty run: python-docx's `text` setter first clears the run (an XPath
    query) and then reads the text a character at a time for tabs and breaks, a tenth of
    writing the tracker's DOCX; a text with neither is one w:t, which is what it makes."""
    if any(c in text for c in "\t\r\n"):
        r.text = text
    elif text:
        r.add_t(text)


def _format_run(run: Run, fmt: Fmt, rtl: bool, cs_font: bool) -> None:
    if fmt.bold:
        run.bold = True
        ooxml.set_run_complex_bold(run)
    if fmt.italic:
        run.italic = True
    if fmt.superscript:
        run.font.superscript = True
    if fmt.colour:
        run.font.color.rgb = RGBColor.from_string(fmt.colour)
    if fmt.size:
        ooxml.set_run_size(run, fmt.size)
    if rtl:
        ooxml.set_run_rtl(run)
    if cs_font:
        ooxml.set_run_cs_font(run, LATIN_FONT)


def _has_weak_uncovered(text: str) -> bool:
    """Whether `text` holds punctuation or a symbol the Arabic font does not draw."""
    drawn = arabic_font_chars()
    return any(not ch.isalnum() and not ch.isspace() and ord(ch) not in drawn for ch in text)


def _by_coverage(text: str) -> list[tuple[str, bool]]:
    """`text` cut where it passes between characters the Arabic font draws (spaces count as
    drawn) and characters it does not: [(part, drawn)]."""
    drawn = arabic_font_chars()
    parts: list[tuple[str, bool]] = []
    for ch in text:
        ok = ord(ch) in drawn or ch == " "
        if parts and parts[-1][1] == ok:
            parts[-1] = (parts[-1][0] + ch, ok)
        else:
            parts.append((ch, ok))
    return parts


def _paragraphs(container: Container) -> list[ooxml.Element]:
    """The w:p elements in a document body or a table cell, nested ones included."""
    if isinstance(container, docx.document.Document):
        return ooxml.paragraphs_in(container.element.body)
    assert isinstance(container, docx.table._Cell)
    return ooxml.paragraphs_in(container._element)


def _style_size(style: CharacterStyle | None) -> float | None:
    while style is not None:
        if style.font.size is not None:
            return style.font.size.pt
        style = style.base_style
    return None


def _text_width(s: Section) -> Length:
    """The width between the section's margins (_Writer.write sets them all)."""
    assert s.page_width is not None and s.left_margin is not None and s.right_margin is not None
    return Length(s.page_width - s.left_margin - s.right_margin)


def _span(cell_el: HtmlElement) -> int:
    """How many columns a <td>/<th> spans."""
    return int(cell_el.get("colspan") or 1)


def _is_bar(el: HtmlElement) -> bool:
    return el.tag == "table" and has_class(el, "bar")


def _rows(table_el: HtmlElement) -> list[HtmlElement]:
    """The rows of this table, not of tables nested in its cells."""
    return [tr for tr in table_el.iter("tr") if next(tr.iterancestors("table")) is table_el]


def _percent(el: HtmlElement) -> float | None:
    found = _WIDTH.search(el.get("style") or "")
    return float(found.group(1)) if found else None
