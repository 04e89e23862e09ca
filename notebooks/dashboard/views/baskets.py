"""Baskets: the strongest association rules by lift, and what is bought with a chosen product type
(association_rules, mined at the catalogue's product-type level)."""

import plotly.express as px
import streamlit as st

from board import db, ui
from board import filters as f

TOP_N = 15
MAX_PLOTTED = 5000  # rules drawn in the scatter at most, the strongest by lift

# Departments and categories choose the rules whose consequent is a product type sold in them.
IN_SCOPE = f"""
((cardinality(%(departments)s::text[]) = 0 AND cardinality(%(categories)s::text[]) = 0)
 OR consequent IN (SELECT product_type FROM product_performance WHERE {f.DEPARTMENTS} AND {f.CATEGORIES}))
"""

TOP_RULES = f"""
SELECT array_to_string(antecedent, ' + ') AS antecedent, consequent,
       support::float8 AS support, confidence::float8 AS confidence, lift::float8 AS lift
FROM association_rules
WHERE {IN_SCOPE}
ORDER BY lift DESC, confidence DESC, consequent LIMIT %(top)s
"""

ALL_RULES = f"""
SELECT array_to_string(antecedent, ' + ') AS antecedent, consequent,
       support::float8 AS support, confidence::float8 AS confidence, lift::float8 AS lift
FROM association_rules WHERE {IN_SCOPE}
ORDER BY lift DESC, confidence DESC, consequent LIMIT %(plotted)s
"""

ANTECEDENT_ITEMS = """
SELECT item, count(*) AS rules FROM association_rules, unnest(antecedent) AS item
GROUP BY item ORDER BY rules DESC, item
"""

WITH_ITEM = """
SELECT consequent, array_to_string(antecedent, ' + ') AS antecedent,
       support::float8 AS support, confidence::float8 AS confidence, lift::float8 AS lift
FROM association_rules
WHERE antecedent @> ARRAY[%(item)s]::text[]
ORDER BY confidence DESC, lift DESC, consequent LIMIT %(top)s
"""


def top_rules() -> None:
    flt = f.current()
    rules = ui.require(
        db.query(TOP_RULES, {**flt.params(), "top": TOP_N}),
        "No rule leads to a product type of the chosen departments and categories.",
    )
    rules["rule"] = rules["antecedent"] + " ⇒ " + rules["consequent"]
    ui.bars(
        rules,
        "lift",
        "rule",
        f"Top {TOP_N} rules by lift",
        "baskets-top-rules",
        "Purples",
        color="confidence",
    )
    ui.behind(rules.drop(columns="rule"), "top rules by lift")
    every = db.query(ALL_RULES, {**flt.params(), "plotted": MAX_PLOTTED})
    shown = f"The {MAX_PLOTTED:,} strongest" if len(every) == MAX_PLOTTED else f"All {len(every)}"
    figure = px.scatter(
        every,
        x="support",
        y="confidence",
        color="lift",
        size="lift",
        hover_data=["antecedent", "consequent"],
        color_continuous_scale=px.colors.sequential.Purples[3:],
        title=f"{shown} rules by support, confidence and lift",
    )
    ui.chart(figure, "baskets-all-rules")


def bought_with() -> None:
    items = ui.require(db.query(ANTECEDENT_ITEMS), "No association rules published.")
    item = st.selectbox(
        "Product type",
        items["item"].tolist(),
        key="basket_item",
        help="Product types that begin at least one rule, the most rules first.",
    )
    rules = ui.require(db.query(WITH_ITEM, {"item": item, "top": TOP_N}), f"No rule starts from {item}.")
    title = f"Bought with {item}: share of its baskets that also hold each type"
    ui.bars(rules, "confidence", "consequent", title, "baskets-with-item", "Purples", color="lift")
    ui.behind(rules, f"rules from {item}")


ui.header(
    "Baskets",
    "departments and categories choose the rules by their consequent; dates do not "
    "apply (rules are mined over the whole history)",
)
ui.section("Strongest rules", top_rules)
ui.section("What is bought with a product type", bought_with)
