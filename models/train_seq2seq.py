"""Train the encoder-decoder page's two models: a plain GRU encoder-decoder and one with attention.

    python -m models.train_seq2seq               # both, about 5 minutes on 2 CPU cores
    python -m models.train_seq2seq --steps 200   # a quick try

Data (see models.seq2seq_tasks): numbers 0..999,999,999 in English words ->
digits, the digit count drawn uniformly. Training pairs come from
random.Random(TrainConfig.seed); inputs longer than COMMON_SOURCE_CHARS are
kept with probability LONG_KEEP only, so they are rare. Both models see the
same pairs in the same order, with the same sizes, steps and optimizer.

Evaluation (greedy decoding, exact match of the whole digit string):
  held out    HELD_OUT_COUNT fresh pairs of the training distribution from
              seed HELD_OUT_SEED
  by length   BUCKET_COUNT fresh pairs per source-length bucket from seed
              CURVE_SEED + bucket index, up to the grammar's longest input;
              the buckets past COMMON_SOURCE_CHARS are rare in training:
              the bottleneck curve.
  fixed batch FIXED_BATCH_SIZE pairs of the training distribution from seed
              FIXED_BATCH_SEED, scored by the training loss function with
              the final weights: a figure the tests reproduce exactly with a
              different decoding loop.
Short numbers repeat training ones (there are only ten one-digit numbers);
long ones almost never do.

Everything is written with the weights to models/weights/seq2seq/metrics.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

import numpy as np
import torch
from torch.nn import functional as F

from models.seq2seq_models import (KINDS, WEIGHTS_DIR, Seq2Seq, Seq2SeqConfig, greedy_decode, padded_sources,
                                   save_seq2seq, weights_path)
from models.seq2seq_tasks import (COMMON_SOURCE_CHARS, LONG_KEEP, encode_target, examples, longest_source_chars,
                                  training_examples)
from models.training_loop import train_steps

METRICS_PATH = WEIGHTS_DIR / "metrics.json"
THREADS = 2  # fixed, so a rerun adds up floating-point sums in the same order
HELD_OUT_SEED = 1000
HELD_OUT_COUNT = 500
CURVE_SEED = 2000
BUCKET_COUNT = 200
BUCKET_WIDTH = 20  # characters; buckets 1-20, 21-40, ... up to the longest input of the grammar
FIXED_BATCH_SEED = 3000
FIXED_BATCH_SIZE = 64
FINAL_LOSS = "final train loss (mean of last 100 steps)"
FIXED_BATCH_LOSS = "teacher-forced loss on the fixed batch, final weights"


@dataclass(frozen=True)
class TrainConfig:
    steps: int = 2500
    batch_size: int = 64
    learning_rate: float = 3e-3  # decays along a cosine to a tenth of this
    max_grad_norm: float = 1.0  # recurrent nets have rare, huge gradients; clipping keeps one from wrecking training
    seed: int = 0


# ---- data -------------------------------------------------------------------

def batch(pairs: list[tuple[str, str]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Source ids (B, S), decoder inputs (B, T) from START and targets (B, T) up to END; padding is 0."""
    src, _ = padded_sources([words for words, _ in pairs])
    targets = [encode_target(digits) for _, digits in pairs]
    tgt = torch.zeros(len(pairs), max(map(len, targets)), dtype=torch.long)  # (B, T + 1)
    for row, ids in enumerate(targets):
        tgt[row, :len(ids)] = torch.tensor(ids)
    return src, tgt[:, :-1], tgt[:, 1:]


def teacher_forced_loss(model: Seq2Seq, src: torch.Tensor, tgt_in: torch.Tensor, tgt_out: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy per target token (padding, id 0, is skipped)."""
    logits = model(src, tgt_in)  # (B, T, V)
    return F.cross_entropy(logits.flatten(0, 1), tgt_out.flatten(), ignore_index=0)


# ---- training and evaluation ------------------------------------------------

def train(model: Seq2Seq, config: TrainConfig, on_step: Callable[[int, float], None] | None = None) -> list[float]:
    """Train `model` in place on fresh pairs from config.seed; returns the training loss of every step."""
    pairs = training_examples(config.steps * config.batch_size, seed=config.seed)
    model.train()
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=config.learning_rate)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, config.steps, eta_min=config.learning_rate / 10)
    step_losses = (teacher_forced_loss(model, *batch(pairs[step * config.batch_size:(step + 1) * config.batch_size]))
                   for step in range(config.steps))
    losses = train_steps(model, optimizer, schedule, step_losses, config.max_grad_norm, on_step)
    model.eval()
    return losses


def exact_match(model: Seq2Seq, pairs: list[tuple[str, str]]) -> float:
    """The share of pairs whose digits `model` writes exactly (greedy decoding)."""
    written = greedy_decode(model, [words for words, _ in pairs])
    return float(np.mean([out == digits for out, (_, digits) in zip(written, pairs)]))


def fixed_batch_pairs() -> list[tuple[str, str]]:
    return training_examples(FIXED_BATCH_SIZE, FIXED_BATCH_SEED)


@torch.no_grad()
def fixed_batch_loss(model: Seq2Seq) -> float:
    """The training loss function on one fixed batch: unlike a mean over the last steps, it belongs to these weights."""
    return teacher_forced_loss(model, *batch(fixed_batch_pairs())).item()


def held_out_pairs(count: int = HELD_OUT_COUNT) -> list[tuple[str, str]]:
    return training_examples(count, HELD_OUT_SEED)


def length_buckets() -> list[tuple[int, int]]:
    """(shortest, longest) source characters of each bucket of the bottleneck curve."""
    return [(start, min(start + BUCKET_WIDTH - 1, longest_source_chars()))
            for start in range(1, longest_source_chars() + 1, BUCKET_WIDTH)]


def bucket_pairs(index: int, count: int = BUCKET_COUNT) -> list[tuple[str, str]]:
    shortest, longest = length_buckets()[index]
    return examples(count, CURVE_SEED + index, min_chars=shortest, max_chars=longest)


def bottleneck_curve(model: Seq2Seq, count: int = BUCKET_COUNT) -> list[dict]:
    """Exact-match accuracy per source-length bucket, on the first `count` pairs of each bucket's sample."""
    return [{"chars": f"{shortest}-{longest}", "rare in training": shortest > COMMON_SOURCE_CHARS,
             "accuracy": exact_match(model, bucket_pairs(index, count))}
            for index, (shortest, longest) in enumerate(length_buckets())]


def training_share_by_length(seed: int, count: int = 10_000) -> list[float]:
    """The share of training inputs in each bucket of the bottleneck curve (from `count` draws)."""
    lengths = np.array([len(words) for words, _ in training_examples(count, seed)])
    return [float(np.mean((lengths >= shortest) & (lengths <= longest))) for shortest, longest in length_buckets()]


def data_report(config: TrainConfig) -> dict:
    lengths = np.array([len(words) for words, _ in training_examples(10_000, seed=config.seed)])
    return {"task": "numbers 0..999,999,999 in English words -> digits (models.seq2seq_tasks)",
            "training pairs": f"{config.steps * config.batch_size}, drawn from seed {config.seed}, each used once",
            "long inputs": f"over {COMMON_SOURCE_CHARS} characters, kept in training with probability {LONG_KEEP}",
            "training source chars": {"max": int(lengths.max()), "median": float(np.median(lengths)),
                                      "90th percentile": float(np.percentile(lengths, 90))},
            "training share by length": dict(zip((f"{a}-{b}" for a, b in length_buckets()),
                                                 training_share_by_length(config.seed))),
            "grammar's longest source": longest_source_chars(),
            "fixed batch": f"{FIXED_BATCH_SIZE} pairs of the training distribution from seed {FIXED_BATCH_SEED}",
            "held out": f"{HELD_OUT_COUNT} pairs of the training distribution from seed {HELD_OUT_SEED}",
            "bottleneck curve": f"{BUCKET_COUNT} pairs per {BUCKET_WIDTH}-character bucket, "
                                f"bucket i from seed {CURVE_SEED} + i",
            "accuracy": "exact match of the whole digit string, greedy decoding"}


def train_one(kind: str, config: TrainConfig, on_step: Callable[[int, float], None] | None = None) -> dict:
    torch.manual_seed(config.seed)
    model = Seq2Seq(Seq2SeqConfig(attention=kind == "attention"))
    started = time.perf_counter()
    losses = train(model, config, on_step)
    seconds = time.perf_counter() - started
    save_seq2seq(model, weights_path(kind))
    return {"config": asdict(model.config), "parameters": sum(p.numel() for p in model.parameters()),
            "training": {**asdict(config), "seconds": round(seconds, 1), FINAL_LOSS: float(np.mean(losses[-100:])),
                         FIXED_BATCH_LOSS: fixed_batch_loss(model)},
            "held out accuracy": exact_match(model, held_out_pairs()),
            "accuracy by source length": bottleneck_curve(model)}


def summary(kind: str, report: dict) -> str:
    curve = "  ".join(f"{b['chars']}:{b['accuracy']:.2f}" for b in report["accuracy by source length"])
    return (f"{kind:9} {report['training']['seconds']:5.0f}s  train loss {report['training'][FINAL_LOSS]:.3f}"
            f"  held out {report['held out accuracy']:.3f}  by length {curve}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, help=f"training steps per model (default {TrainConfig.steps})")
    args = parser.parse_args(argv)
    torch.set_num_threads(THREADS)
    torch.use_deterministic_algorithms(True)
    config = replace(TrainConfig(), steps=args.steps or TrainConfig.steps)
    metrics = {"script": "python -m models.train_seq2seq", "torch": torch.__version__,
               "python": platform.python_version(), "threads": THREADS, "data": data_report(config), "models": {}}

    def progress(step: int, loss: float) -> None:
        if step % 250 == 0:
            print(f"  step {step:5d}  loss {loss:.3f}", flush=True)

    for kind in KINDS:
        metrics["models"][kind] = train_one(kind, config, progress)
        print(summary(kind, metrics["models"][kind]), flush=True)
        METRICS_PATH.write_text(json.dumps(metrics, indent=2) + "\n")
    print(f"Weights and {METRICS_PATH.name} written to {WEIGHTS_DIR}")


if __name__ == "__main__":
    main()
