"""The GAN lab in a real browser: Run trains live (the fragment ticks), Pause stops, the plots redraw."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages_in_browser import exceptions, maybe_screenshot, open_page

pytestmark = pytest.mark.browser


def shown_step(page) -> int:
    text = page.get_by_text(re.compile(r"^Step [\d,]+\.")).first.inner_text()
    return int(re.match(r"Step ([\d,]+)", text).group(1).replace(",", ""))


def test_train_live_trains_and_stops(page, app_url):
    open_page(page, app_url + "/gan?seed=3")
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    assert shown_step(page) == 0
    page.get_by_text("Train live").click()
    expect(page.get_by_text(re.compile(r"^Step [1-9][\d,]*\."))).to_be_visible(timeout=20_000)
    page.wait_for_timeout(3000)
    assert shown_step(page) >= 200  # several ticks of 50 steps
    page.get_by_text("Train live").click()
    expect(page.get_by_role("button", name="One step")).to_be_enabled(timeout=10_000)
    page.wait_for_timeout(1500)
    paused = shown_step(page)
    page.wait_for_timeout(1500)
    assert shown_step(page) == paused
    assert page.locator(".js-plotly-plot").count() == 2  # the arena and the losses
    assert exceptions(page) == 0
    maybe_screenshot(page, "gan")
