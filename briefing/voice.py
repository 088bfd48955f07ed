"""House voice: phrases that must never reach a page (the house style's rules on voice).

The document speaks for the desk, about the world; never about itself, the tool or
the gaps in its material. Every build checks each document's text (the HTML both
the PDF and the DOCX are written from) against this list, in both languages, and
refuses a document that holds one, naming where the phrase was written.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from .errors import Problem, display_path

# English phrases match as whole words, in any case; Arabic ones as written.
BANNED = (
    "our sources",
    "according to our sources",
    "not yet in the project",
    "not specified in the sources",
    "not named in the sources",
    "not stated in the sources",
    "unknown",
    "publisher not stated",
    "untitled in our copy",
    "on record as",
    "its source dates it",
    "date not stated",
    "مصادرنا",
    "غير معروف",
    "لم تذكر المصادر",
    "لم تحدده المصادر",
    "غير مذكور الاسم",
    "التاريخ غير مذكور",
)
_ARABIC = re.compile(r"[\u0600-\u06FF]")


def _pattern(phrase: str) -> re.Pattern:
    words = r"\s+".join(re.escape(w) for w in phrase.split())
    if _ARABIC.search(phrase):
        return re.compile(words)
    return re.compile(rf"(?<![\w-]){words}(?![\w-])", re.IGNORECASE)


PATTERNS = {phrase: _pattern(phrase) for phrase in BANNED}
_TAG = re.compile(r"<[^>]*>")
_COMMENT = re.compile(r"<!--.*?-->|<(style|script)\b.*?</\1>", re.DOTALL | re.IGNORECASE)


def text_of(page_html: str) -> str:
    """The words of a rendered document: tags and comments out, entities decoded, bidi
    isolates and line breaks as spaces."""
    return html.unescape(_TAG.sub(" ", _COMMENT.sub(" ", page_html)))


def phrases_in(text: str) -> list[str]:
    """The banned phrases in a text, in list order."""
    return [phrase for phrase, pattern in PATTERNS.items() if pattern.search(text)]


def check(page_html: str, document: str, written_in: list[Path], fallback: str) -> list[Problem]:
    """One problem per banned phrase in a document, located where it was written: the first
    file among `written_in` (its brief, the content it shows, the labels) that holds it, else
    the document's own source file."""
    problems = []
    for phrase in phrases_in(text_of(page_html)):
        where = _locate(PATTERNS[phrase], written_in) or (fallback, 1, 1)
        problems.append(
            Problem(
                *where,
                "(voice)",
                f"{document}: {phrase!r} on the page: the document speaks about the world, never "
                "about itself or its sources (EDITORIAL.md); reword it, or leave the fact out",
            )
        )
    return problems


def _locate(pattern: re.Pattern, paths: list[Path]) -> tuple[str, int, int] | None:
    for path in dict.fromkeys(paths):
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, 1):
            if line.lstrip().startswith("#") or _PLACEHOLDER.search(line):
                continue  # a comment, or the `unknown` placeholder (a DRAFT mark, never the word)
            found = pattern.search(line)
            if found:
                return display_path(path), number, found.start() + 1
    return None


_PLACEHOLDER = re.compile(r":\s*unknown\s*[,}]?\s*$|value:\s*unknown\b")
