"""Step-by-step generation against transformers' own generate and logits warpers."""

import pytest
import torch
from transformers.generation.logits_process import (TemperatureLogitsWarper, TopKLogitsWarper,
                                                    TopPLogitsWarper)

from models.generation import SamplingSettings, generate_steps, shaped_distribution
from models.registry import PROJECT_DECODER
from models.transformer_loading import load_transformer

PROMPTS = ["The for statement", "def ", "A class definition"]


@pytest.fixture(scope="module")
def decoder():
    return load_transformer(PROJECT_DECODER)


def prompt_ids(loaded, text):
    return loaded.tokenizer(text)["input_ids"]


@pytest.mark.parametrize("prompt", PROMPTS)
def test_greedy_equals_generate_token_for_token(decoder, prompt):
    ids = prompt_ids(decoder, prompt)
    ours = [s.token_id for s in generate_steps(decoder.model, decoder.tokenizer, ids,
                                               SamplingSettings(max_new_tokens=30))]
    with torch.no_grad():
        theirs = decoder.model.generate(torch.tensor([ids]), do_sample=False, max_new_tokens=30,
                                        pad_token_id=decoder.tokenizer.eos_token_id)[0, len(ids):].tolist()
    assert ours == theirs


def test_steps_carry_text_and_probabilities(decoder):
    ids = prompt_ids(decoder, PROMPTS[0])
    steps = list(generate_steps(decoder.model, decoder.tokenizer, ids, SamplingSettings(max_new_tokens=12)))
    assert "".join(s.text for s in steps) == decoder.tokenizer.decode([s.token_id for s in steps])
    for step in steps:
        assert step.candidates[0].token_id == step.token_id  # greedy takes the likeliest
        assert step.top_ids[0] == step.token_id and len(step.top_ids) == 512
        reshaped = step.reshaped(1.0, 0, 1.0)  # over the 512 kept: a little above the whole softmax
        assert step.probability <= reshaped[step.token_id] <= step.probability * 1.05
    assert steps[-1].stop == "max tokens" and all(s.stop is None for s in steps[:-1])


def test_sampling_with_a_seed_is_reproducible_and_seeds_differ(decoder):
    ids = prompt_ids(decoder, PROMPTS[1])

    def sample(seed):
        settings = SamplingSettings(do_sample=True, temperature=1.2, top_k=50, top_p=0.95, seed=seed,
                                    max_new_tokens=25)
        return [s.token_id for s in generate_steps(decoder.model, decoder.tokenizer, ids, settings)]

    assert sample(7) == sample(7)
    assert len({tuple(sample(seed)) for seed in range(4)}) > 1


def test_stops_at_end_of_text(decoder):
    eos = decoder.tokenizer.eos_token_id
    biased = torch.zeros(decoder.model.config.vocab_size)
    biased[eos] = 1e4  # a model that wants to stop at once: wrap the real one

    class Stopper(torch.nn.Module):
        generation_config, config = decoder.model.generation_config, decoder.model.config

        def forward(self, **kwargs):
            out = decoder.model(**kwargs)
            out.logits = out.logits + biased
            return out

    steps = list(generate_steps(Stopper(), decoder.tokenizer, prompt_ids(decoder, "x"), SamplingSettings()))
    assert [s.stop for s in steps] == ["end of text"] and steps[0].token_id == eos


def reference(logits, temperature, top_k, top_p):
    """transformers' warpers in the order generate applies them, then softmax."""
    scores = logits[None].clone()
    for warper in (TemperatureLogitsWarper(temperature), TopKLogitsWarper(top_k) if top_k else None,
                   TopPLogitsWarper(top_p) if top_p < 1 else None):
        if warper is not None:
            scores = warper(None, scores)
    return torch.softmax(scores[0].double(), -1)


@pytest.mark.parametrize("temperature, top_k, top_p", [(1.0, 0, 1.0), (0.7, 5, 1.0), (1.3, 0, 0.9),
                                                       (1.0, 20, 0.5), (2.0, 3, 0.99), (0.5, 0, 0.1)])
def test_filters_keep_exactly_the_candidates_transformers_keeps(temperature, top_k, top_p):
    torch.manual_seed(0)
    for _ in range(20):
        logits = torch.randn(300) * 3
        ours = shaped_distribution(logits, temperature, top_k, top_p)
        theirs = reference(logits.double(), temperature, top_k, top_p)
        assert torch.equal(ours > 0, theirs > 0)
        torch.testing.assert_close(ours, theirs, atol=1e-9, rtol=1e-6)


def test_top_k_and_top_p_by_hand():
    logits = torch.log(torch.tensor([0.5, 0.3, 0.15, 0.05]))
    assert (shaped_distribution(logits, 1.0, 2, 1.0) > 0).tolist() == [True, True, False, False]
    # 0.5 < 0.7: the second token is needed; 0.5 + 0.3 >= 0.7: the third is not
    assert (shaped_distribution(logits, 1.0, 0, 0.7) > 0).tolist() == [True, True, False, False]
    assert (shaped_distribution(logits, 1.0, 0, 0.5) > 0).tolist() == [True, False, False, False]
    torch.testing.assert_close(shaped_distribution(logits, 1.0, 0, 0.9),
                               torch.tensor([0.5, 0.3, 0.15, 0], dtype=torch.float64) / 0.95)
