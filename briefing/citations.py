"""Cite stage: source records (content/sources.yaml) -> notes and bibliography entries for one edition.

The text is set by a CSL processor, citeproc-py, with the project's one style,
templates/notes-bibliography.csl (notes and bibliography after the Chicago
Manual of Style), in the edition's locale (CSL's own English and Arabic terms,
with the style's Arabic overrides). citeproc-py is the maintained CSL processor
for Python (BSD licence, pure Python); what it decides is the order of an
entry's parts, the punctuation between them, which parts a missing field drops,
the locale's terms and quotation marks, and the order of a bibliography.

What it cannot do is mark direction and language, which an entry mixing Arabic
and Latin needs. So every variable reaches it as a token (a private-use
character, the text to sort by, and a private-use index) and, once it has set
the entry, each token is replaced by its text, escaped and isolated in its own
language and direction: a Latin title in an Arabic entry keeps the order of its
words, an Arabic title in an English one too, and the punctuation between them
belongs to the entry's language. In an Arabic entry the style's commas and
semicolons become the Arabic ones (CSL has no locale term for a delimiter).

For an edition in language L (SOURCE-RECORD.md): a source in another language
shows its title as published, then its title in L in brackets; in English, a
source not in English also says its language ("(in Arabic)"), and in Arabic
one in neither Arabic nor English ("(باللغة الروسية)"): a Latin title already
tells an Arabic reader that a source is in a western language. Author and
publisher are given in L where the record translates them.

Every printed address is a link to itself (`<a class="src-link" href>` inside
its isolate, so the link never spans the text around it); a short note, which
prints no address, links its title (the title as published, the first one it
shows) to the source's address instead. The writers make these links in each
format: a link annotation in the PDF, a `w:hyperlink` in the DOCX, the element
itself in the HTML edition.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from babel import Locale
from markupsafe import Markup, escape

from . import formatting, model

STYLE = Path(__file__).resolve().parent.parent / "templates" / "notes-bibliography.csl"
CSL_LOCALES = {"ar": "ar", "en": "en-US"}
DIRECTION = {"ar": "rtl"}  # every other language of a source is written left to right
# CSL types, for a style that sets some kinds apart (ours sets them alike).
CSL_TYPES = {
    "official-document": "report",
    "statement": "speech",
    "press-release": "webpage",
    "news-report": "article-newspaper",
    "analysis": "report",
    "dataset": "dataset",
    "web-page": "webpage",
}
_OPEN, _BASE = "\ue000", 0xE100  # a token: _OPEN, the text to sort by, chr(_BASE + index)
_TOKEN = re.compile("\ue000[^\ue000]*?([\ue100-\ue8ff])")
_ARABIC_PUNCTUATION = {", ": "\u060c ", "; ": "\u061b "}


def _ignore(item: object) -> None:
    """citeproc's callback for an item it does not know: every id is checked by validation first."""


def direction(lang: str) -> str:
    return DIRECTION.get(lang, "ltr")


@functools.cache
def _style(locale: str) -> Any:
    """The parsed style in one locale (parsing it is most of the cost of a note)."""
    from citeproc import CitationStylesStyle

    return CitationStylesStyle(str(STYLE), locale=locale, validate=False)


# Citations._list's source lists, by what they are made of: kept across the rebuilds of a
# watch session, which load the sources afresh each time (the same records, other objects).
_lists: dict[tuple, list[Markup]] = {}
LISTS_KEPT = 2_000  # a build makes about a hundred


class Citations:
    """Notes and bibliography entries of one page (one edition language), from the source records.

    The style's first note of a source is full, later ones short (author and title): a page's
    source list is full notes, or short ones where a page has no room; a document with a full
    bibliography (the backgrounder) has short notes throughout."""

    def __init__(self, sources: dict[str, model.Source], lang: str, months: str = "default") -> None:
        self.sources, self.lang, self.months = sources, lang, months
        self._parts: list[Markup] = []
        self._items: list[dict] | None = None
        self._titles: dict[int, str] = {}  # index of a title part shown first -> its source's URL
        self._bib: Any = None  # citeproc's CitationStylesBibliography, made on first use

    def notes(self, ids: list[str]) -> list[Markup]:
        """A numbered list of notes, one per source, each a first (full) note: a page's source list."""

        def make() -> list[Markup]:
            bib = self._new_bibliography()
            return [self._cite(bib, [i]) for i in dict.fromkeys(ids)]

        return self._list("notes", ids, make)

    def short_notes(self, ids: list[str]) -> list[Markup]:
        """A numbered list of short notes (author and title), one per source: the style's form for
        a source already cited, so each is cited once unseen first."""

        def make() -> list[Markup]:
            bib = self._new_bibliography()
            for i in dict.fromkeys(ids):
                self._cite(bib, [i])
            # A short note prints no address: its title is the link to the source.
            return [self._cite(bib, [i], link_titles=True) for i in dict.fromkeys(ids)]

        return self._list("short_notes", ids, make)

    def _list(self, form: str, ids: list[str], make: Callable[[], list[Markup]]) -> list[Markup]:
        """A source list, made once per process for these sources, language, months and ids: each is
        made with a bibliography of its own, so it depends on nothing else (a page in a one-language
        edition and in the bilingual one lists its sources once)."""
        records = tuple(s.model_dump_json() if (s := self.sources.get(i)) else None for i in ids)
        key = (form, self.lang, self.months, tuple(ids), records)
        if key not in _lists:
            if len(_lists) >= LISTS_KEPT:
                _lists.clear()
            _lists[key] = make()
        return list(_lists[key])

    def note(self, ids: list[str]) -> Markup:
        """One short note citing `ids` (author and title, sorted), for a document whose
        bibliography gives every source in full (CMOS 14.29: short notes throughout)."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return Markup("")
        if self._bib is None:
            self._bib = self._new_bibliography()
        for i in ids:  # the style's short form is that of a source already cited: cite it unseen once
            if i not in self._bib.keys:
                self._cite(self._bib, [i])
        return self._cite(self._bib, ids)

    def bibliography(self) -> list[Markup]:
        """Every source this page's notes cited, in full, in the order the style sorts them."""
        if self._bib is None:
            return []
        self._bib.sort()
        return [self._finish(str(entry)) for entry in self._bib.bibliography()]

    # -- CSL data ------------------------------------------------------------------
    def _cite(self, bib: Any, ids: list[str], link_titles: bool = False) -> Markup:
        from citeproc import Citation, CitationItem

        citation = Citation([CitationItem(i) for i in ids])
        bib.register(citation)
        return self._finish(str(bib.cite(citation, _ignore)), link_titles)

    def _new_bibliography(self) -> Any:
        from citeproc import CitationStylesBibliography, formatter
        from citeproc.source.json import CiteProcJSON

        if self._items is None:  # every record once, as tokens: a page's notes and lists share them
            self._items = [self._item(s) for s in self.sources.values()]
        return CitationStylesBibliography(
            _style(CSL_LOCALES[self.lang]), CiteProcJSON(self._items), formatter.html
        )

    def _item(self, source: model.Source) -> dict:
        lang, foreign = self.lang, source.language != self.lang
        item: dict = {"id": source.id, "type": CSL_TYPES[source.type]}
        author = self._named(source.author, source.author_translations, source.language)
        if author:
            item["author"] = [{"literal": author}]
        translated = getattr(source.title_translations, lang) if foreign else None
        if translated:
            item["original-title"] = self._token(source.title, script_lang(source.title, source.language))
            item["title"] = self._token(translated, lang)
        else:
            item["title"] = self._token(source.title, script_lang(source.title, source.language))
        if source.url:  # the title as published comes first (the style's title macro): the one to link
            self._titles[len(self._parts) - (2 if translated else 1)] = source.url
        if foreign and (lang == "en" or source.language != "en"):
            name = Locale.parse(formatting.LOCALES[lang]).languages.get(source.language, source.language)
            item["note"] = self._token(self._in_language(name), lang)
        publisher = self._named(source.publisher, source.publisher_translations, source.language)
        if publisher and (source.publisher != source.author):  # an institution publishing its own text
            item["publisher"] = publisher
        if source.issued:
            item["issued"] = {"literal": self._date(source.issued)}
        if source.url:
            item["URL"] = self._token(source.url, "en", Markup(' class="url" dir="ltr"'), link=source.url)
        if source.accessed:
            item["accessed"] = {"literal": self._date(source.accessed)}
        return item

    def _in_language(self, name: str) -> str:
        return f"in {name}" if self.lang == "en" else f"باللغة {name}"

    def _named(self, text: str | None, translations: model.Translations | None, lang: str) -> str | None:
        """A name in the edition's language where the record gives one (an Arabic source's record
        may name its English-named author in Arabic too), else as published."""
        if not text:
            return None
        translated = getattr(translations, self.lang, None) if translations else None
        return (
            self._token(translated, self.lang) if translated else self._token(text, script_lang(text, lang))
        )

    def _date(self, value: model.PartialDate | dt.date | str) -> str:
        text = formatting.date(value, self.lang, self.months)
        return self._token_markup(Markup("<bdi>") + escape(text) + Markup("</bdi>"), text)

    def _token(self, text: str, lang: str, attrs: Markup | None = None, link: str | None = None) -> str:
        """`text` as a token; it comes back isolated in its language where that is not the edition's,
        and, with `link`, a link to that URL inside the isolate."""
        inner = link_to(link, escape(text)) if link else escape(text)
        if attrs is not None:
            html = Markup(f'<bdi lang="{lang}"') + attrs + Markup(">") + inner + Markup("</bdi>")
        elif lang != self.lang:
            html = Markup(f'<bdi lang="{lang}" dir="{direction(lang)}">') + inner + Markup("</bdi>")
        else:
            html = inner
        return self._token_markup(html, text)

    def _token_markup(self, html: Markup, sort_text: str) -> str:
        self._parts.append(html)
        # The edition's own script sorts first (an Arabic bibliography lists Arabic titles first).
        rank = "0" if (lang_of_text(sort_text) == self.lang) else "1"
        return _OPEN + rank + sort_text.replace(_OPEN, "") + chr(_BASE + len(self._parts) - 1)

    def _finish(self, text: str, link_titles: bool = False) -> Markup:
        """citeproc's HTML, tokens replaced by their isolated text; with `link_titles`, each
        source's first title a link to its URL (a short note, which prints no URL)."""
        if self.lang == "ar":
            pieces = _TOKEN.split(text)  # literal text, index, literal text, …
            for i in range(0, len(pieces), 2):
                for latin, arabic in _ARABIC_PUNCTUATION.items():
                    pieces[i] = pieces[i].replace(latin, arabic)
            text = "".join(
                p if i % 2 == 0 else _OPEN + "x" + p for i, p in enumerate(pieces)
            )  # tokens back, shortened
        parts = self._parts

        titles = self._titles if link_titles else {}

        def part(match: re.Match) -> str:
            index = ord(match.group(1)) - _BASE
            return str(_link_inside(parts[index], titles[index]) if index in titles else parts[index])

        # A title ending in "?" or "!" takes no full stop or comma after it (nor after its closing quote).
        def drop_stop(match: re.Match) -> str:
            plain = re.sub(r"<[^>]+>", "", str(parts[ord(match.group(1)) - _BASE]))
            return (
                match.group(0)[:-1] if plain.rstrip().endswith(("?", "!", ".", "\u061f")) else match.group(0)
            )

        text = re.sub(_TOKEN.pattern + '([”»"]?)[.,\u060c]', drop_stop, text)
        if self.lang == "en":  # Chicago: a full stop or comma after a closing quotation mark goes inside it
            text = re.sub("”([.,])", r"\1”", text)
        return Markup(_TOKEN.sub(part, text))


def link_to(url: str, html: Markup) -> Markup:
    """`html` as a link to a source's `url` (model.Url: http or https): the one form of a link
    leaving the document, which write_html lets through its door and the DOCX writer makes a
    w:hyperlink."""
    return Markup('<a class="src-link" href="{}">').format(url) + html + Markup("</a>")


def _link_inside(html: Markup, url: str) -> Markup:
    """A token's `html` as a link, inside its isolate where it has one (the link holds the
    title's text only, and its direction stays the isolate's)."""
    m = re.fullmatch(r"(<bdi [^>]*>)(.*)(</bdi>)", str(html), re.DOTALL)
    if m is None:
        return link_to(url, html)
    return Markup(m.group(1)) + link_to(url, Markup(m.group(2))) + Markup(m.group(3))


_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN_SCRIPT = {"en", "fr", "de", "it", "uz", "tk", "az"}  # languages the sources write in Latin script


def script_lang(text: str, declared: str) -> str:
    """The language to mark a text of a source's record with: the source's own where the text is
    in its script, English for a Latin-script name of a source in another script ("Sputnik
    Tajikistan" for a Tajik source, "Kazinform" for an Arabic one), Arabic for Arabic script."""
    if lang_of_text(text) == "ar":
        return "ar"
    if _CYRILLIC.search(text) or declared in _LATIN_SCRIPT:
        return declared
    return "en"


def lang_of_text(text: str) -> str:
    """ "ar" for text in Arabic script, else "en" (what decides the sorting rank)."""
    return "ar" if re.search("[\u0600-\u06ff]", text) else "en"
