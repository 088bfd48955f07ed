"""Roadmap tracker (#4): the status rules on small histories, the content's
checks, and the built documents (summary = detail, changes, filter, PDF = DOCX)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import warnings
from collections import Counter
from itertools import pairwise
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from docx import Document

from briefing import cli, kinds, model, render, tracker
from briefing.briefs import load_brief
from briefing.kinds.roadmap_tracker import STATUS_FILL
from briefing.validate import load_content

from .conftest import ROOT, docx_header_rows, docx_xml, less_repeated, normalise, pdftotext, words

BRIEF = ROOT / "briefs" / "roadmap-tracker.yaml"
D = dt.date


def item(history, due=None, parties=("eu", "kz"), id="x-1"):
    data = {
        "id": id,
        "area": "a",
        "title": {"ar": "بند", "en": "item"},
        "parties": list(parties),
        "history": [
            {"date": d, "status": s, "note": {"ar": "ملاحظة", "en": "note"}, "source": "seed-001"}
            for d, s in history
        ],
    }
    if due:
        data.update(due=due, due_source="seed-001")
    return model.ActionItem.model_validate(data)


# -- status at a date ---------------------------------------------------------
def test_an_entry_later_than_as_of_is_not_yet_the_status():
    it = item([("2025-03-20", "planned"), ("2025-04-04", "done")])
    assert tracker.status_at(it, D(2025, 4, 3)) == "planned"
    assert tracker.status_at(it, D(2025, 4, 4)) == "done"
    assert tracker.status_at(it, D(2025, 3, 19)) is None


def test_a_partial_date_counts_from_its_last_day():
    it = item([("2023-02", "in_progress"), ("2024", "done")])
    assert tracker.status_at(it, D(2023, 2, 27)) is None
    assert tracker.status_at(it, D(2023, 2, 28)) == "in_progress"
    assert tracker.status_at(it, D(2024, 12, 30)) == "in_progress"
    assert tracker.status_at(it, D(2024, 12, 31)) == "done"


def test_an_undated_entry_counts_from_the_day_it_was_recorded():
    entry = model.StatusEntry.model_validate(
        {
            "date": "unknown",
            "recorded": "2025-10-31",
            "status": "done",
            "note": {"ar": "م", "en": "n"},
            "source": "seed-002",
        }
    )
    assert entry.effective == D(2025, 10, 31)
    with pytest.raises(ValueError, match="needs `recorded`"):
        model.StatusEntry.model_validate(
            {"date": "unknown", "status": "done", "note": {"ar": "م", "en": "n"}, "source": "s"}
        )


# -- overdue -----------------------------------------------------------------
@pytest.mark.parametrize(
    "due, as_of, status, overdue",
    [
        ("2025-06-30", D(2025, 6, 29), "planned", False),
        ("2025-06-30", D(2025, 6, 30), "planned", False),  # the due day itself: not yet overdue
        ("2025-06-30", D(2025, 7, 1), "planned", True),  # the day after
        ("2025-06-30", D(2025, 7, 1), "in_progress", True),
        ("2025-06-30", D(2025, 7, 1), "stalled", True),
        ("2025-06-30", D(2025, 7, 1), "done", False),
        ("2025-06-30", D(2025, 7, 1), "dropped", False),
        ("2025", D(2025, 12, 31), "planned", False),  # a year is due by its last day
        ("2025", D(2026, 1, 1), "planned", True),
        ("2025-02", D(2025, 2, 28), "planned", False),
        ("2025-02", D(2025, 3, 1), "planned", True),
    ],
)
def test_overdue_starts_the_day_after_the_due_date(due, as_of, status, overdue):
    assert tracker.is_overdue(item([("2025-01-01", status)], due=due), as_of) is overdue


def test_an_item_without_a_due_date_is_never_overdue():
    assert not tracker.is_overdue(item([("2020-01-01", "planned")]), D(2099, 1, 1))


# -- changes -----------------------------------------------------------------
def test_changes_list_exactly_the_items_whose_status_differs():
    items = [
        item([("2025-01-10", "planned"), ("2025-05-01", "done")], id="changed"),
        item([("2025-01-10", "in_progress"), ("2025-05-01", "in_progress")], id="new-entry-same-status"),
        item([("2025-05-01", "planned")], id="new-on-record"),
        item([("2024-01-01", "done")], id="unchanged"),
        item([("2025-12-01", "done")], id="later"),
    ]
    found = {c.item.id: (c.old, c.new) for c in tracker.changes(items, D(2025, 3, 31), D(2025, 10, 31))}
    assert found == {"changed": ("planned", "done"), "new-on-record": (None, "planned")}
    with pytest.raises(ValueError):
        tracker.changes(items, D(2025, 10, 31), D(2025, 3, 31))


@pytest.fixture(scope="module")
def content():
    return load_content(ROOT / "content")


@pytest.mark.parametrize(
    "before, after",
    [
        (D(2024, 1, 1), D(2025, 10, 31)),
        (D(2025, 3, 31), D(2025, 10, 31)),
        (D(2024, 6, 30), D(2024, 12, 31)),
        (D(2025, 4, 3), D(2025, 4, 4)),
    ],
)
def test_changes_over_the_real_content_match_a_status_comparison(content, before, after):
    for roadmap in content.roadmaps.values():
        expected = {
            i.id for i in roadmap.items if tracker.status_at(i, before) != tracker.status_at(i, after)
        }
        assert {c.item.id for c in tracker.changes(roadmap.items, before, after)} == expected


# -- counts and bars -----------------------------------------------------------
def test_counts_cover_every_status_and_only_items_on_record():
    items = [
        item([("2025-01-01", "done")]),
        item([("2025-01-01", "planned")]),
        item([("2026-01-01", "done")]),
    ]
    assert tracker.counts(items, D(2025, 6, 1)) == {
        "planned": 1,
        "in_progress": 0,
        "done": 1,
        "stalled": 0,
        "dropped": 0,
    }


@pytest.mark.parametrize("done, ip, rest", [(1, 1, 1), (7, 5, 4), (0, 0, 3), (2, 0, 0), (1, 5, 2)])
def test_bar_shares_are_whole_per_cent_adding_to_100(done, ip, rest):
    pr = tracker.progress({"done": done, "in_progress": ip, "planned": rest})
    assert pr.done + pr.in_progress + pr.rest == 100 and pr.total == done + ip + rest
    assert abs(pr.done - 100 * done / pr.total) < 1 and abs(pr.in_progress - 100 * ip / pr.total) < 1


def _luminance(hex_colour: str) -> float:
    def lin(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(int(hex_colour[i : i + 2], 16) / 255) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_status_colours_stay_apart_in_greyscale_and_keep_black_text_readable():
    lum = sorted(_luminance(c) for c in STATUS_FILL.values())
    assert all(b - a >= 0.1 for a, b in pairwise(lum)), lum
    assert (lum[0] + 0.05) / 0.05 >= 4.5  # WCAG AA contrast of black text on the darkest fill


# -- content checks ----------------------------------------------------------
@pytest.fixture
def real_content(tmp_path) -> Path:
    dest = tmp_path / "content"
    shutil.copytree(ROOT / "content", dest)
    return dest


def check(content: Path, capsys) -> tuple[int, list[str]]:
    code = cli.main(["--check", "--content", str(content), str(BRIEF)])
    return code, capsys.readouterr().err.splitlines()


def edit(path: Path, old: str, new: str, count: int = 1) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def test_the_real_roadmaps_are_valid(real_content, capsys):
    code, err = check(real_content, capsys)
    assert code == 0, err


def test_an_unknown_country_option_is_a_usage_problem(capsys):
    with pytest.raises(SystemExit) as exit_info:  # argparse's usage error: exit 2, like any bad option
        cli.main(["--check", str(BRIEF), "--country", "xx"])
    assert exit_info.value.code == 2
    assert "unknown country 'xx'" in capsys.readouterr().err


# -- the rendered document -------------------------------------------------------
def html_of(content, edition="en", **changes) -> lxml.html.HtmlElement:
    brief = load_brief(BRIEF, content, ROOT / "templates").model_copy(update=changes)
    env = render.environment(ROOT / "templates")
    labels = render.load_labels(ROOT / "templates")
    kind = kinds.of(brief)
    doc_id = kind.documents(brief, content)[0]
    return lxml.html.document_fromstring(render.render(env, labels, kind, brief, content, doc_id, edition))


def detail_rows(root) -> dict[str, dict]:
    """Item id -> its detail row's status class and whether it is flagged overdue."""
    rows = {}
    for tr in root.xpath('//table[contains(@class, "detail")]//tr[td]'):
        status = tr.xpath('td[contains(@class, "status")]')[0]
        rows[tr[0].text_content().strip()] = {
            "status": status.get("class").split("status-")[1],
            "overdue": "overdue" in (tr.get("class") or ""),
            "area": tr.xpath("preceding::h3[1]")[0].text_content().strip(),
            "text": tr.text_content(),
        }
    return rows


def test_summary_counts_equal_the_items_in_the_detail_tables(content):
    root = html_of(content)
    rows = detail_rows(root)
    statuses = list(model.STATUSES)
    checked = 0
    for table in root.xpath('//table[contains(@class, "summary")][not(contains(@class, "overall"))]'):
        for tr in table.xpath("tr[td]"):
            cells = [td.text_content().strip() for td in tr.xpath("td")]
            area = cells[0]
            counts = dict(zip(statuses, map(int, cells[1:6]), strict=True))
            in_detail = [r for r in rows.values() if r["area"] == area]
            if tr.get("class") == "total":
                continue
            assert sum(counts.values()) == int(cells[6]) == len(in_detail), area
            assert counts == {s: sum(r["status"] == s for r in in_detail) for s in statuses}, area
            checked += 1
    assert checked == sum(len({i.area for i in r.items}) for r in content.roadmaps.values())
    overall = root.xpath('//table[contains(@class, "overall")]//tr[@class="total"]/td')
    assert int(overall[6].text_content()) == len(rows) == sum(len(r.items) for r in content.roadmaps.values())


def test_an_item_is_shown_with_the_status_it_had_on_the_as_of_date(content):
    before = detail_rows(html_of(content, as_of=D(2025, 4, 3), previous_as_of=D(2025, 1, 1)))
    after = detail_rows(html_of(content, as_of=D(2025, 4, 4), previous_as_of=D(2025, 1, 1)))
    assert before["jr-first-summit"]["status"] == "planned"
    assert after["jr-first-summit"]["status"] == "done"
    # Items first recorded at the summit are not yet on record the day before.
    assert "jr-crm-declaration" not in before and after["jr-crm-declaration"]["status"] == "done"


def test_overdue_items_are_flagged_in_words_and_only_they(content):
    # Both items due in 2025 are done (the Uzbek EPCA signed on 24 October, the investors' forum
    # held on 27 November): the open item next due is the raw-materials roadmap, to the end of 2026.
    rows = detail_rows(html_of(content, as_of=D(2027, 1, 1), previous_as_of=D(2026, 10, 31)))
    flagged = {i for i, r in rows.items() if r["overdue"]}
    expected = {
        i.id for r in content.roadmaps.values() for i in r.items if tracker.is_overdue(i, D(2027, 1, 1))
    }
    assert flagged == expected == {"jr-crm-roadmap-kz"}
    assert all("overdue" in rows[i]["text"] for i in flagged)
    assert not any(r["overdue"] for r in detail_rows(html_of(content)).values())  # none on 31 October 2025


def changes_in(root) -> dict[str, tuple[str, str]]:
    out = {}
    for tr in root.xpath('//table[contains(@class, "changes")]//tr[td]'):
        before, now = (
            td.get("class").split("status-")[1] for td in tr.xpath('td[contains(@class, "status")]')
        )
        out[tr[0].text_content().strip()] = (before, now)
    return out


@pytest.mark.parametrize("prev", [D(2024, 6, 30), D(2025, 3, 31), D(2025, 4, 3)])
def test_the_changes_table_lists_every_item_whose_status_differs(content, prev):
    as_of = D(2025, 10, 31)
    shown = changes_in(html_of(content, as_of=as_of, previous_as_of=prev))
    expected = {
        i.id: (tracker.status_at(i, prev) or "none", tracker.status_at(i, as_of))
        for r in content.roadmaps.values()
        for i in r.items
        if tracker.status_at(i, prev) != tracker.status_at(i, as_of)
    }
    assert shown == expected and shown


def test_no_change_since_the_previous_edition_is_said_in_a_sentence(content):
    """After the summit (4 April 2025) the next status on record is the Uzbek EPCA's signature on
    24 October: up to 30 September nothing changed, and the section says so instead of showing an
    empty table."""
    root = html_of(content, as_of=D(2025, 9, 30), previous_as_of=D(2025, 4, 4))
    assert changes_in(root) == {}
    # (normalise: the dates are held together by no-break spaces, briefing/typeset.py)
    assert "No item's status changed between 4 April 2025 and 30 September 2025." in normalise(
        root.text_content()
    )


def test_the_country_filter_keeps_exactly_the_items_of_that_country(content):
    root = html_of(content, country="kg")
    assert set(detail_rows(root)) == {
        i.id for r in content.roadmaps.values() for i in r.items if "kg" in i.parties
    }
    assert set(changes_in(root)) <= set(detail_rows(root))
    assert "Kyrgyzstan" in root.xpath("//h1")[0].text_content()


# -- the built files -----------------------------------------------------------
@pytest.fixture(scope="module")
def built_tracker(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tracker")
    with warnings.catch_warnings():
        # WeasyPrint 70 warns once that it will need HarfBuzz-Subset; that is
        # not about our documents (the run still fails on any other warning).
        warnings.filterwarnings(
            "ignore", message="HarfBuzz-Subset will be required", category=DeprecationWarning
        )
        assert cli.main(["--out", str(out), "-j", "2", str(BRIEF)]) == 0
        assert cli.main(["--out", str(out), "-j", "2", "--country", "kz", "--edition", "en", str(BRIEF)]) == 0
    return out / "roadmap-tracker"


def docx_words(path: Path) -> Counter:
    """Words of the document body (tables included, nested bar tables are empty), not headers or footers."""
    xml = lxml.etree.fromstring(docx_xml(path).encode())
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    paragraphs = ["".join(t.text or "" for t in p.iterfind(".//w:t", ns)) for p in xml.iterfind(".//w:p", ns)]
    return Counter(words(" ".join(paragraphs)))


def pdf_words(path: Path, docx: Path) -> Counter:
    # Landscape A4 is 842 x 595 pt: leave out the running header (above 40 pt)
    # and footer (below 559 pt), which the DOCX holds once, not once a page. The text
    # area ends at the 13 mm bottom margin, 558.4 pt: a page filled to its last line
    # (a source list can be) keeps that line.
    found = Counter(words(pdftotext(path, "-x", "0", "-y", "40", "-W", "842", "-H", "519")))
    # The PDF prints the source lists' numbers; Word numbers each list itself (its own
    # numbering instance, w:numId), wherever it is: the bilingual edition's sit side by side.
    body = Document(str(docx)).element.body
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    lists = Counter(
        p.find(f"{w}pPr/{w}numPr/{w}numId").get(f"{w}val")
        for p in body.iter(f"{w}p")
        if p.find(f"{w}pPr/{w}pStyle") is not None and p.find(f"{w}pPr/{w}pStyle").get(f"{w}val") == "Sources"
    )
    return found - Counter(str(n) for length in lists.values() for n in range(1, length + 1))


def letters(counter: Counter) -> Counter:
    return Counter("".join(counter.elements()))


@pytest.mark.parametrize("name", ["tracker.en", "tracker.ar", "tracker.ar-en", "tracker-kz.en"])
def test_pdf_and_docx_hold_the_same_words(built_tracker, name):
    pdf = pdf_words(built_tracker / f"{name}.pdf", built_tracker / f"{name}.docx")
    docx = docx_words(built_tracker / f"{name}.docx")
    assert sum(docx.values()) > 500
    # Every word of the DOCX is in the PDF, as often; pdftotext may join the
    # words of neighbouring table cells or a word hyphenated at a line end, so
    # the multisets are compared letter by letter, which such joins keep intact.
    rows = [letters(Counter(words(row))) for row in docx_header_rows(built_tracker / f"{name}.docx")]
    pdf_letters = less_repeated(letters(pdf), letters(docx), rows)  # header rows repeated on each page
    assert pdf_letters == letters(docx), (pdf_letters - letters(docx), letters(docx) - pdf_letters)
    joined = "".join(pdf.elements())
    missing = [w for w in docx if w.isalpha() and w not in joined]  # digits may sit next to a note number
    assert not missing, missing


def test_the_country_option_builds_a_filtered_document(built_tracker):
    doc = Document(str(built_tracker / "tracker-kz.en.docx"))
    ids = {
        row.cells[0].text
        for t in doc.tables
        for row in t.rows
        if row.cells[0].text.startswith(("jr-", "ca-"))
    }
    content = load_content(ROOT / "content")
    assert ids == {i.id for r in content.roadmaps.values() for i in r.items if "kz" in i.parties}
    assert not (built_tracker / "tracker-kz.ar.pdf").exists()


def test_bars_are_native_shading_not_pictures(built_tracker):
    """Shaded cells, not a drawing of the bar. The DOCX's pictures are the progress charts, one
    beside each roadmap's summary (graphics.py), and the hatching of "in progress" segments,
    which LibreOffice would otherwise show as a flat colour (hatch.py)."""
    xml = docx_xml(built_tracker / "tracker.ar.docx")
    assert f'w:fill="{STATUS_FILL["done"]}"' in xml and 'w:val="thinDiagStripe"' in xml
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    body = lxml.etree.fromstring(xml.encode())
    cells = [tc for tc in body.iter(f"{w}tc") if tc.find(f"{w}p/{w}r/{w}drawing") is not None]
    charts = [tc for tc in cells if 'name="progress-' in lxml.etree.tostring(tc, encoding="unicode")]
    hatched = [tc for tc in cells if tc not in charts]
    assert len(charts) == 2 and xml.count('name="progress-') == 2
    assert hatched and all(
        tc.find(f"{w}tcPr/{w}shd").get(f"{w}val") == "thinDiagStripe" and tc.find(f".//{w}t") is None
        for tc in hatched
    )
    if shutil.which("pdfimages"):
        listing = subprocess.run(
            ["pdfimages", "-list", str(built_tracker / "tracker.ar.pdf")], capture_output=True, text=True
        ).stdout
        assert len(listing.strip().splitlines()) == 2, listing  # the header lines only: no raster image


def test_arabic_docx_mirrors_tables_and_bars(built_tracker):
    doc = Document(str(built_tracker / "tracker.ar.docx"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    tables = doc.element.body.iter(f"{w}tbl")
    bidi = [t.find(f"{w}tblPr/{w}bidiVisual") is not None for t in tables]
    assert len(bidi) > 10 and all(bidi)
    section = doc.sections[0]
    assert section.page_width > section.page_height  # landscape
    assert section._sectPr.find(f"{w}bidi") is not None


def test_arabic_pdf_text_is_in_reading_order(built_tracker):
    text = pdftotext(built_tracker / "tracker.ar.pdf")
    assert "خارطة الطريق المشتركة بين الاتحاد الأوروبي وآسيا الوسطى لتعميق العلاقات" in " ".join(text.split())
    assert "jr-first-summit" in text
