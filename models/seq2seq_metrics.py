"""The bottleneck curves the training script measured and shipped beside the weights."""

from __future__ import annotations

import json
from functools import lru_cache

from models.seq2seq_models import KINDS, WEIGHTS_DIR


@lru_cache(maxsize=1)
def bottleneck_curves() -> dict[str, list[tuple[int, int, float]]]:
    """For each model: (shortest, longest, accuracy) per input-length bucket."""
    metrics = json.loads((WEIGHTS_DIR / "metrics.json").read_text())["models"]
    curves = {}
    for kind in KINDS:
        buckets = metrics[kind]["accuracy by source length"]
        curves[kind] = [(*map(int, b["chars"].split("-")), b["accuracy"]) for b in buckets]
    return curves
