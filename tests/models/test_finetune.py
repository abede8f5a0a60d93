"""The fine-tuning lab's job: frozen blocks stay frozen, the shared encoder is never touched.

Oracles: the shared encoder's own weights (before and after), the optimizer's
parameter groups, a by-hand slow pass through the whole encoder for the fast
path, and a model rebuilt from the stored parameters for the test predictions.
"""

import pytest
import torch

import models.finetune as finetune
from models.finetune import (BLOCKS, ENCODER_BLOCKS, FINE_TUNE_EVERYTHING, PRESETS, TRANSFER_LEARNING,
                             TRAINED_ROW_IDS, WORD_EMBEDDINGS, FinetuneConfig, block_of, classifier_copy, freeze_bottom, parameter_counts, predict,
                             run_finetune, trained_model)
from models.embedding_rows import TrainedRows
from models.labelled_data import LabelledData, shipped_reviews
from models.registry import PACKAGED_ENCODER
from models.transformer_loading import load_transformer

TOP_TWO = freeze_bottom(4)  # layers 4, 5 and the head learn


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Two torch threads on a busy 2-core machine spin against each other (10x slower); results are per thread count."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def base():
    return load_transformer(PACKAGED_ENCODER)


@pytest.fixture(scope="module")
def small() -> LabelledData:
    """96 training and 48 test reviews, both labels in each."""
    data = shipped_reviews()
    return LabelledData(data.train_texts[:96], data.train_labels[:96], data.test_texts[:48],
                        data.test_labels[:48], data.classes, "test slice")


@pytest.fixture(scope="module")
def snapshot(base):
    return {name: tensor.clone() for name, tensor in base.model.state_dict().items()}


@pytest.fixture
def trained_copies(monkeypatch):
    """Every model the optimisation loop trains, kept for inspection."""
    seen = []
    real = finetune.train_steps

    def spy(model, *args, **kwargs):
        seen.append(model)
        return real(model, *args, **kwargs)

    monkeypatch.setattr(finetune, "train_steps", spy)
    return seen


def assert_base_untouched(base, snapshot):
    assert not base.model.training
    assert not any(p.requires_grad for p in base.model.parameters())
    for name, tensor in base.model.state_dict().items():
        assert torch.equal(tensor, snapshot[name]), name


# ---- blocks and counts ------------------------------------------------------------------

def test_presets_and_blocks():
    assert BLOCKS == ("embeddings", *(f"layer {i}" for i in range(6)), "head")
    assert TRANSFER_LEARNING == set(ENCODER_BLOCKS) and FINE_TUNE_EVERYTHING == set()
    assert freeze_bottom(0) == {"embeddings"} and freeze_bottom(2) == {"embeddings", "layer 0", "layer 1"}
    assert PRESETS["fine-tune the top 2 layers"] == TOP_TWO
    with pytest.raises(ValueError):
        freeze_bottom(7)


@pytest.mark.parametrize("frozen", list(PRESETS.values()) + [frozenset({"layer 2"})], ids=str)
def test_parameter_counts_match_the_model_and_requires_grad(base, frozen):
    counts = parameter_counts(base, frozen, num_classes=3)
    model = classifier_copy(base, 3, FinetuneConfig(frozen=frozen))
    assert counts.total == sum(counts.per_block.values()) == sum(p.numel() for p in model.parameters())
    assert counts.trainable == sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert counts.per_block["head"] == 384 * 3 + 3
    pooler = sum(p.numel() for p in base.model.pooler.parameters())
    assert counts.total == sum(p.numel() for p in base.model.parameters()) - pooler + 384 * 3 + 3
    assert {block_of(name) for name, _ in model.named_parameters()} == set(BLOCKS)


def test_bad_frozen_blocks_are_refused(base, small):
    with pytest.raises(ValueError, match="head is always trained"):
        run_finetune(base, small, FinetuneConfig.tiny(frozen=frozenset({"head"})))
    with pytest.raises(ValueError, match="Unknown blocks"):
        run_finetune(base, small, FinetuneConfig.tiny(frozen=frozenset({"layer 9"})))
    with pytest.raises(ValueError, match="eval_every must be at least 1"):
        run_finetune(base, small, FinetuneConfig.tiny(eval_every=0))


# ---- freezing ---------------------------------------------------------------------------

def test_frozen_blocks_stay_bit_identical_and_the_base_is_untouched(base, small, snapshot, trained_copies,
                                                                   monkeypatch):
    optimizers = []
    real_adamw = torch.optim.AdamW

    class SpyAdamW(real_adamw):
        def __init__(self, params, **kwargs):
            super().__init__(params, **kwargs)
            optimizers.append(self)

    monkeypatch.setattr(torch.optim, "AdamW", SpyAdamW)
    config = FinetuneConfig.tiny(frozen=TOP_TWO, steps=3)
    result = run_finetune(base, small, config)

    (model,) = trained_copies
    assert model is not base.model and model.encoder is not base.model
    for name, parameter in model.named_parameters():
        original = snapshot[name.removeprefix("encoder.")] if name.startswith("encoder.") else None
        if block_of(name) in TOP_TWO:
            assert torch.equal(parameter, original), name
        elif original is not None and parameter.dim() == 2:  # matrices of the learning layers moved
            assert not torch.equal(parameter, original), name
    for block in BLOCKS:
        assert (result.weight_change[block] == 0.0) == (block in TOP_TWO), block
    (optimizer,) = optimizers
    held = {id(p) for group in optimizer.param_groups for p in group["params"]}
    assert held == {id(p) for p in model.parameters() if p.requires_grad}
    assert set(result.trained_state) == {n for n, _ in model.named_parameters() if block_of(n) not in TOP_TWO}
    assert result.trainable_parameters == parameter_counts(base, TOP_TWO).trainable
    assert_base_untouched(base, snapshot)


def test_fine_tuning_everything_changes_every_block_but_not_the_base(base, small, snapshot):
    result = run_finetune(base, small, FinetuneConfig.tiny(frozen=FINE_TUNE_EVERYTHING, steps=2))
    assert not result.fast_path and result.frozen_parameters == 0
    assert all(result.weight_change[block] > 0 for block in BLOCKS)
    assert_base_untouched(base, snapshot)


def test_copies_share_the_frozen_blocks_tensors_and_copy_the_learning_ones(base):
    model = classifier_copy(base, 2, FinetuneConfig(frozen=TOP_TWO))
    shared = {id(p) for p in base.model.parameters()}
    for name, parameter in model.named_parameters():
        assert (id(parameter) in shared) == (block_of(name) in TOP_TWO), name


def test_trained_rows_embed_like_the_dense_table_they_replace(base):
    table = base.model.embeddings.word_embeddings.weight
    rows = TrainedRows(table, torch.tensor([7, 2023, 101, 7]))
    assert rows.ids.tolist() == [7, 101, 2023] and rows.rows.shape == (3, 384)
    with torch.no_grad():
        rows.rows.add_(1.0)
    input_ids = torch.tensor([[101, 5, 2023, 0], [7, 7, 9, 102]])  # (B, T)
    expected = torch.nn.functional.embedding(input_ids, rows.weight)
    assert torch.equal(rows(input_ids), expected)
    assert torch.equal(rows.weight[5], table[5]) and torch.equal(rows.weight[7], table[7] + 1.0)
    loss = rows(input_ids).sum()
    loss.backward()
    assert table.grad is None and rows.rows.grad is not None


def test_learning_only_the_used_embedding_rows_trains_exactly_what_a_dense_table_would(base, small, snapshot):
    """Rows of tokens outside the training texts get no gradient, so a dense table leaves them alone too
    (weight decay off: it would shrink them, the only difference)."""
    config = FinetuneConfig.tiny(frozen=FINE_TUNE_EVERYTHING, steps=3, weight_decay=0.0)
    sparse = run_finetune(base, small, config)
    dense = run_finetune(base, small, FinetuneConfig.tiny(frozen=FINE_TUNE_EVERYTHING, steps=3, weight_decay=0.0,
                                                          dense_embeddings=True))
    word = f"{WORD_EMBEDDINGS}.weight"
    assert word in dense.trained_state and word not in sparse.trained_state
    ids = sparse.trained_state[TRAINED_ROW_IDS]
    assert 100 < len(ids) < 5000  # the reviews use a small part of the 30,522 rows
    assert torch.allclose(sparse.trained_state[f"{WORD_EMBEDDINGS}.rows"], dense.trained_state[word][ids], atol=1e-6)
    untouched = torch.ones(len(dense.trained_state[word]), dtype=torch.bool)
    untouched[ids] = False
    assert torch.equal(dense.trained_state[word][untouched], snapshot["embeddings.word_embeddings.weight"][untouched])
    for name, tensor in dense.trained_state.items():
        if name != word:
            assert torch.allclose(sparse.trained_state[name], tensor, atol=1e-6), name
    assert [r.loss for r in sparse.history] == pytest.approx([r.loss for r in dense.history], abs=1e-6)
    assert sparse.weight_change == pytest.approx(dense.weight_change, rel=1e-4)
    assert [p for p, _ in predict(base, sparse, small.test_texts)] == [p for p, _ in predict(base, dense, small.test_texts)]
    assert_base_untouched(base, snapshot)


# ---- the fast path ----------------------------------------------------------------------

def test_fast_path_trains_the_same_head_as_full_passes_through_a_frozen_copy(base, small, snapshot):
    config = FinetuneConfig.tiny(frozen=TRANSFER_LEARNING, steps=6)
    fast = run_finetune(base, small, config)
    slow = run_finetune(base, small, FinetuneConfig.tiny(frozen=TRANSFER_LEARNING, steps=6, fast_path=False))
    assert fast.fast_path and not slow.fast_path
    for name in ("head.weight", "head.bias"):
        assert torch.allclose(fast.trained_state[name], slow.trained_state[name], atol=1e-5), name
    assert set(fast.trained_state) == {"head.weight", "head.bias"}
    assert fast.test_accuracy == slow.test_accuracy
    assert [block for block, change in fast.weight_change.items() if change > 0] == ["head"]
    assert_base_untouched(base, snapshot)


def test_transfer_learning_on_the_shipped_reviews_is_well_above_chance(base, snapshot):
    data = shipped_reviews()
    result = run_finetune(base, data, FinetuneConfig(frozen=TRANSFER_LEARNING, steps=150))
    assert result.fast_path and result.steps_done == 150 and result.stopped == "steps"
    assert result.test_accuracy >= 0.62, result.test_accuracy
    assert result.seconds < 30
    assert sum(map(sum, result.confusion)) == 160
    labels = [label for label, _ in predict(base, result, data.test_texts)]
    predicted = sum(label == data.classes[y] for label, y in zip(labels, data.test_labels)) / 160
    assert predicted == pytest.approx(result.test_accuracy, abs=1 / 160)  # padding differs by batch
    assert_base_untouched(base, snapshot)


# ---- reporting, stopping, bounds ----------------------------------------------------------

def test_callback_sees_every_step_and_rebuilt_model_gives_the_same_test_predictions(base, small):
    reports = []
    config = FinetuneConfig.tiny(frozen=freeze_bottom(5), steps=12, eval_every=4)
    result = run_finetune(base, small, config, reports.append)
    assert [r.step for r in reports] == list(range(1, 13)) and reports == result.history
    assert [r.step for r in reports if r.accuracy is not None] == [4, 8, 12]
    assert all(r.seconds > 0 and r.steps_per_second > 0 for r in reports)
    assert result.test_accuracy >= 0.5  # chance on the balanced slice; a short run does not do worse
    model = trained_model(base, result)
    again = predict(base, result, small.test_texts)
    assert sum(small.classes[y] == label for (label, _), y in zip(again, small.test_labels)) / 48 == \
        pytest.approx(result.test_accuracy, abs=1 / 48)
    assert all(0.5 <= p <= 1 for _, p in again)
    assert not model.training


def test_returning_false_stops_the_run(base, small):
    result = run_finetune(base, small, FinetuneConfig.tiny(frozen=freeze_bottom(5), steps=10),
                          lambda report: report.step < 2)
    assert result.steps_done == 2 and result.stopped == "callback" and len(result.history) == 2


def test_max_seconds_bounds_the_run(base, small):
    result = run_finetune(base, small, FinetuneConfig.tiny(frozen=freeze_bottom(5), steps=1000, max_seconds=0.5))
    assert result.stopped == "time" and result.steps_done < 1000


def test_same_config_same_result_and_another_seed_differs(base, small):
    config = FinetuneConfig.tiny(frozen=freeze_bottom(5), steps=3)
    first, second = run_finetune(base, small, config), run_finetune(base, small, config)
    other = run_finetune(base, small, FinetuneConfig.tiny(frozen=freeze_bottom(5), steps=3, seed=1))
    assert [r.loss for r in first.history] == [r.loss for r in second.history]
    assert all(torch.equal(first.trained_state[n], second.trained_state[n]) for n in first.trained_state)
    assert not torch.equal(first.trained_state["head.weight"], other.trained_state["head.weight"])
