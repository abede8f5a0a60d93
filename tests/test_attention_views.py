"""Plotly attention views: escaped labels, the causal mask, thumbnails mapped back to heads."""

import json

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.attention_views import _pooled, attention_heatmap, grid_cell, heads_grid, token_label


def test_token_labels_are_escaped_and_whitespace_visible():
    assert token_label("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert token_label("Ġthe") == "·the" and token_label("▁Haus") == "·Haus" and token_label("Ċ") == "↵"


def test_causal_heatmap_leaves_the_future_empty():
    weights = np.tril(np.ones((3, 3))) / np.arange(1, 4)[:, None]
    figure = attention_heatmap.__wrapped__(weights, ("a", "b", "c"), ("a", "b", "c"), True, "t")
    z = np.array(figure.data[0].z, dtype=float)
    assert np.isnan(z[np.triu_indices(3, k=1)]).all() and not np.isnan(z[np.tril_indices(3)]).any()
    assert "</script>" not in json.dumps(figure.to_plotly_json(), default=str)


def test_grid_has_one_thumbnail_per_layer_and_head_and_clicks_map_back():
    weights = np.random.default_rng(0).random((4, 3, 50, 50))
    figure = heads_grid.__wrapped__(weights, (1, 3), False)
    assert len(figure.data) == 2 * 3 * 2  # a heatmap and its click markers per thumbnail
    assert np.array(figure.data[8].z).shape == (32, 32)  # 50 positions pooled to 32
    for trace in (8, 9):  # a click on either part of thumbnail 4 is layer 3, head 1
        assert grid_cell(trace, (1, 3), 3) == (3, 1) and figure.data[trace].name == "layer 3, head 1"


def test_pooling_averages_blocks():
    weights = np.arange(16, dtype=float).reshape(4, 4)
    np.testing.assert_allclose(_pooled(weights, 2), [[2.5, 4.5], [10.5, 12.5]])


def test_grid_is_valid_plotly_laid_out_as_make_subplots_would():
    weights = np.random.default_rng(1).random((6, 12, 5, 5))
    layers = (0, 2, 5)
    built = heads_grid.__wrapped__(weights, layers, True)
    figure = built.to_dict()
    # Built without plotly's validation, for speed: validating must neither fail nor change a thing.
    assert json.loads(go.Figure(figure).to_json()) == json.loads(built.to_json())
    oracle = make_subplots(rows=3, cols=12, horizontal_spacing=0.006, vertical_spacing=0.012,
                           column_titles=[f"head {h}" for h in range(12)],
                           row_titles=[f"layer {layer}" for layer in layers]).to_dict()["layout"]
    for name in (f"{axis}axis{suffix}" for axis in "xy" for suffix in ("", *map(str, range(2, 37)))):
        np.testing.assert_allclose(figure["layout"][name]["domain"], oracle[name]["domain"], atol=1e-9)
        assert figure["layout"][name]["anchor"] == oracle[name]["anchor"]
    ours = {a["text"]: (a["x"], a["y"]) for a in figure["layout"]["annotations"]}
    theirs = {a["text"]: (a["x"], a["y"]) for a in oracle["annotations"]}
    assert ours.keys() == theirs.keys()
    np.testing.assert_allclose([ours[t] for t in theirs], list(theirs.values()), atol=1e-9)
    for trace in figure["data"]:  # every thumbnail and its markers sit on their own cell's axes
        row, head = (int(n) for n in trace["name"].replace("layer ", "").split(", head "))
        index = layers.index(row) * 12 + head + 1
        assert trace["xaxis"] == ("x" if index == 1 else f"x{index}")


def test_crowded_key_labels_stand_upright_thinned_and_push_the_plot_below_the_title():
    def layout(tokens):
        weights = np.full((len(tokens), len(tokens)), 1 / len(tokens))
        return attention_heatmap.__wrapped__(weights, tokens, tokens, False, "Layer 0, head 0").layout

    short = layout(tuple(f"t{i}" for i in range(40)))
    long = layout(tuple(f"internationalization{i}" for i in range(40)))
    assert len(short.xaxis.ticktext) <= 36 and short.xaxis.tickangle == -90  # every other key, upright
    assert long.margin.t > short.margin.t  # longer labels get more room between the title and the plot
    assert short.title.yref == "container" and short.title.yanchor == "top"
    few = layout(("a", "b", "c"))
    assert len(few.xaxis.ticktext) == 3 and few.xaxis.tickangle == -60
