"""The municipal map leads with the hot spots; pair lines are off and shown per hot spot."""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import shapely

from gebied.maps import municipal_map
from tests.maps.test_maps import payload
from tests.plan_fixture import plan_layers


def test_hot_spots_lead_and_pair_lines_are_off_by_default():
    layers = plan_layers()
    flags = layers["vlaggen"].copy()
    flags["brandhaard_id"] = pd.array(["BH0002" if k % 3 == 0 else None for k in range(len(flags))], dtype="string")
    layers["vlaggen"] = flags
    hull = shapely.buffer(shapely.convex_hull(shapely.union_all(layers["adressen"].geometry.values[:5])), 10)
    layers["brandhaarden"] = gpd.GeoDataFrame(
        {"brandhaard_id": ["BH0002", "BH0001"], "rang": [2, 1], "straat": ["Molenweg", "Kerkstraat"],
         "huisnummers": ["2–40", "1–23"], "adressen": [20, 12], "paren": [30, 11], "ernst": [40.0, 48.0],
         "gebied_code": ["BU1", "BU2"], "toelichting": ["Molenweg 2–40: uitleg", "Kerkstraat 1–23: uitleg"]},
        geometry=[hull, hull], crs=28992,
    )
    html = municipal_map(layers, level="buurt")
    [hot] = payload(html, "hotspots")
    feats = hot["geojson"]["features"]
    assert [f["properties"]["rang"] for f in feats] == [1, 2]  # most severe first
    assert "Kerkstraat 1–23" in feats[0]["properties"]["tip"] and "uitleg" in feats[0]["properties"]["popup"]
    assert all(f["properties"]["top"] for f in feats)
    [pairs] = payload(html, "flags")
    assert pairs["h"] == [1 if k % 3 == 0 else -1 for k in range(len(flags))]  # BH0002 is second in the list
    hot_var = re.search(r"var (\w+) = GK\.hotspots\(", html).group(1)
    flag_var = re.search(r"var (\w+) = GK\.flags\(", html).group(1)
    assert f"{hot_var}.addTo(" in html and f"{flag_var}.addTo(" not in html
    assert html.index("GK.hotspots(") < html.index("GK.flags(")
