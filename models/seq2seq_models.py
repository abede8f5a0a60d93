"""The encoder-decoder page's two models: a GRU encoder-decoder with and without attention.

Both read the words character by character with the same GRU encoder and
write digits with the same GRU decoder, started from the encoder's final
state. They differ only in the context c_i the decoder reads at step i:

  plain      c_i = h_S, the encoder's final state, at every step
             (Sutskever et al., 2014; Cho et al., 2014): the whole input
             must fit in one vector of hidden_size numbers.
  attention  c_i = sum_j alpha_ij h_j, alpha_i = softmax_j(e_ij),
             e_ij = v^T tanh(W_s s_{i-1} + W_h h_j)   (Bahdanau et al., 2014):
             every step looks back at all encoder states.

Weights are trained by `python -m models.train_seq2seq` and shipped in
models/weights/seq2seq/{plain,attention}.safetensors, each with its config in
the file's metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from models.seq2seq_tasks import (END, MAX_SOURCE_CHARS, MAX_TARGET_TOKENS, SOURCE_VOCABULARY, START,
                                  TARGET_INDEX, TARGET_VOCABULARY, encode_source)
from models.weights_io import load_with_config, save_with_config

WEIGHTS_DIR = Path(__file__).parent / "weights" / "seq2seq"
KINDS = ("plain", "attention")
TOP_CANDIDATES = 5


@dataclass(frozen=True)
class Seq2SeqConfig:
    attention: bool
    source_vocab_size: int = len(SOURCE_VOCABULARY)
    target_vocab_size: int = len(TARGET_VOCABULARY)
    embed_size: int = 32
    hidden_size: int = 64  # small on purpose: the plain model's whole input must fit in these numbers

    @classmethod
    def tiny(cls, attention: bool) -> Seq2SeqConfig:
        """For tests."""
        return cls(attention, embed_size=8, hidden_size=16)


class Encoder(nn.Module):
    def __init__(self, config: Seq2SeqConfig):
        super().__init__()
        self.embed = nn.Embedding(config.source_vocab_size, config.embed_size)
        self.rnn = nn.GRU(config.embed_size, config.hidden_size, batch_first=True)

    def forward(self, src: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Encoder states h_1..h_S and each row's final state h_S; `mask` (B, S) is True at real characters."""
        states, _ = self.rnn(self.embed(src))  # (B, S, H)
        # padding sits at the end, and a left-to-right GRU has not seen it yet at a row's last real character
        last = mask.sum(dim=1).clamp(min=1) - 1  # (B,)
        final = states[torch.arange(src.shape[0]), last]  # (B, H)
        return states, final


class AdditiveAttention(nn.Module):
    """Bahdanau's score e_ij = v^T tanh(W_s s_{i-1} + W_h h_j), softmaxed over the source positions j."""

    def __init__(self, hidden_size: int):
        super().__init__()
        self.W_s = nn.Linear(hidden_size, hidden_size, bias=False)
        self.W_h = nn.Linear(hidden_size, hidden_size)
        self.v = nn.Linear(hidden_size, 1, bias=False)

    def forward(self, s: torch.Tensor, keys: torch.Tensor, states: torch.Tensor,
                mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Context (B, H) and weights (B, S) for decoder state s (B, H); `keys` is W_h h, computed once per input."""
        scores = self.v(torch.tanh(self.W_s(s)[:, None, :] + keys)).squeeze(-1)  # (B, S)
        alpha = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)  # (B, S), padding gets 0
        context = torch.bmm(alpha[:, None, :], states).squeeze(1)  # (B, H)
        return context, alpha


@dataclass(frozen=True)
class DecoderMemory:
    """What the decoder reads from the encoder, computed once per input."""
    states: torch.Tensor  # (B, S, H)
    final: torch.Tensor  # (B, H): the plain model's context vector
    keys: torch.Tensor | None  # (B, S, H): W_h h_j, attention only
    mask: torch.Tensor  # (B, S): True at real characters


class Decoder(nn.Module):
    """One GRU cell step per output token: s_i = GRU([y_{i-1}; c_i], s_{i-1}), p(y_i) = softmax(W [s_i; c_i])."""

    def __init__(self, config: Seq2SeqConfig):
        super().__init__()
        self.embed = nn.Embedding(config.target_vocab_size, config.embed_size)
        self.attention = AdditiveAttention(config.hidden_size) if config.attention else None
        self.cell = nn.GRUCell(config.embed_size + config.hidden_size, config.hidden_size)
        self.head = nn.Linear(2 * config.hidden_size, config.target_vocab_size)

    def step(self, y_prev: torch.Tensor, s: torch.Tensor, memory: DecoderMemory
             ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """Logits (B, V), new state (B, H), context (B, H) and attention weights (B, S) or None."""
        if self.attention is None:
            context, alpha = memory.final, None
        else:
            context, alpha = self.attention(s, memory.keys, memory.states, memory.mask)
        s = self.cell(torch.cat([self.embed(y_prev), context], dim=-1), s)  # (B, H)
        logits = self.head(torch.cat([s, context], dim=-1))  # (B, V)
        return logits, s, context, alpha

    def memory(self, states: torch.Tensor, final: torch.Tensor, mask: torch.Tensor) -> DecoderMemory:
        keys = self.attention.W_h(states) if self.attention is not None else None  # (B, S, H)
        return DecoderMemory(states, final, keys, mask)


class Seq2Seq(nn.Module):
    def __init__(self, config: Seq2SeqConfig):
        super().__init__()
        self.config = config
        self.encoder = Encoder(config)
        self.decoder = Decoder(config)

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        """Teacher forcing: logits (B, T, V) of the token after each of tgt_in (B, T), which starts with START."""
        mask = src != 0  # (B, S): padding is id 0 (training data has no unknown characters, which are 0 too)
        states, final = self.encoder(src, mask)  # (B, S, H), (B, H)
        memory = self.decoder.memory(states, final, mask)
        s, logits = final, []
        for i in range(tgt_in.shape[1]):
            step_logits, s, _, _ = self.decoder.step(tgt_in[:, i], s, memory)
            logits.append(step_logits)
        return torch.stack(logits, dim=1)  # (B, T, V)


def save_seq2seq(model: Seq2Seq, path: Path) -> None:
    save_with_config(model, path)


def load_seq2seq(path: Path) -> Seq2Seq:
    return load_with_config(path, Seq2Seq, Seq2SeqConfig)


def weights_path(kind: str) -> Path:
    return WEIGHTS_DIR / f"{kind}.safetensors"


def load_shipped_seq2seq(kind: str) -> Seq2Seq:
    """A trained model from this repository, in eval mode. Callers share it: do not modify it."""
    if kind not in KINDS:
        raise ValueError(f"No shipped encoder-decoder {kind!r}; choose one of {', '.join(KINDS)}.")
    path = weights_path(kind)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing; train it with `python -m models.train_seq2seq`.")
    return load_seq2seq(path)


@dataclass(frozen=True)
class Translation:
    source_tokens: list[str]  # the characters read, as typed
    output_tokens: list[str]  # the digits written, then END unless max_steps ran out
    attention: np.ndarray | None  # (output steps, source tokens), rows sum to 1; None for the plain model
    context: np.ndarray  # plain: (H,) the one context vector; attention: (output steps, H), one per step
    encoder_states: np.ndarray  # (source tokens, H)
    top_candidates: list[list[tuple[str, float]]]  # per output step, the TOP_CANDIDATES likeliest tokens


@torch.no_grad()
def translate(model: Seq2Seq, text: str, max_steps: int = MAX_TARGET_TOKENS) -> Translation:
    """Greedy decoding of `text`: at every step write the likeliest token, stop after END.

    Raises ValueError on empty or over-long input, with a message for the page.
    """
    if not text.strip():
        raise ValueError("Type a number in words, for example \"forty-two\".")
    if len(text) > MAX_SOURCE_CHARS:
        raise ValueError(f"Type at most {MAX_SOURCE_CHARS} characters; this input has {len(text)}.")
    ids, _ = encode_source(text)
    src = torch.tensor([ids])  # (1, S)
    # no padding in a single input: an unknown character has id 0 too, but it is read like any other
    mask = torch.ones_like(src, dtype=torch.bool)  # (1, S)
    states, final = model.encoder(src, mask)  # (1, S, H), (1, H)
    memory = model.decoder.memory(states, final, mask)
    s, y = final, torch.tensor([TARGET_INDEX[START]])
    outputs, contexts, alphas, candidates = [], [], [], []
    for _ in range(max_steps):
        logits, s, context, alpha = model.decoder.step(y, s, memory)
        probabilities = F.softmax(logits[0], dim=-1)  # (V,)
        top = probabilities.topk(TOP_CANDIDATES)
        candidates.append([(TARGET_VOCABULARY[i], p) for p, i in zip(top.values.tolist(), top.indices.tolist())])
        y = top.indices[:1]
        outputs.append(TARGET_VOCABULARY[y.item()])
        contexts.append(context[0])
        if alpha is not None:
            alphas.append(alpha[0])
        if outputs[-1] == END:
            break
    return Translation(
        source_tokens=list(text),
        output_tokens=outputs,
        attention=torch.stack(alphas).numpy() if alphas else None,
        context=torch.stack(contexts).numpy() if model.config.attention else final[0].numpy(),
        encoder_states=states[0].numpy(),
        top_candidates=candidates,
    )


def padded_sources(texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Character ids (B, S) of `texts`, padded with 0 at the end, and the mask (B, S) of real characters."""
    encoded = [encode_source(text)[0] for text in texts]
    src = torch.zeros(len(texts), max(map(len, encoded)), dtype=torch.long)  # (B, S)
    mask = torch.zeros_like(src, dtype=torch.bool)  # (B, S)
    for row, ids in enumerate(encoded):
        src[row, :len(ids)] = torch.tensor(ids)
        mask[row, :len(ids)] = True
    return src, mask


def until_end(ids: list[int]) -> str:
    """The tokens written before the first END, joined (anything but digits makes the answer wrong anyway)."""
    end = TARGET_INDEX[END]
    return "".join(TARGET_VOCABULARY[i] for i in (ids[:ids.index(end)] if end in ids else ids))


@torch.no_grad()
def greedy_decode(model: Seq2Seq, texts: list[str], max_steps: int = MAX_TARGET_TOKENS) -> list[str]:
    """What `model` writes for each of `texts` (END dropped), decoded greedily as one batch, for evaluation."""
    src, mask = padded_sources(texts)
    states, final = model.encoder(src, mask)  # (B, S, H), (B, H)
    memory = model.decoder.memory(states, final, mask)
    s, y = final, torch.full((len(texts),), TARGET_INDEX[START])
    written = []
    for _ in range(max_steps):
        logits, s, _, _ = model.decoder.step(y, s, memory)
        y = logits.argmax(dim=-1)  # (B,)
        written.append(y)
    return [until_end(row) for row in torch.stack(written, dim=1).tolist()]  # rows of (B, max_steps)
