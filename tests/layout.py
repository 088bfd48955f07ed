"""Reading a PDF page as a reader sees it: lines in visual order, and LibreOffice to lay out a DOCX."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

MARKS = re.compile(r"[\u064B-\u065F\u0670]")
ARABIC = re.compile(r"[\u0621-\u064A]")


def visual_lines(path: Path, page: int = 0) -> list[dict]:
    """The page's lines, top to bottom, each as the characters drawn left to right.

    Characters are grouped by baseline (so a Latin word and an Arabic one on one
    line stay together whatever their fonts' heights); a gap wider than 1 pt is
    a space. Vowel marks are left out (they are drawn over their letter). A glyph
    that stands for several characters (the lam-alef ligature) is stored in
    logical order, so it is reversed here like the rest of the Arabic (a Latin
    ligature such as "fi" is not).
    Each line: {"y": baseline, "x0", "x1", "text"}.
    """
    with pdfplumber.open(path) as pdf:
        # A zero-width glyph is not text: LibreOffice draws a word joiner (U+2060, briefing/typeset.py)
        # with one and names it "J" in its text layer. An Arabic letter is: the alef of a lam-alef
        # ligature comes out as a zero-width character at the lam's place.
        chars = [
            c
            for c in pdf.pages[page].chars
            if c["text"].strip()
            and not MARKS.fullmatch(c["text"])
            and (c["x1"] - c["x0"] > 0.01 or ARABIC.search(c["text"]))
        ]
    rows: list[list[dict]] = []
    for c in sorted(chars, key=lambda c: (-c["matrix"][5], c["x0"])):
        base = c["matrix"][5]
        if rows and abs(rows[-1][0]["matrix"][5] - base) <= 2.0:
            rows[-1].append(c)
        else:
            rows.append([c])
    lines = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        text, prev = "", None
        for c in row:
            if prev is not None and c["x0"] - prev > 1.0:
                text += " "
            text += c["text"][::-1] if len(c["text"]) > 1 and ARABIC.search(c["text"]) else c["text"]
            prev = max(prev or 0, c["x1"])
        lines.append(
            {
                "y": row[0]["matrix"][5],
                "x0": min(c["x0"] for c in row),
                "x1": max(c["x1"] for c in row),
                "text": text,
                "arabic": len(ARABIC.findall(text)) > len(re.findall(r"[A-Za-z]", text)),
            }
        )
    return lines


def page_count(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def soffice() -> str:
    """The LibreOffice binary, or skip with the one-line reason."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.skip(
            "LibreOffice is not installed (WITH_LIBREOFFICE=1 scripts/ensure-tools installs libreoffice-writer-nogui)"
        )
    return found


def to_pdf(docx: list[Path], outdir: Path, env: dict | None = None) -> dict[Path, Path]:
    """Convert DOCX files to tagged PDF (headings, tables and notes marked, for the
    page-quality gate) in one LibreOffice run, with a private profile (so parallel
    runs do not share one); returns {docx: pdf}."""
    binary = soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / ".lo-profile"
    # Same-named files from different folders would overwrite each other: one run per folder name clash.
    result = {}
    groups: dict[str, list[Path]] = {}
    for d in docx:
        groups.setdefault(d.name, []).append(d)
    batches: list[list[Path]] = []
    while groups:
        batch = [paths.pop() for paths in groups.values()]
        groups = {k: v for k, v in groups.items() if v}
        batches.append(batch)
    for i, batch in enumerate(batches):
        target = outdir / str(i)
        subprocess.run(
            [
                binary,
                f"-env:UserInstallation={profile.resolve().as_uri()}",
                "--headless",
                "--convert-to",
                TAGGED,
                "--outdir",
                str(target),
                *map(str, batch),
            ],
            check=True,
            capture_output=True,
            timeout=600,
            env={**os.environ, **(env or {})},
        )
        for d in batch:
            pdf = target / (d.stem + ".pdf")
            assert pdf.exists(), f"LibreOffice did not convert {d}"
            result[d] = pdf
    return result


# A note marker is set smaller than any text: 6.5 pt in our PDF (sup.cite, ::footnote-call), and a
# word processor's superscript of 8-9.5 pt text; the smallest text is 7 pt.
MARKER_SIZE = 6.9
_MARKER_TEXT = re.compile(r"[0-9\u0660-\u0669,\u060c]")
_TOUCHY = re.compile(r"[0-9A-Za-z\u00C0-\u024F\u0660-\u0669]")


def markers_touching(path: Path, gap: float = 0.8) -> list[str]:
    """Note markers that touch a digit or a Latin letter on either side, in every page of a PDF:
    one line each, "page N: '79' then '¹'", with the neighbour and the marker as drawn.

    A marker is a run of small digits (and the separators of merged ones) on one line; its
    neighbours are the nearest other characters whose height overlaps it. Touching: less than
    `gap` points apart (a narrow no-break space is about 1.5 pt at 8 pt).
    """
    found = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            chars = [c for c in page.chars if c["text"].strip()]
            small = sorted(
                (c for c in chars if c["size"] < MARKER_SIZE and _MARKER_TEXT.fullmatch(c["text"])),
                key=lambda c: (round(c["top"]), c["x0"]),
            )
            groups: list[list[dict]] = []
            for c in small:
                if (
                    groups
                    and abs(groups[-1][-1]["top"] - c["top"]) < 1
                    and c["x0"] - groups[-1][-1]["x1"] < 2.5
                ):
                    groups[-1].append(c)
                else:
                    groups.append([c])
            others = [c for c in chars if c["size"] >= MARKER_SIZE]
            for g in groups:
                x0, x1 = min(c["x0"] for c in g), max(c["x1"] for c in g)
                top, bottom = min(c["top"] for c in g), max(c["bottom"] for c in g)
                line = [c for c in others if c["top"] < bottom and c["bottom"] > top]
                left = max((c for c in line if c["x1"] <= x0 + 0.3), key=lambda c: c["x1"], default=None)
                right = min((c for c in line if c["x0"] >= x1 - 0.3), key=lambda c: c["x0"], default=None)
                mark = "".join(c["text"] for c in g)
                for side, c in (("before", left), ("after", right)):
                    near = c is not None and (x0 - c["x1"] if side == "before" else c["x0"] - x1) < gap
                    if near and _TOUCHY.match(c["text"][-1] if side == "before" else c["text"][0]):
                        found.append(f"{path.name} page {number}: {c['text']!r} {side} marker {mark!r}")
    return found


# -- a word processor's pages, for the page-quality gate (briefing/pagecheck.py) -------------
TAGGED = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'
PT_TO_MM = 25.4 / 72
_HEADING = re.compile(r"/H([1-6])$")


def _struct_chains(reader) -> dict[tuple[int, int], tuple]:
    """(page index, MCID) -> the chain of structure elements above that content,
    innermost first, each (standard type, object number); from the tagged PDF's
    ParentTree, with the document's RoleMap applied (LibreOffice names its own
    types after paragraph styles)."""
    root = reader.trailer["/Root"].get("/StructTreeRoot")
    if root is None:
        raise ValueError("not a tagged PDF")
    root = root.get_object()
    role_map = {str(k): str(v) for k, v in (root.get("/RoleMap") or {}).items()}

    def nums(node) -> dict:
        node = node.get_object()
        found = {}
        if "/Nums" in node:
            a = node["/Nums"]
            found.update({int(a[i]): a[i + 1] for i in range(0, len(a), 2)})
        for kid in node.get("/Kids", []):
            found.update(nums(kid))
        return found

    parents = nums(root["/ParentTree"])
    chains: dict[int, tuple] = {}

    def chain(ref) -> tuple:
        key = getattr(ref, "idnum", None)
        if key in chains:
            return chains[key]
        obj = ref.get_object()
        kind = obj.get("/S")
        if kind is None:
            result: tuple = ()
        else:
            kind = role_map.get(str(kind), str(kind))
            parent = obj.raw_get("/P") if "/P" in obj else None
            result = ((kind, key),) + (chain(parent) if parent is not None else ())
        if key is not None:
            chains[key] = result
        return result

    found = {}
    for index, page in enumerate(reader.pages):
        number = page.get("/StructParents")
        if number is None or int(number) not in parents:
            continue
        for mcid, ref in enumerate(parents[int(number)].get_object()):
            if ref is not None and hasattr(ref, "get_object"):
                found[(index, mcid)] = chain(ref)
    return found


def _layout_rows(chains: dict) -> set:
    """Rows of a layout table (the bilingual pairing): rows whose cells hold headings,
    lists, a table with text, or three paragraphs or more, and every other row of their
    table (a bilingual timeline's one-paragraph rows are layout too: the table's first
    row holds its heading). (A progress bar is a table without text in a data row's cell.)"""
    paragraphs: dict[object, set] = {}
    layout = set()
    table_of: dict[object, object] = {}
    for chain in chains.values():
        rows = [i for i, (kind, _) in enumerate(chain) if kind == "/TR"]
        if not rows:
            continue
        for i in rows:
            table_of[chain[i][1]] = next((key for kind, key in chain[i:] if kind == "/Table"), None)
        inner = rows[0]
        for outer in rows[1:]:  # text in a nested table: the outer rows are layout
            layout.add(chain[outer][1])
        between = chain[:inner]
        if any(_HEADING.match(k) or k in ("/L", "/LI") for k, _ in between):
            layout.add(chain[inner][1])
        block = next((key for kind, key in between if kind in ("/P",) or _HEADING.match(kind)), None)
        cell = next((key for kind, key in between if kind in ("/TD", "/TH")), None)
        if block is not None and cell is not None:
            paragraphs.setdefault((chain[inner][1], cell), set()).add(block)
    layout |= {row for (row, _), blocks in paragraphs.items() if len(blocks) >= 3}
    tables = {table_of.get(row) for row in layout} - {None}
    return layout | {row for row, table in table_of.items() if table in tables}


def gate_pages(path: Path) -> list:
    """The pages of a tagged PDF (LibreOffice's export of a DOCX) in the model of
    briefing/pagecheck.py: one Line per line of text, its role from the structure
    tree (H1–H6 headings, Note footnotes, TR rows and their Table), running
    header and footer from the untagged artifacts above and below the text area."""
    from pypdf import PdfReader

    from briefing import pagecheck

    reader = PdfReader(path)
    chains = _struct_chains(reader)
    layout = _layout_rows(chains)
    pages = []
    with pdfplumber.open(path) as pdf:
        for index, plumber_page in enumerate(pdf.pages):
            width, height = float(plumber_page.width) * PT_TO_MM, float(plumber_page.height) * PT_TO_MM
            area = pagecheck.area_for(width, height)
            groups: dict[tuple, list[dict]] = {}
            for c in plumber_page.chars:
                if not c["text"].strip():
                    continue
                chain = chains.get((index, c.get("mcid")), ()) if c.get("mcid") is not None else ()
                block = next((key for kind, key in chain if kind not in ("/Span", "/Link")), None)
                key = (block, round(c["bottom"] / 3))
                groups.setdefault(key, []).append({**c, "chain": chain})
            page = pagecheck.Page(index + 1, width, height, area)
            for chars in groups.values():
                chain = chars[0]["chain"]
                rect = pagecheck.Rect(
                    min(c["x0"] for c in chars) * PT_TO_MM,
                    min(c["top"] for c in chars) * PT_TO_MM,
                    max(c["x1"] for c in chars) * PT_TO_MM,
                    max(c["bottom"] for c in chars) * PT_TO_MM,
                )
                text, prev = "", None
                for c in sorted(chars, key=lambda c: c["x0"]):
                    text += (" " if prev is not None and c["x0"] - prev > 1.0 else "") + c["text"]
                    prev = c["x1"]
                kinds = [kind for kind, _ in chain]
                heading = next((int(m.group(1)) for k in kinds if (m := _HEADING.match(k))), 0)
                row = next((key for kind, key in chain if kind == "/TR"), None)
                table = next((key for kind, key in chain if kind == "/Table"), None)
                if row in layout:
                    row = table = None
                if not chain:  # untagged: the running header and footer, or an artifact in the body
                    outside_body = rect.y1 <= area.y0 + 1 or rect.y0 >= area.y1 - 1
                    role = "furniture" if outside_body else "artifact"
                elif "/Note" in kinds or "/Footnote" in kinds:
                    role = "note"
                elif heading:
                    role = "heading"
                elif (
                    row is not None
                    and all("Bold" in c["fontname"] for c in chars)
                    and _first_row(chains, row, table)
                ):
                    role = "head-row"
                else:
                    role = "body"
                page.lines.append(pagecheck.Line(rect, role, text, heading, row, table))
            for image in plumber_page.images:
                rect = pagecheck.Rect(
                    image["x0"] * PT_TO_MM,
                    image["top"] * PT_TO_MM,
                    image["x1"] * PT_TO_MM,
                    image["bottom"] * PT_TO_MM,
                )
                page.lines.append(pagecheck.Line(rect, "figure"))
            pages.append(page)
    return pages


def _first_row(chains: dict, row, table) -> bool:
    """Whether `row` is the first row of `table` in reading order (a header row)."""
    firsts = _first_row.__dict__.setdefault("cache", {})
    key = (id(chains), table)
    if key not in firsts:
        order = [c for c in chains.values() if any(k == table for _, k in c)]
        firsts[key] = next((k for c in order for kind, k in c if kind == "/TR"), None)
    return firsts[key] == row
