"""What the training script measured and shipped beside the weights (models/weights/seq2seq/metrics.json)."""

from __future__ import annotations

import json
from functools import lru_cache

from models.seq2seq_models import KINDS, WEIGHTS_DIR
from models.seq2seq_tasks import COMMON_SOURCE_CHARS


@lru_cache(maxsize=1)
def shipped_metrics() -> dict:
    return json.loads((WEIGHTS_DIR / "metrics.json").read_text())


def bucket_range(label: str) -> tuple[int, int]:
    """"61-80" -> (61, 80)."""
    shortest, longest = map(int, label.split("-"))
    return shortest, longest


@lru_cache(maxsize=1)
def bottleneck_curves() -> dict[str, list[tuple[int, int, float]]]:
    """For each model: (shortest, longest, accuracy) per input-length bucket."""
    models = shipped_metrics()["models"]
    return {kind: [(*bucket_range(b["chars"]), b["accuracy"]) for b in models[kind]["accuracy by source length"]]
            for kind in KINDS}


def parameter_counts() -> dict[str, int]:
    return {kind: shipped_metrics()["models"][kind]["parameters"] for kind in KINDS}


def rare_training_share() -> float:
    """The share of training inputs longer than COMMON_SOURCE_CHARS (the buckets are cut there)."""
    shares = shipped_metrics()["data"]["training share by length"]
    return sum(share for label, share in shares.items() if bucket_range(label)[0] > COMMON_SOURCE_CHARS)
