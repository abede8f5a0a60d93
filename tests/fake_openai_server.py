"""A tiny OpenAI-compatible chat completions server on 127.0.0.1, for tests.

    with fake_openai_server(api_key="sk-test", reply="Hi there.") as base_url:
        ...  # base_url == "http://127.0.0.1:<port>/v1"; base_url.requests lists what arrived

It speaks the wire format of OpenAI's POST /v1/chat/completions closely enough
for the real `openai` client: streamed (`data: {chat.completion.chunk}` events,
a usage chunk when `stream_options.include_usage` is set, then `data: [DONE]`)
and not streamed (one `chat.completion`). Errors use OpenAI's JSON shape:
    401 invalid_api_key       wrong or missing `Authorization: Bearer <key>`
                              (the message quotes the key sent, as OpenAI's does)
    404 model_not_found       model "missing-model"
    429 rate_limit_exceeded   model "rate-limited-model"
    429 insufficient_quota    model "no-quota-model"

The answer is always `reply`, cut to `max_tokens` pieces (finish_reason
"length" then). Usage follows a simple rule, not a tokenizer: one token per
whitespace-separated word of every message's content for the prompt, one token
per streamed piece (a word with its leading spaces) for the completion.
`report_usage=False` plays a provider that ignores stream_options.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHAT_PATH = "/v1/chat/completions"
STATUS_BY_MODEL = {
    "missing-model": (404, "The model `missing-model` does not exist or you do not have access to it.",
                      "invalid_request_error", "model_not_found"),
    "rate-limited-model": (429, "Rate limit reached for requests. Please try again in 20s.",
                           "requests", "rate_limit_exceeded"),
    "no-quota-model": (429, "You exceeded your current quota, please check your plan and billing details.",
                       "insufficient_quota", "insufficient_quota"),
}


class BaseURL(str):
    """The server's base URL, carrying what it received and what it answered.

    requests: every request body (parsed JSON), in order of arrival.
    usages: the usage each answered chat request reported (None when it reported none).
    """

    requests: list[dict]
    usages: list[dict | None]


def reply_pieces(reply: str, max_tokens: int | None) -> list[str]:
    """The streamed pieces: words with their leading spaces; they join back to `reply`."""
    pieces = re.findall(r"\s*\S+|\s+$", reply)
    return pieces if max_tokens is None else pieces[:max_tokens]


def prompt_tokens(messages: list[dict]) -> int:
    return sum(len(str(m.get("content", "")).split()) for m in messages)


@contextmanager
def fake_openai_server(api_key: str = "sk-test", reply: str = "Hello from the fake server.",
                       report_usage: bool = True) -> Iterator[BaseURL]:
    received: list[dict] = []
    usages: list[dict | None] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            received.append(body)
            if self.path != CHAT_PATH:
                return self._error(404, f"Unknown request URL: POST {self.path}.", "invalid_request_error",
                                   "unknown_url")
            authorization = self.headers.get("Authorization", "")
            if not authorization.startswith("Bearer "):
                return self._error(401, "You didn't provide an API key. You need to provide your API key in an "
                                   "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                                   "invalid_request_error", None)
            sent_key = authorization.removeprefix("Bearer ")
            if sent_key != api_key:
                return self._error(401, f"Incorrect API key provided: {sent_key}. You can find your API key "
                                   "at https://platform.openai.com/account/api-keys.", "invalid_request_error",
                                   "invalid_api_key")
            if body.get("model") in STATUS_BY_MODEL:
                return self._error(*STATUS_BY_MODEL[body["model"]])
            pieces = reply_pieces(reply, body.get("max_tokens"))
            finish = "length" if len(pieces) < len(reply_pieces(reply, None)) else "stop"
            usage = {"prompt_tokens": prompt_tokens(body.get("messages", [])), "completion_tokens": len(pieces)}
            usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
            if body.get("stream"):
                include = report_usage and (body.get("stream_options") or {}).get("include_usage")
                usages.append(usage if include else None)
                self._stream(body["model"], pieces, finish, usages[-1])
            else:
                usages.append(usage if report_usage else None)
                self._completion(body["model"], "".join(pieces), finish, usages[-1])

        def _stream(self, model, pieces, finish, usage):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()  # HTTP/1.0: the stream ends when the connection closes
            head = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()),
                    "model": model, "system_fingerprint": "fp_fake"}
            extra = {"usage": None} if usage else {}  # OpenAI sends usage: null until the usage chunk
            deltas = [{"role": "assistant", "content": ""}] + [{"content": p} for p in pieces] + [{}]
            for k, delta in enumerate(deltas):
                choice = {"index": 0, "delta": delta, "logprobs": None,
                          "finish_reason": finish if k == len(deltas) - 1 else None}
                self._event({**head, "choices": [choice], **extra})
            if usage:
                self._event({**head, "choices": [], "usage": usage})
            self.wfile.write(b"data: [DONE]\n\n")

        def _event(self, data):
            self.wfile.write(b"data: " + json.dumps(data).encode() + b"\n\n")
            self.wfile.flush()

        def _completion(self, model, text, finish, usage):
            self._json(200, {
                "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
                "model": model, "system_fingerprint": "fp_fake",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text, "refusal": None},
                             "logprobs": None, "finish_reason": finish}],
                **({"usage": usage} if usage else {})})

        def _error(self, status, message, kind, code):
            self._json(status, {"error": {"message": message, "type": kind, "param": None, "code": code}})

        def _json(self, status, data):
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # port 0: the OS picks a free one
    server.daemon_threads = True
    # a short poll interval: shutdown() waits up to one interval, and tests start many servers
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    base_url = BaseURL(f"http://127.0.0.1:{server.server_address[1]}/v1")
    base_url.requests, base_url.usages = received, usages
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
