"""RNN, LSTM and GRU: watch a trained cell's gates and states, step by step."""

import streamlit as st

from components.recurrent_panels import (compare_panel, gates_panel, learn_panel, mappings_panel,
                                         step_panel, units_panel)
from components.routing import ensure_router
from components.url_state import PageState, UrlParam, int_between
from models.cpu_threads import share_cores
from models.gradient_flow import hidden_state_gradient_norms
from models.recurrent_models import CELLS, load_shipped_model, run_with_trace
from models.recurrent_tasks import MAX_STEPS, TASKS
from models.sequence_mappings import one_to_many

CELL_NAMES = {"lstm": "LSTM", "gru": "GRU", "rnn": "plain RNN"}
DEFAULT_TASK = "brackets"
STATE = PageState("recurrent", [
    UrlParam("task", DEFAULT_TASK, choices=tuple(TASKS)),
    UrlParam("cell", "lstm", choices=CELLS),
    UrlParam("text", TASKS[DEFAULT_TASK].examples[0]),
    UrlParam("unit", 0, int_between(0, 4095)),
    UrlParam("step", 0, int_between(0, MAX_STEPS)),
])


@st.cache_resource(show_spinner="Loading the trained model…")
def shared_model(task: str, cell: str):
    share_cores()
    return load_shipped_model(task, cell)  # shared by every session, used read-only


@st.cache_data(max_entries=256, show_spinner=False)
def traced(task: str, cell: str, text: str):
    return run_with_trace(shared_model(task, cell), TASKS[task], text)


@st.cache_data(max_entries=64, show_spinner="Following the gradient back through time…")
def gradient_norms(text: str):
    # Shown on the text models: a bracket counter that returns to depth 0 resets its own
    # memory, so its gradients say little about how far back each cell can remember.
    return {cell: hidden_state_gradient_norms(shared_model("text", cell), TASKS["text"], text) for cell in CELLS}


@st.cache_data(max_entries=64, show_spinner=False)
def generated(first: str, length: int):
    return one_to_many(shared_model("text", "lstm"), TASKS["text"], first, length)


def use_example() -> None:
    STATE.set("text", st.session_state["recurrent.example"])
    STATE.set("step", 0)
    st.session_state["recurrent.example"] = None  # back to the placeholder, so picking the same example loads it again


def is_a_sample(text: str) -> bool:
    """Whether `text` is one of the page's own examples (of any task), not something the student typed."""
    return any(text in task.examples for task in TASKS.values())


def switch_task() -> None:
    # a sample of the other task means nothing to this task's model; the student's own text stays
    if is_a_sample(STATE.value("text")):
        STATE.set("text", TASKS[STATE.value("task")].examples[0])
        STATE.set("step", 0)


def open_linked_task() -> None:
    """A link that names a task but no text opens on that task's first example (the URL default is a bracket one)."""
    if "recurrent.opened" in st.session_state:
        return
    st.session_state["recurrent.opened"] = True
    if "text" not in st.query_params:
        STATE.set("text", TASKS[STATE.value("task")].examples[0])


def recurrent_page() -> None:
    ensure_router()
    STATE.restore()
    open_linked_task()
    st.title("🔁 RNN, LSTM & GRU")
    learn_panel()
    left, right = st.columns(2)
    left.selectbox("Task", tuple(TASKS), key=STATE.key("task"), format_func=lambda k: TASKS[k].title,
                  on_change=switch_task)
    right.segmented_control("Cell", CELLS, key=STATE.key("cell"), format_func=CELL_NAMES.get,
                            required=True)
    task_name, cell = STATE.value("task"), STATE.value("cell")
    task = TASKS[task_name]
    st.selectbox("Try an example", task.examples, index=None, key="recurrent.example",
                 placeholder="Pick an example…", on_change=use_example)
    text = st.text_area("Sequence", key=STATE.key("text"), height=80,
                        help=f"Characters the model knows: {task.vocabulary[1:]!r}. Others are marked.")
    try:
        run = traced(task_name, cell, text)
    except ValueError as problem:  # empty input: say what to do
        st.info(str(problem))
        STATE.sync()
        return
    if run.truncated:
        st.warning(f"The input is longer than {MAX_STEPS} characters: only the first {MAX_STEPS} are run.")
    if any(run.unknown):
        st.warning(f"{sum(run.unknown)} character(s) are not in this model's vocabulary: they are "
                   "read as the unknown symbol � and marked in red in the heatmaps and under Step through.")
    # Only the open tab runs (the others cost nothing), and the URL says which one is open.
    gates, steps, units, compare, mappings = st.tabs(
        ["Gates & states", "Step through", "Find units", "LSTM vs GRU vs RNN", "Four mappings"],
        key="tab", bind="query-params")
    if gates.open:
        with gates:
            gates_panel(run, CELL_NAMES[cell])
    if steps.open:
        with steps:
            step_panel(run, task, STATE)
    if units.open:
        with units:
            units_panel(run, task, STATE)
    if compare.open:
        with compare:
            compare_panel({c: traced(task_name, c, text) for c in CELLS}, CELL_NAMES, gradient_norms,
                          run.text if task_name == "text" else TASKS["text"].examples[0], task)
    if mappings.open:
        with mappings:
            mappings_panel(traced, generated)
    STATE.sync()


recurrent_page()
