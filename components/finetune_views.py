"""Views of the fine-tuning lab: the model with its frozen blocks, training curves, weights that moved."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.figure_cache import shared_figure

FROZEN, TRAINABLE, HEAD = "#dcdce3", "#c9b8ef", "#f6dcb0"
PALETTE = ("#6C4AB6", "#2E8B57", "#D2691E", "#1F77B4", "#C2185B", "#7F7F7F")


def model_diagram(blocks: tuple[str, ...], frozen: frozenset[str], parameters: dict[str, int]) -> str:
    """Graphviz DOT of the classifier, input at the bottom; frozen blocks grey with a snowflake."""
    nodes = ['text [label="text", shape=plaintext]']
    for block in blocks:
        is_frozen = block in frozen
        colour = FROZEN if is_frozen else HEAD if block == "head" else TRAINABLE
        mark = "❄ frozen" if is_frozen else "trained"
        name = "classifier head" if block == "head" else block
        nodes.append(f'"{block}" [label="{name}\\n{_size(parameters[block])} · {mark}", '
                     f'fillcolor="{colour}", fontcolor="{"#777777" if is_frozen else "#1d1d1f"}"]')
    pool = 'pool [label="mean of\\nthe tokens", shape=plaintext]'
    chain = ["text", *[f'"{b}"' for b in blocks[:-1]], "pool", f'"{blocks[-1]}"']
    return ("digraph { rankdir=BT; ranksep=0.12; node [width=2.4, height=0.38]; node [shape=box, style=\"rounded,filled\", fontname=\"sans-serif\", "
            "fontsize=11]; " + "; ".join(nodes + [pool]) + "; " + " -> ".join(chain) + "; }")


def _size(parameters: int) -> str:
    return f"{parameters / 1e6:.2f} M" if parameters >= 100_000 else f"{parameters:,}"


Curve = tuple[str, tuple[int, ...], tuple[float, ...], tuple[int, ...], tuple[float, ...]]


def live_curves_figure(runs: tuple[Curve, ...]) -> go.Figure:
    """Training loss and held-out accuracy by step, one colour per run (uncached: a running job)."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=("training loss", "held-out accuracy"),
                           horizontal_spacing=0.08)
    for index, (name, steps, losses, accuracy_steps, accuracies) in enumerate(runs):
        colour = PALETTE[index % len(PALETTE)]
        figure.add_scatter(x=steps, y=losses, name=name, legendgroup=name, line=dict(color=colour, width=1.5),
                           hovertemplate="step %{x}: loss %{y:.3f}<extra>" + name + "</extra>", row=1, col=1)
        figure.add_scatter(x=accuracy_steps, y=accuracies, name=name, legendgroup=name, showlegend=False,
                           mode="lines+markers", line=dict(color=colour), marker=dict(size=4),
                           hovertemplate="step %{x}: %{y:.0%}<extra>" + name + "</extra>", row=1, col=2)
    figure.update_yaxes(tickformat=".0%", range=[0, 1.02], row=1, col=2)
    figure.update_xaxes(title_text="step")
    figure.update_layout(height=320, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=-0.25))
    return figure


curves_figure = shared_figure(live_curves_figure)  # finished runs: the same figure, cached


@shared_figure
def weight_change_figure(changes: tuple[tuple[str, float], ...], frozen: frozenset[str]) -> go.Figure:
    """How far each block's weights moved: ||W_after − W_before|| / ||W_before||; frozen blocks stay at 0."""
    names = [name for name, _ in changes]
    moved = [None if name in frozen else value for name, value in changes]  # a log axis has no 0
    figure = go.Figure(go.Bar(x=moved, y=names, orientation="h", marker_color=TRAINABLE,
                              text=[None if v is None else f"{v:.2%}" for v in moved], textposition="outside",
                              hovertemplate="%{y}: %{x:.4%}<extra></extra>", name="moved"))
    positive = [v for v in moved if v]
    left = min(positive) / 3 if positive else 1e-4
    still = [name for name in names if name in frozen]
    if still:
        figure.add_scatter(x=[left] * len(still), y=still, mode="text", text=["❄ frozen: exactly 0"] * len(still),
                           textposition="middle right", hoverinfo="skip", name="frozen")
    figure.update_layout(height=60 + 26 * len(changes), margin=dict(l=10, r=40, t=10, b=30), showlegend=False,
                         # ticks in % like the bars' labels (d3's "~%" drops trailing zeros: 0.001 -> 0.1%),
                         # at 1, 2 and 5 of each decade: every minor tick labelled in full would overlap
                         xaxis=dict(type="log", tickformat="~%", dtick="D2",
                                    title="relative change of the weights, % (log scale)"),
                         yaxis=dict(autorange="reversed", categoryorder="array", categoryarray=names))
    return figure
