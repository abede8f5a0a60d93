"""Run one page file through AppTest, optionally opened from a URL's query parameters."""

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def run_page(page: str, timeout: float = 120, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=timeout)
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    return at
