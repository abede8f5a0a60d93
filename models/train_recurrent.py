"""Train the recurrent page's six models: an LSTM, a GRU and a plain RNN on each of two tasks.

    python -m models.train_recurrent                          # all six, 10-12 minutes on 2 CPU cores
    python -m models.train_recurrent --task brackets --steps 300   # a quick try

Data (see models.recurrent_tasks):
  text      pydoc_data.topics, split by topic: every 10th topic in sorted key
            order is held out. Training reads random 128-character windows;
            the held-out text is scored in 256-character windows.
  brackets  random strings of "(", ")" and distractors, 10-120 characters,
            depth up to 6; training strings drawn fresh from seed 0, 500
            held-out strings from seed 1000.

Every model is trained with Adam (AdamW with weight decay for brackets),
gradient clipping and a cosine learning-rate decay for a fixed number of steps
from a fixed seed, on a fixed number of threads with deterministic algorithms. The script prints, and writes to
models/weights/recurrent/metrics.json, each model's data, steps, time, final
training loss and held-out metrics: next-character accuracy and bits per
character for text; per-step depth accuracy and the best "find units" match
with bracket depth for brackets.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import platform
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace

import numpy as np
import torch
from torch.nn import functional as F

from models.recurrent_cells import CellTrace
from models.recurrent_models import (CELLS, WEIGHTS_DIR, RecurrentConfig, SequenceModel, run_with_trace,
                                     save_model, weights_path)
from models.recurrent_tasks import (EVALUATION_WINDOW, HELD_OUT_EVERY, HELD_OUT_SEED, HELD_OUT_STRINGS, TASKS,
                                    Task, bracket_string, held_out_texts, inputs_and_targets,
                                    text_corpus)
from models.sequence_features import FEATURES, bracket_depth
from models.training_loop import train_steps
from models.unit_finder import UnitMatch, rank_units, unit_correlations

METRICS_PATH = WEIGHTS_DIR / "metrics.json"
THREADS = 2  # fixed, so a rerun adds up floating-point sums in the same order
IGNORE = -100  # target of padding steps; cross_entropy skips it
FIND_UNITS_STRINGS = 100  # held-out bracket strings pooled for "find units"
FIND_UNITS_WINDOWS = 8  # held-out text windows pooled for "find units"
FINAL_LOSS = "final train loss (mean of last 100 steps)"


@dataclass(frozen=True)
class TrainConfig:
    steps: int
    batch_size: int = 32
    learning_rate: float = 3e-3  # decays along a cosine to a tenth of this
    max_grad_norm: float = 1.0  # recurrent nets have rare, huge gradients; clipping keeps one from wrecking training
    weight_decay: float = 0.0  # decoupled (AdamW); 0 is plain Adam
    window: int = 128  # text: characters per training window
    seed: int = 0


TRAINING = {
    "text": TrainConfig(steps=3000),
    # Without weight decay the RNN and GRU count with a row of saturated on/off units,
    # one per depth, and no single unit follows the depth. Small weights keep units
    # out of saturation, so one of them counts gradually, which a student can see.
    "brackets": TrainConfig(steps=4000, learning_rate=1e-2, weight_decay=0.2),
}


# ---- data -------------------------------------------------------------------

def padded(examples: list[tuple[list[int], list[int]]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack examples of different lengths; padding goes at the end, where a left-to-right cell never looks back."""
    length = max(len(ids) for ids, _ in examples)
    inputs = torch.zeros(len(examples), length, dtype=torch.long)  # (B, T)
    targets = torch.full((len(examples), length), IGNORE, dtype=torch.long)  # (B, T)
    for row, (ids, labels) in enumerate(examples):
        inputs[row, :len(ids)] = torch.tensor(ids)
        targets[row, :len(labels)] = torch.tensor(labels)
    return inputs, targets


def training_batches(task: Task, config: TrainConfig) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    rng = random.Random(config.seed)  # the same seed as the weights: one number makes the whole run
    if task.name == "text":
        corpus = text_corpus().train
        while True:
            starts = [rng.randrange(len(corpus) - config.window) for _ in range(config.batch_size)]
            yield padded([inputs_and_targets(task, corpus[s:s + config.window + 1]) for s in starts])
    else:
        if config.seed == HELD_OUT_SEED:
            raise ValueError(f"Seed {HELD_OUT_SEED} draws the held-out bracket strings; train with another.")
        while True:
            yield padded([inputs_and_targets(task, bracket_string(rng)) for _ in range(config.batch_size)])


# ---- training and evaluation ------------------------------------------------

def train(model: SequenceModel, task: Task, config: TrainConfig,
          on_step: Callable[[int, float], None] | None = None) -> list[float]:
    """Train `model` in place; returns the training loss of every step."""
    model.train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=config.learning_rate,
                                  weight_decay=config.weight_decay)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, config.steps, eta_min=config.learning_rate / 10)
    step_losses = (F.cross_entropy(model(inputs).flatten(0, 1), targets.flatten(), ignore_index=IGNORE)
                   for _, (inputs, targets) in zip(range(config.steps), training_batches(task, config)))
    return train_steps(model, optimizer, schedule, step_losses, config.max_grad_norm, on_step)


@torch.no_grad()
def evaluate(model: SequenceModel, task: Task, texts: list[str]) -> dict[str, float]:
    """Mean cross-entropy (nats) and accuracy of the most likely class, over every predicted step of `texts`."""
    model.eval()
    inputs, targets = padded([inputs_and_targets(task, text) for text in texts])
    logits = model(inputs)  # (B, T, O)
    scored = targets != IGNORE
    loss = F.cross_entropy(logits[scored], targets[scored])
    accuracy = (logits[scored].argmax(-1) == targets[scored]).float().mean()
    return {"loss": loss.item(), "accuracy": accuracy.item(), "steps": int(scored.sum())}


def pooled_trace(traces: list[CellTrace]) -> CellTrace:
    """Traces of separate runs laid end to end, so one unit can be ranked over all of them."""
    states = {name: np.concatenate([trace.states[name] for trace in traces]) for name in traces[0].states}
    return CellTrace(traces[0].kind, states, traces[0].initial)


def best_unit(traces: list[CellTrace], texts: list[str], feature: str) -> UnitMatch:
    """The page's "find units" over several runs (each text from a zero state), ranked on the pooled steps."""
    values = np.concatenate([FEATURES[feature](text) for text in texts])
    return rank_units(pooled_trace(traces), values, top=1)[0]


def find_units_report(model: SequenceModel, task: Task, held_out: list[str]) -> dict:
    texts = held_out[:FIND_UNITS_STRINGS if task.name == "brackets" else FIND_UNITS_WINDOWS]
    traces = [run_with_trace(model, task, text).trace for text in texts]
    how = (f"rank_units over the first {len(texts)} held-out {'strings' if task.name == 'brackets' else 'windows'}, "
           "each run from a zero state, their steps pooled (models.train_recurrent.best_unit)")
    if task.name == "text":
        return {"how": how, **{name: asdict(best_unit(traces, texts, name)) for name in FEATURES}}
    match = best_unit(traces, texts, "bracket depth")
    per_string = [abs(unit_correlations(trace.states[match.state][:, [match.unit]], bracket_depth(text))[0])
                  for trace, text in zip(traces, texts) if bracket_depth(text).std() > 0]
    return {"how": how, "bracket depth": asdict(match),
            "same unit, median |r| per string": float(np.median(per_string))}


def data_report(task: Task) -> dict:
    if task.name == "text":
        corpus = text_corpus()
        return {"corpus": f"pydoc_data.topics of Python {platform.python_version()}",
                "corpus sha256": hashlib.sha256((corpus.train + corpus.held_out).encode()).hexdigest()[:16],
                "split": f"every {HELD_OUT_EVERY}th topic in sorted key order is held out",
                "train topics": len(corpus.train_topics), "train characters": len(corpus.train),
                "held-out topics": list(corpus.held_out_topics), "held-out characters": len(corpus.held_out),
                "evaluation": f"held-out text in non-overlapping windows of {EVALUATION_WINDOW} characters, "
                              "each read from a zero state; each window's characters after the first are predicted"}
    return {"corpus": "random bracket strings (models.recurrent_tasks.bracket_string)",
            "split": f"training strings from seed {TRAINING['brackets'].seed}, drawn fresh every step; "
                     f"{HELD_OUT_STRINGS} held-out strings from seed {HELD_OUT_SEED}",
            "evaluation": "depth after every character of every held-out string"}


def train_one(task: Task, cell: str, config: TrainConfig) -> dict:
    torch.manual_seed(config.seed)
    model = SequenceModel(RecurrentConfig.for_task(task, cell))
    started = time.perf_counter()
    losses = train(model, task, config)
    seconds = time.perf_counter() - started
    save_model(model, weights_path(task.name, cell))
    held_out = held_out_texts(task)
    scores = evaluate(model, task, held_out)
    if task.name == "text":
        scores["bits per character"] = scores["loss"] / math.log(2)
    return {"config": asdict(model.config), "parameters": sum(p.numel() for p in model.parameters()),
            "training": {**asdict(config), "seconds": round(seconds, 1),
                         FINAL_LOSS: float(np.mean(losses[-100:]))},
            "held out": scores, "find units": find_units_report(model, task, held_out)}


def summary(name: str, report: dict) -> str:
    scores, units, training = report["held out"], report["find units"], report["training"]
    line = (f"{name:15} {training['seconds']:6.0f}s  train loss {training[FINAL_LOSS]:.3f}"
            f"  held-out loss {scores['loss']:.3f}  accuracy {scores['accuracy']:.3f}")
    if "bits per character" in scores:
        return line + f"  bits/char {scores['bits per character']:.3f}"
    match = units["bracket depth"]
    return line + f"  depth unit {match['state']}[{match['unit']}] r={match['correlation']:+.3f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", choices=list(TASKS), help="train only this task's three models")
    parser.add_argument("--steps", type=int, help="training steps per model (default: per task, see TRAINING)")
    args = parser.parse_args(argv)
    torch.set_num_threads(THREADS)
    torch.use_deterministic_algorithms(True)
    metrics = json.loads(METRICS_PATH.read_text()) if METRICS_PATH.exists() else {}
    metrics.update({"script": "python -m models.train_recurrent", "torch": torch.__version__,
                    "python": platform.python_version(), "threads": THREADS})
    models = metrics.setdefault("models", {})
    for task in [TASKS[args.task]] if args.task else TASKS.values():
        config = replace(TRAINING[task.name], steps=args.steps or TRAINING[task.name].steps)
        metrics.setdefault("data", {})[task.name] = data_report(task)
        for cell in CELLS:
            name = f"{task.name}_{cell}"
            models[name] = train_one(task, cell, config)
            print(summary(name, models[name]), flush=True)
            METRICS_PATH.write_text(json.dumps(metrics, indent=2) + "\n")
    print(f"Weights and {METRICS_PATH.name} written to {WEIGHTS_DIR}")


if __name__ == "__main__":
    main()
