"""Views of a generated answer: tokens coloured by probability, and the candidates of one step."""

from __future__ import annotations

import html

import plotly.graph_objects as go
import streamlit as st

from components.figure_cache import shared_figure
from components.token_chips import CHIP_STYLE, chip_html

LEGEND = ('<div style="font-size:.8rem;color:#555;margin:.2rem 0 .6rem">Colour: the probability the model gave '
          'each token it wrote, from <span class="chip" style="background:{low}">unlikely</span> to '
          '<span class="chip" style="background:{high}">certain</span>. Hover a token for its numbers.</div>')


def probability_colour(p: float) -> str:
    """Red for unlikely, through yellow, to green for certain."""
    return f"hsl({120 * min(max(p, 0.0), 1.0):.0f}, 70%, 82%)"


def answer_html(prompt: str, steps, selected: int | None = None) -> str:
    """The prompt in grey, then each generated token as a chip coloured by its probability."""
    chips = []
    for step in steps:
        chip = chip_html(step.text.encode("utf-8"), step.token_id, probability_colour(step.probability),
                         show_whitespace=True,
                         note=f"step {step.index} · probability {step.probability:.1%}"
                              + (f" · drawn at {step.shaped:.1%}" if step.shaped != step.probability else ""))
        if step.index == selected:
            chip = f'<span style="outline:2px solid #6C4AB6;border-radius:4px">{chip}</span>'
        chips.append(chip)
    legend = LEGEND.format(low=probability_colour(0.0), high=probability_colour(1.0))
    return (f'{CHIP_STYLE}{legend}<div class="chips"><span style="color:#777">{html.escape(prompt)}</span>'
            f'{"".join(chips)}</div>')


def show_answer(prompt: str, steps, selected: int | None = None, target=None) -> None:
    (target or st).html(answer_html(prompt, steps, selected))


def _label(text: str) -> str:
    shown = text.replace(" ", "·").replace("\n", "↵").replace("\t", "→")
    return html.escape(shown or "∅", quote=False)  # plotly reads tags in text


@shared_figure
def candidates_figure(labels: tuple[str, ...], plain: tuple[float, ...], shaped: tuple[float, ...],
                      chosen: int, settings_label: str) -> go.Figure:
    """Top candidates of one step: plain softmax against the distribution after the settings."""
    names = [f"{_label(t)}  " + ("◀ chosen" if i == chosen else "") for i, t in enumerate(labels)]
    positions = list(range(len(labels)))
    figure = go.Figure()
    figure.add_bar(y=positions, x=plain, orientation="h", name="model (softmax)", marker_color="#B9A6E3",
                   hovertemplate="%{x:.1%}<extra>model</extra>")
    figure.add_bar(y=positions, x=shaped, orientation="h", name=html.escape(settings_label),
                   marker_color="#6C4AB6", hovertemplate="%{x:.1%}<extra>with the settings</extra>")
    figure.update_layout(barmode="group", height=90 + 34 * len(labels), margin=dict(l=10, r=10, t=10, b=30),
                         xaxis=dict(tickformat=".0%", range=[0, 1]),
                         yaxis=dict(tickmode="array", tickvals=positions, ticktext=names, autorange="reversed"),
                         legend=dict(orientation="h", y=-0.12 - 1.2 / len(labels)))
    return figure
