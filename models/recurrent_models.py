"""The recurrent page's trained models: embedding -> one RNN, LSTM or GRU layer -> linear head.

The three cells of a task share every size, so the page compares cells and
nothing else. Weights are trained by `python -m models.train_recurrent` and
shipped in models/weights/recurrent/{task}_{cell}.safetensors, each with its
config in the file's metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from models.recurrent_cells import CellTrace, cell_trace
from models.recurrent_tasks import TASKS, Task, capped, encode
from models.weights_io import load_with_config, save_with_config

WEIGHTS_DIR = Path(__file__).parent / "weights" / "recurrent"
CELLS = ("lstm", "gru", "rnn")
CELL_MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}

# Sizes per task. Text needs room for spelling and layout; counting to 8 needs little.
PRESETS = {
    "text": dict(embed_size=32, hidden_size=128),
    "brackets": dict(embed_size=8, hidden_size=32),
    "tiny": dict(embed_size=4, hidden_size=6),  # for tests
}


@dataclass(frozen=True)
class RecurrentConfig:
    task: str  # a key of recurrent_tasks.TASKS
    cell: str  # "rnn", "lstm" or "gru"
    vocab_size: int
    embed_size: int
    hidden_size: int
    output_size: int

    @classmethod
    def for_task(cls, task: Task, cell: str, preset: str | None = None) -> RecurrentConfig:
        """The config of `cell` on `task`, sized by PRESETS[preset] (default: the task's own)."""
        if cell not in CELL_MODULES:
            raise ValueError(f"Unknown cell {cell!r}; choose one of {', '.join(CELLS)}.")
        return cls(task.name, cell, len(task.vocabulary), output_size=len(task.outputs),
                   **PRESETS[preset or task.name])


class SequenceModel(nn.Module):
    """One prediction per input character (an aligned many-to-many mapping)."""

    def __init__(self, config: RecurrentConfig):
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.embed_size)
        self.rnn = CELL_MODULES[config.cell](config.embed_size, config.hidden_size, batch_first=True)
        self.head = nn.Linear(config.hidden_size, config.output_size)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.embed(ids)  # (B, T, E)
        hidden, _ = self.rnn(x)  # (B, T, H), from zero initial states
        return self.head(hidden)  # (B, T, O)


def save_model(model: SequenceModel, path: Path) -> None:
    save_with_config(model, path)


def load_model(path: Path) -> SequenceModel:
    return load_with_config(path, SequenceModel, RecurrentConfig)


def weights_path(task: str, cell: str) -> Path:
    return WEIGHTS_DIR / f"{task}_{cell}.safetensors"


def load_shipped_model(task: str, cell: str) -> SequenceModel:
    """A trained model from this repository, in eval mode. Callers share it: do not modify it."""
    if task not in TASKS or cell not in CELLS:
        raise ValueError(f"No shipped model for task {task!r} and cell {cell!r}; tasks are "
                         f"{', '.join(TASKS)}, cells {', '.join(CELLS)}.")
    path = weights_path(task, cell)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing; train it with `python -m models.train_recurrent`.")
    return load_model(path)


@dataclass(frozen=True)
class RecurrentRun:
    text: str  # the text actually run: the input cut at MAX_STEPS
    ids: list[int]
    unknown: list[bool]  # per step: the character was not in the vocabulary and ran as UNKNOWN
    truncated: bool
    trace: CellTrace  # every gate and state, (T, H) each
    probabilities: np.ndarray  # (T, output_size): the model's prediction after each step


@torch.no_grad()
def run_with_trace(model: SequenceModel, task: Task, text: str) -> RecurrentRun:
    """Run `text` through `model` step by step, keeping every gate.

    Raises ValueError on empty text: a trace needs at least one step.
    """
    encoded = encode(task, text)
    if not encoded.ids:
        raise ValueError("Type at least one character.")
    embeddings = model.embed(torch.tensor(encoded.ids))  # (T, E)
    trace = cell_trace(model.rnn, embeddings)
    logits = model.head(torch.from_numpy(trace.hidden))  # (T, O)
    probabilities = torch.softmax(logits, dim=-1).numpy()
    return RecurrentRun(capped(text), encoded.ids, encoded.unknown, encoded.truncated, trace, probabilities)
