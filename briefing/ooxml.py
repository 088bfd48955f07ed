"""Raw OOXML that python-docx has no API for: bidi, complex-script fonts, fields.

Kept here as small named helpers so the DOCX writer reads as "heading,
paragraph, table". What python-docx lacks, and what Word shows without it:
github.com/python-openxml/python-docx issues #307 (paragraph `w:bidi`), #1315
(complex-script font), #973 (complex-script size), #1081 (bold needs `w:bCs`).
"""

from __future__ import annotations

import re

import docx.table
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.styles.style import BaseStyle
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

# The OOXML elements handled here (python-docx's element classes; w:rPr is CT_RPr…).
Element = BaseOxmlElement

ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
# A Latin stretch: Latin letters, and the digits, spaces and marks between them.
_LATIN_RUN = re.compile(
    r"[A-Za-z\u00C0-\u024F](?:[A-Za-z\u00C0-\u024F0-9 .,'’&/\-–]*[A-Za-z\u00C0-\u024F0-9])?"
)
_ARABIC_RUN = re.compile(
    r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF](?:[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF0-9 ،؛.,\-–%()]*[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF])?"
)

BIDI_LANG = "ar-SA"


def _child(parent: Element, tag: str, before: tuple[str, ...] = ()) -> Element:
    """Get or create child `tag`, inserted before the first of `before` (schema order)."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        anchor = next((parent.find(qn(t)) for t in before if parent.find(qn(t)) is not None), None)
        if anchor is not None:
            anchor.addprevious(found)
        else:
            parent.append(found)
    return found


# pPr children that must follow w:bidi in CT_PPr's sequence.
_AFTER_BIDI = (
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def set_paragraph_bidi(paragraph: Paragraph, rtl: bool = True) -> None:
    """`w:bidi` on a paragraph: right-to-left base direction (bullets, indents and alignment mirror);
    `rtl=False` writes it off explicitly, for a left-to-right paragraph in a right-to-left document."""
    ppr = paragraph._p.get_or_add_pPr()
    el = _child(ppr, "w:bidi", _AFTER_BIDI)
    if not rtl:
        el.set(qn("w:val"), "0")


def set_style_bidi(style: BaseStyle) -> None:
    """`w:bidi` on a paragraph style: its paragraphs are right to left unless they say otherwise.
    On Normal, it makes a document right to left as a whole, as an Arabic Word document is (LibreOffice
    then also draws the footnote separator on the right)."""
    ppr = style.element.get_or_add_pPr()
    _child(ppr, "w:bidi", _AFTER_BIDI)


def set_section_bidi(section: Section, rtl: bool = True) -> None:
    """`w:bidi` on a section: columns and page furniture laid out right to left.

    Also removes it, since python-docx starts a new section as a copy of the last.
    """
    sect = section._sectPr
    if rtl:
        _child(sect, "w:bidi", ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange"))
    elif sect.find(qn("w:bidi")) is not None:
        sect.remove(sect.find(qn("w:bidi")))


def set_page_number_format(section: Section, fmt: str) -> None:
    """`w:pgNumType w:fmt` on a section: how its PAGE fields show numbers.

    `hindiNumbers` is ST_NumberFormat's Arabic-Indic digits (١, ٢, ٣), which Word
    and LibreOffice apply to a plain PAGE field; `decimal` removes the element.
    """
    sect = section._sectPr
    old = sect.find(qn("w:pgNumType"))
    if fmt == "decimal":
        if old is not None:
            sect.remove(old)
        return
    el = _child(
        sect,
        "w:pgNumType",
        (
            "w:cols",
            "w:formProt",
            "w:vAlign",
            "w:noEndnote",
            "w:titlePg",
            "w:textDirection",
            "w:bidi",
            "w:rtlGutter",
            "w:docGrid",
            "w:printerSettings",
            "w:sectPrChange",
        ),
    )
    el.set(qn("w:fmt"), fmt)


def number_format_variant(
    numbering: Element, abstract_id: int | None, fmt: str = "decimal", jc: str | None = None
) -> int:
    """The id of an abstract numbering like `abstract_id` but counting in `fmt`
    (e.g. hindiNumbers, Arabic-Indic digits) and, given `jc`, with its labels so
    aligned (`right` for a right-to-left list: LibreOffice puts a `left`-aligned
    label of a bidi paragraph in the margin); the caller keeps one per document.

    A copy rather than a `w:lvl` inside the instance's `w:lvlOverride`: Word
    reads both, LibreOffice only the abstract definition.
    """
    import copy

    abstracts = numbering.findall(qn("w:abstractNum"))
    source = next(a for a in abstracts if a.get(qn("w:abstractNumId")) == str(abstract_id))
    new_id = max(int(a.get(qn("w:abstractNumId"))) for a in abstracts) + 1
    new = copy.deepcopy(source)
    new.set(qn("w:abstractNumId"), str(new_id))
    nsid = new.find(qn("w:nsid"))
    if nsid is not None:  # a list's identity in Word: the copy is a different list
        nsid.set(qn("w:val"), f"{0x7A000000 + new_id:08X}")
    links = new.findall(qn("w:styleLink")) + new.findall(qn("w:numStyleLink"))
    for el in links + [s for lvl in new.findall(qn("w:lvl")) for s in lvl.findall(qn("w:pStyle"))]:
        el.getparent().remove(el)
    for num_fmt in new.iter(qn("w:numFmt")):
        if num_fmt.get(qn("w:val")) == "decimal":
            num_fmt.set(qn("w:val"), fmt)
    if jc is not None:
        for lvl_jc in new.iter(qn("w:lvlJc")):
            lvl_jc.set(qn("w:val"), jc)
    abstracts[-1].addnext(new)
    return new_id


def set_table_bidi(table: Table, rtl: bool = True) -> None:
    """`w:bidiVisual`: the first column on the right; with `rtl` False, explicitly on the left
    (`w:val="0"`: LibreOffice otherwise lays a table out right to left in a right-to-left
    section, as the English tables of a bilingual document whose section is Arabic's)."""
    tblpr = table._tbl.tblPr
    bidi = _child(
        tblpr,
        "w:bidiVisual",
        (
            "w:tblStyleRowBandSize",
            "w:tblStyleColBandSize",
            "w:tblW",
            "w:jc",
            "w:tblCellSpacing",
            "w:tblInd",
            "w:tblBorders",
            "w:shd",
            "w:tblLayout",
            "w:tblCellMar",
            "w:tblLook",
            "w:tblCaption",
            "w:tblDescription",
        ),
    )
    if not rtl:
        bidi.set(qn("w:val"), "off")  # "0" is valid OOXML, but not to the validator docx_audit runs


def set_table_width(table: Table, twips: int) -> None:
    """A fixed table width (`w:tblW` in twentieths of a point) and fixed layout."""
    tblpr = table._tbl.tblPr
    width = _child(
        tblpr,
        "w:tblW",
        (
            "w:jc",
            "w:tblCellSpacing",
            "w:tblInd",
            "w:tblBorders",
            "w:shd",
            "w:tblLayout",
            "w:tblCellMar",
            "w:tblLook",
        ),
    )
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(twips))
    layout = _child(tblpr, "w:tblLayout", ("w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"))
    layout.set(qn("w:type"), "fixed")


def set_table_borders(table: Table, colour: str) -> None:
    """Thin horizontal rules only, as the PDF draws them (no vertical lines)."""
    tblpr = table._tbl.tblPr
    borders = _child(
        tblpr,
        "w:tblBorders",
        ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"),
    )
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = _child(borders, f"w:{side}")
        horizontal = side in ("top", "bottom", "insideH")
        el.set(qn("w:val"), "single" if horizontal else "nil")
        if horizontal:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), colour)


# rPr children in CT_RPr's sequence order, to insert ours at the right place.
_RPR_ORDER = (
    "w:rStyle",
    "w:rFonts",
    "w:b",
    "w:bCs",
    "w:i",
    "w:iCs",
    "w:caps",
    "w:smallCaps",
    "w:strike",
    "w:dstrike",
    "w:outline",
    "w:shadow",
    "w:emboss",
    "w:imprint",
    "w:noProof",
    "w:snapToGrid",
    "w:vanish",
    "w:webHidden",
    "w:color",
    "w:spacing",
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)


def _rpr_child(rpr: Element, tag: str) -> Element:
    after = _RPR_ORDER[_RPR_ORDER.index(tag) + 1 :]
    return _child(rpr, tag, after)


def set_run_rtl(run: Run) -> None:
    """`w:rtl`: the run is right-to-left text, using the complex-script font and size."""
    _rpr_child(run._r.get_or_add_rPr(), "w:rtl")


def set_run_complex_bold(run: Run) -> None:
    """`w:bCs`: bold that also shows on Arabic (complex-script) text (PD#1081)."""
    _rpr_child(run._r.get_or_add_rPr(), "w:bCs")


def set_complex_emphasis(rpr: Element, *, bold: bool, italic: bool) -> None:
    """`w:bCs`/`w:iCs` as explicit on/off, so a base style's italic cannot leak into Arabic."""
    for tag, on in (("w:bCs", bold), ("w:iCs", italic)):
        el = _rpr_child(rpr, tag)
        if on:
            el.attrib.pop(qn("w:val"), None)
        else:
            el.set(qn("w:val"), "0")


def set_rpr_fonts(
    rpr: Element, latin: str, arabic: str, size_pt: float | None = None, lang: str = "en-GB"
) -> None:
    """Fonts, sizes and languages for both Latin and complex-script text on a style's rPr."""
    fonts = _rpr_child(rpr, "w:rFonts")
    for attr in list(fonts.attrib):
        if attr.lower().endswith("theme"):  # theme fonts (asciiTheme, cstheme…) would override ours
            del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:cs"), arabic)
    if size_pt is not None:
        half_points = str(round(size_pt * 2))
        _rpr_child(rpr, "w:sz").set(qn("w:val"), half_points)
        _rpr_child(rpr, "w:szCs").set(qn("w:val"), half_points)
    lang_el = _rpr_child(rpr, "w:lang")
    lang_el.set(qn("w:val"), lang)
    lang_el.set(qn("w:bidi"), BIDI_LANG)


def add_field(paragraph: Paragraph, instruction: str, placeholder: str = "1") -> None:
    """A simple field such as PAGE, updated by the word processor when it lays out pages."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def script_runs(text: str, rtl_paragraph: bool) -> list[tuple[str, bool]]:
    """Split text into (chunk, is_rtl) runs, as a word processor stores typed mixed text.

    In an Arabic paragraph everything is right-to-left except Latin stretches;
    in an English one everything is left-to-right except Arabic stretches.
    Digits and punctuation stay with their surroundings; the word processor's
    bidi algorithm orders them, and the text itself stays in logical order.
    """
    pattern = _LATIN_RUN if rtl_paragraph else _ARABIC_RUN
    runs: list[tuple[str, bool]] = []
    pos = 0
    for match in pattern.finditer(text):
        if match.start() > pos:
            runs.append((text[pos : match.start()], rtl_paragraph))
        runs.append((match.group(), not rtl_paragraph))
        pos = match.end()
    if pos < len(text):
        runs.append((text[pos:], rtl_paragraph))
    return runs


def set_grid_widths(table: Table, twips: list[int]) -> None:
    """The table grid's column widths (`w:gridCol`), which LibreOffice lays out from;
    python-docx derives them from the container, which is too narrow inside a cell."""
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), twips, strict=True):
        col.set(qn("w:w"), str(width))


# -- styles, numbering, cells: the parts of the writer python-docx has no API for --------
def remove_letter_spacing(rpr: Element) -> None:
    """Drop `w:spacing` (letter spacing) from an rPr: it pulls Arabic letters apart."""
    for spacing in rpr.findall(qn("w:spacing")):
        rpr.remove(spacing)


def has_font_settings(rpr: Element) -> bool:
    """Whether an rPr sets fonts or a size (`w:rFonts`, `w:sz`): those of a template's styles get ours."""
    return rpr.find(qn("w:rFonts")) is not None or rpr.find(qn("w:sz")) is not None


def rpr_size_pt(rpr: Element) -> float | None:
    """An rPr's size (`w:sz` is in half-points), or None if it sets none."""
    sz = rpr.find(qn("w:sz"))
    return int(sz.get(qn("w:val"))) / 2 if sz is not None else None


def default_rpr(styles_element: Element) -> Element:
    """The document's default run properties (`w:docDefaults/w:rPrDefault/w:rPr`)."""
    return styles_element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))


def restart_numbering(num: Element, start: int = 1) -> None:
    """A `w:num` whose first level starts again at `start` (`w:lvlOverride/w:startOverride`)."""
    override = OxmlElement("w:lvlOverride")
    override.set(qn("w:ilvl"), "0")
    begin = OxmlElement("w:startOverride")
    begin.set(qn("w:val"), str(start))
    override.append(begin)
    num.append(override)


def is_empty_paragraph(el: Element | None) -> bool:
    """A `w:p` with no `w:t` in it (python-docx leaves one after a table added to a cell)."""
    return el is not None and el.tag == qn("w:p") and not el.xpath(".//w:t")


# CT_TcPr order: shd comes before these.
_AFTER_SHD = (
    "w:noWrap",
    "w:tcMar",
    "w:textDirection",
    "w:tcFitText",
    "w:vAlign",
    "w:hideMark",
    "w:headers",
    "w:cellIns",
    "w:cellDel",
    "w:cellMerge",
    "w:tcPrChange",
)


def shade_cell(cell: docx.table._Cell, fill: str, pattern: str = "clear", colour: str = "auto") -> None:
    """`w:shd` on a cell: a fill colour, optionally with a pattern (stripes) in `colour` over it."""
    tcpr = cell._tc.get_or_add_tcPr()
    for old in tcpr.findall(qn("w:shd")):
        tcpr.remove(old)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), pattern)
    shd.set(qn("w:color"), colour)
    shd.set(qn("w:fill"), fill)
    anchor = next((tcpr.find(qn(t)) for t in _AFTER_SHD if tcpr.find(qn(t)) is not None), None)
    if anchor is not None:
        anchor.addprevious(shd)
    else:
        tcpr.append(shd)


# CT_TrPr children that come after w:tblHeader (ECMA-376 Part 1, 17.4.79).
_AFTER_TBL_HEADER = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")


def set_header_row(row: docx.table._Row) -> None:
    """w:tblHeader: the row heads the table's columns, and Word repeats it at the top of each page."""
    trpr = row._tr.get_or_add_trPr()
    if trpr.find(qn("w:tblHeader")) is not None:
        return
    header = OxmlElement("w:tblHeader")
    anchor = next((trpr.find(qn(t)) for t in _AFTER_TBL_HEADER if trpr.find(qn(t)) is not None), None)
    if anchor is not None:
        anchor.addprevious(header)
    else:
        trpr.append(header)


def app_properties(application: str, company: str) -> bytes:
    """docProps/app.xml naming the generator and the organisation (python-docx's template
    says "Microsoft Macintosh Word", one page, no words)."""
    from lxml import etree

    ns = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    root = etree.Element(f"{{{ns}}}Properties", nsmap={None: ns})
    for name, value in (
        ("Application", application),
        ("DocSecurity", "0"),
        ("ScaleCrop", "false"),
        ("Company", company),
        ("LinksUpToDate", "false"),
        ("SharedDoc", "false"),
        ("HyperlinksChanged", "false"),
    ):
        etree.SubElement(root, f"{{{ns}}}{name}").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# -- Pictures -------------------------------------------------------------------------
# Word 2016+ draws an SVG blip (the a:blip's extension below); others, and LibreOffice
# where it cannot, draw the PNG in the blip itself (MS-ODRAWXML 2.3.4; PD#651).
SVG_BLIP_EXT = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"


def flush(inline: Element) -> None:
    """No space round an inline picture (`wp:inline` distT/B/L/R = 0). python-docx leaves them out
    and LibreOffice then puts 1/8 in before and after it, so a picture as wide as its column runs
    3.2 mm past the column's end."""
    for side in ("distT", "distB", "distL", "distR"):
        inline.set(side, "0")


# A picture that only paints (the hatched segment of a progress bar: its figures are in the text beside
# it) is marked decorative, as Word's "Mark as decorative" does: screen readers skip it instead of
# announcing a picture without a description (the PDF draws the same as an artifact).
DECORATIVE_EXT = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"


def decorative(inline: Element) -> None:
    from lxml import etree

    ext_lst = OxmlElement("a:extLst")
    ext = OxmlElement("a:ext")
    ext.set("uri", DECORATIVE_EXT)
    etree.SubElement(ext, f"{{{DECORATIVE_NS}}}decorative", nsmap={"adec": DECORATIVE_NS}).set("val", "1")
    ext_lst.append(ext)
    inline.find(qn("wp:docPr")).append(ext_lst)


def add_svg_picture(run: Run, png: bytes, svg: bytes, width: int, height: int, alt: str, name: str) -> None:
    """An inline picture: the PNG as the blip, the SVG as its extension; `alt` as the
    picture's description (docPr/@descr), which screen readers and Word's alt text show."""
    import io

    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    run.add_picture(io.BytesIO(png), width=width, height=height)
    inline = run._r.xpath(".//wp:inline")[-1]
    flush(inline)
    doc_pr = inline.find(qn("wp:docPr"))
    doc_pr.set("descr", alt)
    doc_pr.set("name", name)
    part = run.part
    package = part.package
    existing = {str(p.partname) for p in package.iter_parts()}
    n = 1
    while f"/word/media/graphic{n}.svg" in existing:
        n += 1
    svg_part = Part(PackURI(f"/word/media/graphic{n}.svg"), "image/svg+xml", svg, package)
    rid = part.relate_to(svg_part, RT.IMAGE)
    blip = inline.xpath(".//a:blip")[0]
    ext_lst = OxmlElement("a:extLst")
    ext = OxmlElement("a:ext")
    ext.set("uri", SVG_BLIP_EXT)
    from lxml import etree

    svg_blip = etree.SubElement(ext, f"{{{SVG_NS}}}svgBlip", nsmap={"asvg": SVG_NS})
    svg_blip.set(qn("r:embed"), rid)
    ext_lst.append(ext)
    blip.append(ext_lst)


# -- the design in Word's own terms: boxes, rules, margins, keeping rows whole -------------
# CT_PPr children after w:pBdr, and after w:shd (ECMA-376 Part 1, 17.3.1.26).
_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    *_AFTER_BIDI,
)
_AFTER_PSHD = _AFTER_PBDR[1:]
# CT_TcPr children after w:tcBorders.
_AFTER_TCBORDERS = ("w:shd", *_AFTER_SHD)


def _border(parent: Element, side: str, colour: str, eighths: int, space: int = 0) -> None:
    el = _child(parent, f"w:{side}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(eighths))
    el.set(qn("w:space"), str(space))
    el.set(qn("w:color"), colour)


def box_paragraph(paragraph: Paragraph, colour: str, fill: str | None, eighths: int = 6) -> None:
    """A box round a paragraph (`w:pBdr` on four sides, `w:shd` fill): consecutive paragraphs
    with the same box are drawn as one box by Word and LibreOffice. `space` is the gap
    between text and border, in points (the PDF's padding)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = _child(ppr, "w:pBdr", _AFTER_PBDR)
    for side, space in (("top", 3), ("left", 6), ("bottom", 3), ("right", 6)):
        _border(borders, side, colour, eighths, space)
    if fill:
        shd = _child(ppr, "w:shd", _AFTER_PSHD)
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), fill)


def box_cell(
    cell: docx.table._Cell,
    colour: str,
    fill: str | None,
    eighths: int = 6,
    sides: tuple[str, ...] = ("top", "left", "bottom", "right"),
) -> None:
    """A box round a table cell (`w:tcBorders` on the given sides) and its fill: cells of
    consecutive rows, each with its sides, make one box."""
    tcpr = cell._tc.get_or_add_tcPr()
    borders = _child(tcpr, "w:tcBorders", _AFTER_TCBORDERS)
    for side in ("top", "left", "bottom", "right"):
        if side in sides:
            _border(borders, side, colour, eighths)
    if fill:
        shade_cell(cell, fill)


def rule_below_table(table: Table, colour: str, eighths: int) -> None:
    """A rule under a table (`w:tblBorders/w:bottom`): the running header's line."""
    tblpr = table._tbl.tblPr
    borders = _child(
        tblpr,
        "w:tblBorders",
        ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"),
    )
    _border(borders, "bottom", colour, eighths)


def set_cell_margins(table: Table, top: int = 0, end: int = 0, bottom: int = 0, start: int = 0) -> None:
    """The table's default cell margins (`w:tblCellMar`), in twentieths of a point. With start
    and end 0 the text of the outer cells sits on the table's edges (Word and LibreOffice
    otherwise inset it by 0.08 in, and the running header misses the text area's edges)."""
    tblpr = table._tbl.tblPr
    margins = _child(tblpr, "w:tblCellMar", ("w:tblLook", "w:tblCaption", "w:tblDescription"))
    for side, twips in (("top", top), ("left", start), ("bottom", bottom), ("right", end)):
        el = _child(margins, f"w:{side}")
        el.set(qn("w:w"), str(twips))
        el.set(qn("w:type"), "dxa")


def keep_row_whole(row: docx.table._Row) -> None:
    """`w:cantSplit`: the row is never broken across pages."""
    trpr = row._tr.get_or_add_trPr()
    if trpr.find(qn("w:cantSplit")) is None:
        trpr.insert(0, OxmlElement("w:cantSplit"))


def add_hyperlink(paragraph: Paragraph, first: int, rid: str, style_id: str) -> None:
    """The runs of `paragraph` from its `first` child on, inside a w:hyperlink to relationship
    `rid` (an external address, TargetMode External: python-docx has no API for links), each
    in the character style `style_id` (ECMA-376 Part 1, 17.16.22: Word's Hyperlink style)."""
    p = paragraph._p
    runs = [child for child in list(p)[first:] if child.tag == qn("w:r")]
    if not runs:
        return
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    runs[0].addprevious(link)
    for run in runs:
        run.get_or_add_rPr().style = style_id
        link.append(run)


def set_run_size(run: Run, size_pt: float) -> None:
    """A run's size for both scripts (`w:sz` and `w:szCs`, in half-points)."""
    rpr = run._r.get_or_add_rPr()
    half_points = str(round(size_pt * 2))
    _rpr_child(rpr, "w:sz").set(qn("w:val"), half_points)
    _rpr_child(rpr, "w:szCs").set(qn("w:val"), half_points)


def set_run_cs_font(run: Run, font: str) -> None:
    """The complex-script font of one run (`w:rFonts/@w:cs`): for characters of a right-to-left
    run that the Arabic font does not draw (brackets, dashes, %), so that the word processor
    does not fall back to a font of its own."""
    fonts = _rpr_child(run._r.get_or_add_rPr(), "w:rFonts")
    fonts.set(qn("w:cs"), font)


def list_level(
    numbering: Element, abstract_id: int, *, text: str, latin: str, arabic: str, indent: int, jc: str
) -> None:
    """Level 0 of an abstract numbering: its label (`%1.` or a bullet), the fonts of the label
    for both scripts (else it falls back: Symbol, DejaVu), the hanging indent in twips and
    the label's alignment (`left` for left-to-right lists, `right` for right-to-left ones)."""
    abstract = next(
        a for a in numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == str(abstract_id)
    )
    lvl = next(lv for lv in abstract.findall(qn("w:lvl")) if lv.get(qn("w:ilvl")) == "0")
    lvl.find(qn("w:lvlText")).set(qn("w:val"), text)
    lvl.find(qn("w:lvlJc")).set(qn("w:val"), jc)
    ppr = lvl.find(qn("w:pPr"))
    for old in list(ppr):
        ppr.remove(old)
    tabs = OxmlElement("w:tabs")
    tab = OxmlElement("w:tab")
    tab.set(qn("w:val"), "num")
    tab.set(qn("w:pos"), str(indent))
    tabs.append(tab)
    ind = OxmlElement("w:ind")
    ind.set(qn("w:left"), str(indent))
    ind.set(qn("w:hanging"), str(indent))
    ppr.extend([tabs, ind])
    rpr = lvl.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        lvl.append(rpr)
    fonts = _rpr_child(rpr, "w:rFonts")
    fonts.attrib.clear()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:cs"), arabic)


def paragraphs_in(element: Element) -> list[Element]:
    """The `w:p` elements inside an element (a body, a cell, a row), nested ones included."""
    return list(element.iter(qn("w:p")))
