"""Page-quality gate: laid-out pages -> what an editor would send back.

The rules are the house style's (EDITORIAL.md, "Pages"), checked on the pages
as laid out, never on the HTML:

- text outside the text area (cut off, or running into the margins);
- a heading with nothing of its section after it on its page;
- a page, not the last, more than half empty between the end of its body
  and its notes (EXCEPTIONS says which pages may, and why);
- a running header or footer whose outer items are not on the text area's
  edges (they must line up with the body, in both directions);
- a table row split across pages, and a table leaving one row alone on a
  page (a total row stranded at the top of the next one).

The checks read a plain model of the pages (Page, Line), so one set of rules
serves two layouts: WeasyPrint's, read from its box tree here
(`from_document`), while the PDF is written; and a word processor's, read
from the tagged PDF LibreOffice exports from our DOCX (tests/layout.py).
The page geometry both writers lay out on is declared here too (MARGINS_MM).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any  # WeasyPrint's boxes and documents: no type information

# The text area of each page shape, as margins in mm (top, right, bottom, left):
# style.css's @page rules and write_docx's sections both lay out on these
# (tests/test_pagecheck.py compares them with the stylesheet).
MARGINS_MM = {"portrait": (17, 16, 15, 16), "landscape": (15, 14, 13, 14)}
PX_PER_MM = 96 / 25.4
EDGE_MM = 1.5  # how far a running header or footer may sit from the text area's edge
SLACK_MM = 0.6  # rounding and antialiasing: how far anything may poke past the text area
SHORT = 0.5  # a page whose body and notes leave more than this share of the text area empty is short

# Pages that may end short, each with its reason (the exception's name is what
# a finding would say instead). Each is decided on the pages alone.
EXCEPTIONS = {
    "new-part": "the next page opens a new part with its title (H1): each language's edition starts on a "
    "page of its own, so it can be read, printed and filed alone",
    "title-page": "a title page (it holds the document's title, H1, and a section of its own, H2: the key "
    "takeaways) ends where the next page opens a section with its heading: the cover, key takeaways and "
    "contents stand on their own page",
}


@dataclass(frozen=True)
class Rect:
    """A rectangle on a page, in mm from its top left corner."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps_x(self, other: Rect) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1


@dataclass(frozen=True)
class Line:
    """One line of text (or one picture) on a page.

    role: "body" (text of the body), "heading", "head-row" (a table's header
    row, repeated on each page), "note" (a footnote), "furniture" (running
    header or footer), "figure" (a picture), "artifact" (untagged text in the
    body of a tagged PDF: it must stay inside the text area, but is not content).
    row, table: identities of the data-table row and table the line is in
    (equal across pages for the same row), or None.
    """

    rect: Rect
    role: str
    text: str = ""
    level: int = 0
    row: object = None
    table: object = None


@dataclass
class Page:
    number: int  # 1-based
    width: float  # mm
    height: float
    area: Rect  # the text area
    lines: list[Line] = field(default_factory=list)

    def content(self, roles: tuple[str, ...] = ("body", "heading", "head-row", "figure")) -> list[Line]:
        return [line for line in self.lines if line.role in roles]


def area_for(width_mm: float, height_mm: float) -> Rect:
    """The text area of a page of this size (landscape when wider than tall)."""
    top, right, bottom, left = MARGINS_MM["landscape" if width_mm > height_mm else "portrait"]
    return Rect(left, top, width_mm - right, height_mm - bottom)


# -- the checks ---------------------------------------------------------------------
def check(pages: list[Page]) -> list[str]:
    """Every rule broken on these pages, one line each ("p3: …"), in page order."""
    found: list[tuple[int, str]] = []
    for i, page in enumerate(pages):
        found += [(page.number, m) for m in outside(page)]
        following = pages[i + 1] if i + 1 < len(pages) else None
        found += [(page.number, m) for m in stranded_headings(page, following)]
        found += [(page.number, m) for m in furniture(page)]
        if following is not None:
            found += [(page.number, m) for m in short(page, following)]
    found += split_rows(pages)
    return [f"p{n}: {m}" for n, m in sorted(found, key=lambda f: f[0])]


def _quote(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def outside(page: Page) -> list[str]:
    """Text or pictures outside the text area: past its sides (any line, header
    and footer included), or above or below it (the body's lines). One finding
    per side, with how many lines and how far the worst goes."""
    a, s = page.area, SLACK_MM
    sides: dict[str, list[tuple[float, Line]]] = defaultdict(list)
    for line in page.lines:
        r = line.rect
        body = line.role != "furniture"
        for side, by in (
            ("left", a.x0 - r.x0),
            ("right", r.x1 - a.x1),
            ("bottom", r.y1 - a.y1 if body else 0),
            ("top", a.y0 - r.y0 if body else 0),
        ):
            if by > s:
                sides[side].append((by, line))
    found = []
    for side, hits in sides.items():
        worst, line = max(hits, key=lambda h: h[0])
        count = f"{len(hits)} lines run" if len(hits) > 1 else "a line runs"
        found.append(
            f"{count} outside the text area, up to {worst:.1f} mm past its {side} edge: "
            f"{line.role} {_quote(line.text)}"
        )
    return found


MIN_AFTER = 2  # lines of its section a heading needs after it on its page


def is_outside(finding: str) -> bool:
    """Whether a finding (a line of check()) is text outside the text area."""
    return "outside the text area" in finding


def stranded_headings(page: Page, following: Page | None = None) -> list[str]:
    """Headings followed in their column, on their page, by fewer than MIN_AFTER lines of
    their section (a table's header row and notes do not count) while the section goes
    on over the page (the next page does not open with a heading in that column)."""
    content = page.content()
    found = []
    for line in content:
        if line.role != "heading":
            continue
        column = [o for o in content if o.rect.overlaps_x(line.rect) and o.rect.y0 >= line.rect.y1 - 0.1]
        if any(o.role == "heading" for o in column):
            continue  # the next heading is on this page: this section ends here
        after = [o for o in column if o.role in ("body", "figure")]
        if len(after) >= MIN_AFTER:
            continue
        if following is not None:
            nxt = sorted(
                (o for o in following.content() if o.rect.overlaps_x(line.rect)), key=lambda o: o.rect.y0
            )
            if nxt and nxt[0].role == "heading":
                continue  # its section was complete
        found.append(f"heading {_quote(line.text)} ends the page: its section goes on on the next one")
    return found


def _body_bottom(page: Page) -> float | None:
    content = page.content()
    return max(line.rect.y1 for line in content) if content else None


def _opens_with_title(page: Page) -> bool:
    a = page.area
    return any(
        line.role == "heading" and line.level == 1 and line.rect.y0 < a.y0 + (a.y1 - a.y0) / 3
        for line in page.lines
    )


def _opens_with_heading(page: Page) -> bool:
    content = sorted(page.content(), key=lambda line: line.rect.y0)
    return bool(content) and content[0].role == "heading"


def exception(page: Page, following: Page) -> str | None:
    """The reason (an EXCEPTIONS entry) that lets `page` end short before `following`, if any."""
    if _opens_with_title(following):
        return EXCEPTIONS["new-part"]
    levels = {line.level for line in page.lines if line.role == "heading"}
    if {1, 2} <= levels and _opens_with_heading(following):
        return EXCEPTIONS["title-page"]
    return None


def short(page: Page, following: Page) -> list[str]:
    """A page (not the last) more than half empty: the space between the end of its body and
    its notes (or the text area's bottom) is over half the text area, unless an exception applies.
    (Footnotes fill the foot of a page: a short body above a full note area is a full page.)"""
    bottom = _body_bottom(page)
    a = page.area
    if bottom is None:
        return ["the page is empty"]
    notes = [line.rect.y0 for line in page.lines if line.role == "note" and line.rect.y0 > bottom]
    empty = (min(notes, default=a.y1) - bottom) / (a.y1 - a.y0)
    if empty <= SHORT or exception(page, following):
        return []
    share = (bottom - a.y0) / (a.y1 - a.y0)
    return [
        f"the body ends {share:.0%} down the page ({empty:.0%} of it left empty) and the next page goes on"
    ]


def furniture(page: Page) -> list[str]:
    """The running header's and footer's outer items on the text area's edges."""
    a = page.area
    found = []
    for zone, lines in (
        ("header", [x for x in page.lines if x.role == "furniture" and x.rect.y1 < page.height / 2]),
        ("footer", [x for x in page.lines if x.role == "furniture" and x.rect.y0 > page.height / 2]),
    ):
        if not lines:
            found.append(f"no running {zone}")
            continue
        left = round(min(x.rect.x0 for x in lines) - a.x0, 1) + 0.0  # + 0.0: no "-0.0"
        right = round(a.x1 - max(x.rect.x1 for x in lines), 1) + 0.0
        if abs(left) > EDGE_MM or abs(right) > EDGE_MM:
            found.append(
                f"running {zone} not on the text area's edges: {left:+.1f} mm from the left one, "
                f"{right:+.1f} mm from the right one"
            )
    return found


def split_rows(pages: list[Page]) -> list[tuple[int, str]]:
    """Table rows on more than one page; tables that leave one row alone on their first or last page."""
    row_pages: dict[object, list[int]] = defaultdict(list)
    row_text: dict[object, str] = {}
    table_rows: dict[object, dict[int, list[object]]] = defaultdict(lambda: defaultdict(list))
    for page in pages:
        for line in page.lines:
            if line.row is None or line.role == "head-row":
                continue
            if page.number not in row_pages[line.row]:
                row_pages[line.row].append(page.number)
                row_text.setdefault(line.row, line.text)
            if line.table is not None and line.row not in table_rows[line.table][page.number]:
                table_rows[line.table][page.number].append(line.row)
    found = []
    for row, numbers in row_pages.items():
        if len(numbers) > 1:
            found.append(
                (
                    numbers[0],
                    f"table row {_quote(row_text[row])} is split across pages {numbers[0]}–{numbers[-1]}",
                )
            )
    for by_page in table_rows.values():
        numbers = sorted(by_page)
        rows = {r for rs in by_page.values() for r in rs}
        if len(numbers) < 2 or len(rows) < 3:
            continue
        for n, where in ((numbers[0], "at the bottom of"), (numbers[-1], "at the top of")):
            alone = [r for r in by_page[n] if row_pages[r] == [n]]
            if len(by_page[n]) == 1 and alone:
                found.append(
                    (n, f"a table leaves one row alone {where} the page: {_quote(row_text[alone[0]])}")
                )
    return found


# -- WeasyPrint's layout -> the model ------------------------------------------------------
def _is_layout_table(element: Any) -> bool:
    """A table that lays out blocks (the bilingual pairing, a progress bar), not data."""
    return element is not None and element.get("role") == "presentation"


def from_document(document: Any) -> list[Page]:
    """The pages of a rendered WeasyPrint document, as the gate reads them."""
    from weasyprint.formatting_structure import boxes

    pages = []
    for number, page in enumerate(document.pages, 1):
        box = page._page_box
        width, height = box.margin_width() / PX_PER_MM, box.margin_height() / PX_PER_MM
        area = Rect(
            box.content_box_x() / PX_PER_MM,
            box.content_box_y() / PX_PER_MM,
            (box.content_box_x() + box.width) / PX_PER_MM,
            (box.content_box_y() + box.height) / PX_PER_MM,
        )
        out = Page(number, width, height, area)
        _walk(box, _Context(), out.lines, boxes)
        pages.append(out)
    return pages


LAYOUT = "layout"  # ctx.table inside a layout table: its rows are not data rows


@dataclass(frozen=True)
class _Context:
    role: str = "body"
    level: int = 0
    row: object = None
    table: object = None  # the data table's element, LAYOUT, or None
    first_row: object = None  # the first <tr> of the row group being walked
    in_thead: bool = False


def _rect(box: Any) -> Rect:
    return Rect(
        box.position_x / PX_PER_MM,
        box.position_y / PX_PER_MM,
        (box.position_x + box.margin_width()) / PX_PER_MM,
        (box.position_y + box.margin_height()) / PX_PER_MM,
    )


def _walk(box: Any, ctx: _Context, lines: list[Line], boxes: Any) -> None:
    tag = box.element_tag or ""
    element = box.element
    if isinstance(box, boxes.MarginBox):
        ctx = _Context(role="furniture")
    elif isinstance(box, boxes.FootnoteAreaBox):
        ctx = _Context(role="note")
    elif ctx.role in ("body", "head-row") and tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        ctx = replace(ctx, role="heading", level=int(tag[1]))
    if ctx.role != "furniture":
        if isinstance(box, boxes.TableBox):
            ctx = replace(ctx, table=LAYOUT if _is_layout_table(element) else element, row=None)
        elif isinstance(box, boxes.TableRowGroupBox):
            first = next((c for c in element if c.tag == "tr"), None) if element is not None else None
            ctx = replace(ctx, first_row=first, in_thead=tag == "thead")
        elif isinstance(box, boxes.TableRowBox) and ctx.table not in (None, LAYOUT):
            cells = [c for c in element if c.tag in ("td", "th")]
            header = ctx.in_thead or (
                element is ctx.first_row and bool(cells) and all(c.tag == "th" for c in cells)
            )
            ctx = replace(ctx, row=element, role="head-row" if header and ctx.role == "body" else ctx.role)
    if isinstance(box, boxes.LineBox):
        parts = [
            child
            for child in box.descendants()
            if isinstance(child, boxes.TextBox) and child.text.strip() or isinstance(child, boxes.ReplacedBox)
        ]
        if parts:
            rects = [_rect(p) for p in parts]
            text = "".join(p.text for p in parts if isinstance(p, boxes.TextBox))
            lines.append(
                Line(
                    Rect(
                        min(r.x0 for r in rects),
                        min(r.y0 for r in rects),
                        max(r.x1 for r in rects),
                        max(r.y1 for r in rects),
                    ),
                    ctx.role,
                    text,
                    ctx.level,
                    ctx.row,
                    ctx.table if ctx.table is not LAYOUT else None,
                )
            )
        return
    if isinstance(box, boxes.ReplacedBox):
        table = ctx.table if ctx.table is not LAYOUT else None
        lines.append(Line(_rect(box), "figure" if ctx.role == "body" else ctx.role, "", 0, ctx.row, table))
        return
    for child in getattr(box, "children", ()):
        _walk(child, ctx, lines, boxes)
