"""The "BPE, step by step" section: watch a word's merges, then train a tiny BPE.

The panel owns its widgets (every key starts with `key_prefix`) and composes
`models.bpe` with `components.bpe_view`; the page only places it.
"""

from __future__ import annotations

import streamlit as st

from components.bpe_view import merge_ladder, merge_steps, merges_table
from components.token_chips import token_chips
from components.url_state import keep_widget, restore_widget
from models.bpe import (BYTE_TOKENS, LIMITS, TrainedBPE, longest_merge_count, split_pattern,
                        train_bpe, word_merge_trace)
from models.tokenization import LIMITS as TOKEN_LIMITS
from models.tokenization import Piece

DEFAULT_WORD = " tokenization"
DEFAULT_VOCAB_SIZE = 300
DEFAULT_TRAINING_TEXT = (
    "The cat sat on the mat. The cat ate the rat. The rat sat on the cat's hat, "
    "and the hat sat on the mat. That is that: the cat, the rat, the hat and the mat."
)
_LADDER_OPEN_UP_TO = 30  # merges; a longer ladder starts folded


@st.cache_data(max_entries=32, show_spinner="Training your tokenizer…")
def _trained(text: str, vocab_size: int, pat_str: str) -> TrainedBPE:
    return train_bpe(text, vocab_size, pat_str)


def _word_section(encoding, key_prefix: str) -> None:
    st.markdown("##### Watch the merges")
    st.caption("BPE starts from single bytes and keeps gluing together the neighbouring pair "
               "that the tokenizer learned earliest (the lowest rank), until no pair is a token.")
    st.session_state.setdefault(f"{key_prefix}.word", DEFAULT_WORD)  # the page may have restored one
    word = st.text_input("A word or short phrase", max_chars=LIMITS.max_word_chars, key=f"{key_prefix}.word")
    try:
        traces = word_merge_trace(encoding, word)
    except ValueError as error:
        st.warning(str(error))
        return
    if not traces:
        st.info("Type a word to watch it being merged.")
        return
    steps = longest_merge_count(traces)
    if steps == 0:
        merge_steps(traces, 0)
        st.caption("Every piece is a single byte: there is nothing to merge.")
        return
    # A word with another number of merges gets a fresh slider (Streamlit resets it on a new max).
    step_key = f"{key_prefix}.step"
    restore_widget(step_key, 0, fit=lambda kept: min(kept, steps))  # kept from a longer word
    step = st.slider("Merge step", 0, steps, key=step_key,
                     help="Each piece of the word (split first by the tokenizer's pattern) "
                          "merges on its own, side by side.")
    keep_widget(step_key)
    merge_steps(traces, step)
    with st.expander(f"All {steps} steps at once", expanded=steps <= _LADDER_OPEN_UP_TO):
        merge_ladder(traces)


def _training_section(encoding, key_prefix: str, sample_text: str | None) -> None:
    st.markdown("##### Train your own tiny BPE")
    st.caption(f"Start with the {BYTE_TOKENS} single bytes, then repeatedly make the most common "
               "neighbouring pair in your text a new token, until the vocabulary is full.")
    start_text = sample_text or DEFAULT_TRAINING_TEXT  # seeds the first draw; later the user's text is kept
    text_key = f"{key_prefix}.text"
    restore_widget(text_key, start_text[: LIMITS.max_training_chars])
    if len(start_text) > LIMITS.max_training_chars and st.session_state[text_key] == \
            start_text[: LIMITS.max_training_chars]:
        st.caption(f"Your text is long; its first {LIMITS.max_training_chars:,} characters are used.")
    text = st.text_area("Training text", max_chars=LIMITS.max_training_chars, key=text_key)
    keep_widget(text_key)
    st.session_state.setdefault(f"{key_prefix}.vocab_size", DEFAULT_VOCAB_SIZE)
    vocab_size = st.slider("Vocabulary size", BYTE_TOKENS, LIMITS.max_vocab_size,
                           key=f"{key_prefix}.vocab_size",
                           help=f"{BYTE_TOKENS} byte tokens plus one token per merge.")
    trained_key = f"{key_prefix}.trained"
    if st.button("Train", key=f"{key_prefix}.train"):
        try:
            st.session_state[trained_key] = _trained(text, vocab_size, split_pattern(encoding))
        except ValueError as error:
            st.warning(str(error))
    trained = st.session_state.get(trained_key)
    if trained is None:
        st.caption("Press **Train** to learn merges from the text above.")
        return
    if trained.stop_reason:
        st.info(trained.stop_reason)
    st.dataframe(merges_table(trained), hide_index=True, height=260)
    _own_tokenization(encoding, trained, text)


def _own_tokenization(encoding, trained: TrainedBPE, text: str) -> None:
    st.caption("Your text, cut by your own tokenizer (hover a chip for its id):")
    ids = trained.encode(text)
    shown = ids[: TOKEN_LIMITS.chips_shown]
    token_chips([Piece(i, data, None) for i, data in zip(shown, trained.decode_tokens_bytes(shown))],
                show_whitespace=True)
    if len(ids) > len(shown):
        st.caption(f"Showing the first {len(shown):,} of {len(ids):,} tokens.")
    mine, theirs = st.columns(2)
    mine.metric(f"Your tokenizer · vocabulary {len(trained.mergeable_ranks):,}", f"{len(ids):,} tokens")
    theirs.metric(f"{encoding.name} · vocabulary {encoding.n_vocab:,}",
                  f"{len(encoding.encode_ordinary(text)):,} tokens")


def bpe_panel(encoding, key_prefix: str = "tokens.bpe", sample_text: str | None = None) -> None:
    """The whole section for `encoding`; `sample_text` (the page's main text) seeds the training text."""
    st.subheader("BPE, step by step")
    _word_section(encoding, key_prefix)
    _training_section(encoding, key_prefix, sample_text)
