"""The attention page in a real browser with the network closed: bertviz draws, hostile text stays text."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages_in_browser import exceptions, maybe_screenshot, open_page, type_into_text_area

pytestmark = pytest.mark.browser
HOSTILE = '</script><img src=x onerror="window.__xss=1">'


def close_the_network(page, app_url):
    """Only the app on loopback answers; bertviz must not need anything else."""
    asked = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(app_url) or url.startswith(("data:", "blob:", "about:")):
            request_route.continue_()
        else:
            asked.append(url)
            request_route.abort()

    page.route("**/*", route)
    return asked


def bertviz_frame(page):
    return page.frame_locator('iframe[title="st.iframe"], iframe').last


def test_bertviz_head_and_model_views_draw_offline(page, app_url):
    asked = close_the_network(page, app_url)
    open_page(page, app_url + "/attention?tab=bertviz")
    frame = bertviz_frame(page)
    expect(frame.locator("#vis svg text").filter(has_text="animal").first).to_be_visible(timeout=20_000)
    assert frame.locator("#vis svg text").count() >= 2 * 16  # every token, left and right
    expect(frame.locator("#layer option")).to_have_count(6)
    maybe_screenshot(page, "attention")
    page.get_by_text("model view", exact=True).click()
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    frame = bertviz_frame(page)
    expect(frame.locator("#vis svg").first).to_be_visible(timeout=20_000)
    assert frame.locator("#vis svg .attention-head, #vis svg rect, #vis svg g").count() > 6 * 12
    assert not [url for url in asked if "cdn" in url or "d3" in url or "jquery" in url or "require" in url]
    assert exceptions(page) == 0


def test_hostile_text_runs_nothing_in_any_view(page, app_url):
    close_the_network(page, app_url)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_page(page, app_url + "/attention?tab=bertviz")
    type_into_text_area(page, HOSTILE)
    frame = bertviz_frame(page)
    expect(frame.locator("#vis svg text").filter(has_text="script").first).to_be_visible(timeout=20_000)
    page.wait_for_timeout(500)
    for each in page.frames:
        assert each.evaluate("() => window.__xss") is None
    assert not dialogs and page.locator("img[src=x]").count() == 0
    assert frame.locator("img").count() == 0
    open_page(page, app_url + "/attention")  # the plotly views: labels are text, not markup
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    assert page.locator(".js-plotly-plot img").count() == 0
    assert page.evaluate("() => window.__xss") is None and exceptions(page) == 0


def test_heatmaps_and_the_decoder_mask_in_the_browser(page, app_url):
    open_page(page, app_url + "/attention?model=genai-playground/docs-gpt")
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    assert page.locator(".js-plotly-plot").count() == 2
    expect(page.get_by_text("Grey cells are masked")).to_be_visible()
    page.get_by_role("tab", name="All heads").click()
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    assert exceptions(page) == 0


def test_the_project_decoder_in_bertviz_offline(page, app_url):
    asked = close_the_network(page, app_url)
    open_page(page, app_url + "/attention?model=genai-playground/docs-gpt&tab=bertviz")
    frame = bertviz_frame(page)
    expect(frame.locator("#vis svg text").filter(has_text="because").first).to_be_visible(timeout=20_000)
    expect(frame.locator("#layer option")).to_have_count(4)  # the decoder's 4 layers
    assert not asked and exceptions(page) == 0


def test_clicking_a_thumbnail_enlarges_that_head(page, app_url):
    open_page(page, app_url + "/attention?tab=All+heads")
    grid = page.locator(".js-plotly-plot").first
    expect(grid).to_be_visible(timeout=30_000)
    markers = grid.locator(".scatterlayer .point")  # 16 click markers over each of 6 × 12 thumbnails
    expect(markers).to_have_count(6 * 12 * 16)
    marker = markers.nth(16 * (3 * 12 + 7) + 5)  # layer 3, head 7
    marker.scroll_into_view_if_needed()
    spot = marker.bounding_box()
    page.mouse.click(spot["x"] + spot["width"] / 2, spot["y"] + spot["height"] / 2)
    expect(page.locator(".gtitle").filter(has_text="Layer 3, head 7")).to_have_count(1, timeout=20_000)
    expect(page).to_have_url(re.compile(r"layer=3&head=7"))  # the click is the page's layer and head
    page.get_by_role("tab", name="One head").click()
    expect(page.locator(".gtitle").filter(has_text="Layer 3, head 7")).to_have_count(1, timeout=20_000)
    assert exceptions(page) == 0


def test_the_layer_filter_survives_a_page_switch(page, app_url):
    open_page(page, app_url + "/attention?tab=All+heads")
    page.locator('[data-testid="stMultiSelect"] input').first.click()
    page.get_by_role("option", name="1", exact=True).click()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"layers=1"), timeout=20_000)
    page.get_by_role("link", name="Home").first.click()
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    page.locator('a[href$="/attention"]').first.click()
    page.wait_for_timeout(500)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    expect(page).to_have_url(re.compile(r"layers=1"), timeout=20_000)
    expect(page.locator('[data-testid="stMultiSelect"]')).to_contain_text("1")
    assert exceptions(page) == 0
