"""The fine-tuning lab through AppTest: presets, counts, a real job, uploads, runs kept and compared."""

import time

import pytest
from streamlit.testing.v1 import AppTest

from components.finetune_panels import WEIGHTS_KEPT_BYTES
from components.markdown_literal import markdown_literal
from models.finetune import ENCODER_BLOCKS, PRESETS, TRANSFER_LEARNING, freeze_bottom
from models.job_queue import heavy_job_queue
from tests.pages.runner import run_page as run_in_app_test


def run_page(**query):
    return run_in_app_test("finetune.py", **query)


def metrics(at):
    return {m.label: m.value for m in at.metric}


def wait_for_job(at: AppTest, seconds: float = 90) -> AppTest:
    deadline = time.monotonic() + seconds
    while "finetune.job" in at.session_state and time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
    assert "finetune.job" not in at.session_state, "the job did not finish in time"
    assert not at.exception, at.exception
    return at


def run_job(at: AppTest, seconds: float = 90) -> AppTest:
    at.button(key="finetune.run").click().run()
    return wait_for_job(at, seconds)


def wait_for_steps(at: AppTest, steps: int, seconds: float = 90) -> int:
    """Rerun until the running job has reported `steps` steps; the steps it has reported."""
    deadline = time.monotonic() + seconds
    done = 0
    while done < steps and time.monotonic() < deadline:
        time.sleep(0.3)
        at.run()
        done = len(at.session_state["finetune.job"].progress().reports)
    assert done >= steps, f"the job reported {done} steps in {seconds} s"
    return done


def preset(at: AppTest):
    return at.segmented_control(key="finetune.preset").value


TRANSFER = next(name for name, blocks in PRESETS.items() if blocks == TRANSFER_LEARNING)
TOP_2 = "fine-tune the top 2 layers"


def test_presets_set_the_frozen_blocks_and_the_counts_follow():
    at = run_page()
    assert metrics(at)["Trainable parameters"] == "770"  # transfer learning: the head (384 × 2 + 2)
    at.segmented_control(key="finetune.preset").set_value("fine-tune everything").run()
    assert at.pills(key="finetune.frozen").value == []
    assert metrics(at)["Frozen parameters"] == "0"
    at.segmented_control(key="finetune.preset").set_value("fine-tune the top 2 layers").run()
    assert set(at.pills(key="finetune.frozen").value) == set(freeze_bottom(4))
    assert at.query_params["frozen"] == ",".join(b for b in sorted(freeze_bottom(4)))


def test_the_highlighted_preset_follows_the_frozen_blocks():
    at = run_page()
    assert preset(at) == TRANSFER  # the default blocks are transfer learning's
    at.segmented_control(key="finetune.preset").set_value(TOP_2).run()
    assert preset(at) == TOP_2
    at.pills(key="finetune.frozen").set_value(sorted(freeze_bottom(4) - {"layer 0"})).run()
    assert preset(at) is None  # the blocks match no preset any more
    at.pills(key="finetune.frozen").set_value(sorted(freeze_bottom(4))).run()
    assert preset(at) == TOP_2  # back by hand: highlighted again


def test_a_preset_applies_again_after_the_blocks_changed():
    at = run_page()
    at.segmented_control(key="finetune.preset").set_value(TOP_2).run()
    at.pills(key="finetune.frozen").set_value(sorted(freeze_bottom(4) - {"layer 0"})).run()
    at.segmented_control(key="finetune.preset").set_value(TOP_2).run()
    assert set(at.pills(key="finetune.frozen").value) == set(freeze_bottom(4)) and preset(at) == TOP_2
    assert at.query_params["frozen"] == ",".join(sorted(freeze_bottom(4)))


def test_clicking_the_highlighted_preset_keeps_it_and_the_blocks():
    at = run_page(frozen="")
    assert preset(at) == "fine-tune everything"
    at.segmented_control(key="finetune.preset").set_value(None).run()  # what a click on the highlighted one sends
    assert preset(at) == "fine-tune everything" and at.pills(key="finetune.frozen").value == []


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


def test_the_progress_counts_the_running_jobs_steps_not_the_slider():
    at = run_page(steps="30", frozen="")  # a full fine-tune: slow enough to watch
    at.button(key="finetune.run").click().run()
    wait_for_steps(at, 1)
    at.slider(key="finetune.steps").set_value(15).run()
    job_text = [p.proto.text for p in at.get("progress")]
    assert job_text and " of 30 " in job_text[0], job_text
    at.button(key="finetune.stop").click().run()
    wait_for_job(at)


def test_a_stopped_run_says_where_it_stopped():
    at = run_page(steps="200", frozen="")
    at.button(key="finetune.run").click().run()
    wait_for_steps(at, 2)
    at.button(key="finetune.stop").click().run()
    wait_for_job(at)
    result = at.session_state["finetune.runs"][0].result
    assert result.stopped == "callback" and 2 <= result.steps_done < 10
    assert any(f"Stopped by you at step {result.steps_done} of 200" in w.value for w in at.warning)
    # No held-out check before step 10: the chart's caption says why that curve is empty.
    assert any("No held-out accuracy" in c.value and f"step {result.steps_done}" in c.value for c in at.caption)
    runs_table = next(d.value for d in at.dataframe if "ended" in d.value.columns)
    assert list(runs_table["ended"]) == ["stopped by you"]


def test_a_run_that_does_all_steps_shows_no_stop_notice():
    at = run_job(run_page(steps="10"))
    assert not at.warning and not any("No held-out accuracy" in c.value for c in at.caption)


def test_stopping_a_queued_job_says_it_was_cancelled():
    queue = heavy_job_queue()
    ahead = queue.join("someone else's job")
    with queue.running(ahead):  # the queue is busy: the page's job waits in line
        at = run_page(steps="10")
        at.button(key="finetune.run").click().run()
        assert any("in line" in i.value for i in at.info)
        at.button(key="finetune.stop").click().run()
        wait_for_job(at, seconds=10)
    assert any(i.value == "Your queued job was cancelled." for i in at.info)
    assert "finetune.runs" not in at.session_state  # it never ran: no run to show


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


GOOD_CSV = ("text,label\n" + "\n".join(f"{word} thing number {i},{label}" for i in range(30) for word, label in
                                     (("happy", "joy"), ("sad", "gloom")))).encode()


def test_an_upload_survives_switching_the_data_away_and_back():
    at = upload(GOOD_CSV)
    at.radio(key="finetune.data").set_value("shipped").run()
    at.radio(key="finetune.data").set_value("upload").run()
    assert any(f"Using {markdown_literal('mine.csv')}: upload another" in c.value for c in at.caption)
    assert any("joy" in c.value and "gloom" in c.value for c in at.caption)
    assert at.get("graphviz_chart") and not at.button(key="finetune.run").disabled


def test_a_bad_upload_keeps_the_frozen_blocks():
    at = upload(GOOD_CSV)
    at.pills(key="finetune.frozen").set_value(sorted(freeze_bottom(4))).run()
    for _ in range(2):
        at.file_uploader(key="finetune.upload").set_value(("bad.csv", b"words,stars\nnice,5\n", "text/csv")).run()
        assert at.error and at.button(key="finetune.run").disabled
        assert set(at.pills(key="finetune.frozen").value) == set(freeze_bottom(4))
        assert at.query_params["frozen"] == ",".join(sorted(freeze_bottom(4)))
        at.file_uploader(key="finetune.upload").set_value(("mine.csv", GOOD_CSV, "text/csv")).run()
        assert set(at.pills(key="finetune.frozen").value) == set(freeze_bottom(4))
        assert at.query_params["frozen"] == ",".join(sorted(freeze_bottom(4)))


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
