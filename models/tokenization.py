"""One interface over tiktoken encodings and Hugging Face tokenizers.

A tokenizer turns text into ids, and tells for the first tokens exactly which
bytes each one holds. Special-token text typed by a user (`<|endoftext|>`,
`[CLS]`) is split as ordinary text: the page counts what a user typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.context_windows import MODEL_LIMITS, model_limits
from models.encodings import ENCODING_NAMES, load_encoding
from models.hub import model_file
from models.registry import model_spec, specs_for


@dataclass(frozen=True)
class TokenViewLimits:
    max_upload_bytes: int = 2_000_000
    chips_shown: int = 2_000  # counts cover the whole text; chips only its start
    compare_chips: int = 300
    cut_preview_chars: int = 600


LIMITS = TokenViewLimits()
DEFAULT_TEXT = (
    "Tokens are not words. tiktoken is great! Unbelievably, \"tokenization\" splits rare words "
    "into pieces, while common ones stay whole.\n"
    "Numbers split too: 1234567. So do emoji 🤖 and other scripts: 東京は日本の首都です。\n"
)


@dataclass(frozen=True)
class TokenizerChoice:
    key: str  # an OpenAI model, a tiktoken encoding or a registry repo id
    label: str
    group: str
    context_window: int | None  # None for a bare encoding: no model, no window
    max_output: int | None
    source: str


@dataclass(frozen=True)
class Piece:
    token_id: int
    data: bytes  # exactly the bytes of the text this token stands for
    label: str | None  # the tokenizer's own spelling ("##ing", "Ġthe"), if it has one


@dataclass(frozen=True)
class Tokenization:
    ids: list[int]
    spans: list[tuple[int, int]] | None = None  # (start, end) in the text per token, when known


def tokenizer_choices() -> list[TokenizerChoice]:
    models = [TokenizerChoice(m.model, m.model, "OpenAI model", m.context_window, m.max_output, m.source)
              for m in MODEL_LIMITS]
    encodings = [TokenizerChoice(name, name, "tiktoken encoding", None, None, "tiktoken")
                 for name in ENCODING_NAMES]
    hugging_face = [TokenizerChoice(s.repo_id, s.label, "Hugging Face", s.context_length, None,
                                    "this project (models/weights/decoder)" if s.source == "project"
                                    else f"https://huggingface.co/{s.repo_id}") for s in specs_for("tokens")]
    return models + encodings + hugging_face


def choice(key: str) -> TokenizerChoice:
    for item in tokenizer_choices():
        if item.key == key:
            return item
    raise KeyError(f"Unknown tokenizer {key!r}.")


class TiktokenTokenizer:
    def __init__(self, encoding):
        self.encoding = encoding
        self.name = encoding.name

    def tokenize(self, text: str) -> Tokenization:
        return Tokenization(self.encoding.encode_ordinary(text))

    def pieces(self, text: str, tokenization: Tokenization, limit: int) -> list[Piece]:
        token_bytes = self.encoding.decode_single_token_bytes
        return [Piece(i, token_bytes(i), None) for i in tokenization.ids[:limit]]

    def char_boundary(self, text: str, tokenization: Tokenization, k: int) -> int:
        """Index in `text` where token k starts (a character split by it counts as after)."""
        n_bytes = sum(len(self.encoding.decode_single_token_bytes(i)) for i in tokenization.ids[:k])
        return len(text.encode("utf-8")[:n_bytes].decode("utf-8", errors="ignore"))


class HuggingFaceTokenizer:
    def __init__(self, tokenizer, name: str):
        self.tokenizer = tokenizer
        self.name = name

    def tokenize(self, text: str) -> Tokenization:
        encoding = self.tokenizer.encode(text, add_special_tokens=False)
        return Tokenization(list(encoding.ids), list(encoding.offsets))

    def pieces(self, text: str, tokenization: Tokenization, limit: int) -> list[Piece]:
        spans = tokenization.spans
        return [Piece(i, text[spans[k][0]:spans[k][1]].encode("utf-8"), self.tokenizer.id_to_token(i))
                for k, i in enumerate(tokenization.ids[:limit])]

    def char_boundary(self, text: str, tokenization: Tokenization, k: int) -> int:
        return tokenization.spans[k][0] if k < len(tokenization.spans) else len(text)


def load_tokenizer(key: str):
    """A tokenizer for `key`; raises DownloadUnavailable when its files cannot be had."""
    item = choice(key)
    if item.group == "Hugging Face":
        return load_hf_tokenizer(key)
    encoding = key if item.group == "tiktoken encoding" else model_limits(key).encoding
    return TiktokenTokenizer(load_encoding(encoding))


def load_hf_tokenizer(repo_id: str, cache_dir=None) -> HuggingFaceTokenizer:
    from tokenizers import Tokenizer

    spec = model_spec(repo_id)
    tokenizer = Tokenizer.from_file(str(model_file(spec, "tokenizer.json", cache_dir=cache_dir)))
    # Count whole texts as typed: no truncation, no padding, "[CLS]" typed is text.
    tokenizer.no_truncation()
    tokenizer.no_padding()
    tokenizer.encode_special_tokens = True
    return HuggingFaceTokenizer(tokenizer, spec.label)
