"""The HTML edition (briefing/write_html.py) and the library page (briefing/library.py), without a
browser: what a page holds, what it refuses, and how both fit the incremental build.
The browser's view of the same pages is tests/test_browser.py."""

from __future__ import annotations

import json
import shutil

import lxml.html
import pytest

from briefing import cli, files, library, write_html

from .conftest import ROOT

PROFILES = str(ROOT / "briefs" / "country-profiles.yaml")
LABELS = {
    key: {"ar": f"{key} ع", "en": key}
    for key in (
        "web_nav",
        "web_library",
        "web_editions",
        "web_edition_ar",
        "web_edition_en",
        "web_edition_ar-en",
        "web_download",
        "web_notes",
        "web_table",
    )
} | {"web_back_to_text": {"ar": "عودة {n}", "en": "back {n}"}}
WEB = {
    "library": "../index.html",
    "editions": [{"edition": e, "href": f"x.{e}.html", "current": e == "ar"} for e in ("ar", "en", "ar-en")],
    "formats": [{"label": "PDF", "href": "x.ar.pdf", "type": "application/pdf"}],
    "labels": LABELS,
}
META = {"title": "عنوان", "lang": "ar", "web": WEB}


def page_of(body: str, digits: str = "western", head: str = "") -> lxml.html.HtmlElement:
    html = (
        f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>t</title>{head}'
        f'<link rel="stylesheet" href="style.css"></head><body><article class="page x digits-{digits}" '
        f'lang="ar" dir="rtl">{body}</article></body></html>'
    )
    return lxml.html.document_fromstring(write_html.page(html, META))


def build(tmp_path, *args: str) -> int:
    return cli.main(["--out", str(tmp_path / "out"), "-j", "1", *args])


# -- one page ------------------------------------------------------------------------
def test_a_page_inlines_its_styles_declares_the_bundled_fonts_and_forbids_scripts():
    root = page_of("<h1>عنوان</h1>")
    head = root.find("head")
    assert [m.get("charset") or m.get("name") or m.get("http-equiv") for m in head.findall("meta")][:3] == [
        "utf-8",
        "viewport",
        "Content-Security-Policy",
    ]
    csp = head.xpath("meta[@http-equiv]")[0].get("content")
    assert "default-src 'none'" in csp and "script-src" not in csp  # no script source at all
    styles = [s.text for s in head.findall("style")]
    assert not head.findall("link")
    assert styles[1].strip() == (ROOT / "templates" / "style.css").read_text(encoding="utf-8").strip()
    assert styles[-1].strip() == (ROOT / "templates" / "screen.css").read_text(encoding="utf-8").strip()
    for name in write_html.FONT_FACES:
        assert f'url("../_assets/fonts/{name}")' in styles[0]
        assert (files.FONTS / name).is_file()
    assert root.findtext(".//title") == "عنوان"
    assert not root.xpath("//script") and not root.xpath("//@*[starts-with(name(), 'on')]")


def test_the_navigation_links_the_library_and_the_other_editions_each_named_in_its_language():
    nav = page_of("<h1>ع</h1>").xpath("//nav")[0]
    assert nav.getparent().tag == "body" and nav.getnext().tag == "main"
    links = {a.get("href"): a for a in nav.iter("a")}
    assert list(links) == ["../index.html", "x.en.html", "x.ar-en.html", "x.ar.pdf"]
    assert links["x.en.html"].get("lang") == "en" and links["x.en.html"].text == "web_edition_en"
    assert links["x.ar-en.html"].get("lang") is None  # "bilingual", in the page's own language
    current = nav.xpath(".//*[@aria-current='page']")
    assert len(current) == 1 and current[0].text == "web_edition_ar ع"


def test_footnotes_become_numbered_endnotes_with_links_there_and_back():
    root = page_of(
        '<p>أ<span class="footnote">المصدر: <bdi>[1]</bdi>.</span> ب<span class="footnote">ثانية</span> ج</p>',
        digits="arabic-indic",
    )
    calls = root.xpath("//a[@class='fn-call']")
    assert [c.get("href") for c in calls] == ["#fn-ar-1", "#fn-ar-2"]
    assert [c.text_content() for c in calls] == ["١", "٢"]  # the brief's Arabic-Indic digits
    assert calls[0].tail == " ب" and calls[1].tail == " ج"
    section = root.xpath("//section[@class='endnotes']")[0]
    assert (section.get("lang"), section.get("dir"), section.getparent().tag) == ("ar", "rtl", "article")
    notes = section.findall(".//li")
    assert [n.get("id") for n in notes] == ["fn-ar-1", "fn-ar-2"]
    assert [n.find("a").get("href") for n in notes] == ["#fnref-ar-1", "#fnref-ar-2"]
    assert notes[0].text_content() == "١ المصدر: [1]." and notes[1].find("a").get("aria-label") == "عودة ٢"


def test_source_numbers_link_to_their_entry_in_the_source_list():
    root = page_of(
        '<p>أ<sup class="cite"><bdi>2</bdi></sup> ب<sup class="cite"><bdi>1، 3</bdi></sup></p>'
        '<section class="sources"><h2>م</h2><ol><li>أ</li><li>ب</li></ol></section>'
    )
    assert [a.get("href") for a in root.xpath("//sup//a")] == ["#src-ar-2", "#src-ar-1"]
    assert root.xpath("//sup")[1].text_content() == "1، 3"  # no entry 3: the number stays text
    assert [li.get("id") for li in root.xpath("//section//li")] == ["src-ar-1", "src-ar-2"]


def test_wide_tables_scroll_in_a_named_region_and_narrow_ones_do_not():
    root = page_of(
        "<h2>جدول</h2><table><tr><th>أ</th><td>ب</td><td>ج</td></tr></table>"
        "<table><tr><th>أ</th><td>ب</td><td>ج</td></tr></table>"
        "<table><tr><th>أ</th><td>ب</td></tr></table>"
        '<table role="presentation"><tr><td>أ</td><td>ب</td><td>ج</td></tr></table>'
    )
    regions = root.xpath("//div[@class='table-scroll']")
    assert [r.get("aria-label") for r in regions] == ["web_table ع: جدول", "web_table ع: جدول (2)"]
    assert all(r.get("tabindex") == "0" and r.get("role") == "region" for r in regions)


@pytest.mark.parametrize(
    "markup, refused",
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<p onclick="x()">ع</p>', "onclick="),
        ('<img src="http://127.0.0.1:9/x.png" alt="">', "http://127.0.0.1:9/x.png"),
        ('<img src="x.png" alt="">', "x.png"),
        ('<a href="javascript:alert(1)">ع</a>', "javascript:alert(1)"),
        ('<a href="https://example.invalid/">ع</a>', "https://example.invalid/"),
        ('<a class="src-link" href="javascript:alert(1)">ع</a>', "javascript:alert(1)"),
        ('<a class="src-link" href="file:///etc/passwd">ع</a>', "file:///etc/passwd"),
        ('<p style="background: url(file:///etc/passwd)">ع</p>', "file:///etc/passwd"),
        ("<style>@import 'http://127.0.0.1:9/a.css';</style>", "http://127.0.0.1:9/a.css"),
        ("<iframe></iframe>", "<iframe>"),
        ('<video poster="a.png"></video>', "<video>"),
        ('<p data="x.svg">ع</p>', "x.svg"),
    ],
)
def test_anything_that_would_run_or_fetch_is_refused(markup, refused):
    with pytest.raises(write_html.Refused) as exc:
        page_of(markup)
    assert refused in [what for what, _ in exc.value.refused]


def test_a_link_to_a_sources_address_leaves_the_page_and_sends_no_referrer():
    root = page_of('<p>ع <a class="src-link" href="https://example.invalid/a?b=1">x</a></p>')
    (link,) = root.xpath("//a[@class='src-link']")
    assert (link.get("href"), link.get("rel")) == ("https://example.invalid/a?b=1", "noreferrer")


def test_a_stylesheet_from_outside_templates_is_refused_and_data_urls_are_served():
    with pytest.raises(write_html.Refused) as exc:
        page_of("<p>ع</p>", head='<link rel="stylesheet" href="../content/x.css">')
    assert exc.value.refused[0][0] == "../content/x.css"
    small = "data:image/png;base64,iVBORw0KGgo="
    root = page_of(f'<p>ع</p><img src="{small}" alt="ع"><p style="background: url({small})">ب</p>')
    assert root.xpath("//img")[0].get("src") == small


# -- through the build -----------------------------------------------------------------
def test_the_build_writes_the_html_edition_beside_the_pdf_and_docx_and_a_library(tmp_path):
    assert build(tmp_path, "--only", "kz", "--format", "html", PROFILES) == 0
    out = tmp_path / "out"
    assert sorted(p.name for p in (out / "country-profiles").iterdir()) == [
        "kz.ar-en.html",
        "kz.ar.html",
        "kz.en.html",
    ]
    assert sorted(p.name for p in (out / "_assets" / "fonts").iterdir()) == sorted(
        [*write_html.FONT_FACES, "OFL.txt"]
    )
    bilingual = lxml.html.parse(str(out / "country-profiles" / "kz.ar-en.html")).getroot()
    assert (bilingual.get("lang"), bilingual.get("dir")) == ("ar", "rtl")
    assert [(a.get("lang"), a.get("dir")) for a in bilingual.iter("article")] == [
        ("ar", "rtl"),
        ("en", "ltr"),
    ]
    title = bilingual.findtext(".//title")
    assert (
        title.endswith(" / EU–Central Asia: country profiles: Kazakhstan") and "كازاخستان" in title
    )  # as the PDF's title


def test_the_library_lists_every_document_built_by_kind_in_arabic_and_english(tmp_path):
    assert build(tmp_path, "--only", "kz", "--edition", "ar,en", PROFILES) == 0
    assert (
        build(tmp_path, "--format", "html", "--edition", "ar", str(ROOT / "briefs" / "roadmap-tracker.yaml"))
        == 0
    )
    out = tmp_path / "out"
    ar = lxml.html.parse(str(out / "index.html")).getroot()
    en = lxml.html.parse(str(out / "index.en.html")).getroot()
    assert (ar.get("lang"), ar.get("dir"), en.get("lang"), en.get("dir")) == ("ar", "rtl", "en", "ltr")
    switch = ar.xpath("//p[@class='language-switch']/a")[0]
    assert (switch.get("href"), switch.get("lang"), switch.text) == ("index.en.html", "en", "English")
    assert en.xpath("//p[@class='language-switch']/a")[0].text == "العربية"
    kinds = [h.text for h in en.xpath("//section[@class='kind']/h2")]
    assert kinds == ["Country profiles", "Roadmap implementation tracker"]  # the order of kinds.KINDS
    # The first build's documents stay listed after the second, with every format each has.
    links = {a.get("href") for a in en.xpath("//main//a")}
    assert links == {
        f"country-profiles/kz.{e}.{f}" for e in ("ar", "en") for f in ("pdf", "docx", "html")
    } | {"roadmap-tracker/tracker.ar.html"}
    assert en.xpath("//time")[0].get("datetime") == "2025-11-30"  # the brief's as_of
    assert "Kazakhstan" in en.xpath("//li[@class='document']/h3")[0].text
    assert "كازاخستان" in ar.xpath("//li[@class='document']/h3")[0].text


def test_a_library_file_deleted_by_hand_is_written_again_and_an_unchanged_build_writes_nothing(tmp_path):
    args = ("--only", "kz", "--edition", "en", "--format", "html", PROFILES)
    assert build(tmp_path, *args) == 0
    out = tmp_path / "out"
    index = (out / "index.html").read_bytes()
    stamp = (out / "index.html").stat().st_mtime_ns
    assert build(tmp_path, *args) == 0
    assert (out / "index.html").stat().st_mtime_ns == stamp  # the no-op path wrote nothing
    (out / "index.html").unlink()
    (out / "_assets" / "fonts" / "OFL.txt").unlink()
    assert build(tmp_path, *args) == 0
    assert (out / "index.html").read_bytes() == index and (out / "_assets" / "fonts" / "OFL.txt").is_file()
    manifest = json.loads((out / ".manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["library"]) >= {"index.html", "index.en.html", "_assets/fonts/OFL.txt"}
    listing = manifest["outputs"]["country-profiles/kz.en.html"]["listing"]
    assert (listing["kind"], listing["title"]["en"]) == (
        "country-profile",
        "EU–Central Asia: country profiles: Kazakhstan",
    )


def test_a_change_to_the_screen_styles_rewrites_the_html_only(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    args = (
        "--templates",
        str(templates),
        "--only",
        "kz",
        "--edition",
        "en",
        "--format",
        "pdf,html",
        PROFILES,
    )
    assert build(tmp_path, *args) == 0
    out = tmp_path / "out" / "country-profiles"
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    with (templates / "screen.css").open("a", encoding="utf-8") as f:
        f.write("\n/* changed */\n")
    assert build(tmp_path, *args) == 0
    after = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    assert {n for n in after if after[n] != before[n]} == {"kz.en.html"}
    assert "/* changed */" in (out / "kz.en.html").read_text(encoding="utf-8")


def test_a_template_asking_the_page_to_fetch_fails_the_build_at_its_line(tmp_path, capsys):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    template = templates / "country-profile.html.j2"
    text = template.read_text(encoding="utf-8")
    h1_line = text[: text.index("<h1>")].count("\n") + 1  # where the refused image is written
    template.write_text(
        text.replace("<h1>", '<img src="https://127.0.0.1:9/x.png" alt=""><h1>', 1), encoding="utf-8"
    )
    code = build(
        tmp_path,
        "--templates",
        str(templates),
        "--only",
        "kz",
        "--edition",
        "en",
        "--format",
        "html",
        PROFILES,
    )
    err = capsys.readouterr().err
    assert code == 1
    assert f"templates/country-profile.html.j2:{h1_line}:" in err, err
    assert (
        "(fetch): country-profiles/kz.en: refused 'https://127.0.0.1:9/x.png': an image must be a data: URL"
        in err
    )
    assert not (tmp_path / "out" / "country-profiles" / "kz.en.html").exists()


def test_library_pages_are_the_same_bytes_for_the_same_manifest(tmp_path):
    assert build(tmp_path, "--only", "kz", "--edition", "en", "--format", "html", PROFILES) == 0
    out = tmp_path / "out"
    manifest = json.loads((out / ".manifest.json").read_text(encoding="utf-8"))
    first = library.pages(manifest["outputs"], out, ROOT / "templates")
    assert first == library.pages(manifest["outputs"], out, ROOT / "templates")
    assert first["index.en.html"] == (out / "index.en.html").read_bytes()
