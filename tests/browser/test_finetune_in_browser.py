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


TOP_2 = "embeddings,layer 0,layer 1,layer 2,layer 3"
GOOD_CSV = ("text,label\n" + "\n".join(f"{word} thing number {i},{label}" for i in range(30)
                                       for word, label in (("happy", "joy"), ("sad", "gloom")))).encode()


def test_bad_then_good_uploads_keep_the_frozen_blocks_and_their_preset(page, app_url):
    open_page(page, app_url + "/finetune?data=upload&frozen=" + TOP_2.replace(" ", "+"))
    uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    for name, content in [("bad.csv", b"words,stars\nnice,5\n"), ("good.csv", GOOD_CSV)] * 2:
        uploader.set_input_files({"name": name, "mimeType": "text/csv", "buffer": content})
        page.wait_for_timeout(300)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    expect(page.get_by_text("Trainable parameters").first).to_be_visible()
    # Pills mark the chosen ones aria-pressed, the segmented control aria-checked.
    expect(page.locator('[data-testid="stButtonGroup"] button[aria-pressed="true"]')).to_have_text(
        ["embeddings", "layer 0", "layer 1", "layer 2", "layer 3"])  # as the link said
    preset = page.locator('[data-testid="stButtonGroup"] button[aria-checked="true"]')
    expect(preset).to_have_text(["fine-tune the top 2 layers"])
    assert "frozen=" + TOP_2.replace(" ", "+") in page.url, page.url
    page.get_by_role("button", name="layer 0", exact=True).click()  # no preset matches now: none highlighted
    expect(preset).to_have_count(0)
    assert exceptions(page) == 0
