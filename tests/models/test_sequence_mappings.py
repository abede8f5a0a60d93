"""The four sequence mappings on the shipped models.

Oracles: the model's own batched forward pass (one_to_one, many_to_one,
many_to_many), and for one_to_many a generation loop written here that carries
torch.nn's recurrent state step by step instead of re-reading the prefix.
"""

import pytest
import torch

from models.recurrent_models import load_shipped_model, run_with_trace
from models.recurrent_tasks import TASKS, depth_targets, encode
from models.sequence_mappings import (DEMO_LIMITS, demo_input, many_to_many, many_to_one, one_to_many, one_to_one,
                                      prediction_accuracy, step_targets)

TEXT, BRACKETS = TASKS["text"], TASKS["brackets"]


@pytest.fixture(scope="module")
def models():
    return {task: load_shipped_model(task, "lstm") for task in TASKS}


@torch.no_grad()
def forward_labels(model, task, text):
    """The label of the most likely class after each character, by the model's own forward pass."""
    logits = model(torch.tensor([encode(task, text).ids]))[0]  # (T, O)
    return [task.outputs[k] for k in logits.argmax(-1).tolist()]


@torch.no_grad()
def stepped_generation(model, task, first, length):
    """Greedy generation that feeds one character at a time and carries the (h, c) state along."""
    ids, state, outputs = encode(task, first).ids, None, []
    x = model.embed(torch.tensor([ids]))  # (1, 1, E)
    for _ in range(length):
        hidden, state = model.rnn(x, state)  # (1, 1, H)
        next_id = int(model.head(hidden[0, -1]).argmax())
        outputs.append(task.outputs[next_id])
        x = model.embed(torch.tensor([[next_id]]))
    return outputs


@pytest.mark.parametrize("char", ["q", "T", "(", "é"])
def test_one_to_one_is_one_input_and_its_one_prediction(models, char):
    demo = one_to_one(run_with_trace(models["text"], TEXT, char), TEXT)
    assert demo.name == "one-to-one" and demo.inputs == [char]
    assert demo.outputs == forward_labels(models["text"], TEXT, char)


@pytest.mark.parametrize("first", ["T", "d", " ", "é"])
def test_one_to_many_feeds_its_outputs_back(models, first):
    demo = one_to_many(models["text"], TEXT, first, length=20)
    assert demo.name == "one-to-many" and demo.inputs == [first] and len(demo.outputs) == 20
    assert demo.outputs == stepped_generation(models["text"], TEXT, first, 20)
    assert all(label in TEXT.outputs for label in demo.outputs)


def test_one_to_many_reads_only_the_first_character_and_defaults_to_the_demo_length(models):
    demo = one_to_many(models["text"], TEXT, "Th")
    assert demo.inputs == ["T"] and len(demo.outputs) == DEMO_LIMITS.generated
    assert demo.outputs == one_to_many(models["text"], TEXT, "T").outputs


def test_one_to_many_refuses_what_it_cannot_do(models):
    with pytest.raises(ValueError, match="next-character task"):
        one_to_many(models["brackets"], BRACKETS, "(")  # depth labels cannot be read back in
    with pytest.raises(ValueError, match="one character"):
        one_to_many(models["text"], TEXT, "")


@pytest.mark.parametrize("text", ["(()(()))(", "((a)(b(c", "()", "(x (y z) w)) ((open", "((é))"])
def test_many_to_one_answers_once_with_the_last_step(models, text):
    demo = many_to_one(run_with_trace(models["brackets"], BRACKETS, text), BRACKETS)
    assert demo.name == "many-to-one" and demo.inputs == list(text) and len(demo.outputs) == 1
    assert demo.outputs == forward_labels(models["brackets"], BRACKETS, text)[-1:]
    assert demo.outputs == [str(depth_targets(text)[-1])]  # and the trained counter gets these right


@pytest.mark.parametrize("text", ["((a)(b))", "(((", "x"])
def test_many_to_many_ties_output_length_to_input_length(models, text):
    demo = many_to_many(run_with_trace(models["brackets"], BRACKETS, text), BRACKETS)
    assert len(demo.inputs) == len(demo.outputs) == len(text)
    assert demo.outputs == forward_labels(models["brackets"], BRACKETS, text)


def test_accuracy_and_targets(models):
    text = "(a(b)c)"
    run = run_with_trace(models["brackets"], BRACKETS, text)
    assert step_targets(BRACKETS, text) == [str(d) for d in depth_targets(text)]
    assert step_targets(TEXT, "abc") == ["b", "c"]  # text: the next character of each step but the last
    wrong = ["6" if label != "6" else "0" for label in forward_labels(models["brackets"], BRACKETS, text)]
    assert prediction_accuracy(run, BRACKETS, wrong) == 0.0
    assert prediction_accuracy(run, BRACKETS, forward_labels(models["brackets"], BRACKETS, text)) == 1.0
    assert prediction_accuracy(run, BRACKETS, []) == 0.0


def test_demo_input_cuts_at_the_limit_and_says_so():
    assert demo_input("(" * 61, 60) == ("(" * 60, True)
    assert demo_input("(" * 60, 60) == ("(" * 60, False)
    assert demo_input("", 60) == ("", False)
