"""RNN, LSTM and GRU cells written out gate by gate, with full per-step traces.

Each function reads the weights of a single-layer, unidirectional `torch.nn`
module and replays it one step at a time, keeping every gate. With x_t the
input, h_{t-1} the previous hidden state and σ the logistic sigmoid:

RNN (tanh):
    h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)

LSTM (PyTorch stacks the four blocks of W_ih, W_hh, b_ih, b_hh as i, f, g, o):
    i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)      input gate
    f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)      forget gate
    g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)   candidate
    o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)      output gate
    c_t = f_t * c_{t-1} + i_t * g_t                     cell state
    h_t = o_t * tanh(c_t)                               hidden state

GRU (blocks stacked as r, z, n; the reset gate multiplies W_hn h + b_hn):
    r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)      reset gate
    z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)      update gate
    n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))   candidate
    h_t = (1 - z_t) * n_t + z_t * h_{t-1}               hidden state
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

# Names of the traced quantities, in the order a page shows them.
STATE_LABELS = {
    "i": "input gate i", "f": "forget gate f", "g": "candidate g", "o": "output gate o",
    "c": "cell state c", "r": "reset gate r", "z": "update gate z", "n": "candidate n",
    "h": "hidden state h",
}
CELL_STATES = {"rnn": ("h",), "lstm": ("i", "f", "g", "o", "c", "h"), "gru": ("r", "z", "n", "h")}


@dataclass(frozen=True)
class CellTrace:
    kind: str  # "rnn", "lstm" or "gru"
    states: dict[str, np.ndarray]  # name -> (T, H), names as in CELL_STATES[kind]
    initial: dict[str, np.ndarray]  # "h" (and "c" for an LSTM) before the first step, (H,)
    # RNN only: the two terms inside its nonlinearity, (T, H) each; "input" = W_ih x_t + b_ih,
    # "recurrent" = W_hh h_{t-1} + b_hh. Kept so an equation can show what the tanh squashes.
    terms: dict[str, np.ndarray] = field(default_factory=dict)
    activation: str = "tanh"  # the RNN's nonlinearity, "tanh" or "relu"

    @property
    def steps(self) -> int:
        return self.states["h"].shape[0]

    @property
    def hidden(self) -> np.ndarray:
        return self.states["h"]

    def previous(self, name: str, t: int) -> np.ndarray:
        """State `name` ("h" or "c") before step t."""
        return self.initial[name] if t == 0 else self.states[name][t - 1]


def _layer_weights(module: nn.RNNBase):
    if module.num_layers != 1 or module.bidirectional:
        raise ValueError("Traces cover a single-layer, unidirectional cell; got "
                         f"{module.num_layers} layers, bidirectional={module.bidirectional}.")
    if getattr(module, "proj_size", 0):
        raise ValueError("LSTMs with projections (proj_size) are not traced.")
    hidden = module.hidden_size
    zeros = torch.zeros(module.weight_ih_l0.shape[0])
    b_ih = module.bias_ih_l0 if module.bias else zeros
    b_hh = module.bias_hh_l0 if module.bias else zeros
    return module.weight_ih_l0.detach(), module.weight_hh_l0.detach(), b_ih.detach(), b_hh.detach(), hidden


def _sequence(module: nn.RNNBase, inputs: torch.Tensor) -> torch.Tensor:
    if inputs.dim() != 2 or inputs.shape[1] != module.input_size:
        raise ValueError(f"inputs must be (steps, {module.input_size}); got {tuple(inputs.shape)}.")
    return inputs.detach().to(module.weight_ih_l0.dtype)


def _initial(h0, hidden: int) -> torch.Tensor:
    return torch.zeros(hidden) if h0 is None else torch.as_tensor(h0, dtype=torch.float32).reshape(hidden)


def _as_trace(kind: str, steps: dict[str, list], initial: dict[str, torch.Tensor], **extra) -> CellTrace:
    states = {name: torch.stack(steps[name]).numpy() for name in CELL_STATES[kind]}  # (T, H) each
    return CellTrace(kind, states, {name: value.numpy() for name, value in initial.items()}, **extra)


@torch.no_grad()
def rnn_trace(module: nn.RNN, inputs: torch.Tensor, h0=None) -> CellTrace:
    w_ih, w_hh, b_ih, b_hh, hidden = _layer_weights(module)
    activation = torch.tanh if module.nonlinearity == "tanh" else torch.relu
    x_part = _sequence(module, inputs) @ w_ih.T + b_ih  # (T, H): the input's share, all steps at once
    h = h_start = _initial(h0, hidden)
    steps, recurrent = {"h": []}, []
    for t in range(x_part.shape[0]):
        recurrent.append(w_hh @ h + b_hh)  # (H,): what the previous state adds
        h = activation(x_part[t] + recurrent[-1])
        steps["h"].append(h)
    terms = {"input": x_part.numpy(), "recurrent": torch.stack(recurrent).numpy()}  # (T, H) each
    return _as_trace("rnn", steps, {"h": h_start}, terms=terms, activation=module.nonlinearity)


@torch.no_grad()
def lstm_trace(module: nn.LSTM, inputs: torch.Tensor, h0=None, c0=None) -> CellTrace:
    w_ih, w_hh, b_ih, b_hh, hidden = _layer_weights(module)
    x_part = _sequence(module, inputs) @ w_ih.T + b_ih  # (T, 4H)
    h = h_start = _initial(h0, hidden)
    c = c_start = _initial(c0, hidden)
    steps = {name: [] for name in CELL_STATES["lstm"]}
    for t in range(x_part.shape[0]):
        i, f, g, o = (x_part[t] + w_hh @ h + b_hh).chunk(4)  # PyTorch's order: i, f, g, o
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c = f * c + i * g
        h = o * torch.tanh(c)
        for name, value in zip("ifgoch", (i, f, g, o, c, h)):
            steps[name].append(value)
    return _as_trace("lstm", steps, {"h": h_start, "c": c_start})


@torch.no_grad()
def gru_trace(module: nn.GRU, inputs: torch.Tensor, h0=None) -> CellTrace:
    w_ih, w_hh, b_ih, b_hh, hidden = _layer_weights(module)
    x_r, x_z, x_n = (_sequence(module, inputs) @ w_ih.T + b_ih).chunk(3, dim=1)  # (T, H) each
    h = h_start = _initial(h0, hidden)
    steps = {name: [] for name in CELL_STATES["gru"]}
    for t in range(x_r.shape[0]):
        h_r, h_z, h_n = (w_hh @ h + b_hh).chunk(3)  # order r, z, n; h_n already holds b_hn
        r = torch.sigmoid(x_r[t] + h_r)
        z = torch.sigmoid(x_z[t] + h_z)
        n = torch.tanh(x_n[t] + r * h_n)
        h = (1 - z) * n + z * h
        for name, value in zip("rznh", (r, z, n, h)):
            steps[name].append(value)
    return _as_trace("gru", steps, {"h": h_start})


def cell_trace(module: nn.RNNBase, inputs: torch.Tensor) -> CellTrace:
    """The trace of whichever cell `module` is, from zero initial states."""
    if isinstance(module, nn.LSTM):
        return lstm_trace(module, inputs)
    if isinstance(module, nn.GRU):
        return gru_trace(module, inputs)
    if isinstance(module, nn.RNN):
        return rnn_trace(module, inputs)
    raise TypeError(f"Not a recurrent torch.nn module: {type(module).__name__}.")


def _n(value: float) -> str:
    """A number for an equation: negatives in parentheses, so "· (−0.5)" reads right."""
    return f"{value:.3f}" if value >= 0 else f"({value:.3f})"


def step_equations(trace: CellTrace, t: int, unit: int) -> list[str]:
    """The state update of `unit` at step t as LaTeX lines, with the traced numbers filled in."""
    v = {name: f"{values[t, unit]:.3f}" for name, values in trace.states.items()}  # as results
    p = {name: _n(float(values[t, unit])) for name, values in trace.states.items()}  # as factors
    h_prev = _n(float(trace.previous("h", t)[unit]))
    if trace.kind == "lstm":
        c_prev = _n(float(trace.previous("c", t)[unit]))
        return [
            rf"i_t = {v['i']},\quad f_t = {v['f']},\quad g_t = {v['g']},\quad o_t = {v['o']}",
            rf"c_t = f_t \cdot c_{{t-1}} + i_t \cdot g_t = {p['f']} \cdot {c_prev} + {p['i']} \cdot {p['g']}"
            rf" = {v['c']}",
            rf"h_t = o_t \cdot \tanh(c_t) = {p['o']} \cdot \tanh({v['c']}) = {v['h']}",
        ]
    if trace.kind == "gru":
        return [
            rf"r_t = {v['r']},\quad z_t = {v['z']},\quad n_t = {v['n']}",
            rf"h_t = (1 - z_t) \cdot n_t + z_t \cdot h_{{t-1}} = (1 - {v['z']}) \cdot {p['n']} + "
            rf"{p['z']} \cdot {h_prev} = {v['h']}",
        ]
    squash = r"\tanh" if trace.activation == "tanh" else r"\operatorname{relu}"
    x_term, h_term = (float(trace.terms[name][t, unit]) for name in ("input", "recurrent"))
    return [rf"h_t = {squash}(W_{{ih}} x_t + b_{{ih}} + W_{{hh}} h_{{t-1}} + b_{{hh}}) = {squash}({x_term:.3f} + "
            rf"{_n(h_term)}) = {squash}({x_term + h_term:.3f}) = {v['h']}",
            rf"\text{{with }} h_{{t-1}} = {h_prev}:\quad W_{{hh}} h_{{t-1}} + b_{{hh}} = {h_term:.3f}"]
