"""Pre-meeting briefs (issue #5): new-brief scaffold, drafts and --final, what is drawn
from content (and follows it when it changes), page counts, PDF = DOCX."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pypdfium2
import pytest
from docx import Document

from briefing import cli, premeeting
from briefing.briefs import load_brief
from briefing.drafts import draft_fields, in_file
from briefing.validate import load_content

from .conftest import ROOT, docx_xml, normalise, pdftotext, words

EXAMPLE = ROOT / "briefs" / "2025-10-20-eu-central-asia-ministerial.yaml"
NEW = [
    "--meeting",
    "EU–Central Asia ministerial",
    "--date",
    "2025-10-20",
    "--place",
    "Luxembourg",
    "--with",
    "kz",
    "--as-of",
    "2025-10-19",
]
STARTER = "2025-10-20-eu-central-asia-ministerial.yaml"
A4_HEIGHT, TOP, BOTTOM = 842, 48, 43  # points; the running header and footer sit in the margins


@pytest.fixture(scope="module")
def content():
    return load_content(ROOT / "content")


def pages_text(path: Path) -> list[str]:
    pdf = pypdfium2.PdfDocument(path)
    try:
        return [normalise(page.get_textpage().get_text_range()) for page in pdf]
    finally:
        pdf.close()


def new_brief(folder: Path, *extra: str) -> int:
    return cli.main(["new-brief", *NEW, "--dir", str(folder), *extra])


# -- state of play rules ---------------------------------------------------------------
def test_open_items_are_those_involving_the_counterpart_not_closed_and_on_record(content):
    items = premeeting.open_items(content, ["kz"], dt.date(2025, 10, 20))
    ids = [x.item.id for x in items]
    assert "jr-crm-roadmap-kz" in ids and "jr-ct-dialogue" in ids
    assert "jr-corridor-platform" not in ids  # done: launched in 2024
    assert "jr-epca-kz" not in ids  # done
    assert "jr-epca-uz" not in ids  # Kazakhstan is not a party
    assert "ca-community" not in ids  # recorded only on 31 October: not yet on record
    assert all(x.entry.status not in ("done", "dropped") and "kz" in x.item.parties for x in items)
    chosen = premeeting.open_items(
        content, ["kz"], dt.date(2025, 10, 20), only=["jr-epca-kz", "jr-crm-roadmap-kz"]
    )
    assert [x.item.id for x in chosen] == ["jr-epca-kz", "jr-crm-roadmap-kz"]  # as listed, closed ones too


def test_recent_engagements_are_the_last_three_that_had_taken_place(content):
    def ids(when, exclude=None):
        return [e.id for e in premeeting.recent_events(content, ["kz"], when, exclude=exclude)]

    assert ids(dt.date(2025, 10, 20), "luxembourg-meeting-2025") == [
        "samarkand-summit-2025",
        "ashgabat-ministerial-2025",
        "sikela-tour-2025",
    ]
    # Held on the day counts; the day before, not yet.
    assert ids(dt.date(2025, 10, 20))[0] == "luxembourg-meeting-2025"
    assert "luxembourg-meeting-2025" not in ids(dt.date(2025, 10, 19))
    # A span (the tour, 12–18 March 2025) counts once it has ended, placed by its first day.
    assert ids(dt.date(2025, 3, 17)) == ["joint-roadmap-2023", "leaders-meeting-2023", "leaders-meeting-2022"]
    assert ids(dt.date(2025, 3, 25)) == ["sikela-tour-2025", "joint-roadmap-2023", "leaders-meeting-2023"]


def test_draft_fields_are_texts_starting_with_the_prefix_in_either_language():
    data = {
        "a": {"ar": "DRAFT: نص", "en": "done"},
        "b": [{"en": "  DRAFT: x"}, {"en": "not a DRAFT: here"}],
        "n": 3,
    }
    assert list(draft_fields(data)) == [("a", "ar"), ("b", 0, "en")]


# -- new-brief ------------------------------------------------------------------------
def test_help_explains_both_the_build_and_the_new_brief_command():
    main = subprocess.run([sys.executable, "build.py", "--help"], cwd=ROOT, capture_output=True, text=True)
    sub = subprocess.run(
        [sys.executable, "build.py", "new-brief", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert main.returncode == sub.returncode == 0
    assert "new-brief" in main.stdout and "--final" in main.stdout
    for option in ("--meeting", "--date", "--place", "--with", "--event", "--as-of"):
        assert option in sub.stdout
    assert "DRAFT:" in sub.stdout and "--final" in sub.stdout


def test_new_brief_writes_a_valid_starter_prefilled_from_content(tmp_path, capsys):
    assert new_brief(tmp_path) == 0
    path = tmp_path / STARTER
    text = path.read_text(encoding="utf-8")
    assert f"Wrote {path}" in capsys.readouterr().out
    assert "counterparts: [kz]" in text
    assert "event: luxembourg-meeting-2025" in text  # the one event at that place and date
    assert "theirs: [issetov]" in text  # its participant from the counterpart
    assert 'place: {ar: "لوكسمبورغ", en: "Luxembourg"}' in text  # the Arabic from content
    assert "luxembourg-meeting-2025/corridor-capacity" in text
    drafts = in_file(path)
    fields = {d.field for d in drafts}
    assert {
        "objectives[0].text.en",
        "ask.text.ar",
        "lines_to_take[0].text.en",
        "meeting.principal.name.en",
    } <= fields
    lines = text.splitlines()
    for d in drafts:  # each points at its text
        assert lines[d.line - 1][d.col - 1 :].startswith('"DRAFT:'), d
    assert cli.main(["--check", str(path)]) == 0  # a valid brief as it stands


def test_new_brief_never_overwrites(tmp_path, capsys):
    assert new_brief(tmp_path) == 0
    path = tmp_path / STARTER
    path.write_text(path.read_text(encoding="utf-8") + "# my edits\n", encoding="utf-8")
    before = path.read_bytes()
    capsys.readouterr()
    assert new_brief(tmp_path) == 1
    assert "already exists; not overwritten" in capsys.readouterr().err
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [STARTER]  # no temp file left


def test_new_brief_refuses_an_unknown_country_and_writes_nothing(tmp_path, capsys):
    assert cli.main(["new-brief", *NEW[:-4], "--with", "kz,xx", "--dir", str(tmp_path)]) == 1
    assert "--with:1:1: (file): unknown country 'xx'" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_new_brief_usage_errors_exit_2(tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(
            [
                "new-brief",
                "--meeting",
                "x",
                "--date",
                "2025-02-30",
                "--place",
                "y",
                "--with",
                "kz",
                "--dir",
                str(tmp_path),
            ]
        )
    assert exit_info.value.code == 2


# -- drafts: marked on every page, refused by --final ---------------------------------------
def test_a_draft_builds_marked_on_every_page_with_a_warning_and_final_refuses_it(tmp_path, capsys):
    assert new_brief(tmp_path / "briefs") == 0
    path = tmp_path / "briefs" / STARTER
    drafts = [str(d) for d in in_file(path)]
    capsys.readouterr()
    out = tmp_path / "out"
    assert cli.main(["--edition", "en,ar", "--out", str(out), "-j", "2", str(path)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"warning: {path}: {len(drafts)} draft field(s) still to fill")
    assert [line.strip() for line in err[1:]] == drafts
    for lang, word in (("en", "DRAFT"), ("ar", "مسودة")):
        pdf = out / path.stem / f"brief.{lang}.pdf"
        pages = pages_text(pdf)
        assert len(pages) >= 2
        for number in range(1, len(pages) + 1):  # in the running header of each page
            header = pdftotext(
                pdf, "-f", str(number), "-l", str(number), "-x", "0", "-y", "0", "-W", "600", "-H", str(TOP)
            )
            assert word in header, f"{lang} page {number}"
        docx = out / path.stem / f"brief.{lang}.docx"
        headers = "".join(docx_xml(docx, name) for name in _parts(docx, "word/header"))
        assert word in headers
    # --final: the same fields, as errors; nothing written.
    final_out = tmp_path / "final"
    assert cli.main(["--final", "--out", str(final_out), str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[:-1] == drafts and err[-1] == f"build failed: {len(drafts)} problem(s); no output was changed"
    assert not final_out.exists() or not any(final_out.rglob("*.pdf"))


def _parts(docx: Path, prefix: str) -> list[str]:
    import zipfile

    with zipfile.ZipFile(docx) as z:
        return [n for n in z.namelist() if n.startswith(prefix)]


def test_scaffold_edit_build_round_trip(tmp_path, capsys):
    assert new_brief(tmp_path / "briefs") == 0
    path = tmp_path / "briefs" / STARTER
    text = path.read_text(encoding="utf-8")
    filled = re.sub(r'"DRAFT: ([^"]*)"', r'"Filled in: \1"', text)
    filled = filled.replace("ours: [kallas, sikela, stiprais]", "ours: [sikela, stiprais]")
    path.write_text(filled, encoding="utf-8")
    assert in_file(path) == []
    out = tmp_path / "out"
    assert cli.main(["--final", "--edition", "en,ar", "--out", str(out), "-j", "2", str(path)]) == 0
    assert "warning" not in capsys.readouterr().err
    assert sorted(p.name for p in (out / path.stem).iterdir()) == [
        "brief.ar.docx",
        "brief.ar.html",
        "brief.ar.pdf",
        "brief.en.docx",
        "brief.en.html",
        "brief.en.pdf",
    ]
    en = " ".join(pages_text(out / path.stem / "brief.en.pdf"))
    assert "Filled in: what we want out of the meeting" in en
    assert "Arman Issetov" in en and "Jozef Síkela" in en  # attendees from the event
    assert "Republic of Kazakhstan" in en  # the counterpart's profile
    assert "DRAFT" not in en


# -- assembled, not duplicated ----------------------------------------------------------------
def test_a_change_in_content_changes_the_brief_with_no_edit_to_it(tmp_path):
    def build(content: Path, out: Path) -> str:
        assert (
            cli.main(
                [
                    "--content",
                    str(content),
                    "--edition",
                    "en",
                    "--format",
                    "pdf",
                    "--out",
                    str(out),
                    "-j",
                    "1",
                    str(EXAMPLE),
                ]
            )
            == 0
        )
        return " ".join(pages_text(out / EXAMPLE.stem / "brief.en.pdf"))

    brief_before = EXAMPLE.read_bytes()
    before = build(ROOT / "content", tmp_path / "a")
    changed = tmp_path / "content"
    shutil.copytree(ROOT / "content", changed)
    event = changed / "events" / "luxembourg-meeting-2025.yaml"
    event.write_text(
        event.read_text(encoding="utf-8").replace(
            '  - id: corridor-capacity\n    label: {ar: "طاقة الممر الأوسط حاليًا، سنويًا", en: "Middle Corridor capacity now, per year"}\n    value: 6',
            '  - id: corridor-capacity\n    label: {ar: "طاقة الممر الأوسط حاليًا، سنويًا", en: "Middle Corridor capacity now, per year"}\n    value: 7',
            1,
        ),
        encoding="utf-8",
    )
    roadmap = changed / "roadmaps" / "eu-ca-joint-roadmap.yaml"
    text = roadmap.read_text(encoding="utf-8")
    anchor = text.index("  - id: jr-crm-mou-uz")
    done = (
        '      - date: "2025-10-01"\n        status: done\n        note: {ar: "اكتملت.", en: "Completed."}\n'
        "        source: seed-004\n"
    )
    roadmap.write_text(text[:anchor] + done + text[anchor:], encoding="utf-8")
    after = build(changed, tmp_path / "b")
    assert EXAMPLE.read_bytes() == brief_before
    row = "Middle Corridor capacity now, per year {} million tonnes (2025)"
    assert row.format(6) in before and row.format(7) in after and row.format(6) not in after
    item = "EU–Kazakhstan 2025–2026"  # the start of the item's title, printed nowhere else
    assert item in before and item not in after  # now done: no longer an open item


# -- the example, as built -------------------------------------------------------------------
def out_file(built: Path, edition: str, fmt: str) -> Path:
    return built / EXAMPLE.stem / f"brief.{edition}.{fmt}"


def test_the_example_is_two_to_four_pages_per_language(built):
    counts = {e: len(pages_text(out_file(built, e, "pdf"))) for e in ("ar", "en", "ar-en")}
    assert 2 <= counts["ar"] <= 4 and 2 <= counts["en"] <= 4, counts
    assert counts["ar-en"] == counts["ar"] + counts["en"]


def test_the_example_shows_what_content_holds(built):
    en = " ".join(pages_text(out_file(built, "en", "pdf")))
    assert "Arman Issetov" in en and "Kaja Kallas" in en and "Eduards Stiprais" in en
    assert (
        "10–11 million tonnes (2025)" in en and "US$35 billion (2025)" in en and "US$15 billion (2025)" in en
    )
    # The meeting's date, which its sources give too: printed once, with no note on its source's dating.
    assert "20 October 2025" in en and "dates it" not in en
    # Ashgabat: the primary sources' 27 March; the seeds' 20 and 28 March are recorded, never printed.
    assert "27 March 2025" in en and "28 March 2025" not in en and "20 March 2025" not in en
    assert "DRAFT" not in en


def docx_body_words(path: Path) -> Counter:
    """Words of the body, not the running header and footer."""
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    body = Document(path).element.body
    return Counter(
        words(" ".join("".join(t.text or "" for t in p.iter(W + "t")) for p in body.iter(W + "p")))
    )


def pdf_body_words(path: Path) -> Counter:
    """Words of each page between the running header and footer (PDFium, which
    keeps a compound broken at its hyphen as two words, as it is printed)."""
    pdf = pypdfium2.PdfDocument(path)
    try:
        text = [
            page.get_textpage().get_text_bounded(0, BOTTOM, page.get_width(), page.get_height() - TOP)
            for page in pdf
        ]
    finally:
        pdf.close()
    return Counter(words(" ".join(text).replace("-\r\n", " ").replace("-\n", " ")))


def split_numbers(counts: Counter) -> tuple[Counter, Counter]:
    """(words, digits): a citation mark sits against the number before it, on
    either side in Arabic, so numbers are compared digit by digit."""
    digits = Counter()
    for word, n in counts.items():
        if word.isdigit():
            for d in word:
                digits[d] += n
    return Counter({w: n for w, n in counts.items() if not w.isdigit()}), digits


@pytest.mark.parametrize("edition", ["ar", "en", "ar-en"])
def test_pdf_and_docx_say_the_same(built, edition):
    pdf, pdf_digits = split_numbers(pdf_body_words(out_file(built, edition, "pdf")))
    docx, docx_digits = split_numbers(docx_body_words(out_file(built, edition, "docx")))
    assert pdf == docx, f"only in PDF: {dict(pdf - docx)}; only in DOCX: {dict(docx - pdf)}"
    assert not docx_digits - pdf_digits, f"digits missing from the PDF: {dict(docx_digits - pdf_digits)}"
    # The PDF draws the numbers of its two numbered lists (lines to take, sources) as
    # text; Word generates them: those are the only extra digits.
    lines = len(load_brief(EXAMPLE, load_content(ROOT / "content"), ROOT / "templates").lines_to_take)
    doc = Document(out_file(built, edition, "docx"))
    sources = sum(p.style.name == "Sources" for p in doc.paragraphs) // len(doc.sections)
    numbers = Counter("".join(str(i) for n in (lines, sources) for i in range(1, n + 1)) * len(doc.sections))
    assert pdf_digits - docx_digits == numbers
