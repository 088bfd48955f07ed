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
