"""Gate-by-gate traces against torch.nn's own RNN, LSTM and GRU."""

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


def test_equations_show_the_traced_numbers():
    torch.manual_seed(0)
    trace = cell_trace(nn.LSTM(INPUT, HIDDEN), inputs())
    lines = step_equations(trace, 5, 3)
    assert f"{trace.states['c'][5, 3]:.3f}" in lines[1] and f"{trace.states['c'][4, 3]:.3f}" in lines[1]
    assert "h_t" in step_equations(cell_trace(nn.GRU(INPUT, HIDDEN), inputs()), 0, 0)[1]
