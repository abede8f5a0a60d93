"""Attention maps against a direct transformers forward; the hub path on local snapshots."""

import numpy as np
import pytest
import torch
from transformers import AutoModel, AutoTokenizer, T5Config, T5ForConditionalGeneration

from models.attention_maps import AttentionLimits, attention_maps
from models.hub import packaged_model_dir
from models.offline import DownloadUnavailable
from models.registry import PACKAGED_ENCODER, PROJECT_DECODER, model_spec
from models.transformer_loading import load_transformer
from tests.models.test_hf_tokenizers import lay_out_hub_cache

SENTENCE = "The animal didn't cross the street because it was too tired."


@pytest.fixture(scope="module")
def minilm():
    return load_transformer(PACKAGED_ENCODER)


@pytest.fixture(scope="module")
def decoder():
    return load_transformer(PROJECT_DECODER)


def reference_attentions(folder, text, pair=None):
    """The oracle: transformers' own model and tokenizer, loaded straight from the files."""
    model = AutoModel.from_pretrained(folder, attn_implementation="eager").eval()
    tokenizer = AutoTokenizer.from_pretrained(folder)
    with torch.no_grad():
        out = model(**tokenizer(text, pair, return_tensors="pt"), output_attentions=True)
    return np.stack([a[0].numpy() for a in out.attentions])


def test_encoder_attention_equals_a_direct_forward(minilm):
    for pair in (None, "It was raining."):
        attention = attention_maps(minilm, SENTENCE, pair).sets[0]
        expected = reference_attentions(packaged_model_dir(), SENTENCE, pair)
        assert attention.weights.shape == expected.shape == (6, 12, len(attention.query_tokens),
                                                             len(attention.key_tokens))
        np.testing.assert_allclose(attention.weights, expected, atol=1e-6)
        assert not attention.causal


def test_rows_sum_to_one_and_special_tokens_are_marked(minilm):
    result = attention_maps(minilm, SENTENCE, "It was raining.")
    attention = result.sets[0]
    np.testing.assert_allclose(attention.weights.sum(axis=-1), 1, atol=1e-5)
    assert attention.query_tokens[0] == "[CLS]" and attention.query_special[0]
    assert [t for t, s in zip(attention.query_tokens, attention.query_special) if s] == ["[CLS]", "[SEP]", "[SEP]"]
    assert attention.query_tokens[result.sentence_b_start] == "it"


def test_decoder_attention_is_causal_and_equals_a_direct_forward(decoder):
    text = "The for statement is used to iterate over a sequence."
    attention = attention_maps(decoder, text).sets[0]
    n = len(attention.query_tokens)
    assert attention.causal and attention.weights.shape[2:] == (n, n)
    assert np.abs(np.triu(attention.weights, k=1)).max() == 0  # nothing from the future
    np.testing.assert_allclose(attention.weights.sum(axis=-1), 1, atol=1e-5)
    with torch.no_grad():
        ids = decoder.tokenizer(text, return_tensors="pt")["input_ids"]
        out = decoder.model(ids, output_attentions=True)
    np.testing.assert_allclose(attention.weights, np.stack([a[0].numpy() for a in out.attentions]), atol=1e-6)


def test_long_input_is_capped(minilm):
    result = attention_maps(minilm, "word " * 600, limits=AttentionLimits(max_tokens=100))
    assert result.capped and result.input_tokens == 602  # [CLS] + 600 + [SEP]
    assert result.sets[0].weights.shape[-1] == 100 and result.sets[0].query_tokens[-1] == "[SEP]"


def test_hostile_text_comes_back_as_plain_tokens(minilm):
    tokens = attention_maps(minilm, "</script><img src=x onerror=alert(1)>").sets[0].query_tokens
    assert "<" in tokens and "script" in tokens  # raw pieces: escaping is the views' job


def test_typed_special_token_text_is_text(minilm):
    attention = attention_maps(minilm, "a [SEP] b").sets[0]
    assert attention.query_special.count(True) == 2  # the real [CLS] and [SEP] only
    assert "[SEP]" not in attention.query_tokens[1:-1]


def test_hub_encoder_loads_from_a_local_snapshot_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_OFFLINE", "1")
    repo = "google-bert/bert-base-uncased"  # its slot holds the packaged files: no network needed
    files = [p.name for p in packaged_model_dir().iterdir() if p.is_file()]
    lay_out_hub_cache(tmp_path, repo, files)
    loaded = load_transformer(repo, cache_dir=tmp_path)
    assert loaded.spec.label == "BERT base (uncased)" and type(loaded.model).__name__ == "BertModel"
    ours = attention_maps(loaded, SENTENCE).sets[0].weights
    np.testing.assert_allclose(ours, reference_attentions(packaged_model_dir(), SENTENCE), atol=1e-6)


def tiny_t5(folder):
    """A small random T5 with the packaged WordPiece tokenizer: an offline encoder-decoder."""
    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(packaged_model_dir())
    config = T5Config(vocab_size=tokenizer.vocab_size, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4,
                      decoder_start_token_id=tokenizer.pad_token_id, pad_token_id=tokenizer.pad_token_id,
                      eos_token_id=tokenizer.sep_token_id)
    T5ForConditionalGeneration(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)


def test_encoder_decoder_through_the_loader_gives_three_attentions(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_OFFLINE", "1")
    repo = "google-t5/t5-small"
    snapshot = lay_out_hub_cache(tmp_path, repo, [])
    tiny_t5(snapshot)
    loaded = load_transformer(repo, cache_dir=tmp_path)
    result = attention_maps(loaded, "The house is wonderful.", limits=AttentionLimits(max_answer_tokens=6))
    encoder, decoder, cross = (result.named(n) for n in
                               ("encoder self-attention", "decoder self-attention", "cross-attention"))
    n_in, n_out = len(encoder.query_tokens), len(decoder.query_tokens)
    assert cross.weights.shape == (2, 4, n_out, n_in) and decoder.weights.shape == (2, 4, n_out, n_out)
    assert decoder.causal and np.abs(np.triu(decoder.weights, k=1)).max() == 0
    assert decoder.query_tokens[0] == "[PAD]" and decoder.query_special[0]  # T5 starts from pad
    ids = loaded.tokenizer("The house is wonderful.", return_tensors="pt")["input_ids"]
    answer = torch.tensor([loaded.tokenizer.convert_tokens_to_ids(list(decoder.query_tokens))])
    with torch.no_grad():
        out = loaded.model(input_ids=ids, decoder_input_ids=answer, output_attentions=True)
    np.testing.assert_allclose(cross.weights, np.stack([a[0].numpy() for a in out.cross_attentions]), atol=1e-6)
    for attention in (encoder, decoder, cross):
        np.testing.assert_allclose(attention.weights.sum(axis=-1), 1, atol=1e-5)


def test_missing_hub_model_offline_names_the_offline_models(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_OFFLINE", "1")
    with pytest.raises(DownloadUnavailable, match="offline.*all-MiniLM.*Docs GPT"):
        load_transformer("Helsinki-NLP/opus-mt-en-de", cache_dir=tmp_path)


def test_a_snapshot_without_its_weights_is_not_half_loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_OFFLINE", "1")
    lay_out_hub_cache(tmp_path, "distilbert/distilbert-base-uncased", ["config.json", "tokenizer.json"])
    with pytest.raises(DownloadUnavailable, match="DistilBERT"):
        load_transformer("distilbert/distilbert-base-uncased", cache_dir=tmp_path)


def test_the_shared_model_is_read_only(minilm):
    assert not minilm.model.training
    assert not any(p.requires_grad for p in minilm.model.parameters())
    assert minilm.model.config._attn_implementation == "eager"


def test_registry_figures_match_the_packaged_config(minilm):
    spec = model_spec(PACKAGED_ENCODER)
    config = minilm.model.config
    assert (spec.layers, spec.heads, spec.context_length) == (config.num_hidden_layers, config.num_attention_heads,
                                                              config.max_position_embeddings)
    params = sum(p.numel() for p in minilm.model.parameters()) / 1e6
    assert abs(params - spec.parameters_m) < 0.5
