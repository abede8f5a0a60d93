"""Sections of the prompt playground: decoding settings, a streamed answer, one step's candidates."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import streamlit as st

from components.context_gauge import context_gauge
from components.prompt_views import candidates_figure, show_answer
from components.url_state import PageState, keep_widget, restore_widget
from models.context import context_window_usage
from models.generation import GenerationStep, SamplingSettings, generate_steps
from models.prompting import PreparedPrompt

MAX_NEW_TOKENS = 200
MAX_SECONDS = 30.0


@dataclass
class Answer:
    """One generated answer, kept in the session so nothing is lost on a rerun."""
    model: str
    prompt: str  # the prompt text as the model read it (after any cut)
    settings: SamplingSettings
    prepared: PreparedPrompt
    steps: list[GenerationStep] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def text(self) -> str:
        return "".join(step.text for step in self.steps)

    @property
    def stop(self) -> str | None:
        return self.steps[-1].stop if self.steps else None


def settings_panel(state: PageState) -> SamplingSettings:
    """Decoding settings; they reshape the step chart at once and the next answer when generated."""
    sample, temperature, top_k, top_p, length, seed = st.columns([1.1, 1.3, 1, 1.3, 1.3, 0.9])
    do_sample = sample.toggle("Sample", key=state.key("sample"),
                              help="Off: greedy, always the likeliest token. On: draw from the distribution.")
    temperature.slider("Temperature", 0.1, 2.0, step=0.05, key=state.key("temperature"),
                       help="Divides the logits: below 1 sharpens the distribution, above 1 flattens it.")
    top_k.number_input("Top-k", 0, 500, step=5, key=state.key("top_k"),
                       help="Keep only the k likeliest tokens (0: all).")
    top_p.slider("Top-p", 0.05, 1.0, step=0.05, key=state.key("top_p"),
                 help="Keep the smallest set of likeliest tokens whose probabilities add up to p (1: all).")
    length.slider("Max new tokens", 1, MAX_NEW_TOKENS, key=state.key("max_new"))
    seed.number_input("Seed", 0, 2**31 - 1, key=state.key("seed"),
                      help="Same prompt, settings and seed: the same answer, for you and your class.")
    return SamplingSettings(do_sample=do_sample, temperature=state.value("temperature"),
                            top_k=int(state.value("top_k")), top_p=state.value("top_p"),
                            max_new_tokens=int(state.value("max_new")), seed=int(state.value("seed")),
                            max_seconds=MAX_SECONDS)


def stream_answer(loaded, prepared: PreparedPrompt, prompt_text: str, settings: SamplingSettings,
                  target=None) -> Answer:
    """Generate, drawing the answer after every token; a new request reruns the page and stops this one."""
    answer = Answer(loaded.spec.repo_id, prompt_text, settings, prepared)
    area = (target or st).empty()
    started = time.perf_counter()
    for step in generate_steps(loaded.model, loaded.tokenizer, prepared.ids, settings):
        answer.steps.append(step)
        show_answer(prompt_text, answer.steps, target=area)
    answer.seconds = time.perf_counter() - started
    area.empty()
    return answer


STOPS = {"end of text": "the model wrote its end-of-text token", "max tokens": "the token limit was reached",
         "context full": "the context window is full",
         "time limit": f"the {MAX_SECONDS:.0f}-second limit was reached"}


def answer_summary(answer: Answer) -> str:
    count = len(answer.steps)
    rate = count / answer.seconds if answer.seconds else 0
    return (f"{count} tokens in {answer.seconds:.1f} s ({rate:.0f} tokens/s); stopped because "
            f"{STOPS.get(answer.stop, 'it was interrupted')}. "
            + (f"Sampled at temperature {answer.settings.temperature:g}, top-k {answer.settings.top_k}, top-p "
               f"{answer.settings.top_p:g}, seed {answer.settings.seed}." if answer.settings.do_sample
               else "Greedy: the likeliest token every step."))


def kept_step(widget_key: str, steps: int) -> str:
    """`widget_key`, restored when a tab that was not open dropped it and clamped to 0…steps-1; returns the key."""
    restore_widget(widget_key, 0)
    chosen = int(st.session_state[widget_key])
    st.session_state[widget_key] = min(max(chosen, 0), steps - 1)  # a newer answer may be shorter
    return widget_key


def step_inspector(answer: Answer, settings: SamplingSettings, key: str) -> None:
    """Pick a step; see its top candidates, before and after the current settings."""
    if not answer.steps:
        return
    labels = [f"{s.index}: {s.text!r}" for s in answer.steps]
    index = st.select_slider("Step", range(len(answer.steps)), format_func=lambda i: labels[i],
                             key=kept_step(f"{key}.step", len(answer.steps)))
    keep_widget(f"{key}.step")
    show_answer(answer.prompt, answer.steps, selected=index)
    step = answer.steps[index]
    shaped = step.reshaped(settings.temperature, settings.top_k, settings.top_p)
    candidates = step.candidates
    chosen = next((i for i, c in enumerate(candidates) if c.token_id == step.token_id), -1)
    setting_label = (f"temperature {settings.temperature:g}, top-k {settings.top_k or 'off'}, "
                     f"top-p {settings.top_p:g}")
    st.plotly_chart(candidates_figure(tuple(c.text for c in candidates), tuple(c.probability for c in candidates),
                                      tuple(shaped.get(c.token_id, 0.0) for c in candidates), chosen,
                                      setting_label),
                    config={"displaylogo": False}, key=f"{key}.candidates")
    kept = sum(1 for p in shaped.values() if p > 0)
    st.caption(f"Step {index} wrote {step.text!r} with probability {step.probability:.1%}"
               + ("" if chosen >= 0 else " (not among the ten likeliest)")
               + f". With the settings above, {kept if kept < len(shaped) else 'all'} candidates stay in the draw. "
               "Move the sliders: the chart changes, the answer does not until you generate again.")


def window_gauge(prepared: PreparedPrompt, answer_tokens: int) -> None:
    """The prompt and the answer against the model's context window."""
    context_gauge(context_window_usage(len(prepared.ids), answer_tokens, prepared.window))
