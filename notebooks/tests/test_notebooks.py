"""Runs each analyst notebook headless against the PostgreSQL of a pipeline run.

The database comes from LAKEHOUSE_PG_URL (run-tests.sh starts one over a fresh pipeline run and sets
it). A notebook passes when every cell runs and every chart cell (tagged `chart`) draws a real PNG;
chart cells assert that their data is not empty, so an empty chart fails its cell.
"""

import base64
import os
from pathlib import Path

import nbformat
import papermill
import psycopg
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent
# Chart cells each notebook must have: guards against a tag lost in an edit.
EXPECTED_CHARTS = {"customers": 5, "baskets": 5, "sales": 6}
MIN_PNG_BYTES = 5_000


def pg_url() -> str:
    url = os.environ.get("LAKEHOUSE_PG_URL")
    if not url:
        pytest.fail(
            "LAKEHOUSE_PG_URL is not set: run notebooks/run-tests.sh, or serve a lake with bin/pipeline db"
        )
    return url


def execute(name: str, out_dir: Path, **parameters) -> nbformat.NotebookNode:
    """Executes notebooks/<name>.ipynb into out_dir with papermill; raises on the first failing cell."""
    output = out_dir / f"{name}.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS / f"{name}.ipynb"),
        str(output),
        parameters={"PG_URL": pg_url(), **parameters},
        cwd=str(out_dir),
        kernel_name="python3",
        progress_bar=False,
        execution_timeout=600,
    )
    return nbformat.read(output, as_version=4)


def chart_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if "chart" in cell.metadata.get("tags", [])]


def pngs(cell: nbformat.NotebookNode) -> list[bytes]:
    return [
        base64.b64decode(output["data"]["image/png"])
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]


def errors(notebook: nbformat.NotebookNode) -> list[str]:
    return [
        f"{output['ename']}: {output['evalue']}"
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]


@pytest.mark.parametrize("name", sorted(EXPECTED_CHARTS))
def test_committed_notebook_is_stripped_and_parameterised(name):
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code), "outputs not stripped"
    parameters = [cell for cell in code if "parameters" in cell.metadata.get("tags", [])]
    assert len(parameters) == 1, "exactly one cell tagged `parameters`"
    assert 'os.environ.get("LAKEHOUSE_PG_URL"' in parameters[0].source
    assert len(chart_cells(notebook)) == EXPECTED_CHARTS[name]
    for cell in chart_cells(notebook):
        assert "assert " in cell.source, f"chart cell without an emptiness check:\n{cell.source[:200]}"


@pytest.mark.parametrize("name", sorted(EXPECTED_CHARTS))
def test_notebook_runs_and_draws_every_chart(name, tmp_path):
    notebook = execute(name, tmp_path)

    assert errors(notebook) == []
    charts = chart_cells(notebook)
    assert len(charts) == EXPECTED_CHARTS[name]
    for cell in charts:
        images = pngs(cell)
        assert images, f"chart cell drew nothing:\n{cell.source[:200]}"
        assert all(len(png) > MIN_PNG_BYTES for png in images), (
            f"chart of {[len(png) for png in images]} bytes looks empty:\n{cell.source[:200]}"
        )
    all_pngs = [png for cell in notebook.cells if cell.cell_type == "code" for png in pngs(cell)]
    assert len(all_pngs) >= EXPECTED_CHARTS[name]


def printed(notebook: nbformat.NotebookNode) -> str:
    return "".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream"
    )


def test_sales_follows_its_date_and_department_parameters(tmp_path):
    notebook = execute(
        "sales",
        tmp_path,
        start_date="2017-03-01",
        end_date="2017-05-31",
        departments="grocery, produce",
    )

    assert errors(notebook) == []
    assert "Sales from 2017-03-01 to 2017-05-31 in 2 departments: GROCERY, PRODUCE" in printed(notebook)
    assert all(pngs(cell) for cell in chart_cells(notebook))


def test_baskets_explains_the_household_and_product_type_it_is_given(tmp_path):
    with psycopg.connect(pg_url().removeprefix("jdbc:")) as connection:
        household_id, product_type = connection.execute(
            """
            SELECT (SELECT household_id FROM gold.customer_recommendations
                    GROUP BY household_id ORDER BY count(*), household_id LIMIT 1),
                   (SELECT antecedent[1] FROM gold.association_rules
                    WHERE cardinality(antecedent) = 1 ORDER BY lift LIMIT 1)
            """
        ).fetchone()

    # Strings, as they come from the environment.
    notebook = execute("baskets", tmp_path, household_id=str(household_id), product_type=product_type)

    assert errors(notebook) == []
    assert f"product type: {product_type}" in printed(notebook)
    assert f"household: {household_id}" in printed(notebook)
    assert all(pngs(cell) for cell in chart_cells(notebook))


def test_sales_fails_when_no_department_matches(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as failure:
        execute("sales", tmp_path, departments=["NO SUCH DEPARTMENT"])

    assert failure.value.ename == "AssertionError"
    assert "no sales from" in failure.value.evalue
    assert "NO SUCH DEPARTMENT" in failure.value.evalue
