"""Shared fixtures: a full build of the real content, and ways to read its output."""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest

from briefing import cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"))


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """Every brief, every edition and format, built once into a temp folder."""
    out = tmp_path_factory.mktemp("out")
    assert cli.main(["--out", str(out), "-j", "2"]) == 0
    return out


@pytest.fixture
def minimal(tmp_path) -> Path:
    """A writable copy of the one-country fixture content."""
    dest = tmp_path / "content"
    shutil.copytree(FIXTURES / "minimal", dest)
    return dest


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(BIDI_CONTROLS)
    return re.sub(r"\s+", " ", text).strip()


def pdftotext(path: Path, *crop: str) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (Debian poppler-utils) is not installed: `make test` installs it when run as root")
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", *crop, str(path), "-"], capture_output=True, text=True, check=True)
    return result.stdout


def docx_xml(path: Path, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def words(text: str) -> list[str]:
    return re.findall(r"\w+", normalise(text))
