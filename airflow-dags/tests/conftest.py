"""Keep Airflow local and quiet when pytest is run without run-tests.sh (which sets the same)."""

import os
import tempfile
from pathlib import Path

DAGS_DIR = Path(__file__).resolve().parents[1]

if "AIRFLOW_HOME" not in os.environ:
    os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="airflow-home-")
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(DAGS_DIR))
