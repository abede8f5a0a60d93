"""The encoder-decoder page in a real browser: type a number, see both answers and the heatmap."""

import re
from urllib.parse import urlencode

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


def test_play_at_the_last_step_starts_over(page, app_url):
    open_page(page, app_url + "/seq2seq?" + urlencode({"text": "three hundred five", "step": "3"}))
    thumb = page.get_by_test_id("stSliderThumbValue").first
    expect(thumb).to_have_text("3")  # "305" and END: the last step
    page.get_by_role("button", name="▶ Play").click()
    expect(thumb).to_have_text(re.compile(r"^[012]$"), timeout=5_000)  # back at the start, playing on
    assert exceptions(page) == 0


@pytest.mark.parametrize("text", ["seven", ("one " * 50)[:195]])
def test_your_input_label_stays_inside_the_curve_chart(page, app_url, text):
    page.set_viewport_size({"width": 1400, "height": 1900})
    open_page(page, app_url + "/seq2seq?" + urlencode({"text": text}))
    charts = page.locator(".js-plotly-plot")
    expect(charts).to_have_count(5, timeout=90_000)  # a long input takes a while on a busy machine
    chart = charts.nth(2)  # alignment, candidates, then the bottleneck curve
    chart.scroll_into_view_if_needed()
    label = chart.locator(".annotation-text", has_text="your input")
    expect(label).to_be_visible()
    box, plot = label.bounding_box(), chart.locator(".nsewdrag").first.bounding_box()  # the plotting area
    assert plot["x"] <= box["x"] and box["x"] + box["width"] <= plot["x"] + plot["width"]
    # at the foot of the line, below the 100% curves
    assert box["y"] > plot["y"] + plot["height"] / 2
