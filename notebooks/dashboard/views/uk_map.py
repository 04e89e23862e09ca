"""UK map: the shop's sales by postcode area over the shop's order dates (order_sales_by_day, summed
in PostgreSQL), each area drawn at its centroid on an outline of the UK shipped with the dashboard (no
tile server: the map works offline)."""

import plotly.graph_objects as go
import streamlit as st

from board import db, geo, ui
from board import filters as f

TOTALS = f"""
SELECT coalesce(sum(orders), 0)::bigint AS orders, count(DISTINCT customer_key) AS customers,
       coalesce(sum(revenue), 0)::float8 AS revenue
FROM order_sales_by_day
WHERE {f.SHOP_DATES}
"""

REGIONS = f"""
SELECT postcode_area, sum(orders)::bigint AS orders, count(DISTINCT customer_key) AS customers,
       sum(revenue)::float8 AS revenue
FROM order_sales_by_day
WHERE {f.SHOP_DATES}
GROUP BY postcode_area ORDER BY sum(revenue) DESC, postcode_area
"""


def placed(regions):
    """Areas with their centroid; and the rest (unknown or not a UK postcode area)."""
    merged = regions.merge(geo.centroids(), on="postcode_area", how="left")
    return merged[merged["latitude"].notna()], merged[merged["latitude"].isna()]


def rings(geometry: dict) -> tuple[list, list]:
    """The outer rings of a (Multi)Polygon as one line, rings separated by None."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    lon, lat = [], []
    for polygon in polygons:
        for x, y in polygon[0]:
            lon.append(x)
            lat.append(y)
        lon.append(None)
        lat.append(None)
    return lon, lat


def figure(areas) -> go.Figure:
    # The outline is drawn as filled lines, not a choropleth: plotly fetches its world topojson from a
    # CDN for choropleths and base layers, and this map must draw with no network.
    fig = go.Figure()
    for feature in geo.outline()["features"]:
        lon, lat = rings(feature["geometry"])
        fig.add_trace(
            go.Scattergeo(
                lon=lon,
                lat=lat,
                mode="lines",
                fill="toself",
                fillcolor="#eceff3",
                line={"color": "#8a94a6", "width": 0.6},
                hoverinfo="skip",
                showlegend=False,
                name=feature["properties"]["name"],
            )
        )
    biggest = areas["revenue"].max()
    fig.add_trace(
        go.Scattergeo(
            lon=areas["longitude"],
            lat=areas["latitude"],
            text=areas["postcode_area"],
            mode="markers+text",
            textposition="top center",
            customdata=areas[["orders", "customers", "revenue"]],
            hovertemplate="%{text}: %{customdata[2]:,.2f} revenue, %{customdata[0]} orders, "
            "%{customdata[1]} customers<extra></extra>",
            marker={
                "size": 12 + 38 * (areas["revenue"] / biggest) ** 0.5,
                "color": areas["revenue"],
                "colorscale": "YlOrRd",
                "showscale": True,
                "colorbar": {"title": {"text": "revenue"}},
                "opacity": 0.85,
                "line": {"color": "#7f2704", "width": 0.5},
            },
            name="postcode areas",
            showlegend=False,
        )
    )
    fig.update_geos(
        visible=False, projection_type="mercator", lonaxis_range=[-8.8, 2.2], lataxis_range=[49.6, 61.0]
    )
    fig.update_layout(title="Revenue by postcode area", height=720, margin={"l": 0, "r": 0, "t": 40, "b": 0})
    return fig


def heat_map() -> None:
    start, end = f.shop_dates()
    dates = {"shop_start": start, "shop_end": end}
    totals = db.query(TOTALS, dates).iloc[0]
    if totals["orders"] == 0:
        raise db.NoRows(f"No order of the shop from {start} to {end}: widen the shop order dates.")
    st.caption(f"Shop orders {start} to {end}.")
    orders, customers, revenue = st.columns(3)
    orders.metric("Orders", f"{int(totals['orders']):,}")
    customers.metric("Customers", f"{int(totals['customers']):,}")
    revenue.metric("Revenue", f"{float(totals['revenue']):,.2f}")
    regions = db.query(REGIONS, dates)
    areas, elsewhere = placed(regions)
    left, right = st.columns([3, 2])
    with left:
        if areas.empty:
            raise db.NoRows("No order has a known UK postcode area.")
        st.plotly_chart(figure(areas), key="map-regions", width="stretch", config={"displaylogo": False})
    with right:
        ui.bars(areas.head(15), "revenue", "postcode_area", "Top postcode areas by revenue", "map-top-areas")
        if not elsewhere.empty:
            st.caption(
                f"Not on the map: {int(elsewhere['orders'].sum())} orders "
                f"({', '.join(elsewhere['postcode_area'].astype(str))}) without a known UK postcode area."
            )
    ui.behind(regions, "sales by postcode area")


ui.header("UK map", "shop order dates (departments and categories do not apply: orders are mapped whole)")
ui.section("The shop's sales by postcode area", heat_map)
st.caption(
    "Postcode-area centroids: contains OS data © Crown copyright and database right (Code-Point Open, "
    "Open Government Licence v3.0). Outline: Natural Earth (public domain)."
)
