"""Hugging Face tokenizers: the packaged one, and the hub path on a local snapshot."""

import shutil
from dataclasses import replace

import pytest

from models.byte_level import byte_to_glyph
from models.hub import model_file, packaged_model_dir
from models.offline import DownloadUnavailable
from models.registry import PACKAGED_ENCODER, PROJECT_DECODER, model_spec
from models.tokenization import HuggingFaceTokenizer, load_hf_tokenizer, load_tokenizer

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


# Multi-byte characters of every length: 2 (é, ï), 3 (東, 京), 4 (🤖), a joined emoji, and mixes.
MULTIBYTE_TEXTS = ["東京は日本の首都です。", "🤖", "café naïve", "mixed: 東 🤖 é x\n\tend", "👩‍👩‍👧 ok"]


def test_byte_level_alphabet_equals_transformers():
    from transformers.convert_slow_tokenizer import bytes_to_unicode  # GPT-2's table, their copy

    assert byte_to_glyph() == bytes_to_unicode()


def test_byte_level_pieces_hold_their_own_bytes(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from transformers import AutoTokenizer
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    ours = load_tokenizer(PROJECT_DECODER)  # as the page loads it
    folder = model_file(model_spec(PROJECT_DECODER), "tokenizer.json").parent
    reference = AutoTokenizer.from_pretrained(folder)
    byte_of = {glyph: byte for byte, glyph in bytes_to_unicode().items()}
    for text in MULTIBYTE_TEXTS:
        tokens = ours.tokenize(text)
        pieces = ours.pieces(text, tokens, limit=10_000)
        assert b"".join(p.data for p in pieces) == text.encode("utf-8")
        spellings = reference.convert_ids_to_tokens(tokens.ids)
        assert [p.data for p in pieces] == [bytes(byte_of[g] for g in s) for s in spellings]
        assert all(p.label is None for p in pieces)  # shown as bytes, never as stand-in glyphs
    robot = ours.pieces("🤖", ours.tokenize("🤖"), 10)
    assert len(robot) > 1  # the decoder's small vocabulary splits it, so the test means something


def test_byte_fallback_pieces_hold_their_own_bytes():
    from tokenizers import Tokenizer
    from tokenizers.models import BPE

    vocab = {"<unk>": 0, "a": 1, **{f"<0x{b:02X}>": 2 + b for b in range(256)}}
    tokenizer = HuggingFaceTokenizer(Tokenizer(BPE(vocab, [], unk_token="<unk>", byte_fallback=True)), "tiny")
    text = "a東a🤖"
    tokens = tokenizer.tokenize(text)
    pieces = tokenizer.pieces(text, tokens, 100)
    assert [p.data for p in pieces] == [b"a", *[bytes([b]) for b in "東".encode()], b"a",
                                        *[bytes([b]) for b in "🤖".encode()]]
    assert pieces[0].label == "a" and pieces[1].label is None
