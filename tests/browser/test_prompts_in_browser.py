"""The prompt playground in a real browser: the answer streams in as chips, and hostile text stays text."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages_in_browser import exceptions, maybe_screenshot, open_page, type_into_text_area

pytestmark = pytest.mark.browser


def test_a_prompt_streams_an_answer_with_probabilities(page, app_url):
    open_page(page, app_url + "/prompts?max_new=30")
    type_into_text_area(page, "The for statement", label="Prompt")
    page.get_by_role("button", name="Generate").click()
    chips = page.locator(".chips .chip")
    expect(chips.first).to_be_visible(timeout=30_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    expect(page.get_by_text("tokens in")).to_be_visible()
    assert chips.count() >= 1
    assert "probability" in chips.first.get_attribute("title")
    expect(page.locator(".js-plotly-plot").first).to_be_visible()  # the chosen step's candidates
    assert exceptions(page) == 0
    maybe_screenshot(page, "prompts")


def test_hostile_prompt_runs_nothing(page, app_url):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_page(page, app_url + "/prompts?max_new=5")
    type_into_text_area(page, '<img src=x onerror="window.__xss=1"> hello', label="Prompt")
    page.get_by_role("button", name="Generate").click()
    page.wait_for_timeout(500)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    expect(page.get_by_text('<img src=x onerror="window.__xss=1"> hello').first).to_be_visible()
    assert page.evaluate("() => window.__xss") is None and not dialogs
    assert page.locator("img[src=x]").count() == 0 and exceptions(page) == 0


def test_the_chosen_step_survives_switching_tabs(page, app_url):
    open_page(page, app_url + "/prompts?max_new=10")
    type_into_text_area(page, "The for statement", label="Prompt")
    page.get_by_role("button", name="Generate").click()
    expect(page.get_by_text("Step 0 wrote")).to_be_visible(timeout=30_000)
    thumb = page.get_by_role("slider", name="Step")
    for step in range(1, 6):  # one key at a time: a rerun redraws the slider, which can take its focus
        thumb.focus()
        page.keyboard.press("ArrowRight")
        expect(page.get_by_text(f"Step {step} wrote")).to_be_visible(timeout=10_000)
    page.get_by_role("tab", name="Side by side").click()
    expect(page.get_by_role("button", name="Generate with each")).to_be_visible(timeout=10_000)
    page.get_by_role("tab", name="Answer").click()
    expect(page.get_by_text("Step 5 wrote")).to_be_visible(timeout=10_000)
    assert exceptions(page) == 0
