"""One interface over tiktoken encodings and Hugging Face tokenizers.

A tokenizer turns text into ids, and tells for the first tokens exactly which
bytes each one holds. Special-token text typed by a user (`<|endoftext|>`,
`[CLS]`) is split as ordinary text: the page counts what a user typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.byte_level import spelling_to_bytes
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
_FALLBACK_BYTE = re.compile(r"<0x([0-9A-Fa-f]{2})>")  # SentencePiece's spelling of a raw byte
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
    label: str | None  # a spelling shown instead of the bytes ("##ing", "▁the"); None shows the bytes


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
        from tokenizers import decoders
        from tokenizers.models import BPE

        self.tokenizer = tokenizer
        self.name = name
        # Byte-level BPE (GPT-2, Qwen) spells raw bytes with stand-in glyphs; SentencePiece BPE
        # with byte fallback (Llama 2) spells a byte "<0xE6>". Either way several tokens can share
        # one character, so their bytes come from their spelling, not from the text span.
        self.byte_level = isinstance(tokenizer.decoder, decoders.ByteLevel)
        self.byte_fallback = isinstance(tokenizer.model, BPE) and bool(tokenizer.model.byte_fallback)
        self.added_ids = frozenset(tokenizer.get_added_tokens_decoder())  # spelled as plain text

    def tokenize(self, text: str) -> Tokenization:
        encoding = self.tokenizer.encode(text, add_special_tokens=False)
        return Tokenization(list(encoding.ids), list(encoding.offsets))

    def pieces(self, text: str, tokenization: Tokenization, limit: int) -> list[Piece]:
        return [self._piece(token_id, text[start:end])
                for token_id, (start, end) in zip(tokenization.ids[:limit], tokenization.spans)]

    def _piece(self, token_id: int, span: str) -> Piece:
        spelling = self.tokenizer.id_to_token(token_id)
        own_bytes = None
        if token_id not in self.added_ids:
            if self.byte_level:
                own_bytes = spelling_to_bytes(spelling)
            elif self.byte_fallback and (byte := _FALLBACK_BYTE.fullmatch(spelling)):
                own_bytes = bytes.fromhex(byte[1])
        if own_bytes is not None:
            return Piece(token_id, own_bytes, None)  # shown as its bytes, like a tiktoken token
        # WordPiece ("##ing") and SentencePiece ("▁the") spellings read well; the span gives the bytes.
        return Piece(token_id, span.encode("utf-8"), spelling)

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
