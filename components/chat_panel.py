"""Chat with a chat model: the conversation, its template's special tokens, and the window it must fit."""

from __future__ import annotations

import streamlit as st

from components.prompt_panels import stream_answer, window_gauge
from components.prompt_views import show_answer
from models.generation import SamplingSettings, max_positions
from models.prompting import chat_template_text, prepare_chat

DEFAULT_SYSTEM = "You are a helpful assistant for students. Answer briefly."
HISTORY = "prompts.chat"
MAX_MESSAGE_CHARS = 4000


def _messages(system: str, history: list[dict]) -> list[dict]:
    start = [{"role": "system", "content": system}] if system.strip() else []
    return start + [{"role": m["role"], "content": m["content"]} for m in history]


def clear_chat() -> None:
    st.session_state[HISTORY] = []


def chat_panel(loaded, settings: SamplingSettings) -> None:
    history: list[dict] = st.session_state.setdefault(HISTORY, [])
    tokenizer, window = loaded.tokenizer, min(loaded.spec.context_length, max_positions(loaded.model))
    system = st.text_input("System message", DEFAULT_SYSTEM, key="prompts.system", max_chars=MAX_MESSAGE_CHARS)
    for message in history:
        with st.chat_message(message["role"]):
            if message.get("answer"):
                show_answer("", message["answer"].steps)
            else:
                st.text(message["content"])  # what a user typed is text, never markdown or HTML
    typed = st.chat_input("Message the model", key="prompts.chat-input", max_chars=MAX_MESSAGE_CHARS)
    if typed and typed.strip():
        history.append({"role": "user", "content": typed})
        with st.chat_message("user"):
            st.text(typed)
        prepared = prepare_chat(tokenizer, _messages(system, history), window, settings.max_new_tokens)
        with st.chat_message("assistant"):
            answer = stream_answer(loaded, prepared, "", settings)
            show_answer("", answer.steps)
        reply = tokenizer.decode([s.token_id for s in answer.steps], skip_special_tokens=True).strip()
        history.append({"role": "assistant", "content": reply, "answer": answer})
    conversation_panel(tokenizer, _messages(system, history), window, settings)


def conversation_panel(tokenizer, messages: list[dict], window: int, settings: SamplingSettings) -> None:
    """What the next turn sends: the templated conversation, its size, and what no longer fits."""
    st.button("Clear the conversation", key="prompts.chat-clear", on_click=clear_chat,
              icon=":material/delete:")
    if not any(m["role"] == "user" for m in messages):
        st.caption("Say something to start; each turn sends the whole conversation again.")
        return
    prepared = prepare_chat(tokenizer, messages, window, settings.max_new_tokens)
    if prepared.dropped:
        st.warning(f"The conversation no longer fits the {window}-token window beside "
                   f"{settings.max_new_tokens} tokens for the answer: the {len(prepared.dropped)} oldest "
                   "turn(s) fall out, and the model no longer sees them.")
        for message in prepared.dropped:
            st.text(f"{message['role']}: {message['content']}")
    with st.expander(f"The conversation as the model reads it: {len(prepared.ids)} tokens"):
        st.caption("The chat template wraps each turn in special tokens that mark who speaks; the model "
                   "was fine-tuned on conversations written this way.")
        st.code(chat_template_text(tokenizer, messages), language=None, wrap_lines=True)
        window_gauge(prepared, settings.max_new_tokens)
