"""Text generation one token at a time, with what the model weighed at each step.

Each step the model gives a score (logit) to every token of its vocabulary.
Softmax turns them into probabilities; temperature divides the logits first
(below 1 sharpens, above 1 flattens); top-k keeps the k likeliest tokens;
top-p keeps the smallest set whose probabilities add up to p. Greedy decoding
takes the likeliest token; sampling draws from what is left. The order
(temperature, then top-k, then top-p) is the one `transformers` uses.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

# Logits kept per step for reshaping later: a whole vocabulary (50k for GPT-2) per step
# would cost megabytes per session; the tokens past the 512 likeliest hold almost no mass.
KEPT_LOGITS = 512


@dataclass(frozen=True)
class SamplingSettings:
    do_sample: bool = False  # False: greedy, the likeliest token every step
    temperature: float = 1.0
    top_k: int = 0  # 0: no top-k filter
    top_p: float = 1.0  # 1.0: no nucleus filter
    max_new_tokens: int = 40
    seed: int = 0
    max_seconds: float = 30.0  # a generation never holds the server longer


@dataclass(frozen=True)
class Candidate:
    token_id: int
    text: str
    probability: float  # plain softmax of the logits
    shaped: float  # after temperature, top-k and top-p (0 when filtered out)


@dataclass(frozen=True)
class GenerationStep:
    index: int
    token_id: int
    text: str  # the new text this token adds (may be "" inside a multi-byte character)
    probability: float  # of the chosen token, plain softmax
    shaped: float  # of the chosen token, as it was drawn
    candidates: tuple[Candidate, ...]  # the likeliest tokens by plain softmax
    top_ids: np.ndarray  # the KEPT_LOGITS likeliest tokens and their logits, so views can reshape
    top_logits: np.ndarray  # the distribution under other settings without generating again
    stop: str | None = None  # on the last step: "end of text", "max tokens", "context full" or "time limit"

    def reshaped(self, temperature: float, top_k: int, top_p: float) -> dict[int, float]:
        """Probabilities of the kept tokens under other settings (the rest of the vocabulary left out)."""
        probs = shaped_distribution(torch.from_numpy(self.top_logits), temperature, top_k, top_p)
        return dict(zip(self.top_ids.tolist(), probs.tolist()))


def shaped_distribution(logits: torch.Tensor, temperature: float, top_k: int, top_p: float) -> torch.Tensor:
    """Probabilities over the vocabulary after temperature, top-k and top-p; filtered tokens get 0."""
    scores = logits.double() / max(temperature, 1e-6)
    if 0 < top_k < scores.numel():
        kth = torch.topk(scores, top_k).values[-1]
        scores = scores.masked_fill(scores < kth, float("-inf"))
    probs = torch.softmax(scores, dim=-1)
    if top_p < 1.0:
        sorted_probs, order = torch.sort(probs, descending=True)
        before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs  # mass of the likelier tokens
        drop = before >= top_p  # the likeliest token always stays (its "before" is 0)
        probs = probs.clone()
        probs[order[drop]] = 0
        probs = probs / probs.sum()
    return probs


def max_positions(model) -> int:
    """Tokens the model can read at once (learned position embeddings end there)."""
    config = model.config
    return getattr(config, "n_positions", None) or getattr(config, "max_position_embeddings", None) or 10**9


def stop_ids(model, tokenizer) -> set[int]:
    """Tokens that end an answer: the tokenizer's end-of-text and the model's own (chat models add theirs)."""
    ids = {tokenizer.eos_token_id, getattr(model.generation_config, "eos_token_id", None)}
    flat = set()
    for item in ids:
        flat.update(item if isinstance(item, (list, tuple)) else [item])
    return {i for i in flat if i is not None}


def generate_steps(model, tokenizer, prompt_ids: list[int], settings: SamplingSettings,
                   candidates: int = 10) -> Iterator[GenerationStep]:
    """Yield each generated token as soon as it is chosen; the model is only read, never changed."""
    generator = torch.Generator().manual_seed(settings.seed)  # per call: sessions never share a stream
    ends, new_ids, shown = stop_ids(model, tokenizer), [], ""
    positions = max_positions(model)
    ids, cache, started = torch.tensor([prompt_ids]), None, time.monotonic()
    for index in range(settings.max_new_tokens):
        with torch.no_grad():  # the key/value cache: each step feeds only the newest token
            out = model(input_ids=ids if cache is None else ids[:, -1:], cache=cache, use_cache=True)
        logits, cache = out.logits[0, -1].float(), out.cache
        plain = torch.softmax(logits.double(), dim=-1)
        shaped = shaped_distribution(logits, settings.temperature, settings.top_k, settings.top_p)
        token = int(torch.multinomial(shaped, 1, generator=generator)) if settings.do_sample \
            else int(torch.argmax(logits))
        new_ids.append(token)
        text = tokenizer.decode(new_ids, skip_special_tokens=False)
        piece, shown = text[len(shown):] if text.startswith(shown) else text, text
        stop = ("end of text" if token in ends else "max tokens" if index + 1 == settings.max_new_tokens
                else "context full" if ids.shape[1] + 1 >= positions
                else "time limit" if time.monotonic() - started > settings.max_seconds else None)
        kept = torch.topk(logits, min(KEPT_LOGITS, logits.numel()))
        yield GenerationStep(index, token, piece, float(plain[token]), float(shaped[token]),
                             top_candidates(tokenizer, plain, shaped, candidates),
                             kept.indices.numpy().astype(np.int32), kept.values.numpy().astype(np.float32), stop)
        if stop:
            return
        ids = torch.cat([ids, torch.tensor([[token]])], dim=1)


def top_candidates(tokenizer, plain: torch.Tensor, shaped: torch.Tensor, count: int) -> tuple[Candidate, ...]:
    top = torch.topk(plain, min(count, plain.numel())).indices.tolist()
    return tuple(Candidate(i, tokenizer.decode([i]), float(plain[i]), float(shaped[i])) for i in top)
