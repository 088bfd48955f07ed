"""Graphics stage: content -> maps and charts, as SVG (with a PNG twin) and alt text.

Three graphics, each drawn from content at build time:

- `locator_map`: the region, one country highlighted, its capital marked and
  named, its neighbours named (every one-pager);
- `corridor_map`: a route across the region through the countries a document
  names, ending in an arrow towards Europe (the summit backgrounder);
- `progress_chart`: items per status for each group, as stacked bars (the
  roadmap tracker's summary).

Labels. WeasyPrint draws SVG <text> one code point at a time, unshaped and
unordered (WeasyPrint issues 2249 and 2909), so no graphic holds text: every
label is drawn by matplotlib as outlines (`svg.fonttype: path`), laid out by
libraqm (bundled with matplotlib since 3.11: HarfBuzz shaping, bidi order),
in the project's own fonts. The label texts are kept beside the picture
(`Graphic.labels`) and written into its alt text, so they stay readable and
searchable, and a test shapes each Arabic label again with HarfBuzz and
compares the glyphs with the outlines drawn.

Arabic pages mirror what has a direction: a chart's categories sit on the
right and its bars grow leftwards, with the value axis on the right, in the
brief's digits. A map is not mirrored (east stays east); only its words change.

Output is deterministic (fixed SVG ids, no dates, no PNG software stamp) and
cached by a hash of everything drawn (the spec, the map data, the fonts, this
module and matplotlib's version), in memory and in a cache folder when given.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import functools
import io
import json
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from . import files, incremental
from .files import FONTS
from .model import Bilingual, Country

if TYPE_CHECKING:  # matplotlib is imported where a graphic is drawn, not when this module loads
    from markupsafe import Markup
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.text import Text

Geom = Any  # a shapely geometry (shapely publishes no types)
Frame = tuple[float, float, float, float]  # west, south, east, north, in map units (km)
HAlign = Literal["left", "center", "right"]
VAlign = Literal["bottom", "center", "top"]
Candidate = tuple[float, float, HAlign, VAlign]  # a label's anchor x, y and its alignments


class Corridor(Protocol):
    """What a corridor map is drawn from (kinds.summit_backgrounder.CorridorMap)."""

    @property
    def route(self) -> list[str]: ...

    @property
    def alt(self) -> Bilingual: ...


# Package data, beside this module (not under files.ROOT, which a test or a copied project moves).
MAP_DATA = Path(__file__).resolve().parent / "data" / "region-50m.json"
FONT_FILES = {
    ("ar", False): FONTS / "NotoNaskhArabic-Regular.ttf",
    ("ar", True): FONTS / "NotoNaskhArabic-Bold.ttf",
    ("en", False): FONTS / "NotoSerif-Regular.ttf",
    ("en", True): FONTS / "NotoSerif-Bold.ttf",
}
PNG_DPI = 250  # the DOCX's fallback picture: sharp in print at the sizes we use
INK = "#1d232b"
GREY = "#5b6572"
LAND = "#e6eaee"
BORDER = "#ffffff"
WATER = "#f4f8fb"
HIGHLIGHT = "#123c69"
NEIGHBOUR = "#d3dae2"
ROUTE = "#b8471d"
SEA = "#4d7ea8"

# -- What a graphic is ------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """A text drawn in a graphic, in logical order, with its language and what it names."""

    text: str
    lang: str
    role: str  # country, capital, neighbour, sea, node, end, category, value, axis, legend
    lines: tuple[str, ...] = ()  # the lines it is drawn in, when broken (each shaped alone)


@dataclass(frozen=True)
class Graphic:
    svg: bytes
    png: bytes
    width_mm: float
    height_mm: float
    lang: str
    alt: str
    labels: tuple[Label, ...]
    key: str

    def data_url(self, kind: str = "svg") -> str:
        data, mime = (self.svg, "image/svg+xml") if kind == "svg" else (self.png, "image/png")
        return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


# -- Specs: plain data, so a graphic's cache key is its spec --------------------------------


@dataclass(frozen=True)
class Place:
    """A point to mark, in degrees."""

    name: str
    lon: float
    lat: float


@dataclass(frozen=True)
class LocatorSpec:
    lang: str
    country: str  # ISO 3166-1 alpha-2, upper case (a key of the map data)
    name: str
    capital: Place | None
    neighbours: tuple[tuple[str, str], ...]  # (code, name), every neighbour shown on the map
    sea: str  # the name of the Caspian Sea
    alt: str
    width_mm: float = 64.0


@dataclass(frozen=True)
class CorridorSpec:
    lang: str
    route: tuple[tuple[str, str], ...]  # (code, name) in route order, east to west
    end: str  # the name of where the route leads beyond the map's west edge (Europe)
    sea: str
    alt: str
    width_mm: float = 150.0


@dataclass(frozen=True)
class ChartSpec:
    lang: str
    digits: str  # western or arabic-indic (the brief's arabic_digits on an Arabic page)
    categories: tuple[str, ...]
    series: tuple[tuple[str, str, tuple[int, ...]], ...]  # (key, fill colour, one count per category)
    legend: tuple[tuple[str, str, str], ...]  # (key, name, fill colour) of each series, in order
    hatched: tuple[str, ...]  # series keys drawn hatched as well as coloured
    axis: str  # the value axis title
    alt: str
    width_mm: float = 150.0


Spec = LocatorSpec | CorridorSpec | ChartSpec


# -- Cache ----------------------------------------------------------------------------------
_memory: dict[str, Graphic] = {}


@functools.cache
def _versions(*packages: str) -> list[str]:
    """Installed versions, read from their metadata: importing matplotlib for its version would
    cost a build whose graphics are all cached most of a second."""
    from importlib.metadata import version

    return [version(p) for p in packages]


@functools.cache
def _static_key() -> str:
    return incremental.digest(
        *_versions("matplotlib"),
        incremental.file_hash(Path(__file__)),
        incremental.file_hash(MAP_DATA),
        [incremental.file_hash(p) for p in sorted(FONT_FILES.values())],
    )


def _cached(spec: Spec, draw: Callable[[Any], Graphic], cache: Path | None) -> Graphic:
    key = incremental.digest(_static_key(), type(spec).__name__, dataclasses.asdict(spec))[:32]
    if key in _memory:
        return _memory[key]
    graphic = None
    if cache is not None:
        try:
            meta = json.loads((cache / f"{key}.json").read_text(encoding="utf-8"))
            graphic = Graphic(
                svg=(cache / f"{key}.svg").read_bytes(),
                png=(cache / f"{key}.png").read_bytes(),
                width_mm=meta["width_mm"],
                height_mm=meta["height_mm"],
                lang=meta["lang"],
                alt=meta["alt"],
                labels=tuple(Label(**{**lab, "lines": tuple(lab["lines"])}) for lab in meta["labels"]),
                key=key,
            )
        except (OSError, ValueError, KeyError, TypeError):
            graphic = None
    if graphic is None:
        graphic = dataclasses.replace(draw(spec), key=key)
        if cache is not None:
            incremental.cache_put(cache / f"{key}.svg", graphic.svg)
            incremental.cache_put(cache / f"{key}.png", graphic.png)
            meta = {k: v for k, v in dataclasses.asdict(graphic).items() if k not in ("svg", "png", "key")}
            incremental.cache_put(cache / f"{key}.json", json.dumps(meta, ensure_ascii=False).encode())
    _memory[key] = graphic
    return graphic


def locator_map(spec: LocatorSpec, cache: Path | None = None) -> Graphic:
    return _cached(spec, _draw_locator, cache)


def corridor_map(spec: CorridorSpec, cache: Path | None = None) -> Graphic:
    return _cached(spec, _draw_corridor, cache)


def progress_chart(spec: ChartSpec, cache: Path | None = None) -> Graphic:
    return _cached(spec, _draw_chart, cache)


# -- Drawing: matplotlib, fonts and output ----------------------------------------------------
MM = 1 / 25.4


@functools.cache
def _font(lang: str, bold: bool = False) -> FontProperties:
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=str(FONT_FILES[("ar" if lang == "ar" else "en", bold)]))


@functools.cache
def _coverage(lang: str, bold: bool) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(FONT_FILES[("ar" if lang == "ar" else "en", bold)]).getBestCmap())


def _check_text(text: str, lang: str, bold: bool) -> None:
    """One font per label: a character it lacks would fall back mid-word and break joining."""
    missing = sorted({c for c in text if not c.isspace() and ord(c) not in _coverage(lang, bold)})
    if missing:
        raise ValueError(f"label {text!r}: the {lang} font has no glyph for {''.join(missing)!r}")


def _text(
    ax: Axes | Figure,
    x: float,
    y: float,
    text: str,
    lang: str,
    role: str,
    labels: list[Label],
    *,
    size: float = 6.5,
    bold: bool = False,
    color: str = INK,
    **kw: Any,
) -> Text:
    _check_text(text, lang, bold)
    lines = tuple(text.split("\n")) if "\n" in text else ()
    labels.append(Label(" ".join(text.split()), lang, role, lines))  # a broken name is one name
    return ax.text(x, y, text, fontproperties=_font(lang, bold), fontsize=size, color=color, **kw)


def _figure(width_mm: float, height_mm: float) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_mm * MM, height_mm * MM), dpi=72)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    return fig, ax


# matplotlib writes SVG coordinates to six decimals of a point; two (3.5 µm) print the same.
# Not a scale factor: a glyph's outline is drawn at scale(0.015625) of its font units, and
# 0.02 would draw every letter 28% too large on its own advance (letters run together).
_NUMBER = re.compile(rb"(scale\([^)]*\))|(?<=[ ,(\"])(-?\d+\.\d{3,})(?=[ ,)\"\n])")


def _two_places(match: re.Match[bytes]) -> bytes:
    if match.group(1):
        return match.group(1)
    value = b"%.2f" % float(match.group(2))
    value = value.rstrip(b"0").rstrip(b".")
    return b"0" if value in (b"-0", b"") else value


def _render(
    fig: Figure, *, width_mm: float, height_mm: float, lang: str, alt: str, labels: list[Label]
) -> Graphic:
    import matplotlib

    rc: dict[Any, Any] = {"svg.fonttype": "path", "svg.hashsalt": "briefing-graphics", "svg.id": None}
    svg, png = io.BytesIO(), io.BytesIO()
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph or font must fail, not draw a box
        fig.savefig(svg, format="svg", metadata={"Date": None})
        fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return Graphic(
        svg=_NUMBER.sub(_two_places, svg.getvalue()),
        png=png.getvalue(),
        width_mm=round(width_mm, 2),
        height_mm=round(height_mm, 2),
        lang=lang,
        alt=alt,
        labels=tuple(labels),
        key="",
    )


# -- Maps ---------------------------------------------------------------------------------------


@functools.cache
def _map_data() -> dict[str, Any]:
    return json.loads(MAP_DATA.read_text(encoding="utf-8"))


@functools.cache
def _project() -> Callable[..., tuple[float, float]]:
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", _map_data()["projection"], always_xy=True).transform


def project(lon: float, lat: float) -> tuple[float, float]:
    x, y = _project()(lon, lat)
    return float(x), float(y)


@functools.cache
def _shapes() -> dict[str, Geom]:
    from shapely.geometry import MultiPolygon, Polygon

    shapes = {}
    for code, country in _map_data()["countries"].items():
        shapes[code] = MultiPolygon([Polygon(rings[0], rings[1:]) for rings in country["polygons"]])
    return shapes


@functools.cache
def _frame(west: float, south: float, east: float, north: float) -> Frame:
    """A map frame from degrees: the projected bounds of that lon/lat box."""
    import shapely
    from shapely.geometry import box

    outline = shapely.segmentize(box(west, south, east, north), 0.5)
    return shapely.transform(outline, lambda x, y: _project()(x, y), interleaved=False).bounds


@functools.cache
def _clipped(frame: Frame, width_mm: float) -> dict[str, Geom]:
    """Each country's part inside the frame, simplified to a fifth of a millimetre at the
    printed size (what the eye cannot see costs SVG bytes and drawing time)."""
    from shapely.geometry import box

    view = box(*frame)
    tolerance = 0.2 * (frame[2] - frame[0]) / width_mm
    out = {}
    for code, shape in _shapes().items():
        part = shape.intersection(view)
        if not part.is_empty:
            out[code] = part.simplify(tolerance, preserve_topology=True)
    return out


def _patch(geom: Geom, **style: Any) -> PathPatch:
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    polys = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon"]
    paths = []
    for poly in polys:
        for ring in [poly.exterior, *poly.interiors]:
            paths.append(MplPath(list(ring.coords), closed=True))
    return PathPatch(MplPath.make_compound_path(*paths), **style)


def _label_point(geom: Geom, avoid: Geom | None = None) -> tuple[float, float] | None:
    """Where a name fits best inside an area: its pole of inaccessibility (largest part)."""
    from shapely.ops import polylabel

    if avoid is not None and not geom.difference(avoid).is_empty:
        geom = geom.difference(avoid)
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon"]
    if not parts:
        return None
    largest = max(parts, key=lambda p: p.area)
    point = polylabel(largest, tolerance=5)
    return point.x, point.y


# A point of the middle Caspian (open water in the map data; a test checks it): the sea
# the maps name is the body of water around it, wherever the frame cuts it.
CASPIAN = (50.5, 42.0)


def _sea(frame: Frame, width_mm: float, lon: float, lat: float) -> Geom | None:
    """The body of water in the frame that holds (lon, lat), or None if the frame misses it."""
    from shapely.geometry import Point, box
    from shapely.ops import unary_union

    water = box(*frame).difference(unary_union(list(_clipped(frame, width_mm).values())).buffer(0.5))
    at = Point(project(lon, lat))
    return next((w for w in getattr(water, "geoms", [water]) if w.contains(at)), None)


def _draw_base(ax: Axes, frame: Frame, width_mm: float, highlight: set[str], soft: set[str]) -> None:
    ax.add_patch(_patch_box(frame, facecolor=WATER, edgecolor="none"))
    for code, part in sorted(_clipped(frame, width_mm).items()):
        fill = HIGHLIGHT if code in highlight else NEIGHBOUR if code in soft else LAND
        ax.add_patch(_patch(part, facecolor=fill, edgecolor=BORDER, linewidth=0.45, joinstyle="round"))
    ax.set_xlim(frame[0], frame[2])
    ax.set_ylim(frame[1], frame[3])
    ax.set_aspect("equal")


def _patch_box(frame: Frame, **style: Any) -> Rectangle:
    from matplotlib.patches import Rectangle

    return Rectangle((frame[0], frame[1]), frame[2] - frame[0], frame[3] - frame[1], **style)


def _halo() -> dict[str, Any]:
    """A pale box behind a label that may cross lines or dark fills. (A stroked halo would
    write each label's outlines twice more into the SVG; a box is one rectangle.)"""
    return {"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}


class _Placer:
    """Puts each label at the best of its candidate positions: inside the frame, clear of
    the labels and marks already placed and, for a label naming an area, inside that
    area (a neighbour's name spilling onto the highlighted country misleads). Positions
    are in map units; a label's box is measured once, as drawn, and moved."""

    def __init__(self, fig: Figure, ax: Axes, frame: Frame) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from shapely.geometry import box

        self.renderer = FigureCanvasAgg(fig).get_renderer()
        self.ax = ax
        self.inv = ax.transData.inverted()
        self.frame = frame
        self.inside = box(*frame).buffer(-(frame[2] - frame[0]) * 0.01)
        self.taken: list = []

    def box(self, text: Text) -> Geom:
        from shapely.geometry import box

        bb = text.get_window_extent(self.renderer)
        (x0, y0), (x1, y1) = self.inv.transform((bb.x0, bb.y0)), self.inv.transform((bb.x1, bb.y1))
        return box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

    def block(self, geom: Geom) -> None:
        self.taken.append(geom)

    def cost(self, geom: Geom, area: Geom | None = None, avoid: tuple[Geom, ...] = ()) -> float:
        outside = geom.difference(self.inside).area
        spill = geom.difference(area).area if area is not None else 0.0
        overlap = sum(geom.intersection(t).area for t in (*self.taken, *avoid))
        return outside * 10 + overlap + spill * 0.1

    def place(
        self, text: Text, candidates: list[Candidate], area: Geom | None = None, avoid: tuple[Geom, ...] = ()
    ) -> float:
        """Candidates are (x, y, ha, va), best first; the first of least cost wins. `area`:
        the area the label names (spilling out of it costs); `avoid`: more to keep clear of.
        Returns the winner's cost as a share of its box (0: nothing in the way)."""
        from shapely import affinity

        best: tuple[float, Candidate, Geom] | None = None
        measured: dict[tuple[str, str], tuple[float, float, Geom]] = {}
        for x, y, ha, va in candidates:
            if (ha, va) not in measured:  # one measurement per alignment; the rest is a move
                text.set_position((x, y))
                text.set_horizontalalignment(ha)
                text.set_verticalalignment(va)
                measured[(ha, va)] = (x, y, self.box(text))
            x0, y0, shape = measured[(ha, va)]
            geom = affinity.translate(shape, x - x0, y - y0)
            cost = self.cost(geom, area, avoid)
            if best is None or cost < best[0] - 1e-9:
                best = (cost, (x, y, ha, va), geom)
            if cost == 0:
                break
        if best is None:
            raise ValueError("a label needs at least one candidate position")
        x, y, ha, va = best[1]
        text.set_position((x, y))
        text.set_horizontalalignment(ha)
        text.set_verticalalignment(va)
        self.taken.append(best[2].buffer(self.inside.length * 0.002))
        return best[0] / best[2].area  # the share of the label's box that sits where it should not

    def area_candidates(self, area: Geom, step: float) -> list[Candidate]:
        """Centred positions inside an area, the most open point first (once placed labels are
        taken out), then a grid of points `step` apart, nearest to that point first."""
        from shapely.geometry import Point
        from shapely.ops import unary_union

        area = area.intersection(self.inside)
        if area.is_empty:
            return []
        points = []
        for avoid in (unary_union(self.taken) if self.taken else None, None):
            p = _label_point(area, avoid=avoid)
            if p:
                points.append(p)
        if not points:
            return []
        west, south, east, north = area.bounds
        grid = [
            (west + i * step, south + j * step)
            for i in range(int((east - west) / step) + 1)
            for j in range(int((north - south) / step) + 1)
        ]
        inside = [p for p in grid if area.contains(Point(p))]
        cx, cy = points[0]
        inside.sort(key=lambda p: ((p[0] - cx) ** 2 + (p[1] - cy) ** 2, p))
        return [(x, y, "center", "center") for x, y in points + inside]

    @staticmethod
    def around_candidates(area: Geom, gap: float) -> list[Candidate]:
        """Beside an area, just outside it: east, west, south, north, then the diagonals and
        between, each aligned away from the area so the label grows outwards."""
        import math

        from shapely.geometry import LineString

        parts = [g for g in getattr(area, "geoms", [area]) if g.geom_type == "Polygon"]
        main = max(parts, key=lambda p: p.area)
        ring = main.buffer(gap).exterior
        cx, cy = main.centroid.x, main.centroid.y
        reach = (ring.bounds[2] - ring.bounds[0]) + (ring.bounds[3] - ring.bounds[1])
        out = []
        for degrees in (0, 180, -90, 90, -30, 30, 150, -150, -60, 60, 120, -120):
            dx, dy = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
            hits = ring.intersection(LineString([(cx, cy), (cx + dx * reach, cy + dy * reach)]))
            points = [p for p in getattr(hits, "geoms", [hits]) if p.geom_type == "Point"]
            if not points:
                continue
            p = max(points, key=lambda q: (q.x - cx) ** 2 + (q.y - cy) ** 2)
            ha: HAlign = "left" if dx > 0.4 else "right" if dx < -0.4 else "center"
            va: VAlign = "bottom" if dy > 0.4 else "top" if dy < -0.4 else "center"
            out.append((p.x, p.y, ha, va))
        return out

    @staticmethod
    def point_candidates(x: float, y: float, gap: float) -> list[Candidate]:
        return [
            (x + gap, y, "left", "center"),
            (x - gap, y, "right", "center"),
            (x, y + gap, "center", "bottom"),
            (x, y - gap, "center", "top"),
            (x + gap, y + gap, "left", "bottom"),
            (x - gap, y - gap, "right", "top"),
            (x - gap, y + gap, "right", "bottom"),
            (x + gap, y - gap, "left", "top"),
        ]


# Locator maps share one frame, so that every profile shows the region the same way:
# the Caucasus and the Caspian to western China, Siberia's edge to Afghanistan.
LOCATOR_FRAME = (36.0, 34.0, 90.0, 56.0)
# Label sizes (pt) on a locator map about 55 mm wide; Naskh reads smaller than Noto Serif
# at the same size, so Arabic labels are half a point larger.
LOCATOR_PT = {
    "en": {"country": 6.5, "capital": 6.0, "neighbour": 5.5, "sea": 5.0},
    "ar": {"country": 7.0, "capital": 6.5, "neighbour": 6.0, "sea": 5.5},
}
NAMES_SHARE = 0.42  # of a chart's width, at most, for its category names
CROWDED = 0.15  # a neighbour's name with more than this share of its box in the way is left out
# A country narrower than this share of that frame would be a speck among crowded names
# (Azerbaijan between the Caucasus and the Caspian): its map zooms in to a window of the
# same shape, ZOOM_SPAN times the country's width, inside the regional frame.
ZOOM_BELOW = 1 / 8
ZOOM_SPAN = 5.0
# The corridor map: the Balkans to Kazakhstan's east, the Black Sea and the Caspian between,
# cut to the latitudes the route crosses (a map of a line need not show whole countries).
CORRIDOR_FRAME = (18.0, 36.0, 86.0, 51.0)


@functools.cache
def locator_frame(code: str) -> tuple[float, float, float, float]:
    """The projected frame of a country's locator map: the regional frame, or for a small
    country a zoomed window of the same proportions centred on it (moved to stay inside)."""
    region = _frame(*LOCATOR_FRAME)
    width, height = region[2] - region[0], region[3] - region[1]
    west, south, east, north = _shapes()[code].bounds
    if east - west >= width * ZOOM_BELOW:
        return region
    w = (east - west) * ZOOM_SPAN
    h = w * height / width
    x = min(max((west + east - w) / 2, region[0]), region[2] - w)
    y = min(max((south + north - h) / 2, region[1]), region[3] - h)
    return (x, y, x + w, y + h)


def _map_figure(frame: Frame, width_mm: float) -> tuple[Figure, Axes, float]:
    height = width_mm * (frame[3] - frame[1]) / (frame[2] - frame[0])
    fig, ax = _figure(width_mm, height)
    return fig, ax, height


def _stacked(name: str) -> str:
    """A water body's name one word a line (a sea is taller than its name is wide)."""
    return "\n".join(name.split())


def _draw_locator(spec: LocatorSpec) -> Graphic:
    from shapely.geometry import Point

    frame = locator_frame(spec.country)
    fig, ax, height = _map_figure(frame, spec.width_mm)
    labels: list[Label] = []
    neighbours = {code for code, _ in spec.neighbours}
    _draw_base(ax, frame, spec.width_mm, {spec.country}, neighbours)
    clipped = _clipped(frame, spec.width_mm)
    placer = _Placer(fig, ax, frame)
    mm = (frame[2] - frame[0]) / spec.width_mm  # map units per printed millimetre
    gap = 1.2 * mm
    halo = _halo()
    size = LOCATOR_PT[spec.lang]
    # Most constrained first: the capital (beside its mark), the country, the sea, then the
    # neighbours, each inside its own area where it can be.
    if spec.capital is not None:
        cx, cy = project(spec.capital.lon, spec.capital.lat)
        ax.plot(
            [cx],
            [cy],
            marker="s",
            markersize=3.6,
            markerfacecolor="white",
            markeredgecolor=INK,
            markeredgewidth=0.8,
            linestyle="none",
        )
        placer.block(Point(cx, cy).buffer(gap * 0.6))
        t = _text(
            ax,
            cx,
            cy,
            spec.capital.name,
            spec.lang,
            "capital",
            labels,
            size=size["capital"],
            bold=True,
            bbox=halo,
        )
        placer.place(t, placer.point_candidates(cx, cy, gap))
    # The country's name goes inside it in white where it fits; a small country is named
    # beside itself, in ink on a pale box.
    area = clipped[spec.country]
    t = _text(
        ax, 0, 0, spec.name, spec.lang, "country", labels, size=size["country"], bold=True, color="white"
    )
    inside = placer.area_candidates(area, 1.5 * mm)
    t.set_position(inside[0][:2])
    t.set_horizontalalignment("center")
    t.set_verticalalignment("center")
    if placer.box(t).within(area.buffer(gap * 0.3)):
        placer.place(t, inside, area=area.buffer(gap * 0.3))
    else:
        t.set_color(INK)
        t.set_bbox(halo)
        placer.place(t, placer.around_candidates(area, gap), avoid=(area,))
    sea = _sea(frame, spec.width_mm, *CASPIAN)
    if sea is not None:
        t = _text(ax, 0, 0, _stacked(spec.sea), spec.lang, "sea", labels, size=size["sea"], color=SEA)
        t.set_multialignment("center")
        placer.place(t, placer.area_candidates(sea, 1.5 * mm), area=sea, avoid=(area,))
    # A neighbour whose name finds no clear place (a sliver at the frame's edge, a small
    # country crowded by names already placed) goes unnamed on the map; the alt text names
    # every neighbour.
    for code, name in spec.neighbours:
        if code in clipped:
            t = _text(ax, 0, 0, name, spec.lang, "neighbour", labels, size=size["neighbour"], color=GREY)
            candidates = placer.area_candidates(clipped[code], 1.5 * mm)
            if not candidates or placer.place(t, candidates, area=clipped[code], avoid=(area,)) > CROWDED:
                t.remove()
                labels.pop()
                if candidates:
                    placer.taken.pop()
    ax.add_patch(_patch_box(frame, facecolor="none", edgecolor="#9aa5b1", linewidth=0.6))
    return _render(fig, width_mm=spec.width_mm, height_mm=height, lang=spec.lang, alt=spec.alt, labels=labels)


def _draw_corridor(spec: CorridorSpec) -> Graphic:
    from shapely.geometry import LineString, Point

    frame = _frame(*CORRIDOR_FRAME)
    fig, ax, height = _map_figure(frame, spec.width_mm)
    labels: list[Label] = []
    codes = [code for code, _ in spec.route]
    _draw_base(ax, frame, spec.width_mm, set(), set(codes))
    clipped = _clipped(frame, spec.width_mm)
    placer = _Placer(fig, ax, frame)
    gap = (frame[2] - frame[0]) * 0.012
    # Nodes: each country's most open point; the line joins them in route order, then goes
    # on beyond the last one to Europe, an arrow to the frame's west edge.
    points = [_label_point(clipped[code]) if code in clipped else None for code in codes]
    missing = [code for code, p in zip(codes, points, strict=True) if p is None]
    if missing:
        raise ValueError(f"corridor map: {', '.join(missing)} not inside the map's frame")
    nodes = [p for p in points if p is not None]
    xs, ys = [p[0] for p in nodes], [p[1] for p in nodes]
    end = (frame[0] + (frame[2] - frame[0]) * 0.04, ys[-1] + (frame[3] - frame[1]) * 0.1)
    ax.plot(xs, ys, color=ROUTE, linewidth=1.8, solid_capstyle="round", zorder=3)
    arrow = {
        "arrowstyle": "-|>,head_length=0.5,head_width=0.3",
        "color": ROUTE,
        "linewidth": 1.8,
        "shrinkA": 0,
        "shrinkB": 0,
    }
    ax.annotate("", xy=end, xytext=(xs[-1], ys[-1]), zorder=3, arrowprops=arrow)
    ax.plot(
        xs,
        ys,
        marker="o",
        markersize=4.2,
        markerfacecolor="white",
        markeredgecolor=ROUTE,
        markeredgewidth=1.2,
        linestyle="none",
        zorder=4,
    )
    placer.block(LineString([*nodes, end]).buffer(gap * 0.5))
    halo = _halo()
    for (_, name), (x, y) in zip(spec.route, nodes, strict=True):
        placer.block(Point(x, y).buffer(gap * 0.6))
        t = _text(ax, x, y, name, spec.lang, "node", labels, size=7, bold=True, zorder=5, bbox=halo)
        beside: list[Candidate] = [  # below, above, right, left
            (x, y - gap, "center", "top"),
            (x, y + gap, "center", "bottom"),
            (x + gap, y, "left", "center"),
            (x - gap, y, "right", "center"),
        ]
        placer.place(t, beside)
    t = _text(
        ax, 0, 0, spec.end, spec.lang, "end", labels, size=7.5, bold=True, color=ROUTE, zorder=5, bbox=halo
    )
    placer.place(t, [(end[0], end[1] + gap, "left", "bottom"), (end[0], end[1] - gap, "left", "top")])
    sea = _sea(frame, spec.width_mm, *CASPIAN)
    if sea is not None:
        t = _text(ax, 0, 0, _stacked(spec.sea), spec.lang, "sea", labels, size=6, color=SEA)
        t.set_multialignment("center")
        placer.place(t, placer.area_candidates(sea, 1.5 * (frame[2] - frame[0]) / spec.width_mm), area=sea)
    ax.add_patch(_patch_box(frame, facecolor="none", edgecolor="#9aa5b1", linewidth=0.6))
    return _render(fig, width_mm=spec.width_mm, height_mm=height, lang=spec.lang, alt=spec.alt, labels=labels)


# -- Charts -------------------------------------------------------------------------------------


def _digits(text: str, digits: str) -> str:
    from .formatting import arabic_indic

    return arabic_indic(text) if digits == "arabic-indic" else text


def _broken(name: str) -> str:
    """A long name in two lines, broken at the space that makes the longer line shortest."""
    words = name.split()
    if len(words) < 2:
        return name
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    first, second = min(splits, key=lambda pair: (max(len(pair[0]), len(pair[1])), len(pair[1])))
    return f"{first}\n{second}"


def _draw_chart(spec: ChartSpec) -> Graphic:
    """Stacked horizontal bars, one per category, a legend above and the value axis below.
    Laid out in millimetres: category names take the width they need on the start side, up
    to NAMES_SHARE of the width (a longer name takes two lines); the legend runs from the
    start side and wraps when it must."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    rtl = spec.lang == "ar"
    rows = len(spec.categories)
    width = spec.width_mm
    probe = Figure(figsize=(width * MM, 10 * MM), dpi=72)
    renderer = FigureCanvasAgg(probe).get_renderer()

    def mm_wide(text: str, size: float) -> float:
        t = probe.text(0, 0, text, fontproperties=_font(spec.lang), fontsize=size)
        wide = t.get_window_extent(renderer).width / 72 * 25.4
        t.remove()
        return wide

    limit = NAMES_SHARE * width - 2.5
    names_text = [c if mm_wide(c, 6.5) <= limit else _broken(c) for c in spec.categories]
    broken = any("\n" in n for n in names_text)
    names_mm = min(NAMES_SHARE * width, max(mm_wide(n, 6.5) for n in names_text) + 2.5)
    # Legend entries: a 3.2 mm swatch, 1.2 mm, the name, 3.5 mm; as many a line as fit.
    entries = [(key, name, fill, 4.4 + mm_wide(name, 6) + 3.5) for key, name, fill in spec.legend]
    legend_lines: list[list[tuple[str, str, str, float]]] = []
    line: list[tuple[str, str, str, float]] = []
    used = 0.0
    for entry in entries:
        if line and used + entry[3] > width:
            legend_lines.append(line)
            line, used = [], 0.0
        line.append(entry)
        used += entry[3]
    legend_lines.append(line)
    row_mm, line_mm, axis_mm = (7.4 if broken else 4.6), 4.2, 7.5
    legend_mm = line_mm * len(legend_lines) + 1.0
    height = legend_mm + row_mm * rows + axis_mm
    fig = Figure(figsize=(width * MM, height * MM), dpi=72)
    labels: list[Label] = []

    def fx(mm: float) -> float:  # a distance from the start side, in figure coordinates
        return 1 - mm / width if rtl else mm / width

    names = [
        _text(fig, 0, 0, n, spec.lang, "category", labels, size=6.5, va="center", linespacing=1.1)
        for n in names_text
    ]
    for t in names:
        t.set_multialignment("left" if rtl else "right")
    # No totals at the bars' ends: the table the chart sits beside states them (a figure once).
    bars_mm = width - names_mm - 4.0
    left = fx(names_mm) if not rtl else fx(names_mm + bars_mm)
    ax = fig.add_axes((left, axis_mm / height, bars_mm / width, row_mm * rows / height))
    totals = [sum(values[i] for _, _, values in spec.series) for i in range(rows)]
    top = max(totals + [1])
    ys = list(range(rows))[::-1]  # first category on top
    start = [0] * rows
    for name, fill, values in spec.series:
        ax.barh(
            ys,
            values,
            left=start,
            height=0.6 if not broken else 0.5,
            color=f"#{fill}",
            edgecolor=INK,
            linewidth=0.5,
            hatch="////" if name in spec.hatched else None,
        )
        start = [a + b for a, b in zip(start, values, strict=True)]
    ax.set_ylim(-0.5, rows - 0.5)
    ax.set_xlim(top, 0) if rtl else ax.set_xlim(0, top)  # Arabic: bars grow from the right
    ax.set_yticks([])
    for spine in ("top", "left", "right"):
        ax.spines[spine].set_visible(False)
    ax.spines["bottom"].set_linewidth(0.6)
    step = max(1, -(-top // 5))
    ticks = list(range(0, top + 1, step))
    ax.set_xticks(ticks)
    ax.set_xticklabels([])
    ax.tick_params(axis="x", length=2, width=0.5, colors=GREY)
    below = 1.0 / (row_mm * rows) * rows  # a millimetre under the axis, in data units
    for tick in ticks:
        _text(
            ax,
            tick,
            -0.5 - below,
            _digits(str(tick), spec.digits),
            spec.lang,
            "value",
            labels,
            size=6,
            color=GREY,
            ha="center",
            va="top",
            clip_on=False,
        )
    for t, y in zip(names, ys, strict=True):
        _, y_fig = fig.transFigure.inverted().transform(ax.transData.transform((0, y)))
        t.set_position((fx(names_mm - 1.5), y_fig))
        t.set_horizontalalignment("left" if rtl else "right")
    _text(
        fig,
        fx(names_mm + bars_mm / 2),
        0.01,
        spec.axis,
        spec.lang,
        "axis",
        labels,
        size=6,
        color=GREY,
        ha="center",
        va="bottom",
    )
    for i, line in enumerate(legend_lines):
        at = 0.0
        y_fig = 1 - (0.5 + i * line_mm + line_mm / 2) / height
        for key, name, fill, wide in line:
            swatch = Rectangle(
                (fx(at + 3.2) if rtl else fx(at), y_fig - 1.1 / height),
                3.2 / width,
                2.2 / height,
                transform=fig.transFigure,
                facecolor=f"#{fill}",
                edgecolor=INK,
                linewidth=0.5,
                hatch="////" if key in spec.hatched else None,
            )
            fig.add_artist(swatch)
            _text(
                fig,
                fx(at + 4.4),
                y_fig,
                name,
                spec.lang,
                "legend",
                labels,
                size=6,
                ha="right" if rtl else "left",
                va="center",
            )
            at += wide
    return _render(fig, width_mm=width, height_mm=height, lang=spec.lang, alt=spec.alt, labels=labels)


# -- From content -------------------------------------------------------------------------
# The specs above are plain data; these build them from validated content, in one
# language, and write the <img> a template places (read again by the DOCX writer).


def territory_name(code: str, lang: str, countries: dict[str, Country]) -> str:
    """A country's name: as content writes it for a country with a file, else CLDR's."""
    from babel import Locale

    if code.lower() in countries:
        return getattr(countries[code.lower()].name, lang)
    return Locale.parse(lang).territories[code.upper()]


def covers(code: str) -> bool:
    """Whether the map data holds a country (by ISO 3166-1 alpha-2 code, either case)."""
    return code.upper() in _map_data()["countries"]


# Where the neighbours each locator map shows are kept between processes (plan.py sets it:
# OUT/.cache/graphics). Every build asks (a profile's inputs name them), and working them out
# takes shapely and pyproj, most of a second of imports that a build whose maps are cached
# needs for nothing else. Keyed by what they are worked out from: this module, the map data,
# shapely's and pyproj's versions.
disk: Path | None = None
_in_view: dict[str, list[str]] = {}


def neighbours_in_view(code: str) -> list[str]:
    """The neighbours (shared border) of a country that the locator map shows."""
    code = code.upper()
    key = incremental.digest(
        "in view",
        code,
        incremental.file_hash(Path(__file__)),
        incremental.file_hash(MAP_DATA),
        _versions("shapely", "pyproj"),
    )[:32]
    if key in _in_view:
        return list(_in_view[key])
    found = None
    if disk is not None:
        with contextlib.suppress(OSError, ValueError, files.Refused):
            data = json.loads(files.read_inside(disk / f"{key}.json", disk, 100_000))
            if isinstance(data, list) and all(isinstance(n, str) for n in data):
                found = data
    if found is None:
        shown = _clipped(locator_frame(code), LocatorSpec.width_mm)
        found = [n for n in _map_data()["countries"][code]["neighbours"] if n in shown]
        if disk is not None:
            incremental.cache_put(disk / f"{key}.json", json.dumps(found).encode())
    _in_view[key] = found
    return list(found)


def _say(labels: dict[str, Bilingual], key: str, lang: str, **values: str) -> str:
    return getattr(labels[key], lang).format(**values)


def locator_for(
    country: Country,
    countries: dict[str, Country],
    lang: str,
    labels: dict[str, Bilingual],
    cache: Path | None = None,
    width_mm: float = 64.0,
) -> Graphic:
    """The locator map of a country profile (model.Country), `width_mm` wide as printed."""
    code = country.id.upper()
    comma = getattr(labels["comma"], lang) + " "
    neighbours = tuple((n, territory_name(n, lang, countries)) for n in neighbours_in_view(code))
    name = getattr(country.name, lang)
    sea = getattr(labels["map_caspian"], lang)
    capital = None
    if country.capital != "unknown" and country.capital.location is not None:
        loc = country.capital.location
        capital = Place(getattr(country.capital.value, lang), loc.lon, loc.lat)
    names = comma.join(n for _, n in neighbours)
    alt = (
        _say(labels, "locator_alt", lang, country=name, capital=capital.name, neighbours=names, sea=sea)
        if capital
        else _say(labels, "locator_alt_no_capital", lang, country=name, neighbours=names, sea=sea)
    )
    return locator_map(LocatorSpec(lang, code, name, capital, neighbours, sea, alt, width_mm), cache)


def corridor_for(
    corridor: Corridor,
    countries: dict[str, Country],
    lang: str,
    labels: dict[str, Bilingual],
    cache: Path | None = None,
    width_mm: float = 150.0,
) -> Graphic:
    """The corridor map of a backgrounder (kinds.summit_backgrounder.CorridorMap), `width_mm` wide."""
    route = tuple((c.upper(), territory_name(c, lang, countries)) for c in corridor.route)
    spec = CorridorSpec(
        lang,
        route,
        getattr(labels["map_europe"], lang),
        getattr(labels["map_caspian"], lang),
        getattr(corridor.alt, lang),
        width_mm,
    )
    return corridor_map(spec, cache)


def progress_for(
    areas: list[tuple[str, dict[str, int]]],
    statuses: tuple[str, ...],
    fills: dict[str, str],
    lang: str,
    digits: str,
    labels: dict[str, Bilingual],
    cache: Path | None = None,
    width_mm: float = 150.0,
) -> Graphic:
    """The tracker's progress chart: items per status in each area (name, counts by status)."""
    from .formatting import arabic_indic

    def say(key: str, **values: str) -> str:
        text = _say(labels, key, lang, **values)
        return arabic_indic(text) if lang == "ar" and digits == "arabic-indic" else text

    comma = getattr(labels["comma"], lang) + " "
    status_names = {s: getattr(labels[f"track_{s}"], lang) for s in statuses}
    parts = [
        say(
            "progress_chart_area",
            area=name,
            counts=comma.join(f"{status_names[s]} {counts[s]}" for s in statuses if counts[s]),
        )
        for name, counts in areas
    ]
    spec = ChartSpec(
        lang=lang,
        digits=digits if lang == "ar" else "western",
        categories=tuple(name for name, _ in areas),
        series=tuple((s, fills[s], tuple(counts[s] for _, counts in areas)) for s in statuses),
        legend=tuple((s, status_names[s], fills[s]) for s in statuses),
        hatched=("in_progress",),
        axis=getattr(labels["chart_items"], lang),
        alt=say("progress_chart_alt", areas=" ".join(parts)),
        width_mm=width_mm,
    )
    return progress_chart(spec, cache)


def img(graphic: Graphic, name: str) -> Markup:
    """The <img> for a template: the SVG inline as a data: URL (the PDF draws it), the PNG and
    the printed size beside it for the DOCX writer, and the alt text in the page's language."""
    from markupsafe import Markup, escape

    return Markup(
        f'<img class="graphic" src="{graphic.data_url("svg")}" data-png="{graphic.data_url("png")}" '
        f'data-width-mm="{graphic.width_mm}" data-height-mm="{graphic.height_mm}" '
        f'data-name="{escape(name)}" alt="{escape(graphic.alt)}" lang="{graphic.lang}" '
        f'style="width: {graphic.width_mm}mm; height: {graphic.height_mm}mm">'
    )
