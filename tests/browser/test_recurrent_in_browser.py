"""The recurrent page in a real browser: type a sequence, see the heatmaps, no exception."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages_in_browser import exceptions, maybe_screenshot, open_page, type_into_text_area

pytestmark = pytest.mark.browser


def test_typed_sequence_shows_heatmaps(page, app_url):
    open_page(page, app_url + "/recurrent?task=brackets&cell=lstm")
    type_into_text_area(page, "((a)(b(c)))", label="Sequence")
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
    assert page.locator(".js-plotly-plot").count() >= 6  # one heatmap per LSTM gate and state
    expect(page.get_by_text("cell state c").first).to_be_attached()
    assert exceptions(page) == 0
    maybe_screenshot(page, "recurrent")


def test_play_moves_the_cursor(page, app_url):
    open_page(page, app_url + "/recurrent?task=brackets&text=(()())")
    page.get_by_role("tab", name="Step through").click()
    page.get_by_role("button", name="▶ Play").click()
    page.wait_for_timeout(2500)
    assert int(page.get_by_test_id("stSliderThumbValue").first.inner_text()) >= 2
    assert exceptions(page) == 0
