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
        chars = [c for c in pdf.pages[page].chars if c["text"].strip() and not MARKS.fullmatch(c["text"])]
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
    """Convert DOCX files to PDF in one LibreOffice run, with a private profile
    (so parallel runs do not share one); returns {docx: pdf}."""
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
                "pdf",
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
