"""Sections of the attention page: one head, all heads, per-head summaries, the learn panel."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.attention_views import attention_heatmap, grid_cell, head_summary_figure, heads_grid
from components.url_state import PageState
from models.attention_maps import AttentionSet
from models.attention_summaries import HeadSummaries, average_over_heads

# Plotly's own toolbar keeps its "download as PNG" button; the rest is noise in class.
PNG_ONLY = {"displaylogo": False, "modeBarButtonsToRemove": ["zoom", "pan", "select", "lasso2d", "zoomIn",
                                                             "zoomOut", "autoScale", "resetScale"],
            "toImageButtonOptions": {"format": "png", "scale": 2}}
# The grid's toolbar would sit over its "head 11" column title; a click there enlarges, not downloads.
GRID_CONFIG = PNG_ONLY | {"displayModeBar": False}


def head_panel(attention: AttentionSet, layer: int, head: int, key: str) -> None:
    one, average = st.columns(2)
    with one:
        st.plotly_chart(attention_heatmap(attention.weights[layer, head], attention.query_tokens,
                                          attention.key_tokens, attention.causal,
                                          f"Layer {layer}, head {head}"),
                        config=PNG_ONLY, key=f"{key}.head")
    with average:
        st.plotly_chart(attention_heatmap(average_over_heads(attention)[layer], attention.query_tokens,
                                          attention.key_tokens, attention.causal,
                                          f"Layer {layer}, average of {attention.weights.shape[1]} heads"),
                        config=PNG_ONLY, key=f"{key}.average")
    if attention.causal:
        st.caption("Grey cells are masked: a decoder token may look only at itself and earlier tokens.")


def grid_panel(attention: AttentionSet, layers: tuple[int, ...], state: PageState, key: str) -> None:
    """All heads of the chosen layers as thumbnails; a click enlarges one below.

    A click becomes the page's layer and head (through a callback, which runs before the pickers
    are drawn), so the pickers, the One head tab and the URL follow it.
    """
    n_heads = attention.weights.shape[1]
    grid_key = f"{key}.grid"

    def pick_clicked_head() -> None:
        event = st.session_state.get(grid_key)
        points = event.selection.points if event and event.selection else []
        if points:
            layer, head = grid_cell(points[0]["curve_number"], layers, n_heads)
            state.set("layer", layer)
            state.set("head", head)

    st.plotly_chart(heads_grid(attention.weights, layers, attention.causal), config=GRID_CONFIG,
                    key=grid_key, on_select=pick_clicked_head, selection_mode="points")
    layer, head = state.value("layer"), state.value("head")
    st.caption("Click a thumbnail to enlarge it (or pick a layer and head above). Long inputs are "
               "averaged into blocks in the thumbnails.")
    st.plotly_chart(attention_heatmap(attention.weights[layer, head], attention.query_tokens,
                                      attention.key_tokens, attention.causal, f"Layer {layer}, head {head}"),
                    config=PNG_ONLY, key=f"{key}.enlarged")


def summary_panel(summaries: HeadSummaries, key: str) -> None:
    st.markdown("**Entropy of each head**: low means it looks at few tokens, high means it spreads its "
                "attention. Hover for its share of attention on the previous, first and last token, and itself.")
    st.plotly_chart(head_summary_figure(summaries.entropy, summaries.shares), config=PNG_ONLY,
                    key=f"{key}.summary")
    notable = summaries.notable()
    if not notable:
        st.info("No head gives most of its attention to the previous, first or last token, or itself, here.")
        return
    st.markdown("**Heads that mostly follow one rule** (more than half of their attention, averaged "
                "over the tokens):")
    st.dataframe(pd.DataFrame(notable, columns=["layer", "head", "attends to", "share"]),
                 hide_index=True, column_config={"share": st.column_config.ProgressColumn(
                     "share", format="percent", min_value=0, max_value=1)}, width="stretch", height=240)


def learn_panel() -> None:
    with st.expander("Learn: self-attention, heads, layers, masks and cross-attention"):
        st.markdown(
            "- **Self-attention** (Vaswani et al., 2017, *Attention Is All You Need*): every token makes a "
            "*query*, a *key* and a *value*. A token's query is compared with every key; a softmax turns "
            "the scores into weights that sum to 1 across each row; the token's new vector is the weighted "
            "sum of the values. The heatmaps show those weights: one row per looking token.\n"
            "- **Heads**: each layer runs several attentions side by side with their own weights, so one "
            "head can track the previous word while another links a pronoun to its noun. **Layers** stack: "
            "later layers attend over vectors that already mix earlier context.\n"
            "- **Encoders** (BERT, MiniLM) see the whole sentence both ways. **Decoders** (GPT) are *masked*: "
            "a token sees only itself and earlier tokens, the grey triangle, which is what lets them write "
            "text one token at a time.\n"
            "- **Encoder-decoders** (T5, Marian translation) have three kinds: the encoder's self-attention "
            "over the input, the decoder's masked self-attention over what it has written, and "
            "**cross-attention** from each written token to the input — the transformer's version of the "
            "alignment on the encoder-decoder page.\n"
            "- Many heads follow simple rules (Clark et al., 2019, *What Does BERT Look At?*): the previous "
            "token, the first token or [SEP] as a resting place, or the token itself. Attention weights show "
            "where information *may* flow, not why the model decides (Jain & Wallace, 2019, *Attention is "
            "not Explanation*).\n"
            "- Views: bertviz (Vig, 2019) draws lines from each token to the tokens it attends to; click a "
            "head's colour to show it alone.")
