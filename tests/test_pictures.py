"""Picture tests: a fixed set of pages, rendered and compared with approved images.

tests/pictures/ keeps one approved render per document kind and edition, of our
PDF and of the DOCX as LibreOffice lays it out (`docx.` names; skipped where
LibreOffice is not installed; a different LibreOffice version may lay out
differently: approve its renders after looking) (40 dpi,
greyscale, rendered by PDFium, which is pinned; no Debian tool involved). A page
fails when more than a few pixels differ clearly: antialiasing noise changes
grey levels a little and is ignored; a line moved by a fraction of its height,
a mirrored table or a missing word changes hundreds of pixels. On failure the
new render and a diff image (changed pixels in black) are written to
tests/_output/ (gitignored) for a person to look at; `make approve` then
replaces the approved images with the current renders. The HTML edition is
compared the same way: the first screen of each kind in each language, as
Chromium shows it at 360 and 1280 px (`html.*.png`).
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image, ImageChops

from briefing import cli

from .browser import HEIGHT, WIDTHS, chromium, serve
from .conftest import FIXTURES, ROOT

PICTURES = Path(__file__).parent / "pictures"
OUTPUT = Path(__file__).parent / "_output"
DPI = 40
LEVEL = 64  # a pixel "differs" when its grey level moves by more than this (of 255)
TOLERANCE = 0.0015  # share of a page's pixels that may differ (about 230 of 155,000)
APPROVE = os.environ.get("APPROVE_PICTURES") == "1"

# name -> (brief folder, file, page index)
PAGES = {
    "country-profile.ar": ("country-profiles", "kz.ar.pdf", 0),
    "country-profile.en": ("country-profiles", "kz.en.pdf", 0),
    "country-profile.ar-en.p2": ("country-profiles", "kz.ar-en.pdf", 1),
    "roadmap-tracker.ar": ("roadmap-tracker", "tracker.ar.pdf", 0),
    "roadmap-tracker.en": ("roadmap-tracker", "tracker.en.pdf", 0),
    "roadmap-tracker.ar-en.p-last": ("roadmap-tracker", "tracker.ar-en.pdf", -1),
    "summit-backgrounder.ar": ("samarkand-summit", "samarkand-summit-2025.ar.pdf", 0),
    "summit-backgrounder.en": ("samarkand-summit", "samarkand-summit-2025.en.pdf", 0),
    "summit-backgrounder.ar-en.p3": ("samarkand-summit", "samarkand-summit-2025.ar-en.pdf", 2),
    # The graphics (graphics.py): the corridor map, the progress charts beside the summaries.
    "summit-backgrounder.ar.p4": ("samarkand-summit", "samarkand-summit-2025.ar.pdf", 3),
    "summit-backgrounder.en.p4": ("samarkand-summit", "samarkand-summit-2025.en.pdf", 3),
    "roadmap-tracker.ar.p2": ("roadmap-tracker", "tracker.ar.pdf", 1),
    "pre-meeting.ar": ("pre-meeting", "brief.ar.pdf", 0),
    "pre-meeting.en": ("pre-meeting", "brief.en.pdf", 0),
    "pre-meeting.ar-en.p2": ("pre-meeting", "brief.ar-en.pdf", 1),
    "bidi-cases.ar": ("bidi", "bidi.ar.pdf", 0),
    "arabic-indic-digits.ar": ("indic", "uz.ar.pdf", 0),
}


@pytest.fixture(scope="module")
def sources(built, tmp_path_factory) -> dict[str, Path]:
    """The folders the pages come from: the full build, plus two small builds of our own."""
    extra = tmp_path_factory.mktemp("pictures")
    shutil.copytree(FIXTURES / "bidi", extra / "bidi")  # a copy: a build records its translation lock there
    assert (
        cli.main(
            [
                "--content",
                str(extra / "bidi"),
                "--out",
                str(extra / "b"),
                "--edition",
                "ar",
                "--format",
                "pdf",
                "-j",
                "1",
                str(ROOT / "briefs" / "country-profiles.yaml"),
            ]
        )
        == 0
    )
    brief = extra / "indic.yaml"
    brief.write_text(
        (ROOT / "briefs" / "country-profiles.yaml").read_text(encoding="utf-8")
        + "arabic_digits: arabic-indic\narabic_months: both\n",
        encoding="utf-8",
    )
    assert (
        cli.main(
            [
                "--out",
                str(extra / "i"),
                "--only",
                "uz",
                "--edition",
                "ar",
                "--format",
                "pdf",
                "-j",
                "1",
                str(brief),
            ]
        )
        == 0
    )
    return {
        "country-profiles": built / "country-profiles",
        "roadmap-tracker": built / "roadmap-tracker",
        "samarkand-summit": built / "samarkand-summit",
        "pre-meeting": built / "2025-10-20-eu-central-asia-ministerial",
        "bidi": extra / "b" / "country-profiles",
        "indic": extra / "i" / "indic",
    }


def render(pdf_path: Path, index: int) -> Image.Image:
    pdf = pypdfium2.PdfDocument(pdf_path)
    try:
        page = pdf[index if index >= 0 else len(pdf) + index]
        return page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()


def differing(a: Image.Image, b: Image.Image) -> tuple[int, Image.Image]:
    diff = ImageChops.difference(a, b).point(lambda v: 255 if v > LEVEL else 0)
    count = diff.histogram()[255]
    return count, ImageChops.invert(diff)


# The DOCX of every kind and edition, as LibreOffice lays it out: the same pages.
DOCX_PAGES = {f"docx.{name}": PAGES[name] for name in PAGES if not name.startswith(("bidi", "arabic-indic"))}


@pytest.mark.parametrize("name", PAGES)
def test_page_looks_as_approved(sources, name):
    folder, file, index = PAGES[name]
    compare(name, render(sources[folder] / file, index))


@pytest.mark.parametrize("name", DOCX_PAGES)
def test_docx_page_looks_as_approved(sources, converted, name):
    folder, file, index = DOCX_PAGES[name]
    compare(name, render(converted[sources[folder] / file], index))


def compare(name: str, image: Image.Image) -> None:
    """`image` against tests/pictures/<name>.png (or, with APPROVE_PICTURES=1, saved as it)."""
    approved = PICTURES / f"{name}.png"
    if APPROVE:
        PICTURES.mkdir(exist_ok=True)
        image.save(approved, optimize=True)
        return
    assert approved.exists(), f"no approved image {approved.name}: look at the page, then run `make approve`"
    golden = Image.open(approved).convert("L")
    if golden.size != image.size:
        count, diff = golden.size[0] * golden.size[1], None
    else:
        count, diff = differing(golden, image)
    if count > TOLERANCE * image.size[0] * image.size[1]:
        OUTPUT.mkdir(exist_ok=True)
        image.save(OUTPUT / f"{name}.new.png")
        if diff is not None:
            diff.save(OUTPUT / f"{name}.diff.png")
        pytest.fail(
            f"{name}: {count} pixels differ from the approved image (tolerance "
            f"{int(TOLERANCE * image.size[0] * image.size[1])}); see tests/_output/{name}.new.png and "
            f"{name}.diff.png, and if the change is right, `make approve`"
        )


# The HTML edition: the first screen of each kind in each language, as Chromium shows it at a
# phone's and a desktop's width (tests/browser.py), greyscale at half size.
# name -> (page under out/, width)
SCREENS = {
    f"html.{kind}.{lang}.{width}": (f"{page}.{lang}.html", width)
    for kind, page in (
        ("country-profile", "country-profiles/kz"),
        ("roadmap-tracker", "roadmap-tracker/tracker"),
        ("summit-backgrounder", "samarkand-summit/samarkand-summit-2025"),
        ("pre-meeting", "2025-10-20-eu-central-asia-ministerial/brief"),
    )
    for lang in ("ar", "en")
    for width in WIDTHS
}


@pytest.fixture(scope="module")
def screens(built) -> dict[str, Image.Image]:
    shots = {}
    with serve(built) as base, chromium() as browser:
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": HEIGHT[width]})
            page = context.new_page()
            for name, (rel, w) in SCREENS.items():
                if w != width:
                    continue
                page.goto(base + rel, wait_until="load")
                page.evaluate("document.fonts.ready")
                image = Image.open(io.BytesIO(page.screenshot())).convert("L")
                shots[name] = image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)
            context.close()
    return shots


@pytest.mark.parametrize("name", SCREENS)
def test_screen_looks_as_approved(screens, name):
    compare(name, screens[name])


def test_the_comparison_ignores_noise_but_sees_a_moved_line(sources):
    image = render(sources["country-profiles"] / "kz.ar.pdf", 0)
    noisy = image.point(lambda v: max(0, v - 30))  # every grey level shifted: antialiasing-sized change
    assert differing(image, noisy)[0] <= TOLERANCE * image.size[0] * image.size[1]
    moved = ImageChops.offset(image, 0, 3)  # the page's lines moved down by 3 px (under 2 mm)
    assert differing(image, moved)[0] > 5 * TOLERANCE * image.size[0] * image.size[1]
    mirrored = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    assert differing(image, mirrored)[0] > 20 * TOLERANCE * image.size[0] * image.size[1]


def test_the_approved_images_stay_small():
    total = sum(p.stat().st_size for p in PICTURES.glob("*.png"))
    assert 0 < total < 5_000_000, total
