"""Plotly attention views: escaped labels, the causal mask, thumbnails mapped back to heads."""

import json

import numpy as np

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
