"""The recurrent page through AppTest: every model, bad input, URL state, find units."""

import html
import json

import numpy as np
import pytest

from models.recurrent_models import load_shipped_model, run_with_trace
from models.recurrent_tasks import MAX_STEPS, TASKS, depth_targets
from models.sequence_mappings import DEMO_LIMITS, many_to_one, one_to_many
from tests.pages.runner import run_page as run_in_app_test

LONG_BRACKETS = "((a)(b(c)))(()((()))(b))" * 6


def run_page(**query):
    return run_in_app_test("recurrent.py", **query)


def plotly_charts(at):
    return at.get("plotly_chart")


@pytest.mark.parametrize("task", list(TASKS))
@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_every_model_draws_its_gates(task, cell):
    at = run_page(task=task, cell=cell, text=TASKS[task].examples[0])
    assert len(plotly_charts(at)) == {"lstm": 6, "gru": 4, "rnn": 1}[cell]  # a heatmap per gate and state
    at = run_page(task=task, cell=cell, text=TASKS[task].examples[0], tab="Step through")
    assert at.latex and len(plotly_charts(at)) == 1  # the step's equations and its prediction


def test_only_the_open_tab_runs():
    at = run_page(tab="LSTM vs GRU vs RNN")
    assert len(plotly_charts(at)) == 4  # three hidden states and the gradient flow
    assert [m.label for m in at.metric] == ["LSTM: right on this input", "GRU: right on this input",
                                            "plain RNN: right on this input"]


def test_empty_input_says_what_to_do():
    at = run_page()
    at.text_area(key="recurrent.text").set_value("").run()
    assert not at.exception
    assert at.info and "character" in at.info[0].value


def test_unknown_characters_are_marked():
    at = run_page(task="brackets", text="((é€))", tab="Step through")
    assert any("not in this model's vocabulary" in w.value for w in at.warning)
    assert "not in the vocabulary" in at.html[0].proto.body


def test_unknown_characters_are_marked_in_the_heatmaps():
    at = run_page(task="brackets", cell="gru", text="((é€))")
    specs = [chart.proto.spec for chart in plotly_charts(at)]
    units = load_shipped_model("brackets", "gru").config.hidden_size
    assert len(specs) == 4 and all(spec.count("not in the vocabulary") == 2 * units for spec in specs)  # hover cells


def test_long_input_is_capped_with_a_notice():
    at = run_page(task="brackets", text="(" * (MAX_STEPS + 100), tab="Step through")
    assert any(f"first {MAX_STEPS}" in w.value for w in at.warning)
    assert at.slider(key="recurrent.step").max == MAX_STEPS - 1


def test_url_restores_the_state():
    at = run_page(task="text", cell="gru", text='say "hi" (now)', unit="3", step="4", tab="Step through")
    assert at.selectbox(key="recurrent.task").value == "text"
    assert at.text_area(key="recurrent.text").value == 'say "hi" (now)'
    assert at.slider(key="recurrent.step").value == 4
    assert at.number_input(key="recurrent.unit").value == 3
    assert "h_t" in at.latex[-1].value


def test_stepping_changes_the_equation():
    at = run_page(task="brackets", cell="lstm", text="((()))", tab="Step through")
    before = [l.value for l in at.latex]
    at.slider(key="recurrent.step").set_value(3).run()
    assert [l.value for l in at.latex] != before


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_find_units_finds_a_depth_counter(cell):
    at = run_page(task="brackets", cell=cell, text=LONG_BRACKETS, tab="Find units")
    table = at.dataframe[0].value
    assert abs(table["correlation r"].iloc[0]) > 0.9


def test_find_units_on_text_says_its_cells_are_fuzzier():
    at = run_page(task="text", cell="lstm", tab="Find units")
    assert TASKS["text"].units_note in [c.value for c in at.caption] and "brackets task" in TASKS["text"].units_note


def test_plain_rnn_equation_shows_what_the_tanh_squashes():
    at = run_page(task="brackets", cell="rnn", text="((a)(b))", unit="5", step="3", tab="Step through")
    trace = run_with_trace(load_shipped_model("brackets", "rnn"), TASKS["brackets"], "((a)(b))").trace
    x_term, h_term = trace.terms["input"][3, 5], trace.terms["recurrent"][3, 5]
    shown = at.latex[0].value.strip("$\n")  # st.latex wraps the line in $$
    assert f"{x_term:.3f}" in shown and f"{abs(h_term):.3f}" in shown and f"{x_term + h_term:.3f}" in shown
    assert shown.endswith(f"= {trace.hidden[3, 5]:.3f}")


def test_example_picker_fills_the_text():
    at = run_page(task="brackets")
    example = TASKS["brackets"].examples[-1]
    at.selectbox(key="recurrent.example").set_value(example).run()
    assert at.text_area(key="recurrent.text").value == example


def test_aligned_many_to_many_has_one_output_per_input():
    at = run_page(tab="Four mappings")
    at.text_input(key="recurrent.map.many-many").set_value("(()())").run()
    assert any("6 in, 6 out" in c.value for c in at.caption)


def chip_texts(body):
    """The characters of the chips in an HTML body, in order, unescaped."""
    return [html.unescape(chunk.split("</span>")[0].split(">", 1)[1]) for chunk in body.split('class="chip"')[1:]]


def test_one_to_many_shows_the_generated_characters():
    at = run_page(tab="Four mappings")
    at.text_input(key="recurrent.map.first").set_value("d").run()
    expected = one_to_many(load_shipped_model("text", "lstm"), TASKS["text"], "d")
    visible = {" ": "␣", "\n": "↵"}
    assert len(expected.outputs) == DEMO_LIMITS.generated
    assert ["d"] + [visible.get(c, c) for c in expected.outputs] in [chip_texts(h.proto.body) for h in at.html]


@pytest.mark.parametrize("brackets", ["((a)(b", "(()())"])
def test_many_to_one_caption_says_the_final_depth(brackets):
    at = run_page(tab="Four mappings")
    at.text_input(key="recurrent.map.many-one").set_value(brackets).run()
    task = TASKS["brackets"]
    answer = many_to_one(run_with_trace(load_shipped_model("brackets", "lstm"), task, brackets), task).outputs[0]
    assert answer == str(depth_targets(brackets)[-1])  # the oracle the caption should agree with
    expected = ("0 open brackets at the end: balanced." if answer == "0"
                else f"{answer} bracket(s) still open at the end.")
    assert expected in [c.value for c in at.caption]


def test_long_demo_inputs_are_cut_with_a_notice():
    at = run_page(tab="Four mappings")
    assert not at.warning
    long = "(a)" * 30  # 90 characters
    at.text_input(key="recurrent.map.many-many").set_value(long).run()
    limit = DEMO_LIMITS.many_to_many
    assert any(f"first {limit} characters" in w.value and f"other {len(long) - limit}" in w.value for w in at.warning)
    assert any(f"{limit} in, {limit} out" in c.value for c in at.caption)
    at.text_input(key="recurrent.map.many-one").set_value("(" * (DEMO_LIMITS.many_to_one + 5)).run()
    assert any(f"first {DEMO_LIMITS.many_to_one} characters" in w.value for w in at.warning)


def test_hostile_text_stays_text():
    at = run_page(task="text", text="<img src=x onerror=alert(1)>", tab="Step through")
    bodies = " ".join(h.proto.body for h in at.html)
    assert "<img" not in bodies and "&lt;" in bodies


def test_an_example_loads_again_after_the_text_was_edited():
    at = run_page(task="brackets")
    example = TASKS["brackets"].examples[1]
    at.selectbox(key="recurrent.example").set_value(example).run()
    at.text_area(key="recurrent.text").set_value("(mine)").run()
    at.selectbox(key="recurrent.example").set_value(example).run()
    assert at.text_area(key="recurrent.text").value == example


def test_play_at_the_last_step_starts_over():
    at = run_page(task="brackets", text="((()))", step="5", tab="Step through")
    assert at.slider(key="recurrent.step").value == 5
    at.button(key="recurrent.play").click().run()
    assert at.slider(key="recurrent.step").value == 0 and at.button(key="recurrent.play").label == "⏸ Pause"


def test_a_link_to_the_text_task_without_text_opens_on_its_own_example():
    at = run_page(task="text")
    assert at.text_area(key="recurrent.text").value == TASKS["text"].examples[0]
    assert not at.warning  # no bracket sample fed to the text model, nor the other way round
    assert run_page(task="text", text="((()))").text_area(key="recurrent.text").value == "((()))"


def test_switching_task_swaps_a_sample_for_the_new_tasks_example():
    at = run_page(task="text")
    at.selectbox(key="recurrent.example").set_value(TASKS["text"].examples[2]).run()  # the def area(...) one
    at.selectbox(key="recurrent.task").set_value("brackets").run()
    assert at.text_area(key="recurrent.text").value == TASKS["brackets"].examples[0]
    assert not at.warning
    at.selectbox(key="recurrent.task").set_value("text").run()
    assert at.text_area(key="recurrent.text").value == TASKS["text"].examples[0]


def test_switching_task_keeps_the_students_own_text():
    at = run_page(task="brackets", text="(my (own))")
    at.selectbox(key="recurrent.task").set_value("text").run()
    assert at.text_area(key="recurrent.text").value == "(my (own))"


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gates_caption_states_the_colour_ranges_drawn(cell):
    text = TASKS["brackets"].examples[-1]
    at = run_page(task="brackets", cell=cell, text=text)
    caption = next(c.value for c in at.caption if "Every gate and state" in c.value)
    assert "between −1 (blue) and +1 (red)" in caption
    specs = {chart.key.removeprefix("recurrent.heat."): json.loads(chart.proto.spec) for chart in plotly_charts(at)}
    for name in ("h", "g", "n"):
        if name in specs:
            assert specs[name]["data"][0]["zmax"] == 1.0
    if cell == "lstm":
        c = run_with_trace(load_shipped_model("brackets", cell), TASKS["brackets"], text).trace.states["c"]
        bound = float(np.abs(c).max())
        assert bound > 1.5  # the cell state does leave −1..+1, so the old caption was wrong
        assert f"from −{bound:.1f} to +{bound:.1f}" in caption
        assert specs["c"]["data"][0]["zmax"] == pytest.approx(bound)
    else:
        assert "cell state c" not in caption
