"""The attention page through AppTest: views, toggles, bad input, offline hub models, URL state."""

import json

import numpy as np

from models.attention_examples import examples_for
from models.registry import PACKAGED_ENCODER, PROJECT_DECODER, model_spec
from tests.pages.page_switch import away_and_back, open_via_router
from tests.pages.runner import chart_specs, values
from tests.pages.runner import run_page as run_in_app_test

HOSTILE = "</script><img src=x onerror=alert(1)>"


def run_page(**query):
    return run_in_app_test("attention.py", **query)


def heatmap_tokens(spec):
    return spec["layout"]["yaxis"]["ticktext"]


def test_default_shows_one_head_and_the_average():
    at = run_page()
    one, average = chart_specs(at)
    assert heatmap_tokens(one)[0] == "[CLS]" and "animal" in heatmap_tokens(one)
    assert "average of 12 heads" in average["layout"]["title"]["text"]
    rows = values(one["data"][0]["z"])
    np.testing.assert_allclose(rows.sum(axis=1), 1, atol=1e-3)  # what is drawn is a distribution per row


def test_layer_and_head_pickers_change_the_heatmap():
    at = run_page()
    before = chart_specs(at)[0]["data"][0]["z"]
    at.selectbox(key="attention.layer").set_value(3).run()
    at.selectbox(key="attention.head").set_value(7).run()
    spec = chart_specs(at)[0]
    assert spec["layout"]["title"]["text"] == "Layer 3, head 7"
    assert not np.array_equal(values(spec["data"][0]["z"]), values(before), equal_nan=True)
    assert at.query_params["layer"] == "3" and at.query_params["head"] == "7"


def test_hiding_special_tokens_removes_them_from_every_view():
    at = run_page()
    at.toggle(key="attention.hide").set_value(True).run()
    tokens = heatmap_tokens(chart_specs(at)[0])
    assert "[CLS]" not in tokens and "[SEP]" not in tokens and tokens[0] == "the"


def test_the_project_decoder_shows_its_causal_mask():
    at = run_page(model=PROJECT_DECODER)
    z = values(chart_specs(at)[0]["data"][0]["z"])
    assert np.isnan(z[np.triu_indices(len(z), k=1)]).all()
    assert any("Grey cells are masked" in c.value for c in at.caption)


def test_all_heads_grid_and_summaries_tabs():
    at = run_page(tab="All heads")
    grid = chart_specs(at)[0]
    assert len(grid["data"]) == 6 * 12 * 2  # thumbnails and their click markers
    at.multiselect(key="attention.layers-picker").set_value(["0", "5"]).run()
    assert len(chart_specs(at)[0]["data"]) == 2 * 12 * 2
    at = run_page(tab="Head summaries")
    assert values(chart_specs(at)[0]["data"][0]["z"]).shape == (6, 12)  # entropy: layers by heads
    assert at.dataframe and {"layer", "head", "attends to", "share"} <= set(at.dataframe[0].value.columns)


def test_bertviz_tab_embeds_a_self_contained_view():
    at = run_page(tab="bertviz")
    page = at.get("iframe")[0].proto.srcdoc
    assert 'src="http' not in page and "cdnjs" not in page  # nothing loads from the network
    assert at.get("download_button")
    at.segmented_control(key="attention.bertviz-view").set_value("model").run()
    assert "model_view" in at.get("iframe")[0].proto.srcdoc or "Attention, model view" in \
        at.get("iframe")[0].proto.srcdoc


def test_hostile_text_is_text_in_every_view():
    for tab in ("One head", "bertviz"):
        at = run_page(text=HOSTILE, tab=tab)
        assert not at.exception
        for spec in chart_specs(at):
            assert "<img" not in json.dumps(spec["layout"]) and "&lt;" in json.dumps(spec["layout"])
        for frame in at.get("iframe"):
            # WordPiece splits it ("<", "im", "##g"): the "<" token is there, escaped as JSON text.
            assert "<img" not in frame.proto.srcdoc and '"\\u003c"' in frame.proto.srcdoc


def test_empty_text_asks_for_a_sentence():
    at = run_page()
    at.text_area(key="attention.text").set_value("   ").run()
    assert not at.exception and "Type a sentence" in at.info[0].value
    assert not at.get("plotly_chart")


def test_huge_text_is_capped_with_a_notice():
    at = run_page()
    at.text_area(key="attention.text").set_value("word " * 3000).run()
    assert not at.exception and "first 128" in at.warning[0].value
    assert len(heatmap_tokens(chart_specs(at)[0])) <= 64  # tick labels thinned, the matrix is 128
    assert values(chart_specs(at)[0]["data"][0]["z"]).shape == (128, 128)


def test_sentence_pair_for_encoders_only():
    at = run_page(pair="It was raining.")
    tokens = heatmap_tokens(chart_specs(at)[0])
    assert tokens.count("[SEP]") == 2 and "raining" in tokens
    at = run_page(model=PROJECT_DECODER)
    assert not [t for t in at.text_input if t.key == "attention.pair"]


def test_offline_hub_model_says_so_and_offers_the_offline_ones():
    at = run_page(model="Helsinki-NLP/opus-mt-en-de")
    assert "offline" in at.warning[0].value and not at.get("plotly_chart")
    labels = [b.label for b in at.button]
    assert "Use all-MiniLM-L6-v2 (bundled)" in labels and "Use Docs GPT (this project's)" in labels
    at.button(key=f"attention.use.{PROJECT_DECODER}").click().run()
    assert at.selectbox(key="attention.model").value == PROJECT_DECODER and chart_specs(at)


def test_a_link_restores_the_view_and_bad_values_fall_back():
    at = run_page(model=PROJECT_DECODER, text="def f(x):", layer="2", head="3", hide="1")
    assert at.selectbox(key="attention.layer").value == 2 and at.selectbox(key="attention.head").value == 3
    assert at.text_area(key="attention.text").value == "def f(x):" and at.toggle(key="attention.hide").value
    at = run_page(model="no-such/model", layer="999", head="x")
    assert at.selectbox(key="attention.model").value.endswith("all-MiniLM-L6-v2")
    assert at.selectbox(key="attention.layer").value == 0
    at = run_page(layer="11")  # valid in a URL, but MiniLM has 6 layers
    assert at.selectbox(key="attention.layer").value == 0


def test_an_example_loads_again_after_the_text_was_edited():
    example = examples_for(model_spec(PACKAGED_ENCODER))[1]
    at = run_page()
    at.selectbox(key="attention.example").set_value(example).run()
    assert at.text_area(key="attention.text").value == example[0]
    assert at.selectbox(key="attention.example").value is None  # back to the placeholder
    at.text_area(key="attention.text").set_value("My own sentence.").run()
    at.selectbox(key="attention.example").set_value(example).run()
    assert at.text_area(key="attention.text").value == example[0]


def test_first_load_keeps_defaults_out_of_the_url_and_cleans_bad_layers():
    at = run_page()
    assert "kind" not in at.query_params and "layers" not in at.query_params
    at = run_page(layers="99,abc,2,2")  # One head tab: the filter is not drawn, the URL is still cleaned
    assert at.query_params["layers"] == "2"
    at = run_page(kind="self-attention")  # an old link that names the first kind
    assert "kind" not in at.query_params and not at.exception


def test_the_layer_filter_survives_a_page_switch():
    at = open_via_router("attention.py", tab="All heads")
    at.multiselect(key="attention.layers-picker").set_value(["1"]).run()
    assert at.query_params["layers"] == "1"
    away_and_back(at, "attention.py", ["attention.layers-picker", "attention.layer"])
    assert at.query_params.get("layers") == "1"
    assert at.multiselect(key="attention.layers-picker").value == ["1"]
    assert len(chart_specs(at)[0]["data"]) == 1 * 12 * 2  # the grid draws layer 1 only
