"""The tokens page through AppTest: typing, models, limits, uploads, URLs, hostile text."""

import pytest

from models.tokenization import LIMITS, load_tokenizer
from tests.pages.page_switch import away_and_back, open_via_router
from tests.pages.runner import run_page as run_in_app_test


def run_page(**query):
    return run_in_app_test("tokens.py", **query)


def tokens_shown(at) -> int:
    return int(at.metric[0].value.replace(",", ""))


def type_text(at, text):
    at.text_area(key="tokens.text").set_value(text).run()
    assert not at.exception, at.exception


def test_typing_counts_tokens():
    at = run_page(model="cl100k_base")
    type_text(at, "tiktoken is great!")
    assert tokens_shown(at) == 6
    assert [m.value for m in at.metric[1:4]] == ["18", "3", "18"]
    assert "great" in at.html[0].proto.body


def test_16386_tokens_is_one_over_gpt35_turbo_1106():
    at = run_page(model="gpt-3.5-turbo-1106")
    type_text(at, " a" * 16_386)
    assert tokens_shown(at) == 16_386
    assert any("1 token over" in e.value for e in at.error)
    assert at.code[0].value == " a"  # exactly the one token that would be cut
    at.radio(key="tokens.keep").set_value("end").run()
    assert at.code[0].value == " a"


def test_reserving_output_counts_against_the_window():
    at = run_page(model="gpt-3.5-turbo-1106", text="hello world")
    at.slider(key="tokens.reserve").set_value(4_096).run()
    assert any("Fits" in s.value for s in at.success)
    assert at.slider(key="tokens.reserve").max == 4_096
    assert "returns at most 4,096 tokens" in at.slider(key="tokens.reserve").help


def test_a_tokenizer_with_no_stated_output_limit_says_so():
    at = run_page(model="sentence-transformers/all-MiniLM-L6-v2", text="hello world")
    slider = at.slider(key="tokens.reserve")
    assert slider.max == 512 // 2 and "states no output limit" in slider.help


def test_switching_to_a_missing_encoding_offers_the_bundled_one():
    at = run_page()
    at.selectbox(key="tokens.model").set_value("gpt-4o").run()
    assert not at.exception
    assert "one-time download" in at.warning[0].value
    at.button[0].click().run()
    assert at.selectbox(key="tokens.model").value == "cl100k_base"
    assert not at.warning and tokens_shown(at) > 0


def test_hugging_face_tokenizer_offline():
    at = run_page(model="sentence-transformers/all-MiniLM-L6-v2", text="Tokenizers split words")
    assert tokens_shown(at) == len(load_tokenizer("sentence-transformers/all-MiniLM-L6-v2")
                                   .tokenize("Tokenizers split words").ids)
    assert "##" in at.html[0].proto.body


def test_empty_text():
    at = run_page()
    type_text(at, "")
    assert tokens_shown(at) == 0
    assert any("Type or paste" in i.value for i in at.info)


def test_special_token_text_is_counted_as_text():
    at = run_page(model="cl100k_base")
    type_text(at, "<|endoftext|><|fim_prefix|>")
    assert tokens_shown(at) > 2


def test_hostile_text_shows_as_text():
    at = run_page(model="cl100k_base")
    type_text(at, "<img src=x onerror=alert(1)>")
    body = at.html[0].proto.body
    assert "<img" not in body and "&lt;img" in body


def test_one_megabyte_text():
    text = ("All work and no play makes Jack a dull boy. 東京 🤖\n" * 20_000)[:1_000_000]
    at = run_page(model="gpt-4")
    type_text(at, text)
    assert tokens_shown(at) == len(load_tokenizer("gpt-4").tokenize(text).ids)
    assert any("Showing the first 2,000" in c.value for c in at.caption)
    assert any("tokens over" in e.value for e in at.error)


def test_upload_fills_the_text():
    at = run_page(model="cl100k_base")
    at.file_uploader(key="tokens.upload").set_value(("notes.txt", "tiktoken is great!".encode(), "text/plain")).run()
    assert at.text_area(key="tokens.text").value == "tiktoken is great!"
    assert tokens_shown(at) == 6


@pytest.mark.parametrize("content, message", [(b"x" * (LIMITS.max_upload_bytes + 1),
                                               f"{LIMITS.max_upload_bytes + 1:,} bytes, over the limit of "
                                               f"{LIMITS.max_upload_bytes:,} bytes"),
                                              (b"\xff\xfe\x00bad", "not UTF-8")])
def test_bad_uploads_say_why(content, message):
    at = run_page()
    at.file_uploader(key="tokens.upload").set_value(("big.txt", content, "text/plain")).run()
    assert not at.exception
    assert any(message in e.value for e in at.error)


def test_an_upload_exactly_at_the_limit_is_read():
    text = "word " * (LIMITS.max_upload_bytes // 5)
    assert len(text.encode()) == LIMITS.max_upload_bytes
    at = run_page(model="cl100k_base")
    at.file_uploader(key="tokens.upload").set_value(("edge.txt", text.encode(), "text/plain")).run()
    assert not at.exception and not at.error
    assert tokens_shown(at) == len(load_tokenizer("cl100k_base").tokenize(text).ids)


def test_url_restores_and_records_the_state():
    at = run_page(text="hello there", model="cl100k_base", ws="1", ids="1")
    assert at.text_area(key="tokens.text").value == "hello there"
    assert at.toggle(key="tokens.ws").value and at.toggle(key="tokens.ids").value
    assert ">15339<" in at.html[0].proto.body  # "hello" shown as its id
    at.selectbox(key="tokens.model").set_value("gpt-4").run()
    assert at.query_params["model"] == "gpt-4"
    assert "text" in at.query_params and "reserve" not in at.query_params  # defaults stay out


def test_bad_url_values_fall_back_to_defaults():
    at = run_page(model="no-such-model", reserve="-5", ws="maybe")
    assert at.selectbox(key="tokens.model").value == "gpt-3.5-turbo-1106"
    assert at.slider(key="tokens.reserve").value == 0


def test_compare_shows_each_tokenizer():
    at = run_page(text="Tokenization differs between models.")
    labels = at.dataframe[0].value["tokenizer"].tolist()
    assert labels == ["cl100k_base", "all-MiniLM-L6-v2 (bundled)"]
    assert any("o200k_base" in c.value and "one-time download" in c.value for c in at.caption)


def test_compare_choice_lives_in_the_url():
    at = run_page(compare="gpt-4,sentence-transformers/all-MiniLM-L6-v2", text="Hi there")
    assert at.dataframe[0].value["tokenizer"].tolist() == ["gpt-4", "all-MiniLM-L6-v2 (bundled)"]
    at.multiselect(key="tokens.compare").set_value(["cl100k_base"]).run()
    assert at.query_params["compare"] == "cl100k_base"


def test_bpe_word_lives_in_the_url():
    at = run_page(**{"bpe.word": "unbelievably", "bpe.vocab_size": "300"})
    assert at.text_input(key="tokens.bpe.word").value == "unbelievably"
    assert at.slider(key="tokens.bpe.vocab_size").value == 300
    at.text_input(key="tokens.bpe.word").set_value("hello").run()
    assert at.query_params["bpe.word"] == "hello"


def test_bpe_training_text_and_merge_step_survive_a_page_switch():
    at = open_via_router("tokens.py", model="cl100k_base")
    at.text_area(key="tokens.bpe.text").set_value("banana bandana " * 10).run()
    type_text(at, "Something else entirely.")  # the main text seeds the training text only once
    at.slider(key="tokens.bpe.step").set_value(2).run()
    away_and_back(at, "tokens.py", ["tokens.bpe.text", "tokens.bpe.step"])
    assert at.text_area(key="tokens.bpe.text").value == "banana bandana " * 10
    assert at.slider(key="tokens.bpe.step").value == 2
