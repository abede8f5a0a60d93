"""Fine-tuning lab: freeze or train each block of a pre-trained model, run the job, compare the runs."""

import uuid

import pandas as pd
import streamlit as st

from components.finetune_panels import JOB, JOB_CONFIG, RUNS, comparison_panel, job_panel, preset_of, result_panel
from components.finetune_views import model_diagram
from components.markdown_literal import markdown_literal
from components.model_loading import shared_transformer
from components.routing import ensure_router
from components.session_liveness import session_alive
from components.url_state import PageState, UrlParam, int_between, listed
from models.background_job import BackgroundJob
from models.finetune import BLOCKS, ENCODER_BLOCKS, PRESETS, TRANSFER_LEARNING, FinetuneConfig, parameter_counts, \
    predict, run_finetune
from models.job_queue import heavy_job_queue
from models.labelled_data import UPLOAD_LIMITS, LabelledData, load_labelled_csv, shipped_reviews
from models.registry import PACKAGED_ENCODER

MAX_SECONDS = 60.0  # a job never holds the server longer
PRESET = "finetune.preset"
# The last upload that parsed, as (file name, bytes): Streamlit drops the uploader's file when the
# "Data" choice hides it, so this brings it back. At most UPLOAD_LIMITS.max_bytes (2 MB).
KEPT_UPLOAD = "finetune.kept-upload"
STATE = PageState("finetune", [
    UrlParam("frozen", sorted(TRANSFER_LEARNING), listed, choices=ENCODER_BLOCKS),
    UrlParam("steps", 60, int_between(10, 300)),
    UrlParam("data", "shipped", choices=["shipped", "upload"]),
])


@st.cache_data(max_entries=8, show_spinner=False)
def uploaded(data: bytes) -> LabelledData:
    return load_labelled_csv(data)


def use_preset() -> None:
    chosen = st.session_state.get(PRESET)
    if chosen in PRESETS:
        STATE.set("frozen", [b for b in ENCODER_BLOCKS if b in PRESETS[chosen]])


def learn_panel() -> None:
    with st.expander("Learn: transfer learning, fine-tuning, and freezing layers"):
        st.markdown(
            "- A **pre-trained** model (here all-MiniLM-L6-v2, a 6-layer BERT encoder) already turns a sentence "
            "into useful vectors. A new task needs only a small **head** on top: a linear layer from the "
            "sentence vector to the labels.\n"
            "- **Transfer learning**: freeze every pre-trained block and train the head alone. It is fast (the "
            "encoder's outputs can be computed once) and needs little data, but the features stay as they were.\n"
            "- **Fine-tuning**: let some or all pre-trained blocks learn too, with a small learning rate. It "
            "adapts the features to the task: usually more accurate, but slower, and with little data it can "
            "forget what it knew (*catastrophic forgetting*).\n"
            "- **Freezing the bottom layers** is the middle way: lower layers hold general features (words, "
            "syntax), upper ones more task-specific ones (Howard & Ruder, 2018, *ULMFiT*; Devlin et al., 2019, "
            "*BERT*).\n"
            "- A frozen block's weights do not move at all: the chart after each run shows exactly 0 for them.\n"
            "- When the **embeddings** learn, only the rows of the tokens that occur in the training texts can "
            "move: a word the data never shows gets no gradient. (So the job copies and trains just those rows, "
            "which saves the server ~190 MB.)")


def data_panel() -> LabelledData | None:
    source = st.radio("Data", ["shipped", "upload"], key=STATE.key("data"), horizontal=True,
                      format_func={"shipped": "Reviews shipped with the app",
                                   "upload": "Upload a CSV (text and label columns)"}.get)
    data = shipped_reviews() if source == "shipped" else uploaded_data()
    if data is None:
        return None
    counts = data.counts()
    st.caption(f"{data.source}: {sum(counts['train'].values())} training and {sum(counts['test'].values())} test "
               f"examples; labels " + ", ".join(f"{name} ({counts['train'][name]} + {counts['test'][name]})"
                                                for name in data.classes)
               + (f"; {data.skipped_rows} empty rows skipped." if data.skipped_rows else "."))
    with st.expander("A few examples"):
        st.dataframe(pd.DataFrame({"text": data.train_texts[:8], "label": [data.classes[i] for i in
                                                                             data.train_labels[:8]]}),
                     hide_index=True, width="stretch")
    return data


def uploaded_data() -> LabelledData | None:
    """The CSV in the uploader, else the last one that parsed; None (with a message) when there is none."""
    file = st.file_uploader("Your CSV", type=["csv"], key="finetune.upload",
                            help=f"A text column and a label column; at most {UPLOAD_LIMITS.max_bytes // 10**6} MB "
                                 f"and {UPLOAD_LIMITS.max_rows:,} rows, 2 to 20 labels.")
    if file is not None:
        try:
            data = uploaded(file.getvalue())
        except ValueError as problem:
            st.error(str(problem))
            return None
        st.session_state[KEPT_UPLOAD] = (file.name, file.getvalue())
        return data
    if KEPT_UPLOAD in st.session_state:
        name, content = st.session_state[KEPT_UPLOAD]
        st.caption(f"Using {markdown_literal(name)}: upload another to replace it.")
        return uploaded(content)
    st.info("Upload a CSV with a text column (text, sentence or review) and a label column (label, "
            "sentiment or class); an optional split column says train or test.")
    return None


def blocks_panel() -> frozenset[str]:
    """The preset and the frozen blocks, drawn on every run: a widget left out of a run loses its state."""
    # The highlighted preset follows the blocks (none when they match no preset), so clicking any
    # preset that does not match applies it.
    st.session_state[PRESET] = preset_of(frozenset(STATE.value("frozen")))
    st.segmented_control("Preset", list(PRESETS), key=PRESET, on_change=use_preset,
                         help="Sets the frozen blocks below; change any of them after.")
    chosen = st.pills("Frozen blocks (the head always trains)", ENCODER_BLOCKS, selection_mode="multi",
                      key=STATE.key("frozen"))
    return frozenset(chosen)


def model_panel(base, data: LabelledData, frozen: frozenset[str]) -> None:
    counts = parameter_counts(base, frozen, len(data.classes))
    diagram, numbers = st.columns([1, 1.6])
    diagram.graphviz_chart(model_diagram(BLOCKS, frozen, counts.per_block))
    share = counts.trainable / counts.total
    numbers.metric("Trainable parameters", f"{counts.trainable:,}", help="What the optimizer will change.")
    numbers.metric("Frozen parameters", f"{counts.frozen:,}")
    numbers.metric("Share that trains", f"{share:.3%}" if share < 0.01 else f"{share:.1%}")


def start_job(base, data: LabelledData, frozen: frozenset[str], steps: int) -> None:
    config = FinetuneConfig(frozen=frozen, steps=steps, max_seconds=MAX_SECONDS)
    owner = st.session_state.setdefault("finetune.owner", uuid.uuid4().hex)
    st.session_state[JOB] = BackgroundJob(lambda on_step: run_finetune(base, data, config, on_step),
                                          heavy_job_queue(), owner, alive=session_alive())
    st.session_state[JOB_CONFIG] = config  # the progress bar counts this job's steps, not the slider's
    st.session_state["finetune.job-data"] = data.source.split(":")[0]


def try_panel(base, runs) -> None:
    text = st.text_input("Try the models: type a sentence", "The battery died after a week, what a shame.",
                         key="finetune.try", max_chars=500)
    if not text.strip():
        return
    rows = []
    for run in runs:
        if run.can_predict:
            label, probability = predict(base, run.result, [text])[0]
            rows.append({"run": run.name, "prediction": label, "probability": probability})
        else:
            rows.append({"run": run.name, "prediction": "(weights dropped to save memory)", "probability": None})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", column_config={
        "probability": st.column_config.ProgressColumn("probability", format="percent", min_value=0, max_value=1)})


def finetune_page() -> None:
    ensure_router()
    STATE.restore()
    st.title("🎛️ Transfer learning & fine-tuning")
    st.caption("Freeze or train each block of a pre-trained model, run a short job, and compare the runs.")
    learn_panel()
    with st.spinner("Loading the pre-trained model…"):
        base = shared_transformer(PACKAGED_ENCODER)
    # No early return below: every widget is drawn on every run, so none loses its state (and the URL
    # never gets a default in place of what was chosen) while there is no usable data.
    data = data_panel()
    frozen = blocks_panel()
    if data is not None:
        model_panel(base, data, frozen)
    steps = st.slider("Training steps (batches of 16)", 10, 300, key=STATE.key("steps"),
                      help=f"A job also stops after {MAX_SECONDS:.0f} seconds.")
    busy = st.session_state.get(JOB) is not None
    if st.button("Run", type="primary", key="finetune.run", disabled=busy or data is None,
                 icon=":material/play_arrow:", help=None if data is not None else "Choose some data first."):
        start_job(base, data, frozen, steps)
    if "finetune.error" in st.session_state:
        st.error(st.session_state.pop("finetune.error"))
    if "finetune.notice" in st.session_state:
        st.info(st.session_state.pop("finetune.notice"), icon=":material/info:")
    job_panel()
    runs = st.session_state.get(RUNS, [])
    if runs:
        st.subheader(f"Last run: {runs[-1].name}")
        result_panel(runs[-1])
        st.subheader("All runs")
        comparison_panel(runs)
        try_panel(base, runs)
    STATE.sync()


finetune_page()
