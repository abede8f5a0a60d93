"""The hosted chat backend through the real `openai` client, against a local fake server."""

import socket
import time
import traceback

import pytest

from models.encodings import load_encoding
from models.hosted_chat import HostedError, HostedReply, HostedSettings, local_token_count, stream_chat
from models.offline import downloads_allowed
from tests.fake_openai_server import fake_openai_server, prompt_tokens, reply_pieces

KEY = "sk-test-0123456789"
REPLY = "Tokens stream in one by one, then the usage."
PROMPT = [{"role": "system", "content": "Answer briefly."},
          {"role": "user", "content": "How do answers arrive?"}]


def run(settings, messages=PROMPT, **params):
    """(the text deltas, the final reply) of one stream_chat call."""
    items = list(stream_chat(settings, messages, **params))
    assert all(isinstance(item, str) for item in items[:-1])
    assert isinstance(items[-1], HostedReply), "the last item must be the one HostedReply"
    return items[:-1], items[-1]


def hosted_failure(settings, messages=PROMPT) -> HostedError:
    with pytest.raises(HostedError) as caught:
        list(stream_chat(settings, messages))
    return caught.value


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free once the socket closes: nothing listens there


@pytest.fixture
def server():
    with fake_openai_server(api_key=KEY, reply=REPLY) as base_url:
        yield base_url


def test_deltas_join_to_the_reply_and_usage_is_what_the_server_reported(server):
    deltas, reply = run(HostedSettings(server, "gpt-test", KEY))
    assert len(deltas) > 1, "the answer should arrive in pieces"
    assert "".join(deltas) == reply.text == REPLY
    assert reply.model == "gpt-test"
    assert reply.finish_reason == "stop"
    [usage] = server.usages
    assert (reply.prompt_tokens, reply.completion_tokens) == (usage["prompt_tokens"], usage["completion_tokens"])
    assert reply.prompt_tokens == prompt_tokens(PROMPT)  # the fake server's documented rule, not a default


def test_parameters_reach_the_server(server):
    messages = PROMPT + [{"role": "assistant", "content": "In chunks."}, {"role": "user", "content": "Why?"}]
    run(HostedSettings(server, "gpt-test", KEY, max_tokens=64), messages, temperature=0.3, top_p=0.9, seed=7)
    run(HostedSettings(server, "gpt-test", KEY), messages)
    sent, defaults = server.requests
    assert sent["messages"] == messages
    assert (sent["temperature"], sent["top_p"], sent["seed"], sent["max_tokens"]) == (0.3, 0.9, 7, 64)
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}
    assert (defaults["temperature"], defaults["top_p"], defaults["max_tokens"]) == (1.0, 1.0, 256)
    assert "seed" not in defaults  # no seed asked for: none sent, rather than null


def test_max_tokens_cuts_the_answer_and_says_so(server):
    deltas, reply = run(HostedSettings(server, "gpt-test", KEY, max_tokens=2))
    assert reply.text == "".join(reply_pieces(REPLY, 2)) != REPLY
    assert (reply.completion_tokens, reply.finish_reason) == (2, "length")


def test_a_provider_that_ignores_stream_options_gives_no_usage():
    with fake_openai_server(api_key=KEY, reply=REPLY, report_usage=False) as base_url:
        deltas, reply = run(HostedSettings(base_url, "gpt-test", KEY))
        assert base_url.requests[0]["stream_options"] == {"include_usage": True}  # asked, ignored
    assert "".join(deltas) == reply.text == REPLY
    assert (reply.prompt_tokens, reply.completion_tokens) == (None, None)
    assert reply.finish_reason == "stop"


def test_a_wrong_key_says_so_and_never_shows_the_key(server):
    wrong_key = "sk-wrong-9876543210"  # the fake server quotes it back, as OpenAI's 401 does
    settings = HostedSettings(server, "gpt-test", wrong_key)
    error = hosted_failure(settings)
    assert error.status == 401
    assert "API key" in str(error) and "wrong" in str(error)
    everything_shown = [str(error), repr(error), repr(settings), "".join(traceback.format_exception(error))]
    assert not any(wrong_key in text for text in everything_shown)
    assert error.__cause__ is None and error.__context__ is None  # the library's error holds the request


def test_a_missing_or_mangled_key_is_caught_before_sending(server):
    for key in ("", "   ", "sk-pasted\nwith-a-line-break", "sk-tést"):
        error = hosted_failure(HostedSettings(server, "gpt-test", key))
        assert "API key" in str(error)
        assert not key.strip() or key not in str(error) + repr(error)
    assert server.requests == []


def test_an_unknown_model_names_the_model(server):
    error = hosted_failure(HostedSettings(server, "missing-model", KEY))
    assert error.status == 404
    assert "missing-model" in str(error) and "does not know the model" in str(error)


@pytest.mark.parametrize("model, words", [("rate-limited-model", "rate-limiting"),
                                          ("no-quota-model", "quota")])
def test_rate_limit_and_quota_are_told_apart(server, model, words):
    error = hosted_failure(HostedSettings(server, model, KEY))
    assert error.status == 429 and words in str(error)


def test_an_unreachable_server_fails_quickly():
    settings = HostedSettings(f"http://127.0.0.1:{closed_port()}/v1", "gpt-test", KEY, timeout_s=2.0)
    started = time.monotonic()
    error = hosted_failure(settings)
    assert time.monotonic() - started < 2.0
    assert "Could not reach 127.0.0.1" in str(error) and error.status is None


def test_a_server_that_never_answers_times_out():
    with socket.socket() as silent:  # accepts connections (the kernel's backlog), never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        started = time.monotonic()
        error = hosted_failure(HostedSettings(f"http://127.0.0.1:{port}/v1", "gpt-test", KEY, timeout_s=0.3))
    assert time.monotonic() - started < 3.0
    assert "did not answer within 0.3 s" in str(error)


@pytest.mark.parametrize("fields, words", [
    (dict(base_url="api.openai.com/v1"), "http(s)"),
    (dict(base_url="ftp://example.com/v1"), "http(s)"),
    (dict(model="  "), "model name is empty"),
    (dict(timeout_s=0), "timeout"),
    (dict(max_tokens=0), "max_tokens"),
])
def test_settings_are_checked_with_a_fix(fields, words):
    good = dict(base_url="https://api.openai.com/v1", model="gpt-4o-mini", api_key=KEY)
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        HostedSettings(**{**good, **fields})


@pytest.mark.parametrize("url", ["http://[::1", "http://", "ftp://x", "localhost:8000", "", "   ",
                                 "http://host:port/v1", "http://:8000/v1"])
def test_a_malformed_base_url_gets_our_message_not_pythons(url):
    with pytest.raises(ValueError) as caught:
        HostedSettings(url, "gpt-4o-mini", KEY)
    message = str(caught.value)
    assert message.startswith(f"The base URL {url!r} is not an http(s) address")
    assert "Invalid IPv6" not in message and "cast to integer" not in message  # none of urllib's wording


@pytest.mark.parametrize("url", ["http://[::1]:8000/v1", "http://127.0.0.1:9/v1", "https://api.openai.com/v1",
                                 "  https://example.com  "])
def test_well_formed_base_urls_pass(url):
    assert HostedSettings(url, "gpt-4o-mini", KEY).base_url == url


def test_the_key_stays_out_of_the_settings_repr():
    settings = HostedSettings("https://api.openai.com/v1", "gpt-4o-mini", KEY)
    assert KEY not in repr(settings) and KEY not in str(settings)


# The OpenAI cookbook's example ("How to count tokens with tiktoken"): the API reported
# 129 prompt tokens for it on gpt-3.5-turbo and gpt-4 (cl100k_base models).
COOKBOOK_MESSAGES = [
    {"role": "system", "content": "You are a helpful, pattern-following assistant that translates corporate "
                                  "jargon into plain English."},
    {"role": "system", "name": "example_user", "content": "New synergies will help drive top-line growth."},
    {"role": "system", "name": "example_assistant",
     "content": "Things working well together will increase revenue."},
    {"role": "system", "name": "example_user", "content": "Let's circle back when we have more bandwidth to touch "
                                                          "base on opportunities for increased leverage."},
    {"role": "system", "name": "example_assistant",
     "content": "Let's talk later when we're less busy about how to do better."},
    {"role": "user", "content": "This late pivot means we don't have time to boil the ocean for the client "
                                "deliverable."},
]


def test_local_count_matches_what_openai_reported_for_the_cookbook_example():
    assert local_token_count(COOKBOOK_MESSAGES) == 129


def test_local_count_equals_its_formatted_pieces_encoded_one_by_one():
    encoding = load_encoding("cl100k_base")
    messages = [{"role": "system", "content": "Be terse."},
                {"role": "user", "name": "ada", "content": "Is <|endoftext|> a token? 東京 🤖"},
                {"role": "assistant", "content": ""}]
    # <|start|>{role}[ {name}]<|message|>{content}<|end|>: 3 markup tokens a message, 1 more with a name;
    # <|start|>assistant<|message|>: 3 tokens priming the reply.
    expected = 3 * len(messages) + 3
    for message in messages:
        for key in ("role", "name", "content"):
            if key in message:
                expected += len(encoding.encode(message[key], disallowed_special=()))
        expected += "name" in message
    assert local_token_count(messages) == expected
    assert local_token_count([]) == 3  # only the reply's priming


def test_an_encoding_that_needs_a_download_falls_back_to_the_bundled_one():
    assert not downloads_allowed()  # tests/conftest.py keeps them offline
    assert local_token_count(PROMPT, "o200k_base") == local_token_count(PROMPT, "cl100k_base")
