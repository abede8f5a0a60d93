"""The optional hosted backend: the same prompt sent to an OpenAI-compatible chat API.

The API key comes from `st.secrets["OPENAI_API_KEY"]` or is typed into a
password field. Either way it stays in this server process and this session:
never in the URL, on screen, in logs or in error messages.
"""

from __future__ import annotations

import streamlit as st

from models.context_windows import MODEL_LIMITS
from models.encodings import BUNDLED_ENCODING
from models.generation import SamplingSettings
from models.hosted_chat import (HostedError, HostedSettings, local_answer_tokens, local_token_count,
                                stream_chat)

DEFAULT_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-4o-mini"
RESULT = "prompts.hosted-result"


def secret_key() -> str | None:
    try:
        return st.secrets.get("OPENAI_API_KEY")
    except Exception:  # no secrets file at all: the same as no key
        return None


def counting_encoding(model: str) -> str:
    known = {row.model: row.encoding for row in MODEL_LIMITS}
    return known.get(model, BUNDLED_ENCODING)


def hosted_panel(prompt: str, settings: SamplingSettings) -> None:
    st.caption("Send the prompt above to a hosted model: OpenAI's platform, or any provider that speaks the "
               "same chat completions protocol. Temperature, top-p, seed and max new tokens are sent along.")
    url, model = st.columns(2)
    base_url = url.text_input("Base URL", DEFAULT_URL, key="prompts.hosted-url")
    model_name = model.text_input("Model", DEFAULT_MODEL, key="prompts.hosted-model")
    from_secrets = secret_key()
    typed = st.text_input("API key", type="password", key="prompts.hosted-key",
                          placeholder="using the key from the app's secrets" if from_secrets else "sk-…",
                          help="Kept only in this session on the server; never shown, logged or put in the URL.")
    if st.button("Send to the hosted model", key="prompts.hosted-send", icon=":material/cloud_upload:"):
        send(prompt, base_url, model_name, typed or from_secrets, settings)
    result = st.session_state.get(RESULT)
    if result:
        usage_table(result)


def send(prompt: str, base_url: str, model: str, key: str | None, settings: SamplingSettings) -> None:
    if not prompt.strip():
        st.warning("Type a prompt first, or pick a task to get one.")
        return
    if not key:
        st.warning("No API key: paste one above (it stays in this session), or ask whoever runs the app to add "
                   "OPENAI_API_KEY to its secrets.")
        return
    messages = [{"role": "user", "content": prompt}]
    try:
        hosted = HostedSettings(base_url.strip(), model.strip(), key, max_tokens=settings.max_new_tokens)
        area, text = st.empty(), ""
        for part in stream_chat(hosted, messages, temperature=settings.temperature if settings.do_sample else 0.0,
                                top_p=settings.top_p, seed=settings.seed):
            if isinstance(part, str):
                text += part
                area.text(text)  # the model's text as text, never markup
            else:
                reply = part
        area.empty()
    except (HostedError, ValueError) as problem:
        st.error(str(problem))
        return
    encoding = counting_encoding(hosted.model)
    st.session_state[RESULT] = {
        "reply": reply, "encoding": encoding, "local_prompt": local_token_count(messages, encoding),
        "local_answer": local_answer_tokens(reply.text, encoding)}


def usage_table(result: dict) -> None:
    reply = result["reply"]
    with st.chat_message("assistant"):
        st.text(reply.text)
    st.caption(f"Answered by {reply.model}; finish reason: {reply.finish_reason or 'not given'}.")
    st.table({"": ["prompt tokens", "answer tokens"],
              "reported by the API": [reply.prompt_tokens if reply.prompt_tokens is not None else "not reported",
                                      reply.completion_tokens if reply.completion_tokens is not None
                                      else "not reported"],
              f"counted here ({result['encoding']})": [result["local_prompt"], result["local_answer"]]})
    st.caption("The local count follows OpenAI's recipe for chat messages (3 tokens per message, 3 to start "
               "the reply). Other providers use other tokenizers, so their counts differ; offline only "
               "cl100k_base is at hand.")
