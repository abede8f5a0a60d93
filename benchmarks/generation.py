"""The prompt playground's generation loop against `model.generate` on the same model and prompt.

Both greedy, same number of new tokens; the loop also computes each step's
candidates and shaped distribution, which is what the page shows.
"""

from __future__ import annotations

import torch

from benchmarks.tokens_compute import median_seconds
from models.generation import SamplingSettings, generate_steps
from models.prompting import text_ids
from models.registry import PROJECT_DECODER
from models.transformer_loading import load_transformer

PROMPT = "The for statement is used to iterate over the elements of a sequence"
NEW_TOKENS = 60


def run() -> dict[str, float]:
    loaded = load_transformer(PROJECT_DECODER)
    ids = text_ids(loaded.tokenizer, PROMPT)
    settings = SamplingSettings(max_new_tokens=NEW_TOKENS)

    def ours() -> None:
        steps = list(generate_steps(loaded.model, loaded.tokenizer, ids, settings))
        assert len(steps) == NEW_TOKENS or steps[-1].stop

    def theirs() -> None:
        with torch.no_grad():
            loaded.model.generate(torch.tensor([ids]), do_sample=False, max_new_tokens=NEW_TOKENS,
                                  min_new_tokens=NEW_TOKENS, pad_token_id=loaded.tokenizer.eos_token_id)

    ours_s, theirs_s = median_seconds(ours, repeats=5), median_seconds(theirs, repeats=5)
    return {"model.generate (tokens/s)": NEW_TOKENS / theirs_s,
            "page's generation loop (tokens/s)": NEW_TOKENS / ours_s,
            "loop time / generate time (ratio)": ours_s / theirs_s}
