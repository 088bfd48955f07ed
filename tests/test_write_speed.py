"""What a writer keeps or no longer does twice to write faster, and that it changes no byte: SVG
paths kept across writes (write_pdf._kept_svg_path) draw exactly what WeasyPrint draws; each
page is laid out once (write_pdf._RunningPages), each stream deflated once (_stream_data) and
each image parsed once per worker (_KeptImages), with the same bytes; a DOCX is made of the parts
python-docx would save, its runs' text as python-docx makes it; a watch worker's warm-up draws
the graphics last drawn, and watch waits for it; what a process has loaded is left out of the
collector's full passes."""

from __future__ import annotations

import datetime as dt

import weasyprint.images
import weasyprint.svg

from briefing import write_pdf

from .conftest import ROOT
from .test_font_subsets import _html

META = {"title": "t", "authors": ["a"], "lang": "ar", "as_of": "2025-10-31", "generator": "test"}


def _write(html: str, target) -> bytes:
    write_pdf.PdfWriter().write(html, target, base_url=ROOT / "templates", metadata=META)
    return target.read_bytes()


def test_kept_paths_draw_the_same_bytes_as_weasyprint(tmp_path, monkeypatch):
    html = _html("kz", "ar-en")  # two locator maps: outlines, and labels' glyphs through <use>
    assert html.count("data:image/svg+xml") == 2
    monkeypatch.setattr(write_pdf, "_svg_paths", {})
    first = _write(html, tmp_path / "first.pdf")
    kept = dict(write_pdf._svg_paths)
    assert len(kept) > 50  # each distinct outline and glyph of both maps
    second = _write(html, tmp_path / "second.pdf")
    assert write_pdf._svg_paths == kept  # all drawn from what was kept: nothing parsed again
    monkeypatch.setitem(weasyprint.svg.TAGS, "path", write_pdf._draw_svg_path)
    plain = _write(html, tmp_path / "plain.pdf")
    assert first == second == plain


def test_each_page_is_laid_out_once_and_the_bytes_are_weasyprints(tmp_path, monkeypatch):
    """The bilingual one-pager's second page holds its own running header and footer, which
    WeasyPrint took as a reason to lay that page out a second time (write_pdf._RunningPages)."""
    import weasyprint.layout.page

    made = []
    make_page = weasyprint.layout.page.make_page

    def counted(context, root_box, page_type, resume_at, page_number, *rest):
        made.append(page_number)
        return make_page(context, root_box, page_type, resume_at, page_number, *rest)

    monkeypatch.setattr(weasyprint.layout.page, "make_page", counted)
    html = _html("kz", "ar-en")
    once = _write(html, tmp_path / "once.pdf")
    assert made == [1, 2]
    made.clear()
    monkeypatch.setattr(weasyprint.layout.LayoutContext, "__init__", write_pdf._original_layout_context_init)
    twice = _write(html, tmp_path / "twice.pdf")
    assert made == [1, 2, 2]  # WeasyPrint's own: page 2 again
    assert once == twice


def test_each_stream_is_deflated_once_and_the_bytes_are_pydyfs(tmp_path, monkeypatch):
    """pydyf serialises every object again for the trailer's /ID (write_pdf._stream_data)."""
    import zlib

    import pydyf

    deflated = []
    compressobj = zlib.compressobj

    def counted(*args, **kwargs):
        deflated.append(1)
        return compressobj(*args, **kwargs)

    monkeypatch.setattr(zlib, "compressobj", counted)
    html = _html("kz", "en")
    once = _write(html, tmp_path / "once.pdf")
    n = len(deflated)
    deflated.clear()
    monkeypatch.setattr(pydyf.Stream, "data", write_pdf._original_stream_data)
    twice = _write(html, tmp_path / "twice.pdf")
    # pydyf's own: every stream twice, but the object stream it makes while writing
    assert n > 5 and len(deflated) == 2 * n - 1
    assert once == twice
    assert write_pdf._stream_bytes is None  # nothing kept once the file is written


def test_a_writer_keeps_its_maps_parsed_and_the_bytes_are_the_same(tmp_path):
    html = _html("kz", "ar-en")
    writer = write_pdf.PdfWriter()
    first = tmp_path / "first.pdf"
    writer.write(html, first, base_url=ROOT / "templates", metadata=META)
    kept = dict(writer.images)
    assert sum(key.startswith("data:image/svg+xml") for key in kept) == 2  # the two locator maps
    second = tmp_path / "second.pdf"
    writer.write(html, second, base_url=ROOT / "templates", metadata=META)
    assert all(writer.images[key] is image for key, image in kept.items())  # not parsed again
    maps = [image for image in kept.values() if isinstance(image, weasyprint.images.SVGImage)]
    assert maps and all(image._svg.stream is None for image in maps)  # not the page last drawn on
    assert first.read_bytes() == second.read_bytes() == _write(html, tmp_path / "fresh.pdf")


def test_a_writer_refuses_a_url_again_on_every_write(tmp_path):
    """What failed is not kept: the next build must refuse it again, and say so; nor a file,
    which may change while watch runs."""
    page = '<html><body><img src="{}" alt="x"></body></html>'
    writer = write_pdf.PdfWriter()
    for _ in range(2):
        writer.write(
            page.format("file:///etc/hostname"),
            tmp_path / "x.pdf",
            base_url=ROOT / "templates",
            metadata=META,
        )
        assert [url for url, _ in writer.refused] == ["file:///etc/hostname"]
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    logo = (tmp_path / "logo.svg").resolve().as_uri()
    writer.write(page.format(logo), tmp_path / "y.pdf", base_url=tmp_path, metadata=META)
    assert writer.refused == [] and logo not in writer.images
    assert not [key for key in writer.images if key.startswith(("file:", "/"))]


def test_a_full_memo_still_draws_every_path(tmp_path, monkeypatch):
    monkeypatch.setattr(write_pdf, "_svg_paths", {})
    monkeypatch.setattr(write_pdf, "SVG_PATHS_KEPT", 0)
    html = _html("kz", "en")
    drawn = _write(html, tmp_path / "capped.pdf")
    assert write_pdf._svg_paths == {}
    monkeypatch.setitem(weasyprint.svg.TAGS, "path", write_pdf._draw_svg_path)
    assert drawn == _write(html, tmp_path / "plain.pdf")


def test_a_watch_workers_warm_up_draws_the_graphics_last_drawn(tmp_path, monkeypatch):
    """So the first edit of a watch session draws its maps as fast as the later ones."""
    import re

    from briefing import files, graphics, outputs

    from .test_graphics import locator

    drawn = graphics.locator_map(locator())
    folder = tmp_path / files.CACHE / "graphics"
    folder.mkdir(parents=True)
    (folder / "map.svg").write_bytes(drawn.svg)
    monkeypatch.setattr(write_pdf, "_svg_paths", {})
    monkeypatch.setattr(outputs, "_pdf_writer", None)
    outputs.warm_writers({"pdf"}, tmp_path, layout=True)
    kept = {d for d, *_ in write_pdf._svg_paths}
    outlines = re.findall(r' d="([^"]*)"', drawn.svg.decode())
    assert outlines and all(" ".join(d.split()) in {" ".join(k.split()) for k in kept} for d in outlines)
    assert drawn.data_url() in outputs._pdf_writer.images  # parsed, under the URL the documents use
    assert not list((tmp_path / files.CACHE).glob("*.pdf*"))  # its page is not left behind


def test_what_a_process_has_loaded_is_frozen_once():
    """Out of the collector's full passes: what is loaded before the first write; a watch
    session's later content is collected as usual (a second call freezes nothing more)."""
    import subprocess
    import sys

    code = (
        "import gc; from briefing import outputs; outputs.freeze_what_is_loaded(); n = gc.get_freeze_count();"
        " later = [[i] for i in range(10000)]; outputs.freeze_what_is_loaded(); print(n, gc.get_freeze_count())"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    first, second = map(int, done.stdout.split())
    assert first > 1000 and second == first


def _warm_slowly(folder):
    import os
    import time

    try:  # the first worker to start takes its time
        os.close(os.open(folder / "slow", os.O_CREAT | os.O_EXCL))
        time.sleep(1.0)
    except FileExistsError:
        pass
    (folder / f"ready-{os.getpid()}").touch()


def test_watch_says_watching_only_once_every_worker_has_warmed_up(tmp_path):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from briefing import outputs

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(2, mp_context=context, initializer=_warm_slowly, initargs=(tmp_path,)) as pool:
        outputs.wait_until_warm(pool, 2)
        assert len(list(tmp_path.glob("ready-*"))) == 2


def test_a_docx_is_made_of_the_parts_python_docx_would_save():
    """write_docx._package_parts: what Document.save puts in its ZIP, without the ZIP."""
    import io
    import zipfile

    from briefing import write_docx

    doc = write_docx.build(_html("kz", "ar-en"), {**META, "as_of": dt.date(2025, 10, 31)})
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as saved:
        assert write_docx._package_parts(doc) == {name: saved.read(name) for name in saved.namelist()}


def test_a_runs_text_is_what_python_docx_would_make():
    """write_docx._set_text: one w:t (spaces kept where they lead or trail); tabs and breaks
    as python-docx makes them."""
    from docx.oxml import OxmlElement
    from lxml import etree

    from briefing import write_docx

    for text in ("plain", " leading", "trailing ", "a\ttab", "two\nlines", "قمة سمرقند"):
        ours, theirs = OxmlElement("w:r"), OxmlElement("w:r")
        write_docx._set_text(ours, text)
        theirs.text = text
        assert etree.tostring(ours) == etree.tostring(theirs), text
