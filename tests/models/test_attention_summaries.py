"""Per-head summaries and special-token hiding on attention built by hand."""

import numpy as np

from models.attention_maps import AttentionSet
from models.attention_summaries import head_summaries, without_special


def attention_set(weights, tokens, special=None, causal=False):
    special = special or (False,) * len(tokens)
    return AttentionSet("self-attention", np.asarray(weights, dtype=np.float32), tuple(tokens), tuple(tokens),
                        tuple(special), tuple(special), causal)


def test_heads_of_known_shape_are_recognised():
    n = 5
    itself, previous, first = np.eye(n), np.eye(n, k=-1), np.zeros((n, n))
    previous[0, 0] = 1
    first[:, 0] = 1
    uniform = np.full((n, n), 1 / n)
    summary = head_summaries(attention_set([[itself, previous, first, uniform]], "abcde"))
    np.testing.assert_allclose(summary.entropy[0], [0, 0, 0, np.log2(n)], atol=1e-6)
    np.testing.assert_allclose(summary.shares["itself"][0], [1, 0.2, 0.2, 0.2], atol=1e-6)
    np.testing.assert_allclose(summary.shares["previous token"][0], [0, 1, 0.25, 0.2], atol=1e-6)
    np.testing.assert_allclose(summary.shares["first token"][0], [0.2, 0.4, 1, 0.2], atol=1e-6)
    assert [(layer, head, name) for layer, head, name, _ in summary.notable()] == [
        (0, 0, "itself"), (0, 1, "previous token"), (0, 2, "first token")]


def test_cross_attention_has_no_previous_or_self_share():
    cross = AttentionSet("cross-attention", np.full((1, 1, 2, 3), 1 / 3, dtype=np.float32), ("x", "y"),
                         ("a", "b", "c"), (False, False), (False,) * 3, False)
    assert set(head_summaries(cross).shares) == {"first token", "last token"}


def test_a_decoder_has_no_last_token_share():
    causal = attention_set(np.tril(np.ones((1, 1, 3, 3))) / np.arange(1, 4)[:, None], "abc", causal=True)
    assert set(head_summaries(causal).shares) == {"first token", "previous token", "itself"}


def test_hiding_special_tokens_renormalises_rows():
    rng = np.random.default_rng(0)
    weights = rng.random((2, 3, 4, 4))
    weights /= weights.sum(-1, keepdims=True)
    tokens, special = ["[CLS]", "hi", "there", "[SEP]"], [True, False, False, True]
    hidden = without_special(attention_set(weights, tokens, special))
    assert hidden.query_tokens == hidden.key_tokens == ("hi", "there")
    kept = weights[:, :, 1:3, 1:3]
    np.testing.assert_allclose(hidden.weights, kept / kept.sum(-1, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(hidden.weights.sum(-1), 1, rtol=1e-6)


def test_a_row_that_only_looked_at_special_tokens_stays_zero():
    weights = np.array([[[[1, 0], [1, 0]]]])  # both rows look only at [CLS]
    hidden = without_special(attention_set(weights, ["[CLS]", "x"], [True, False]))
    assert hidden.weights.tolist() == [[[[0.0]]]]
