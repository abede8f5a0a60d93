"""The encoder-decoder page in a real browser: type a number, see both answers and the heatmap."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages_in_browser import exceptions, maybe_screenshot, open_page, type_into_text_area

pytestmark = pytest.mark.browser


def test_typed_number_shows_both_answers_and_the_alignment(page, app_url):
    open_page(page, app_url + "/seq2seq")
    type_into_text_area(page, "three hundred forty-two thousand seven", label="A number in words")
    metrics = page.get_by_test_id("stMetricValue")
    expect(metrics).to_have_text(["342007", "342007"])
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    assert page.locator(".js-plotly-plot").count() >= 5  # alignment, top candidates, curve, two context vectors
    assert exceptions(page) == 0
    maybe_screenshot(page, "seq2seq")
