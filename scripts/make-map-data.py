#!/usr/bin/env python3
"""Reduce Natural Earth's country boundaries to the region our maps show.

Reads `countries-50m.json` from the npm package `world-atlas` (Natural Earth
4.1.0 admin-0 countries, 1:50m, as TopoJSON) and writes
`briefing/data/region-50m.json`: every country that reaches into the region
(Europe to western China, the Black Sea and the Caspian included), clipped to
it, projected to an Albers equal-area conic centred on Central Asia, simplified
for print at about 1:25 million, with coordinates rounded to whole kilometres.
The maps (briefing/graphics.py) read only that file; this script is run by hand
when the region or the source changes, never by a build:

    cd "$(mktemp -d)" && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    .venv/bin/python scripts/make-map-data.py "$PWD/package/countries-50m.json"

Countries are keyed by ISO 3166-1 alpha-2 code, mapped from the numeric code
Natural Earth gives through CLDR's territory aliases (Babel), so the maps can
name them with CLDR's territory names in either language. Features without a
numeric code (Kosovo, Northern Cyprus, Somaliland) are kept for drawing and
keyed `_<name>`; the maps never name them. The same input gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import shapely
from babel.core import get_global
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, box

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "briefing" / "data" / "region-50m.json"

# The region, in degrees: Iberia and Iceland to western China, the Sahara's edge to Scandinavia.
WEST, SOUTH, EAST, NORTH = -25.0, 24.0, 100.0, 66.0
# Albers equal-area conic (EPSG method 9822) centred on the Caspian-Central Asia region,
# standard parallels bracketing it; kilometres, so rounding to integers keeps 1 km.
PROJ = "+proj=aea +lat_0=45 +lon_0=55 +lat_1=35 +lat_2=55 +ellps=WGS84 +units=km +no_defs"
# Douglas-Peucker tolerance in km: 1 mm on a page at 1:25 million is 25 km.
TOLERANCE_KM = 4.0
MIN_AREA_KM2 = 150.0  # islands smaller than this vanish at print scale
ATTRIBUTION = (
    "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com. "
    "Admin 0 countries 1:50m, version 4.1.0, public domain, via the npm package world-atlas 2.0.2 "
    "(TopoJSON, ISC licence, Mike Bostock). Boundaries as Natural Earth draws them."
)


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs: delta-encoded, quantized positions -> lists of (lon, lat)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list) -> list[tuple[float, float]]:
    """A ring from arc indices; ~i means arc i reversed. Consecutive arcs share an end point."""
    points: list[tuple[float, float]] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def geometry(geom: dict, arcs: list):
    polygons = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
    parts = [Polygon(ring(p[0], arcs), [ring(h, arcs) for h in p[1:]]) for p in polygons]
    return shapely.make_valid(MultiPolygon(parts))


def alpha2(numeric: str, aliases: dict) -> str | None:
    found = aliases.get(numeric)
    return found[0] if found else None


def rings_of(geom) -> list[list[list[list[int]]]]:
    """Polygons as lists of rings of [x, y] whole kilometres, exterior first, in a fixed order."""
    polys = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon)]
    out = []
    for poly in sorted(polys, key=lambda p: (-p.area, p.bounds)):
        if poly.area < MIN_AREA_KM2:
            continue
        poly = shapely.geometry.polygon.orient(poly)
        rings = [poly.exterior, *poly.interiors]
        coded = []
        for r in rings:
            pts = [[round(x), round(y)] for x, y in r.coords[:-1]]
            pts = [p for k, p in enumerate(pts) if k == 0 or p != pts[k - 1]]
            if len(pts) >= 3:
                coded.append(pts)
        if coded:
            out.append(coded)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("topojson", type=Path, help="countries-50m.json from the world-atlas package")
    args = parser.parse_args()
    raw = args.topojson.read_bytes()
    topology = json.loads(raw)
    arcs = decode_arcs(topology)
    aliases = get_global("territory_aliases")
    project = Transformer.from_crs("EPSG:4326", PROJ, always_xy=True).transform

    region = box(WEST, SOUTH, EAST, NORTH)
    countries: dict[str, dict] = {}
    shapes: dict[str, object] = {}
    for geom in topology["objects"]["countries"]["geometries"]:
        shape = geometry(geom, arcs)
        if not shape.intersects(region):
            continue
        name = geom["properties"]["name"]
        key = alpha2(geom.get("id", ""), aliases) or f"_{name}"
        clipped = shape.intersection(region)
        # Densify before projecting, so that clipped edges and long straight borders curve as they should.
        projected = shapely.transform(shapely.segmentize(clipped, 0.25), project, interleaved=False)
        simple = projected.simplify(TOLERANCE_KM, preserve_topology=True)
        polygons = rings_of(simple)
        if not polygons:
            continue
        shapes[key] = shape
        countries[key] = {"name": name, "polygons": polygons}

    # Neighbours: countries whose full (unclipped, unsimplified) shapes share a border.
    for key, shape in shapes.items():
        near = shape.buffer(0.02)
        countries[key]["neighbours"] = sorted(
            other
            for other, s in shapes.items()
            if other != key and not other.startswith("_") and near.intersects(s)
        )

    frame = shapely.transform(shapely.segmentize(region, 0.25), project, interleaved=False)
    data = {
        "attribution": ATTRIBUTION,
        "source_sha256": hashlib.sha256(raw).hexdigest(),
        "projection": PROJ,
        "region_degrees": [WEST, SOUTH, EAST, NORTH],
        "tolerance_km": TOLERANCE_KM,
        "frame": [round(v) for v in frame.bounds],
        "countries": dict(sorted(countries.items())),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    OUT.write_text(text + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(countries)} countries, {len(text.encode()):,} bytes")


if __name__ == "__main__":
    main()
