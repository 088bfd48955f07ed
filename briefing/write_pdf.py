"""Write stage (PDF): HTML -> PDF with WeasyPrint, fonts and files from the project only."""
from __future__ import annotations

import mimetypes
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "fonts"
# Must be set before WeasyPrint (and so Pango/fontconfig) is imported.
os.environ["FONTCONFIG_FILE"] = str(FONTS / "fonts.conf")

import weasyprint  # noqa: E402
from urllib.request import url2pathname  # noqa: E402

from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

ALLOWED = (FONTS, ROOT / "templates")


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

    def __init__(self) -> None:
        from weasyprint.text.fonts import FontConfiguration

        self.font_config = FontConfiguration()

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
