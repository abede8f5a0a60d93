"""The four sequence mappings, run on the shipped recurrent models.

one-to-one: one input, one output, no memory involved.
one-to-many: one input, then the model's own outputs fed back in, one step at a time.
many-to-one: read a whole sequence, answer once at the end.
many-to-many (aligned): one output per input step, so output length = input length.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from models.recurrent_models import RecurrentRun
from models.recurrent_tasks import Task, encode, inputs_and_targets


@dataclass(frozen=True)
class DemoLimits:
    """How much each demo reads or writes: they show one chip per step, and a row holds only so many."""
    many_to_one: int = 200  # characters read before the one answer
    many_to_many: int = 60  # characters read, each with its output chip under it
    generated: int = 24  # characters one-to-many writes


DEMO_LIMITS = DemoLimits()


def demo_input(text: str, limit: int) -> tuple[str, bool]:
    """The part of `text` a demo reads (its first `limit` characters), and whether anything was cut."""
    return text[:limit], len(text) > limit


@dataclass(frozen=True)
class MappingDemo:
    name: str
    inputs: list[str]  # one label per input step
    outputs: list[str]  # one label per output step


def predicted_labels(run: RecurrentRun, task: Task) -> list[str]:
    return [task.outputs[k] for k in run.probabilities.argmax(axis=1)]


def one_to_one(run: RecurrentRun, task: Task) -> MappingDemo:
    """`run` of a single character: its one prediction."""
    return MappingDemo("one-to-one", [run.text[0]], predicted_labels(run, task)[:1])


def many_to_one(run: RecurrentRun, task: Task) -> MappingDemo:
    return MappingDemo("many-to-one", list(run.text), predicted_labels(run, task)[-1:])


def many_to_many(run: RecurrentRun, task: Task) -> MappingDemo:
    return MappingDemo("many-to-many", list(run.text), predicted_labels(run, task))


@torch.no_grad()
def one_to_many(model, task: Task, first: str, length: int = DEMO_LIMITS.generated) -> MappingDemo:
    """Greedy generation from the first character of `first`: each output becomes the next input.

    Only a next-character task can feed its outputs back in; any other raises ValueError.
    """
    if task.outputs[1:] != tuple(task.vocabulary[1:]):
        raise ValueError("One-to-many feeds outputs back as inputs: it needs a next-character task.")
    if not first:
        raise ValueError("Type one character to start from.")
    ids = encode(task, first[:1]).ids
    outputs = []
    for _ in range(length):
        logits = model(torch.tensor([ids]))  # (1, T, V): re-reading the prefix keeps this simple
        next_id = int(logits[0, -1].argmax())
        outputs.append(task.outputs[next_id])
        ids.append(next_id)
    return MappingDemo("one-to-many", [first[:1]], outputs)


def prediction_accuracy(run: RecurrentRun, task: Task, targets: list[str]) -> float:
    """Share of steps whose prediction equals `targets` (one label per step, or per step but the last)."""
    predicted = predicted_labels(run, task)[: len(targets)]
    return sum(p == t for p, t in zip(predicted, targets)) / len(targets) if targets else 0.0


def step_targets(task: Task, text: str) -> list[str]:
    """What each step should output: the depth so far (brackets), or the next character (text)."""
    return [task.outputs[k] for k in inputs_and_targets(task, text)[1]]
