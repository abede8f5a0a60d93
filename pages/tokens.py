"""Tokens & context window: how a model sees text, and how much of it fits."""

import streamlit as st

from components.bpe_panel import DEFAULT_VOCAB_SIZE, DEFAULT_WORD, bpe_panel
from components.context_gauge import context_gauge
from components.routing import ensure_router
from components.token_chips import token_chips
from components.url_state import PageState, UrlParam, flag, int_between, listed
from models.bpe import BYTE_TOKENS
from models.bpe import LIMITS as BPE_LIMITS
from models.context import context_window_usage, cut_to_window, text_counts
from models.encodings import BUNDLED_ENCODING
from models.offline import DownloadUnavailable
from models.tokenization import (DEFAULT_TEXT, LIMITS, choice, load_tokenizer,
                                 tokenizer_choices)
from models.context_windows import DEFAULT_MODEL
from models.registry import PACKAGED_ENCODER

CHOICES = [c.key for c in tokenizer_choices()]
# The widget's cap in Streamlit's MB: its browser side counts 1 MB as 1,000,000 bytes (1,048,576
# on Windows), so it refuses what the page refuses; the page checks again for any other path.
UPLOAD_MB = LIMITS.max_upload_bytes // 1_000_000
STATE = PageState("tokens", [
    UrlParam("text", DEFAULT_TEXT),
    UrlParam("model", DEFAULT_MODEL, choices=CHOICES),
    UrlParam("reserve", 0, int_between(0, 2_000_000)),
    UrlParam("keep", "start", choices=("start", "end")),
    UrlParam("ws", False, flag),
    UrlParam("ids", False, flag),
    UrlParam("compare", ["cl100k_base", "o200k_base", PACKAGED_ENCODER], listed, choices=CHOICES),
    # the BPE panel's keys are "tokens.bpe.*", so its word and vocabulary size ride along
    UrlParam("bpe.word", DEFAULT_WORD),
    UrlParam("bpe.vocab_size", DEFAULT_VOCAB_SIZE, int_between(BYTE_TOKENS, BPE_LIMITS.max_vocab_size)),
])


@st.cache_resource(show_spinner="Loading the tokenizer (a one-time download for some)…")
def shared_tokenizer(key: str):
    return load_tokenizer(key)  # shared by all sessions, used read-only


@st.cache_data(max_entries=64, show_spinner=False)
def tokenized(key: str, text: str):
    return shared_tokenizer(key).tokenize(text)


@st.cache_data(max_entries=64, show_spinner=False)
def first_pieces(key: str, text: str, limit: int):
    return shared_tokenizer(key).pieces(text, tokenized(key, text), limit)


def label_of(key: str) -> str:
    item = choice(key)
    window = f" · {item.context_window:,} window" if item.context_window else ""
    return f"{item.label} ({item.group}{window})"


def load_uploaded_file() -> None:
    """Uploader callback: put a valid text file into the text area, or say why not."""
    upload = st.session_state.get("tokens.upload")
    st.session_state["tokens.upload_error"] = None
    if upload is None:
        return
    data = upload.getvalue()
    if len(data) > LIMITS.max_upload_bytes:
        # Exact byte counts: rounded to MB, a file one byte over would read as the limit itself.
        st.session_state["tokens.upload_error"] = (
            f"{upload.name} is {len(data):,} bytes, over the limit of {LIMITS.max_upload_bytes:,} bytes "
            f"({UPLOAD_MB:g} MB). Upload a shorter file, or paste part of it.")
        return
    try:
        STATE.set("text", data.decode("utf-8"))
    except UnicodeDecodeError:
        st.session_state["tokens.upload_error"] = (
            f"{upload.name} is not UTF-8 text. Save it as plain text (UTF-8) and try again.")


def use_bundled() -> None:
    STATE.set("model", BUNDLED_ENCODING)


def counts_row(counts) -> None:
    cols = st.columns(5)
    cols[0].metric("Tokens", f"{counts.tokens:,}")
    cols[1].metric("Characters", f"{counts.characters:,}")
    cols[2].metric("Words", f"{counts.words:,}")
    cols[3].metric("Bytes (UTF-8)", f"{counts.bytes:,}")
    cols[4].metric("Characters per token", f"{counts.characters_per_token:.2f}")


def window_section(key: str, text: str, n_tokens: int) -> None:
    item = choice(key)
    if not item.context_window:
        st.info("A bare encoding has no context window: pick a model to count against one.")
        return
    max_output = item.max_output or item.context_window // 2
    if STATE.value("reserve") > max_output:
        STATE.set("reserve", max_output)
    limit = (f"{item.label} returns at most {max_output:,} tokens" if item.max_output else
             f"{item.label} states no output limit, so up to half its window here")
    st.slider("Tokens reserved for the answer", 0, max_output, key=STATE.key("reserve"),
              help=f"{limit}; the answer shares the window with the input.")
    usage = context_window_usage(n_tokens, STATE.value("reserve"), item.context_window)
    context_gauge(usage)
    st.caption(f"Source: {item.source}")
    if usage.over_by:
        keep = st.radio("When it is too long", ["start", "end"], key=STATE.key("keep"), horizontal=True,
                        format_func={"start": "keep the start", "end": "keep the end"}.get)
        tokenizer, tokens = shared_tokenizer(key), tokenized(key, text)
        cut = cut_to_window(text, lambda k: tokenizer.char_boundary(text, tokens, k),
                            n_tokens, usage.input_budget, keep)
        st.markdown(f"**What would be cut** ({cut.removed_tokens:,} tokens, {len(cut.removed):,} characters):")
        st.code(preview(cut.removed, keep), language=None, wrap_lines=True)


def preview(removed: str, keep: str) -> str:
    n = LIMITS.cut_preview_chars
    if len(removed) <= n:
        return removed
    more = f"… ({len(removed) - n:,} more characters)"
    return removed[:n] + more if keep == "start" else more + removed[-n:]


def compare_section(text: str) -> None:
    st.subheader("Compare tokenizers")
    keys = st.multiselect("Tokenizers", CHOICES, format_func=label_of, key=STATE.key("compare"))
    rows = []
    for key in keys:
        try:
            tokens = tokenized(key, text)
        except DownloadUnavailable as missing:
            st.caption(f"**{choice(key).label}**: {missing}")
            continue
        rows.append((key, tokens))
    if not rows:
        return
    counts = [text_counts(text, len(tokens.ids)) for _, tokens in rows]
    st.dataframe({"tokenizer": [choice(k).label for k, _ in rows],
                  "tokens": [c.tokens for c in counts],
                  "characters per token": [round(c.characters_per_token, 2) for c in counts]},
                 hide_index=True)
    for key, _ in rows:
        st.markdown(f"**{choice(key).label}**")
        token_chips(first_pieces(key, text, LIMITS.compare_chips))


def tokens_page() -> None:
    ensure_router()
    STATE.restore()
    st.title("🔤 Tokens & context window")
    with st.expander("Learn: tokens and the context window", expanded=False):
        st.markdown(
            "A language model never sees letters or words: a **tokenizer** cuts text into **tokens**, "
            "pieces from a fixed vocabulary, and the model sees their ids. Common words are one token, "
            "rare words several, and every script and emoji costs bytes.\n\n"
            "The **context window** is the most tokens a model considers at once, *input and output "
            "together*: `gpt-3.5-turbo-1106` has 16,385 and answers with at most 4,096. "
            "Text beyond the window is cut, and the model never sees what was cut.")
    st.file_uploader("Upload a text file", type=["txt", "md", "csv", "json", "py", "html"],
                     max_upload_size=UPLOAD_MB, key="tokens.upload", on_change=load_uploaded_file)
    if st.session_state.get("tokens.upload_error"):
        st.error(st.session_state["tokens.upload_error"])
    text = st.text_area("Text", key=STATE.key("text"), height=160)
    key = st.selectbox("Model or tokenizer", CHOICES, key=STATE.key("model"), format_func=label_of)
    try:
        tokens = tokenized(key, text)
    except DownloadUnavailable as missing:
        st.warning(str(missing))
        st.button(f"Use {BUNDLED_ENCODING} (bundled, offline)", on_click=use_bundled)
        STATE.sync()
        return
    counts_row(text_counts(text, len(tokens.ids)))
    left, right = st.columns(2)
    left.toggle("Show whitespace", key=STATE.key("ws"))
    right.toggle("Show ids instead of text", key=STATE.key("ids"))
    if not text:
        st.info("Type or paste some text above to see its tokens.")
    else:
        if len(tokens.ids) > LIMITS.chips_shown:
            st.caption(f"Showing the first {LIMITS.chips_shown:,} of {len(tokens.ids):,} tokens; "
                       "the counts cover the whole text.")
        token_chips(first_pieces(key, text, LIMITS.chips_shown),
                    show_ids=STATE.value("ids"), show_whitespace=STATE.value("ws"))
    st.subheader("Context window")
    window_section(key, text, len(tokens.ids))
    compare_section(text)
    # BPE is tiktoken's algorithm: walk the chosen encoding's merges, or cl100k_base's.
    encoding = getattr(shared_tokenizer(key), "encoding", None) or shared_tokenizer(BUNDLED_ENCODING).encoding
    bpe_panel(encoding, sample_text=text)
    STATE.sync()


tokens_page()
