"""Transformer attention: what every layer and head of a real model looks at, for your sentence."""

import streamlit as st

from components.attention_panels import grid_panel, head_panel, learn_panel, summary_panel
from components.bertviz_embed import show_bertviz
from components.bertviz_html import bertviz_height, bertviz_view_html
from components.model_loading import model_caption, ready, shared_transformer
from components.routing import ensure_router
from components.url_state import PageState, UrlParam, flag, int_between, listed
from models.attention_examples import examples_for
from models.attention_maps import LIMITS, AttentionResult, attention_maps
from models.attention_summaries import head_summaries, without_special
from models.registry import PACKAGED_ENCODER, model_spec, specs_for

MODELS = [spec.repo_id for spec in specs_for("attention")]
STATE = PageState("attention", [
    UrlParam("model", PACKAGED_ENCODER, choices=MODELS),
    UrlParam("text", examples_for(model_spec(PACKAGED_ENCODER))[0][0]),
    UrlParam("pair", ""),
    UrlParam("kind", ""),  # which attention of an encoder-decoder; "" is the first
    UrlParam("layer", 0, int_between(0, 63)),
    UrlParam("head", 0, int_between(0, 63)),
    UrlParam("hide", False, flag),
    UrlParam("layers", [], listed),  # layer filter of the grid and bertviz, as strings
])
LAYER_PICKER = "attention.layers-picker"  # draws STATE's "layers" (see layer_filter)
BERTVIZ_MAX_TOKENS = 64  # bertviz draws every line: beyond this it is a blur, and slow


@st.cache_data(max_entries=16, show_spinner=False)
def computed(repo_id: str, text: str, pair: str) -> AttentionResult:
    return attention_maps(shared_transformer(repo_id), text, pair or None)


@st.cache_data(max_entries=32, show_spinner=False)
def shown(repo_id: str, text: str, pair: str, kind: str, hide: bool):
    attention = computed(repo_id, text, pair).named(kind)
    return without_special(attention) if hide else attention


@st.cache_data(max_entries=32, show_spinner=False)
def summaries(repo_id: str, text: str, pair: str, kind: str, hide: bool):
    return head_summaries(shown(repo_id, text, pair, kind, hide))


@st.cache_data(max_entries=16, show_spinner=False)
def bertviz_page(repo_id: str, text: str, pair: str, hide: bool, view: str, layers: tuple[int, ...],
                 layer: int) -> str:
    result = computed(repo_id, text, pair)
    sets = {s.name: shown(repo_id, text, pair, s.name, hide) for s in result.sets}
    per_layer = lambda s: [s.weights[i][None].round(4) for i in range(s.weights.shape[0])]  # noqa: E731
    if "self-attention" in sets:
        only = sets["self-attention"]
        b_start = None if hide or result.sentence_b_start is None else result.sentence_b_start
        arguments = dict(attention=per_layer(only), tokens=list(only.query_tokens), sentence_b_start=b_start)
    else:
        encoder, decoder, cross = (sets[name] for name in
                                   ("encoder self-attention", "decoder self-attention", "cross-attention"))
        arguments = dict(encoder_attention=per_layer(encoder), decoder_attention=per_layer(decoder),
                         cross_attention=per_layer(cross), encoder_tokens=list(encoder.query_tokens),
                         decoder_tokens=list(decoder.query_tokens))
    if view == "head":  # open on the layer picked above
        arguments["layer"] = layer if layer in layers else layers[0]
    return bertviz_view_html(view, include_layers=list(layers), **arguments)


def use_model(repo_id: str) -> None:
    STATE.set("model", repo_id)


def use_example() -> None:
    text, pair = st.session_state["attention.example"]
    STATE.set("text", text)
    STATE.set("pair", pair)
    # Back to the placeholder: picking the same example after editing the text must fire again.
    st.session_state["attention.example"] = None


def attention_page() -> None:
    ensure_router()
    STATE.restore()
    st.title("🎯 Transformer attention")
    st.caption("What every layer and head of a real transformer looks at, for your sentence.")
    learn_panel()
    model_column, example_column = st.columns(2)
    repo_id = model_column.selectbox("Model", MODELS, key=STATE.key("model"),
                                     format_func=lambda r: model_spec(r).label)
    spec = model_spec(repo_id)
    example_column.selectbox("Try an example", examples_for(spec), index=None, key="attention.example",
                             on_change=use_example, format_func=lambda e: e[0] + (f"  ‖  {e[1]}" if e[1] else ""),
                             placeholder="Pick a sentence…")
    model_caption(spec)
    text = st.text_area("Text", key=STATE.key("text"), height=90, max_chars=LIMITS.max_chars)
    pair = st.text_input("Second sentence (optional: BERT-style models read pairs)", key=STATE.key("pair"),
                         max_chars=LIMITS.max_chars) if spec.family == "encoder" else ""
    if not text.strip():
        st.info("Type a sentence to see its attention, or pick an example.")
    elif ready(repo_id, "attention", use_model):
        attention_views(repo_id, text, pair)
    STATE.sync()


def attention_views(repo_id: str, text: str, pair: str) -> None:
    result = computed(repo_id, text, pair)
    if result.capped:
        st.warning(f"The input has {result.input_tokens} tokens; the views show the first {LIMITS.max_tokens} "
                   "(beyond that no heatmap is readable).")
    kinds = [s.name for s in result.sets]
    kind_options = ["", *kinds[1:]]  # "" is the first kind, so the default stays out of the URL
    if STATE.value("kind") not in kind_options:
        STATE.set("kind", "")
    n_layers, n_heads = result.sets[0].weights.shape[:2]
    for name, size in (("layer", n_layers), ("head", n_heads)):
        if STATE.value(name) >= size:
            STATE.set(name, 0)
    # Drop layers this model lacks (or junk from a link) now, not only once a tab draws the filter.
    valid_layers = list(dict.fromkeys(v for v in STATE.value("layers") if v in layer_names(n_layers)))
    if valid_layers != STATE.value("layers"):
        STATE.set("layers", valid_layers)
    if len(kinds) > 1:
        st.segmented_control("Attention", kind_options, key=STATE.key("kind"), required=True,
                             format_func=lambda option: option or kinds[0],
                             help="Encoder over the input, decoder over its own answer (masked), and "
                                  "cross-attention from the answer to the input.")
    picks = st.columns([1, 1, 2])
    layer = picks[0].selectbox("Layer", range(n_layers), key=STATE.key("layer"))
    head = picks[1].selectbox("Head", range(n_heads), key=STATE.key("head"))
    hide = picks[2].toggle("Hide special tokens ([CLS], [SEP], </s>…) and renormalize", key=STATE.key("hide"))
    kind = STATE.value("kind") or kinds[0]
    attention = shown(repo_id, text, pair, kind, hide)
    if not attention.query_tokens or not attention.key_tokens:
        st.info("Nothing is left once the special tokens are hidden.")
        return
    if len(kinds) > 1:
        st.caption(f"Answer the model wrote (greedy): {' '.join(result.sets[1].query_tokens)}")
    one, grid, bertviz, heads = st.tabs(["One head", "All heads", "bertviz", "Head summaries"],
                                        key="tab", bind="query-params")
    if one.open:
        with one:
            head_panel(attention, layer, head, "attention.chart")
    if grid.open:
        with grid:
            grid_panel(attention, layer_filter(n_layers), STATE, "attention.chart")
    if bertviz.open:
        with bertviz:
            bertviz_panel(repo_id, text, pair, hide, layer_filter(n_layers), n_heads, len(kinds))
    if heads.open:
        with heads:
            summary_panel(summaries(repo_id, text, pair, kind, hide), "attention.chart")


def layer_names(n_layers: int) -> list[str]:
    return [str(i) for i in range(n_layers)]


def keep_picked_layers() -> None:
    STATE.set("layers", st.session_state[LAYER_PICKER])


def layer_filter(n_layers: int) -> tuple[int, ...]:
    """The "Layers to draw" picker of the All heads and bertviz tabs; () picks every layer.

    Only those tabs draw it, and a browser's page switch hands back an undrawn widget's key holding
    its default, which PageState cannot tell from a choice. So the choice lives under the page's
    plain key, copied there on change, and the picker is redrawn from it on every run.
    """
    st.session_state[LAYER_PICKER] = STATE.value("layers")
    st.multiselect("Layers to draw", layer_names(n_layers), key=LAYER_PICKER, on_change=keep_picked_layers,
                   placeholder="All layers", help="Fewer layers draw faster on long inputs.")
    return tuple(int(v) for v in STATE.value("layers")) or tuple(range(n_layers))


def bertviz_panel(repo_id: str, text: str, pair: str, hide: bool, layers: tuple[int, ...], n_heads: int,
                  kinds: int) -> None:
    result = computed(repo_id, text, pair)
    longest = max(len(shown(repo_id, text, pair, s.name, hide).query_tokens) for s in result.sets)
    if longest > BERTVIZ_MAX_TOKENS:
        st.info(f"bertviz draws a line for every pair of tokens, readable up to {BERTVIZ_MAX_TOKENS} tokens; "
                f"this input has {longest}. Shorten it, or use the heatmaps.")
        return
    view = st.segmented_control("View", ["head", "model"], key="attention.bertviz-view", default="head",
                                required=True, format_func=lambda v: f"{v} view")
    page = bertviz_page(repo_id, text, pair, hide, view, layers, STATE.value("layer"))
    st.caption("Head view: pick a layer, hover a token to see where it looks; double-click a colour to show "
               "one head. Model view: every layer and head; click one to enlarge."
               if view == "head" else "Every layer (rows) and head (columns); click a thumbnail to enlarge it.")
    sentence_pair = bool(pair) and not hide and model_spec(repo_id).family == "encoder"
    show_bertviz(page, bertviz_height(view, longest, len(layers), n_heads=n_heads,
                                      attention_kinds=5 if sentence_pair else kinds),
                 f"attention-{view}-view.html", key="attention.bertviz-download")


attention_page()
