"""The numbers-in-words task and the shipped encoder-decoders, plain and with attention.

Oracles: Python's own arithmetic for the task, a one-example-at-a-time
teacher-forced loop (no padding, no batching) for the batched loss the script
recorded, the shipped metrics.json for the accuracies, the models' own
tensors for their sizes, and fresh samples for the claims.
"""

import json

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from models.seq2seq_metrics import bottleneck_curves, parameter_counts, rare_training_share
from models.seq2seq_models import (KINDS, TOP_CANDIDATES, WEIGHTS_DIR, Seq2Seq, Seq2SeqConfig, greedy_decode,
                                   load_shipped_seq2seq, translate, weights_path)
from models.seq2seq_tasks import (ACCEPTS, COMMON_SOURCE_CHARS, END, EXAMPLES, MAX_SOURCE_CHARS, SOURCE_INDEX,
                                  TRAIN_MAX_SOURCE_CHARS, encode_source, encode_target, examples,
                                  longest_source_chars, number_to_words, training_examples)
from models.train_seq2seq import (BUCKET_COUNT, FIXED_BATCH_LOSS, TrainConfig, batch, bottleneck_curve, exact_match,
                                  fixed_batch_pairs, teacher_forced_loss, train)

METRICS = json.loads((WEIGHTS_DIR / "metrics.json").read_text())
FRESH_SEED = 31337  # none of the script's seeds: a sample the script never scored
ALIGNMENT_SEED = 31338


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
def test_teacher_forcing_reproduces_the_recorded_loss_of_the_fixed_batch(shipped, kind):
    """The script scored the final weights on one seeded batch with its batched, padded training loss;
    decoding each pair alone, step by step, must give the same number."""
    recorded = METRICS["models"][kind]["training"][FIXED_BATCH_LOSS]
    pairs = fixed_batch_pairs()
    assert len(pairs) == TrainConfig.batch_size and len({len(words) for words, _ in pairs}) > 10  # padding at work
    assert one_by_one_loss(shipped[kind], pairs) == pytest.approx(recorded, abs=1e-6)
    with torch.no_grad():
        assert teacher_forced_loss(shipped[kind], *batch(pairs)).item() == pytest.approx(recorded, abs=1e-6)


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


def test_the_shipped_curve_shows_attention_ahead_where_long_inputs_are_rare_in_training():
    """The curve the page draws: in every bucket past COMMON_SOURCE_CHARS, attention leads by at least 0.3."""
    curves = bottleneck_curves()
    rare = [i for i, (shortest, _, _) in enumerate(curves["plain"]) if shortest > COMMON_SOURCE_CHARS]
    assert rare and curves["plain"][rare[-1]][1] == TRAIN_MAX_SOURCE_CHARS  # up to the grammar's longest input
    for i in rare:
        assert curves["attention"][i][2] - curves["plain"][i][2] >= 0.3, (curves["plain"][i], curves["attention"][i])
    stated = [b["rare in training"] for b in METRICS["models"]["plain"]["accuracy by source length"]]
    assert stated == [i in rare for i in range(len(curves["plain"]))]


def test_the_stated_share_of_rare_inputs_is_the_training_draws_share():
    lengths = np.array([len(words) for words, _ in training_examples(10_000, seed=TrainConfig.seed)])
    assert rare_training_share() == pytest.approx((lengths > COMMON_SOURCE_CHARS).mean(), abs=1e-9)
    assert rare_training_share() < 0.1


def test_stated_parameter_counts_are_the_models_and_attention_adds_its_own_weights(shipped):
    counted = {kind: sum(p.numel() for p in shipped[kind].parameters()) for kind in KINDS}
    assert parameter_counts() == counted
    hidden = shipped["attention"].config.hidden_size
    assert counted["attention"] - counted["plain"] == 2 * hidden * hidden + 2 * hidden  # W_s, W_h and its bias, v


def diagonal_correlation(attention, output_tokens):
    """Correlation of each step's attention centre (expected input position) with the step index.

    Over the steps that write a non-zero digit: every such digit comes from a word, and the words come
    left to right. A zero often has no word of its own (the six zeros of "five million seven"), so where
    its step looks is up to the model. None below three such steps: two points always line up.
    """
    steps = [i for i, token in enumerate(output_tokens) if token not in ("0", END)]
    if len(steps) < 3:
        return None
    centres = attention[steps] @ np.arange(attention.shape[1])  # (steps,)
    return float(np.corrcoef(centres, steps)[0, 1])


def test_attention_aligns_near_the_diagonal_on_a_fresh_sample(shipped):
    correlations = []
    for words, _ in examples(200, ALIGNMENT_SEED):
        result = translate(shipped["attention"], words)
        correlation = diagonal_correlation(result.attention, result.output_tokens)
        if correlation is not None:
            correlations.append(correlation)
    correlations = np.array(correlations)
    assert len(correlations) >= 100
    # the misses are 3-digit teens ("five hundred fourteen"): both last digits come from one word
    assert (correlations > 0.9).mean() >= 0.95, np.sort(correlations)[:10]
    assert np.median(correlations) > 0.98


def test_diagonal_correlation_tells_a_diagonal_from_a_reversed_alignment():
    diagonal = np.eye(6)  # step i looks at character i
    assert diagonal_correlation(diagonal, list("123456")) == pytest.approx(1)
    assert diagonal_correlation(diagonal[::-1], list("123456")) == pytest.approx(-1)
    assert diagonal_correlation(diagonal, list("100000")) is None


def test_training_reports_every_step_and_learns():
    torch.manual_seed(0)
    model = Seq2Seq(Seq2SeqConfig.tiny(attention=True))
    seen = []
    losses = train(model, TrainConfig(steps=60, batch_size=32, learning_rate=2e-2),
                   on_step=lambda step, loss: seen.append(step))
    assert seen == list(range(60)) and len(losses) == 60
    assert np.mean(losses[-5:]) < np.mean(losses[:5]) - 0.3
    assert not model.training
