"""How far back a loss can reach: the gradient of the last step's loss with respect to each hidden state.

Backpropagation through time multiplies one Jacobian dh_t/dh_{t-1} per step. A
plain RNN's Jacobians shrink the gradient at nearly every step, so early inputs
hardly move the loss (short-term memory); an LSTM's cell state passes it on
through the forget gate, and a GRU's through its update gate, with much less loss.

This is computed with autograd on the torch.nn module itself, stepped one
character at a time, so it is independent of the gate-by-gate replay in
`models.recurrent_cells`.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from models.recurrent_models import SequenceModel
from models.recurrent_tasks import Task, capped, depth_targets, encode


def last_step_target(task: Task, text: str, last_logits: torch.Tensor) -> int:
    """The class the last step is scored against when the caller gives none.

    Brackets: the true depth after the last character. Text: the text ends
    there, so its next character is unknown; the model's own most likely one
    stands in (the gradient then says what made it expect that character).
    """
    if task.name == "brackets":
        return depth_targets(capped(text))[-1]
    return int(last_logits.argmax())


def hidden_state_gradient_norms(model: SequenceModel, task: Task, text: str,
                                target: int | None = None) -> np.ndarray:
    """||d loss / d h_t|| for every step t, (T,); loss = cross-entropy of the last step's prediction.

    For an LSTM the derivative is taken with the cell state c_t held fixed: it
    measures what flows back through h_t. The model is not changed (no
    parameter .grad is written).
    """
    ids = encode(task, text).ids
    if not ids:
        raise ValueError("Type at least one character.")
    with torch.enable_grad():
        # requires_grad on the inputs makes every h_t part of the graph even if the weights are frozen
        x = model.embed(torch.tensor([ids])).detach().requires_grad_(True)  # (1, T, E)
        state, hidden = None, []
        for t in range(len(ids)):
            _, state = model.rnn(x[:, t:t + 1], state)  # one step; state h (1, 1, H), or (h, c) for an LSTM
            hidden.append(state[0] if isinstance(model.rnn, nn.LSTM) else state)
        logits = model.head(hidden[-1][0])  # (1, O)
        if target is None:
            target = last_step_target(task, text, logits[0].detach())
        loss = F.cross_entropy(logits, torch.tensor([target]))
        gradients = torch.autograd.grad(loss, hidden)  # d loss / d h_t along every path after step t
    return np.array([gradient.norm().item() for gradient in gradients])
