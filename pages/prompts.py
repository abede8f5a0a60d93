"""Prompt playground: type a prompt, watch a language model answer token by token."""

import streamlit as st

from components.chat_panel import chat_panel
from components.hosted_panel import hosted_panel
from components.model_loading import model_caption, ready
from components.prompt_panels import (Answer, answer_summary, settings_panel, step_inspector, stream_answer,
                                      window_gauge)
from components.prompt_views import show_answer
from components.routing import ensure_router
from components.url_state import PageState, UrlParam, flag, float_between, int_between
from models.generation import max_positions
from models.hub import needs_download
from models.prompt_tasks import TASKS, preset_prompt, task
from models.prompting import prepare_chat, prepare_completion
from models.registry import PROJECT_DECODER, model_spec, specs_for

MODELS = [spec.repo_id for spec in specs_for("prompts")]
MAX_PROMPT_CHARS = 20_000
STATE = PageState("prompts", [
    UrlParam("model", PROJECT_DECODER, choices=MODELS),
    UrlParam("task", TASKS[0].name, choices=[t.name for t in TASKS]),
    UrlParam("prompt", preset_prompt(TASKS[0], model_spec(PROJECT_DECODER))),
    UrlParam("sample", False, flag),
    UrlParam("temperature", 1.0, float_between(0.1, 2.0)),
    UrlParam("top_k", 0, int_between(0, 500)),
    UrlParam("top_p", 1.0, float_between(0.05, 1.0)),
    UrlParam("max_new", 40, int_between(1, 200)),
    UrlParam("seed", 0, int_between(0, 2**31 - 1)),
])


def use_model(repo_id: str) -> None:
    STATE.set("model", repo_id)


def use_task() -> None:
    STATE.set("prompt", preset_prompt(task(STATE.value("task")), model_spec(STATE.value("model"))))


def learn_panel() -> None:
    with st.expander("Learn: how a language model answers, and what the settings do"):
        st.markdown(
            "- A language model reads the prompt as tokens and gives every token of its vocabulary a "
            "probability of coming next. It writes one token, appends it, and asks again: the answer grows "
            "**token by token** (autoregressive decoding).\n"
            "- **Greedy** takes the likeliest token each time: the same prompt always gives the same answer, "
            "often repetitive. **Sampling** draws a token at random by its probability.\n"
            "- **Temperature** divides the scores before the softmax: low makes the likeliest tokens likelier "
            "(safe, dull), high evens things out (surprising, then nonsense). **Top-k** keeps the k likeliest "
            "tokens; **top-p** (nucleus sampling, Holtzman et al., 2019) keeps the fewest tokens that add up to "
            "p of the probability.\n"
            "- The **seed** fixes the random draws: same prompt, settings and seed, same answer.\n"
            "- Prompt and answer share the **context window**: what does not fit is cut before the model "
            "sees it.\n"
            "- One model, many tasks: classification, generation, chat, summarization, translation and code "
            "are all *text in, text out*, set up by the prompt (Radford et al., 2019, *Language Models are "
            "Unsupervised Multitask Learners*). Chat models were fine-tuned on conversations and read them "
            "through a **chat template** with special tokens.")


def prompt_box() -> str:
    preset = task(STATE.value("task"))
    st.selectbox("Task", [t.name for t in TASKS], key=STATE.key("task"), on_change=use_task,
                 help="Puts a prompt for this task, suited to the chosen model, in the box below.")
    st.caption(preset.note)
    return st.text_area("Prompt", key=STATE.key("prompt"), height=130, max_chars=MAX_PROMPT_CHARS)


def prepared_prompt(loaded, prompt: str, settings):
    window = min(loaded.spec.context_length, max_positions(loaded.model))
    if loaded.spec.chat:  # an instruction goes in as one user turn, through the chat template
        return prepare_chat(loaded.tokenizer, [{"role": "user", "content": prompt}], window, settings.max_new_tokens)
    return prepare_completion(loaded.tokenizer, prompt, window, settings.max_new_tokens)


def generate(loaded, prompt: str, settings, target=None) -> Answer:
    prepared = prepared_prompt(loaded, prompt, settings)
    shown = loaded.tokenizer.decode(prepared.ids) if prepared.cut_tokens or loaded.spec.chat else prompt
    return stream_answer(loaded, prepared, shown, settings, target)


def answer_tab(loaded, prompt: str, settings) -> None:
    spec = loaded.spec
    if st.button("Generate", type="primary", key="prompts.generate", icon=":material/play_arrow:"):
        if not prompt.strip():
            st.warning("Type a prompt first, or pick a task to get one.")
        else:
            st.session_state["prompts.answer"] = generate(loaded, prompt, settings)
    answer: Answer | None = st.session_state.get("prompts.answer")
    if answer is None or answer.model != spec.repo_id:
        st.info("Press **Generate**: the answer appears token by token, each coloured by its probability.")
        return
    if answer.prepared.cut_tokens:
        st.warning(f"The prompt was {answer.prepared.cut_tokens} tokens too long for the "
                   f"{answer.prepared.window}-token window of {spec.label} beside {answer.settings.max_new_tokens} "
                   "new tokens: its start was cut (shown in grey is what the model read).")
    st.caption(answer_summary(answer))
    step_inspector(answer, settings, "prompts.inspect")
    with st.expander("Prompt and answer in the context window"):
        window_gauge(answer.prepared, len(answer.steps))


def compare_tab(prompt: str, settings) -> None:
    chosen = st.multiselect("Models", MODELS, default=[PROJECT_DECODER], max_selections=3, key="prompts.compare",
                            format_func=lambda r: model_spec(r).label,
                            help="The same prompt and settings for each; hub models download once.")
    run = st.button("Generate with each", type="primary", key="prompts.compare-run", disabled=not chosen)
    if run and not prompt.strip():
        st.warning("Type a prompt first, or pick a task to get one.")
        run = False
    answers: dict = st.session_state.setdefault("prompts.compare-answers", {})
    for column, repo_id in zip(st.columns(max(len(chosen), 1)), chosen):
        with column:
            st.markdown(f"**{model_spec(repo_id).label}**")
            if run:
                loaded = ready(repo_id, "prompts", None)
                answers[repo_id] = generate(loaded, prompt, settings) if loaded is not None else None
            answer = answers.get(repo_id)
            if answer is not None:
                show_answer(answer.prompt, answer.steps)
                st.caption(answer_summary(answer))


def chat_tab(repo_id: str, settings) -> None:
    spec = model_spec(repo_id)
    if not spec.chat:
        chat_models = [s for s in specs_for("prompts") if s.chat]
        st.info(f"{spec.label} is not a chat model: it only continues text. Chat needs a model fine-tuned on "
                f"conversations, such as {', '.join(s.label for s in chat_models)} (downloaded once, online). "
                "Offline, try the Chat task under Answer: a plain model imitates a dialogue, and that shows the "
                "difference.")
        for other in chat_models:
            # Offline and not in the hub cache it cannot load: say so instead of offering a dead end.
            missing = needs_download(other)
            st.button(f"Use {other.label}" + (" (needs a download)" if missing else ""),
                      key=f"prompts.chat-use.{other.repo_id}", on_click=use_model, args=(other.repo_id,),
                      disabled=missing, help="This machine is offline and the model's files are not here: "
                      "run the app online once to download them." if missing else None)
        return
    loaded = ready(repo_id, "prompts", use_model)
    if loaded is not None:
        chat_panel(loaded, settings)


def prompts_page() -> None:
    ensure_router()
    STATE.restore()
    st.title("💬 Prompt playground")
    st.caption("Type a prompt and watch a language model answer, one token at a time, with its probabilities.")
    learn_panel()
    repo_id = st.selectbox("Model", MODELS, key=STATE.key("model"), format_func=lambda r: model_spec(r).label)
    model_caption(model_spec(repo_id))
    settings = settings_panel(STATE)
    prompt = prompt_box()
    answer, compare, chat, hosted = st.tabs(["Answer", "Side by side", "Chat", "Hosted API"], key="tab",
                                            bind="query-params")
    if answer.open:
        with answer:
            loaded = ready(repo_id, "prompts", use_model)
            if loaded is not None:
                answer_tab(loaded, prompt, settings)
    if compare.open:
        with compare:
            compare_tab(prompt, settings)
    if chat.open:
        with chat:
            chat_tab(repo_id, settings)
    if hosted.open:
        with hosted:
            hosted_panel(prompt, settings)
    STATE.sync()


prompts_page()
