"""Views of the GAN lab: the 2D arena (decision surface, real and fake points, arrows), digits, losses."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from models.gan_data import DIGIT_SIDE

REAL, FAKE, ARROW = "#2E8B57", "#6C4AB6", "#D2691E"
# (name, history key, colour, chart): every line its own colour, so no two lines of the page look alike.
LOSS_SERIES = (("D loss", "d_loss", "#1F77B4", 1), ("G loss", "g_loss", FAKE, 1),
               ("D(real)", "d_real", REAL, 2), ("D(generated)", "d_fake", "#E377C2", 2))
MOST_CHART_POINTS = 1000  # per line of the losses chart
ARROW_LENGTH = 0.25  # the longest arrow, in the box's units; the others scale with their gradient


def arena_figure(real: np.ndarray, fake: np.ndarray, push: np.ndarray, grid: np.ndarray,
                 surface: np.ndarray, shown: int = 256) -> go.Figure:
    """D's output over the box as a heatmap, real and generated samples, and where G is pushed."""
    figure = go.Figure(go.Heatmap(
        x=grid, y=grid, z=surface, zmin=0, zmax=1, colorscale="RdBu", reversescale=True, opacity=0.55,
        colorbar=dict(title="D(x)", thickness=10), hovertemplate="D(%{x:.2f}, %{y:.2f}) = %{z:.2f}<extra></extra>"))
    figure.add_scatter(x=real[:shown, 0], y=real[:shown, 1], mode="markers", name="real",
                       marker=dict(color=REAL, size=5), hoverinfo="skip")
    figure.add_scatter(x=fake[:shown, 0], y=fake[:shown, 1], mode="markers", name="generated",
                       marker=dict(color=FAKE, size=5, symbol="x"), hoverinfo="skip")
    lengths = np.linalg.norm(push[:shown], axis=1)
    scale = ARROW_LENGTH / lengths.max() if lengths.size and lengths.max() > 0 else 0.0
    ends = fake[:shown] + push[:shown] * scale
    xs = np.column_stack([fake[:shown, 0], ends[:, 0], np.full(len(ends), np.nan)]).ravel()
    ys = np.column_stack([fake[:shown, 1], ends[:, 1], np.full(len(ends), np.nan)]).ravel()
    figure.add_scatter(x=xs, y=ys, mode="lines", name="where G is pushed", line=dict(color=ARROW, width=1),
                       hoverinfo="skip")
    box = [float(grid[0]), float(grid[-1])]
    # The legend sits above the plot: below it, it covered the x axis's tick labels.
    figure.update_layout(height=500, margin=dict(l=10, r=10, t=40, b=10),
                         legend=dict(orientation="h", x=0, xanchor="left", y=1.01, yanchor="bottom"),
                         xaxis=dict(range=box, showgrid=False, zeroline=False, constrain="domain"),
                         yaxis=dict(range=box, showgrid=False, zeroline=False, scaleanchor="x"))
    return figure


def thinned(history: dict[str, np.ndarray], most: int = MOST_CHART_POINTS) -> dict[str, np.ndarray]:
    """The history averaged over runs of consecutive steps, so that at most `most` points remain.

    A long run has tens of thousands of steps; sending all of them on every
    live tick made each redraw slower and slower. Averages keep the trend (and
    calm GAN losses' step-to-step noise); a run's steps are shown by its last step.
    """
    steps = len(history["step"])
    run = -(-steps // most)  # ceil: steps per point
    if run <= 1:
        return history
    starts = np.arange(0, steps, run)
    means = {key: np.add.reduceat(values.astype(np.float64), starts) / np.diff(np.append(starts, steps))
             for key, values in history.items() if key != "step"}
    return {"step": history["step"][np.minimum(starts + run, steps) - 1], **means}


def losses_figure(history: dict[str, np.ndarray]) -> go.Figure:
    """Both players' losses, and how real D finds real and generated samples, by step; a legend per chart."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=("losses", "D's belief that a sample is real"),
                           horizontal_spacing=0.1)
    shown = thinned(history)
    for name, key, colour, col in LOSS_SERIES:
        figure.add_scatter(x=shown["step"], y=shown[key], name=name, line=dict(color=colour, width=1.2),
                           legend="legend" if col == 1 else "legend2", row=1, col=col)
    figure.update_yaxes(range=[0, 1], row=1, col=2)
    figure.update_xaxes(title_text="step", title_standoff=4)
    # Each legend under its own chart, below the axis title, so neither hides ticks or the other chart.
    under = dict(orientation="h", y=-0.25, yanchor="top", xanchor="left")
    figure.update_layout(height=320, margin=dict(l=10, r=10, t=30, b=10),
                         legend=dict(under, x=figure.layout.xaxis.domain[0]),
                         legend2=dict(under, x=figure.layout.xaxis2.domain[0]))
    return figure


def digits_figure(sheet: np.ndarray, title: str, height: int = 320, framed: int | None = None) -> go.Figure:
    """A sheet of 8x8 digits (ink 1, paper -1) as a grey image; `framed` outlines one digit of a strip."""
    figure = go.Figure(go.Heatmap(z=sheet, colorscale="Greys", zmin=-1, zmax=1, showscale=False,
                                  hoverinfo="skip"))
    if framed is not None:
        left = framed * (DIGIT_SIDE + 1) - 1
        figure.add_shape(type="rect", x0=left - 0.5, x1=left + DIGIT_SIDE + 1.5, y0=-1.5, y1=DIGIT_SIDE + 0.5,
                         line=dict(color=FAKE, width=3))
    figure.update_layout(title=dict(text=title, x=0, font=dict(size=14)), height=height,
                         margin=dict(l=0, r=0, t=30, b=0),
                         xaxis=dict(visible=False, constrain="domain"),
                         yaxis=dict(visible=False, autorange="reversed", scaleanchor="x"))
    return figure
