"""components.bertviz_html: offline, injection-safe bertviz pages, checked by parsing the output."""

import json
import re
import sys

import numpy as np
import pytest
import torch

from components.bertviz_html import bertviz_height, bertviz_view_html

HOSTILE = "</script><img src=x onerror=alert(1)>"
TOKENS = ["[CLS]", "the", "cat", HOSTILE, "[SEP]"]


def random_attention(layers: int, heads: int, queries: int, keys: int, seed: int = 0) -> list[np.ndarray]:
    weights = np.random.default_rng(seed).random((layers, 1, heads, queries, keys))
    return list(weights / weights.sum(-1, keepdims=True))  # rows sum to 1, as after softmax


def params_of(html: str) -> dict:
    """The params object the page's script will see, read the way a JS engine would."""
    start = html.index("const params = ") + len("const params = ")
    return json.JSONDecoder().raw_decode(html, start)[0]


@pytest.mark.parametrize("view", ["head", "model"])
def test_page_loads_nothing_from_the_network(view):
    html = bertviz_view_html(view, attention=random_attention(2, 3, 5, 5), tokens=TOKENS)
    assert html.startswith("<!doctype html>") and html.rstrip().endswith("</html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert "require.config" not in html  # the CDN paths are gone, jquery and d3 are defined locally
    # Both libraries inlined, then the stand-in loader that hands them to bertviz.
    assert html.index("jQuery v3") < html.index("d3js.org v5") < html.index("window.requirejs = ")


@pytest.mark.parametrize("view", ["head", "model"])
def test_params_carry_the_attention_and_tokens_unrounded(view):
    attention = random_attention(3, 4, 5, 5)
    params = params_of(bertviz_view_html(view, attention=attention, tokens=TOKENS))
    (shown,) = params["attention"]
    np.testing.assert_array_equal(np.array(shown["attn"]), np.concatenate(attention))  # (layers, heads, q, k)
    assert shown["left_text"] == shown["right_text"] == TOKENS


def test_float32_tensors_arrive_exactly():
    attention = [torch.tensor(layer, dtype=torch.float32) for layer in random_attention(2, 2, 5, 5)]
    params = params_of(bertviz_view_html("head", attention=attention, tokens=TOKENS))
    expected = torch.cat(attention).numpy().astype(np.float64)
    np.testing.assert_array_equal(np.array(params["attention"][0]["attn"]), expected)


@pytest.mark.parametrize("view", ["head", "model"])
@pytest.mark.parametrize("token", [HOSTILE, "</SCRIPT >x", "<!--<script>", "a\u2028b\u2029c", '"; // HACK */ </script>'])
def test_no_token_can_close_the_script(view, token):
    tokens = ["[CLS]", token, "[SEP]"]
    html = bertviz_view_html(view, attention=random_attention(2, 2, 3, 3), tokens=tokens)
    assert token not in html
    # Only the four real closing tags: jQuery, d3, the stand-in loader, bertviz's script.
    assert html.lower().count("</script") == 4
    assert "<img" not in html and "\u2028" not in html and "\u2029" not in html
    assert params_of(html)["attention"][0]["left_text"] == tokens  # still shown as written


def test_params_json_is_parsed_not_cut_at_the_first_semicolon():
    tokens = ['"; // HACK', "};", "PYTHON_PARAMS"]
    html = bertviz_view_html("head", attention=random_attention(1, 1, 3, 3), tokens=tokens)
    assert params_of(html)["attention"][0]["right_text"] == tokens
    # The token once in left_text and once in right_text: bertviz's raw second copy (in a comment) is gone.
    assert html.count("PYTHON_PARAMS") == 2


def test_encoder_decoder_head_view():
    source, target = ["a", "b", "c", "d"], ["x", HOSTILE]
    html = bertviz_view_html("head", encoder_attention=random_attention(2, 2, 4, 4),
                             decoder_attention=random_attention(2, 2, 2, 2, seed=1),
                             cross_attention=random_attention(2, 2, 2, 4, seed=2),
                             encoder_tokens=source, decoder_tokens=target)
    kinds = {kind["name"]: kind for kind in params_of(html)["attention"]}
    assert list(kinds) == ["Encoder", "Decoder", "Cross"]
    assert (kinds["Cross"]["left_text"], kinds["Cross"]["right_text"]) == (target, source)
    assert np.array(kinds["Cross"]["attn"]).shape == (2, 2, 2, 4)
    assert HOSTILE not in html


def test_head_and_layer_choices_reach_bertviz():
    head = params_of(bertviz_view_html("head", attention=random_attention(4, 3, 5, 5), tokens=TOKENS,
                                       include_layers=[1, 3], layer=np.int64(3), heads=[0, 2]))
    assert (head["layer"], head["heads"], head["include_layers"]) == (3, [0, 2], [1, 3])
    model = params_of(bertviz_view_html("model", attention=random_attention(4, 3, 5, 5), tokens=TOKENS, heads=[2]))
    assert (model["include_heads"], model["total_heads"], np.array(model["attention"][0]["attn"]).shape) == (
        [2], 3, (4, 1, 5, 5))


def test_lightweight_d3_source_is_read_not_imported():
    bertviz_view_html("model", attention=random_attention(1, 1, 5, 5), tokens=TOKENS)
    assert "mpld3" not in sys.modules and "matplotlib" not in sys.modules


@pytest.mark.parametrize("arguments, advice", [
    (dict(attention=random_attention(2, 2, 5, 5), tokens=TOKENS[:4]), "5 × 5 positions but there are 4 tokens"),
    (dict(attention=np.ones((1, 2, 5, 5)), tokens=TOKENS), "one (1, heads, q, k) array per layer"),
    (dict(attention=[np.ones((2, 5, 5))], tokens=TOKENS), "must be (1, heads, q, k)"),
    (dict(attention=[np.ones((1, 2, 5, 5)), np.ones((1, 3, 5, 5))], tokens=TOKENS), "layer 0 has"),
    (dict(attention=[np.full((1, 1, 5, 5), np.nan)], tokens=TOKENS), "NaN"),
    (dict(attention=[], tokens=TOKENS), "is empty"),
    (dict(attention=random_attention(1, 1, 5, 5), tokens="the cat"), "list of strings"),
    (dict(attention=random_attention(1, 1, 5, 5), tokens=[1, 2, 3, 4, 5]), "list of strings"),
    (dict(attention=random_attention(2, 2, 5, 5), tokens=TOKENS, layer=5), "pick one of [0, 1]"),
    (dict(attention=random_attention(2, 2, 5, 5), tokens=TOKENS, include_layers=[1], layer=0), "pick one of [1]"),
    (dict(attention=random_attention(2, 2, 5, 5), tokens=TOKENS, heads=[2]), "heads must be distinct indices"),
    (dict(attention=random_attention(2, 2, 5, 5), tokens=TOKENS, include_layers=[]), "include_layers must be"),
    (dict(attention=random_attention(2, 2, 5, 5), tokens=TOKENS, sentence_b_start=5), "between 1 and 4"),
    (dict(), "No attention given"),
    (dict(attention=random_attention(1, 1, 5, 5), tokens=TOKENS, encoder_tokens=TOKENS), "not both"),
    (dict(cross_attention=random_attention(1, 1, 2, 5), decoder_tokens=["x", "y"]), "needs `encoder_tokens`"),
    (dict(encoder_attention=random_attention(1, 1, 5, 5), encoder_tokens=TOKENS,
          cross_attention=random_attention(2, 1, 2, 5), decoder_tokens=["x", "y"]), "same number of layers"),
])
def test_bad_input_says_how_to_fix_it(arguments, advice):
    with pytest.raises(ValueError, match=re.escape(advice)):
        bertviz_view_html("head", **arguments)


def test_view_name_and_model_view_layer_are_checked():
    with pytest.raises(ValueError, match="view must be one of"):
        bertviz_view_html("neuron", attention=random_attention(1, 1, 5, 5), tokens=TOKENS)
    with pytest.raises(ValueError, match="use `include_layers`"):
        bertviz_view_html("model", attention=random_attention(2, 1, 5, 5), tokens=TOKENS, layer=1)


def test_height_grows_with_what_is_drawn():
    assert bertviz_height("head", 40, 6) > bertviz_height("head", 20, 6) == bertviz_height("head", 20, 12)
    assert bertviz_height("model", 20, 12) > bertviz_height("model", 20, 6) > bertviz_height("model", 10, 6)
    assert bertviz_height("model", 20, 6, attention_kinds=3) > bertviz_height("model", 20, 6)
    with pytest.raises(ValueError):
        bertviz_height("model", 0, 6)
