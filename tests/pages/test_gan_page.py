"""The GAN lab through AppTest: stepping, presets, live hyper-parameters, your points, digits."""

import re

import numpy as np

from models.gan_data import DISTRIBUTIONS, mode_coverage
from tests.pages.runner import chart_specs, run_page as run_in_app_test


def run_page(**query):
    return run_in_app_test("gan.py", **query)


def step_line(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("Step "))


def steps_shown(at) -> int:
    return int(re.match(r"Step ([\d,]+)", step_line(at)).group(1).replace(",", ""))


def test_stepping_trains_and_the_ring_gets_covered():
    at = run_page(seed="3")
    assert steps_shown(at) == 0 and len(at.get("plotly_chart")) == 1  # the arena; no losses yet
    at.button(key="gan.points-one").click().run()
    assert steps_shown(at) == 1 and len(at.get("plotly_chart")) == 2
    for _ in range(10):
        at.button(key="gan.points-hundred").click().run()
    trainer = at.session_state["gan.points"]
    covered = mode_coverage(trainer.snapshot().fake, DISTRIBUTIONS["ring"]).modes_covered
    assert steps_shown(at) == 1001 and covered >= 6 and f"**{covered} of 8**" in step_line(at)


def test_the_collapse_preset_collapses():
    at = run_page(preset="ring: mode collapse", seed="1")
    for _ in range(10):
        at.button(key="gan.points-hundred").click().run()
    assert mode_coverage(at.session_state["gan.points"].snapshot().fake, DISTRIBUTIONS["ring"]).modes_covered <= 2
    assert "ten times faster" in " ".join(c.value for c in at.caption)


def test_hyperparameters_change_while_it_trains():
    at = run_page()
    at.button(key="gan.points-hundred").click().run()
    trainer = at.session_state["gan.points"]
    at.select_slider(key="gan.g_lr").set_value(1e-4).run()
    assert at.session_state["gan.points"] is trainer and trainer.hyper.g_learning_rate == 1e-4
    assert steps_shown(at) == 100  # not reset
    assert at.query_params["g_lr"] == "0.0001"


def test_noise_size_starts_a_new_gan_of_that_shape():
    at = run_page()
    at.button(key="gan.points-hundred").click().run()
    at.segmented_control(key="gan.noise").set_value(8).run()
    trainer = at.session_state["gan.points"]
    assert trainer.config.model.noise_size == 8 and trainer.step_count == 0
    assert trainer.view_noise.shape[1] == 8 and at.query_params["noise"] == "8"


def test_reset_and_a_seed_give_the_same_run_again():
    at = run_page(seed="5")
    at.button(key="gan.points-hundred").click().run()
    first = at.session_state["gan.points"].snapshot().fake
    at.button(key="gan.points-reset").click().run()
    assert steps_shown(at) == 0
    at.button(key="gan.points-hundred").click().run()
    np.testing.assert_array_equal(at.session_state["gan.points"].snapshot().fake, first)


def test_your_points_are_checked_and_used():
    at = run_page(data="yours")
    assert "Upload a CSV" in at.info[0].value
    at.file_uploader(key="gan.upload").set_value(("few.csv", b"1,2\n3,4\n", "text/csv")).run()
    assert "cannot be used" in at.error[0].value and "20" in at.error[0].value
    assert "more rows to the CSV" in at.error[0].value and "Draw" not in at.error[0].value  # no drawing tool
    rows = "\n".join(f"{np.cos(t):.3f},{np.sin(2 * t):.3f}" for t in np.linspace(0, 6.2, 200))
    at.file_uploader(key="gan.upload").set_value(("eight.csv", ("x,y\n" + rows).encode(), "text/csv")).run()
    assert not at.exception and not at.error
    at.button(key="gan.points-hundred").click().run()
    assert steps_shown(at) == 100 and "Modes covered" not in step_line(at)


def test_digits_train_and_walk_through_the_latent_space():
    at = run_page(tab="Handwritten digits")
    assert len(at.get("plotly_chart")) == 3  # generated, real, the walk with its framed step
    assert chart_specs(at)[-1]["layout"]["title"]["text"].startswith("generator at step 0;")
    at.button(key="gan.digits-hundred").click().run()
    assert not at.exception and at.session_state["gan.digits"].step_count == 100
    at.slider(key="gan.walk-at").set_value(10).run()
    trainer = at.session_state["gan.digits"]
    assert chart_specs(at)[-1]["layout"]["title"]["text"].startswith("generator at step 100;")
    np.testing.assert_allclose(trainer.interpolate(trainer.view_z(0), trainer.view_z(1), 11)[10],
                               trainer.snapshot(2).fake[1], atol=1e-6)


def test_a_bad_link_falls_back():
    at = run_page(data="nowhere", g_lr="7", d_steps="99", seed="-1")
    assert at.selectbox(key="gan.data").value == "ring" and at.slider(key="gan.d_steps").value == 1


def test_train_live_takes_a_slice_per_tick_and_stops_when_switched_off():
    at = run_page()
    at.toggle(key="gan.points-running").set_value(True).run()
    first = steps_shown(at)  # a slice: 50 steps, fewer if they take longer than the tick's time limit
    assert 0 < first <= 50 and at.button(key="gan.points-one").disabled
    at.run()  # the fragment's next tick
    second = steps_shown(at)
    assert first < second <= first + 50
    at.toggle(key="gan.points-running").set_value(False).run()
    at.run()
    assert steps_shown(at) == second and not at.button(key="gan.points-one").disabled


def away_and_back(at):
    """Leave the points tab and come back. Streamlit drops the state of every widget a run does not
    draw, which is what a page switch does to all of this page's widgets."""
    at.session_state["tab"] = "Handwritten digits"  # as a click on the tab sets it
    at.run()
    assert "gan.points-running" not in at.session_state  # dropped, as on a page switch
    at.session_state["tab"] = "2D points"
    return at.run()


def test_train_live_is_still_on_after_the_student_went_away_and_came_back():
    at = run_page()
    at.toggle(key="gan.points-running").set_value(True).run()
    away_and_back(at)
    assert "gan.points-running" in at.session_state  # restored from the kept key, drawn on
    assert at.toggle(key="gan.points-running").value and at.button(key="gan.points-one").disabled
    before = steps_shown(at)
    at.run()  # the next tick trains on
    assert steps_shown(at) > before
    at.button(key="gan.points-reset").click().run()  # Reset switches it off, and off it stays
    away_and_back(at)
    assert not at.toggle(key="gan.points-running").value and steps_shown(at) == 0


def test_charts_give_each_line_its_own_colour_and_each_chart_its_own_legend():
    at = run_page()
    at.button(key="gan.points-hundred").click().run()
    arena, losses = chart_specs(at)
    legend = arena["layout"]["legend"]
    assert legend["yanchor"] == "bottom" and legend["y"] >= 1  # above the plot, off the x axis's ticks
    lines = [t for t in losses["data"] if t["type"] == "scatter"]
    assert [t["name"] for t in lines] == ["D loss", "G loss", "D(real)", "D(generated)"]
    page_colours = [t["marker"]["color"] for t in arena["data"][1:3]] + [t["line"]["color"] for t in lines]
    assert len(set(page_colours)) == len(page_colours) - 2  # real and generated keep their arena colours...
    assert len({t["line"]["color"] for t in lines}) == 4  # ...and no two loss lines look alike
    for trace in lines:  # the left chart's lines in the first legend, the right chart's in the second
        assert trace.get("legend", "legend") == ("legend" if trace.get("xaxis", "x") == "x" else "legend2")
    left, right = losses["layout"]["legend"], losses["layout"]["legend2"]
    assert left["x"] < 0.5 <= right["x"]
