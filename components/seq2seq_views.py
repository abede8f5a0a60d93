"""Charts of the encoder-decoder page: alignment heatmap, bottleneck curve, context vectors."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

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
    """Output steps (rows) by input characters (columns); rows after `upto` not yet written."""
    shown = attention.astype(float).copy()
    shown[upto + 1:] = np.nan
    columns = [html.escape(visible_char(c), quote=False) for c in source]
    figure = go.Figure(go.Heatmap(
        z=shown, x=list(range(len(source))), y=list(range(len(outputs))), colorscale="Purples", zmin=0, zmax=1,
        hovertemplate="writes step %{y}<br>looks at character %{x}<br>weight %{z:.2f}<extra></extra>",
        colorbar=dict(thickness=10)))
    figure.update_layout(height=140 + 26 * len(outputs), margin=dict(l=60, r=10, t=10, b=30),
                         xaxis=dict(tickmode="array", tickvals=list(range(len(source))), ticktext=columns, tickangle=0),
                         yaxis=dict(tickmode="array", tickvals=list(range(len(outputs))),
                                    ticktext=[html.escape(o, quote=False) for o in outputs], autorange="reversed",
                                    title="output"))
    return figure


@shared_figure
def bottleneck_figure(curves: dict[str, list[tuple[int, int, float]]], input_chars: int | None) -> go.Figure:
    """Exact-match accuracy by input length for each model, the student's input marked."""
    figure = go.Figure()
    for kind, buckets in curves.items():
        figure.add_scatter(x=[(low + high) / 2 for low, high, _ in buckets], y=[acc for _, _, acc in buckets],
                           mode="lines+markers", name=kind,
                           hovertemplate="%{x:.0f} characters: %{y:.0%} right<extra></extra>")
    if input_chars:
        figure.add_vline(x=input_chars, line_dash="dot", annotation_text="your input")
    figure.update_layout(height=300, margin=dict(l=40, r=10, t=30, b=40), yaxis=dict(tickformat=".0%", range=[0, 1.05]),
                         xaxis=dict(title="input length (characters)"), legend=dict(orientation="h", y=-0.3))
    return figure


@shared_figure
def context_figure(context: np.ndarray, outputs: list[str] | None) -> go.Figure:
    """The plain model's one context vector (1 × H), or one context per output step."""
    rows = context.reshape(1, -1) if context.ndim == 1 else context
    labels = ["all steps"] if context.ndim == 1 else [html.escape(o, quote=False) for o in outputs]
    figure = go.Figure(go.Heatmap(z=rows, colorscale="RdBu", zmid=0, reversescale=True, colorbar=dict(thickness=10),
                                  hovertemplate="unit %{x}<br>value %{z:.2f}<extra></extra>"))
    figure.update_layout(height=90 + 22 * len(labels), margin=dict(l=70, r=10, t=10, b=30),
                         yaxis=dict(tickmode="array", tickvals=list(range(len(labels))), ticktext=labels,
                                    autorange="reversed"), xaxis=dict(title="unit"))
    return figure
