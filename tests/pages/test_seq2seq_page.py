"""The encoder-decoder page through AppTest: both answers, bad input, URL state."""

from models.seq2seq_tasks import EXAMPLES, MAX_SOURCE_CHARS
from tests.pages.runner import run_page as run_in_app_test


def run_page(**query):
    return run_in_app_test("seq2seq.py", **query)


def test_both_models_answer_a_long_number():
    at = run_page(text=EXAMPLES["long"][0])
    answers = {m.label: m.value for m in at.metric}
    assert answers["With attention"] == "987654321"
    assert answers["Plain encoder-decoder"] != "987654321"  # the bottleneck at work
    assert len(at.get("plotly_chart")) == 4  # alignment, curve, two context heatmaps


def test_short_number_both_right():
    at = run_page(text="forty-two")
    assert [m.value for m in at.metric] == ["42", "42"]
    assert all("✅" in c.value for c in at.caption[:2])


def test_empty_input():
    at = run_page()
    at.text_area(key="seq2seq.text").set_value("").run()
    assert not at.exception and "forty-two" in at.info[0].value


def test_unknown_characters_say_what_is_accepted():
    at = run_page(text="forty-two!")
    assert "Not in the models' alphabet: '!'" in at.warning[0].value


def test_longer_than_training_still_runs():
    at = run_page(text=EXAMPLES["long"][2] + " one")
    assert any("longer than any training input" in i.value for i in at.info)
    assert len(at.metric) == 2


def test_step_and_text_restored_from_the_url():
    at = run_page(text="three hundred five", step="2")
    assert at.slider(key="seq2seq.step").value == 2
    assert "Step 2 writes **5**" in at.markdown[-1].value or any("Step 2 writes" in m.value for m in at.markdown)


def test_hostile_text_is_not_html():
    at = run_page(text="<img src=x onerror=alert(1)>")
    assert not at.exception
    assert not at.get("html")  # nothing here renders user text as HTML
