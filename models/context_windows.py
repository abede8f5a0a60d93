"""OpenAI models: their tiktoken encoding, context window and output limit.

One table, one source per row. Figures are those on OpenAI's model pages
(platform.openai.com/docs/models/<model>) as of 2026; "context" counts input and
output together, "max output" is the most the model returns in one answer.
Each row cites its own model's page, or its family's ("gpt-3.5-turbo").
Retired models (text-davinci-003, davinci: shut down in January 2024) are not
listed: no current OpenAI page states their windows, and copies of the old
pages disagree (4,000, 4,096 or 4,097 for text-davinci-003). Their encodings,
p50k_base and r50k_base, stay on the page as bare encodings.
"""

from __future__ import annotations

from dataclasses import dataclass

_DOCS = "https://platform.openai.com/docs/models/"


@dataclass(frozen=True)
class ModelLimits:
    model: str
    encoding: str
    context_window: int
    max_output: int
    source: str


def _row(model: str, encoding: str, context_window: int, max_output: int, page: str | None = None):
    return ModelLimits(model, encoding, context_window, max_output, _DOCS + (page or model))


MODEL_LIMITS: tuple[ModelLimits, ...] = (
    _row("gpt-5", "o200k_base", 400_000, 128_000),
    _row("gpt-5-mini", "o200k_base", 400_000, 128_000),
    _row("gpt-5-nano", "o200k_base", 400_000, 128_000),
    _row("gpt-4.1", "o200k_base", 1_047_576, 32_768),
    _row("gpt-4.1-mini", "o200k_base", 1_047_576, 32_768),
    _row("gpt-4.1-nano", "o200k_base", 1_047_576, 32_768),
    _row("o3", "o200k_base", 200_000, 100_000),
    _row("o4-mini", "o200k_base", 200_000, 100_000),
    _row("o1", "o200k_base", 200_000, 100_000),
    _row("gpt-4o", "o200k_base", 128_000, 16_384),
    _row("gpt-4o-mini", "o200k_base", 128_000, 16_384),
    _row("gpt-oss-120b", "o200k_harmony", 131_072, 131_072),
    _row("gpt-4-turbo", "cl100k_base", 128_000, 4_096),
    _row("gpt-4", "cl100k_base", 8_192, 8_192),
    _row("gpt-3.5-turbo-1106", "cl100k_base", 16_385, 4_096, "gpt-3.5-turbo"),
    _row("gpt-3.5-turbo-0125", "cl100k_base", 16_385, 4_096, "gpt-3.5-turbo"),
)
DEFAULT_MODEL = "gpt-3.5-turbo-1106"


def model_limits(model: str) -> ModelLimits:
    for row in MODEL_LIMITS:
        if row.model == model:
            return row
    raise KeyError(f"No limits known for {model!r}.")
