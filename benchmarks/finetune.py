"""The fine-tuning job's step time against a bare PyTorch loop on the same batches, per preset.

The bare loop: the same classifier copy, AdamW over the same trainable parameters,
forward, cross-entropy, backward, step; no reports, no evaluation, no clipping.
Also the peak resident memory of a full fine-tune, from the kernel's high-water mark.
"""

from __future__ import annotations

import resource
import time

import torch
from torch.nn import functional as F

from models.finetune import PRESETS, FinetuneConfig, _padded, _token_ids, classifier_copy, run_finetune
from models.labelled_data import shipped_reviews
from models.registry import PACKAGED_ENCODER
from models.transformer_loading import load_transformer

STEPS = 20


def bare_seconds_per_step(base, data, config: FinetuneConfig) -> float:
    used = torch.tensor(sorted({i for ids in _token_ids(base, data.train_texts, config.max_tokens) for i in ids}))
    model = classifier_copy(base, len(data.classes), config, used)  # as the job: gradients outside config.frozen
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=config.learning_rate)
    ids = _token_ids(base, data.train_texts[:config.batch_size], config.max_tokens)
    batch, mask = _padded(ids, base.tokenizer.pad_token_id)
    labels = torch.tensor(data.train_labels[:config.batch_size])
    start = time.perf_counter()
    for _ in range(STEPS):
        loss = F.cross_entropy(model(batch, mask), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return (time.perf_counter() - start) / STEPS


def run() -> dict[str, float]:
    base, data = load_transformer(PACKAGED_ENCODER), shipped_reviews()
    figures = {}
    for name, frozen in PRESETS.items():
        config = FinetuneConfig(frozen=frozen, steps=STEPS, eval_every=STEPS)
        result = run_finetune(base, data, config)
        app = result.seconds / max(result.steps_done, 1)
        bare = bare_seconds_per_step(base, data, FinetuneConfig(frozen=frozen))
        figures[f"{name}: app job, s per step (incl. preparation)"] = app
        figures[f"{name}: bare loop, s per step"] = bare
        figures[f"{name}: app / bare (ratio)"] = app / bare
    # The page's default job (60 steps, at most 60 s) for the two ends of the scale.
    for name in ("transfer learning (train the head only)", "fine-tune everything"):
        result = run_finetune(base, data, FinetuneConfig(frozen=PRESETS[name], steps=60, max_seconds=60.0))
        figures[f"page default, {name}: seconds"] = result.seconds
        figures[f"page default, {name}: test accuracy"] = result.test_accuracy
    figures["peak resident memory after a full fine-tune (MiB)"] = \
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures
