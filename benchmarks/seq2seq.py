"""Decoding latency of a long input for both encoder-decoders."""

from __future__ import annotations

from benchmarks.tokens_compute import median_seconds
from models.seq2seq_models import KINDS, load_shipped_seq2seq, translate
from models.seq2seq_tasks import EXAMPLES


def run() -> dict[str, float]:
    text = EXAMPLES["long"][2]  # the longest the grammar writes: 100 characters
    figures = {}
    for kind in KINDS:
        model = load_shipped_seq2seq(kind)
        figures[f"{kind}: decode {len(text)} characters (ms)"] = median_seconds(lambda: translate(model, text)) * 1e3
    figures["attention / plain (ratio)"] = figures[f"attention: decode {len(text)} characters (ms)"] / \
        figures[f"plain: decode {len(text)} characters (ms)"]
    return figures
