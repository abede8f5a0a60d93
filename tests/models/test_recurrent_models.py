"""The shipped recurrent models, their traced runs and their gradient flow.

Oracles: torch.nn's own forward pass for the traces, a plain loop over the
held-out sample for the reported metrics, and central finite differences for
the gradients.
"""

import json
import math

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from models.gradient_flow import hidden_state_gradient_norms
from models.recurrent_models import (CELLS, WEIGHTS_DIR, RecurrentConfig, SequenceModel, load_shipped_model,
                                     run_with_trace, weights_path)
from models.recurrent_tasks import (HELD_OUT_SEED, HELD_OUT_STRINGS, MAX_DEPTH, MAX_STEPS, TASKS, UNKNOWN,
                                    bracket_strings, encode, held_out_texts, inputs_and_targets)
from models.sequence_features import FEATURES, bracket_depth
from models.train_recurrent import TRAINING, TrainConfig, pooled_trace, train, training_batches
from models.unit_finder import rank_units

METRICS = json.loads((WEIGHTS_DIR / "metrics.json").read_text())
SHIPPED = [(task, cell) for task in TASKS for cell in CELLS]


@pytest.fixture(scope="module")
def shipped():
    return {(task, cell): load_shipped_model(task, cell) for task, cell in SHIPPED}


# ---- tasks ------------------------------------------------------------------

@pytest.mark.parametrize("task", TASKS.values(), ids=list(TASKS))
def test_task_examples_are_known_and_feature_exists(task):
    assert task.vocabulary[0] == UNKNOWN and len(set(task.vocabulary)) == len(task.vocabulary)
    assert task.feature in FEATURES
    for example in task.examples:
        encoded = encode(task, example)
        assert not any(encoded.unknown) and not encoded.truncated, example


def test_bracket_strings_are_seeded_and_stay_within_depth():
    strings = bracket_strings(300, seed=5)
    assert strings == bracket_strings(300, seed=5) and strings != bracket_strings(300, seed=6)
    depths = np.concatenate([bracket_depth(text) for text in strings])
    assert depths.max() == MAX_DEPTH and (depths == 0).mean() < 0.3
    assert 10 <= min(map(len, strings)) and max(map(len, strings)) <= 120


def test_held_out_bracket_strings_were_never_trained_on():
    """Oracle: the training script's own batches, and a fresh replay of both seeds' streams."""
    config, task = TRAINING["brackets"], TASKS["brackets"]
    batches = training_batches(task, config)
    rows = [row for _ in range(3) for row in next(batches)[0].tolist()]  # the first batches' input ids
    for row, text in zip(rows, bracket_strings(len(rows), config.seed), strict=True):
        assert row[:len(text)] == encode(task, text).ids and not any(row[len(text):])  # then padding
    seen = set(bracket_strings(config.steps * config.batch_size, config.seed))
    stream = bracket_strings(HELD_OUT_STRINGS + 50, HELD_OUT_SEED)
    held_out = held_out_texts(task)
    assert any(text in seen for text in stream[:HELD_OUT_STRINGS])  # the overlap this guards against is real
    assert held_out == [text for text in stream if text not in seen][:HELD_OUT_STRINGS]
    assert not seen & set(held_out)


def test_unknown_characters_are_marked_and_mapped_to_zero(shipped):
    text, brackets = TASKS["text"], TASKS["brackets"]
    assert encode(text, "a“b”\t").unknown == [False, True, False, True, True]
    assert encode(text, "a“b").ids == [text.vocabulary.index("a"), 0, text.vocabulary.index("b")]
    assert encode(brackets, "(é[x])" + UNKNOWN).ids == [1, 0, 0, brackets.vocabulary.index("x"), 0, 2, 0]
    run = run_with_trace(shipped["brackets", "lstm"], brackets, "(é)")
    assert run.ids == [1, 0, 2] and run.unknown == [False, True, False] and run.trace.steps == 3


def test_long_input_is_cut_at_max_steps_and_flagged(shipped):
    task, model = TASKS["text"], shipped["text", "gru"]
    long = "The cat sat (on the mat).\n" * 30
    run = run_with_trace(model, task, long)
    assert run.truncated and run.text == long[:MAX_STEPS] and len(run.ids) == MAX_STEPS
    assert run.trace.hidden.shape == (MAX_STEPS, model.config.hidden_size)
    assert run.probabilities.shape == (MAX_STEPS, len(task.outputs))
    assert not run_with_trace(model, task, long[:MAX_STEPS]).truncated


def test_empty_text_says_what_to_do(shipped):
    with pytest.raises(ValueError, match="at least one character"):
        run_with_trace(shipped["brackets", "rnn"], TASKS["brackets"], "")
    with pytest.raises(ValueError, match="at least one character"):
        hidden_state_gradient_norms(shipped["brackets", "rnn"], TASKS["brackets"], "")


# ---- shipped models ---------------------------------------------------------

def test_shipped_weights_are_small_and_cells_share_sizes(shipped):
    total = sum(weights_path(task, cell).stat().st_size for task, cell in SHIPPED)
    assert total < 5_000_000
    for task in TASKS:
        sizes = {(m.config.embed_size, m.config.hidden_size) for (t, _), m in shipped.items() if t == task}
        assert len(sizes) == 1, f"{task}: the three cells differ in size {sizes}"
    assert not shipped["text", "lstm"].training


def test_unknown_task_or_cell_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="lstm, gru, rnn"):
        load_shipped_model("brackets", "transformer")


def test_training_reports_every_step_and_learns():
    task = TASKS["brackets"]
    torch.manual_seed(0)
    model = SequenceModel(RecurrentConfig.for_task(task, "lstm", preset="tiny"))
    seen = []
    losses = train(model, task, TrainConfig(steps=60, learning_rate=3e-2), on_step=lambda step, loss: seen.append(step))
    assert seen == list(range(60)) and len(losses) == 60
    assert np.mean(losses[-10:]) < np.mean(losses[:10]) - 0.3


@torch.no_grad()
def held_out_scores(model, task):
    """Loss and accuracy over the held-out sample, one text at a time (no padding)."""
    nats, hits, steps = 0.0, 0, 0
    for text in held_out_texts(task):
        ids, targets = inputs_and_targets(task, text)
        log_p = F.log_softmax(model(torch.tensor([ids]))[0], dim=-1)  # (T, O)
        targets = torch.tensor(targets)
        nats -= log_p[torch.arange(len(targets)), targets].sum().item()
        hits += (log_p.argmax(-1) == targets).sum().item()
        steps += len(targets)
    return nats / steps, hits / steps


@pytest.mark.parametrize("task, cell", SHIPPED)
def test_shipped_models_reach_the_reported_held_out_metrics(shipped, task, cell):
    reported = METRICS["models"][f"{task}_{cell}"]["held out"]
    loss, accuracy = held_out_scores(shipped[task, cell], TASKS[task])
    assert accuracy == pytest.approx(reported["accuracy"], abs=0.01)
    assert loss == pytest.approx(reported["loss"], abs=0.02)
    if task == "text":
        assert loss / math.log(2) == pytest.approx(reported["bits per character"], abs=0.03)


def test_reported_metrics_are_worth_showing():
    models = METRICS["models"]
    assert all(models[f"text_{cell}"]["held out"]["accuracy"] > 0.5 for cell in CELLS)
    assert all(models[f"brackets_{cell}"]["held out"]["accuracy"] > 0.9 for cell in CELLS)
    # the gated cells model text better than the plain RNN
    gated = max(models[f"text_{cell}"]["held out"]["loss"] for cell in ("lstm", "gru"))
    assert gated < models["text_rnn"]["held out"]["loss"]


@pytest.mark.parametrize("task, cell", SHIPPED)
def test_run_with_trace_equals_the_torch_module(shipped, task, cell):
    model, task = shipped[task, cell], TASKS[task]
    text = task.examples[-1]
    run = run_with_trace(model, task, text)
    ids = torch.tensor([encode(task, text).ids])  # (1, T)
    with torch.no_grad():
        hidden, _ = model.rnn(model.embed(ids))  # (1, T, H)
        probabilities = torch.softmax(model(ids), dim=-1)[0]  # (T, O)
    np.testing.assert_allclose(run.trace.hidden, hidden[0].numpy(), atol=1e-5)
    np.testing.assert_allclose(run.probabilities, probabilities.numpy(), atol=1e-5)
    np.testing.assert_allclose(run.probabilities.sum(axis=1), 1, atol=1e-5)


@pytest.mark.parametrize("cell", CELLS)
def test_each_bracket_model_has_a_unit_that_counts(shipped, cell):
    """The page's "find units" on held-out strings, run one by one from a zero state and pooled."""
    model, task = shipped["brackets", cell], TASKS["brackets"]
    texts = held_out_texts(task)[:100]
    pooled = pooled_trace([run_with_trace(model, task, text).trace for text in texts])
    best = rank_units(pooled, np.concatenate([bracket_depth(text) for text in texts]), top=1)[0]
    assert abs(best.correlation) > 0.9, best
    reported = METRICS["models"][f"brackets_{cell}"]["find units"]["bracket depth"]
    assert (best.state, best.unit) == (reported["state"], reported["unit"])
    assert best.correlation == pytest.approx(reported["correlation"], abs=1e-3)


@pytest.mark.parametrize("cell", CELLS)
def test_text_find_units_match_the_report_and_the_page_note(shipped, cell):
    """The text models' best units, as metrics.json reports them and as loosely as the page's note says."""
    model, task = shipped["text", cell], TASKS["text"]
    texts = held_out_texts(task)[:8]
    pooled = pooled_trace([run_with_trace(model, task, text).trace for text in texts])
    for name in FEATURES:
        best = rank_units(pooled, np.concatenate([FEATURES[name](text) for text in texts]), top=1)[0]
        reported = METRICS["models"][f"text_{cell}"]["find units"][name]
        assert (best.state, best.unit) == (reported["state"], reported["unit"]), name
        assert best.correlation == pytest.approx(reported["correlation"], abs=1e-3)
        if name in ("inside quotes", "position in line"):
            assert 0.1 < abs(best.correlation) < 0.45, (name, best)  # "|r| around 0.2 to 0.4"
    assert "brackets task" in task.units_note


# ---- gradient flow ----------------------------------------------------------

def finite_difference_norms(model, task, text, target, eps=1e-6):
    """||d loss / d h_t|| by central differences: nudge h_t (c_t held), run the rest of the text with torch.nn."""
    x = model.embed(torch.tensor([encode(task, text).ids]))  # (1, T, E)
    lstm = isinstance(model.rnn, torch.nn.LSTM)

    def loss_after(t, unit, nudge):
        _, state = model.rnn(x[:, :t + 1])
        h = state[0] if lstm else state  # (1, 1, H)
        h = h + nudge * F.one_hot(torch.tensor(unit), h.shape[-1]).to(h.dtype)
        state = (h, state[1]) if lstm else h
        if t + 1 < x.shape[1]:
            _, state = model.rnn(x[:, t + 1:], state)
        last = state[0] if lstm else state
        return F.cross_entropy(model.head(last[0]), torch.tensor([target])).item()

    return np.array([np.linalg.norm([(loss_after(t, k, eps) - loss_after(t, k, -eps)) / (2 * eps)
                                     for k in range(model.config.hidden_size)]) for t in range(x.shape[1])])


@pytest.mark.parametrize("cell", CELLS)
def test_gradient_norms_match_finite_differences(cell):
    task = TASKS["brackets"]
    torch.manual_seed(0)
    model = SequenceModel(RecurrentConfig.for_task(task, cell, preset="tiny")).double().eval()
    text = "(a(b)(c(d"
    norms = hidden_state_gradient_norms(model, task, text, target=2)
    with torch.no_grad():
        expected = finite_difference_norms(model, task, text, target=2)
    assert norms.shape == (len(text),)
    np.testing.assert_array_equal(hidden_state_gradient_norms(model, task, text),  # default: the true depth, 3
                                  hidden_state_gradient_norms(model, task, text, target=3))
    np.testing.assert_allclose(norms, expected, rtol=1e-5, atol=1e-9)
    assert all(p.grad is None for p in model.parameters())  # a shared model is left untouched


def test_plain_rnn_gradients_vanish_faster_than_gated_ones(shipped):
    """||dL/dh_0|| / ||dL/dh_99|| on held-out text: orders of magnitude smaller for the plain RNN.

    On text the next character hangs on recent ones but also on an open quote or
    bracket far back; only the gated cells keep a usable gradient that far.
    """
    task = TASKS["text"]
    texts = [window[:100] for window in held_out_texts(task)[:6]]

    def decay(cell):
        norms = [hidden_state_gradient_norms(shipped["text", cell], task, text) for text in texts]
        return np.array([n[0] / n[-1] for n in norms])

    rnn, lstm, gru = decay("rnn"), decay("lstm"), decay("gru")
    assert (rnn < lstm).all() and (rnn < gru).all(), (rnn, lstm, gru)
    assert np.median(rnn) < np.median(lstm) / 100 and np.median(rnn) < np.median(gru) / 100
