"""The analysts' dashboard: `bin/pipeline dashboard`, or `streamlit run app.py` with
LAKEHOUSE_DASHBOARD_URL (and LAKEHOUSE_DASHBOARD_PASSWORD) set. See notebooks/README.md."""

import logging

import streamlit as st

from board import filters

PAGES = [
    st.Page("views/overview.py", title="Overview", default=True),
    st.Page("views/products.py", title="Products"),
    st.Page("views/customers.py", title="Customers"),
    st.Page("views/baskets.py", title="Baskets"),
    st.Page("views/uk_map.py", title="UK map"),
    st.Page("views/data_health.py", title="Data health"),
]

if not logging.getLogger("dashboard").handlers:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s dashboard: %(message)s"))
    logging.getLogger("dashboard").addHandler(handler)
    logging.getLogger("dashboard").setLevel(logging.INFO)

st.set_page_config(page_title="Retail dashboard", layout="wide")
page = st.navigation(PAGES)
filters.sidebar()
page.run()
