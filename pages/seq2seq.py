"""Encoder-decoder and attention: one context vector for everything, then attention."""

import streamlit as st

from components.markdown_literal import markdown_literal
from components.playback import playback
from components.recurrent_views import visible_char
from components.routing import ensure_router
from components.seq2seq_views import (ARCHITECTURES, alignment_figure, bottleneck_figure, candidates_figure,
                                      context_figure)
from components.url_state import PageState, UrlParam, int_between
from models.cpu_threads import share_cores
from models.number_words import unknown_words, words_to_number
from models.seq2seq_metrics import bottleneck_curves, parameter_counts, rare_training_share
from models.seq2seq_models import KINDS, load_shipped_seq2seq, translate
from models.seq2seq_tasks import (ACCEPTS, COMMON_SOURCE_CHARS, EXAMPLES, MAX_SOURCE_CHARS, TRAIN_MAX_SOURCE_CHARS,
                                  END, encode_source)

NAMES = {"plain": "Plain encoder-decoder", "attention": "With attention"}
STATE = PageState("seq2seq", [
    UrlParam("text", EXAMPLES["long"][0]),
    UrlParam("step", 0, int_between(0, 20)),
])
_CONFIG = {"displayModeBar": False}
NAMED_WORDS = 8  # the unknown-words warning names this many, then counts the rest


@st.cache_resource(show_spinner="Loading the trained models…")
def shared_seq2seq(kind: str):
    share_cores()
    return load_shipped_seq2seq(kind)  # shared by every session, used read-only


@st.cache_data(max_entries=256, show_spinner=False)
def translated(kind: str, text: str):
    return translate(shared_seq2seq(kind), text)


def shown(tokens: list[str]) -> list[str]:
    return [t if t != END else "end" for t in tokens]


def use_example() -> None:
    STATE.set("text", st.session_state["seq2seq.example"])
    STATE.set("step", 0)
    st.session_state["seq2seq.example"] = None  # back to the placeholder, so picking the same example loads it again


def learn_panel() -> None:
    parameters = parameter_counts()
    with st.expander("Learn: the fixed-length problem, the context vector, attention"):
        st.markdown(
            "- An aligned recurrent network writes one output per input step, so the output is as long as "
            "the input. Translation needs other lengths: *nine hundred five* has 17 characters, *905* has 3.\n"
            "- The **encoder-decoder** (Sutskever et al., 2014, [*Sequence to Sequence Learning with Neural "
            "Networks*](https://arxiv.org/abs/1409.3215); Cho et al., 2014, [*Learning Phrase Representations "
            "using RNN Encoder-Decoder*](https://arxiv.org/abs/1406.1078)) reads the whole input into one "
            "**context vector**, then a decoder writes an output of any length from it. Everything must fit "
            "in that one vector, and long inputs don't.\n"
            "- **Attention** (Bahdanau, Cho and Bengio, 2014, [*Neural Machine Translation by Jointly Learning "
            "to Align and Translate*](https://arxiv.org/abs/1409.0473); Luong et al., 2015, [*Effective "
            "Approaches to Attention-based Neural Machine Translation*](https://arxiv.org/abs/1508.04025)) "
            "lets every decoding step look back at all encoder states with learned weights that sum to 1. "
            "The weights, step by step, are the **alignment heatmap**.\n"
            f"- Both models here are GRUs of the same size, trained by this project on the same numbers "
            f"(`python -m models.train_seq2seq`): {parameters['plain']:,} parameters for the plain one, "
            f"{parameters['attention']:,} with attention, whose own weights (W_s, W_h, v) make the difference.")


def answer(kind: str, text: str, truth: int | None) -> None:
    digits = "".join(t for t in translated(kind, text).output_tokens if t != END)
    verdict = "" if truth is None else (" ✅" if digits == str(truth) else f" ❌ (right: {truth})")
    st.metric(NAMES[kind], digits or "(nothing)")
    st.caption(verdict.strip() or "No right answer known for this input.")


def step_candidates(text: str, t: int) -> dict[str, list[tuple[str, float]] | None]:
    """Each model's likeliest tokens at decoding step t (after its own earlier outputs), None once it stopped."""
    candidates = {}
    for kind in KINDS:
        steps = translated(kind, text).top_candidates
        candidates[NAMES[kind]] = [(shown([token])[0], p) for token, p in steps[t]] if t < len(steps) else None
    return candidates


def alignment_panel(text: str) -> None:
    result = translated("attention", text)
    outputs = shown(result.output_tokens)

    def draw(t: int) -> None:
        st.plotly_chart(alignment_figure(result.attention, result.source_tokens, outputs, t), config=_CONFIG,
                        key="seq2seq.alignment")
        weights = result.attention[t]
        top = weights.argsort()[::-1][:3]
        pointers = ", ".join(f"'{markdown_literal(visible_char(result.source_tokens[j]))}' "
                             f"(character {j}, {weights[j]:.0%})" for j in top)
        st.markdown(f"Step {t} writes **{outputs[t]}**, looking mostly at {pointers}.")
        st.caption(f"What each model could write at step {t}, and how sure it is:")
        st.plotly_chart(candidates_figure(step_candidates(text, t)), config=_CONFIG, key="seq2seq.candidates")

    playback(STATE, "step", len(outputs), draw, label="Decoding step")


def input_warnings(text: str) -> None:
    """Characters and words the models never saw: they still run, so say what they accept."""
    unknown = sorted({c for c, bad in zip(text, encode_source(text)[1]) if bad})
    if unknown:
        st.warning(f"Not in the models' alphabet: {markdown_literal(' '.join(map(repr, unknown)))}. {ACCEPTS} "
                   "They still run, read as an unknown symbol.")
    words = unknown_words(text)
    if words:
        named = ", ".join(f"\"{w}\"" for w in words[:NAMED_WORDS])
        more = f" and {len(words) - NAMED_WORDS} more" if len(words) > NAMED_WORDS else ""
        st.warning(f"Words the models never learned: {markdown_literal(named)}{more}. {ACCEPTS} "
                   "They still run, but their answer means little.")


def cut_to_limit() -> int | None:
    """A URL can carry more than the text box takes: cut it the same way, before the box is drawn.

    Returns the length it had, or None when it fitted.
    """
    text = STATE.value("text")
    if len(text) <= MAX_SOURCE_CHARS:
        return None
    STATE.set("text", text[:MAX_SOURCE_CHARS])
    return len(text)


def seq2seq_page() -> None:
    ensure_router()
    STATE.restore()
    linked_chars = cut_to_limit()
    st.title("🔀 Encoder-decoder & attention")
    learn_panel()
    st.selectbox("Try an example", EXAMPLES["short"] + EXAMPLES["long"], index=None, key="seq2seq.example",
                 placeholder="Pick a short or a long number…", on_change=use_example)
    text = st.text_area("A number in words", key=STATE.key("text"), height=80, max_chars=MAX_SOURCE_CHARS,
                        help=ACCEPTS)
    if linked_chars:
        st.warning(f"The link's text has {linked_chars} characters; only the first {MAX_SOURCE_CHARS} are kept, "
                   "as when typing in the box.")
    if not text.strip():
        st.info("Type a number in words, for example \"forty-two\". " + ACCEPTS)
        STATE.sync()
        return
    input_warnings(text)
    if len(text) > TRAIN_MAX_SOURCE_CHARS:
        st.info(f"{len(text)} characters: longer than any training input ({TRAIN_MAX_SOURCE_CHARS}). "
                "Both models still run; expect mistakes.")
    elif len(text) > COMMON_SOURCE_CHARS:
        st.info(f"{len(text)} characters: rare in training (only {rare_training_share():.0%} of training inputs "
                f"are over {COMMON_SOURCE_CHARS} characters). This is where the one context vector gives out.")
    truth = words_to_number(text)
    for column, kind in zip(st.columns(2), KINDS):
        with column:
            answer(kind, text, truth)
    st.subheader("Alignment: where each output step looks")
    alignment_panel(text)
    st.subheader("The bottleneck: accuracy against input length")
    curves = {NAMES[kind]: buckets for kind, buckets in bottleneck_curves().items()}
    st.plotly_chart(bottleneck_figure(curves, len(text)), config=_CONFIG, key="seq2seq.curve")
    st.caption(f"Measured by the training script on fresh numbers of each length. Inputs over "
               f"{COMMON_SOURCE_CHARS} characters are rare in training: there the one context vector gives out, "
               "attention does not.")
    st.subheader("One vector for everything")
    plain, attention = translated("plain", text), translated("attention", text)
    st.caption("The plain decoder gets the same context vector at every step; with attention, each step "
               "gets its own mix of the encoder states.")
    st.plotly_chart(context_figure(plain.context, None), config=_CONFIG, key="seq2seq.context-plain")
    st.plotly_chart(context_figure(attention.context, shown(attention.output_tokens)), config=_CONFIG,
                    key="seq2seq.context-attention")
    with st.expander("The two architectures"):
        for column, kind in zip(st.columns(2), KINDS):
            column.markdown(f"**{NAMES[kind]}**")
            column.graphviz_chart(ARCHITECTURES[kind])
    STATE.sync()


seq2seq_page()
