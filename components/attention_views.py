"""Plotly views of transformer attention: one head, the heads' average, all heads as thumbnails.

Rows are queries (the token that looks), columns keys (the tokens looked at).
Cells a decoder may not see (keys after the query) are left empty on a grey
ground, so the causal mask shows as a triangle.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.figure_cache import shared_figure

# Marks of byte-level BPE (GPT-2) and SentencePiece for a leading space or a newline.
_PIECE_MARKS = {"Ġ": "·", "▁": "·", "Ċ": "↵", "ĉ": "→"}
MASKED = "#e4e4e4"
THUMBNAIL_TOKENS = 32  # thumbnails pool longer inputs to this many positions


def token_label(piece: str) -> str:
    """A token as a tick label: whitespace marks visible, HTML escaped (plotly reads tags in text)."""
    return html.escape("".join(_PIECE_MARKS.get(c, c) for c in piece), quote=False)


def _axis(tokens: tuple[str, ...], title: str, max_labels: int = 64) -> dict:
    step = max(1, -(-len(tokens) // max_labels))  # positions keep repeated tokens apart
    ticks = list(range(0, len(tokens), step))
    return dict(tickmode="array", tickvals=ticks, ticktext=[token_label(tokens[i]) for i in ticks],
                title=title, showgrid=False)


def _masked(weights: np.ndarray, causal: bool) -> np.ndarray:
    shown = weights.astype(float)
    if causal:  # keys after the query: NaN, drawn as the grey ground
        shown[..., np.triu(np.ones(shown.shape[-2:], dtype=bool), k=1)] = np.nan
    return shown


@shared_figure
def attention_heatmap(weights: np.ndarray, query_tokens: tuple[str, ...], key_tokens: tuple[str, ...],
                      causal: bool, title: str) -> go.Figure:
    """One (queries, keys) matrix: a head, or the average of heads."""
    queries = np.array([token_label(t) for t in query_tokens], dtype=object)
    keys = np.array([token_label(t) for t in key_tokens], dtype=object)
    figure = go.Figure(go.Heatmap(
        z=_masked(weights, causal), colorscale="Blues", zmin=0, zmax=float(max(weights.max(), 1e-6)),
        customdata=queries[:, None] + " → " + keys[None, :],  # (Q, K) hover labels
        hovertemplate="%{customdata}<br>weight %{z:.3f}<extra></extra>", colorbar=dict(thickness=10),
        hoverongaps=False))
    size = 18 * max(len(query_tokens), len(key_tokens))
    figure.update_layout(
        title=dict(text=html.escape(title), x=0, font=dict(size=14)), height=min(900, 160 + 18 * len(query_tokens)),
        width=None if size > 700 else max(360, 200 + size), plot_bgcolor=MASKED if causal else "white",
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=_axis(key_tokens, "looked at (key)") | dict(side="top", tickangle=-60),
        yaxis=_axis(query_tokens, "looking (query)") | dict(autorange="reversed"))
    return figure


def _pooled(weights: np.ndarray, size: int) -> np.ndarray:
    """Average blocks of positions so a thumbnail stays small; (…, Q, K) → (…, ≤size, ≤size)."""
    for axis in (-2, -1):
        n = weights.shape[axis]
        if n > size:
            edges = np.linspace(0, n, size + 1).astype(int)
            weights = np.stack([weights.take(range(a, b), axis=axis).mean(axis=axis)
                                for a, b in zip(edges[:-1], edges[1:])], axis=axis)
    return weights


@shared_figure
def heads_grid(weights: np.ndarray, layers: tuple[int, ...], causal: bool) -> go.Figure:
    """Every chosen layer (rows) by every head (columns), each a thumbnail of its attention."""
    n_heads = weights.shape[1]
    thumbs = _masked(_pooled(weights[list(layers)], THUMBNAIL_TOKENS), causal)
    figure = make_subplots(rows=len(layers), cols=n_heads, horizontal_spacing=0.006, vertical_spacing=0.012,
                           column_titles=[f"head {h}" for h in range(n_heads)],
                           row_titles=[f"layer {layer}" for layer in layers])
    size = thumbs.shape[-1]
    # Streamlit reports no clicks on heatmaps: a few invisible markers over each thumbnail take them.
    spots = (np.arange(4) + 0.5) * size / 4 - 0.5
    xs, ys = (a.ravel() for a in np.meshgrid(spots, spots))
    for row, layer in enumerate(layers):
        for head in range(n_heads):
            name = f"layer {layer}, head {head}"
            figure.add_trace(go.Heatmap(z=thumbs[row, head], coloraxis="coloraxis", name=name, hoverinfo="skip",
                                        hoverongaps=False), row=row + 1, col=head + 1)
            figure.add_trace(go.Scatter(x=xs, y=ys, mode="markers", name=name, showlegend=False,
                                        marker=dict(size=22, opacity=0.01, color="#000"),
                                        hovertemplate=f"{name}<br>click to enlarge<extra></extra>"),
                             row=row + 1, col=head + 1)
    figure.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    figure.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, autorange="reversed")
    figure.update_annotations(font_size=10)
    figure.update_layout(coloraxis=dict(colorscale="Blues", cmin=0, showscale=False),
                         height=40 + 62 * len(layers), margin=dict(l=10, r=30, t=30, b=10),
                         plot_bgcolor=MASKED if causal else "white", clickmode="event+select", dragmode=False)
    return figure


def grid_cell(figure_trace: int, layers: tuple[int, ...], n_heads: int) -> tuple[int, int]:
    """(layer, head) of the thumbnail a click selected (each thumbnail is a heatmap and its click markers)."""
    thumbnail = figure_trace // 2
    return layers[thumbnail // n_heads], thumbnail % n_heads


@shared_figure
def head_summary_figure(entropy: np.ndarray, shares: dict[str, np.ndarray]) -> go.Figure:
    """Entropy of each head (layers by heads); hover tells its shares of each pattern."""
    n_layers, n_heads = entropy.shape
    hover = np.array([["<br>".join(f"{name}: {share[l, h]:.0%}" for name, share in shares.items())
                       for h in range(n_heads)] for l in range(n_layers)], dtype=object)
    figure = go.Figure(go.Heatmap(
        z=entropy, colorscale="Viridis", customdata=hover, colorbar=dict(thickness=10, title="bits"),
        hovertemplate="layer %{y}, head %{x}<br>entropy %{z:.2f} bits<br>%{customdata}<extra></extra>"))
    figure.update_layout(height=80 + 28 * n_layers, margin=dict(l=10, r=10, t=10, b=30),
                         xaxis=dict(title="head", dtick=1), yaxis=dict(title="layer", dtick=1, autorange="reversed"))
    return figure
