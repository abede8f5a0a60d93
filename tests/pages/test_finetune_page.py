"""The fine-tuning lab through AppTest: presets, counts, a real job, uploads, runs kept and compared."""

import time

import pytest
from streamlit.testing.v1 import AppTest

from components.finetune_panels import WEIGHTS_KEPT_BYTES
from models.finetune import ENCODER_BLOCKS, freeze_bottom
from tests.pages.runner import run_page as run_in_app_test


def run_page(**query):
    return run_in_app_test("finetune.py", **query)


def metrics(at):
    return {m.label: m.value for m in at.metric}


def run_job(at: AppTest, seconds: float = 90) -> AppTest:
    at.button(key="finetune.run").click().run()
    deadline = time.monotonic() + seconds
    while "finetune.job" in at.session_state and time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
    assert "finetune.job" not in at.session_state, "the job did not finish in time"
    assert not at.exception, at.exception
    return at


def test_presets_set_the_frozen_blocks_and_the_counts_follow():
    at = run_page()
    assert metrics(at)["Trainable parameters"] == "770"  # transfer learning: the head (384 × 2 + 2)
    at.segmented_control(key="finetune.preset").set_value("fine-tune everything").run()
    assert at.pills(key="finetune.frozen").value == []
    assert metrics(at)["Frozen parameters"] == "0"
    at.segmented_control(key="finetune.preset").set_value("fine-tune the top 2 layers").run()
    assert set(at.pills(key="finetune.frozen").value) == set(freeze_bottom(4))
    assert at.query_params["frozen"] == ",".join(b for b in sorted(freeze_bottom(4)))


def test_the_diagram_greys_out_frozen_blocks():
    at = run_page(frozen="embeddings,layer 0")
    dot = at.get("graphviz_chart")[0].proto.spec
    assert dot.count("❄ frozen") == 2 and "layer 1\\n" in dot


def test_a_transfer_learning_job_runs_and_is_kept():
    at = run_job(run_page(steps="20"))
    shown = metrics(at)
    assert shown["Test accuracy"].endswith("%") and float(shown["Test accuracy"][:-1]) > 50
    runs = at.session_state["finetune.runs"]
    assert len(runs) == 1 and runs[0].result.fast_path and runs[0].result.steps_done == 20
    assert runs[0].result.weight_change["layer 3"] == 0.0
    assert len(at.get("plotly_chart")) == 2  # weights moved; curves of all runs
    table = at.dataframe[-1].value
    assert list(table["run"]) == ["Run 1 · transfer learning (train the head only)"]
    assert at.get("download_button")


def test_runs_compare_and_try_the_model():
    at = run_job(run_page(steps="15"))
    at.pills(key="finetune.frozen").set_value(list(freeze_bottom(5))).run()  # train layer 5 too
    run_job(at)
    runs = at.session_state["finetune.runs"]
    assert [r.result.fast_path for r in runs] == [True, False]
    assert runs[1].result.weight_change["layer 5"] > 0 and runs[1].result.weight_change["layer 4"] == 0.0
    runs_table = next(d.value for d in at.dataframe if "run" in d.value.columns and "test accuracy" in d.value.columns)
    assert len(runs_table) == 2
    at.text_input(key="finetune.try").set_value("A wonderful, moving film.").run()
    predictions = at.dataframe[-1].value
    assert len(predictions) == 2 and set(predictions["prediction"]) <= {"positive", "negative"}


def test_a_session_keeps_the_weights_of_its_newest_runs_within_a_budget():
    at = run_job(run_page(steps="10", frozen=""))  # fine-tune everything: ~45 MB of weights a run
    run_job(at)
    runs = at.session_state["finetune.runs"]
    assert [r.result.frozen_parameters for r in runs] == [0, 0]
    assert WEIGHTS_KEPT_BYTES / 2 < runs[1].result.weight_bytes < WEIGHTS_KEPT_BYTES
    assert [r.can_predict for r in runs] == [False, True]
    at.text_input(key="finetune.try").set_value("Dull and far too long.").run()
    predictions = at.dataframe[-1].value
    assert list(predictions["prediction"])[0] == "(weights dropped to save memory)"
    assert list(predictions["prediction"])[1] in {"positive", "negative"}


def upload(content: bytes, name="mine.csv") -> AppTest:
    at = run_page(data="upload")
    assert "Upload a CSV" in at.info[0].value and not at.get("graphviz_chart")
    at.file_uploader(key="finetune.upload").set_value((name, content, "text/csv")).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"words,stars\nnice,5\n", "text column"),
    (b"text,label\n" + b"".join(b"row %d,same\n" % i for i in range(40)), "one label"),
    (b"\xff\xfe\x00bad", "UTF-8"),
])
def test_bad_uploads_say_what_to_fix(content, message):
    at = upload(content)
    assert message.lower() in at.error[0].value.lower() and not at.get("graphviz_chart")


def test_a_good_upload_trains_on_its_labels():
    rows = [f"{word} thing number {i},{label}" for i in range(30)
            for word, label in (("happy", "joy"), ("sad", "gloom"), ("angry", "rage"))]
    at = upload(("text,label\n" + "\n".join(rows)).encode())
    assert any("joy" in c.value and "gloom" in c.value for c in at.caption)
    run_job(at)
    assert at.session_state["finetune.runs"][0].result.classes == ("gloom", "joy", "rage")


def test_nothing_is_lost_on_a_rerun():
    at = run_job(run_page(steps="10"))
    at.run()
    at.run()
    assert len(at.session_state["finetune.runs"]) == 1 and "Test accuracy" in metrics(at)


def test_a_bad_link_falls_back_to_defaults():
    at = run_page(frozen="layer 9,nonsense", steps="100000")
    assert set(at.pills(key="finetune.frozen").value) == set(ENCODER_BLOCKS)
    assert at.slider(key="finetune.steps").value == 60
