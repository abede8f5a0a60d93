"""The sections of the recurrent page. Each owns its widgets and draws plain data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.course_diagrams import mappings_svg, show_diagram
from components.playback import playback
from components.recurrent_views import (colour_bound, gradient_flow_figure, mapping_html, prediction_figure,
                                        sequence_html, show_heatmap, unit_lines)
from models.course_map import SEQUENCE_MAPPINGS
from models.recurrent_cells import STATE_LABELS, step_equations
from models.recurrent_tasks import TASKS
from models.sequence_features import FEATURES
from models.sequence_mappings import (DEMO_LIMITS, demo_input, many_to_many, many_to_one, one_to_one,
                                     prediction_accuracy, step_targets)
from models.unit_finder import rank_units

_CONFIG = {"displayModeBar": False}


def learn_panel() -> None:
    with st.expander("Learn: recurrent networks, gates and memory"):
        st.markdown(
            "- A **recurrent network** reads a sequence one step at a time and carries a **hidden state** "
            "h from step to step: its memory of what it has read so far.\n"
            "- A **plain RNN** squashes the old state and the new input together at every step. Its "
            "gradients shrink step after step backwards, so it only has **short-term memory**.\n"
            "- An **LSTM** adds a **cell state** c, a conveyor belt that runs through time, and three "
            "gates between 0 (closed) and 1 (open): the **forget gate** f keeps or wipes the old cell "
            "state, the **input gate** i lets the **candidate** g in, the **output gate** o decides how "
            "much of the cell shows in h.\n"
            "- A **GRU** is a lighter LSTM: no separate cell state, two gates. The **update gate** z "
            "chooses between keeping the old h and taking the candidate n; the **reset gate** r decides "
            "how much of the old h the candidate may look at.\n\n"
            "The models here were trained by this project (`python -m models.train_recurrent`): one "
            "counts open brackets, one predicts the next character of Python's documentation.")


def gates_panel(run, cell_name: str) -> None:
    chars, trace = list(run.text), run.trace
    height = 120 + 2 * trace.hidden.shape[1]
    cell_state = ""
    if "c" in trace.states:  # h and the candidates pass through tanh; the LSTM's c adds up and is not bounded
        bound = colour_bound("c", trace.states["c"])
        cell_state = (" The cell state c is not squashed: it can grow past ±1, so its colours run from "
                      f"−{bound:.1f} to +{bound:.1f} on this input.")
    st.caption(f"Every gate and state of the {cell_name}, units (rows) by time (columns). Gates run "
               "from 0 (closed, dark) to 1 (open, yellow). The hidden state h and the candidates stay "
               f"between −1 (blue) and +1 (red), 0 is white.{cell_state} "
               "Hover for the step's character, the unit and the value. Characters in red are not in the "
               "model's vocabulary: it reads them as the unknown symbol.")
    for name in trace.states:
        show_heatmap(name, trace.states[name], chars, key=f"recurrent.heat.{name}", unknown=run.unknown,
                     height=height)


def step_panel(run, task, state) -> None:
    trace, units = run.trace, run.trace.hidden.shape[1]
    if state.value("unit") > units - 1:
        state.set("unit", units - 1)

    def draw(t: int) -> None:
        st.html(sequence_html(list(run.text), run.unknown, t))
        left, right = st.columns([1, 2])
        left.number_input("Unit", 0, units - 1, key=state.key("unit"),
                          help="Which unit's numbers the equations show.")
        target = step_targets(task, run.text)
        truth = target[t] if t < len(target) else None
        right.markdown(f"**Prediction after step {t}**" + (f" · right answer: `{truth}`" if truth else ""))
        right.plotly_chart(prediction_figure(list(task.outputs), run.probabilities[t]), config=_CONFIG,
                           key="recurrent.prediction")
        for line in step_equations(trace, t, state.value("unit")):
            st.latex(line)

    playback(state, "step", trace.steps, draw)


def units_panel(run, task, state) -> None:
    st.caption(task.units_note)
    if run.trace.steps < 8:
        st.info("Type a longer sequence (a few dozen characters) to find units reliably.")
    names = list(FEATURES)
    feature_name = st.selectbox("Find units that follow", names, index=names.index(task.feature),
                                key="recurrent.feature")
    feature = FEATURES[feature_name](run.text)
    matches = rank_units(run.trace, feature, top=8)
    st.dataframe(pd.DataFrame({"state": [STATE_LABELS[m.state] for m in matches],
                               "unit": [m.unit for m in matches],
                               "correlation r": [round(m.correlation, 3) for m in matches]}),
                 hide_index=True)
    if matches:
        best = matches[0]
        st.plotly_chart(unit_lines(run.trace.states[best.state], [best.unit], list(run.text),
                                   title=f"Best match: {STATE_LABELS[best.state]}, unit {best.unit}",
                                   feature=feature, feature_name=feature_name),
                        config=_CONFIG, key="recurrent.best-unit")
    st.markdown("**Pick units to compare**")
    left, right = st.columns([1, 2])
    state_name = left.selectbox("State", list(run.trace.states), format_func=STATE_LABELS.get,
                                index=len(run.trace.states) - 1, key="recurrent.lines-state")
    units = run.trace.hidden.shape[1]
    default = [m.unit for m in matches if m.state == state_name][:3] or [0]
    picked = right.multiselect("Units", list(range(units)), default=default, key="recurrent.lines-units")
    if picked:
        st.plotly_chart(unit_lines(run.trace.states[state_name], picked, list(run.text),
                                   title=STATE_LABELS[state_name]), config=_CONFIG, key="recurrent.lines")


def compare_panel(runs: dict, cell_names: dict, gradient_norms, gradient_text: str, task) -> None:
    any_run = next(iter(runs.values()))
    targets = step_targets(task, any_run.text)
    columns = st.columns(len(runs))
    for column, (cell, run) in zip(columns, runs.items()):
        column.metric(f"{cell_names[cell]}: right on this input",
                      f"{prediction_accuracy(run, task, targets):.0%}")
    for cell, run in runs.items():
        show_heatmap("h", run.trace.hidden, list(run.text), key=f"recurrent.compare.{cell}", unknown=run.unknown,
                     height=100 + 2 * run.trace.hidden.shape[1], title=f"{cell_names[cell]}: hidden state h")
    st.subheader("Gradient flow")
    st.caption("How much the loss at the last step can still change each earlier hidden state "
               "(‖∂loss/∂hₜ‖, log scale), for the three next-character models. The plain RNN's falls "
               "off fastest backwards: its memory is short."
               + ("" if task.name == "text" else " Shown on the text task's first example: switch the "
                  "task to text to follow your own input."))
    st.plotly_chart(gradient_flow_figure(gradient_norms(gradient_text), list(gradient_text)), config=_CONFIG,
                    key="recurrent.gradient-flow")


def _demo_text_with_notice(text: str, limit: int) -> str:
    """What a demo reads of `text`, with a notice when it had to cut it."""
    kept, cut = demo_input(text, limit)
    if cut:
        st.warning(f"This demo reads only the first {limit} characters; "
                   f"the other {len(text) - limit} are left out.")
    return kept


def mappings_panel(traced, generated) -> None:
    show_diagram(mappings_svg(SEQUENCE_MAPPINGS))
    text_task, count_task = TASKS["text"], TASKS["brackets"]
    one, many = st.columns(2)
    with one:
        st.markdown("**One-to-one**: one character in, the next character out.")
        char = st.text_input("Character", "q", max_chars=1, key="recurrent.map.one") or "q"
        demo = one_to_one(traced("text", "lstm", char), text_task)
        st.html(mapping_html(demo.inputs, demo.outputs, aligned=True))
        st.markdown("**One-to-many**: one character in, a sequence out (each output fed back in).")
        first = st.text_input("First character", "T", max_chars=1, key="recurrent.map.first") or "T"
        demo = generated(first, DEMO_LIMITS.generated)
        st.html(mapping_html(demo.inputs, demo.outputs, aligned=False))
    with many:
        st.markdown("**Many-to-one**: a sequence in, one answer out: how deep is it at the end?")
        brackets = st.text_input("Brackets", "(()(()))(", key="recurrent.map.many-one") or "()"
        read = _demo_text_with_notice(brackets, DEMO_LIMITS.many_to_one)
        demo = many_to_one(traced("brackets", "lstm", read), count_task)
        st.html(mapping_html(demo.inputs, demo.outputs, aligned=False))
        st.caption("0 open brackets at the end: balanced." if demo.outputs == ["0"]
                   else f"{demo.outputs[0]} bracket(s) still open at the end.")
        st.markdown("**Many-to-many (aligned)**: one output per input step.")
        brackets = st.text_input("Brackets", "((a)(b))", key="recurrent.map.many-many") or "()"
        read = _demo_text_with_notice(brackets, DEMO_LIMITS.many_to_many)
        demo = many_to_many(traced("brackets", "lstm", read), count_task)
        st.html(mapping_html(demo.inputs, demo.outputs, aligned=True))
        st.caption(f"{len(demo.inputs)} in, {len(demo.outputs)} out: an aligned network can only answer "
                   "once per step, so the output is exactly as long as the input. The encoder-decoder "
                   "lifts that limit.")
