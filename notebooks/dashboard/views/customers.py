"""Customers: the RFM segments and their value (customer_summary), and one household's profile
with its recommendations and the rule behind each (customer_recommendations)."""

import plotly.express as px
import streamlit as st

from board import db, ui
from board import filters as f

SEGMENT_ORDER = ["Champions", "Loyal", "Promising", "Needs attention", "At risk", "Hibernating", "Lost"]

SCOPE = "(cardinality(%(departments)s::text[]) = 0 OR top_department = ANY(%(departments)s::text[]))"

SEGMENTS = f"""
SELECT rfm_segment AS segment, count(*) AS households, sum(total_spend)::float8 AS spend,
       avg(total_spend)::float8 AS avg_spend, avg(baskets)::float8 AS avg_baskets,
       avg(recency_days)::float8 AS avg_recency_days
FROM customer_summary
WHERE {SCOPE}
GROUP BY 1
"""

GRID = f"""
SELECT r_score, f_score, count(*) AS households
FROM customer_summary WHERE {SCOPE} GROUP BY 1, 2
"""

DEFAULT_HOUSEHOLD = """
SELECT household_id FROM customer_recommendations
GROUP BY household_id ORDER BY count(*) DESC, household_id LIMIT 1
"""

PROFILE = """
SELECT household_id, rfm_segment, rfm_score, total_spend::float8 AS total_spend, baskets,
       avg_basket_value::float8 AS avg_basket_value, first_purchase, last_purchase, recency_days,
       top_department, coupons_redeemed, campaigns_received, age, income, household_comp, kids_count
FROM customer_summary WHERE household_id = %(household)s
"""

RECOMMENDATIONS = """
SELECT r.rank, r.product_id, p.department, p.brand, p.product_category, r.item,
       array_to_string(r.because, ' + ') AS because, r.score::float8 AS confidence, r.lift::float8 AS lift
FROM customer_recommendations r LEFT JOIN product_performance p USING (product_id)
WHERE r.household_id = %(household)s
ORDER BY r.rank
"""


def segments() -> None:
    flt = f.current()
    frame = ui.require(
        db.query(SEGMENTS, flt.params()), "No household has its top department among those chosen."
    )
    frame["order"] = frame["segment"].map({s: i for i, s in enumerate(SEGMENT_ORDER)})
    frame = frame.sort_values("order").drop(columns="order")
    left, right = st.columns(2)
    with left:
        figure = px.bar(frame, x="segment", y="households", title="Households by RFM segment")
        ui.chart(figure, "customers-households")
    with right:
        figure = px.bar(
            frame,
            x="segment",
            y="spend",
            title="Spend by RFM segment",
            color="avg_spend",
            color_continuous_scale=px.colors.sequential.Blues[3:],
        )
        ui.chart(figure, "customers-spend")
    ui.behind(frame, "RFM segments")
    grid = db.query(GRID, flt.params()).pivot(index="f_score", columns="r_score", values="households")
    figure = px.imshow(
        grid.sort_index(ascending=False),
        text_auto=True,
        color_continuous_scale=px.colors.sequential.Blues[3:],
        title="Households by recency (R) and frequency (F) score",
        aspect="auto",
    )
    figure.update_xaxes(title="R score (5 = most recent)")
    figure.update_yaxes(title="F score (5 = most baskets)")
    ui.chart(figure, "customers-grid")


def household() -> None:
    default = db.query(DEFAULT_HOUSEHOLD)
    chosen = st.number_input(
        "Household id",
        min_value=1,
        step=1,
        key="household",
        value=int(default.iloc[0]["household_id"]) if not default.empty else 1,
        help="Defaults to the household with the most recommendations.",
    )
    profile = ui.require(
        db.query(PROFILE, {"household": int(chosen)}), f"No household {int(chosen)} in customer_summary."
    ).iloc[0]
    columns = st.columns(5)
    columns[0].metric("Segment", profile["rfm_segment"], help=f"RFM score {profile['rfm_score']}")
    columns[1].metric("Total spend", f"${profile['total_spend']:,.2f}")
    columns[2].metric("Baskets", f"{profile['baskets']:,}")
    columns[3].metric("Average basket", f"${profile['avg_basket_value']:,.2f}")
    columns[4].metric(
        "Last purchase", str(profile["last_purchase"]), help=f"{profile['recency_days']} days ago"
    )
    st.caption(
        f"Top department {profile['top_department']}; {profile['coupons_redeemed']} coupons redeemed, "
        f"{profile['campaigns_received']} campaigns received; age {profile['age'] or 'unknown'}, "
        f"income {profile['income'] or 'unknown'}, {profile['household_comp'] or 'composition unknown'}."
    )
    recommendations = ui.require(
        db.query(RECOMMENDATIONS, {"household": int(chosen)}),
        f"No recommendation for household {int(chosen)}: no mined rule applies to its purchases.",
    )
    recommendations["rule"] = recommendations["because"] + " ⇒ " + recommendations["item"]
    title = f"Recommendations for household {int(chosen)}, by rule"
    ui.bars(
        recommendations,
        "confidence",
        "rule",
        title,
        "customers-recommendations",
        "Oranges",
        color="lift",
        hover_data=["product_id", "department", "brand"],
    )
    ui.behind(recommendations.drop(columns="rule"), "recommendations and the rule behind each")


ui.header(
    "Customers",
    "departments choose households by their top department; dates do not apply "
    "(RFM as of the pipeline's logical date)",
)
ui.section("RFM segments", segments)
ui.section("One household", household)
