"""Render stage: validated content + a brief -> one HTML document per edition.

The HTML is the single description of a document: WeasyPrint lays it out for
the PDF and write_docx maps the same element tree to Word paragraphs and
tables, so the two formats cannot drift. Templates only see typed content and
the per-page helpers below; every inserted value is escaped (autoescape) and
wrapped in <bdi> so that numbers, dates and names keep their order inside text
of the other direction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import jinja2
from jinja2.loaders import split_template_path
from markupsafe import Markup, escape

from . import citations, files, formatting, model, parity, typeset
from .errors import ContentError, Problem, display_path
from .load import load
from .validate import Content, Sub, check

DIRECTION = {"ar": "rtl", "en": "ltr"}
EDITIONS = {"ar": ("ar",), "en": ("en",), "ar-en": ("ar", "en")}


class Adapter(Protocol):
    """What rendering needs of a document kind (a kinds.base.Kind; render cannot import
    the kinds, which import it): its pages, what its template gets, and one feature."""

    landscape: bool

    def pages(
        self, labels: dict[str, model.Bilingual], content: Content, langs: tuple[str, ...]
    ) -> list[Page]: ...

    def context(self, brief: Any, content: Content, doc_id: str) -> dict[str, Any]: ...


@dataclass
class Page:
    """Everything a template needs to write one language's page(s)."""

    lang: str
    labels: dict[str, model.Bilingual]
    sources: dict[str, model.Source]
    cited: list[str] = field(default_factory=list)
    digits: str = "western"  # the brief's `arabic_digits` on an Arabic page; always western in English
    months: str = "default"  # the brief's `arabic_months` on an Arabic page
    review: int = 0  # texts the document shows whose translation needs review (translations.py)
    cache: Path | None = None  # where graphics (graphics.py) are cached on disk; None: in memory only

    @property
    def dir(self) -> str:
        return DIRECTION[self.lang]

    def t(self, text: model.Bilingual) -> str:
        return getattr(text, self.lang)

    def label(self, key: str) -> str:
        return getattr(self.labels[key], self.lang)

    def review_mark(self) -> Markup:
        """For the running header: TRANSLATION TO REVIEW on every page of a document that shows a
        text whose translation needs review, as DRAFT marks a brief with fields to fill."""
        if not self.review:
            return Markup("")
        return (
            Markup('<strong class="review-run">') + escape(self.label("review_mark")) + Markup("</strong> · ")
        )

    def labelf(self, key: str, **values: Any) -> Markup:
        """A label with `{name}` slots filled by escaped values, each in <bdi>."""
        text = escape(getattr(self.labels[key], self.lang))
        return Markup(text).format(
            **{k: v if isinstance(v, Markup) else bdi(str(v)) for k, v in values.items()}
        )

    def date(self, value: Any) -> Markup:
        return bdi(formatting.date(value, self.lang, self.months))

    def date_range(self, start: Any, end: Any) -> Markup:
        """ "3–4 April 2025" / "3–4 أبريل 2025": one <bdi>, so the range keeps its order."""
        return bdi(formatting.date_range(start, end, self.lang, self.months))

    def number(self, value: float) -> Markup:
        return bdi(formatting.number(value, self.lang))

    def percent(self, value: float) -> Markup:
        return bdi(formatting.percent(value, self.lang))

    def gap(self) -> Markup:
        """A field whose content holds no value yet (`unknown`): a DRAFT mark the analyst cannot miss.
        Only a draft build shows one; `build.py --final` refuses the build (drafts.gap_problems)."""
        return Markup('<strong class="draft-field">') + escape(self.label("draft_gap")) + Markup("</strong>")

    def figure(self, fig: model.Figure) -> Markup:
        if fig.value == "unknown":
            return self.gap()
        words = {
            k: getattr(v, self.lang) for k, v in self.labels.items() if k.startswith(("scale_", "unit_"))
        }
        text = bdi(formatting.figure(fig, self.lang, words))
        return text + Markup(" (") + bdi(str(fig.year)) + Markup(")") + self.cite(fig.source)

    def cite(self, *source_ids: str | list[str] | None) -> Markup:
        """One note marker for everything a paragraph, list item or table cell rests on: the
        numbers of its sources in this page's source list, sorted and merged ("1, 3" / "1، 3").

        Written once, at the end of the clause; `markers_clear_of_words` keeps it off a
        number or a Latin word before it. Arabic numbers run right to left, so the first
        note is read first there too."""
        ids = [i for x in source_ids for i in (x if isinstance(x, (list, tuple)) else [x]) if i]
        if not ids:
            return Markup("")
        numbers = sorted({self.source_number(i) for i in ids})
        text = (self.label("comma") + " ").join(str(n) for n in numbers)
        return Markup(f'<sup class="cite"><bdi dir="{self.dir}">') + escape(text) + Markup("</bdi></sup>")

    @cached_property
    def citations(self) -> citations.Citations:
        """Notes and bibliography entries in this page's language (set by the CSL processor)."""
        return citations.Citations(self.sources, self.lang, self.months)

    def source_number(self, source_id: str) -> int:
        """A source's number in this page's source list, registering it on first use."""
        if source_id not in self.cited:
            self.cited.append(source_id)
        return self.cited.index(source_id) + 1

    def bibliography(self, short: bool = False) -> list[Markup]:
        """This page's numbered source list, in the order cited: one full note per source (author,
        title, publisher, date, link), or, `short` for a page that has no room for them (a
        one-page profile with a dozen sources), author and title only."""
        return self.citations.short_notes(self.cited) if short else self.citations.notes(self.cited)

    def claim(self, claim: model.DateClaim) -> Markup:
        """A date as a source gives it: a day or a span of days (a DRAFT mark while it has none)."""
        if claim.start == "unknown":
            return self.gap()
        if claim.end is None:
            return self.date(claim.start)
        start, end = model.PartialDate(claim.start), model.PartialDate(claim.end)
        if start.precision == end.precision == "day" and start[:7] == end[:7]:
            # "3–4 April 2025" / "3–4 أبريل 2025": the day range, then month and year once.
            return bdi(f"{start.parts[2]}–{formatting.date(end, self.lang)}")
        return bdi(f"{formatting.date(start, self.lang)} – {formatting.date(end, self.lang)}")


def in_language(text: str, lang: str) -> Markup:
    """A text in its own language (a source's name inside a sentence of the other one):
    marked, so it is read in that language, and isolated in its own direction."""
    return (
        Markup('<span lang="{}" dir="{}">').format(lang, DIRECTION.get(lang, "ltr"))
        + escape(text)
        + Markup("</span>")
    )


def bdi(text: str) -> Markup:
    """An inserted value, escaped and isolated so it keeps its order inside text of the other direction."""
    return Markup("<bdi>") + escape(text) + Markup("</bdi>")


MAX_TEMPLATE_BYTES = 1_000_000


class ProjectLoader(jinja2.BaseLoader):
    """Templates (and what they include) from the templates folder only: regular files
    inside it (files.read_inside), so an include cannot show a file from elsewhere."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = self.root.joinpath(*split_template_path(template))  # refuses ".." itself
        if not path.exists() and not path.is_symlink():
            raise jinja2.TemplateNotFound(template)
        try:
            source = files.read_inside(path, self.root, MAX_TEMPLATE_BYTES, "templates").decode("utf-8")
        except files.Refused as exc:
            raise ContentError([Problem(display_path(path), 1, 1, "", str(exc))]) from None
        except UnicodeDecodeError as exc:
            raise ContentError([Problem(display_path(path), 1, 1, "", f"not UTF-8 ({exc.reason})")]) from None
        stamp = path.stat().st_mtime_ns
        return source, str(path), lambda: path.exists() and path.stat().st_mtime_ns == stamp


_environments: dict[tuple[Path, str], jinja2.Environment] = {}


def environment(templates: Path, digest: str | None = None) -> jinja2.Environment:
    """The templates' Jinja environment. Given `digest` (incremental.shared_digests' hash of
    every template file's bytes), one per process and digest, so a template is compiled once
    (watch mode): an edited template has another digest, and so a new environment."""
    if digest is not None:
        key = (Path(templates), digest)
        if key not in _environments:
            _environments.clear()  # only the current templates are worth keeping
            _environments[key] = environment(templates)
        return _environments[key]
    env = jinja2.Environment(
        loader=ProjectLoader(templates),
        autoescape=True,  # content is data: markup in a text field shows literally
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def load_labels(templates: Path) -> dict[str, model.Bilingual]:
    doc = load(templates / "labels.yaml")
    problems = parity.check(doc)
    labels = {}
    for key in doc.data:
        value, found = check(model.Bilingual, Sub(doc, (key,)))
        problems += found
        labels[key] = value
    if problems:
        raise ContentError(problems)
    return labels


def render(
    env: jinja2.Environment,
    labels: dict[str, model.Bilingual],
    kind: Adapter,
    brief: model.BriefBase,
    content: Content,
    doc_id: str,
    edition: str,
    review: int = 0,
    cache: Path | None = None,
) -> str:
    """The HTML of one document in one edition: the kind's template, given the kind's
    pages and context, and `landscape` (a declared feature the base template reads);
    `review`: how many texts it shows whose translation needs review (marked in the header);
    `cache`: the folder graphics are cached in (none: memory only, as for --check)."""
    template = env.get_template(f"{brief.template}.html.j2")
    pages = kind.pages(labels, content, EDITIONS[edition])
    for page in pages:  # the brief's Arabic digits and month names, on its Arabic pages only
        page.review = review
        page.cache = cache
        if page.lang == "ar":
            page.digits, page.months = brief.arabic_digits, brief.arabic_months
    context = kind.context(brief, content, doc_id)
    html = template.render(brief=brief, pages=pages, edition=edition, landscape=kind.landscape, **context)
    html = markers_clear_of_words(html)
    if (brief.arabic_digits != "western" or brief.arabic_months != "default") and any(
        p.lang == "ar" for p in pages
    ):
        html = arabic_text(html, brief.arabic_digits, brief.arabic_months)
    html = typeset.apply(html)  # numbers with their units, dates, ranges and names kept on one line
    return html


# Where a note marker starts (a source-list number or a footnote), and what may stand before it:
# one character (not a space, nor the end of a tag), then only closing tags.
_MARKER = re.compile(r'<sup class="cite"|<span class="footnote"')
_BEFORE_MARKER = re.compile(r"([^\s>\u202f])((?:</[a-z]+>)*)\Z")
_GLUED = re.compile(r"[0-9A-Za-z\u00C0-\u024F\u0660-\u0669]")  # a digit or a Latin letter
NARROW_SPACE = "\u202f"
WORD_JOINER = "\u2060"
_CLOSING_TAGS_SEEN = 512  # characters looked at before a marker: its run of closing tags fits


def markers_clear_of_words(html: str) -> str:
    """A note marker kept on the line of the word before it, and off it where it would read wrong.

    "79¹" reads as a power and "COP29³" as part of the name: a narrow no-break space keeps
    them apart and on one line. After punctuation ("2020.¹") a word joiner only: the line
    breaker may otherwise break between a full stop and a number and start a line with "¹⁷".
    Only what stands before each marker is read: the page's data: URLs (a few hundred KB of
    maps) are not scanned a character at a time.
    """
    out, last = [], 0
    for marker in _MARKER.finditer(html):
        start = marker.start()
        before = _BEFORE_MARKER.search(html, max(last, start - _CLOSING_TAGS_SEEN), start)
        if before:
            out += [html[last:start], NARROW_SPACE if _GLUED.match(before.group(1)) else WORD_JOINER]
            last = start
    return "".join(out) + html[last:]


def arabic_text(html: str, digits: str, months: str) -> str:
    """The brief's digits and month names in every text of the Arabic pages.

    Digits: Arabic-Indic when the brief says so. Months: formatted dates already
    use the brief's names; month names typed inside content next to a day or a
    year ("في 2 أبريل 2025") are changed to them here too.

    Done once on the finished HTML, so it reaches everything a reader sees on
    those pages: formatted values, table figures, note numbers, and digits
    typed inside content text. Only text nodes change (never attributes, so
    CSS widths stay numbers), only where the nearest `lang` is Arabic (an
    English source title keeps its digits), and digits inside Latin names
    (COP29) stay as they are. Both formats read this HTML, so they agree.
    """
    import lxml.html
    from lxml.html import HtmlElement

    root = lxml.html.document_fromstring(html)

    def convert(text: str) -> str:
        text = formatting.months_in_text(text, months)
        return formatting.arabic_indic(text) if digits == "arabic-indic" else text

    def lang_of(el: HtmlElement | None) -> str:
        while el is not None:
            if el.get("lang"):
                return el.get("lang")
            el = el.getparent()
        return ""

    for article in root.iter("article"):
        if article.get("lang") != "ar":
            continue
        for el in article.iter():
            if not isinstance(el.tag, str) or el.tag in ("style", "script"):
                continue
            if el.text and lang_of(el) == "ar":
                el.text = convert(el.text)
            if el is not article and el.tail and lang_of(el.getparent()) == "ar":
                el.tail = convert(el.tail)
    return lxml.html.tostring(root, doctype="<!DOCTYPE html>", encoding="unicode")
