"""GAN lab: a generator against a discriminator, trained live, from 2D points to 8x8 digits."""

from dataclasses import replace

import streamlit as st

from components.gan_panels import training_fragment
from components.gan_views import arena_figure, digits_figure, losses_figure
from components.routing import ensure_router
from components.url_state import PageState, UrlParam, int_between, keep_widget, restore_widget, set_widget
from models.cpu_threads import share_cores
from models.gan_data import DISTRIBUTIONS, mode_coverage, points_from_csv, user_points
from models.gan_training import PRESETS, tile_digits, trainer_for

POINT_PRESETS = [name for name, p in PRESETS.items() if p.data == "ring"][:2]
DATA = [*DISTRIBUTIONS, "yours"]
RATES = [1e-4, 3e-4, 1e-3, 2e-3, 5e-3, 1e-2]
LIMITS = {"points": (50, 20_000), "digits": (40, 6_000)}  # steps per tick, most steps per run
STATE = PageState("gan", [
    UrlParam("data", "ring", choices=DATA),
    UrlParam("preset", POINT_PRESETS[0], choices=POINT_PRESETS),
    UrlParam("seed", 0, int_between(0, 10_000)),
    UrlParam("g_lr", PRESETS[POINT_PRESETS[0]].config.hyper.g_learning_rate, float, choices=RATES),
    UrlParam("d_lr", PRESETS[POINT_PRESETS[0]].config.hyper.d_learning_rate, float, choices=RATES),
    UrlParam("d_steps", 1, int_between(1, 5)),
    UrlParam("noise", 2, int_between(1, 16), choices=[1, 2, 4, 8, 16]),
])
CONFIG = {"displaylogo": False}


def use_preset() -> None:
    hyper = PRESETS[STATE.value("preset")].config.hyper
    STATE.set("g_lr", hyper.g_learning_rate)
    STATE.set("d_lr", hyper.d_learning_rate)
    STATE.set("d_steps", hyper.d_steps)
    reset_points()


def reset_points() -> None:
    st.session_state.pop("gan.points", None)
    set_running("points", False)


def learn_panel() -> None:
    with st.expander("Learn: generator, discriminator, and mode collapse"):
        st.markdown(
            "- A **generative adversarial network** (Goodfellow et al., 2014) is two networks in a game. The "
            "**generator** G turns random noise z into samples; the **discriminator** D scores how real a "
            "sample looks (D(x) near 1: real).\n"
            "- Each step, D learns to tell real samples from G's, then G learns to make D call its samples "
            "real. The background colour is D's score over the plane; the arrows show where G's next step "
            "pushes each of its samples: uphill on D's score.\n"
            "- When it works, G's samples spread over the real data. **Mode collapse**: G finds one output that "
            "fools D and sends every z there; D learns to reject it and G jumps to another single spot. The "
            "two ring presets show both.\n"
            "- The same game on images: on 8x8 handwritten digits, G learns strokes, then digit shapes. Walking "
            "in a straight line between two noise vectors morphs one generated digit into another.")


def points_trainer():
    if "gan.points" not in st.session_state:
        data_name = STATE.value("data")
        data = st.session_state.get("gan.user-points") if data_name == "yours" else DISTRIBUTIONS[data_name]
        if data is None:
            return None
        share_cores()
        preset = PRESETS[STATE.value("preset")]
        sized = replace(preset, config=replace(preset.config, model=replace(preset.config.model,
                                                                            noise_size=STATE.value("noise"))))
        st.session_state["gan.points"] = trainer_for(sized, data=data, seed=STATE.value("seed"))
    trainer = st.session_state["gan.points"]
    trainer.set_hyperparameters(g_learning_rate=STATE.value("g_lr"), d_learning_rate=STATE.value("d_lr"),
                                d_steps=STATE.value("d_steps"))  # takes effect from the next step
    return trainer


def user_points_panel() -> None:
    file = st.file_uploader("Your points: a CSV of x,y rows (20 to 5,000)", type=["csv"], key="gan.upload",
                            on_change=reset_points)
    if file is None:
        st.info("Upload a CSV with two numeric columns, x and y; the points are scaled into the arena.")
        return
    try:
        st.session_state["gan.user-points"] = user_points(points_from_csv(file.getvalue()))
    except ValueError as problem:
        st.session_state.pop("gan.user-points", None)
        st.error(f"Those points cannot be used: {problem}")


def draw_points(trainer) -> None:
    snapshot = trainer.snapshot(grid_size=60)
    st.plotly_chart(arena_figure(snapshot.real, snapshot.fake, snapshot.fake_push, snapshot.grid,
                                 snapshot.d_surface), config=CONFIG, key="gan.arena")
    summary = f"Step {snapshot.step:,}."
    if trainer.data.modes is not None:
        coverage = mode_coverage(snapshot.fake, trainer.data)
        summary += (f" Modes covered: **{coverage.modes_covered} of {coverage.modes}**; "
                    f"{coverage.good_share:.0%} of the generated samples sit on a mode.")
    st.markdown(summary)
    if snapshot.step:
        st.plotly_chart(losses_figure(snapshot.history), config=CONFIG, key="gan.losses")


def set_running(kind: str, running: bool) -> None:
    """Switch Train live from code (call before its toggle is drawn)."""
    set_widget(f"gan.{kind}-running", running)


def controls(kind: str, trainer, reset) -> None:
    # A toggle, not a button: its value survives a click that lands while a training tick is running.
    running_key = f"gan.{kind}-running"
    # Kept: Streamlit forgets a toggle a run does not draw (another page, the other tab), which switched
    # Train live off behind the student's back; training resumes on return.
    restore_widget(running_key, False)
    run, one, hundred, again = st.columns(4)
    run.toggle("Train live", key=running_key, help="Trains a slice of steps every fraction of a second; "
                                                   "you can change the settings while it runs.")
    keep_widget(running_key)
    running = st.session_state[running_key]
    if one.button("One step", key=f"gan.{kind}-one", disabled=running, width="stretch"):
        trainer.train(1)
    if hundred.button("100 steps", key=f"gan.{kind}-hundred", disabled=running, width="stretch"):
        trainer.train(100)
    again.button("Reset", key=f"gan.{kind}-reset", on_click=reset, width="stretch")


def points_tab() -> None:
    left, right = st.columns([1, 2])
    with left:
        st.selectbox("Real data", DATA, key=STATE.key("data"), on_change=reset_points,
                     format_func=lambda d: "your points" if d == "yours" else d)
        if STATE.value("data") == "yours":
            user_points_panel()
        st.selectbox("Preset", POINT_PRESETS, key=STATE.key("preset"), on_change=use_preset)
        st.caption(PRESETS[STATE.value("preset")].explanation)
        st.select_slider("Generator learning rate", RATES, key=STATE.key("g_lr"))
        st.select_slider("Discriminator learning rate", RATES, key=STATE.key("d_lr"))
        st.slider("Discriminator steps per generator step", 1, 5, key=STATE.key("d_steps"))
        st.segmented_control("Noise size (z)", [1, 2, 4, 8, 16], key=STATE.key("noise"), required=True,
                             on_change=reset_points,
                             help="How many random numbers the generator starts from. It sets the network's "
                                  "shape, so changing it starts a new GAN.")
        st.number_input("Seed", 0, 10_000, key=STATE.key("seed"), on_change=reset_points,
                        help="The same seed and settings train the same GAN, step for step.")
    with right:
        trainer = points_trainer()
        if trainer is None:
            return
        controls("points", trainer, reset_points)
        slice_steps, max_steps = LIMITS["points"]
        training_fragment("gan.points-running", "gan.points", slice_steps, max_steps, draw_points)


def reset_digits() -> None:
    st.session_state.pop("gan.digits", None)
    set_running("digits", False)


def draw_digits(trainer) -> None:
    snapshot = trainer.snapshot(n=32)
    generated, real = st.columns(2)
    generated.plotly_chart(digits_figure(tile_digits(snapshot.fake), f"generated, step {snapshot.step:,}"),
                           config=CONFIG, key="gan.fake-digits")
    real.plotly_chart(digits_figure(tile_digits(snapshot.real), "real digits"), config=CONFIG,
                      key="gan.real-digits")
    if snapshot.step:
        st.plotly_chart(losses_figure(snapshot.history), config=CONFIG, key="gan.digit-losses")


def latent_walk(trainer) -> None:
    st.markdown("**A walk through the latent space**: from the noise behind one generated digit to another's.")
    ends = st.columns(3)
    first = ends[0].number_input("From digit", 0, 31, 0, key="gan.walk-from")
    last = ends[1].number_input("To digit", 0, 31, 1, key="gan.walk-to")
    position = ends[2].slider("Where on the way", 0, 10, 5, key="gan.walk-at")
    walk = trainer.interpolate(trainer.view_z(first), trainer.view_z(last), steps=11)
    # The walk is outside the live fragment (its inputs would rerun a training tick on every move), so
    # while training runs it lags the grid above: its title says which generator it shows.
    st.plotly_chart(digits_figure(tile_digits(walk, columns=11),
                                  f"generator at step {trainer.step_count:,}; step {position} of 10 framed",
                                  height=150, framed=position), config=CONFIG, key="gan.walk")
    if st.session_state.get("gan.digits-running"):
        st.caption("While Train live is on, the walk keeps the generator it was drawn with; move a slider "
                   "above or pause to redraw it with the newest one.")


def digits_tab() -> None:
    if "gan.digits" not in st.session_state:
        share_cores()
        with st.spinner("Loading the 8x8 digits…"):
            st.session_state["gan.digits"] = trainer_for(PRESETS["digits"], seed=STATE.value("seed"))
    trainer = st.session_state["gan.digits"]
    st.caption(PRESETS["digits"].explanation)
    controls("digits", trainer, reset_digits)
    slice_steps, max_steps = LIMITS["digits"]
    training_fragment("gan.digits-running", "gan.digits", slice_steps, max_steps, draw_digits)
    latent_walk(trainer)


def gan_page() -> None:
    ensure_router()
    STATE.restore()
    st.title("🎨 GAN lab")
    st.caption("A generator learns to fool a discriminator, live: first on points in a plane, then on digits.")
    learn_panel()
    points, digits = st.tabs(["2D points", "Handwritten digits"], key="tab", bind="query-params")
    if points.open:
        with points:
            points_tab()
    if digits.open:
        with digits:
            digits_tab()
    STATE.sync()


gan_page()
