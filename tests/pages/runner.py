"""Run one page file through AppTest, optionally opened from a URL's query parameters; read its charts."""

import base64
import json

import numpy as np
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def run_page(page: str, timeout: float = 120, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=timeout)
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    return at


def chart_specs(at: AppTest) -> list[dict]:
    """The page's plotly figures as dicts: AppTest sees them only as JSON protos."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def values(data):
    """A plotly array as numpy: plotly sends numpy arrays as base64 typed arrays."""
    if isinstance(data, dict):
        shape = [int(n) for n in str(data.get("shape", "-1")).split(",")]
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).reshape(shape).astype(float)
    return np.array(data, dtype=float)
