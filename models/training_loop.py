"""The optimisation loop every trainer here shares; trainers report through `on_step`."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch


def train_steps(model: torch.nn.Module, optimizer, schedule, step_losses: Iterable[torch.Tensor],
                max_grad_norm: float, on_step: Callable[[int, float], None] | None = None) -> list[float]:
    """Backward, clip, step and schedule for each loss; `step_losses` computes them lazily,
    so each one sees the weights the previous step left."""
    losses = []
    for step, loss in enumerate(step_losses):
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
        if on_step:
            on_step(step, losses[-1])
    return losses
