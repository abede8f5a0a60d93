"""The whole app in a real browser: Debian's Chromium driven by Playwright, app on loopback."""

import os
import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT

pytestmark = pytest.mark.browser
SCREENSHOTS = ROOT / "docs" / "screenshots"


def open_page(page, url):
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    page.wait_for_timeout(300)


def exceptions(page):
    return page.locator('[data-testid="stException"]').count()


def maybe_screenshot(page, name):
    if os.environ.get("SCREENSHOTS") == "1":  # README pictures: SCREENSHOTS=1 pytest -m browser
        # Streamlit scrolls inside its own container, so a tall window shows what full_page cannot.
        page.set_viewport_size({"width": 1400, "height": 1900})
        page.wait_for_timeout(800)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("path, name, heading", [("/", "home", "GenAI Playground"),
                                                 ("/tokens", "tokens", "Tokens & context window")])
def test_each_page_loads_cleanly(page, app_url, path, name, heading):
    open_page(page, app_url + path)
    expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    assert exceptions(page) == 0
    maybe_screenshot(page, name)


def main_chips(page):
    """Chips of the main view (the compare section below has its own)."""
    return page.locator(".chips").first.locator(".chip")


def type_into_text_area(page, text, label="Text"):
    area = page.get_by_label(label, exact=True)
    area.fill(text)
    area.press("Control+Enter")
    page.wait_for_timeout(500)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')


def test_typed_text_appears_as_chips(page, app_url):
    open_page(page, app_url + "/tokens?model=cl100k_base")
    type_into_text_area(page, "tiktoken is great!")
    chips = main_chips(page)
    expect(chips).to_have_text(["t", "ik", "token", " is", " great", "!"])
    expect(chips.nth(2)).to_have_attribute("title", "id 5963 · bytes 74 6f 6b 65 6e")
    assert exceptions(page) == 0


def test_byte_level_token_fragments_show_their_own_bytes(page, app_url):
    from models.registry import PROJECT_DECODER
    from models.tokenization import load_tokenizer

    text = "東 x"
    ids = load_tokenizer(PROJECT_DECODER).tokenize(text).ids  # the oracle: 東 is three byte tokens
    open_page(page, app_url + "/tokens?" + urlencode({"model": PROJECT_DECODER, "text": text, "ws": "1"}))
    chips = main_chips(page)
    expect(chips).to_have_text(["⟨e6⟩", "⟨9d⟩", "⟨b1⟩", "·x"])
    for k, byte in enumerate(text.encode()[:3]):
        expect(chips.nth(k)).to_have_attribute("title", f"id {ids[k]} · bytes {byte:02x}")
    assert exceptions(page) == 0


def test_tokens_upload_over_the_cap_says_so(page, app_url):
    open_page(page, app_url + "/tokens?model=cl100k_base&text=unchanged")
    too_big = {"name": "big.txt", "mimeType": "text/plain", "buffer": b"word " * 400_000 + b"!"}
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(too_big)
    # Streamlit's browser side refuses it first; were it to pass, the page says the same in bytes.
    expect(page.get_by_text(re.compile(r"File must be 2\.0MB or smaller|over the limit of 2,000,000 bytes"))
           ).to_be_visible()
    expect(page.get_by_label("Text", exact=True)).to_have_value("unchanged")
    assert exceptions(page) == 0


def test_hostile_text_shows_as_text_and_runs_nothing(page, app_url):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_page(page, app_url + "/tokens?model=cl100k_base")
    hostile = "<img src=x onerror=alert(1)>"
    type_into_text_area(page, hostile)
    expect(main_chips(page)).to_have_count(10)
    assert page.locator(".chips").first.inner_text().replace("\n", "") == hostile
    assert page.locator(".chips img").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []


def test_a_shared_link_restores_the_page(page, app_url):
    open_page(page, app_url + "/tokens?model=gpt-4&text=hello+there&ids=1")
    expect(main_chips(page)).to_have_text(["15339", "1070"])
    expect(page.get_by_text("2 of 8,192 tokens used")).to_be_visible()  # gpt-4's window


def test_nothing_is_lost_on_a_page_switch(page, app_url):
    open_page(page, app_url + "/tokens?model=cl100k_base")
    type_into_text_area(page, "kept across pages")
    page.get_by_role("link", name="Home").first.click()
    expect(page.get_by_role("heading", name="GenAI Playground").first).to_be_visible()
    page.get_by_role("link", name="Tokens & context window").first.click()
    expect(page.get_by_label("Text", exact=True)).to_have_value("kept across pages")
    expect(page).to_have_url(re.compile(r"text=kept"))  # written back once the run ends
