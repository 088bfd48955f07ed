"""Shared fixtures: a full build of the real content, and ways to read its output."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
import unicodedata
import zipfile
from pathlib import Path

import pypdfium2
import pytest

from briefing import cli, outputs

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c")
)
# What the DOCX writes in a span kept on one line (typeset.py): a word joiner reads as nothing,
# a no-break hyphen as "-" (a no-break space is a space after NFKC).
JOINS = {0x2060: None, 0x2011: "-"}


# -- no process left behind ----------------------------------------------------------
# Every process a test starts carries this mark in its environment (subprocesses inherit
# os.environ); build workers forked by this process are its children. When the session
# ends none may be left: they are listed, ended, and the run fails.
SESSION_MARK = "BRIEFING_TEST_SESSION"


def pytest_configure():
    os.environ[SESSION_MARK] = f"{os.getpid()}.{time.time_ns()}"


def _left_behind() -> dict[int, str]:
    mark = f"{SESSION_MARK}={os.environ.get(SESSION_MARK)}".encode()
    mine = {
        int(c) for task in Path("/proc/self/task").glob("*") for c in (task / "children").read_text().split()
    }
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            if state != "Z" and (
                int(proc.name) in mine or mark in (proc / "environ").read_bytes().split(b"\0")
            ):
                found[int(proc.name)] = (
                    (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                )
        except (OSError, IndexError):
            continue  # ended meanwhile, or not ours to read
    return found


def pytest_sessionfinish(session):
    if not Path("/proc/self/task").is_dir():
        return
    deadline = time.monotonic() + 10  # a process in its last moments
    while (left := _left_behind()) and time.monotonic() < deadline:
        time.sleep(0.2)
    if not left:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    for pid, cmdline in left.items():
        if reporter:
            reporter.write_line(f"process left behind by the tests: {pid} {cmdline[:200]}", red=True)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def build_result(tmp_path_factory):
    """Every brief, every edition and format, built once into a temp folder: (folder, outputs.Result)."""
    out = tmp_path_factory.mktemp("out")
    # --final: every shipped brief is final
    result = outputs.run(cli.parse_args(["--final", "--out", str(out), "-j", "2"]), log=lambda _: None)
    return out, result


@pytest.fixture(scope="session")
def built(build_result) -> Path:
    """The folder of the full build."""
    return build_result[0]


@pytest.fixture(scope="session")
def converted(built, tmp_path_factory) -> dict[Path, Path]:
    """{our PDF: LibreOffice's tagged PDF of the same document's DOCX}, for every document edition
    (skips where LibreOffice is not installed)."""
    from .layout import to_pdf

    docx = sorted(built.rglob("*.docx"))
    assert docx
    pdfs = to_pdf(docx, tmp_path_factory.mktemp("lo"))
    return {d.with_suffix(".pdf"): pdf for d, pdf in pdfs.items()}


@pytest.fixture
def minimal(tmp_path) -> Path:
    """A writable copy of the one-country fixture content."""
    dest = tmp_path / "content"
    shutil.copytree(FIXTURES / "minimal", dest)
    return dest


FILLED = {  # the fixture's fields with no value, filled or left out (a line each, so line numbers hold)
    "capital: unknown": "capital: {value: {ar: أستانا, en: Astana}, source: seed-001}",
    "foreign_minister: unknown": "",
    "population: {value: unknown, unit: people}": "",
    "gdp: {value: unknown, unit: USD}": "",
}


@pytest.fixture
def complete(minimal) -> Path:
    """The fixture content with no field left without a value: what `--final` accepts, for tests
    of other refusals that --final would otherwise hide behind the empty fields."""
    kz = minimal / "countries" / "kz.yaml"
    text = kz.read_text(encoding="utf-8")
    for old, new in FILLED.items():
        assert old in text, old
        text = text.replace(old, new)
    kz.write_text(text, encoding="utf-8")
    return minimal


def normalise(text: str) -> str:
    """NFKC, no bidi controls or no-break joins (word joiners, a note marker's glue too), single spaces."""
    text = unicodedata.normalize("NFKC", text.translate(JOINS)).translate(BIDI_CONTROLS)
    return re.sub(r"\s+", " ", text).strip()


def arabic_letters(text: str) -> str:
    """Arabic letters only, in order, without vowel marks or spaces.

    Text extractors place some vowel marks (shadda, tanween) away from their
    letter, sometimes with a space (pdftotext: "خل ًافا" for "خلافًا"); the
    letters themselves keep their logical order, which is what this compares.
    """
    return "".join(re.findall(r"[\u0621-\u064A\u0671-\u06D3]", normalise(text)))


def pdftotext(path: Path, *options: str) -> str:
    """poppler's text extraction (it can crop a region); skips where it is not installed."""
    if not shutil.which("pdftotext"):
        pytest.skip(
            "pdftotext (Debian poppler-utils) is not installed: `make test` installs it when run as root"
        )
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *options, str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def pdf_text(path: Path) -> str:
    """The PDF's text layer as PDFium (the engine of Chrome's viewer) extracts it."""
    pdf = pypdfium2.PdfDocument(path)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def docx_xml(path: Path, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def words(text: str) -> list[str]:
    """What two renderings of one text must share: its Latin words and its numbers
    (split at script changes, where extraction may drop a space), and its Arabic
    letters one by one (see arabic_letters)."""
    text = normalise(text)
    return re.findall(r"[^\W\d_\u0600-\u06FF]+|\d+", text) + list(arabic_letters(text))


def docx_header_rows(path: Path) -> list[str]:
    """The text of each table header row (w:tblHeader) of a DOCX: a PDF repeats it on every page
    its table runs onto, and LibreOffice does on the pages of its own layout."""
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    body = etree.fromstring(docx_xml(path).encode())
    return [
        " ".join("".join(t.text or "" for t in par.iter(w + "t")) for par in tr.iter(w + "p"))
        for tr in body.iter(w + "tr")
        if tr.find(f"{w}trPr/{w}tblHeader") is not None
    ]


URL = re.compile(r"https?://[^\s<>\"\u200e\u200f\u2060\u2066-\u2069]+")


def in_urls(word: str, urls: list[str]) -> bool:
    """Whether a word pdftotext made is a piece of one of the URLs: a PDF breaks a long URL
    anywhere, even across a page or, in Arabic, around the rest of its line."""
    letters = re.sub(r"[^a-z0-9]", "", word.lower())
    return bool(letters) and any(letters in re.sub(r"[^a-z0-9]", "", u.lower()) for u in urls)


def less_repeated(counts, reference, rows):
    """`counts` without the copies of whole header rows (each a Counter) it has beyond `reference`."""
    from collections import Counter

    counts, rows = Counter(counts), list(rows)
    for row in rows:
        while row and not row - (counts - reference):
            counts -= row
    # What is left over may be parts of header rows (a cell's text split differently by the
    # extractor): it is discounted only if all of it is header text.
    extra = counts - reference
    if extra and not extra - sum(rows, Counter()):
        counts -= extra
    return counts
