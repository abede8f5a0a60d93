import pytest
import tiktoken

from models.context_windows import DEFAULT_MODEL, MODEL_LIMITS, model_limits


@pytest.mark.parametrize("row", MODEL_LIMITS, ids=lambda r: r.model)
def test_encoding_matches_tiktokens_model_table(row):
    assert tiktoken.model.encoding_name_for_model(row.model) == row.encoding


@pytest.mark.parametrize("row", MODEL_LIMITS, ids=lambda r: r.model)
def test_limits_are_sane_and_sourced(row):
    assert 0 < row.max_output <= row.context_window
    assert row.source.startswith("https://")


def test_curriculum_figures():
    assert model_limits("gpt-3.5-turbo-1106").context_window == 16_385
    assert model_limits("gpt-3.5-turbo-1106").max_output == 4_096
    assert model_limits("gpt-4").context_window == 8_192
    assert (model_limits("gpt-4o").context_window, model_limits("gpt-4o").max_output) == (128_000, 16_384)
    assert model_limits(DEFAULT_MODEL)
    assert {"gpt-4.1", "o3", "gpt-5"} <= {r.model for r in MODEL_LIMITS}
