"""The encoder-decoder page through AppTest: both answers, the step view, the curve, bad input, URL state."""

import html
import re

import numpy as np
import pytest
from markdown_it import MarkdownIt

from components.recurrent_views import visible_char
from models.number_words import words_to_number
from models.seq2seq_metrics import bottleneck_curves, rare_training_share
from models.seq2seq_models import KINDS, load_shipped_seq2seq, translate
from models.seq2seq_tasks import ACCEPTS, COMMON_SOURCE_CHARS, END, EXAMPLES, MAX_SOURCE_CHARS
from tests.models.test_seq2seq_models import diagonal_correlation
from tests.pages.runner import chart_specs, values
from tests.pages.runner import run_page as run_in_app_test

NAMES = {"plain": "Plain encoder-decoder", "attention": "With attention"}
CHARTS = ("alignment", "candidates", "curve", "context-plain", "context-attention")


def run_page(**query):
    return run_in_app_test("seq2seq.py", **query)


def charts(at):
    """The page's plotly specs by their widget key's last part."""
    return dict(zip((chart.key.removeprefix("seq2seq.") for chart in at.get("plotly_chart")), chart_specs(at)))


@pytest.fixture(scope="module")
def shipped():
    return {kind: load_shipped_seq2seq(kind) for kind in KINDS}


def test_both_models_answer_a_long_number():
    at = run_page(text=EXAMPLES["long"][0])
    answers = {m.label: m.value for m in at.metric}
    assert answers["With attention"] == "987654321"
    assert answers["Plain encoder-decoder"] != "987654321"  # the bottleneck at work
    assert at.caption[0].value == "❌ (right: 987654321)" and at.caption[1].value == "✅"
    assert tuple(charts(at)) == CHARTS


def test_short_number_both_right():
    at = run_page(text="forty-two")
    assert [m.value for m in at.metric] == ["42", "42"]
    assert all("✅" in c.value for c in at.caption[:2])


def test_empty_input():
    at = run_page()
    at.text_area(key="seq2seq.text").set_value("").run()
    assert not at.exception and "forty-two" in at.info[0].value


def rendered(markdown: str) -> str:
    """What a reader sees of a Markdown string: rendered by a CommonMark parser, tags stripped."""
    return html.unescape(re.sub(r"<[^>]+>", "", MarkdownIt("commonmark").render(markdown))).strip()


def test_unknown_characters_say_what_is_accepted():
    at = run_page(text="forty-two!")
    assert "Not in the models' alphabet: '!'" in rendered(at.warning[0].value)


@pytest.mark.parametrize("text, unknown", [("one hundred and five", '"and"'), ("minus five", '"minus"'),
                                           ("nine hundred ninety-nine billion", '"billion"')])
def test_words_the_models_never_learned_are_named(text, unknown):
    at = run_page(text=text)
    warnings = [rendered(w.value) for w in at.warning]
    assert len(warnings) == 1 and f"never learned: {unknown}." in warnings[0] and ACCEPTS in warnings[0]
    assert not run_page(text="nine hundred five").warning


def test_typed_markdown_is_shown_literally(shipped):
    text = "**bold** [x](javascript:alert(1))"
    at = run_page(text=text, step="0")
    sentence = next(m.value for m in at.markdown if m.value.startswith("Step 0 writes"))
    written = translate(shipped["attention"], text)
    weights = written.attention[0]
    top = weights.argsort()[::-1][:3]
    assert any(text[j] in "*[]():" for j in top)  # the sentence does quote Markdown characters
    pointers = ", ".join(f"'{visible_char(text[j])}' (character {j}, {weights[j]:.0%})" for j in top)
    assert rendered(sentence) == f"Step 0 writes {written.output_tokens[0]}, looking mostly at {pointers}."
    assert "<em>" not in MarkdownIt("commonmark").render(sentence)
    assert '"**bold**", "[x](javascript:alert(1))"' in rendered(at.warning[1].value)
    assert all("href" not in MarkdownIt("commonmark").render(w.value) for w in at.warning)


def test_an_example_loads_again_after_the_text_was_edited():
    at = run_page(text="seven")
    at.selectbox(key="seq2seq.example").set_value("forty-two").run()
    assert at.text_area(key="seq2seq.text").value == "forty-two"
    at.text_area(key="seq2seq.text").set_value("seven").run()
    at.selectbox(key="seq2seq.example").set_value("forty-two").run()
    assert at.text_area(key="seq2seq.text").value == "forty-two"
    assert [m.value for m in at.metric] == ["42", "42"]


def test_play_at_the_last_step_starts_over():
    at = run_page(text="three hundred five", step="3")  # "305" and END: steps 0..3
    assert at.slider(key="seq2seq.step").value == 3
    at.button(key="seq2seq.play").click().run()
    assert at.slider(key="seq2seq.step").value == 0
    assert at.button(key="seq2seq.play").label == "⏸ Pause"


def test_longer_than_training_still_runs():
    at = run_page(text=EXAMPLES["long"][2] + " one")
    assert any("longer than any training input" in i.value for i in at.info)
    assert len(at.metric) == 2


def test_a_link_longer_than_the_text_box_is_cut_with_a_notice():
    at = run_page(text="one " * 60)  # 240 characters; run_page asserts no exception
    assert at.text_area(key="seq2seq.text").value == ("one " * 60)[:MAX_SOURCE_CHARS]
    assert any("240 characters" in w.value and f"first {MAX_SOURCE_CHARS}" in w.value for w in at.warning)
    assert len(at.metric) == 2 and at.caption[0].value == "No right answer known for this input."


def test_rare_in_training_lengths_are_flagged():
    text = EXAMPLES["long"][0]
    assert COMMON_SOURCE_CHARS < len(text) <= 100
    at = run_page(text=text)
    notes = [i.value for i in at.info if "rare in training" in i.value]
    assert notes and f"only {rare_training_share():.0%} of training inputs" in notes[0]
    assert not [i for i in run_page(text="forty-two").info if "rare in training" in i.value]


def test_step_and_text_restored_from_the_url():
    at = run_page(text="three hundred five", step="2")
    assert at.slider(key="seq2seq.step").value == 2
    assert any("Step 2 writes **5**" in m.value for m in at.markdown)


def test_heatmap_hides_the_steps_not_yet_written():
    at = run_page(text="three hundred five", step="1")
    alignment = charts(at)["alignment"]
    assert alignment["layout"]["yaxis"]["ticktext"] == ["3", "0", "", ""]  # "305" and END
    z = values(alignment["data"][0]["z"])
    assert np.isnan(z[2:]).all() and not np.isnan(z[:2]).any()


@pytest.mark.parametrize("text, step", [("three hundred five", 2), (EXAMPLES["long"][0], 4)])
def test_the_step_view_shows_each_models_top_candidates(shipped, text, step):
    at = run_page(text=text, step=str(step))
    candidates = charts(at)["candidates"]
    assert [a["text"] for a in candidates["layout"]["annotations"]] == [NAMES[kind] for kind in KINDS]
    for kind, bars in zip(KINDS, candidates["data"]):
        expected = translate(shipped[kind], text).top_candidates[step]
        assert bars["y"] == [token if token != END else "end" for token, _ in expected]
        np.testing.assert_allclose(values(bars["x"]), [p for _, p in expected], rtol=1e-6)


def test_the_page_heatmap_of_a_typed_number_is_near_diagonal(shipped):
    text = "four hundred twelve million seven hundred eighty-three thousand five hundred sixty-nine"
    at = run_page(text=text, step="20")  # past the end: the slider stops at the last step
    written = translate(shipped["attention"], text)
    assert "".join(written.output_tokens) == "412783569" + END
    z = values(charts(at)["alignment"]["data"][0]["z"])
    np.testing.assert_allclose(z, written.attention, atol=1e-6)  # every row drawn, and the model's
    assert diagonal_correlation(z, written.output_tokens) > 0.95


def test_the_curve_shows_both_models_your_input_and_the_gap_on_rare_lengths():
    text = EXAMPLES["long"][1]
    curve = charts(run_page(text=text))["curve"]
    lines = {trace["name"]: trace for trace in curve["data"]}
    assert set(lines) == {NAMES[kind] for kind in KINDS}
    for kind in KINDS:
        np.testing.assert_allclose(values(lines[NAMES[kind]]["y"]), [acc for _, _, acc in bottleneck_curves()[kind]])
    marker = curve["layout"]["shapes"][0]
    assert marker["x0"] == marker["x1"] == len(text)
    assert [a["text"] for a in curve["layout"]["annotations"]] == ["your input"]
    # the must-show result, read off the chart itself: attention well ahead where inputs are rare in training
    x = values(lines[NAMES["plain"]]["x"])
    gap = values(lines[NAMES["attention"]]["y"]) - values(lines[NAMES["plain"]]["y"])
    assert (x > COMMON_SOURCE_CHARS).any() and (gap[x > COMMON_SOURCE_CHARS] >= 0.3).all()


def test_learn_panel_links_the_papers_and_states_both_sizes(shipped):
    at = run_page(text="seven")
    learn = next(m.value for m in at.markdown if "context vector" in m.value)
    for arxiv in ("1409.3215", "1406.1078", "1409.0473", "1508.04025"):
        assert f"](https://arxiv.org/abs/{arxiv})" in learn
    for kind in KINDS:
        assert f"{sum(p.numel() for p in shipped[kind].parameters()):,}" in learn


def test_hostile_text_is_not_html():
    at = run_page(text="<img src=x onerror=alert(1)>")
    assert not at.exception
    assert not at.get("html")  # nothing here renders user text as HTML
    assert words_to_number("<img src=x onerror=alert(1)>") is None


def test_the_step_view_says_when_the_plain_model_had_already_stopped(shipped):
    text = "two hundred sixteen million one hundred ninety-four thousand six hundred seventy-one"  # plain drops a digit
    plain, attention = (translate(shipped[kind], text) for kind in KINDS)
    assert len(plain.output_tokens) < len(attention.output_tokens)
    at = run_page(text=text, step=str(len(plain.output_tokens)))
    candidates = charts(at)["candidates"]
    assert [a["text"] for a in candidates["layout"]["annotations"]] == [f"{NAMES['plain']}: stopped earlier",
                                                                         NAMES["attention"]]
    assert len(candidates["data"]) == 1 and candidates["data"][0]["xaxis"] == "x2"
