"""The prompt playground through AppTest: answers, settings, bad input, chat, models side by side."""

import json

import huggingface_hub.constants
import pytest
import torch

from components.model_loading import _fetched_models, shared_transformer
from models.prompting import text_ids
from models.registry import MODEL_SPECS, PROJECT_DECODER, model_spec, specs_for
from tests.chat_model import chat_repo, lay_out_chat_model
from tests.pages.runner import run_page as run_in_app_test

HOSTILE = "<img src=x onerror=alert(1)> said"


def run_page(**query):
    return run_in_app_test("prompts.py", **query)


def generate(at, prompt=None):
    if prompt is not None:
        at.text_area(key="prompts.prompt").set_value(prompt)
    at.button(key="prompts.generate").click().run()
    assert not at.exception, at.exception
    return at.session_state["prompts.answer"]


def html_bodies(at):
    return [element.proto.body for element in at.get("html")]


def test_offline_the_project_decoder_answers_and_matches_generate():
    at = run_page()
    assert "Press **Generate**" in at.info[0].value
    answer = generate(at, "The for statement")
    loaded = shared_transformer(PROJECT_DECODER)
    ids = text_ids(loaded.tokenizer, "The for statement")
    with torch.no_grad():
        expected = loaded.model.generate(torch.tensor([ids]), do_sample=False, max_new_tokens=40,
                                         pad_token_id=loaded.tokenizer.eos_token_id)[0, len(ids):].tolist()
    assert [s.token_id for s in answer.steps] == expected
    assert any("tokens in" in c.value and "Greedy" in c.value for c in at.caption)
    assert at.get("plotly_chart")  # the step's candidates
    assert any("probability" in body for body in html_bodies(at))


def test_sliders_reshape_the_chart_without_regenerating():
    at = run_page()
    answer = generate(at, "The for statement")
    before = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][1]["x"]
    at.slider(key="prompts.temperature").set_value(0.3).run()
    at.number_input(key="prompts.top_k").set_value(3).run()
    assert at.session_state["prompts.answer"] is answer  # nothing generated again
    after = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][1]["x"]
    assert after != before and sum(1 for p in after if p > 0) <= 3


def test_the_chosen_step_survives_a_visit_to_another_tab():
    at = run_page(max_new="8")
    generate(at, "The for statement")
    at.select_slider(key="prompts.inspect.step").set_value(5).run()
    at.slider(key="prompts.temperature").set_value(0.5).run()
    assert at.select_slider(key="prompts.inspect.step").value == 5
    # Switch tabs through the tab's own state, as a click does: the Answer tab is not drawn on
    # that run, and Streamlit drops the state of every widget a run does not draw.
    at.session_state["tab"] = "Side by side"
    at.run()
    assert not at.select_slider and "prompts.inspect.step" not in at.session_state  # the loss is real here
    at.session_state["tab"] = "Answer"
    at.run()
    assert at.select_slider(key="prompts.inspect.step").value == 5
    assert any(c.value.startswith("Step 5 wrote") for c in at.caption)


def test_the_kept_step_is_clamped_to_a_shorter_answer():
    at = run_page(max_new="8")
    generate(at, "The for statement")
    at.select_slider(key="prompts.inspect.step").set_value(7).run()
    at.slider(key="prompts.max_new").set_value(3).run()
    answer = generate(at)
    assert len(answer.steps) == 3 and at.select_slider(key="prompts.inspect.step").value == 2


def test_seeded_sampling_is_reproducible_from_a_link():
    link = dict(sample="1", temperature="1.3", top_p="0.9", seed="7", max_new="20", prompt="def ")
    first = [s.token_id for s in generate(run_page(**link)).steps]
    again = [s.token_id for s in generate(run_page(**link)).steps]
    other = [s.token_id for s in generate(run_page(**{**link, "seed": "8"})).steps]
    assert first == again and first != other
    at = run_page(**link)
    assert at.toggle(key="prompts.sample").value and at.slider(key="prompts.temperature").value == 1.3
    assert at.number_input(key="prompts.seed").value == 7


def test_empty_prompt_asks_for_one():
    at = run_page()
    at.text_area(key="prompts.prompt").set_value("  ")
    at.button(key="prompts.generate").click().run()
    assert not at.exception and "Type a prompt first" in at.warning[0].value


def test_a_prompt_longer_than_the_window_is_cut_with_a_notice():
    at = run_page(max_new="16")
    answer = generate(at, "Many words. " * 400)
    assert answer.prepared.cut_tokens > 0 and len(answer.prepared.ids) == 256 - 16
    assert any("too long" in w.value and "256-token window" in w.value for w in at.warning)


def test_hostile_html_and_special_token_text_stay_text():
    at = run_page(max_new="5")
    generate(at, HOSTILE + " <|endoftext|>")
    bodies = " ".join(html_bodies(at))
    assert "<img" not in bodies and "&lt;img src=x onerror=alert(1)&gt;" in bodies
    answer = at.session_state["prompts.answer"]
    assert shared_transformer(PROJECT_DECODER).tokenizer.eos_token_id not in answer.prepared.ids


def test_task_presets_fill_the_prompt():
    at = run_page()
    at.selectbox(key="prompts.task").set_value("Code generation").run()
    assert at.text_area(key="prompts.prompt").value == "def "
    assert any("rarely runs" in c.value for c in at.caption)
    assert at.query_params["task"] == "Code generation"


def test_side_by_side_answers_with_each_model():
    at = run_page(tab="Side by side")
    at.button(key="prompts.compare-run").click().run()
    assert not at.exception
    assert PROJECT_DECODER in at.session_state["prompts.compare-answers"]
    assert any("tokens in" in c.value for c in at.caption)


def test_side_by_side_with_offline_hub_models_answers_what_it_can():
    at = run_page(tab="Side by side")
    at.multiselect(key="prompts.compare").set_value([PROJECT_DECODER, "distilbert/distilgpt2",
                                                     "openai-community/gpt2"]).run()
    at.button(key="prompts.compare-run").click().run()
    assert not at.exception
    assert sum("offline" in w.value for w in at.warning) == 2
    answers = at.session_state["prompts.compare-answers"]
    assert answers[PROJECT_DECODER].steps and answers["openai-community/gpt2"] is None


def test_a_hub_model_offline_says_so_and_offers_the_decoder():
    at = run_page(model="distilbert/distilgpt2")
    assert "offline" in at.warning[0].value
    at.button(key=f"prompts.use.{PROJECT_DECODER}").click().run()
    assert at.selectbox(key="prompts.model").value == PROJECT_DECODER


def offline_labels(warning: str) -> set[str]:
    """The models an offline notice names after "These work offline:"."""
    named = warning.partition("These work offline: ")[2].rstrip(".")
    return {label for label in (spec.label for spec in MODEL_SPECS) if label in named}


@pytest.fixture
def no_chat_model_here(tmp_path, monkeypatch):
    """An empty hub cache, and no stand-in chat model an earlier test left loaded in this process."""
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    _fetched_models().discard(chat_repo())
    shared_transformer.clear()


def test_offline_notices_name_only_models_this_page_offers(no_chat_model_here):
    offered_offline = {spec.label for spec in specs_for("prompts") if spec.offline}
    elsewhere_only = {spec.label for spec in MODEL_SPECS if spec.offline} - offered_offline
    assert offered_offline and elsewhere_only  # else this test could not tell the lists apart
    at = run_page(tab="Chat", model=chat_repo())
    assert offline_labels(at.warning[0].value) == offered_offline
    at = run_page(tab="Side by side")
    at.multiselect(key="prompts.compare").set_value(["openai-community/gpt2"]).run()
    at.button(key="prompts.compare-run").click().run()
    assert offline_labels(at.warning[0].value) == offered_offline


def test_chat_needs_a_chat_model_and_offline_cannot_offer_one_missing_here(no_chat_model_here):
    at = run_page(tab="Chat")
    assert "not a chat model" in at.info[0].value
    offer = at.button(key=f"prompts.chat-use.{chat_repo()}")
    assert offer.label.endswith("(needs a download)") and offer.disabled


@pytest.fixture
def offline_chat_model(tmp_path, monkeypatch):
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    return lay_out_chat_model(tmp_path)


def test_a_chat_model_already_here_is_offered_offline(offline_chat_model):
    at = run_page(tab="Chat")
    offer = at.button(key=f"prompts.chat-use.{offline_chat_model}")
    assert offer.label == f"Use {model_spec(offline_chat_model).label}" and not offer.disabled
    offer.click().run()
    assert at.selectbox(key="prompts.model").value == offline_chat_model
    assert not at.warning and at.chat_input(key="prompts.chat-input")  # it loaded: the chat is there


def test_chat_mode_through_the_chat_template(offline_chat_model):
    at = run_page(tab="Chat", model=offline_chat_model, max_new="8")
    at.chat_input(key="prompts.chat-input").set_value("Hello <b>there</b>").run()
    assert not at.exception, at.exception
    history = at.session_state["prompts.chat"]
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert any("<|im_start|>user\nHello <b>there</b><|im_end|>" in c.value for c in at.code)
    assert "Hello <b>there</b>" in [t.value for t in at.text]  # typed text shown as text
    at.button(key="prompts.chat-clear").click().run()
    assert at.session_state["prompts.chat"] == []


def hosted_send(at, url, key):
    at.text_input(key="prompts.hosted-url").set_value(url)
    at.text_input(key="prompts.hosted-model").set_value("gpt-4o-mini")
    at.text_input(key="prompts.hosted-key").set_value(key)
    at.button(key="prompts.hosted-send").click().run()
    assert not at.exception, at.exception
    return at


def test_hosted_backend_answers_with_usage_beside_the_local_count():
    from tests.fake_openai_server import fake_openai_server

    with fake_openai_server(api_key="sk-test", reply="Bonjour tout le monde") as url:
        at = hosted_send(run_page(tab="Hosted API", prompt="Say hello in French"), url, "sk-test")
        sent = url.requests[-1]
    assert "Bonjour tout le monde" in [t.value for t in at.text]
    table = at.table[0].value
    assert list(table["reported by the API"]) == [url.usages[-1]["prompt_tokens"], url.usages[-1]["completion_tokens"]]
    assert sent["messages"] == [{"role": "user", "content": "Say hello in French"}]
    assert "sk-test" not in json.dumps(dict(at.query_params)) and all("sk-test" not in t.value for t in at.text)


def test_hosted_backend_wrong_or_missing_key_says_so():
    from tests.fake_openai_server import fake_openai_server

    with fake_openai_server(api_key="sk-right") as url:
        at = hosted_send(run_page(tab="Hosted API", prompt="Hi"), url, "sk-wrong-key-123")
    assert "key" in at.error[0].value.lower() and "sk-wrong-key-123" not in at.error[0].value
    at = hosted_send(run_page(tab="Hosted API", prompt="Hi"), "http://127.0.0.1:9/v1", "")
    assert "No API key" in at.warning[0].value


@pytest.mark.parametrize("url", ["http://[::1", "localhost:8000", ""])
def test_hosted_backend_malformed_url_gets_the_usual_message(url):
    at = hosted_send(run_page(tab="Hosted API", prompt="Hi"), url, "sk-any")
    assert at.error[0].value.startswith(f"The base URL {url!r} is not an http(s) address")
    assert "Invalid IPv6" not in at.error[0].value
