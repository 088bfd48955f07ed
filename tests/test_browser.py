"""The HTML edition and the library page in a real browser (Chromium, tests/browser.py).

Every page of the full build (each document in each edition, and the library in
both languages) is opened at a phone's width (360 px) and a desktop's (1280 px)
and measured as a reader meets it: Arabic blocks computed right-to-left and
right-aligned, the navigation and the contents on the right in Arabic, nothing
wider than the window, no word of a heading or table head broken inside, no page
number's label without its number, every link to a file in out/, nothing requested
from anywhere else, no script; and axe, the accessibility checker, finds nothing.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest

from .browser import HEIGHT, WIDTHS, chromium, serve

# One pass over a page: what the tests below check, measured in the browser.
MEASURE = r"""
() => {
  const W = document.documentElement.clientWidth;
  const arabic = /[\u0600-\u06FF]/;
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') +
    ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
  const scrolls = el => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
  const langOf = el => { const l = el.closest('[lang]'); return l ? l.getAttribute('lang') : ''; };
  const result = {width: W, scrollWidth: document.documentElement.scrollWidth, overflowing: [], blocks: [],
                  unmarked: [], links: [], scripts: document.scripts.length,
                  csp: !!document.querySelector('meta[http-equiv="Content-Security-Policy"]'),
                  htmlLang: document.documentElement.lang, htmlDir: document.documentElement.dir};
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.display === 'contents') continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > W + 0.5 || r.left < -0.5) && !scrolls(el))
      result.overflowing.push(describe(el) + ` spans ${r.left.toFixed(1)} to ${r.right.toFixed(1)} of ${W}`);
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('');
    if (arabic.test(own) && langOf(el) !== 'ar') result.unmarked.push(describe(el));
    const block = !style.display.startsWith('inline') && style.display !== 'ruby';
    // An Arabic block in an English column (a name in its second script) sits on that column's side.
    const column = el.closest('article[lang], td[lang]');
    if (block && arabic.test(el.textContent) && langOf(el) === 'ar' && el.textContent.trim())
      result.blocks.push({what: describe(el), direction: style.direction, align: style.textAlign,
                          num: el.classList.contains('num'), column: column ? column.getAttribute('lang') : 'ar'});
  }
  result.links = [...document.querySelectorAll('a[href]:not(.src-link)')].map(a => a.href);
  result.sourceLinks = [...document.querySelectorAll('a.src-link')].map(a => [a.href, a.rel]);
  // A word in a table's head or a heading wider than its box, so broken inside (hyphenated names
  // and URLs break where they may).
  result.brokenWords = [];
  const ctx = document.createElement('canvas').getContext('2d');
  for (const el of document.querySelectorAll('th, h1, h2, h3')) {
    if (!el.getClientRects().length) continue;
    const s = getComputedStyle(el);
    const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {  // each text in its own font
      const f = getComputedStyle(node.parentElement);
      ctx.font = `${f.fontStyle} ${f.fontWeight} ${f.fontSize} ${f.fontFamily}`;
      for (const w of node.textContent.split(/\s+/).filter(w => w && !/[-\/]/.test(w)))
        if (ctx.measureText(w).width > room + 1) result.brokenWords.push(describe(el) + ` breaks "${w}"`);
    }
  }
  // A page number's label ("page", "of") with no number to show on a screen.
  result.folios = [...document.querySelectorAll('.pg-num, .pg-count')].map(n => n.parentElement)
      .filter(el => el.getClientRects().length).map(describe);
  const box = el => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top}; };
  const nav = document.querySelector('nav.edition-nav > ul');
  if (nav) { const s = getComputedStyle(nav);
    result.nav = {box: box(nav), padEnd: parseFloat(s.paddingLeft), padStart: parseFloat(s.paddingRight),
                  items: [...nav.children].map(box)}; }
  result.toc = [...document.querySelectorAll('.toc')].map(t => ({lang: langOf(t), box: box(t),
      entries: [...t.querySelectorAll('.toc-entry')].map(p => ({p: box(p), a: box(p.querySelector('a'))}))}));
  const header = document.querySelector('.library-header');
  if (header) result.library = {h1: box(header.querySelector('h1')), header: box(header),
      pad: parseFloat(getComputedStyle(header).paddingRight), switch: box(header.querySelector('.language-switch a'))};
  // The first row of the side-by-side layout (the bilingual backgrounder, the tracker's cover).
  result.bilingual = [...document.querySelectorAll('table.bi > tbody > tr')].slice(0, 1).map(tr =>
      [...tr.children].map(td => ({lang: td.getAttribute('lang'), box: box(td)})));
  return result;
}
"""


def pages(out: Path) -> list[str]:
    """Every HTML page of a build, relative to out/."""
    return sorted(str(p.relative_to(out)) for p in out.rglob("*.html"))


@pytest.fixture(scope="module")
def visits(built):
    return visit_all(built)


def visit_all(built: Path) -> dict[tuple[str, int], dict]:
    """Each page at each width: what MEASURE found, the URLs it requested, axe's violations."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: dict[tuple[str, int], dict] = {}
    with serve(built) as base, chromium() as browser:
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": HEIGHT[width]})
            page = context.new_page()
            requested: list[str] = []
            failed: list[str] = []
            page.on("request", lambda r, seen=requested: seen.append(r.url))
            page.on("requestfailed", lambda r, seen=failed: seen.append(r.url))
            for rel in pages(built):
                requested.clear()
                failed.clear()
                page.goto(base + rel, wait_until="load")
                page.evaluate("document.fonts.ready")
                data = page.evaluate(MEASURE)
                data["requested"], data["failed"] = list(requested), list(failed)
                data["violations"] = [
                    f"{v['id']} ({v['impact']}): {v['help']}: "
                    + "; ".join(str(n["target"]) for n in v["nodes"][:4])
                    for v in axe.run(page).response["violations"]
                ]
                data["base"] = base
                found[(rel, width)] = data
            context.close()
    return found


def report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems[:60])


def test_every_document_edition_and_the_library_in_both_languages_are_pages(built):
    names = pages(built)
    assert {"index.html", "index.en.html"} <= set(names)
    for brief in ("country-profiles", "roadmap-tracker", "samarkand-summit"):
        assert any(n.startswith(brief + "/") and n.endswith(".ar-en.html") for n in names), brief
    assert len(names) == len(list(built.rglob("*.pdf"))) + 2


def test_no_page_runs_a_script_or_requests_anything_from_outside_out(visits):
    problems = []
    for (rel, width), data in visits.items():
        if data["scripts"] or not data["csp"]:
            problems.append(f"{rel}: {data['scripts']} script(s), policy {data['csp']}")
        for url in data["requested"]:
            if not url.startswith(data["base"]):
                problems.append(f"{rel} @{width}: requested {url[:80]}")
        problems += [f"{rel} @{width}: failed to load {url}" for url in data["failed"]]
    assert not problems, report(problems)


def test_arabic_blocks_are_right_to_left_and_right_aligned_and_arabic_text_is_marked(visits):
    problems = []
    for (rel, width), data in visits.items():
        for block in data["blocks"]:
            aligned = (
                block["align"] in ("right", "start")
                or (block["num"] and block["align"] == "center")
                or (block["column"] == "en" and block["align"] == "left")
            )
            if block["direction"] != "rtl" or not aligned:
                problems.append(f"{rel} @{width}: {block['what']}: {block['direction']}, {block['align']}")
        problems += [f"{rel} @{width}: Arabic text outside lang=ar: {what}" for what in data["unmarked"]]
    assert not problems, report(problems)
    checked = sum(len(d["blocks"]) for d in visits.values())
    assert checked > 1000, checked  # the check saw the Arabic pages


def test_navigation_and_contents_sit_on_the_right_in_arabic_and_on_the_left_in_english(visits):
    problems = []
    for (rel, width), data in visits.items():
        rtl = data["htmlDir"] == "rtl"
        nav = data.get("nav")
        if nav:  # the first item (the library) is where reading starts: the right in Arabic
            first, rest = nav["items"][0], nav["items"][1:]
            if rtl and not (first["right"] >= max(i["right"] for i in rest) - 1):
                problems.append(f"{rel} @{width}: navigation starts at {first}, not on the right")
            if not rtl and not (first["left"] <= min(i["left"] for i in rest) + 1):
                problems.append(f"{rel} @{width}: navigation starts at {first}, not on the left")
        for toc in data["toc"]:
            for entry in toc["entries"]:
                side = "right" if toc["lang"] == "ar" else "left"
                if abs(entry["a"][side] - entry["p"][side]) > 1:
                    problems.append(f"{rel} @{width}: a {toc['lang']} contents entry is not on the {side}")
        lib = data.get("library")
        if lib:
            side = "right" if rtl else "left"
            inner = lib["header"][side] + (-lib["pad"] if rtl else lib["pad"])
            for what in ("h1", "switch"):
                if abs(lib[what][side] - inner) > 1:
                    problems.append(f"{rel} @{width}: the library's {what} is not on the {side}")
    assert not problems, report(problems)
    assert any(d["toc"] for d in visits.values())  # the backgrounder's contents were measured


def test_bilingual_columns_sit_side_by_side_on_a_desktop_and_stack_arabic_first_on_a_phone(visits):
    seen = 0
    for (rel, width), data in visits.items():
        for row in data["bilingual"]:
            seen += 1
            ar, en = (next(c["box"] for c in row if c["lang"] == lang) for lang in ("ar", "en"))
            if width >= 1280:
                assert ar["left"] >= en["right"] and ar["top"] == en["top"], (rel, row)
            else:
                assert en["top"] > ar["top"] and abs(en["left"] - ar["left"]) < 1, (rel, row)
    assert seen >= 2 and ("samarkand-summit/samarkand-summit-2025.ar-en.html", 360) in visits
    assert visits[("samarkand-summit/samarkand-summit-2025.ar-en.html", 360)]["bilingual"]


def test_nothing_is_wider_than_a_phone_or_a_desktop_window(visits):
    problems = []
    for (rel, width), data in visits.items():
        if data["scrollWidth"] > data["width"]:
            problems.append(f"{rel} @{width}: page is {data['scrollWidth']} px wide")
        problems += [f"{rel} @{width}: {what}" for what in data["overflowing"]]
    assert not problems, report(problems)


@cache
def _ids(path: Path) -> set[str]:
    return set(lxml.html.parse(str(path)).getroot().xpath("//@id"))


def test_every_link_resolves_to_a_file_in_out_and_every_fragment_to_an_element(built, visits):
    problems, checked = [], 0
    for (rel, width), data in visits.items():
        if width != WIDTHS[0]:
            continue
        for url in data["links"]:
            checked += 1
            if not url.startswith(data["base"]):
                problems.append(f"{rel}: link outside out/: {url}")
                continue
            parts = urlsplit(url)
            target = built / unquote(parts.path.lstrip("/"))
            if not target.is_file() or not target.resolve().is_relative_to(built.resolve()):
                problems.append(f"{rel}: link to a missing file: {url}")
            elif parts.fragment and parts.fragment not in _ids(target):
                problems.append(f"{rel}: link to a missing element: {url}")
    assert not problems, report(problems)
    assert checked > 500, checked


def test_links_leave_out_only_for_a_sources_web_address_and_send_no_referrer(visits):
    """The one kind of link out of out/ (write_html's door): a source's address, http(s)."""
    problems, checked = [], 0
    for (rel, width), data in visits.items():
        for url, rel_attr in data["sourceLinks"] if width == WIDTHS[0] else ():
            checked += 1
            if urlsplit(url).scheme not in ("http", "https") or rel_attr != "noreferrer":
                problems.append(f"{rel}: source link {url!r} (rel={rel_attr!r})")
    assert not problems, report(problems)
    assert checked > 100, checked


def test_no_word_of_a_heading_or_a_table_head_is_broken_inside(visits):
    problems = [f"{rel} @{width}: {w}" for (rel, width), data in visits.items() for w in data["brokenWords"]]
    assert not problems, report(problems)


def test_no_page_number_label_is_shown_without_its_number(visits):
    # The running footer holds "page N of M" in print; a screen has no pages, so the words go too.
    problems = [f"{rel} @{width}: {what}" for (rel, width), data in visits.items() for what in data["folios"]]
    assert not problems, report(problems)


def test_axe_finds_no_accessibility_violation(visits):
    problems = [f"{rel} @{width}: {v}" for (rel, width), data in visits.items() for v in data["violations"]]
    assert not problems, report(problems)


def test_footnotes_are_endnotes_linked_there_and_back(built):
    page = built / "samarkand-summit" / "samarkand-summit-2025.en.html"
    root = lxml.html.parse(str(page)).getroot()
    calls = root.xpath("//a[@class='fn-call']")
    notes = root.xpath("//section[contains(@class, 'endnotes')]//li")
    assert calls and len(calls) == len(notes)
    for call, note in zip(calls, notes, strict=True):
        assert call.get("href") == "#" + note.get("id")
        assert note.xpath(".//a[@class='fn-back']")[0].get("href") == "#" + call.get("id")
    assert not root.xpath("//span[contains(@class, 'footnote')]")
    assert re.search(r"\S", notes[0].text_content())
