"""Maps and charts (briefing/graphics.py): deterministic, cached, no SVG text, Arabic labels
shaped and in order, charts mirrored in Arabic with the brief's digits."""

from __future__ import annotations

import re

import pytest

from briefing import graphics as g
from briefing.files import ROOT

uharfbuzz = pytest.importorskip("uharfbuzz")

NEIGHBOURS_AR = (
    ("CN", "الصين"),
    ("KG", "قيرغيزستان"),
    ("RU", "روسيا"),
    ("TM", "تركمانستان"),
    ("UZ", "أوزبكستان"),
)


def locator(lang="ar", **kw):
    spec = {
        "lang": lang,
        "country": "KZ",
        "name": "كازاخستان" if lang == "ar" else "Kazakhstan",
        "capital": g.Place("أستانا" if lang == "ar" else "Astana", 71.43, 51.17),
        "neighbours": NEIGHBOURS_AR if lang == "ar" else (("CN", "China"), ("RU", "Russia")),
        "sea": "بحر قزوين" if lang == "ar" else "Caspian Sea",
        "alt": "خريطة" if lang == "ar" else "Map",
    }
    spec.update(kw)
    return g.LocatorSpec(**spec)


def chart(lang="ar", digits="arabic-indic"):
    return g.ChartSpec(
        lang=lang,
        digits=digits,
        categories=("التجارة والاستثمار", "الترابط") if lang == "ar" else ("Trade", "Connectivity"),
        series=(("done", "76C484", (3, 1)), ("in_progress", "F4CE5C", (2, 12))),
        legend=(
            ("done", "منجز" if lang == "ar" else "Done", "76C484"),
            ("in_progress", "قيد التنفيذ" if lang == "ar" else "In progress", "F4CE5C"),
        ),
        hatched=("in_progress",),
        axis="البنود" if lang == "ar" else "Items",
        alt="رسم" if lang == "ar" else "Chart",
    )


@pytest.fixture(autouse=True)
def fresh_memory(monkeypatch):
    monkeypatch.setattr(g, "_memory", {})


def test_the_same_spec_draws_the_same_bytes():
    first = g.locator_map(locator())
    g._memory.clear()
    second = g.locator_map(locator())
    assert first.svg == second.svg and first.png == second.png and first.key == second.key


def test_a_graphic_is_cached_on_disk_by_the_hash_of_its_inputs(tmp_path):
    drawn = g.progress_chart(chart(), cache=tmp_path)
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".png", ".svg"]
    g._memory.clear()
    (tmp_path / f"{drawn.key}.svg").write_bytes(drawn.svg.replace(b"<svg", b"<svg data-from-cache='1'", 1))
    again = g.progress_chart(chart(), cache=tmp_path)
    assert b"data-from-cache" in again.svg and again.labels == drawn.labels and again.alt == drawn.alt
    assert g.progress_chart(chart(digits="western"), cache=tmp_path).key != drawn.key


def test_no_graphic_holds_svg_text_and_every_label_is_kept_with_it():
    for drawn in (g.locator_map(locator()), g.progress_chart(chart())):
        assert b"<text" not in drawn.svg
        assert drawn.svg.startswith(b"<?xml") and drawn.png.startswith(b"\x89PNG")
        assert drawn.labels
    roles = {lab.role: lab.text for lab in g.locator_map(locator()).labels}
    assert roles["capital"] == "أستانا" and roles["country"] == "كازاخستان" and roles["sea"] == "بحر قزوين"
    assert {lab.text for lab in g.locator_map(locator()).labels if lab.role == "neighbour"} == {
        name for _, name in NEIGHBOURS_AR
    }


def drawn_glyphs(svg: str, text: str) -> list[tuple[str, int]]:
    """The glyphs drawn for one label, left to right: (font, glyph id) from its <use> elements."""
    start = svg.index(f"<!-- {text} -->")
    ends = [e for e in (svg.find('<g id="', start), svg.find("<!-- ", start + 1)) if e != -1]
    end = min(ends) if ends else len(svg)  # the next text, or the next line of this one
    uses = re.findall(
        r'<use xlink:href="#([\w-]+)-([0-9a-f]+)"(?: transform="translate\(([-\d.]+))?', svg[start:end]
    )
    placed = [(float(x or 0), font, int(gid, 16)) for font, gid, x in uses]
    return [(font, gid) for _, font, gid in sorted(placed, key=lambda u: u[0])]


def harfbuzz_glyphs(text: str, font_name: str) -> list[int]:
    path = g.FONTS / f"{font_name}.ttf"
    font = uharfbuzz.Font(uharfbuzz.Face(path.read_bytes()))
    buf = uharfbuzz.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    if not re.search("[\u0620-\u064a]", text):
        buf.direction = "ltr"  # a number (Arabic-Indic digits too) reads left to right (UAX #9)
    uharfbuzz.shape(font, buf)
    # HarfBuzz returns a right-to-left run in visual order, as it is drawn.
    return [i.codepoint for i in buf.glyph_infos]


@pytest.mark.parametrize(
    "drawn",
    [
        lambda: g.locator_map(locator()),
        lambda: g.corridor_map(
            g.CorridorSpec(
                "ar", (("KZ", "كازاخستان"), ("AZ", "أذربيجان"), ("GE", "جورجيا")), "أوروبا", "بحر قزوين", "x"
            )
        ),
        lambda: g.progress_chart(chart()),
    ],
    ids=["locator", "corridor", "chart"],
)
def test_every_arabic_label_is_drawn_as_harfbuzz_shapes_it_joined_and_in_order(drawn):
    graphic = drawn()
    svg = graphic.svg.decode()
    checked = 0
    for label in graphic.labels:
        if label.lang != "ar":
            continue
        # A name drawn in several lines (a sea's, a long category's) is shaped line by line.
        for line in label.lines or [label.text]:
            glyphs = drawn_glyphs(svg, line)
            fonts = {font for font, _ in glyphs}
            assert len(fonts) == 1 and fonts <= {"NotoNaskhArabic-Regular", "NotoNaskhArabic-Bold"}, label
            assert [gid for _, gid in glyphs] == harfbuzz_glyphs(line, fonts.pop()), line
        checked += 1
    assert checked >= 3


def test_unjoined_or_reversed_outlines_would_fail_the_comparison():
    # The check above can fail: isolated letters, or the word drawn backwards, differ from HarfBuzz.
    joined = harfbuzz_glyphs("أستانا", "NotoNaskhArabic-Regular")
    isolated = [harfbuzz_glyphs(c, "NotoNaskhArabic-Regular")[0] for c in reversed("أستانا")]
    assert joined != isolated and joined != joined[::-1]


def label_x(svg: str, text: str) -> float:
    start = svg.index(f"<!-- {text} -->")
    return float(re.search(r'transform="translate\(([-\d.]+)', svg[start:]).group(1))


def test_an_arabic_chart_is_mirrored_and_uses_the_briefs_digits():
    ar, en = g.progress_chart(chart("ar")), g.progress_chart(chart("en", "western"))
    width_pt = g.progress_chart(chart()).width_mm / 25.4 * 72
    assert label_x(ar.svg.decode(), "الترابط") > width_pt / 2  # categories on the right
    assert label_x(en.svg.decode(), "Connectivity") < width_pt / 2
    values = [lab.text for lab in ar.labels if lab.role == "value"]
    assert "١٢" in values and not any(re.search("[0-9]", v) for v in values)
    assert "12" in [lab.text for lab in en.labels if lab.role == "value"]
    # Only the scale: a bar's total (13 here) is the table's to state, not the chart's.
    assert "13" not in [lab.text for lab in en.labels]
    # The value axis reads from the right: 0 at the right end, the largest tick at the left.
    ticks = {lab.text: label_x(ar.svg.decode(), lab.text) for lab in ar.labels if lab.role == "value"}
    assert ticks["٠"] > ticks["١٢"]


def test_a_character_the_labels_font_lacks_is_refused():
    with pytest.raises(ValueError, match="no glyph"):
        g.locator_map(locator(name="Kazakhstan"))  # Latin in an Arabic label: Noto Naskh has no Latin


def test_the_capital_is_marked_where_its_coordinates_project():
    x, y = g.project(71.43, 51.17)
    west, south, east, north = g._frame(*g.LOCATOR_FRAME)
    assert west < x < east and south < y < north


# -- From content: names and alt text, the <img>, the DOCX picture ------------------------------


@pytest.fixture(scope="module")
def project():
    from briefing.render import load_labels
    from briefing.validate import load_content

    return load_content(ROOT / "content"), load_labels(ROOT / "templates")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_label_of_a_locator_map_is_the_contents_name_and_is_in_its_alt_text(project, lang):
    from babel import Locale

    content, labels = project
    for cid, country in content.countries.items():
        drawn = g.locator_for(country, content.countries, lang, labels)
        by_role = {}
        for label in drawn.labels:
            by_role.setdefault(label.role, []).append(label.text)
            assert label.lang == lang and label.text in drawn.alt, (cid, label.text)
        assert by_role["country"] == [getattr(country.name, lang)]
        assert by_role["capital"] == [getattr(country.capital.value, lang)]
        # Every neighbour is named in the alt text, as content names it (else CLDR); the map
        # itself leaves out a name it has no clear place for, never more than half of them.
        expected = [
            getattr(content.countries[code.lower()].name, lang)
            if code.lower() in content.countries
            else Locale.parse(lang).territories[code]
            for code in g.neighbours_in_view(cid)
        ]
        assert all(name in drawn.alt for name in expected), cid
        assert set(by_role.get("neighbour", [])) <= set(expected)
        assert len(by_role.get("neighbour", [])) * 2 >= len(expected), (cid, lang)


def test_the_corridor_map_names_its_route_as_content_does_and_its_alt_text_names_every_node(project):
    from briefing.briefs import load_brief

    content, labels = project
    brief = load_brief(ROOT / "briefs" / "samarkand-summit.yaml", content, ROOT / "templates")
    for lang in ("ar", "en"):
        drawn = g.corridor_for(brief.corridor_map, content.countries, lang, labels)
        nodes = [lab.text for lab in drawn.labels if lab.role == "node"]
        assert nodes[:2] == [getattr(content.countries[c].name, lang) for c in ("kz", "az")]
        for label in drawn.labels:
            if label.role in ("node", "end"):
                assert label.text in drawn.alt, label.text


def test_the_docx_shows_a_figure_as_svg_with_a_png_fallback_sized_as_in_the_pdf_with_its_alt_text(project):
    import io
    import zipfile

    from briefing import write_docx

    content, labels = project
    drawn = g.locator_for(content.countries["kz"], content.countries, "ar", labels)
    html = (
        '<!DOCTYPE html><html lang="ar" dir="rtl"><body><article class="page" lang="ar" dir="rtl">'
        f"<figure>{g.img(drawn, 'kz-locator')}<figcaption><p>ملاحظة</p></figcaption></figure>"
        "</article></body></html>"
    )
    import datetime as dt

    doc = write_docx.build(html, {"as_of": dt.date(2025, 10, 31), "title": "t", "lang": "ar"})
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as z:
        names = z.namelist()
        body = z.read("word/document.xml").decode()
        svg = next(n for n in names if n.endswith(".svg"))
        png = next(n for n in names if n.endswith(".png"))
        assert z.read(svg) == drawn.svg and z.read(png) == drawn.png
    assert "svgBlip" in body and f'descr="{drawn.alt}"' in body
    extent = re.search(r'<wp:extent cx="(\d+)" cy="(\d+)"', body)
    assert abs(int(extent.group(1)) / 36000 - drawn.width_mm) < 0.1  # EMU per mm
    assert abs(int(extent.group(2)) / 36000 - drawn.height_mm) < 0.1


def test_coordinates_are_rounded_but_never_a_glyphs_scale():
    # Rounding scale(0.015625) to 0.02 draws each letter 28% too large on its own advance.
    svg = b'<g transform="translate(2.94512 23.2111) scale(0.065 -0.065)"><path transform="scale(0.015625)"/>'
    assert g._NUMBER.sub(g._two_places, svg) == (
        b'<g transform="translate(2.95 23.21) scale(0.065 -0.065)"><path transform="scale(0.015625)"/>'
    )
    assert b"scale(0.015625)" in g.progress_chart(chart()).svg


def test_the_caspian_point_is_open_water_and_a_small_country_gets_a_zoomed_window():
    from shapely.geometry import Point

    at = Point(g.project(*g.CASPIAN))
    assert not any(shape.contains(at) for shape in g._shapes().values())
    region = g._frame(*g.LOCATOR_FRAME)
    assert g.locator_frame("KZ") == region and g.locator_frame("KG") == region
    zoomed = g.locator_frame("AZ")

    def ratio(f: tuple[float, ...]) -> float:
        return (f[2] - f[0]) / (f[3] - f[1])

    assert zoomed[2] - zoomed[0] < (region[2] - region[0]) / 2 and abs(ratio(zoomed) - ratio(region)) < 1e-9
    assert (
        region[0] <= zoomed[0]
        and zoomed[2] <= region[2]
        and region[1] <= zoomed[1]
        and zoomed[3] <= region[3]
    )


def test_the_map_data_is_an_input_of_every_output():
    from briefing import incremental

    assert g.MAP_DATA in incremental.generator_files()


# -- In the documents: every graphic in its place, in the edition's language ---------------------


@pytest.mark.parametrize(
    "brief, doc_id, names",
    [
        ("country-profiles", "az", ["locator-az"]),
        ("samarkand-summit", "samarkand-summit-2025", ["corridor"]),
        ("roadmap-tracker", "tracker", ["progress-eu-ca-joint-roadmap", "progress-ca-regional-roadmap-2027"]),
    ],
)
def test_each_document_shows_its_graphics_with_alt_text_in_the_language_of_its_page(
    project, brief, doc_id, names
):
    import lxml.html

    from briefing import kinds, render
    from briefing.briefs import load_brief

    content, labels = project
    loaded = load_brief(ROOT / "briefs" / f"{brief}.yaml", content, ROOT / "templates")
    env = render.environment(ROOT / "templates")
    html = render.render(env, labels, kinds.of(loaded), loaded, content, doc_id, "ar-en")
    root = lxml.html.document_fromstring(html)
    imgs = root.xpath(".//img[@class='graphic']")
    for lang in ("ar", "en"):  # each language's page (or column) shows every graphic once
        assert sorted(i.get("data-name") for i in imgs if i.get("lang") == lang) == sorted(names)
    for img in imgs:
        holder = next(el for el in img.iterancestors() if el.get("lang"))
        alt, lang = img.get("alt"), img.get("lang")
        assert holder.get("lang") == lang and alt
        arabic = re.search("[\u0621-\u064a]", alt)
        assert bool(arabic) == (lang == "ar"), alt
        assert img.get("src").startswith("data:image/svg+xml;base64,")
        assert img.get("data-png").startswith("data:image/png;base64,")
