"""The UK map's geography, shipped in geo/ (see geo/README.md for the sources and licences)."""

import functools
import json
from pathlib import Path

import pandas as pd

GEO = Path(__file__).resolve().parent.parent / "geo"


@functools.cache
def centroids() -> pd.DataFrame:
    """postcode_area, latitude, longitude: one row per UK postcode area (121)."""
    return pd.read_csv(GEO / "postcode_areas.csv", usecols=["postcode_area", "latitude", "longitude"])


@functools.cache
def outline() -> dict:
    """GeoJSON FeatureCollection of the UK, Ireland and the Isle of Man (property `code`)."""
    return json.loads((GEO / "uk_outline.geojson").read_text())
