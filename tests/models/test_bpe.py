"""BPE steps and training against tiktoken's Rust encoder and its `_educational` module."""

import ast
import random
import time
from collections import Counter

import pytest
from pydoc_data.topics import topics
from tiktoken import _educational as educational

from models.bpe import LIMITS, bpe_merge_steps, pre_tokenize, train_bpe, word_merge_trace
from models.encodings import bundled_cl100k

ENC = bundled_cl100k()
PAT = ENC._pat_str
WORDS = [
    " tokenization", "unbelievably", "hello world", "Hello, World!", "naïve café", "日本語",
    "東京は日本の首都です。", "🤖", "👩‍👩‍👧 emoji 🎉🎉", "1234567", "  spaces   here\n\n",
    "don't stop", "<img src=x onerror=alert(1)>", "Ünïcödé", "ab" * 32, "", "a",
]
PARAGRAPH = topics["for"]  # Python ships its own docs as text: a fixed English corpus


@pytest.mark.parametrize("text", WORDS)
def test_final_parts_equal_tiktoken(text):
    traces = word_merge_trace(ENC, text)
    ids = ENC.encode_ordinary(text)
    assert [p for t in traces for p in t.steps[-1].parts] == ENC.decode_tokens_bytes(ids)
    assert [i for t in traces for i in t.token_ids] == ids


@pytest.mark.parametrize("text", WORDS)
def test_each_step_merges_one_pair(text):
    for trace in word_merge_trace(ENC, text):
        first, last = trace.steps[0], trace.steps[-1]
        assert list(first.parts) == [bytes([b]) for b in trace.text.encode("utf-8")]
        assert last.merge_index is None and last.merge_rank is None
        for step, after in zip(trace.steps, trace.steps[1:]):
            i = step.merge_index
            merged = step.parts[i] + step.parts[i + 1]
            assert len(after.parts) == len(step.parts) - 1
            assert after.parts == step.parts[:i] + (merged,) + step.parts[i + 2:]
            assert step.merge_rank == ENC._mergeable_ranks[merged]
        for step in trace.steps:
            assert step.ids == tuple(ENC._mergeable_ranks[p] for p in step.parts)


@pytest.mark.parametrize("text", [" tokenization", "unbelievably", "naïve", "日本語", "🤖🤖"])
def test_steps_equal_educational_states(text, capsys):
    piece = text.encode("utf-8")
    educational.bpe_encode(ENC._mergeable_ranks, piece, visualise="simple")  # prints each state
    states = [ast.literal_eval(line) for line in capsys.readouterr().out.splitlines() if line]
    assert [list(s.parts) for s in bpe_merge_steps(ENC._mergeable_ranks, piece)] == states


def test_word_cap_is_a_clear_error():
    word_merge_trace(ENC, "x" * LIMITS.max_word_chars)
    with pytest.raises(ValueError, match=f"at most {LIMITS.max_word_chars} characters"):
        word_merge_trace(ENC, "x" * (LIMITS.max_word_chars + 1))


def _oracle_ranks(data, vocab_size):
    ranks = educational.bpe_train(data, vocab_size, PAT, visualise=None)
    # The oracle gives two tokens one rank when a merge repeats an existing token;
    # compare only where it did not (train_bpe documents its own choice there).
    assert sorted(ranks.values()) == list(range(vocab_size))
    return ranks


def test_training_equals_educational_on_python_docs():
    trained = train_bpe(PARAGRAPH, 400, PAT)
    assert trained.stop_reason is None and len(trained.merges) == 144
    assert trained.mergeable_ranks == _oracle_ranks(PARAGRAPH, 400)


@pytest.mark.parametrize("seed", range(48))
def test_training_breaks_ties_like_educational(seed):
    # Tiny alphabets make many pairs equally common: the order of ties decides.
    # Without spaces the text is one long word, where merges overlap ("aaa").
    rng = random.Random(seed)
    alphabet = ["ab ", "abc ", "aé日 ", "xy.\n", "abc", "日本"][seed % 6]
    data = "".join(rng.choice(alphabet) for _ in range(300))
    merges = len(train_bpe(data, LIMITS.max_vocab_size, PAT).merges)
    vocab_size = 256 + max(1, merges * 2 // 3)
    assert train_bpe(data, vocab_size, PAT).mergeable_ranks == _oracle_ranks(data, vocab_size)


def test_merges_record_pair_count_and_rank():
    trained = train_bpe(PARAGRAPH, 300, PAT)
    first = trained.merges[0]
    words = [w.encode("utf-8") for w in pre_tokenize(PAT, PARAGRAPH)]
    pairs = Counter(pair for w in words for pair in zip(w, w[1:]))
    (a, b), count = pairs.most_common(1)[0]
    assert (first.left, first.right, first.count) == (bytes([a]), bytes([b]), count)
    for rank, merge in enumerate(trained.merges, start=256):
        assert merge.rank == rank == trained.mergeable_ranks[merge.merged]
        assert merge.merged == merge.left + merge.right
        assert merge.count >= 2


@pytest.mark.parametrize("text", [PARAGRAPH, "naïve café 日本語 🤖 <b>&amp;</b>", "", "zzzz qqqq"])
def test_trained_encoding_matches_educational_and_round_trips(text):
    trained = train_bpe(PARAGRAPH, 500, PAT)
    ids = trained.encode(text)
    simple = educational.SimpleBytePairEncoding(pat_str=PAT, mergeable_ranks=trained.mergeable_ranks)
    assert ids == simple.encode(text, visualise=None)
    assert trained.decode_bytes(ids) == text.encode("utf-8")
    assert trained.decode_tokens_bytes(ids) == simple.decode_tokens_bytes(ids)


def test_trained_tokens_shorten_the_training_text():
    trained = train_bpe(PARAGRAPH, 500, PAT)
    assert len(trained.encode(PARAGRAPH)) < len(PARAGRAPH.encode("utf-8")) / 2


def test_long_piece_encodes_quickly_and_exactly():
    trained = train_bpe("a" * 5_000 + " ab" * 100, 300, PAT)
    simple = educational.SimpleBytePairEncoding(pat_str=PAT, mergeable_ranks=trained.mergeable_ranks)
    assert trained.encode("a" * 999 + "b") == simple.encode("a" * 999 + "b", visualise=None)
    start = time.perf_counter()
    ids = trained.encode("a" * LIMITS.max_training_chars)  # one piece of 20,000 bytes
    assert time.perf_counter() - start < 2
    assert trained.decode_bytes(ids) == b"a" * LIMITS.max_training_chars


PYTHON_DOCS = "".join(topics[k] for k in sorted(topics))[: LIMITS.max_training_chars]
CJK_RUN = "".join(chr(0x4E00 + (k * 7919) % 2000) for k in range(LIMITS.max_training_chars))  # one word


@pytest.mark.parametrize("text", [PYTHON_DOCS, CJK_RUN], ids=["english", "one-long-word"])
def test_training_at_the_caps_is_quick(text):
    start = time.perf_counter()
    trained = train_bpe(text, LIMITS.max_vocab_size, PAT)
    assert time.perf_counter() - start < 2
    assert len(trained.merges) == LIMITS.max_merges


def test_training_stops_when_no_pair_repeats():
    trained = train_bpe("abc", 300, PAT)
    assert trained.merges == () and "no pair" in trained.stop_reason
    trained = train_bpe("abab", 300, PAT)  # (a,b) twice, then nothing twice
    assert [m.merged for m in trained.merges] == [b"ab"] and trained.stop_reason
    assert train_bpe("", 300, PAT).merges == ()


@pytest.mark.parametrize("vocab_size", [0, 255, LIMITS.max_vocab_size + 1])
def test_vocab_size_cap_is_a_clear_error(vocab_size):
    with pytest.raises(ValueError, match="vocabulary size between 256"):
        train_bpe("hello", vocab_size, PAT)


def test_training_text_cap_is_a_clear_error():
    train_bpe("x" * LIMITS.max_training_chars, 256, PAT)
    with pytest.raises(ValueError, match="at most 20,000"):
        train_bpe("x" * (LIMITS.max_training_chars + 1), 256, PAT)
