import pytest

from models.context import context_window_usage, cut_to_window, text_counts
from models.context_windows import model_limits
from models.tokenization import load_tokenizer


def text_of_exactly(n_tokens: int, tokenizer) -> str:
    """A text of exactly n tokens, checked by the tokenizer itself."""
    text = " a" * n_tokens
    assert len(tokenizer.tokenize(text).ids) == n_tokens
    return text


def test_one_token_over_gpt35_turbo_1106():
    tokenizer = load_tokenizer("gpt-3.5-turbo-1106")
    n = len(tokenizer.tokenize(text_of_exactly(16_386, tokenizer)).ids)
    usage = context_window_usage(n, 0, model_limits("gpt-3.5-turbo-1106").context_window)
    assert usage.over_by == 1
    assert context_window_usage(16_385, 0, 16_385).over_by == 0
    assert context_window_usage(16_000, 4_096, 16_385).over_by == 16_000 + 4_096 - 16_385


@pytest.mark.parametrize("key", ["cl100k_base", "sentence-transformers/all-MiniLM-L6-v2"])
@pytest.mark.parametrize("keep", ["start", "end"])
def test_cut_keeps_exactly_the_budget(key, keep):
    tokenizer = load_tokenizer(key)
    text = "The quick brown fox jumps over the lazy dog. " * 40 + "Ünïcödé 🤖 end."
    tokens = tokenizer.tokenize(text)
    budget = len(tokens.ids) - 37
    cut = cut_to_window(text, lambda k: tokenizer.char_boundary(text, tokens, k), len(tokens.ids), budget, keep)
    assert cut.removed_tokens == 37
    assert (cut.kept + cut.removed if keep == "start" else cut.removed + cut.kept) == text
    kept_ids = tokens.ids[:budget] if keep == "start" else tokens.ids[-budget:]
    assert tokenizer.tokenize(cut.kept).ids == kept_ids


def test_nothing_cut_when_it_fits():
    cut = cut_to_window("abc", lambda k: k, 3, 10, "start")
    assert (cut.kept, cut.removed, cut.removed_tokens) == ("abc", "", 0)


def test_counts():
    counts = text_counts("héllo wörld", 4)
    assert (counts.characters, counts.words, counts.bytes) == (11, 2, 13)
    assert counts.characters_per_token == pytest.approx(11 / 4)
    assert text_counts("", 0).characters_per_token == 0


def test_bad_numbers_are_refused():
    with pytest.raises(ValueError):
        context_window_usage(1, -1, 10)
    with pytest.raises(ValueError):
        cut_to_window("a", lambda k: k, 1, 1, "middle")
