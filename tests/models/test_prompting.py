"""Prompts fitted to a context window: plain prompts cut at the start, conversations drop old turns."""

import pytest

from models.prompting import chat_template_text, prepare_chat, prepare_completion, text_ids
from models.registry import PROJECT_DECODER
from models.transformer_loading import load_transformer
from tests.chat_model import lay_out_chat_model


@pytest.fixture(scope="module")
def tokenizer():
    return load_transformer(PROJECT_DECODER).tokenizer


@pytest.fixture(scope="module")
def chat(tmp_path_factory):
    cache = tmp_path_factory.mktemp("hub")  # tests run offline (tests/conftest.py)
    return load_transformer(lay_out_chat_model(cache), cache_dir=cache)


def test_a_prompt_that_fits_is_untouched(tokenizer):
    prepared = prepare_completion(tokenizer, "The for statement", window=256, reserved=40)
    assert prepared.ids == text_ids(tokenizer, "The for statement") and prepared.cut_tokens == 0


def test_a_long_prompt_keeps_its_end(tokenizer):
    text = " ".join(f"word{i}" for i in range(400))
    full = text_ids(tokenizer, text)
    prepared = prepare_completion(tokenizer, text, window=256, reserved=40)
    assert len(prepared.ids) == 216 and prepared.ids == full[-216:]
    assert prepared.cut_tokens == len(full) - 216


def test_special_token_text_typed_by_a_user_is_text(tokenizer):
    ids = prepare_completion(tokenizer, "a <|endoftext|> b", 256, 10).ids
    assert tokenizer.eos_token_id not in ids
    assert tokenizer.decode(ids) == "a <|endoftext|> b"


def test_chat_template_marks_the_turns_with_special_tokens(chat):
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    text = chat_template_text(chat.tokenizer, messages)
    assert text == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    ids = prepare_chat(chat.tokenizer, messages, 256, 10).ids
    start = chat.tokenizer.convert_tokens_to_ids("<|im_start|>")
    assert ids.count(start) == 3  # one real special token per turn, plus the reply's


def test_an_overflowing_conversation_drops_its_oldest_turns_but_keeps_the_system(chat):
    turns = [{"role": "system", "content": "Be brief."}]
    for i in range(30):
        turns += [{"role": "user", "content": f"question {i} " * 5}, {"role": "assistant", "content": f"answer {i}"}]
    prepared = prepare_chat(chat.tokenizer, turns, window=256, reserved=40)
    assert len(prepared.ids) <= 216 and prepared.dropped
    assert prepared.dropped[0]["content"].startswith("question 0")
    kept = chat_template_text(chat.tokenizer, [turns[0]] + turns[1 + len(prepared.dropped):])
    assert chat.tokenizer.decode(prepared.ids) == kept and kept.startswith("<|im_start|>system")
