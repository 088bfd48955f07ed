"""Font subsets (cached, possibly by HarfBuzz-Subset) keep Arabic shaping: the page looks
the same as with the whole fonts embedded, the files stay small, and a cached subset is
the same as a fresh one."""

from __future__ import annotations

import argparse
import io

import pypdf
import pypdfium2
import pytest

from briefing import cli
from briefing.plan import plan

from .conftest import ROOT, arabic_letters, pdf_text


def _html(doc_id: str, edition: str) -> str:
    args = cli.parse_args(
        [
            "--only",
            doc_id,
            "--edition",
            edition,
            "--format",
            "pdf",
            str(ROOT / "briefs" / "country-profiles.yaml"),
        ]
    )
    (job,) = plan(args)
    return job.html


def _pixels(path) -> list[bytes]:
    pdf = pypdfium2.PdfDocument(path)
    try:
        return [page.render(scale=100 / 72).to_pil().convert("L").tobytes() for page in pdf]
    finally:
        pdf.close()


def _embedded_fonts(path) -> dict[str, bytes]:
    fonts = {}
    for page in pypdf.PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"]).replace("-", "")] = descriptor["/FontFile2"].get_object().get_data()
    return fonts


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """kz's bilingual profile written three ways: our writer with an empty subset cache,
    again from the cache (another writer, same folder), and WeasyPrint with whole fonts."""
    import weasyprint

    from briefing import write_pdf

    tmp = tmp_path_factory.mktemp("subsets")
    html = _html("kz", "ar-en")
    meta = {"title": "t", "authors": ["a"], "lang": "ar", "as_of": "2025-10-31", "generator": "test"}
    cache = tmp / "cache"
    write_pdf._subset_memory.clear()  # subsets made by other tests' builds in this process
    write_pdf.PdfWriter(cache=cache).write(
        html, tmp / "fresh.pdf", base_url=ROOT / "templates", metadata=meta
    )
    cached_files = sorted(cache.iterdir())
    write_pdf._subset_memory.clear()
    hits = write_pdf.subset_stats["hits"]
    write_pdf.PdfWriter(cache=cache).write(
        html, tmp / "cached.pdf", base_url=ROOT / "templates", metadata=meta
    )
    from_cache = write_pdf.subset_stats["hits"] - hits
    document = weasyprint.HTML(
        string=html, base_url=str(ROOT / "templates") + "/", url_fetcher=write_pdf.ProjectFetcher()
    ).render()
    document.write_pdf(tmp / "full.pdf", full_fonts=True)
    document.write_pdf(
        tmp / "hinted.pdf", hinting=True
    )  # subset (cached path), hinting kept like the whole fonts
    return argparse.Namespace(tmp=tmp, cached_files=cached_files, from_cache=from_cache)


def test_subset_pages_look_exactly_like_whole_font_pages(rendered):
    hinted, full = _pixels(rendered.tmp / "hinted.pdf"), _pixels(rendered.tmp / "full.pdf")
    assert len(hinted) == len(full) == 2
    # Every pixel, both pages: contextual Arabic forms, ligatures and mark positions
    # drawn from the subset are the glyphs the whole font draws.
    assert hinted == full
    # Our PDFs drop hinting instructions (WeasyPrint's default): anti-aliasing differs a
    # little, shapes do not: hardly any pixel differs by more than a quarter of the range.
    fresh = _pixels(rendered.tmp / "fresh.pdf")
    for ours, theirs in zip(fresh, full, strict=True):
        far = sum(abs(a - b) > 64 for a, b in zip(ours, theirs, strict=True))
        assert far < len(ours) / 10_000, far
    assert _pixels(rendered.tmp / "cached.pdf") == fresh


def test_subsets_are_small_and_come_from_the_cache_the_second_time(rendered):
    fresh, full = _embedded_fonts(rendered.tmp / "fresh.pdf"), _embedded_fonts(rendered.tmp / "full.pdf")
    assert any("NotoNaskhArabic" in name for name in fresh) and any("NotoSerif" in name for name in fresh)
    assert sum(map(len, fresh.values())) < sum(map(len, full.values())) / 4
    assert (rendered.tmp / "fresh.pdf").stat().st_size < 150_000
    assert len(rendered.cached_files) == len(fresh) and rendered.from_cache == len(fresh)
    assert _embedded_fonts(rendered.tmp / "cached.pdf") == fresh


def test_subset_arabic_font_keeps_the_shaped_glyphs_it_draws(rendered):
    """The Arabic subset still holds outlines for contextual forms (initial, medial, final),
    which exist only through GSUB: shaping happened before subsetting, and survived it."""
    from fontTools.ttLib import TTFont

    (naskh,) = [
        data
        for name, data in _embedded_fonts(rendered.tmp / "fresh.pdf").items()
        if "NotoNaskhArabic-Regular" in name or ("NotoNaskhArabic" in name and "Bold" not in name)
    ][:1]
    subset = TTFont(io.BytesIO(naskh))
    whole = TTFont(str(ROOT / "fonts" / "NotoNaskhArabic-Regular.ttf"))
    cmap_glyphs = set(whole.getBestCmap().values())
    order = whole.getGlyphOrder()
    glyf = subset["glyf"]
    drawn = [
        gid
        for gid in range(len(subset.getGlyphOrder()))
        if glyf[subset.getGlyphOrder()[gid]].numberOfContours
    ]
    shaped_only = [gid for gid in drawn if gid < len(order) and order[gid] not in cmap_glyphs]
    assert len(shaped_only) > 20, "contextual forms reached only through GSUB are embedded"
    # And the text layer still reads in logical order.
    assert "كازاخستان" in arabic_letters(pdf_text(rendered.tmp / "fresh.pdf"))
