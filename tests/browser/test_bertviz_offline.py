"""bertviz pages from components.bertviz_html in a real browser with the network cut off."""

import numpy as np
import pytest

from components.bertviz_html import bertviz_height, bertviz_view_html

pytestmark = pytest.mark.browser

HOSTILE = '</script><img src=x onerror="window.__xss=1">'
TOKENS = ["[CLS]", "the", "cat", "sat", HOSTILE, "[SEP]"]
LAYERS, HEADS = 3, 4


def random_attention(layers: int, heads: int, queries: int, keys: int, seed: int = 0) -> list[np.ndarray]:
    weights = np.random.default_rng(seed).random((layers, 1, heads, queries, keys))
    return list(weights / weights.sum(-1, keepdims=True))  # rows sum to 1, as after softmax


@pytest.fixture
def offline_page(page):
    """The conftest page with every non-file request aborted and recorded, plus errors and dialogs."""
    page.requests_tried, page.errors, page.dialogs = [], [], []

    def only_files(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            page.requests_tried.append(route.request.url)
            route.abort()

    page.route("**/*", only_files)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    return page


def open_view(page, tmp_path, view: str, **attention) -> None:
    path = tmp_path / f"{view}.html"
    path.write_text(bertviz_view_html(view, **attention), encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_selector("#vis svg", timeout=10_000)


def assert_nothing_ran(page) -> None:
    assert page.errors == []
    assert page.dialogs == []
    assert page.requests_tried == []
    assert page.evaluate("window.__xss") is None
    assert page.locator("img").count() == 0


def body_height(page) -> float:
    return page.evaluate("document.body.getBoundingClientRect().height")


def test_head_view_draws_every_token_offline(offline_page, tmp_path):
    open_view(offline_page, tmp_path, "head", attention=random_attention(LAYERS, HEADS, 6, 6), tokens=TOKENS)
    shown = offline_page.locator("#vis svg text").all_text_contents()
    assert shown.count(HOSTILE) == 2  # left and right column, as plain text
    assert all(token in shown for token in TOKENS)
    assert offline_page.locator("#layer option").count() == LAYERS
    offline_page.select_option("#layer", "2")  # jQuery 3 drives the layer switch
    assert offline_page.locator("#vis svg text").all_text_contents().count(HOSTILE) == 2
    assert_nothing_ran(offline_page)


def test_head_view_height_fits_its_content(offline_page, tmp_path):
    for n in (3, 40):
        tokens = [f"t{i}" for i in range(n)]
        open_view(offline_page, tmp_path, "head", attention=random_attention(2, HEADS, n, n), tokens=tokens)
        height = bertviz_height("head", n, 2, n_heads=HEADS)
        assert height - 40 < body_height(offline_page) <= height


def test_encoder_decoder_head_view_switches_attention(offline_page, tmp_path):
    source, target = ["a", "b", "c", HOSTILE], ["x", "y"]
    open_view(offline_page, tmp_path, "head", encoder_attention=random_attention(2, 2, 4, 4),
              decoder_attention=random_attention(2, 2, 2, 2, seed=1),
              cross_attention=random_attention(2, 2, 2, 4, seed=2), encoder_tokens=source, decoder_tokens=target)
    assert HOSTILE in offline_page.locator("#vis svg text").all_text_contents()
    offline_page.select_option("#filter", "2")  # Cross: decoder tokens left, encoder tokens right
    shown = offline_page.locator("#vis svg text").all_text_contents()
    assert {"x", "y", HOSTILE} <= set(shown)
    assert_nothing_ran(offline_page)


def test_model_view_draws_thumbnails_and_detail_offline(offline_page, tmp_path):
    open_view(offline_page, tmp_path, "model", attention=random_attention(LAYERS, HEADS, 6, 6), tokens=TOKENS)
    thumbnails = offline_page.locator("#vis svg rect.attn_background")
    assert thumbnails.count() == LAYERS * HEADS
    assert offline_page.locator("#vis svg line").count() == LAYERS * HEADS * 6 * 6
    height = bertviz_height("model", 6, LAYERS, n_heads=HEADS)
    assert height - 40 < body_height(offline_page) <= height
    offline_page.locator("#vis svg rect[height]:not(.attn_background)").last.click(force=True)  # the last head
    heading = offline_page.locator("#vis svg text.detail").all_text_contents()
    assert heading == [f"Layer {LAYERS - 1}, Head {HEADS - 1}"]
    assert offline_page.locator("#vis svg .detail text").all_text_contents().count(HOSTILE) == 2
    assert body_height(offline_page) <= height  # the detail panel stays inside the drawing
    assert_nothing_ran(offline_page)


def test_model_view_height_fits_twelve_heads(offline_page, tmp_path):
    tokens = [f"t{i}" for i in range(20)]
    open_view(offline_page, tmp_path, "model", attention=random_attention(6, 12, 20, 20), tokens=tokens)
    height = bertviz_height("model", 20, 6, n_heads=12)
    assert height - 40 < body_height(offline_page) <= height
    assert_nothing_ran(offline_page)
