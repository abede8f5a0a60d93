"""The context window as a gauge: input tokens, reserved output, room left."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from models.context import WindowUsage

_INPUT, _OUTPUT, _FREE, _OVER = "#6C4AB6", "#B9A6E3", "#E9E6F2", "#D64545"


def gauge_figure(usage: WindowUsage) -> go.Figure:
    within_input = min(usage.input_tokens, usage.context_window)
    within_output = min(usage.reserved_output, usage.context_window - within_input)
    segments = [
        ("input", within_input, _INPUT),
        ("reserved for the answer", within_output, _OUTPUT),
        ("free", max(0, usage.context_window - usage.used), _FREE),
        ("over the window", usage.over_by, _OVER),
    ]
    figure = go.Figure()
    for name, tokens, colour in segments:
        figure.add_bar(x=[tokens], y=[""], orientation="h", name=name, marker_color=colour,
                       hovertemplate=f"{name}: %{{x:,}} tokens<extra></extra>")
    figure.add_vline(x=usage.context_window, line_dash="dot", line_color="#333",
                     annotation_text=f"window {usage.context_window:,}", annotation_position="top")
    figure.update_layout(barmode="stack", height=150, margin=dict(l=10, r=10, t=30, b=10),
                         legend=dict(orientation="h", y=-0.35, traceorder="normal"), xaxis=dict(tickformat=","),
                         plot_bgcolor="rgba(0,0,0,0)")
    return figure


def context_gauge(usage: WindowUsage) -> None:
    st.plotly_chart(gauge_figure(usage), config={"displayModeBar": False})
    if usage.over_by:
        noun = "token" if usage.over_by == 1 else "tokens"
        st.error(f"**{usage.over_by:,} {noun} over** the {usage.context_window:,}-token window "
                 f"({usage.input_tokens:,} input + {usage.reserved_output:,} reserved for the answer). "
                 "What does not fit is cut, and the model never sees it.")
    else:
        st.success(f"Fits: {usage.used:,} of {usage.context_window:,} tokens used "
                   f"({usage.fraction_used:.1%}), {usage.context_window - usage.used:,} left.")
