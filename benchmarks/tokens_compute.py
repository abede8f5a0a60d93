"""The tokens page's compute path against a bare tiktoken encode of the same text."""

from __future__ import annotations

import statistics
import time

from models.context import text_counts
from models.encodings import bundled_cl100k
from models.tokenization import LIMITS, TiktokenTokenizer

SAMPLE = "All work and no play makes Jack a dull boy. Tokens, 東京, 🤖 and 12345!\n"


def median_seconds(work, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(size: int = 1_000_000) -> dict[str, float]:
    text = (SAMPLE * (size // len(SAMPLE) + 1))[:size]
    encoding = bundled_cl100k()
    tokenizer = TiktokenTokenizer(encoding)

    def page_path():  # what one uncached rerun of the page computes
        tokens = tokenizer.tokenize(text)
        text_counts(text, len(tokens.ids))
        tokenizer.pieces(text, tokens, LIMITS.chips_shown)
        tokenizer.char_boundary(text, tokens, len(tokens.ids) // 2)

    bare = median_seconds(lambda: encoding.encode_ordinary(text))
    page = median_seconds(page_path)
    return {"bare tiktoken encode, 1 MB (s)": bare, "page compute path, 1 MB (s)": page,
            "page / bare (ratio)": page / bare}
