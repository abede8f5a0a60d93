"""Views of the GAN lab: the 2D arena (decision surface, real and fake points, arrows), digits, losses."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from models.gan_data import DIGIT_SIDE

REAL, FAKE, ARROW = "#2E8B57", "#6C4AB6", "#D2691E"
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
    figure.update_layout(height=480, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=-0.05),
                         xaxis=dict(range=box, showgrid=False, zeroline=False, constrain="domain"),
                         yaxis=dict(range=box, showgrid=False, zeroline=False, scaleanchor="x"))
    return figure


def losses_figure(history: dict[str, np.ndarray]) -> go.Figure:
    """Both players' losses, and how real D finds real and generated samples, by step."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=("losses", "D's belief that a sample is real"),
                           horizontal_spacing=0.1)
    steps = history["step"]
    for name, key, colour, col in (("D loss", "d_loss", "#1F77B4", 1), ("G loss", "g_loss", FAKE, 1),
                                   ("D(real)", "d_real", REAL, 2), ("D(generated)", "d_fake", FAKE, 2)):
        figure.add_scatter(x=steps, y=history[key], name=name, line=dict(color=colour, width=1.2), row=1, col=col)
    figure.update_yaxes(range=[0, 1], row=1, col=2)
    figure.update_xaxes(title_text="step")
    figure.update_layout(height=280, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=-0.3))
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
