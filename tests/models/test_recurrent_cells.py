"""Gate-by-gate traces against torch.nn's own RNN, LSTM and GRU."""

import re

import numpy as np
import pytest
import torch
from torch import nn

from models.recurrent_cells import CELL_STATES, cell_trace, gru_trace, lstm_trace, rnn_trace, step_equations

STEPS, INPUT, HIDDEN = 40, 7, 11


def inputs(seed=0):
    return torch.randn(STEPS, INPUT, generator=torch.Generator().manual_seed(seed))


def reference(module, x, *state):
    torch.manual_seed(1)
    with torch.no_grad():
        output, final = module(x.unsqueeze(1), *state)  # (T, batch of one, ·)
        return output[:, 0], final


@pytest.mark.parametrize("make", [lambda: nn.RNN(INPUT, HIDDEN), lambda: nn.RNN(INPUT, HIDDEN, nonlinearity="relu"),
                                  lambda: nn.LSTM(INPUT, HIDDEN), lambda: nn.GRU(INPUT, HIDDEN),
                                  lambda: nn.LSTM(INPUT, HIDDEN, bias=False)])
def test_hidden_states_equal_torch(make):
    torch.manual_seed(0)
    module, x = make(), inputs()
    output, _ = reference(module, x)
    trace = cell_trace(module, x)
    assert set(trace.states) == set(CELL_STATES[trace.kind])
    np.testing.assert_allclose(trace.hidden, output.numpy(), atol=1e-5)


def test_lstm_cell_state_and_gates_equal_torch():
    torch.manual_seed(0)
    lstm, x = nn.LSTM(INPUT, HIDDEN), inputs(1)
    h0, c0 = torch.randn(1, 1, HIDDEN), torch.randn(1, 1, HIDDEN)
    trace = lstm_trace(lstm, x, h0, c0)
    for t in range(STEPS):  # torch's cell state after each prefix of the input
        _, (h_t, c_t) = reference(lstm, x[: t + 1], (h0, c0))
        np.testing.assert_allclose(trace.states["c"][t], c_t[0, 0].numpy(), atol=1e-5)
    # the equations hold between the traced gates
    s = trace.states
    c_prev = np.vstack([c0[0].numpy(), s["c"][:-1]])
    np.testing.assert_allclose(s["c"], s["f"] * c_prev + s["i"] * s["g"], atol=1e-6)
    np.testing.assert_allclose(s["h"], s["o"] * np.tanh(s["c"]), atol=1e-6)
    assert ((s["f"] > 0) & (s["f"] < 1)).all() and (np.abs(s["g"]) < 1).all()


def test_gru_gates_equal_torch_cell_by_hand():
    torch.manual_seed(0)
    gru, x = nn.GRU(INPUT, HIDDEN), inputs(2)
    h0 = torch.randn(1, 1, HIDDEN)
    trace = gru_trace(gru, x, h0)
    output, _ = reference(gru, x, h0)
    np.testing.assert_allclose(trace.hidden, output.numpy(), atol=1e-5)
    s, h_prev = trace.states, np.vstack([h0[0].numpy(), trace.hidden[:-1]])
    np.testing.assert_allclose(s["h"], (1 - s["z"]) * s["n"] + s["z"] * h_prev, atol=1e-6)
    # the reset gate multiplies (W_hn h + b_hn), not h alone
    w_hn, b_hn = gru.weight_hh_l0[2 * HIDDEN:].detach().numpy(), gru.bias_hh_l0[2 * HIDDEN:].detach().numpy()
    w_in, b_in = gru.weight_ih_l0[2 * HIDDEN:].detach().numpy(), gru.bias_ih_l0[2 * HIDDEN:].detach().numpy()
    n = np.tanh(x.numpy() @ w_in.T + b_in + s["r"] * (h_prev @ w_hn.T + b_hn))
    np.testing.assert_allclose(s["n"], n, atol=1e-5)


def test_rnn_with_initial_state():
    torch.manual_seed(0)
    rnn, x, h0 = nn.RNN(INPUT, HIDDEN), inputs(3), torch.randn(1, 1, HIDDEN)
    np.testing.assert_allclose(rnn_trace(rnn, x, h0).hidden, reference(rnn, x, h0)[0].numpy(), atol=1e-5)


def test_unsupported_shapes_are_refused():
    with pytest.raises(ValueError, match="single-layer"):
        cell_trace(nn.LSTM(INPUT, HIDDEN, num_layers=2), inputs())
    with pytest.raises(ValueError, match="inputs must be"):
        cell_trace(nn.GRU(INPUT, HIDDEN), torch.zeros(5, INPUT + 1))
    with pytest.raises(TypeError):
        cell_trace(nn.Linear(2, 2), inputs())


def numbers(line):
    """The decimal numbers written in an equation line, in order."""
    return [float(n) for n in re.findall(r"-?\d+\.\d+", line)]


def test_equations_show_the_traced_numbers():
    """Each cell's equation, against gates recomputed here from torch.nn's weights and outputs."""
    torch.manual_seed(0)
    x, t, unit = inputs(), 5, 3
    lstm = nn.LSTM(INPUT, HIDDEN)
    lines = step_equations(cell_trace(lstm, x), t, unit)
    _, (h, c) = reference(lstm, x[: t + 1])
    _, (_, c_prev) = reference(lstm, x[:t])
    i, f, g, o = (x[t] @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + h_prev_of(lstm, x, t) @ lstm.weight_hh_l0.T
                  + lstm.bias_hh_l0).detach().chunk(4)
    i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
    np.testing.assert_allclose(numbers(lines[0]), [i[unit], f[unit], g[unit], o[unit]], atol=1e-3)
    np.testing.assert_allclose(numbers(lines[1]), [f[unit], c_prev[0, 0, unit], i[unit], g[unit], c[0, 0, unit]],
                               atol=1e-3)
    np.testing.assert_allclose(numbers(lines[2]), [o[unit], c[0, 0, unit], h[0, 0, unit]], atol=1e-3)

    gru = nn.GRU(INPUT, HIDDEN)
    lines = step_equations(cell_trace(gru, x), t, unit)
    h_prev, h = h_prev_of(gru, x, t), reference(gru, x[: t + 1])[0][t]
    x_r, x_z, x_n = (x[t] @ gru.weight_ih_l0.T + gru.bias_ih_l0).detach().chunk(3)
    h_r, h_z, h_n = (h_prev @ gru.weight_hh_l0.T + gru.bias_hh_l0).detach().chunk(3)
    r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)
    np.testing.assert_allclose(numbers(lines[0]), [r[unit], z[unit], n[unit]], atol=1e-3)
    np.testing.assert_allclose(numbers(lines[1]), [z[unit], n[unit], z[unit], h_prev[unit], h[unit]], atol=1e-3)

    rnn = nn.RNN(INPUT, HIDDEN)
    lines = step_equations(cell_trace(rnn, x), t, unit)
    h_prev, h = h_prev_of(rnn, x, t), reference(rnn, x[: t + 1])[0][t]
    x_term = (x[t] @ rnn.weight_ih_l0.T + rnn.bias_ih_l0)[unit].item()
    h_term = (h_prev @ rnn.weight_hh_l0.T + rnn.bias_hh_l0)[unit].item()
    assert r"\tanh(" in lines[0]
    np.testing.assert_allclose(numbers(lines[0]), [x_term, h_term, x_term + h_term, h[unit]], atol=1e-3)
    assert np.tanh(x_term + h_term) == pytest.approx(h[unit].item(), abs=1e-5)  # the squashed sum is h_t
    np.testing.assert_allclose(numbers(lines[1]), [h_prev[unit], h_term], atol=1e-3)
    relu = step_equations(cell_trace(nn.RNN(INPUT, HIDDEN, nonlinearity="relu"), x), t, unit)
    assert "relu" in relu[0] and r"\tanh" not in relu[0]


def h_prev_of(module, x, t):
    """torch.nn's hidden state before step t, (H,)."""
    return torch.zeros(HIDDEN) if t == 0 else reference(module, x[:t])[0][t - 1]
