"""The recurrent page in a real browser: type a sequence, see the heatmaps redrawn for it, no exception."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages_in_browser import exceptions, maybe_screenshot, open_page, type_into_text_area

pytestmark = pytest.mark.browser

TYPED = "(q(xyz))é("  # unlike the default "(()(()))": other letters, another length, one unknown character


def test_typed_sequence_shows_heatmaps(page, app_url):
    open_page(page, app_url + "/recurrent?task=brackets&cell=lstm")
    type_into_text_area(page, TYPED, label="Sequence")
    heatmaps = page.locator(".js-plotly-plot")
    expect(heatmaps.first).to_be_visible(timeout=30_000)
    assert heatmaps.count() == 6  # one heatmap per LSTM gate and state
    for k in range(6):  # every heatmap's time axis reads the typed characters, one column per step
        expect(heatmaps.nth(k).locator(".xtick text")).to_have_text(list(TYPED), timeout=30_000)
    # customdata holds the hover's character for every (unit, step) cell: one column per typed character
    hover = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')].map(g => g.data[0].customdata[0])")
    assert [len(row) for row in hover] == [len(TYPED)] * 6
    assert "not in the vocabulary" in hover[0][TYPED.index("é")] and hover[0][1] == "'q'"
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
