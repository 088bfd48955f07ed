"""Write stage (HTML): a document's HTML -> one self-contained, script-free web page.

The page is the HTML the PDF and DOCX are made from (one set of templates), made
fit for a browser:

- its stylesheets inlined: the print CSS as it is (a browser printing the page
  uses it) and `templates/screen.css` for screens (a readable measure, a phone
  layout, the bilingual columns stacked on a narrow screen);
- the bundled fonts, by @font-face from `OUT/_assets/fonts/` (library.py copies
  them there; the OFL allows it, with the licence beside them);
- footnotes as endnotes at the end of their language's text, each call a link
  to its note and each note's number a link back; source numbers (sup.cite)
  link to their entry in the page's source list;
- a navigation bar: the library, the other editions of the document, its PDF
  and DOCX;
- wide data tables in a scrolling region, so no table widens a phone's page;
- a Content-Security-Policy that allows no script and no fetch beyond the
  page's own styles, data: images and the fonts beside it.

One door, as for the PDF (write_pdf.ProjectFetcher): the rendered HTML may hold
only what is ours. A script, an event attribute, a stylesheet that is not a file
in templates/, an <img> that is not a data: URL, a CSS url() that is not data:,
or any other URL-bearing attribute is refused, and the build fails naming the
document and the template line. A link leaves the page only as a source's
address (`a.src-link`, made by citations.py from a validated http(s) URL), and
it sends no referrer: the reader's copy of a brief stays unnamed to the site. Content is escaped when rendered (Jinja
autoescape): markup in content reaches this stage as text and stays text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import lxml.html
from lxml.html import HtmlElement

from .errors import Problem, locate
from .files import TEMPLATES
from .jobs import Metadata

ASSETS = "_assets"  # OUT/_assets/: not a plain name (jobs.SAFE_NAME), so no brief can take it
FONT_DIR = f"{ASSETS}/fonts"
# The bundled fonts as the browser sees them: file in fonts/ -> (family, weight, style).
FONT_FACES: dict[str, tuple[str, int, str]] = {
    "NotoNaskhArabic-Regular.ttf": ("Noto Naskh Arabic", 400, "normal"),
    "NotoNaskhArabic-Bold.ttf": ("Noto Naskh Arabic", 700, "normal"),
    "NotoSerif-Regular.ttf": ("Noto Serif", 400, "normal"),
    "NotoSerif-Bold.ttf": ("Noto Serif", 700, "normal"),
    "NotoSerif-Italic.ttf": ("Noto Serif", 400, "italic"),
}
SCREEN_CSS = "screen.css"
# No script at all; styles only from the page itself; images only as data: URLs; fonts only
# from the page's own site (the files beside it). Nothing else may be fetched or framed.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'self'; "
    "base-uri 'none'; form-action 'none'"
)
DIRECTION = {"ar": "rtl", "en": "ltr"}

FORBIDDEN_TAGS = {
    "script", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
    "form", "input", "button", "audio", "video", "source", "track", "portal", "svg", "math",
}  # fmt: skip
# Attributes that make a browser fetch or navigate (besides <a href>, <img src>, <link href>).
URL_ATTRIBUTES = {
    "src", "srcset", "poster", "background", "action", "formaction", "data", "codebase",
    "longdesc", "ping", "manifest", "xlink:href", "cite", "usemap", "imagesrcset",
}  # fmt: skip
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)|@import\s+(['\"])(.*?)\3", re.IGNORECASE | re.DOTALL)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_WEB = re.compile(r"^https?://[^\s/?#]+[^\s]*$")  # a source's address (model.Url)
SOURCE_LINK = "src-link"  # the class of a link to a source's address (citations.link_to)
_NUMBER = re.compile(r"[0-9\u0660-\u0669]+")
_TO_WESTERN = str.maketrans("\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669", "0123456789")


class Refused(Exception):
    """What the rendered HTML asks for that a page of ours may not: (URL or thing, why) each."""

    def __init__(self, refused: list[tuple[str, str]]):
        self.refused = refused
        super().__init__("; ".join(f"{what!r}: {why}" for what, why in refused))


def write(html: str, target: Path, metadata: Metadata, *, templates: Path = TEMPLATES) -> None:
    target.write_bytes(page(html, metadata, templates=templates))


def problems(name: str, exc: Refused, *, templates: Path, template: str) -> list[Problem]:
    """A refusal in the build's one-line form, at the template or stylesheet line that asks."""
    return [
        Problem(*locate(templates, template, what), "(fetch)", f"{name}: refused {what!r}: {why}")
        for what, why in exc.refused
    ]


def page(html: str, metadata: Metadata, *, templates: Path = TEMPLATES) -> bytes:
    """The web page of one document edition (see the module docstring); raises Refused."""
    root = lxml.html.document_fromstring(html)
    head, body = root.find("head"), root.find("body")
    styles, refused = _inline_stylesheets(head, templates)
    refused = check(root) + refused
    if refused:
        raise Refused(refused)
    web: dict[str, Any] = metadata["web"]
    finish_head(head, templates, prefix="../", title=metadata["title"], styles=styles)
    main = lxml.html.Element("main")
    for child in list(body):
        main.append(child)
    body.append(_nav(web, metadata["lang"]))
    body.append(main)
    for img in main.iter("img"):  # the DOCX's raster copy of a graphic: a browser shows the SVG
        img.attrib.pop("data-png", None)
    _link_citations(main)
    _source_links(main)
    _endnotes(main, web["labels"])
    _scrolling_tables(main, web["labels"])
    return serialise(root)


def serialise(root: HtmlElement) -> bytes:
    return lxml.html.tostring(root, doctype="<!DOCTYPE html>", encoding="utf-8", method="html") + b"\n"


def font_faces(prefix: str) -> str:
    """@font-face rules for the bundled fonts, from a page `prefix` away from OUT/."""
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
        f'src: url("{prefix}{FONT_DIR}/{name}") format("truetype"); font-display: swap; }}'
        for name, (family, weight, style) in FONT_FACES.items()
    )


def _inline_stylesheets(head: HtmlElement, templates: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """The linked stylesheets' text (each a file in templates/), the links removed; and what was refused."""
    styles, refused = [], []
    for link in head.findall("link"):
        href = link.get("href", "")
        path = (templates / href).resolve()
        if link.get("rel") == "stylesheet" and path.parent == templates.resolve() and path.is_file():
            css = path.read_text(encoding="utf-8")
            refused += _refused_css(css)
            styles.append(css)
        else:
            refused.append((href, "only stylesheets in templates/ may be linked (they are inlined)"))
        head.remove(link)
    return styles, refused


def finish_head(
    head: HtmlElement, templates: Path, *, prefix: str, title: str | None = None, styles: Sequence[str] = ()
) -> None:
    """Charset, viewport, CSP and title first; then the fonts (`prefix` away from OUT/), the
    document's print CSS, and the screen CSS last, so that it wins on a screen."""
    for meta in head.findall("meta"):
        if meta.get("charset"):
            head.remove(meta)
    first = [
        _el("meta", charset="utf-8"),
        _el("meta", name="viewport", content="width=device-width, initial-scale=1"),
        _el("meta", attrs={"http-equiv": "Content-Security-Policy", "content": CSP}),
    ]
    if title is not None:
        for old in head.findall("title"):
            head.remove(old)
        first.append(_el("title", text=title))
    for i, el in enumerate(first):
        head.insert(i, el)
    screen = (templates / SCREEN_CSS).read_text(encoding="utf-8")
    for css in [font_faces(prefix), *styles, screen]:
        head.append(_el("style", text="\n" + css.strip() + "\n"))


def _el(
    tag: str,
    text: str | None = None,
    children: Sequence[HtmlElement] = (),
    attrs: dict[str, str] | None = None,
    **named: str,
) -> HtmlElement:
    """An element: `named` attributes with `_` for `-` (`aria_label`) and a trailing `_` dropped
    (`class_`); `attrs` as written."""
    el = lxml.html.Element(tag)
    for key, value in named.items():
        el.set(key.rstrip("_").replace("_", "-"), value)
    for key, value in (attrs or {}).items():
        el.set(key, value)
    if text is not None:
        el.text = text
    for child in children:
        el.append(child)
    return el


def _label(labels: dict, key: str, lang: str) -> str:
    return labels[key][lang]


def _nav_group(label: str, ident: str, items: list) -> HtmlElement:
    """One group of the edition bar: its label, then its list, named by the label."""
    return _el(
        "li",
        children=[
            _el("span", label, class_="nav-label", id=ident),
            _el("ul", children=items, aria_labelledby=ident),
        ],
    )


def _nav(web: dict, lang: str) -> HtmlElement:
    """The bar above the document: the library; this document's editions (each named in
    its own language); its other formats. The current edition is marked, not linked."""
    labels = web["labels"]
    items: list[HtmlElement] = [
        _el("li", children=[_el("a", _label(labels, "web_library", lang), href=web["library"])])
    ]
    editions = []
    for ed in web["editions"]:
        name_lang = ed["edition"] if ed["edition"] in DIRECTION else lang
        attrs = {"lang": name_lang, "dir": DIRECTION[name_lang]} if name_lang != lang else {}
        text = _label(labels, f"web_edition_{ed['edition']}", name_lang)
        if ed["current"]:
            editions.append(
                _el("li", children=[_el("span", text, attrs=attrs, aria_current="page", class_="current")])
            )
        else:
            editions.append(_el("li", children=[_el("a", text, attrs=attrs, href=ed["href"])]))
    items.append(_nav_group(_label(labels, "web_editions", lang), "nav-editions", editions))
    if web["formats"]:
        formats = [
            _el("li", children=[_el("a", children=[_el("bdi", f["label"])], href=f["href"], type=f["type"])])
            for f in web["formats"]
        ]
        items.append(_nav_group(_label(labels, "web_download", lang), "nav-formats", formats))
    return _el(
        "nav",
        class_="edition-nav",
        aria_label=_label(labels, "web_nav", lang),
        children=[_el("ul", children=items)],
    )


# -- Notes ---------------------------------------------------------------------------
def _block(el: HtmlElement) -> HtmlElement:
    """The language block an element is in: its article, or its cell of a bilingual table row."""
    for anc in el.iterancestors():
        if anc.tag in ("article", "td") and anc.get("lang") and anc.get("dir"):
            return anc
    raise ValueError("text outside any article")


def _article(el: HtmlElement) -> HtmlElement:
    return el if el.tag == "article" else next(a for a in el.iterancestors() if a.tag == "article")


def _text_of(el: HtmlElement) -> tuple[int, str]:
    """Whose notes and sources an element's are: its article's, in its block's language
    (the bilingual backgrounder's one article holds both languages, cell by cell)."""
    block = _block(el)
    return id(_article(block)), block.get("lang")


def _digits(el: HtmlElement, n: int) -> str:
    """A note number in the digits of its text (Arabic-Indic where the brief asks, in Arabic)."""
    block = _block(el) if el.tag not in ("article", "td") else el
    indic = block.get("lang") == "ar" and "digits-arabic-indic" in _article(block).get("class", "")
    return str(n).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) if indic else str(n)


def _endnotes(main: HtmlElement, labels: dict) -> None:
    """Each footnote (span.footnote, a float: footnote in the PDF) becomes a numbered call,
    a link to its note; the notes go to the end of their article, one list per language,
    numbered from 1 as the PDF numbers them, each number a link back to its call."""
    notes: dict[tuple[int, str], list] = {}  # (article, lang) -> [block, [span]]
    for span in list(main.iter("span")):
        if "footnote" not in span.get("class", "").split():
            continue
        entry = notes.setdefault(_text_of(span), [_block(span), []])
        entry[1].append(span)
        n = len(entry[1])
        lang = entry[0].get("lang")
        call = _el(
            "a",
            href=f"#fn-{lang}-{n}",
            id=f"fnref-{lang}-{n}",
            class_="fn-call",
            role="doc-noteref",
            children=[_el("sup", children=[_el("bdi", _digits(span, n))])],
        )
        call.tail = span.tail
        span.getparent().replace(span, call)
    for block, spans in notes.values():
        lang = block.get("lang")
        items = []
        for n, span in enumerate(spans, 1):
            back = _el(
                "a",
                href=f"#fnref-{lang}-{n}",
                class_="fn-back",
                role="doc-backlink",
                aria_label=_label(labels, "web_back_to_text", lang).format(n=_digits(block, n)),
                children=[_el("bdi", _digits(block, n))],
            )
            li = _el("li", id=f"fn-{lang}-{n}", children=[back])
            back.tail = " " + (span.text or "")
            for child in span:
                li.append(child)
            items.append(li)
        _article(block).append(
            _el(
                "section",
                class_="endnotes",
                role="doc-endnotes",
                aria_labelledby=f"notes-{lang}",
                lang=lang,
                dir=block.get("dir"),
                children=[
                    _el("h2", _label(labels, "web_notes", lang), id=f"notes-{lang}"),
                    _el("ol", children=items),
                ],
            )
        )


def _link_citations(main: HtmlElement) -> None:
    """Source numbers (sup.cite) become links to their entry in the source list
    (section.sources) of their article and language, where there is one."""
    lists: dict[tuple[int, str], list[HtmlElement]] = {}
    for section in main.iter("section"):
        if "sources" in section.get("class", "").split():
            ol = section.find(".//ol")
            if ol is not None:
                lists[_text_of(section)] = [li for li in ol if li.tag == "li"]
    for (_, lang), entries in lists.items():
        for i, li in enumerate(entries, 1):
            li.set("id", f"src-{lang}-{i}")
    for sup in list(main.iter("sup")):
        if "cite" not in sup.get("class", "").split():
            continue
        key = _text_of(sup)
        entries = lists.get(key, [])
        for bdi in sup.iter("bdi"):
            if len(bdi) == 0 and bdi.text:
                _link_numbers(bdi, len(entries), key[1])


def _source_links(main: HtmlElement) -> None:
    """A link to a source's address sends no referrer: the address of the reader's copy
    of a brief (a desk's server, a meeting's name in the file name) stays theirs."""
    for a in main.iter("a"):
        if SOURCE_LINK in a.get("class", "").split():
            a.set("rel", "noreferrer")


def _link_numbers(el: HtmlElement, count: int, lang: str) -> None:
    """Each number 1..count in `el`'s text becomes a link to source entry n; the rest stays text."""
    text, el.text = el.text or "", ""
    last: HtmlElement | None = None
    pos = 0

    def add(piece: str) -> None:
        if last is None:
            el.text = (el.text or "") + piece
        else:
            last.tail = (last.tail or "") + piece

    for m in _NUMBER.finditer(text):
        add(text[pos : m.start()])
        n = int(m.group().translate(_TO_WESTERN))
        if 1 <= n <= count:
            last = _el("a", m.group(), href=f"#src-{lang}-{n}")
            el.append(last)
        else:
            add(m.group())
        pos = m.end()
    add(text[pos:])


def _lang_of(el: HtmlElement) -> str:
    for anc in (el, *el.iterancestors()):
        if anc.get("lang"):
            return anc.get("lang")
    return ""


# -- Wide tables ---------------------------------------------------------------------
def _scrolling_tables(main: HtmlElement, labels: dict) -> None:
    """A data table of three or more columns scrolls inside its own region on a narrow
    screen (keyboard-reachable: tabindex; named after the heading or caption above it,
    each name unique on the page), instead of widening the page."""
    heading, above, names = "", {}, set()
    for el in main.iter():
        if el.tag in ("h1", "h2", "h3") or "caption" in el.get("class", "").split():
            heading = " ".join(el.text_content().split())
        elif el.tag == "table":
            above[el] = heading
    for table in list(main.iter("table")):
        if table.get("role") == "presentation" or any(
            a.tag == "table" and a.get("role") != "presentation" for a in table.iterancestors()
        ):
            continue
        columns = max((len(tr.findall("td")) + len(tr.findall("th")) for tr in table.iter("tr")), default=0)
        if columns < 3:
            continue
        lang = _lang_of(table)
        name = _label(labels, "web_table", lang) + (f": {above[table]}" if above[table] else "")
        unique, n = name, 1
        while unique in names:
            n += 1
            unique = f"{name} ({n})"
        names.add(unique)
        wrapper = _el("div", class_="table-scroll", role="region", tabindex="0", aria_label=unique)
        wrapper.tail, table.tail = table.tail, None
        table.getparent().replace(table, wrapper)
        wrapper.append(table)


# -- The door ------------------------------------------------------------------------
def _refused_css(css: str) -> list[tuple[str, str]]:
    found = []
    for m in _CSS_URL.finditer(css):
        url = m.group(2) if m.group(2) is not None else m.group(4)
        if m.group(4) is not None or not url.startswith("data:"):
            found.append((url, "a page may load only data: URLs from its styles; nothing is fetched"))
    return found


def check(root: HtmlElement) -> list[tuple[str, str]]:
    """What in a page would run a script or fetch anything: (what, why) each."""
    found: list[tuple[str, str]] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in FORBIDDEN_TAGS or el.tag == "link":
            found.append((f"<{el.tag}>", "no script, frame, form, link or embedded object in a page"))
            continue
        for name, value in el.attrib.items():
            if name.lower().startswith("on"):
                found.append((f"{name}=", "no event handler (script) in a page"))
            elif name == "href" and el.tag == "a":
                if SOURCE_LINK in el.get("class", "").split() and _WEB.match(value):
                    pass  # a source's address (see _source_links)
                elif _SCHEME.match(value) or value.startswith(("/", "\\")):
                    found.append(
                        (value, "a link may point only inside the page, to a file beside it or to a source")
                    )
            elif name == "src" and el.tag == "img":
                if not value.startswith("data:"):
                    found.append((value, "an image must be a data: URL; nothing is fetched"))
            elif name.lower() in URL_ATTRIBUTES:
                found.append((value, f"{name} would make the browser fetch it"))
            elif name == "style":
                found += _refused_css(value)
        if el.tag == "style":
            found += _refused_css(el.text or "")
        if el.tag == "meta" and el.get("http-equiv"):
            found.append((f"<meta http-equiv={el.get('http-equiv')}>", "the page sets its own policy"))
    return found
