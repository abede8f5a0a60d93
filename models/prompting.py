"""Prompts as token ids that fit a model's context window beside the answer.

A plain prompt longer than the room left is cut at its start (the end is what
the model continues). A conversation drops its oldest turns first, keeping a
system message, and says which turns fell out. Special-token text typed by a
user ("<|endoftext|>") is read as text, as on the tokens page; only a chat
template adds real special tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PreparedPrompt:
    ids: list[int]
    window: int  # the model's context length
    reserved: int  # tokens kept free for the answer
    cut_tokens: int = 0  # tokens cut from the start of a plain prompt
    dropped: list[dict] = field(default_factory=list)  # conversation turns that no longer fit

    @property
    def budget(self) -> int:
        return self.window - self.reserved


def text_ids(tokenizer, text: str) -> list[int]:
    return tokenizer(text, add_special_tokens=False, split_special_tokens=True)["input_ids"]


def prepare_completion(tokenizer, text: str, window: int, reserved: int) -> PreparedPrompt:
    prefix = [tokenizer.bos_token_id] if getattr(tokenizer, "add_bos_token", False) and tokenizer.bos_token_id \
        is not None else []
    ids = prefix + text_ids(tokenizer, text)
    budget = max(1, window - reserved)
    cut = max(0, len(ids) - budget)
    return PreparedPrompt(ids[cut:], window, reserved, cut_tokens=cut)


def chat_ids(tokenizer, messages: list[dict]) -> list[int]:
    """The conversation through the model's chat template, ready for the assistant's reply."""
    # As transformers does it: marker text inside a typed message would become a marker too.
    return tokenizer(chat_template_text(tokenizer, messages), add_special_tokens=False)["input_ids"]


def prepare_chat(tokenizer, messages: list[dict], window: int, reserved: int) -> PreparedPrompt:
    budget = max(1, window - reserved)
    kept, dropped = list(messages), []
    keep_first = bool(kept) and kept[0]["role"] == "system"
    ids = chat_ids(tokenizer, kept)
    while len(ids) > budget and len(kept) > 1 + keep_first:
        dropped.append(kept.pop(1 if keep_first else 0))
        ids = chat_ids(tokenizer, kept)
    cut = max(0, len(ids) - budget)  # one turn alone too long: its start goes
    return PreparedPrompt(ids[cut:], window, reserved, cut_tokens=cut, dropped=dropped)


def chat_template_text(tokenizer, messages: list[dict]) -> str:
    """The conversation as the model reads it, special tokens and all."""
    return tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
