"""The GAN lab in a real browser: Run trains live (the fragment ticks), Pause stops, the plots redraw."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages_in_browser import exceptions, maybe_screenshot, open_page

pytestmark = pytest.mark.browser


def shown_step(page) -> int:
    text = page.get_by_text(re.compile(r"^Step [\d,]+\.")).first.inner_text()
    return int(re.match(r"Step ([\d,]+)", text).group(1).replace(",", ""))


def wait_for_step(page, at_least: int, timeout_s: float = 30) -> int:
    """The shown step once it reaches `at_least`; a busy machine trains fewer steps a second."""
    deadline = time.monotonic() + timeout_s
    while (step := shown_step(page)) < at_least:
        assert time.monotonic() < deadline, f"still at step {step} after {timeout_s:.0f} s"
        page.wait_for_timeout(250)
    return step


def test_train_live_trains_and_stops(page, app_url):
    open_page(page, app_url + "/gan?seed=3")
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    assert shown_step(page) == 0
    page.get_by_text("Train live", exact=True).click()
    expect(page.get_by_text(re.compile(r"^Step [1-9][\d,]*\."))).to_be_visible(timeout=20_000)
    wait_for_step(page, 150)  # several ticks of at most 50 steps
    page.get_by_text("Train live", exact=True).click()
    expect(page.get_by_role("button", name="One step")).to_be_enabled(timeout=10_000)
    page.wait_for_timeout(1500)
    assert exceptions(page) == 0  # the click's run overlaps the training tick it replaces
    paused = shown_step(page)
    page.wait_for_timeout(1500)
    assert shown_step(page) == paused
    assert page.locator(".js-plotly-plot").count() == 2  # the arena and the losses
    assert exceptions(page) == 0
    maybe_screenshot(page, "gan")


def test_train_live_resumes_after_visiting_another_page(page, app_url):
    open_page(page, app_url + "/gan?seed=3")
    page.get_by_text("Train live", exact=True).click()
    expect(page.get_by_text(re.compile(r"^Step [1-9][\d,]*\."))).to_be_visible(timeout=20_000)
    page.get_by_role("link", name="Home").first.click()
    expect(page.get_by_role("heading", name="GenAI Playground").first).to_be_visible()
    page.get_by_role("link", name="GAN lab").first.click()
    expect(page.get_by_role("switch", name="Train live")).to_be_checked(timeout=20_000)
    expect(page.get_by_role("button", name="One step")).to_be_disabled()
    back = shown_step(page)
    expect(page.get_by_text(re.compile(r"^Step [\d,]+\.")).first).not_to_have_text(
        re.compile(rf"^Step {back:,}\."), timeout=20_000)  # it trains on
    page.get_by_text("Train live", exact=True).click()
    expect(page.get_by_role("button", name="One step")).to_be_enabled(timeout=20_000)
    assert exceptions(page) == 0


def test_digits_tab_trains_live_and_labels_the_walk(page, app_url):
    open_page(page, app_url + "/gan?tab=Handwritten+digits")
    page.get_by_text("Train live", exact=True).click()
    expect(page.get_by_text(re.compile(r"keeps the generator it was drawn with"))).to_be_visible(timeout=20_000)
    page.wait_for_timeout(3000)
    page.get_by_text("Train live", exact=True).click()
    expect(page.get_by_role("button", name="One step")).to_be_enabled(timeout=20_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=20_000)
    expect(page.get_by_text(re.compile(r"^generator at step [1-9]"))).to_be_visible()  # redrawn on pause
    assert exceptions(page) == 0
