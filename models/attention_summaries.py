"""What each head does, in a few numbers; and attention without special tokens.

Many heads follow a simple rule (Clark et al., 2019, *What Does BERT Look
At?*): attend to the previous token, to the first or last token ([CLS] or
[SEP], "no-op" sinks), to the token itself, or broadly. Shares here are mean weights over
queries; entropy is in bits (0: one key only, log2(keys): uniform).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from models.attention_maps import AttentionSet

FOCUSED = 0.5  # a head "mostly" follows a rule when that share of its weight does


def without_special(attention: AttentionSet) -> AttentionSet:
    """Special tokens' rows and columns removed; each remaining row rescaled to sum to 1.

    A row whose weight all went to special tokens stays at zero (nothing left to share).
    """
    rows = [i for i, s in enumerate(attention.query_special) if not s]
    cols = [j for j, s in enumerate(attention.key_special) if not s]
    kept = attention.weights[:, :, rows][:, :, :, cols]  # (L, H, Q', K')
    totals = kept.sum(axis=-1, keepdims=True)
    kept = np.divide(kept, totals, out=np.zeros_like(kept), where=totals > 0)
    pick = lambda items, index: tuple(items[i] for i in index)  # noqa: E731
    return replace(attention, weights=kept.astype(np.float32),
                   query_tokens=pick(attention.query_tokens, rows), key_tokens=pick(attention.key_tokens, cols),
                   query_special=(False,) * len(rows), key_special=(False,) * len(cols))


@dataclass(frozen=True)
class HeadSummaries:
    entropy: np.ndarray  # (layers, heads) mean bits per query
    shares: dict[str, np.ndarray]  # pattern -> (layers, heads) mean weight on that key

    def notable(self, threshold: float = FOCUSED) -> list[tuple[int, int, str, float]]:
        """(layer, head, pattern, share) for heads that mostly follow one pattern, strongest first."""
        found = [(int(layer), int(head), name, float(share[layer, head]))
                 for name, share in self.shares.items()
                 for layer, head in zip(*np.nonzero(share >= threshold))]
        return sorted(found, key=lambda item: (-round(item[3], 6), item[0], item[1]))


def head_summaries(attention: AttentionSet) -> HeadSummaries:
    weights = attention.weights.astype(np.float64)  # (L, H, Q, K)
    n_queries, n_keys = weights.shape[-2:]
    logs = np.log2(weights, out=np.zeros_like(weights), where=weights > 0)
    entropy = -(weights * logs).sum(axis=-1).mean(axis=-1)
    shares = {"first token": weights[..., :, 0].mean(axis=-1)}
    if not attention.causal:  # in a decoder only the last query can see the last token
        shares["last token"] = weights[..., :, -1].mean(axis=-1)
    if attention.query_tokens == attention.key_tokens and n_queries > 1:  # self-attention
        diagonal = np.arange(n_queries)
        shares["previous token"] = weights[..., diagonal[1:], diagonal[:-1]].mean(axis=-1)
        shares["itself"] = weights[..., diagonal, diagonal].mean(axis=-1)
    return HeadSummaries(entropy, shares)


def average_over_heads(attention: AttentionSet) -> np.ndarray:
    return attention.weights.mean(axis=1)  # (L, Q, K)
