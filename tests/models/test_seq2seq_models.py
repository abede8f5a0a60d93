"""The numbers-in-words task and the shipped encoder-decoders, plain and with attention.

Oracles: Python's own arithmetic for the task, a one-example-at-a-time
teacher-forced loop (no padding, no batching) for the batched loss, the
shipped metrics.json for the accuracies, and fresh samples for the claims.
"""

import json

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from models.seq2seq_models import (KINDS, TOP_CANDIDATES, WEIGHTS_DIR, Seq2Seq, Seq2SeqConfig, greedy_decode,
                                   load_shipped_seq2seq, translate, weights_path)
from models.seq2seq_tasks import (ACCEPTS, COMMON_SOURCE_CHARS, END, EXAMPLES, MAX_SOURCE_CHARS, SOURCE_INDEX,
                                  TRAIN_MAX_SOURCE_CHARS, encode_source, encode_target, examples,
                                  longest_source_chars, number_to_words, training_examples)
from models.train_seq2seq import (BUCKET_COUNT, FINAL_LOSS, TrainConfig, batch, bottleneck_curve, exact_match,
                                  teacher_forced_loss, train)

METRICS = json.loads((WEIGHTS_DIR / "metrics.json").read_text())
FRESH_SEED = 31337  # none of the script's seeds: a sample the script never scored


@pytest.fixture(scope="module")
def shipped():
    return {kind: load_shipped_seq2seq(kind) for kind in KINDS}


# ---- task -------------------------------------------------------------------

def test_numbers_in_words():
    assert number_to_words(0) == "zero"
    assert number_to_words(342_007) == "three hundred forty-two thousand seven"
    assert number_to_words(1_000_010) == "one million ten"
    assert number_to_words(999_999_999).startswith("nine hundred ninety-nine million")
    with pytest.raises(ValueError):
        number_to_words(1_000_000_000)


def test_examples_are_seeded_correct_and_within_their_lengths():
    pairs = examples(300, seed=5)
    assert pairs == examples(300, seed=5) and pairs != examples(300, seed=6)
    for words, digits in pairs:
        assert number_to_words(int(digits)).replace("-", " ") == words.replace("-", " ")
    lengths = np.array([len(words) for words, _ in training_examples(4000, seed=0)])
    assert lengths.max() <= TRAIN_MAX_SOURCE_CHARS and lengths.min() <= 5  # lengths vary widely
    assert 0.02 < (lengths > COMMON_SOURCE_CHARS).mean() < 0.1  # long inputs are there, but rare
    assert all(61 <= len(words) <= 80 for words, _ in examples(50, seed=1, min_chars=61, max_chars=80))
    assert longest_source_chars() == max(len(number_to_words(n)) for n in (777_777_777, 777_373_777, 373_777_373))
    assert longest_source_chars() == TRAIN_MAX_SOURCE_CHARS <= MAX_SOURCE_CHARS


def test_page_examples_are_known_and_long_ones_are_rare_in_training():
    for text in EXAMPLES["short"] + EXAMPLES["long"]:
        assert not any(encode_source(text)[1]), text
    assert all(len(text) <= COMMON_SOURCE_CHARS for text in EXAMPLES["short"])
    assert all(COMMON_SOURCE_CHARS < len(text) <= TRAIN_MAX_SOURCE_CHARS for text in EXAMPLES["long"])


def test_unknown_characters_are_flagged(shipped):
    ids, unknown = encode_source("Forty-two, 3!")
    assert unknown == [False] * 9 + [True, False, True, True]
    assert ids[0] == SOURCE_INDEX["f"] and ids[9] == 0
    assert "hyphens" in ACCEPTS
    result = translate(shipped["attention"], "forty-two!")  # still runs: the page flags, the model reads
    assert result.source_tokens == list("forty-two!") and result.attention.shape[1] == 10


def test_empty_or_overlong_input_says_what_to_do(shipped):
    for text in ("", "   "):
        with pytest.raises(ValueError, match="Type a number in words"):
            translate(shipped["plain"], text)
    with pytest.raises(ValueError, match=f"at most {MAX_SOURCE_CHARS} characters"):
        translate(shipped["attention"], "one " * 60)


# ---- shipped models ---------------------------------------------------------

def test_shipped_weights_are_small_and_the_models_share_sizes(shipped):
    assert sum(weights_path(kind).stat().st_size for kind in KINDS) < 1_000_000
    plain, attention = shipped["plain"].config, shipped["attention"].config
    assert (plain.embed_size, plain.hidden_size) == (attention.embed_size, attention.hidden_size)
    assert not plain.attention and attention.attention and not shipped["plain"].training
    with pytest.raises(ValueError, match="plain, attention"):
        load_shipped_seq2seq("transformer")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("text", EXAMPLES["short"] + EXAMPLES["long"])
def test_attention_rows_sum_to_one_and_translation_has_every_view(shipped, kind, text):
    model = shipped[kind]
    result = translate(model, text)
    steps, hidden = len(result.output_tokens), model.config.hidden_size
    assert result.encoder_states.shape == (len(text), hidden)
    assert len(result.top_candidates) == steps and all(len(c) == TOP_CANDIDATES for c in result.top_candidates)
    for written, candidates in zip(result.output_tokens, result.top_candidates):
        probabilities = [p for _, p in candidates]
        assert candidates[0][0] == written and probabilities == sorted(probabilities, reverse=True)
        assert 0 < sum(probabilities) <= 1 + 1e-6
    assert "".join(result.output_tokens[:-1]) == greedy_decode(model, [text])[0]
    if kind == "plain":
        assert result.attention is None
        np.testing.assert_allclose(result.context, result.encoder_states[-1], atol=1e-6)  # h_S, the context vector
    else:
        assert result.attention.shape == (steps, len(text)) and (result.attention >= 0).all()
        np.testing.assert_allclose(result.attention.sum(axis=1), 1, atol=1e-5)
        assert result.context.shape == (steps, hidden)
        np.testing.assert_allclose(result.context, result.attention @ result.encoder_states, atol=1e-5)


@torch.no_grad()
def one_by_one_loss(model, pairs):
    """Teacher-forced cross-entropy per target token, each pair alone, step by step (no padding, no batch)."""
    nats, tokens = 0.0, 0
    for words, digits in pairs:
        src = torch.tensor([encode_source(words)[0]])  # (1, S)
        mask = torch.ones_like(src, dtype=torch.bool)
        states, final = model.encoder(src, mask)
        memory = model.decoder.memory(states, final, mask)
        target, s = encode_target(digits), final
        for previous, token in zip(target[:-1], target[1:]):
            logits, s, _, _ = model.decoder.step(torch.tensor([previous]), s, memory)
            nats += F.cross_entropy(logits, torch.tensor([token]), reduction="sum").item()
            tokens += 1
    return nats / tokens


@pytest.mark.parametrize("kind", KINDS)
def test_teacher_forcing_reproduces_the_training_loss(shipped, kind):
    model = shipped[kind]
    training = METRICS["models"][kind]["training"]
    config = TrainConfig(**{k: training[k] for k in ("steps", "batch_size", "learning_rate", "max_grad_norm", "seed")})
    # the last training batches, exactly as the script drew them
    pairs = training_examples(config.steps * config.batch_size, seed=config.seed)[-20 * config.batch_size:]
    with torch.no_grad():
        batched = teacher_forced_loss(model, *batch(pairs[-config.batch_size:])).item()
        recent = np.mean([teacher_forced_loss(model, *batch(pairs[i:i + config.batch_size])).item()
                          for i in range(0, len(pairs), config.batch_size)])
    assert batched == pytest.approx(one_by_one_loss(model, pairs[-config.batch_size:]), abs=1e-5)
    # the stated loss was averaged over the last 100 steps, while the weights still moved
    assert recent == pytest.approx(training[FINAL_LOSS], abs=0.02 + 0.5 * training[FINAL_LOSS])


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_models_reach_their_stated_accuracy_on_a_fresh_sample(shipped, kind):
    fresh = training_examples(400, FRESH_SEED)
    # 400 draws: the standard error at 90% is 1.5 points; 5 points is over three of them
    assert exact_match(shipped[kind], fresh) >= METRICS["models"][kind]["held out accuracy"] - 0.05


@pytest.mark.parametrize("kind", KINDS)
def test_the_shipped_bottleneck_curve_is_recomputed(shipped, kind):
    assert bottleneck_curve(shipped[kind], BUCKET_COUNT) == METRICS["models"][kind]["accuracy by source length"]


def test_attention_beats_the_plain_model_on_long_inputs(shipped):
    long = examples(300, FRESH_SEED, min_chars=COMMON_SOURCE_CHARS + 1)
    plain, attention = exact_match(shipped["plain"], long), exact_match(shipped["attention"], long)
    assert attention > plain + 0.3, (plain, attention)


def word_of_each_character(text):
    """0 for the characters of the first word (and the space or hyphen after it), 1 for the second, ..."""
    return np.cumsum([0] + [char in " -" for char in text[:-1]])


@pytest.mark.parametrize("text, digits", [("three hundred forty-two thousand seven hundred fifteen", "342715"),
                                          (EXAMPLES["long"][0], "987654321")])
def test_typed_numbers_align_near_the_diagonal(shipped, text, digits):
    """Each digit looks at the words it comes from, left to right: the word under the attention peak never moves back.

    Words, not characters: both digits of "fifteen" come from one word, and may peak anywhere in it.
    """
    result = translate(shipped["attention"], text)
    assert "".join(result.output_tokens) == digits + END
    weights = result.attention[:-1]  # (digits, S); the END step looks wherever it likes
    peak_words = word_of_each_character(text)[weights.argmax(axis=1)]
    assert (np.diff(peak_words) >= 0).all(), peak_words
    assert peak_words[0] == 0 and peak_words[-1] >= word_of_each_character(text)[-1] - 1  # corner to corner
    assert np.median(weights.max(axis=1)) > 0.3  # a peak, not a flat spread


def test_training_reports_every_step_and_learns():
    torch.manual_seed(0)
    model = Seq2Seq(Seq2SeqConfig.tiny(attention=True))
    seen = []
    losses = train(model, TrainConfig(steps=60, batch_size=32, learning_rate=2e-2),
                   on_step=lambda step, loss: seen.append(step))
    assert seen == list(range(60)) and len(losses) == 60
    assert np.mean(losses[-5:]) < np.mean(losses[:5]) - 0.3
    assert not model.training
