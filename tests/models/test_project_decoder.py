"""The project's own GPT-2 (models/weights/decoder), as the attention page and the playground load it."""

from __future__ import annotations

import hashlib
import json
import math
import platform

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from models.offline_corpus import END_OF_TEXT, Corpus, offline_corpus
from models import train_decoder
from models.train_decoder import VALIDATION_SAMPLE_WINDOWS, WEIGHTS_DIR, evaluation_windows

HOSTILE_TEXTS = (
    "</script><img src=x onerror=alert(1)>",
    "Grüße 😀👩‍👩‍👧 — 中文字符 日本語 한국어 \u200b\u202e",
    "  leading spaces,\ttabs\r\nand\n\nnewlines  ",
    "def f(x):\n    return x ** 2  # ünïcode",
    "",
)
# Same weights and tokens, only the order of floating-point sums differs (threads, batch
# shape, the loss computed by transformers instead of the trainer): that moves the loss by
# about 1e-6. Any other model or tokenizer moves it by far more than 1e-3.
SAME_WEIGHTS_TOLERANCE = 1e-3


@pytest.fixture(scope="module")
def metrics() -> dict:
    return json.loads((WEIGHTS_DIR / "metrics.json").read_text())


@pytest.fixture(scope="module")
def model():
    return AutoModelForCausalLM.from_pretrained(WEIGHTS_DIR, attn_implementation="eager").eval()


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(WEIGHTS_DIR)


# ---- attention ----------------------------------------------------------------

def test_attention_weights_are_causal_distributions(model, tokenizer):
    ids = tokenizer("The for statement is used to iterate over a list.", return_tensors="pt")["input_ids"]
    with torch.no_grad():
        attentions = model(ids, output_attentions=True).attentions
    T = ids.shape[1]
    assert len(attentions) == model.config.n_layer
    for layer in attentions:
        assert layer.shape == (1, model.config.n_head, T, T)
        torch.testing.assert_close(layer.sum(-1), torch.ones(1, model.config.n_head, T))
        assert torch.all(layer.triu(diagonal=1) == 0), "a token attends to a later one"
        assert torch.all(layer >= 0)


def test_first_layer_attention_matches_the_formula(model, tokenizer):
    """softmax(q k^T / sqrt(d) + causal mask), computed here from the weights, against what transformers returns."""
    ids = tokenizer("Iterators are objects with a __next__ method.", return_tensors="pt")["input_ids"]
    with torch.no_grad():
        out = model(ids, output_attentions=True, output_hidden_states=True)
        block = model.transformer.h[0]
        x = block.ln_1(out.hidden_states[0])  # (1, T, C)
        q, k, _ = block.attn.c_attn(x).split(model.config.n_embd, dim=-1)  # (1, T, C) each
        H, T = model.config.n_head, ids.shape[1]
        q, k = (t.view(1, T, H, -1).transpose(1, 2) for t in (q, k))  # (1, H, T, d)
        scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])  # (1, H, T, T)
        scores = scores.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
    torch.testing.assert_close(out.attentions[0], scores.softmax(-1), atol=1e-5, rtol=1e-4)


# ---- tokenizer ------------------------------------------------------------------

@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_tokenizer_round_trips_any_text(tokenizer, text):
    assert tokenizer.decode(tokenizer.encode(text)) == text


def test_end_of_text_is_one_token_and_the_eos(tokenizer, model):
    ids = tokenizer.encode(END_OF_TEXT)
    assert ids == [tokenizer.eos_token_id]
    assert tokenizer.eos_token == tokenizer.bos_token == END_OF_TEXT
    assert model.config.eos_token_id == model.generation_config.eos_token_id == tokenizer.eos_token_id
    assert model.generation_config.pad_token_id == tokenizer.eos_token_id
    assert len(tokenizer) == model.config.vocab_size


# ---- quality and the recorded metrics ------------------------------------------------

def test_validation_loss_matches_metrics(model, tokenizer, metrics):
    corpus = offline_corpus()
    if platform.python_version() == metrics["python"]:
        # The corpus comes from this Python's own docs: same version, same text.
        assert metrics["corpus"]["sha256"] == hashlib.sha256(
            (Corpus.joined(corpus.train) + Corpus.joined(corpus.held_out)).encode()).hexdigest()
    stream = torch.tensor(tokenizer(Corpus.joined(corpus.held_out))["input_ids"])
    windows = evaluation_windows(stream, model.config.n_positions)[:VALIDATION_SAMPLE_WINDOWS]  # (4, T + 1)
    with torch.no_grad():
        logits = model(windows[:, :-1]).logits
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), windows[:, 1:].flatten()).item()
    assert loss == pytest.approx(metrics["validation sample loss"], abs=SAME_WEIGHTS_TOLERANCE)
    uniform = math.log(model.config.vocab_size)
    assert metrics["uniform guessing loss"] == pytest.approx(uniform)
    assert metrics["validation loss"] < uniform - 2.5, "not even 12 times better than uniform guessing"
    # A model that ignored context could at best learn token frequencies (the unigram
    # baseline, about 6.8 nats here); using context must buy clearly more than that.
    train_stream = torch.tensor(tokenizer(Corpus.joined(corpus.train))["input_ids"])
    counts = torch.bincount(train_stream, minlength=len(tokenizer)).double() + 1  # add-one smoothing
    unigram = -(counts / counts.sum())[stream].log().mean().item()
    assert metrics["validation loss"] < unigram - 1.0
    assert metrics["validation perplexity"] == pytest.approx(math.exp(metrics["validation loss"]))


def test_greedy_samples_are_reproduced(model, tokenizer, metrics):
    """Greedy decoding is deterministic: the committed files must start the continuations metrics.json records
    (16 of its 40 tokens, to stay fast; the samples are ASCII, so a token prefix decodes to a text prefix)."""
    for prompt, expected in metrics["greedy samples"].items():
        ids = tokenizer(prompt, return_tensors="pt")["input_ids"]
        out = model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=False, max_new_tokens=16)
        continuation = tokenizer.decode(out[0, ids.shape[1]:])
        assert len(continuation) > 10 and expected.startswith(continuation)


def test_sampling_generates_text(model, tokenizer):
    ids = tokenizer("The with statement", return_tensors="pt")["input_ids"]
    torch.manual_seed(0)
    out = model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=True, temperature=0.8, top_k=50,
                         max_new_tokens=20)
    assert ids.shape[1] < out.shape[1] <= ids.shape[1] + 20
    assert tokenizer.decode(out[0, ids.shape[1]:]).strip()


# ---- the training command ------------------------------------------------------------

@pytest.fixture
def restore_torch_settings():
    """The trainer pins torch to 1 thread and deterministic algorithms; give other tests theirs back."""
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    yield
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(deterministic)


def test_smoke_runs_agree_bit_for_bit_and_load(tmp_path, restore_torch_settings):
    """`python -m models.train_decoder --smoke --out DIR` twice (through its main, in this process, to save
    the interpreter start-up): a rerun must write the same bytes."""
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        train_decoder.main(["--smoke", "--out", str(out)])
    for name in ("model.safetensors", "tokenizer.json", "config.json", "generation_config.json"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), f"{name} differs between reruns"
    model = AutoModelForCausalLM.from_pretrained(outs[0], attn_implementation="eager")
    tokenizer = AutoTokenizer.from_pretrained(outs[0])
    ids = tokenizer("The for", return_tensors="pt")["input_ids"]
    out = model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=False, max_new_tokens=5)
    assert out.shape == (1, ids.shape[1] + 5)
    assert json.loads((outs[0] / "metrics.json").read_text())["steps"] == 6
