"""Charts of the encoder-decoder page: alignment heatmap, bottleneck curve, context vectors."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.figure_cache import shared_figure
from components.recurrent_views import visible_char

ARCHITECTURES = {
    "plain": """digraph { rankdir=TB; node [shape=box, style="rounded,filled", fillcolor="#e9e6f2", fontname="sans-serif"];
  x [label="characters in", fillcolor="#f3c6cf"]; enc [label="encoder GRU"]; c [label="one context vector", fillcolor="#f6dcb0"];
  dec [label="decoder GRU"]; y [label="digits out", fillcolor="#c4ddf2"];
  x -> enc -> c -> dec -> y; c -> dec [label="every step", fontsize=10]; }""",
    "attention": """digraph { rankdir=TB; node [shape=box, style="rounded,filled", fillcolor="#e9e6f2", fontname="sans-serif"];
  x [label="characters in", fillcolor="#f3c6cf"]; enc [label="encoder GRU"]; h [label="all encoder states h1..hS", fillcolor="#c8e6d0"];
  a [label="attention: weights over h", fillcolor="#f6dcb0"]; dec [label="decoder GRU"]; y [label="digits out", fillcolor="#c4ddf2"];
  x -> enc -> h -> a -> dec -> y; dec -> a [label="state asks", fontsize=10]; }""",
}


@shared_figure
def alignment_figure(attention: np.ndarray, source: list[str], outputs: list[str], upto: int) -> go.Figure:
    """Output steps (rows) by input characters (columns); rows after `upto` not yet written, nor labelled."""
    shown = attention.astype(float).copy()
    shown[upto + 1:] = np.nan
    columns = [html.escape(visible_char(c), quote=False) for c in source]
    written = [html.escape(o, quote=False) if i <= upto else "" for i, o in enumerate(outputs)]
    figure = go.Figure(go.Heatmap(
        z=shown, x=list(range(len(source))), y=list(range(len(outputs))), colorscale="Purples", zmin=0, zmax=1,
        hovertemplate="writes step %{y}<br>looks at character %{x}<br>weight %{z:.2f}<extra></extra>",
        colorbar=dict(thickness=10)))
    figure.update_layout(height=140 + 26 * len(outputs), margin=dict(l=60, r=10, t=10, b=30),
                         xaxis=dict(tickmode="array", tickvals=list(range(len(source))), ticktext=columns, tickangle=0),
                         yaxis=dict(tickmode="array", tickvals=list(range(len(outputs))),
                                    ticktext=written, autorange="reversed",
                                    title="output"))
    return figure


@shared_figure
def bottleneck_figure(curves: dict[str, list[tuple[int, int, float]]], input_chars: int | None) -> go.Figure:
    """Exact-match accuracy by input length for each model, the student's input marked."""
    figure = go.Figure()
    lengths = [length for buckets in curves.values() for bucket in buckets for length in bucket[:2]]
    for kind, buckets in curves.items():
        figure.add_scatter(x=[(low + high) / 2 for low, high, _ in buckets], y=[acc for _, _, acc in buckets],
                           mode="lines+markers", name=kind,
                           hovertemplate="%{x:.0f} characters: %{y:.0%} right<extra></extra>")
    if input_chars:
        # at the foot of the line, where the curves seldom are (short inputs are near 100% right), and on the
        # side with room: a long input's label reads leftwards so the plot's right edge does not cut it
        middle = (min(lengths, default=0) + max(lengths + [input_chars])) / 2
        figure.add_vline(x=input_chars, line_dash="dot", annotation_text="your input",
                         annotation_position="bottom left" if input_chars > middle else "bottom right")
    figure.update_layout(height=300, margin=dict(l=40, r=10, t=30, b=40), yaxis=dict(tickformat=".0%", range=[0, 1.05]),
                         xaxis=dict(title="input length (characters)"), legend=dict(orientation="h", y=-0.3))
    return figure


@shared_figure
def candidates_figure(candidates: dict[str, list[tuple[str, float]] | None]) -> go.Figure:
    """One panel per model: the likeliest tokens of one decoding step and their probabilities.

    `candidates` maps a panel title to (token, probability) pairs, likeliest first, or None for a model
    that had already stopped.
    """
    titles = [html.escape(title if pairs is not None else f"{title}: stopped earlier", quote=False)
              for title, pairs in candidates.items()]
    figure = make_subplots(rows=1, cols=len(candidates), subplot_titles=titles, horizontal_spacing=0.15)
    for column, pairs in enumerate(candidates.values(), start=1):
        if pairs is None:
            continue
        tokens = [html.escape(token, quote=False) for token, _ in pairs]
        probabilities = [p for _, p in pairs]
        figure.add_bar(x=probabilities, y=tokens, orientation="h", marker_color="#7b68b5", showlegend=False,
                       text=[f"{p:.1%}" for p in probabilities], textposition="auto",
                       hovertemplate="%{y}: %{x:.2%}<extra></extra>", row=1, col=column)
        figure.update_yaxes(type="category", autorange="reversed", row=1, col=column)  # likeliest on top
        figure.update_xaxes(range=[0, 1], tickformat=".0%", row=1, col=column)
    figure.update_layout(height=220, margin=dict(l=50, r=10, t=30, b=30))
    return figure


@shared_figure
def context_figure(context: np.ndarray, outputs: list[str] | None) -> go.Figure:
    """The plain model's one context vector (1 × H), or one context per output step."""
    rows = context.reshape(1, -1) if context.ndim == 1 else context
    labels = ["all steps"] if context.ndim == 1 else [html.escape(o, quote=False) for o in outputs]
    figure = go.Figure(go.Heatmap(z=rows, colorscale="RdBu", zmid=0, reversescale=True, colorbar=dict(thickness=10),
                                  hovertemplate="unit %{x}<br>value %{z:.2f}<extra></extra>"))
    figure.update_layout(height=100 + 22 * len(labels), margin=dict(l=70, r=10, t=10, b=45),
                         yaxis=dict(tickmode="array", tickvals=list(range(len(labels))), ticktext=labels,
                                    autorange="reversed"), xaxis=dict(title=dict(text="unit", standoff=12)))
    return figure
