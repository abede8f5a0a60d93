import pytest
import tiktoken

from models.context_windows import DEFAULT_MODEL, MODEL_LIMITS, model_limits
from models.encodings import ENCODING_NAMES


@pytest.mark.parametrize("row", MODEL_LIMITS, ids=lambda r: r.model)
def test_encoding_matches_tiktokens_model_table(row):
    assert tiktoken.model.encoding_name_for_model(row.model) == row.encoding


@pytest.mark.parametrize("row", MODEL_LIMITS, ids=lambda r: r.model)
def test_limits_are_sane_and_sourced(row):
    assert 0 < row.max_output <= row.context_window
    assert row.encoding in ENCODING_NAMES
    # The cited page is the model's own or its family's: "gpt-3.5-turbo" for gpt-3.5-turbo-1106.
    docs = "https://platform.openai.com/docs/models/"
    assert row.source.startswith(docs)
    page = row.source.removeprefix(docs)
    assert page and "/" not in page and row.model.startswith(page)


def test_one_row_per_model():
    models = [row.model for row in MODEL_LIMITS]
    assert len(models) == len(set(models))


def test_curriculum_figures():
    assert model_limits("gpt-3.5-turbo-1106").context_window == 16_385
    assert model_limits("gpt-3.5-turbo-1106").max_output == 4_096
    assert model_limits("gpt-4").context_window == 8_192
    assert (model_limits("gpt-4o").context_window, model_limits("gpt-4o").max_output) == (128_000, 16_384)
    assert model_limits(DEFAULT_MODEL)
    assert {"gpt-4.1", "o3", "gpt-5"} <= {r.model for r in MODEL_LIMITS}
