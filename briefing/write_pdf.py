"""Write stage (PDF): HTML -> PDF with WeasyPrint, fonts and files from the project only."""
from __future__ import annotations

import io
import mimetypes
import os
import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "fonts"
# Must be set before WeasyPrint (and so Pango/fontconfig) is imported.
os.environ["FONTCONFIG_FILE"] = str(FONTS / "fonts.conf")

import weasyprint  # noqa: E402
import weasyprint.pdf  # noqa: E402
from urllib.request import url2pathname  # noqa: E402

from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

ALLOWED = (FONTS, ROOT / "templates")


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


def _glyph_chars(font) -> dict[int, str]:
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


def repair_to_unicode(font) -> None:
    chars = None
    for gid, text in list(font.to_unicode.items()):
        if text and not _MARK.search(text):
            continue  # plain letters and ligatures: the cluster text is right
        chars = chars if chars is not None else _glyph_chars(font)
        own = chars.get(gid)
        if own and (not text or _MARK.fullmatch(own) or _MARK.search(text) and len(text) > len(own)):
            font.to_unicode[gid] = own


def _build_fonts_dictionary(pdf, fonts, *args, **kwargs):
    for font in fonts.values():
        repair_to_unicode(font)
    return _original_build_fonts_dictionary(pdf, fonts, *args, **kwargs)


_original_build_fonts_dictionary = weasyprint.pdf.build_fonts_dictionary
weasyprint.pdf.build_fonts_dictionary = _build_fonts_dictionary


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
import hashlib  # noqa: E402

import weasyprint.pdf.fonts  # noqa: E402
from weasyprint.text.ffi import harfbuzz_subset  # noqa: E402

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


def _cached_subset(font, to_unicode, hinting):
    if not to_unicode:
        return
    gids = ",".join(map(str, sorted(to_unicode)))
    key = hashlib.blake2b(f"{_font_digest(font.file_content)}|{gids}|{hinting}|{bool(font.missing)}|{SUBSETTER}".encode(),
                          digest_size=16).hexdigest()
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
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(font.file_content)
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written is only slower


_original_subset = weasyprint.pdf.fonts.Font.subset
weasyprint.pdf.fonts.Font.subset = _cached_subset


class ProjectFetcher(URLFetcher):
    """Serve only files inside the project's fonts/ and templates/ folders.

    WeasyPrint's default fetcher opens any file: or http(s): URL; content is
    data and must never make the build read or send anything else. Refused
    URLs are kept in `refused` so the build can report them.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file"})
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if url.startswith("file:"):
            path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
            if any(path.is_relative_to(base) for base in ALLOWED) and path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
        self.refused.append(url[:200])
        raise ValueError(f"refused {url[:120]!r}: only project fonts and templates may be loaded")


class PdfWriter:
    """Keeps the font configuration warm across documents."""

    def __init__(self, cache: Path | None = None) -> None:
        """`cache`: a folder for font subsets (see _cached_subset); None keeps them in memory only."""
        global _subset_cache_dir
        from weasyprint.text.fonts import FontConfiguration

        self.font_config = FontConfiguration()
        if cache is not None:
            _subset_cache_dir = Path(cache)

    def write(self, html: str, target: Path, *, base_url: Path, metadata: dict) -> int:
        """Write `html` to `target`; return the number of pages."""
        fetcher = ProjectFetcher()
        document = weasyprint.HTML(string=html, base_url=str(base_url) + "/", url_fetcher=fetcher).render(
            font_config=self.font_config
        )
        for key, value in metadata.items():
            setattr(document.metadata, key, value)
        document.write_pdf(target)
        return len(document.pages)
