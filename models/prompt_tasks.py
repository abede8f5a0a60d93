"""Tasks one language model can do, each as a prompt a model of each kind can take.

Plain decoders continue text, so their prompts set up a pattern to continue
(few-shot examples, "TL;DR:" as in the GPT-2 paper). Chat models take an
instruction. The notes say plainly where a small model does it badly: that is
a lesson too.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.registry import PROJECT_DECODER, ModelSpec

ARTICLE = ("The city council voted on Tuesday to turn the old railway line into a cycle path. Work starts in "
           "spring and should take two years. Shop owners near the line hope the path brings more visitors, "
           "while some residents worry about noise and parking.")


@dataclass(frozen=True)
class TaskPreset:
    name: str
    completion: str  # for plain decoders: a pattern to continue
    instruction: str  # for chat models
    docs: str  # for the project's decoder, which has read only Python's documentation
    note: str


TASKS: tuple[TaskPreset, ...] = (
    TaskPreset("Text generation", "Once upon a time, in a small village by the sea,",
               "Write two sentences about a robot learning to paint.",
               "The for statement is used to",
               "All models continue text; the small ones drift off topic after a sentence or two."),
    TaskPreset("Text classification",
               "Review: I loved every minute of it.\nSentiment: positive\n\nReview: A dull, boring mess.\n"
               "Sentiment: negative\n\nReview: The acting was wonderful.\nSentiment:",
               "Is this review positive or negative? \"The acting was wonderful.\" Answer with one word.",
               "Statement: The return statement leaves a function.\nTopic: functions\n\nStatement: "
               "The for statement loops over a sequence.\nTopic:",
               "Few-shot classification needs a model that has seen many patterns: GPT-2 often copies the "
               "format; the 1-million-parameter Docs GPT mostly does not."),
    TaskPreset("Chat", "Q: What is the capital of France?\nA:", "Hi! What can you help me with?",
               "Q: What does the pass statement do?\nA:",
               "Plain decoders only imitate a dialogue; a chat model was fine-tuned to answer."),
    TaskPreset("Summarization", f"{ARTICLE}\nTL;DR:", f"Summarize in one sentence: {ARTICLE}",
               "The with statement is used to wrap the execution of a block with methods defined by a "
               "context manager. In short,",
               "\"TL;DR:\" made GPT-2 summarize in its paper, badly; small models mostly repeat the text."),
    TaskPreset("Translation",
               "English: The house is small.\nFrench: La maison est petite.\n\nEnglish: I like cheese.\nFrench:",
               "Translate into French: I like cheese.", "English: the loop\nPython: for\n\nEnglish: the "
               "condition\nPython:",
               "Small models translate poorly; a model trained for it (the Opus-MT model on the attention "
               "page) does far better."),
    TaskPreset("Code generation", "def fibonacci(n):\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n",
               "Write a Python function that reverses a string.", "def ",
               "Docs GPT has read Python's documentation, so it writes Python-looking text that rarely runs."),
)


def task(name: str) -> TaskPreset:
    return next(t for t in TASKS if t.name == name)


def preset_prompt(preset: TaskPreset, spec: ModelSpec) -> str:
    if spec.chat:
        return preset.instruction
    return preset.docs if spec.repo_id == PROJECT_DECODER else preset.completion
