"""What every page shares: its header with "data as of", guarded sections, tables behind charts."""

import traceback
from collections.abc import Callable

import pandas as pd
import plotly.express as px
import streamlit as st

from board import db


def data_as_of() -> str:
    """The time of the last publish into the serving schema, from its publish log."""
    log = db.query(
        "SELECT max(published_at) AS published_at, count(DISTINCT table_name) AS tables,"
        " (array_agg(run_id ORDER BY published_at DESC))[1] AS run_id FROM publish_log"
    )
    at = log.iloc[0]["published_at"]
    if at is None or pd.isna(at):
        return "Data as of: nothing published yet"
    stamp = pd.Timestamp(at).tz_convert("UTC").strftime("%Y-%m-%d %H:%M UTC")
    return f"Data as of {stamp} (last publish, run {log.iloc[0]['run_id']})"


def header(title: str, applies: str) -> None:
    """The page title, the time of the last publish and which filters the page follows."""
    st.title(title)
    try:
        st.caption(
            data_as_of(),
            help="Figures are re-read from the database at most every "
            f"{db.TTL_SECONDS} s, so a new publish shows up without a restart.",
        )
    except (db.Unreachable, db.NotConfigured) as e:
        show(e)  # nothing else on the page could be read either: one message, not one per section
        st.stop()
    except db.DashboardError as e:
        show(e)
    st.caption(f"Filters: {applies}")


def show(error: db.DashboardError) -> None:
    """One clear message on the page (the log line was written where the error arose)."""
    if isinstance(error, db.Unreachable | db.NotConfigured):
        st.error(str(error))
    elif isinstance(error, db.NoRows):
        st.info(str(error))
    else:
        st.warning(str(error))


def section(title: str, render: Callable[[], None]) -> None:
    """A titled part of a page; a database problem inside it becomes a message, not a trace."""
    st.subheader(title)
    try:
        render()
    except db.DashboardError as e:
        if isinstance(e, db.NoRows):
            db.LOG.info("no rows: %s: %s", title, e)
        show(e)
    except Exception as e:  # a bug: one line on the page, the trace only in the log
        db.LOG.error("section %r failed: %s\n%s", title, e, traceback.format_exc())
        st.error(f"This section failed ({type(e).__name__}); the dashboard's log has the details.")


def require(frame: pd.DataFrame, message: str) -> pd.DataFrame:
    """The frame, or NoRows with the message when it is empty."""
    if frame.empty:
        raise db.NoRows(message)
    return frame


def behind(frame: pd.DataFrame, label: str) -> None:
    """The table a chart was drawn from, folded away under it."""
    with st.expander(f"Table: {label}"):
        st.dataframe(frame, hide_index=True, width="stretch")


def chart(figure, key: str) -> None:
    figure.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10}, height=380)
    st.plotly_chart(figure, key=key, width="stretch", config={"displaylogo": False})


def bars(
    frame: pd.DataFrame, x: str, y: str, title: str, key: str, shade: str | None = None, **style
) -> None:
    """Horizontal bars in the frame's order, its first row on top. `shade` names a plotly sequential
    scale (Blues, Purples...) for a continuous `color`, cut so its palest colour stays visible."""
    if shade:
        style["color_continuous_scale"] = getattr(px.colors.sequential, shade)[3:]
    figure = px.bar(frame, x=x, y=y, orientation="h", title=title, **style)
    figure.update_yaxes(
        autorange="reversed", title=None, type="category", categoryorder="array", categoryarray=list(frame[y])
    )
    chart(figure, key)
