"""Write stage (PDF): HTML -> PDF with WeasyPrint, fonts and files from the project only."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import mimetypes
import os
import re
import unicodedata
import warnings
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .files import FONTS, TEMPLATES

# Must be set before WeasyPrint (and so Pango/fontconfig) is imported.
os.environ["FONTCONFIG_FILE"] = str(FONTS / "fonts.conf")

from urllib.request import url2pathname
from urllib.response import addinfourl

from . import clibs

with clibs.looked_up_once():
    import pydyf
    import weasyprint
    import weasyprint.document
    import weasyprint.images
    import weasyprint.layout
    import weasyprint.pdf
    import weasyprint.pdf.fonts
    from weasyprint.pdf.fonts import Font
    from weasyprint.text.ffi import harfbuzz_subset
    from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import incremental, pagecheck, pdf_tags
from .errors import Problem, locate
from .jobs import Metadata

ALLOWED = (FONTS, TEMPLATES)


# -- Text layer repair ---------------------------------------------------------
# WeasyPrint maps each glyph to the text of the cluster it was first seen in.
# In Arabic a cluster can hold a letter and a vowel mark drawn as two glyphs
# ("ئً" in شيئًا): the mark's glyph then maps to the whole cluster and the
# letter's glyph to nothing, for the rest of the document, so copied or
# searched text gains and loses letters (cf. WP#1686, WP#2841). Before the
# fonts are written we map such glyphs back to their own characters, taken
# from the font (cmap, and the presentation-form names of contextual forms).
_MARK = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]")
_own_chars: dict[str, dict[int, str]] = {}


def _glyph_chars(font: Font) -> dict[int, str]:
    """glyph id -> the character(s) the glyph stands for on its own, where the font says."""
    if font.hash not in _own_chars:
        from fontTools.ttLib import TTFont

        tt = TTFont(io.BytesIO(font.file_content), fontNumber=font.index, lazy=True)
        order = tt.getGlyphOrder()
        chars = {tt.getGlyphID(name): chr(cp) for cp, name in tt.getBestCmap().items()}
        for gid, name in enumerate(order):
            form = re.fullmatch(r"uni(F[B-E][0-9A-F]{2})", name)
            if form and gid not in chars:  # contextual form: its base letter(s)
                chars[gid] = unicodedata.normalize("NFKC", chr(int(form.group(1), 16)))
        _own_chars[font.hash] = chars
    return _own_chars[font.hash]


#
# Brackets: in right-to-left text HarfBuzz draws "(" with the glyph of ")" (bidi
# mirroring), so one glyph stands for "(" in Arabic and ")" in English, and the
# first text met wins for both. Extractors (poppler, PDFium) mirror brackets
# themselves when they put a right-to-left line back in logical order: they
# expect each bracket glyph to map to the character it looks like, which is
# what the font's cmap says.
def _mirrored(text: str) -> bool:
    return any(unicodedata.mirrored(c) for c in text)


def repair_to_unicode(font: Font) -> None:
    chars = None
    for gid, text in list(font.to_unicode.items()):
        if text and not _MARK.search(text) and not _mirrored(text):
            continue  # plain letters and ligatures: the cluster text is right
        chars = chars if chars is not None else _glyph_chars(font)
        own = chars.get(gid)
        if not own:
            continue
        mark_fix = not text or _MARK.fullmatch(own) or (_MARK.search(text) and len(text) > len(own))
        bracket = len(own) == 1 and unicodedata.mirrored(own)  # the character the glyph looks like
        if mark_fix or bracket:
            font.to_unicode[gid] = own


def _build_fonts_dictionary(pdf: Any, fonts: dict[str, Font], *args: Any, **kwargs: Any) -> Any:
    for font in fonts.values():
        repair_to_unicode(font)
    return _original_build_fonts_dictionary(pdf, fonts, *args, **kwargs)


_original_build_fonts_dictionary = weasyprint.pdf.build_fonts_dictionary
weasyprint.pdf.build_fonts_dictionary = _build_fonts_dictionary


# A data: URL larger than this is refused. The graphics (graphics.py) are embedded as SVG
# data: URLs, so the HTML stays the whole description of a document: a locator map is
# about 50 KB of SVG (70 KB as base64), the corridor map about 80 KB (110 KB).
DATA_URL_LIMIT = 256 * 1024
# -- Font subsets, cached --------------------------------------------------------
# Writing a PDF embeds a subset of each font holding only the glyphs used.
# HarfBuzz-Subset (Debian's libharfbuzz-subset0, installed by scripts/ensure-tools)
# makes that a few milliseconds; without it WeasyPrint falls back to fontTools,
# about a second per document with our fonts. Either way the result depends only
# on the font's bytes and the glyph ids kept, so it is cached by those, in memory
# and on disk (OUT/.cache/fonts): a document rebuilt with the same glyphs, or
# another with the same glyph set, never subsets again. Shaping is unaffected:
# the PDF draws the glyphs HarfBuzz chose while laying out (contextual Arabic
# forms and ligatures included), and the subset keeps exactly those glyph ids.

SUBSETTER = "harfbuzz" if harfbuzz_subset else "fonttools"
_subset_cache_dir: Path | None = None
_subset_memory: dict[str, bytes] = {}
_font_digests: dict[tuple[int, bytes], str] = {}
subset_stats = {"hits": 0, "misses": 0}


def _font_digest(data: bytes) -> str:
    probe = (len(data), data[:64] + data[-64:])
    if probe not in _font_digests:
        _font_digests[probe] = hashlib.blake2b(data, digest_size=16).hexdigest()
    return _font_digests[probe]


def _cached_subset(font: Font, to_unicode: dict[int, str], hinting: bool) -> None:
    if not to_unicode:
        return
    gids = ",".join(map(str, sorted(to_unicode)))
    # fontTools stamps a subset with SOURCE_DATE_EPOCH (pinned per write from the
    # brief's date): part of the key, so a cached subset never carries another date.
    stamp = os.environ.get("SOURCE_DATE_EPOCH", "") if SUBSETTER == "fonttools" else ""
    key = hashlib.blake2b(
        f"{_font_digest(font.file_content)}|{gids}|{hinting}|{bool(font.missing)}|{SUBSETTER}|{stamp}".encode(),
        digest_size=16,
    ).hexdigest()
    data = _subset_memory.get(key)
    path = _subset_cache_dir / f"{key}.ttf" if _subset_cache_dir else None
    if data is None and path is not None and path.is_file():
        data = path.read_bytes()
    if data is not None:
        subset_stats["hits"] += 1
        font.file_content = data
        _subset_memory[key] = data
        return
    subset_stats["misses"] += 1
    _original_subset(font, to_unicode, hinting)
    _subset_memory[key] = font.file_content
    if path is not None:
        incremental.cache_put(path, font.file_content)


_original_subset = weasyprint.pdf.fonts.Font.subset
weasyprint.pdf.fonts.Font.subset = _cached_subset


# -- SVG paths, kept -------------------------------------------------------------
# WeasyPrint parses an SVG path's `d` and formats each of its numbers again every
# time the path is drawn: a locator map (its outlines and its labels' glyphs) is
# about a third of the bilingual one-pager's PDF, and each rebuild draws the same
# maps again. What a path draws depends only on its `d` (our graphics' numbers
# carry no units; the font size and the image's size, on which units would
# depend, are part of the key): the operators it appends to the content stream,
# and the vertices it leaves on the node for markers. Each process keeps those
# and appends them again, byte for byte what drawing would append
# (tests/test_write_speed.py compares the PDFs drawn both ways).
_svg_paths: dict[tuple[str, float, float, float], tuple[list[Any], list[Any]]] = {}
SVG_PATHS_KEPT = 20_000  # a few MB; the six locator maps in two languages need about 1,500


def _kept_svg_path(svg: Any, node: Any, font_size: float) -> None:
    key = (node.get("d", ""), font_size, svg.inner_width, svg.inner_height)
    operators = svg.stream.stream  # pydyf's list of the content stream's operators
    kept = _svg_paths.get(key)
    if kept is None:
        start, vertices = len(operators), len(node.vertices)
        _draw_svg_path(svg, node, font_size)
        if len(_svg_paths) < SVG_PATHS_KEPT:
            _svg_paths[key] = (operators[start:], list(node.vertices)[vertices:])
        return
    operators.extend(kept[0])
    node.vertices.extend(kept[1])


_draw_svg_path = weasyprint.svg.TAGS["path"]
weasyprint.svg.TAGS["path"] = _kept_svg_path


# -- Pages laid out once ---------------------------------------------------------
# After laying out a page, WeasyPrint compares the running elements (our header
# and footer) the page holds with those it held the last time it was laid out,
# and lays it out again if there were none: that is meant for notes
# (`position: note()`), whose rendering depends on the previous pass, but a
# page's first layout has "none before", so every page after the first that
# holds its own header and footer (a bilingual edition's first page in its
# second language) was laid out twice: a third of the bilingual one-pager's
# layout. A page laid out for the first time now reads as having held an empty
# list, unless the name has held a note; the PDFs are byte-identical
# (tests/test_write_speed.py).
class _RunningPages(defaultdict[int, Any]):
    def get(self, key: Any, default: Any = None) -> Any:
        value = super().get(key, default)
        if value is None and not any(box.is_note() for boxes in self.values() for box in boxes):
            return ()
        return value


def _layout_context_init(self: Any, *args: Any, **kwargs: Any) -> None:
    _original_layout_context_init(self, *args, **kwargs)
    self.running_elements = defaultdict(lambda: _RunningPages(list))


_original_layout_context_init = weasyprint.layout.LayoutContext.__init__
weasyprint.layout.LayoutContext.__init__ = _layout_context_init


# -- Streams compressed once -----------------------------------------------------
# Given an identifier (ours: the inputs' digest), pydyf writes every object, then
# serialises them all again to hash them for the trailer's /ID: each content
# stream, font and image deflated twice at level 9 (a tenth of writing the
# bilingual one-pager's PDF). While a PDF is being written nothing changes its
# streams, so each one's bytes are kept until the file is written.
_stream_bytes: dict[int, bytes] | None = None  # id(stream) -> its bytes, while a PDF is written


def _stream_data(self: pydyf.Stream) -> bytes:
    if _stream_bytes is None:
        return _original_stream_data.fget(self)
    data = _stream_bytes.get(id(self))
    if data is None:
        data = _stream_bytes[id(self)] = _original_stream_data.fget(self)
    return data


def _write_streams_once(self: pydyf.PDF, *args: Any, **kwargs: Any) -> Any:
    global _stream_bytes
    _stream_bytes = {}
    try:
        return _original_pdf_write(self, *args, **kwargs)
    finally:
        _stream_bytes = None


_original_stream_data = pydyf.Stream.data
_original_pdf_write = pydyf.PDF.write
pydyf.Stream.data = property(_stream_data)
pydyf.PDF.write = _write_streams_once


class ProjectFetcher(URLFetcher):
    """Serve only files inside the project's fonts/ and templates/ folders.

    WeasyPrint's default fetcher opens any file: or http(s): URL; content is
    data and must never make the build read or send anything else. A small
    data: URL is decoded here (nothing is fetched for it); a larger one is
    refused. Every refused URL is kept in `refused`, and the build reports
    them as errors naming the document (PdfWriter.problems).
    """

    def __init__(self, allowed: tuple[Path, ...] = ALLOWED) -> None:
        super().__init__(allowed_protocols={"file"})
        self.allowed = tuple(Path(a).resolve() for a in allowed)
        self.refused: list[tuple[str, str]] = []  # (URL, why)

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if url.startswith("file:"):
            path = Path(url2pathname(url.split("?")[0].split("#")[0].removeprefix("file:"))).resolve()
            if any(path.is_relative_to(base) for base in self.allowed) and path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
            reason = "only project fonts and templates may be loaded"
        elif url.startswith("data:"):
            if len(url) <= DATA_URL_LIMIT:
                with urlopen_data(url) as response:
                    return URLFetcherResponse(url, response.read(), dict(response.headers))
            reason = f"data: URL of {len(url):,} characters is over the limit of {DATA_URL_LIMIT:,}"
        else:
            reason = "only project fonts and templates may be loaded; nothing is fetched from the network"
        shown = url if len(url) <= 80 else url[:77] + "..."
        self.refused.append((shown, reason))
        raise ValueError(f"refused {shown!r}: {reason}")


def urlopen_data(url: str) -> addinfourl:
    """Decode a data: URL with the standard library (no I/O)."""
    from urllib.request import DataHandler, Request

    return DataHandler().data_open(Request(url))


# -- Provenance and reproducibility -------------------------------------------------
def _files_digest(*folders: Path, pattern: str = "*") -> str:
    h = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.glob(pattern)):
            if path.is_file():
                h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


_static_digest: str | None = None


def inputs_digest(html: str) -> str:
    """SHA-256 of what a PDF is made from: its rendered HTML, the stylesheets and the fonts.

    The HTML already holds every value taken from content and brief, so equal
    digests mean equal inputs; it is recorded in the PDF (key `BriefingInputs`)
    and seeds the PDF's /ID.
    """
    global _static_digest
    if _static_digest is None:
        _static_digest = _files_digest(TEMPLATES, pattern="*.css") + _files_digest(FONTS)
    return hashlib.sha256(_static_digest.encode() + html.encode("utf-8")).hexdigest()


def build_time(as_of: dt.date | str) -> dt.datetime:
    """The time a PDF says it was made: SOURCE_DATE_EPOCH if set, else noon UTC on the brief's "as of"."""
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.combine(as_of, dt.time(12, 0), dt.UTC)


@contextlib.contextmanager
def _font_timestamps(when: dt.datetime) -> Iterator[None]:
    """fontTools stamps each font subset with the current time (head.modified) unless
    SOURCE_DATE_EPOCH is set: pin it for the duration of one write."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(when.timestamp()))
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


# -- Overflow: how far a fixed-length document runs past its pages ---------------------
PX_PER_MM = 96 / 25.4


@dataclass(frozen=True)
class Overflow:
    """One language's content running past its pages: onto how many extra pages, how far."""

    lang: str
    pages: int  # pages this language takes
    extra_mm: float  # content height on the extra page(s)
    extra_lines: int  # text lines on the extra page(s)


def _page_lang(page: weasyprint.Page) -> str | None:
    for box in page._page_box.descendants():
        if box.element_tag == "article" and box.element is not None:
            return box.element.get("lang")
    return None


def overflows(document: weasyprint.Document, pages_per_language: int) -> list[Overflow]:
    """Languages whose <article> takes more than `pages_per_language` pages."""
    from weasyprint.formatting_structure.boxes import LineBox, MarginBox

    by_lang: dict[str | None, list[weasyprint.Page]] = {}
    for page in document.pages:
        by_lang.setdefault(_page_lang(page), []).append(page)
    found = []
    for lang, pages in by_lang.items():
        if len(pages) <= pages_per_language:
            continue
        height, lines = 0.0, 0
        for page in pages[pages_per_language:]:
            box = page._page_box
            top = box.content_box_y()
            bottom = top
            for root in box.children:
                if isinstance(root, MarginBox):  # running header and footer are not content
                    continue
                for child in root.descendants():
                    if isinstance(child, LineBox):
                        lines += 1
                        bottom = max(bottom, child.position_y + child.margin_height())
            height += bottom - top
        found.append(Overflow(lang or "?", len(pages), round(height / PX_PER_MM, 1), lines))
    return found


# -- Problems a written PDF shows, in the build's one-line form ------------------------
LANG_NAMES = {"ar": "Arabic", "en": "English"}


def overflow_message(name: str, pages: int, expected: int, o: Overflow) -> str:
    return (
        f"{name}: one-pager runs to {pages} pages, expected {expected} (one per language): the "
        f"{LANG_NAMES.get(o.lang, o.lang)} page overflows by {o.extra_mm:g} mm ({o.extra_lines} line"
        f"{'s' if o.extra_lines != 1 else ''}) onto {'a second page' if o.pages == 2 else f'{o.pages - 1} more pages'}: "
        "shorten its content by at least that much"
    )


# -- Images kept ------------------------------------------------------------------
# WeasyPrint decodes and parses each image of a document on every render (an SVG
# locator map is about a sixth of the bilingual one-pager's PDF); its `cache` option
# keeps them across renders. A data: URL is its own content, so a worker keeps those
# (and the raster data WeasyPrint files under its own keys); never a file: URL (the
# file may change while watch runs) nor a failed fetch (the next build must refuse
# it again, and say so). A kept SVG would hold on to the render that first loaded it
# (its layout context, its fetcher) and to the last page it was drawn on: each render
# takes it over, and a write lets go of it. The PDFs are byte-identical
# (tests/test_write_speed.py).
IMAGES_KEPT = 64  # entries; the folder of a build holds about a dozen maps and charts


class _KeptImages(dict[str, Any]):
    def __setitem__(self, key: str, value: Any) -> None:
        if value is not None and not key.startswith("file:"):
            super().__setitem__(key, value)

    def let_go(self) -> None:
        """Drop what the kept SVGs hold of the document just written."""
        for image in self.values():
            if isinstance(image, weasyprint.images.SVGImage):
                image._context = image._svg.context = image._svg.stream = None


def _image_for_this_render(
    cache: Any,
    url_fetcher: Any,
    options: Any,
    url: str,
    forced_mime_type: Any = None,
    context: Any = None,
    **kwargs: Any,
) -> Any:
    image = _original_get_image(cache, url_fetcher, options, url, forced_mime_type, context, **kwargs)
    if isinstance(cache, _KeptImages) and isinstance(image, weasyprint.images.SVGImage):
        image._context, image._url_fetcher, image._svg.url_fetcher = context, url_fetcher, url_fetcher
    return image


_original_get_image = weasyprint.document.original_get_image_from_uri
weasyprint.document.original_get_image_from_uri = _image_for_this_render


class PdfWriter:
    """Keeps the font configuration warm across documents."""

    def __init__(self, cache: Path | None = None) -> None:
        """`cache`: a folder for font subsets (see _cached_subset); None keeps them in memory only."""
        global _subset_cache_dir
        from weasyprint.text.fonts import FontConfiguration

        self.font_config = FontConfiguration()
        self.refused: list[tuple[str, str]] = []  # of the last write: (URL, why)
        self.overflows: list[Overflow] = []  # of the last write
        self.page_findings: list[str] = []  # of the last write: what the page-quality gate found
        self.images = _KeptImages()
        if cache is not None:
            _subset_cache_dir = Path(cache)

    def write(
        self,
        html: str,
        target: Path,
        *,
        base_url: Path,
        metadata: Metadata,
        pages_per_language: int | None = None,
    ) -> int:
        """Write `html` to `target`; return the number of pages.

        The same HTML, stylesheets and fonts give the same bytes: dates come from
        the brief's "as of" (or SOURCE_DATE_EPOCH), the /ID from the inputs'
        digest, and font subsets carry that time too.
        """
        fetcher = ProjectFetcher((FONTS, Path(base_url)))
        if len(self.images) > IMAGES_KEPT:  # only between renders: a render reads what it filed
            self.images.clear()
        document = weasyprint.HTML(string=html, base_url=str(base_url) + "/", url_fetcher=fetcher).render(
            font_config=self.font_config, cache=self.images
        )
        digest = inputs_digest(html)
        when = build_time(metadata["as_of"])
        # Tagged, PDF/UA-1; PDF/A-3a as well where the brief asks (pdf_tags.py).
        document.metadata = pdf_tags.ArchivalMetadata(
            title=metadata.get("title"),
            authors=list(metadata.get("authors", [])),
            description=metadata.get("subject"),
            lang=metadata.get("lang"),
            generator=metadata.get("generator"),
            created=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            modified=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            keywords=[f"inputs-sha256:{digest}"],
            custom={"BriefingInputs": f"sha256:{digest}", "BriefingGenerator": metadata.get("generator", "")},
        )
        self.refused = list(fetcher.refused)
        self.overflows = overflows(document, pages_per_language) if pages_per_language else []
        self.page_findings = pagecheck.check(pagecheck.from_document(document))
        with _font_timestamps(when), warnings.catch_warnings():
            # WeasyPrint opens its sRGB profile for PDF/A's output intent and never closes it.
            warnings.filterwarnings("ignore", r"unclosed file .*sRGB2014\.icc", ResourceWarning)
            document.write_pdf(
                target,
                pdf_variant=pdf_tags.variant(metadata.get("pdf_a", False)),
                pdf_identifier=bytes.fromhex(digest[:32]),
                custom_metadata=True,
            )
        self.images.let_go()
        return len(document.pages)

    def problems(
        self,
        name: str,
        pages: int,
        expected_pages: int | None,
        *,
        templates: Path,
        template: str,
        source_file: str,
    ) -> list[Problem]:
        """What is wrong with the last write, one Problem each: URLs refused (at the template
        or stylesheet line that asks for them), pages beyond the expected count (with
        how far each language overflows), and, in a fixed-length document, anything
        outside the text area (the page-quality gate's finding: on a one-pager it is
        content the reader loses). `name` names the document: brief/id.edition."""
        problems = [
            Problem(*locate(templates, template, url), "(fetch)", f"{name}: refused {url!r}: {reason}")
            for url, reason in self.refused
        ]
        if expected_pages is not None:
            problems += [
                Problem(source_file, 1, 1, "(layout)", f"{name}: {finding}")
                for finding in self.page_findings
                if pagecheck.is_outside(finding)
            ]
        if expected_pages is not None and pages != expected_pages:
            problems += [
                Problem(source_file, 1, 1, "(layout)", overflow_message(name, pages, expected_pages, o))
                for o in self.overflows
            ] or [
                Problem(
                    source_file,
                    1,
                    1,
                    "(layout)",
                    f"{name}: one-pager runs to {pages} pages, expected {expected_pages}",
                )
            ]
        return problems
