"""A hosted chat model behind any OpenAI-compatible chat completions API.

OpenAI's platform, or any provider speaking the same protocol: a base URL, a
model name and an API key. `stream_chat` yields the answer's text as it arrives,
then one `HostedReply` with the token usage the server reports, which the page
sets beside `local_token_count`, our own tiktoken count of the same messages.

The API key never leaves `HostedSettings` except in the request's Authorization
header: it is kept out of the repr, and every error is re-raised as a
`HostedError` whose message is ours (server text is scrubbed of the key) and
which carries no chained exception (the library's errors hold the request,
headers included).

`openai` is imported inside the functions that call the API: it takes half a
second to import, and pages that only count tokens should not pay for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

import tiktoken

from models.encodings import BUNDLED_ENCODING, load_encoding
from models.offline import DownloadUnavailable

# OpenAI cookbook, "How to count tokens with tiktoken", for gpt-3.5-turbo-0613 and later chat models.
TOKENS_PER_MESSAGE = 3  # <|start|>{role/name}\n{content}<|end|>\n
TOKENS_PER_NAME = 1
REPLY_PRIMING_TOKENS = 3  # every reply is primed with <|start|>assistant<|message|>
_SERVER_DETAIL_CHARS = 200  # enough of a server's error message to act on, not a wall of text


@dataclass(frozen=True)
class HostedSettings:
    base_url: str  # e.g. "https://api.openai.com/v1"; the client appends "/chat/completions"
    model: str
    api_key: str = field(repr=False)
    timeout_s: float = 30.0  # for each wait (connecting, or silence between chunks), not the whole answer
    max_tokens: int = 256  # sent as `max_tokens`, which OpenAI-compatible providers widely accept

    def __post_init__(self):
        if not _is_http_address(self.base_url):
            raise ValueError(f"The base URL {self.base_url!r} is not an http(s) address; "
                             "enter one like https://api.openai.com/v1 (your provider's docs give it).")
        if not isinstance(self.model, str) or not self.model.strip():
            raise ValueError("The model name is empty; enter the model's id as your provider lists it, "
                             "e.g. gpt-4o-mini.")
        if not self.timeout_s > 0:
            raise ValueError(f"The timeout must be more than 0 seconds, not {self.timeout_s}.")
        if not (isinstance(self.max_tokens, int) and self.max_tokens >= 1):
            raise ValueError(f"max_tokens must be a whole number of at least 1, not {self.max_tokens!r}.")


def _is_http_address(url) -> bool:
    """An http(s) URL with a host; anything urlsplit cannot parse ("http://[::1") is not one."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url.strip())
        parts.port  # raises ValueError on a port that is not a number ("http://host:abc")
    except ValueError:  # e.g. "Invalid IPv6 URL": Python's words, not ones a student can act on
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


class HostedError(RuntimeError):
    """The hosted model could not answer; the message says what to do. Never holds the API key."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status  # the HTTP status when the server answered, else None


@dataclass(frozen=True)
class HostedReply:
    text: str
    model: str  # as the server names it (may be more precise than the one asked for)
    prompt_tokens: int | None  # None when the server reports no usage
    completion_tokens: int | None
    finish_reason: str | None  # "stop", "length" (hit max_tokens), "content_filter", ...


def stream_chat(settings: HostedSettings, messages: list[dict[str, str]], *, temperature: float = 1.0,
                top_p: float = 1.0, seed: int | None = None) -> Iterator[str | HostedReply]:
    """Text deltas as they arrive, then exactly one HostedReply; raises HostedError.

    Usage is asked for with `stream_options={"include_usage": True}`; providers that
    ignore it give a reply whose token counts are None.
    """
    if not messages:
        raise ValueError("There are no messages to send; type a prompt first.")
    _check_key(settings.api_key)
    import openai

    try:
        yield from _stream(settings, messages, temperature=temperature, top_p=top_p, seed=seed)
    except openai.OpenAIError as error:
        failure = _hosted_error(error, settings)
    else:
        return
    # Raised outside the except block, so the library's error (and its request) is not chained.
    raise failure


def _check_key(api_key: str) -> None:
    key = api_key.strip()
    if not key:
        raise HostedError("No API key: add it to the app's secrets or type it in.")
    # A header cannot carry it, and the HTTP library's complaint would quote it.
    if not (key.isascii() and key.isprintable()) or any(c.isspace() for c in key):
        raise HostedError("The API key contains spaces, line breaks or non-ASCII characters; "
                          "copy it again from your provider's page.")


def _stream(settings, messages, *, temperature, top_p, seed) -> Iterator[str | HostedReply]:
    import openai

    pieces: list[str] = []
    model, finish_reason, usage = settings.model, None, None
    with openai.OpenAI(base_url=settings.base_url.strip(), api_key=settings.api_key.strip(),
                       timeout=settings.timeout_s, max_retries=0) as client:
        stream = client.chat.completions.create(
            model=settings.model.strip(), messages=messages, max_tokens=settings.max_tokens,
            temperature=temperature, top_p=top_p, seed=openai.omit if seed is None else seed,
            stream=True, stream_options={"include_usage": True})
        with stream:
            for chunk in stream:
                model = chunk.model or model
                if chunk.usage is not None:  # the last chunk, or every chunk for some providers
                    usage = chunk.usage
                for choice in chunk.choices:
                    if choice.index != 0:
                        continue
                    if choice.finish_reason:
                        finish_reason = choice.finish_reason
                    if choice.delta.content:
                        pieces.append(choice.delta.content)
                        yield choice.delta.content
    yield HostedReply(text="".join(pieces), model=model,
                      prompt_tokens=usage.prompt_tokens if usage else None,
                      completion_tokens=usage.completion_tokens if usage else None,
                      finish_reason=finish_reason)


def _hosted_error(error: Exception, settings: HostedSettings) -> HostedError:
    """The openai library's `error` as a message a person can act on, without the API key."""
    import openai

    host = urlsplit(settings.base_url.strip()).netloc.rpartition("@")[2]  # no user:password@
    status = getattr(error, "status_code", None)
    if isinstance(error, openai.APITimeoutError):
        return HostedError(f"{host} did not answer within {settings.timeout_s:g} s. "
                           "Try again, ask for fewer tokens, or raise the timeout.")
    if isinstance(error, openai.APIConnectionError):
        return HostedError(f"Could not reach {host}. Check the base URL and your internet connection.")
    if isinstance(error, openai.AuthenticationError):
        return HostedError(f"{host} refused the API key: it is wrong, revoked or for another provider. "
                           "Paste the key again or create a new one.", status)
    if isinstance(error, openai.PermissionDeniedError):
        return HostedError(f"The API key is valid but may not use {settings.model!r} on {host}. "
                           "Check the key's project permissions or choose another model.", status)
    if isinstance(error, openai.NotFoundError):
        return HostedError(f"{host} does not know the model {settings.model!r} (or the base URL is wrong). "
                           "Copy the model id from your provider's model list.", status)
    if isinstance(error, openai.RateLimitError):
        if _server_code(error) == "insufficient_quota":
            return HostedError(f"The account behind this key has used up its quota on {host}. "
                               "Check its plan and billing, or use another key.", status)
        return HostedError(f"{host} is rate-limiting this key. Wait a minute and try again.", status)
    detail = _scrubbed(getattr(error, "message", None) or str(error), settings.api_key)
    if isinstance(error, openai.InternalServerError):
        return HostedError(f"{host} had a problem on its side (error {status}). Try again in a moment.", status)
    if isinstance(error, openai.APIStatusError):
        return HostedError(f"{host} answered with error {status}: {detail}", status)
    return HostedError(f"The hosted model failed: {detail}")


def _server_code(error) -> str | None:
    body = getattr(error, "body", None)
    return body.get("code") if isinstance(body, dict) else None


def _scrubbed(text: str, api_key: str) -> str:
    """Server text, shortened, with the key blanked out (some servers echo what they were sent)."""
    if api_key.strip():
        text = text.replace(api_key.strip(), "***").replace(api_key, "***")
    return text if len(text) <= _SERVER_DETAIL_CHARS else text[:_SERVER_DETAIL_CHARS] + "…"


def local_token_count(messages: list[dict[str, str]], encoding_name: str = BUNDLED_ENCODING) -> int:
    """Prompt tokens of chat `messages`, counted as OpenAI's cookbook does for chat models.

    An approximation: each message costs its encoded values (role, content, name)
    plus 3 tokens of chat markup, a name 1 more, and 3 tokens prime the reply. It
    matches OpenAI's reported prompt_tokens for gpt-3.5-turbo/gpt-4-era models
    with plain text messages; other providers use other tokenizers and chat
    templates, and tools, images or newer models' hidden system text shift it.
    Special-token text a user typed ("<|endoftext|>") counts as ordinary text.
    When `encoding_name` cannot be loaded (offline, only cl100k_base is bundled),
    the count uses cl100k_base instead.
    """
    encode = _counting_encoding(encoding_name).encode_ordinary
    total = REPLY_PRIMING_TOKENS
    for message in messages:
        total += TOKENS_PER_MESSAGE
        for key, value in message.items():
            total += len(encode(value))
            if key == "name":
                total += TOKENS_PER_NAME
    return total


@lru_cache(maxsize=4)  # building an encoding takes a quarter of a second; counts run per answer
def _counting_encoding(name: str) -> tiktoken.Encoding:
    try:
        return load_encoding(name)
    except DownloadUnavailable:
        return load_encoding(BUNDLED_ENCODING)


def local_answer_tokens(text: str, encoding_name: str = BUNDLED_ENCODING) -> int:
    """Tokens of an answer's text, as the API bills completion tokens (no chat markup)."""
    return len(_counting_encoding(encoding_name).encode_ordinary(text))
