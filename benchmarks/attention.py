"""The attention page's compute path against a bare forward, and the forward against its FLOP bound.

Page path: tokenize, forward with attentions, stack to numpy, hide special
tokens, per-head summaries and the two heatmap figures of the "One head" tab.
FLOP bound: the forward's multiply-adds at the matmul rate this machine
reaches on a large square matrix product, measured in the same run.
"""

from __future__ import annotations

import torch

from benchmarks.tokens_compute import median_seconds
from components.attention_views import attention_heatmap
from models.attention_maps import attention_maps
from models.attention_summaries import average_over_heads, head_summaries, without_special
from models.registry import PACKAGED_ENCODER
from models.transformer_loading import load_transformer

SENTENCE = "The animal didn't cross the street because it was too tired, said the farmer's daughter. "


def matmul_flops_per_second(size: int = 1024) -> float:
    a, b = torch.randn(size, size), torch.randn(size, size)
    seconds = median_seconds(lambda: a @ b, repeats=7)
    return 2 * size ** 3 / seconds


def bert_forward_flops(config, tokens: int) -> float:
    """Multiply-adds ×2 of a BERT encoder forward: projections, feed-forward, scores and mixing."""
    d, ff = config.hidden_size, config.intermediate_size
    per_layer = 2 * tokens * (4 * d * d + 2 * d * ff) + 2 * 2 * tokens * tokens * d
    return config.num_hidden_layers * per_layer


def page_path(loaded, text: str) -> None:
    result = attention_maps(loaded, text)
    attention = result.sets[0]
    head_summaries(without_special(attention))
    # the figures' own builders, bypassing the cache the page would hit on a rerun
    attention_heatmap.__wrapped__(attention.weights[0, 0], attention.query_tokens, attention.key_tokens, False, "h")
    attention_heatmap.__wrapped__(average_over_heads(attention)[0], attention.query_tokens, attention.key_tokens,
                                  False, "a")


def run() -> dict[str, float]:
    loaded = load_transformer(PACKAGED_ENCODER)
    rate = matmul_flops_per_second()
    figures = {"machine matmul rate (GFLOP/s)": rate / 1e9}
    for words in (12, 90):  # both under the page cap of 128 tokens
        text = " ".join((SENTENCE * 20).split()[:words])
        encoded = loaded.tokenizer(text, return_tensors="pt")
        tokens = encoded["input_ids"].shape[1]

        def bare() -> None:
            with torch.no_grad():
                loaded.model(**encoded, output_attentions=True)

        bare_s = median_seconds(bare, repeats=9)
        page_s = median_seconds(lambda: page_path(loaded, text), repeats=9)
        bound_s = bert_forward_flops(loaded.model.config, tokens) / rate
        figures[f"{tokens} tokens: bare forward (ms)"] = bare_s * 1e3
        figures[f"{tokens} tokens: page path (ms)"] = page_s * 1e3
        figures[f"{tokens} tokens: page path / bare forward (ratio)"] = page_s / bare_s
        figures[f"{tokens} tokens: bare forward / FLOP bound (ratio)"] = bare_s / bound_s
    return figures
