"""Recurrent heatmaps: one column per character, hover and ticks naming the step, unknown characters marked."""

import json

import numpy as np
import pytest

from components.recurrent_views import UNKNOWN_COLOUR, state_heatmap
from models.recurrent_tasks import UNKNOWN

heatmap = state_heatmap.__wrapped__  # the figure itself, outside Streamlit's cache


def hover_text(trace, unit, step):
    """What plotly shows on hover over (unit, step): the template with that cell's values filled in."""
    return (trace.hovertemplate.replace("%{x}", str(trace.x[step])).replace("%{y}", str(trace.y[unit]))
            .replace("%{z:.3f}", f"{trace.z[unit][step]:.3f}").replace("%{customdata}", trace.customdata[unit][step]))


def test_heatmap_is_units_by_steps_with_hover_and_ticks_from_the_input():
    values = np.random.default_rng(0).uniform(-1, 1, (5, 3))  # (T, H)
    chars = list("a(b c")
    figure = heatmap("h", values, chars)
    trace = figure.data[0]
    assert np.array(trace.z).shape == (3, 5) and np.array(trace.customdata).shape == (3, 5)
    np.testing.assert_array_equal(np.array(trace.z), values.T)  # row = unit, column = step
    assert list(figure.layout.xaxis.ticktext) == ["a", "(", "b", "␣", "c"]
    assert list(figure.layout.xaxis.tickvals) == list(trace.x) == [0, 1, 2, 3, 4]
    shown = hover_text(trace, unit=2, step=3)
    assert shown.startswith("step 3 · '␣'") and "unit 2" in shown and f"value {values[3, 2]:.3f}" in shown
    assert "<extra></extra>" in shown  # no trace name box beside the hover


def test_unknown_characters_are_marked_in_ticks_and_hover_and_escaped():
    chars = list("a<é")
    figure = heatmap("i", np.zeros((3, 2)), chars, unknown=[False, False, True])
    ticks, trace = list(figure.layout.xaxis.ticktext), figure.data[0]
    assert ticks[:2] == ["a", "&lt;"]
    assert "é" in ticks[2] and UNKNOWN_COLOUR in ticks[2]
    assert trace.customdata[1][2] == f"'é' → {UNKNOWN} (not in the vocabulary)"
    assert trace.customdata[0][1] == "'&lt;'" and UNKNOWN not in trace.customdata[0][0]


def test_hostile_characters_stay_text():
    chars = list("<img src=x onerror=alert(1)>")
    figure = heatmap("h", np.zeros((len(chars), 2)), chars, unknown=[True] * len(chars))
    dumped = json.dumps(figure.to_plotly_json(), default=str)
    assert "<img" not in dumped and "&lt;" in dumped


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="one character per step"):
        heatmap("h", np.zeros((4, 2)), list("abc"))
    with pytest.raises(ValueError, match="flags"):
        heatmap("h", np.zeros((3, 2)), list("abc"), unknown=[True])
