"""Plotly views of transformer attention: one head, the heads' average, all heads as thumbnails.

Rows are queries (the token that looks), columns keys (the tokens looked at).
Cells a decoder may not see (keys after the query) are left empty on a grey
ground, so the causal mask shows as a triangle.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.colors
import plotly.graph_objects as go

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
    # Many keys in a half-page column: upright, smaller labels, at most one per ~12 px, so they never overlap.
    crowded = len(key_tokens) > 16
    x_axis = _axis(key_tokens, "looked at (key)", max_labels=36 if crowded else 64)
    # Room on top for the title, the axis title and the longest key label (~6 px a character either way).
    top = 30 + 20 + 10 + 6 * max((len(html.unescape(t)) for t in x_axis["ticktext"]), default=0)
    figure.update_layout(
        title=dict(text=html.escape(title), x=0, y=1, yref="container", yanchor="top", pad=dict(t=8),
                   font=dict(size=14)),
        height=min(900, 120 + 18 * len(query_tokens)) + top,
        width=None if size > 700 else max(360, 200 + size), plot_bgcolor=MASKED if causal else "white",
        margin=dict(l=10, r=10, t=top, b=10),
        xaxis=x_axis | dict(side="top", tickangle=-90 if crowded else -60, tickfont=dict(size=10 if crowded else 12)),
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


GRID_SPACING = (0.006, 0.012)  # between thumbnails, as fractions of the figure: (across, down)
# Spelled out: unvalidated, the name "Blues" would reach plotly.js, whose "Blues" runs the other way.
BLUES = plotly.colors.get_colorscale("Blues")
GRID_RIGHT = 0.98  # the thumbnails end here; the row titles ("layer 3") stand right of it


def _cell_box(row: int, col: int, n_rows: int, n_cols: int) -> tuple[float, float, float, float]:
    """(left, right, bottom, top) of one thumbnail in paper coordinates, as make_subplots lays them out."""
    across, down = GRID_SPACING
    width, height = (GRID_RIGHT - across * (n_cols - 1)) / n_cols, (1 - down * (n_rows - 1)) / n_rows
    left, top = col * (width + across), 1 - row * (height + down)
    return left, left + width, top - height, top


def _grid_axes(n_rows: int, n_cols: int) -> dict:
    """Layout axes of every thumbnail: xaxis, yaxis, xaxis2, … row by row (trace i uses x{i}, y{i})."""
    bare = dict(showticklabels=False, showgrid=False, zeroline=False)
    axes = {}
    for row in range(n_rows):
        for col in range(n_cols):
            left, right, bottom, top = _cell_box(row, col, n_rows, n_cols)
            suffix = _axis_suffix(row, col, n_cols)
            axes[f"xaxis{suffix}"] = dict(domain=[left, right], anchor=f"y{suffix}", **bare)
            axes[f"yaxis{suffix}"] = dict(domain=[bottom, top], anchor=f"x{suffix}", autorange="reversed", **bare)
    return axes


def _axis_suffix(row: int, col: int, n_cols: int) -> str:
    index = row * n_cols + col + 1
    return "" if index == 1 else str(index)


def _grid_titles(layers: tuple[int, ...], n_heads: int) -> list[dict]:
    """"head h" above each column, "layer l" right of each row."""
    title = dict(xref="paper", yref="paper", showarrow=False, font=dict(size=10))
    heads = [_cell_box(0, h, len(layers), n_heads) for h in range(n_heads)]
    rows = [_cell_box(r, 0, len(layers), n_heads) for r in range(len(layers))]
    return ([title | dict(text=f"head {h}", x=(left + right) / 2, xanchor="center", y=1,
                          yanchor="bottom")
             for h, (left, right, _, _) in enumerate(heads)] +
            [title | dict(text=f"layer {layer}", x=GRID_RIGHT, xanchor="left", textangle=90, y=(bottom + top) / 2)
             for layer, (_, _, bottom, top) in zip(layers, rows)])


@shared_figure
def heads_grid(weights: np.ndarray, layers: tuple[int, ...], causal: bool) -> go.Figure:
    """Every chosen layer (rows) by every head (columns), each a thumbnail of its attention.

    Built as plain dicts and wrapped without plotly's per-property validation: make_subplots and
    72 validated add_trace calls took ~2.7 s for 6 layers × 12 heads, this takes ~0.05 s. The test
    of this view validates the result in full, so a typo still fails there.
    """
    n_heads = weights.shape[1]
    thumbs = _masked(_pooled(weights[list(layers)], THUMBNAIL_TOKENS), causal)  # (L, H, ≤32, ≤32)
    size = thumbs.shape[-1]
    # Streamlit reports no clicks on heatmaps: a few invisible markers over each thumbnail take them.
    spots = (np.arange(4) + 0.5) * size / 4 - 0.5
    xs, ys = (a.ravel() for a in np.meshgrid(spots, spots))
    traces = []
    for row, layer in enumerate(layers):
        for head in range(n_heads):
            name = f"layer {layer}, head {head}"
            suffix = _axis_suffix(row, head, n_heads)
            axes = dict(xaxis=f"x{suffix}", yaxis=f"y{suffix}", name=name)
            traces.append(dict(type="heatmap", z=thumbs[row, head], coloraxis="coloraxis", hoverinfo="skip",
                               hoverongaps=False, **axes))
            traces.append(dict(type="scatter", x=xs, y=ys, mode="markers", showlegend=False,
                               marker=dict(size=22, opacity=0.01, color="#000"),
                               hovertemplate=f"{name}<br>click to enlarge<extra></extra>", **axes))
    layout = _grid_axes(len(layers), n_heads) | dict(
        annotations=_grid_titles(layers, n_heads), coloraxis=dict(colorscale=BLUES, cmin=0, showscale=False),
        height=40 + 62 * len(layers), margin=dict(l=10, r=30, t=30, b=10),
        plot_bgcolor=MASKED if causal else "white", clickmode="event+select", dragmode=False)
    return go.Figure(data=traces, layout=layout, _validate=False)


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
