"""Products: the most and least bought over the chosen dates (sales_by_day_product), revenue by
category, and the highest-profit items of the shop's orders over the shop's order dates
(product_profit_by_day)."""

import streamlit as st

from board import db, ui
from board import filters as f

TOP_N = 15

_PRODUCTS = f"""
SELECT product_id, department, product_category, product_type,
       sum(baskets)::bigint AS baskets, sum(quantity)::bigint AS quantity, sum(revenue)::float8 AS revenue
FROM sales_by_day_product
WHERE {f.DATES} AND {f.DEPARTMENTS} AND {f.CATEGORIES}
GROUP BY product_id, department, product_category, product_type
"""
MOST_BOUGHT = _PRODUCTS + " ORDER BY baskets DESC, quantity DESC, product_id LIMIT %(top)s"
LEAST_BOUGHT = _PRODUCTS + " ORDER BY baskets, quantity, product_id LIMIT %(top)s"

BY_CATEGORY = f"""
SELECT department, product_category, sum(revenue)::float8 AS revenue, sum(quantity)::bigint AS quantity
FROM sales_by_day_product
WHERE {f.DATES} AND {f.DEPARTMENTS} AND {f.CATEGORIES}
GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 20
"""

# margin = revenue - cost over the range; margin % of revenue rounded to cents, as gold.product_profit's
HIGHEST_PROFIT = f"""
SELECT product_id, department, product_category, product_type, sum(units)::bigint AS units,
       sum(revenue)::float8 AS revenue, sum(cost)::float8 AS cost, sum(revenue - cost)::float8 AS margin,
       round(100 * sum(revenue - cost) / nullif(sum(revenue), 0), 2)::float8 AS margin_pct
FROM product_profit_by_day
WHERE {f.SHOP_DATES} AND {f.DEPARTMENTS} AND {f.CATEGORIES}
GROUP BY product_id, department, product_category, product_type
ORDER BY sum(revenue - cost) DESC, product_id LIMIT %(top)s
"""


def label(frame):
    return frame.assign(product=frame["product_type"].fillna("?") + " #" + frame["product_id"].astype(str))


def bought(sql: str, title: str, key: str) -> None:
    flt = f.current()
    frame = ui.require(
        db.query(sql, {**flt.params(), "top": TOP_N}),
        f"No products sold from {flt.describe()}: widen the dates or the departments and categories.",
    )
    frame = label(frame)
    ui.bars(frame, "baskets", "product", title, key, hover_data=["department", "quantity"])
    ui.behind(frame.drop(columns="product"), title.lower())


def categories() -> None:
    flt = f.current()
    frame = ui.require(db.query(BY_CATEGORY, flt.params()), f"No products sold from {flt.describe()}.")
    title = "Revenue by category (top 20)"
    ui.bars(frame, "revenue", "product_category", title, "products-categories", color="department")
    ui.behind(frame, "revenue by category")


def profit() -> None:
    f.shop_dates()  # what stops the shop's range (its orders not published) is this section's message
    flt = f.current()
    frame = ui.require(
        db.query(HIGHEST_PROFIT, {**flt.params(), "top": TOP_N}),
        f"No product sold in the {flt.describe(shop=True)}: widen the shop order dates or the departments "
        "and categories.",
    )
    st.caption(f"Margin over the {flt.describe(shop=True)}.")
    frame = label(frame)
    title = "Highest profit (margin = revenue - cost)"
    ui.bars(
        frame, "margin", "product", title, "products-profit", hover_data=["department", "units", "margin_pct"]
    )
    ui.behind(frame.drop(columns="product"), "highest profit")


ui.header("Products", "dates, departments and categories; the shop's profit: shop order dates, not dates")
left, right = st.columns(2)
with left:
    ui.section("Most bought", lambda: bought(MOST_BOUGHT, "Most bought (baskets)", "products-most"))
with right:
    ui.section("Least bought", lambda: bought(LEAST_BOUGHT, "Least bought (baskets)", "products-least"))
ui.section("By department and category", categories)
ui.section("Highest profit (the shop's orders)", profit)
