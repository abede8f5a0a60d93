"""Decoding latency of a long input for both encoder-decoders, on the page's torch threads.

The page serves every session from one process with `share_cores()` (one torch
thread each); measured with torch's default of one thread per core, another
worker's load on the second core shows up as noise. The in-run baseline is the
plain model: attention / plain is the cost of looking back at every step.
"""

from __future__ import annotations

import torch

from benchmarks.tokens_compute import median_seconds
from models.cpu_threads import share_cores
from models.seq2seq_models import KINDS, load_shipped_seq2seq, translate
from models.seq2seq_tasks import EXAMPLES


def run() -> dict[str, float]:
    text = EXAMPLES["long"][2]  # the longest the grammar writes: 100 characters
    threads = torch.get_num_threads()
    share_cores()
    try:
        figures = {"torch threads (as the page)": float(torch.get_num_threads())}
        for kind in KINDS:
            model = load_shipped_seq2seq(kind)
            label = f"{kind}: decode {len(text)} characters (ms)"
            figures[label] = median_seconds(lambda: translate(model, text), repeats=11) * 1e3
    finally:
        torch.set_num_threads(threads)  # the benchmarks after this one keep their own setting
    figures["attention / plain (ratio)"] = figures[f"attention: decode {len(text)} characters (ms)"] / \
        figures[f"plain: decode {len(text)} characters (ms)"]
    return figures
