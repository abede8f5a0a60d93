"""Open a page through the app's router (app.py) in AppTest, and leave it for another page and come back.

A page switch is what drops a page's widget values: the run of the other page draws none of them,
so Streamlit forgets their keys. Only values kept under non-widget keys come back.
"""

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def open_via_router(page: str, timeout: float = 120, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.run()
    at.switch_page(f"pages/{page}")
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    return at


def away_and_back(at: AppTest, page: str, widget_keys: list[str]) -> AppTest:
    """Visit Home (the URL's query string goes, as in a browser), check `widget_keys` were dropped, return."""
    at.switch_page("pages/home.py")
    at.query_params.clear()
    at.run()
    assert not at.exception, at.exception
    dropped = [key for key in widget_keys if key not in at.session_state]
    assert dropped == widget_keys, f"Streamlit kept {set(widget_keys) - set(dropped)}: not a real page switch"
    at.switch_page(f"pages/{page}")
    at.run()
    assert not at.exception, at.exception
    return at
