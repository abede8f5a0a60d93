"""The fine-tuning lab in a real browser: a short job runs, its curves and results appear."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages_in_browser import exceptions, maybe_screenshot, open_page

pytestmark = pytest.mark.browser


def test_a_short_job_shows_its_curves_and_result(page, app_url):
    open_page(page, app_url + "/finetune?steps=30")
    expect(page.get_by_text("Trainable parameters").first).to_be_visible()
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_test_id("stMetricLabel").filter(has_text="Test accuracy")).to_be_visible(timeout=90_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    assert page.locator(".js-plotly-plot").count() >= 2  # weights moved, curves of the runs
    expect(page.get_by_text("Run 1 · transfer learning").first).to_be_visible()
    assert exceptions(page) == 0
    maybe_screenshot(page, "finetune")
