"""Charts of recurrent traces: units-by-time heatmaps, unit lines, gradient flow.

Views take plain arrays and characters, never a model. Every heatmap puts time
on the x axis, labelled with the input's characters, so the rows line up under
the text.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from components.figure_cache import shared_figure
from components.token_chips import CHIP_STYLE
from models.recurrent_cells import STATE_LABELS
from models.recurrent_tasks import UNKNOWN

UNKNOWN_COLOUR = "#d62728"  # characters outside the vocabulary, in ticks (the chips use a red background)
VISIBLE = {" ": "␣", "\n": "↵", "\t": "→"}
GATES = {"i", "f", "o", "r", "z"}  # sigmoid outputs, always in (0, 1)
_CONFIG = {"displayModeBar": False}


def visible_char(char: str) -> str:
    return VISIBLE.get(char, char)


def colour_bound(name: str, values: np.ndarray) -> float:
    """The colour scale's ±bound for a state: 1 for tanh-bounded ones, the largest magnitude for the cell state c."""
    return max(1.0, float(np.abs(values).max())) if name == "c" else 1.0


def _tick_label(char: str, unknown: bool) -> str:
    # plotly reads tags in tick text: the character is escaped, the red marker is ours
    shown = html.escape(visible_char(char), quote=False)
    return f'<span style="color:{UNKNOWN_COLOUR}"><b>{shown}</b></span>' if unknown else shown


def _hover_label(char: str, unknown: bool) -> str:
    shown = f"'{html.escape(visible_char(char), quote=False)}'"
    return f"{shown} → {UNKNOWN} (not in the vocabulary)" if unknown else shown


def _flags(chars: list[str], unknown: list[bool] | None) -> list[bool]:
    if unknown is not None and len(unknown) != len(chars):
        raise ValueError(f"unknown has {len(unknown)} flags for {len(chars)} characters.")
    return list(unknown) if unknown is not None else [False] * len(chars)


def _time_axis(chars: list[str], unknown: list[bool] | None = None) -> dict:
    # Step numbers keep repeated characters apart; the ticks show the characters.
    ticks = list(range(len(chars)))
    step = max(1, len(chars) // 80)  # at most ~80 labels, or they overlap
    labels = [_tick_label(c, u) for c, u in zip(chars, _flags(chars, unknown))]
    return dict(tickmode="array", tickvals=ticks[::step], ticktext=labels[::step],
                tickangle=0, showgrid=False)


@shared_figure
def state_heatmap(name: str, values: np.ndarray, chars: list[str], *, unknown: list[bool] | None = None,
                  height: int = 220, title: str | None = None) -> go.Figure:
    """Units (rows) by time (columns) for one gate or state; `unknown` marks characters read as UNKNOWN."""
    steps, units = values.shape  # (T, H)
    if len(chars) != steps:
        raise ValueError(f"{len(chars)} characters for {steps} steps: give one character per step.")
    if name in GATES:
        colour = dict(colorscale="Viridis", zmin=0.0, zmax=1.0)
    else:  # tanh-bounded states, or a cell state that can grow: centre on zero
        bound = colour_bound(name, values)
        colour = dict(colorscale="RdBu", zmid=0.0, zmin=-bound, zmax=bound, reversescale=True)
    shown = [_hover_label(c, u) for c, u in zip(chars, _flags(chars, unknown))]
    figure = go.Figure(go.Heatmap(
        z=values.T, x=list(range(steps)), y=list(range(units)), **colour,  # z: (H, T)
        customdata=np.tile(np.array(shown, dtype=object), (units, 1)),  # (H, T): the step's character
        hovertemplate="step %{x} · %{customdata}<br>unit %{y}<br>value %{z:.3f}<extra></extra>",
        colorbar=dict(thickness=10, len=0.9)))
    figure.update_layout(title=dict(text=title or STATE_LABELS[name], x=0, font=dict(size=14)), height=height,
                         margin=dict(l=40, r=10, t=30, b=30), xaxis=_time_axis(chars, unknown),
                         yaxis=dict(title="unit", autorange="reversed"))
    return figure


def show_heatmap(name: str, values: np.ndarray, chars: list[str], *, key: str, unknown: list[bool] | None = None,
                 height: int = 220, title: str | None = None) -> None:
    st.plotly_chart(state_heatmap(name, values, chars, unknown=unknown, height=height, title=title),
                    config=_CONFIG, key=key)


@shared_figure
def unit_lines(values: np.ndarray, units: list[int], chars: list[str], *, title: str,
               feature: np.ndarray | None = None, feature_name: str = "") -> go.Figure:
    """Chosen units of one state as lines over time, optionally beside a feature of the input."""
    figure = go.Figure()
    steps = list(range(values.shape[0]))
    for unit in units:
        figure.add_scatter(x=steps, y=values[:, unit], mode="lines", name=f"unit {unit}")
    if feature is not None:
        figure.add_scatter(x=steps, y=feature, mode="lines", name=feature_name, yaxis="y2",
                           line=dict(dash="dot", color="#888"))
    figure.update_layout(title=dict(text=title, x=0, font=dict(size=14)), height=280,
                         margin=dict(l=40, r=40, t=30, b=30), xaxis=_time_axis(chars),
                         yaxis2=dict(overlaying="y", side="right", showgrid=False, title=feature_name),
                         legend=dict(orientation="h", y=-0.25))
    return figure


@shared_figure
def gradient_flow_figure(norms: dict[str, np.ndarray], chars: list[str]) -> go.Figure:
    """How strongly the last step's loss reaches back to each earlier hidden state."""
    figure = go.Figure()
    for cell, values in norms.items():
        figure.add_scatter(x=list(range(len(values))), y=np.maximum(values, 1e-12), mode="lines+markers",
                           name=cell.upper(), marker=dict(size=4))
    figure.update_layout(height=300, margin=dict(l=50, r=10, t=10, b=30), xaxis=_time_axis(chars),
                         yaxis=dict(type="log", title="‖∂loss/∂hₜ‖ (log scale)"),
                         legend=dict(orientation="h", y=-0.2))
    return figure


@shared_figure
def prediction_figure(labels: list[str], probabilities: np.ndarray, top: int = 8) -> go.Figure:
    order = np.argsort(probabilities)[::-1][:top]
    names = [f"'{html.escape(visible_char(labels[k]), quote=False)}'" for k in order]
    figure = go.Figure(go.Bar(x=probabilities[order][::-1], y=names[::-1], orientation="h",
                              marker_color="#6C4AB6", hovertemplate="%{y}: %{x:.1%}<extra></extra>"))
    figure.update_layout(height=40 + 24 * len(order), margin=dict(l=10, r=10, t=10, b=10),
                         xaxis=dict(tickformat=".0%", range=[0, 1]), yaxis=dict(type="category"))
    return figure


def sequence_html(chars: list[str], unknown: list[bool], cursor: int | None = None) -> str:
    """The input as one chip per step: the cursor's step outlined, unknown characters marked."""
    cells = []
    for t, (char, is_unknown) in enumerate(zip(chars, unknown)):
        style = "background:#f3c6cf" if is_unknown else "background:#e9e6f2"
        if t == cursor:
            style += ";outline:2px solid #6C4AB6;font-weight:700"
        title = f"step {t}" + (" · not in the vocabulary" if is_unknown else "")
        cells.append(f'<span class="chip" style="{style}" title="{html.escape(title)}">'
                     f'{html.escape(visible_char(char))}</span>')
    return CHIP_STYLE + '<div class="chips">' + "".join(cells) + "</div>"


def mapping_html(inputs: list[str], outputs: list[str], aligned: bool) -> str:
    """Inputs above outputs as chips; `aligned` puts output t under input t."""
    def row(label: str, items: list[str], colour: str) -> str:
        cells = "".join(f'<td><span class="chip" style="background:{colour}">'
                        f'{html.escape(visible_char(item))}</span></td>' for item in items)
        return f'<tr><th style="text-align:left;padding-right:8px;font-weight:400;opacity:.7">{label}</th>{cells}</tr>'

    if aligned:
        body = row("in", inputs, "#f3c6cf") + row("out", outputs, "#c4ddf2")
        return f'{CHIP_STYLE}<table class="chips" style="border-collapse:collapse">{body}</table>'
    rows = (f'<table class="chips" style="border-collapse:collapse">{row("in", inputs, "#f3c6cf")}</table>'
            f'<table class="chips" style="border-collapse:collapse">{row("out", outputs, "#c4ddf2")}</table>')
    return CHIP_STYLE + rows
