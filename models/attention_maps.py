"""Attention weights of any registry transformer for a text, as the page shows them.

Self-attention models give one set, (layers, heads, queries, keys); an
encoder-decoder gives three: encoder self-attention, decoder self-attention
over the answer it writes (greedy), and cross-attention from that answer to
the input. Token labels are the tokenizer's own pieces, unescaped: views
escape them where they render.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.transformer_loading import LoadedModel


@dataclass(frozen=True)
class AttentionLimits:
    max_tokens: int = 128  # per sequence: beyond this heatmaps and bertviz stop being readable
    max_answer_tokens: int = 40  # decoder steps an encoder-decoder writes
    max_chars: int = 20_000  # text beyond this is not even tokenized


LIMITS = AttentionLimits()


@dataclass(frozen=True)
class AttentionSet:
    name: str  # "self-attention", "encoder self-attention", "decoder self-attention", "cross-attention"
    weights: np.ndarray  # (layers, heads, queries, keys), float32, rows sum to 1
    query_tokens: tuple[str, ...]
    key_tokens: tuple[str, ...]
    query_special: tuple[bool, ...]  # [CLS], [SEP], </s>, <pad> as decoder start …
    key_special: tuple[bool, ...]
    causal: bool  # a query sees only keys at or before it


@dataclass(frozen=True)
class AttentionResult:
    sets: tuple[AttentionSet, ...]
    input_tokens: int  # tokens of the typed text before any cap
    capped: bool  # the input was cut to LIMITS.max_tokens
    sentence_b_start: int | None  # first token of the second sentence, for pairs

    def named(self, name: str) -> AttentionSet:
        return next(s for s in self.sets if s.name == name)


def _stack(attentions) -> np.ndarray:
    import torch

    return torch.stack([layer[0] for layer in attentions]).float().numpy()  # (L, H, Q, K)


def _labels(tokenizer, ids) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    ids = [int(i) for i in ids]
    special = set(tokenizer.all_special_ids)
    return tuple(tokenizer.convert_ids_to_tokens(ids)), tuple(i in special for i in ids)


def _encode(tokenizer, text: str, pair: str | None, limit: int):
    """Input ids with the model's special tokens, capped at `limit` (pairs cut evenly)."""
    # Special-token text typed by a user ("[SEP]", "<|endoftext|>") is read as text, as on the tokens page.
    full = tokenizer(text[:LIMITS.max_chars], pair[:LIMITS.max_chars] if pair else None, split_special_tokens=True)
    count = len(full["input_ids"])
    if count <= limit:
        return full, count, False
    capped = tokenizer(text[:LIMITS.max_chars], pair[:LIMITS.max_chars] if pair else None,
                       truncation="longest_first" if pair else True, max_length=limit, split_special_tokens=True)
    return capped, count, True


def attention_maps(loaded: LoadedModel, text: str, pair: str | None = None,
                   limits: AttentionLimits = LIMITS) -> AttentionResult:
    """Every layer's and head's attention for `text` (and a second sentence for encoders)."""
    import torch

    family = loaded.spec.family
    tokenizer, model = loaded.tokenizer, loaded.model
    limit = min(limits.max_tokens, loaded.spec.context_length)
    encoded, count, capped = _encode(tokenizer, text, pair if family == "encoder" else None, limit)
    ids = torch.tensor([encoded["input_ids"]])
    extra = {"token_type_ids": torch.tensor([encoded["token_type_ids"]])} if "token_type_ids" in encoded else {}
    tokens, special = _labels(tokenizer, encoded["input_ids"])
    with torch.no_grad():
        if family != "encoder-decoder":
            out = model(input_ids=ids, output_attentions=True, **extra)
            b_start = _second_sentence_start(extra)
            only = AttentionSet("self-attention", _stack(out.attentions), tokens, tokens, special, special,
                                causal=family == "decoder")
            return AttentionResult((only,), count, capped, b_start)
        answer = model.generate(input_ids=ids, do_sample=False, num_beams=1,
                                max_new_tokens=limits.max_answer_tokens)
        out = model(input_ids=ids, decoder_input_ids=answer, output_attentions=True)
    answer_tokens, answer_special = _labels(tokenizer, answer[0])
    return AttentionResult((
        AttentionSet("encoder self-attention", _stack(out.encoder_attentions), tokens, tokens, special, special,
                     causal=False),
        AttentionSet("decoder self-attention", _stack(out.decoder_attentions), answer_tokens, answer_tokens,
                     answer_special, answer_special, causal=True),
        AttentionSet("cross-attention", _stack(out.cross_attentions), answer_tokens, tokens, answer_special,
                     special, causal=False),
    ), count, capped, None)


def _second_sentence_start(extra: dict) -> int | None:
    if "token_type_ids" not in extra:
        return None
    types = extra["token_type_ids"][0].tolist()
    return types.index(1) if 1 in types else None
