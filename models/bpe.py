"""Byte-pair encoding, one merge at a time, and a tiny BPE trained on a student's text.

The algorithms are those of `tiktoken._educational` (the oracle in the tests):
encoding starts from single bytes and keeps merging the neighbouring pair whose
concatenation has the lowest rank; training starts from the 256 byte tokens and
keeps turning the most common neighbouring pair into a new token. Here they
return every intermediate state, for the page to draw, instead of printing it.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

import regex
import tiktoken

BYTE_TOKENS = 256  # every byte value is a token before any merge
Pair = tuple[bytes, bytes]


@dataclass(frozen=True)
class BpeLimits:
    max_word_chars: int = 64  # a typed word or short phrase; each step redraws every part
    max_training_chars: int = 20_000
    max_merges: int = 300  # vocab_size goes up to BYTE_TOKENS + max_merges

    @property
    def max_vocab_size(self) -> int:
        return BYTE_TOKENS + self.max_merges


LIMITS = BpeLimits()


@dataclass(frozen=True)
class MergeStep:
    parts: tuple[bytes, ...]  # the piece, cut into its current tokens
    ids: tuple[int, ...]  # the rank of each part, which is its token id
    merge_index: int | None  # parts[merge_index] and parts[merge_index + 1] merge next; None when done
    merge_rank: int | None  # the rank of that merged pair


@dataclass(frozen=True)
class PieceTrace:
    text: str  # one piece of the pre-tokenizer's split (" tokenization")
    steps: tuple[MergeStep, ...]  # from single bytes to the final tokens

    @property
    def merge_count(self) -> int:
        return len(self.steps) - 1

    @property
    def token_ids(self) -> tuple[int, ...]:
        return self.steps[-1].ids


@dataclass(frozen=True)
class TrainedMerge:
    rank: int  # also the new token's id
    left: bytes
    right: bytes
    merged: bytes
    count: int  # how often the pair stood side by side in the text when it was chosen


@dataclass(frozen=True)
class TrainedBPE:
    """A trained tokenizer; encodes like `tiktoken._educational.SimpleBytePairEncoding`."""

    pat_str: str
    mergeable_ranks: dict[bytes, int]
    merges: tuple[TrainedMerge, ...]
    stop_reason: str | None  # why training ended before the asked vocabulary size, if it did

    @cached_property
    def _decoder(self) -> dict[int, bytes]:
        return {rank: token for token, rank in self.mergeable_ranks.items()}

    def encode(self, text: str) -> list[int]:
        return [token for piece in pre_tokenize(self.pat_str, text)
                for token in _final_ids(self.mergeable_ranks, piece.encode("utf-8"))]

    def decode_tokens_bytes(self, tokens: list[int]) -> list[bytes]:
        return [self._decoder[token] for token in tokens]

    def decode_bytes(self, tokens: list[int]) -> bytes:
        return b"".join(self.decode_tokens_bytes(tokens))


def longest_merge_count(traces: list[PieceTrace]) -> int:
    """Steps to walk: the pieces merge side by side, so the longest one sets the pace."""
    return max((trace.merge_count for trace in traces), default=0)


def split_pattern(encoding: tiktoken.Encoding) -> str:
    """The encoding's pre-tokenizer regex (tiktoken keeps it private; `_educational` reads it too)."""
    return encoding._pat_str


def pre_tokenize(pat_str: str, text: str) -> list[str]:
    """Cut text into the pieces BPE works on: merges never cross a piece boundary."""
    return regex.findall(pat_str, text)


def bpe_merge_steps(mergeable_ranks: dict[bytes, int], piece: bytes) -> list[MergeStep]:
    """Every state of BPE on `piece`, from single bytes to its final tokens."""
    parts = [bytes([b]) for b in piece]
    starts = list(range(len(piece)))  # byte offset of each part, to place each merge
    steps = []
    for left, _, rank in _merge_sequence(mergeable_ranks, piece):
        i = starts.index(left)
        steps.append(MergeStep(tuple(parts), _ids(mergeable_ranks, parts), i, rank))
        parts[i : i + 2] = [parts[i] + parts[i + 1]]
        del starts[i + 1]
    steps.append(MergeStep(tuple(parts), _ids(mergeable_ranks, parts), None, None))
    return steps


def word_merge_trace(encoding: tiktoken.Encoding, text: str) -> list[PieceTrace]:
    """The merges of each piece of `text`; raises ValueError beyond LIMITS.max_word_chars."""
    if len(text) > LIMITS.max_word_chars:
        raise ValueError(f"That is {len(text)} characters; type a word or short phrase of at most "
                         f"{LIMITS.max_word_chars} characters to watch its merges.")
    ranks = encoding._mergeable_ranks
    return [PieceTrace(piece, tuple(bpe_merge_steps(ranks, piece.encode("utf-8"))))
            for piece in pre_tokenize(split_pattern(encoding), text)]


def train_bpe(text: str, vocab_size: int, pat_str: str) -> TrainedBPE:
    """Train a byte-level BPE on `text` up to `vocab_size` tokens, like `_educational.bpe_train`.

    Differences from the oracle, both on purpose: training stops early when no
    pair occurs twice (a merge seen once teaches nothing), and a pair whose bytes
    already are a token (a+bc after ab+c) reuses that token's rank instead of
    giving one rank to two tokens.
    """
    if len(text) > LIMITS.max_training_chars:
        raise ValueError(f"The training text has {len(text):,} characters; use at most "
                         f"{LIMITS.max_training_chars:,} so that training stays quick.")
    if not BYTE_TOKENS <= vocab_size <= LIMITS.max_vocab_size:
        raise ValueError(f"Choose a vocabulary size between {BYTE_TOKENS} (the single bytes) "
                         f"and {LIMITS.max_vocab_size}; got {vocab_size}.")
    pairs = _PairIndex(Counter(pre_tokenize(pat_str, text)))
    ranks = {bytes([i]): i for i in range(BYTE_TOKENS)}
    merges: list[TrainedMerge] = []
    stop_reason = None
    while len(ranks) < vocab_size:
        pair, count = pairs.most_common()
        if count < 2:
            stop_reason = (f"Stopped after {len(merges)} merges: no pair of neighbouring tokens "
                           "occurs twice in the text any more. A longer text gives more merges.")
            break
        merged = pair[0] + pair[1]
        rank = ranks.setdefault(merged, len(ranks))
        merges.append(TrainedMerge(rank, pair[0], pair[1], merged, count))
        pairs.merge(pair, merged)
    return TrainedBPE(pat_str, ranks, tuple(merges), stop_reason)


class _PairIndex:
    """Each distinct word as a linked list of tokens, and where every neighbouring pair stands.

    A node is one token of one word, weighted by how often the word occurs.
    Node ids grow left to right through the words in order of first appearance,
    and a merge keeps the left node's id, so the smallest node holding a pair is
    where the pair first occurs in the text: the tie-break of the oracle, whose
    `max` keeps the first pair its scan met. A merge touches only the places of
    its pair, so one long word costs no more per merge than many short ones, and
    each pair's first place is kept until it goes, as a long repetitive text
    ties thousands of pairs at every merge.
    """

    def __init__(self, word_counts: Counter[str]):
        self.token: list[bytes] = []
        self.next: list[int] = []  # -1: end of the word, or a node merged away
        self.prev: list[int] = []
        self.weight: list[int] = []
        for word, freq in word_counts.items():
            data = word.encode("utf-8")
            first = len(self.token)
            for k, byte in enumerate(data):
                self.token.append(bytes([byte]))
                self.prev.append(first + k - 1 if k else -1)
                self.next.append(first + k + 1 if k + 1 < len(data) else -1)
                self.weight.append(freq)
        self.counts: dict[Pair, int] = {}  # overlaps count ("aaa" holds a+a twice), as in the oracle
        self.places: dict[Pair, set[int]] = {}  # the nodes where each pair starts
        self.first: dict[Pair, int] = {}  # smallest of a pair's places, while known
        for node in range(len(self.token)):
            self._count(node, +1)

    def _count(self, node: int, sign: int) -> None:
        """Add (+1) or remove (-1) the pair that starts at `node`, if there is one."""
        if node < 0 or self.next[node] < 0:
            return
        pair = (self.token[node], self.token[self.next[node]])
        count = self.counts.get(pair, 0) + sign * self.weight[node]
        if not count:
            del self.counts[pair], self.places[pair]
            self.first.pop(pair, None)
            return
        self.counts[pair] = count
        if sign > 0:
            self.places.setdefault(pair, set()).add(node)
            if node < self.first.get(pair, node):
                self.first[pair] = node
        else:
            self.places[pair].discard(node)
            if self.first.get(pair) == node:
                del self.first[pair]  # found again when next needed

    def most_common(self) -> tuple[Pair | None, int]:
        best = max(self.counts.values(), default=0)
        if not best:
            return None, 0
        ties = [pair for pair, count in self.counts.items() if count == best]
        for pair in ties:
            if pair not in self.first:
                self.first[pair] = min(self.places[pair])
        return min(ties, key=self.first.__getitem__), best

    def merge(self, pair: Pair, merged: bytes) -> None:
        """Merge every place of `pair`, left to right without overlaps, as the oracle does."""
        for left in sorted(self.places[pair]):
            right = self.next[left]
            if right < 0 or (self.token[left], self.token[right]) != pair:
                continue  # its right part went to the place before ("aaa": a+a, then a)
            before, after = self.prev[left], self.next[right]
            for node in (before, left, right):
                self._count(node, -1)
            self.token[left] = merged
            self.next[left], self.next[right] = after, -1
            if after >= 0:
                self.prev[after] = left
            for node in (before, left):
                self._count(node, +1)


def _merge_sequence(ranks: dict[bytes, int], piece: bytes) -> list[tuple[int, int, int]]:
    """The merges BPE makes on `piece`, in order, as (left part's start, right part's start, rank).

    Parts are named by the byte offset where they start, which no merge changes.

    Same choice as `_educational.bpe_encode` (lowest rank, leftmost on a tie), but
    with a heap of candidate pairs so a long piece costs n log n, not n squared.
    """
    n = len(piece)
    end = list(range(1, n + 1))  # end[s]: where the part starting at byte s ends
    prev = list(range(-1, n - 1))  # prev[s]: start of the part before it
    alive = [True] * n  # whether a part still starts at byte s
    heap: list[tuple[int, int, int, int]] = []  # (rank, left start, right start, right end)

    def push(left: int, right: int) -> None:
        rank = ranks.get(piece[left : end[right]])
        if rank is not None:
            heapq.heappush(heap, (rank, left, right, end[right]))

    for s in range(n - 1):
        push(s, s + 1)
    merges = []
    while heap:
        rank, left, right, right_end = heapq.heappop(heap)
        if not (alive[left] and alive[right] and end[left] == right and end[right] == right_end):
            continue  # a stale pair: one of its parts has merged since
        merges.append((left, right, rank))
        alive[right] = False
        end[left] = right_end
        if right_end < n:
            prev[right_end] = left
            push(left, right_end)
        if prev[left] >= 0:
            push(prev[left], left)
    return merges


def _final_ids(ranks: dict[bytes, int], piece: bytes) -> list[int]:
    # Every byte offset starts a part until a merge swallows it as a right part.
    swallowed = {right for _, right, _ in _merge_sequence(ranks, piece)}
    starts = [s for s in range(len(piece)) if s not in swallowed]
    return [ranks[piece[a:b]] for a, b in zip(starts, starts[1:] + [len(piece)])]


def _ids(ranks: dict[bytes, int], parts: list[bytes]) -> tuple[int, ...]:
    return tuple(ranks[part] for part in parts)
