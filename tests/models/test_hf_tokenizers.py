"""Hugging Face tokenizers: the packaged one, and the hub path on a local snapshot."""

import shutil
from dataclasses import replace

import pytest

from models.hub import model_file, packaged_model_dir
from models.offline import DownloadUnavailable
from models.registry import PACKAGED_ENCODER, model_spec
from models.tokenization import load_hf_tokenizer, load_tokenizer

TEXTS = ["Hello, world! Tokenizers split unbelievable words.", "naïve café [CLS] done", "x" * 3000]


def test_packaged_tokenizer_equals_transformers(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from transformers import AutoTokenizer  # an independent path to the same files

    reference = AutoTokenizer.from_pretrained(packaged_model_dir())
    ours = load_tokenizer(PACKAGED_ENCODER)
    for text in TEXTS[:2] + ["a long text " * 400]:
        assert ours.tokenize(text).ids[:5000] == reference(text, add_special_tokens=False,
                                                           split_special_tokens=True)["input_ids"][:5000]


def test_no_truncation_and_special_text_is_text():
    ours = load_tokenizer(PACKAGED_ENCODER)
    assert len(ours.tokenize("word " * 2000).ids) == 2000  # tokenizer.json truncates at 128
    assert 101 not in ours.tokenize("[CLS]").ids  # 101 is the real [CLS]


def test_pieces_hold_the_original_text_spans():
    ours = load_tokenizer(PACKAGED_ENCODER)
    text = "Héllo tokenizers"
    pieces = ours.pieces(text, ours.tokenize(text), 100)
    assert [p.label for p in pieces] == ["hello", "token", "##izer", "##s"]
    assert [p.data.decode() for p in pieces] == ["Héllo", "token", "izer", "s"]


def lay_out_hub_cache(cache_dir, repo_id, files):
    """Files arranged as huggingface_hub arranges a downloaded snapshot."""
    revision = "0123456789abcdef0123456789abcdef01234567"
    repo_dir = cache_dir / ("models--" + repo_id.replace("/", "--"))
    (repo_dir / "refs").mkdir(parents=True)
    (repo_dir / "refs" / "main").write_text(revision)
    snapshot = repo_dir / "snapshots" / revision
    snapshot.mkdir(parents=True)
    for name in files:
        shutil.copy(packaged_model_dir() / name, snapshot / name)
    return snapshot


def test_hub_path_loads_from_a_local_snapshot_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_OFFLINE", "1")
    hub_spec = replace(model_spec(PACKAGED_ENCODER), source="hub")
    snapshot = lay_out_hub_cache(tmp_path, hub_spec.repo_id, ["tokenizer.json"])
    path = model_file(hub_spec, "tokenizer.json", cache_dir=tmp_path)
    assert path.resolve() == (snapshot / "tokenizer.json").resolve()


def test_hub_tokenizer_through_the_loader(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_OFFLINE", "1")
    # gpt2's real tokenizer is not on this machine: lay its slot out with the packaged file.
    lay_out_hub_cache(tmp_path, "openai-community/gpt2", ["tokenizer.json"])
    tokenizer = load_hf_tokenizer("openai-community/gpt2", cache_dir=tmp_path)
    assert tokenizer.name == "GPT-2"
    assert tokenizer.tokenize(TEXTS[0]).ids == load_tokenizer(PACKAGED_ENCODER).tokenize(TEXTS[0]).ids


def test_missing_hub_model_offline_names_the_bundled_choice(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_OFFLINE", "1")
    with pytest.raises(DownloadUnavailable, match="offline.*all-MiniLM"):
        model_file(model_spec("openai-community/gpt2"), "tokenizer.json", cache_dir=tmp_path)
