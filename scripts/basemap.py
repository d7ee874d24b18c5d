#!/usr/bin/env python3
"""Write the site's offline basemap: `python scripts/basemap.py countries-110m.json`.

The input is Natural Earth's 1:110m country outlines (public domain) as TopoJSON, from the
world-atlas package (`npm pack world-atlas@2`, file countries-110m.json). The output,
scripts/lib/dpsite/static/countries-110m.geojson, is GeoJSON with coordinates rounded to 0.01
degree (about 1 km, far finer than the 1:110m outlines), which Leaflet draws under the markers
when the map tiles cannot load. Run once when the basemap changes; the file is committed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "lib" / "dpsite" / "static" / "countries-110m.geojson"


def decode_arcs(topology: dict) -> list[list[list[float]]]:
    """TopoJSON arcs as absolute longitude/latitude points (undoing delta encoding and quantization)."""
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append([round(x * scale[0] + translate[0], 2), round(y * scale[1] + translate[1], 2)])
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list) -> list[list[float]]:
    points: list[list[float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def geometry(g: dict, arcs: list) -> dict | None:
    if g["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r, arcs) for r in g["arcs"]]}
    if g["type"] == "MultiPolygon":
        return {"type": "MultiPolygon", "coordinates": [[ring(r, arcs) for r in p] for p in g["arcs"]]}
    return None


def to_geojson(topology: dict, layer: str = "countries") -> dict:
    arcs = decode_arcs(topology)
    features = []
    for g in topology["objects"][layer]["geometries"]:
        shape = geometry(g, arcs)
        if shape:
            features.append(
                {"type": "Feature", "properties": {"name": g.get("properties", {}).get("name", "")}, "geometry": shape}
            )
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("topojson", type=Path)
    args = parser.parse_args(argv)
    collection = to_geojson(json.loads(args.topojson.read_text(encoding="utf-8")))
    OUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(collection['features'])} countries, {OUT.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
