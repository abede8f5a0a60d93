"""Milestone figures: sourced, consistent with each other and with the curriculum."""

import dataclasses
import re

import pytest

from models.course_map import FAMILY_NAMES
from models.milestones import (MILESTONES, Milestone, milestone_rows, series_by_family,
                               source_label, total_layers)

URL = re.compile(r"^https://[\w.-]+\.[a-z]{2,}/\S+$")
PAPER = re.compile(r"^https://(arxiv\.org/abs/\d{4}\.\d{4,5}|cdn\.openai\.com/\S+\.pdf)$")


@pytest.mark.parametrize("model", MILESTONES, ids=lambda m: m.name)
def test_every_row_names_its_sources_and_the_paper_first(model):
    assert model.sources, f"{model.name} has no source"
    assert all(URL.match(url) for url in model.sources), model.sources
    assert PAPER.match(model.sources[0]), f"{model.name}: first source should be the paper"
    assert model.paper and model.authors and model.where


def test_families_are_the_three_transformer_families():
    assert FAMILY_NAMES == ("encoder", "decoder", "encoder-decoder")
    assert {m.family for m in MILESTONES} == set(FAMILY_NAMES)


def test_a_row_with_an_unknown_family_is_refused():
    with pytest.raises(ValueError, match="family"):
        dataclasses.replace(MILESTONES[0], family="encoder-only")


@pytest.mark.parametrize("model", [m for m in MILESTONES if m.heads and m.hidden_size],
                         ids=lambda m: m.name)
def test_hidden_size_splits_evenly_across_heads(model):
    assert model.hidden_size % model.heads == 0


@pytest.mark.parametrize("model", [m for m in MILESTONES if m.family != "encoder-decoder"
                                   and None not in (m.layers, m.hidden_size, m.parameters)],
                         ids=lambda m: m.name)
def test_parameters_match_the_12_L_d2_rule_of_thumb(model):
    # Each block holds about 4d² in attention and 8d² in its feed-forward layer;
    # embeddings (large vocabularies) add the rest, hence the factor of 3.
    blocks = 12 * model.layers * model.hidden_size ** 2
    assert blocks / 3 <= model.parameters <= blocks * 3, f"{model.parameters:.3g} vs {blocks:.3g}"


def test_the_six_named_model_lines_are_present():
    series = {m.series for m in MILESTONES}
    for name in ("BERT", "GPT", "XLM", "T5", "Megatron", "M2M"):
        assert any(s.startswith(name) for s in series), name


def test_model_lines_sit_in_the_families_the_curriculum_gives():
    assert series_by_family() == {"encoder": ["BERT", "XLM"],
                                  "decoder": ["GPT", "Megatron-LM"],
                                  "encoder-decoder": ["T5", "M2M-100"]}


def test_first_years_match_the_curriculum():
    first = {}
    for m in MILESTONES:
        first[m.series] = min(first.get(m.series, m.year), m.year)
    assert first == {"BERT": 2018, "XLM": 2019, "GPT": 2018, "Megatron-LM": 2019,
                     "T5": 2019, "M2M-100": 2020}


def test_an_encoder_decoder_counts_both_stacks():
    t5_base = next(m for m in MILESTONES if m.name == "T5-base")
    bert_base = next(m for m in MILESTONES if m.name == "BERT-base")
    assert total_layers(t5_base) == 24 and total_layers(bert_base) == 12
    assert total_layers(dataclasses.replace(bert_base, layers=None)) is None


def test_table_rows_follow_the_milestones():
    rows = milestone_rows()
    assert [r["model"] for r in rows] == [m.name for m in MILESTONES]
    by_name = {r["model"]: r for r in rows}
    assert by_name["T5-11B"]["layers"] == "24 + 24"
    assert by_name["GPT-2 (1.5B)"]["layers"] == "48"
    assert by_name["XLM-15 (MLM+TLM)"]["parameters"] is None  # not published, not guessed
    assert all(r["source"] == m.sources[0] for r, m in zip(rows, MILESTONES))


@pytest.mark.parametrize("url, label", [
    ("https://arxiv.org/abs/1810.04805", "arXiv:1810.04805"),
    ("https://huggingface.co/google-t5/t5-base/blob/main/config.json", "google-t5/t5-base config.json"),
    ("https://cdn.openai.com/x/language_understanding_paper.pdf", "language_understanding_paper.pdf"),
])
def test_source_labels_are_short(url, label):
    assert source_label(url) == label


def test_milestone_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        MILESTONES[0].parameters = 1  # type: ignore[misc]
    assert isinstance(MILESTONES[0], Milestone)
