"""Counting text against a context window, and what a cut would remove."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TextCounts:
    tokens: int
    characters: int
    words: int
    bytes: int

    @property
    def characters_per_token(self) -> float:
        return self.characters / self.tokens if self.tokens else 0.0


def text_counts(text: str, n_tokens: int) -> TextCounts:
    return TextCounts(n_tokens, len(text), len(text.split()), len(text.encode("utf-8")))


@dataclass(frozen=True)
class WindowUsage:
    input_tokens: int
    reserved_output: int
    context_window: int

    @property
    def used(self) -> int:
        return self.input_tokens + self.reserved_output

    @property
    def over_by(self) -> int:
        """Tokens too many: input plus reserved output beyond the window (0 when it fits)."""
        return max(0, self.used - self.context_window)

    @property
    def input_budget(self) -> int:
        """Most input tokens that fit beside the reserved output."""
        return max(0, self.context_window - self.reserved_output)

    @property
    def fraction_used(self) -> float:
        return self.used / self.context_window


def context_window_usage(input_tokens: int, reserved_output: int, context_window: int) -> WindowUsage:
    if context_window <= 0 or reserved_output < 0 or input_tokens < 0:
        raise ValueError("Token counts must be non-negative and the window positive.")
    return WindowUsage(input_tokens, reserved_output, context_window)


@dataclass(frozen=True)
class Cut:
    kept: str
    removed: str
    removed_tokens: int


def cut_to_window(text: str, boundary_at, n_tokens: int, budget: int, keep: str = "start") -> Cut:
    """Split `text` into what a window of `budget` input tokens keeps and what it loses.

    `boundary_at(k)` gives the character index where token k starts;
    `keep` is "start" (drop the end, as most APIs do) or "end" (drop the oldest text).
    """
    if keep not in ("start", "end"):
        raise ValueError('keep must be "start" or "end".')
    removed_tokens = max(0, n_tokens - budget)
    if keep == "start":
        split = boundary_at(n_tokens - removed_tokens)
        return Cut(text[:split], text[split:], removed_tokens)
    split = boundary_at(removed_tokens)
    return Cut(text[split:], text[:split], removed_tokens)
