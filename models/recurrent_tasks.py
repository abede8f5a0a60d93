"""The two tasks the recurrent page's models learn, as data: vocabularies, encoding, corpora.

text: a character-level language model on Python's own documentation
(`pydoc_data.topics`, part of CPython, so it is there offline). Quoted
keywords, brackets and indented lines are everywhere in it, which gives cells
something readable to follow.

brackets: after every character of a string of "(", ")" and distractors, say
how many brackets are open (0 to MAX_DEPTH). A counter is the simplest memory
a cell can keep, and the easiest to see in a cell state.

No torch here: training lives in `models.train_recurrent`.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
from pydoc_data.topics import topics

from models.sequence_features import bracket_depth

UNKNOWN = "�"  # index 0 of every vocabulary: any character the task does not know
MAX_STEPS = 500  # the page cuts input here; a step-by-step view of more is unreadable anyway
MAX_DEPTH = 6  # brackets: deeper is labelled "6". At 8 no single RNN or GRU unit followed the depth


@dataclass(frozen=True)
class Task:
    name: str  # "text" or "brackets"
    title: str
    vocabulary: str  # index i is vocabulary[i]; index 0 is UNKNOWN
    outputs: tuple[str, ...]  # labels of the output classes
    examples: tuple[str, ...]  # inputs that show the gates at work
    feature: str  # the sequence_features.FEATURES entry the page suggests for "find units"
    units_note: str  # what "find units" can be expected to find on this task, said plainly

    @cached_property
    def index(self) -> dict[str, int]:
        # UNKNOWN itself stays out, so a typed "�" is flagged like any other stranger
        return {char: i for i, char in enumerate(self.vocabulary) if i > 0}


@dataclass(frozen=True)
class Encoded:
    ids: list[int]
    unknown: list[bool]  # True where the character is not in the vocabulary (its id is 0)
    truncated: bool  # the input was longer than MAX_STEPS and was cut


def capped(text: str) -> str:
    """The part of `text` a model actually reads."""
    return text[:MAX_STEPS]


def encode(task: Task, text: str) -> Encoded:
    kept = capped(text)
    ids = [task.index.get(char, 0) for char in kept]
    return Encoded(ids, [i == 0 for i in ids], len(text) > MAX_STEPS)


# Text: printable ASCII and the newline. Curly quotes, dashes and the like
# (a few hundred in the corpus) become UNKNOWN.
TEXT_TASK = Task(
    name="text",
    title="Next character of Python's documentation",
    vocabulary=UNKNOWN + "\n" + "".join(chr(code) for code in range(32, 127)),
    outputs=tuple(UNKNOWN + "\n" + "".join(chr(code) for code in range(32, 127))),
    examples=(
        'The "print" function (see below) writes its arguments to\nthe standard output stream.',
        'Use "len(s)" to count the items of a sequence (a string, a list or a tuple).\n',
        'def area(width, height):\n    """Return the area of a rectangle."""\n    return width * height\n',
    ),
    feature="inside quotes",
    # metrics.json, "find units" of text_*: quotes and line position 0.17-0.37, whitespace 0.59-0.81.
    # Redefining "inside quotes" (quotes closing at the line's end, any quote mark) lifts the
    # LSTM's best only to 0.44-0.58: no clean quote cell to promise.
    units_note="Text cells are fuzzier than counters: on documentation the best unit for a feature like "
               "*inside quotes* or *position in line* follows it only loosely (|r| around 0.2 to 0.4), "
               "because a unit serves many patterns at once. The clean counting cells (|r| above 0.9) are in "
               "the brackets task.",
)

# Brackets: round brackets, lower-case letters and spaces. Other bracket
# kinds are unknown to it (sequence_features.bracket_depth would count them).
BRACKET_TASK = Task(
    name="brackets",
    title="Open brackets after each character",
    vocabulary=UNKNOWN + "()" + string.ascii_lowercase + " ",
    outputs=tuple(str(depth) for depth in range(MAX_DEPTH + 1)),
    examples=(
        "(()(()))",
        "((a)(b(c)))",
        "((((((deep))))))",
        "(x (y z) w)) ((open",
        "(a (b c) (d (e f (g h) i) j) k) (l (m n)) o (p (q (r (s))))",
    ),
    feature="bracket depth",
    units_note="Each bracket model has a unit whose value rises and falls with the depth: "
               "the top of the table, usually with |r| above 0.9.",
)

TASKS: dict[str, Task] = {task.name: task for task in (TEXT_TASK, BRACKET_TASK)}


# ---- text corpus -------------------------------------------------------------

HELD_OUT_EVERY = 10  # every 10th topic, in sorted key order, is held out
EVALUATION_WINDOW = 256  # held-out text is read in windows of this many characters, each from a zero state


@dataclass(frozen=True)
class TextCorpus:
    train: str
    held_out: str
    train_topics: tuple[str, ...]
    held_out_topics: tuple[str, ...]


def text_corpus() -> TextCorpus:
    """pydoc_data.topics split by topic, so held-out text is about things never read in training."""
    keys = sorted(topics)
    held_out = tuple(key for i, key in enumerate(keys) if i % HELD_OUT_EVERY == 0)
    train = tuple(key for key in keys if key not in held_out)
    return TextCorpus("".join(topics[key] for key in train), "".join(topics[key] for key in held_out),
                      train, held_out)


def text_windows(text: str, length: int = EVALUATION_WINDOW) -> list[str]:
    """Non-overlapping windows of length + 1 characters: `length` inputs, each with its next character."""
    return [text[start:start + length + 1] for start in range(0, len(text) - length, length)]


# ---- brackets ---------------------------------------------------------------

HELD_OUT_SEED = 1000  # far from the small seeds training runs use (models.train_recurrent)
HELD_OUT_STRINGS = 500
MIN_LENGTH, MAX_LENGTH = 10, 120
LETTERS = string.ascii_lowercase + " "
STRANGERS = "0123456789.,;:!?+-*/=<>"  # outside the vocabulary: they teach the model that UNKNOWN changes nothing


def bracket_string(rng: random.Random) -> str:
    """A random walk of brackets between depth 0 and a random ceiling, with distractors in between.

    Four in five strings close every bracket by the end; the others end with
    brackets still open or close one too many on the way (depth stays 0).
    """
    length = rng.randint(MIN_LENGTH, MAX_LENGTH)
    ceiling = rng.randint(1, MAX_DEPTH)
    distractor_rate = rng.uniform(0.0, 0.5)
    open_rate = rng.uniform(0.45, 0.75)  # above one half climbs to the ceiling, so deep nesting is common
    balanced = rng.random() < 0.8
    depth, chars = 0, []
    for position in range(length):
        left = length - position
        if balanced and depth + 1 >= left:  # no room to open one more and still close them all
            chars.append(")" if depth else rng.choice(LETTERS))
            depth = max(0, depth - 1)
        elif rng.random() < distractor_rate:
            chars.append(rng.choice(STRANGERS) if rng.random() < 0.05 else rng.choice(LETTERS))
        elif depth == 0 and (balanced or rng.random() < 0.8):
            chars.append("(")
            depth += 1
        elif depth >= ceiling or rng.random() > open_rate:
            chars.append(")")
            depth = max(0, depth - 1)
        else:
            chars.append("(")
            depth += 1
    return "".join(chars)


def bracket_strings(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [bracket_string(rng) for _ in range(count)]


@cache
def bracket_training_strings() -> frozenset[str]:
    """Every string the shipped bracket models were trained on (about 127,000 distinct, ~4 s to draw).

    models.train_recurrent draws them one after another from random.Random(seed),
    steps x batch_size of them. Its TRAINING is the one record of those numbers;
    it is imported here, not at the top, because it brings torch and imports this module.
    """
    from models.train_recurrent import TRAINING

    config = TRAINING["brackets"]
    return frozenset(bracket_strings(config.steps * config.batch_size, config.seed))


def held_out_brackets() -> list[str]:
    """HELD_OUT_STRINGS strings from seed HELD_OUT_SEED that training never drew.

    Short strings of brackets only (say "()()()()()()") come up in both seeds;
    those are skipped and the next fresh string taken, so every held-out string is unseen.
    """
    seen, rng, kept = bracket_training_strings(), random.Random(HELD_OUT_SEED), []
    while len(kept) < HELD_OUT_STRINGS:
        text = bracket_string(rng)
        if text not in seen:
            kept.append(text)
    return kept


def depth_targets(text: str) -> list[int]:
    """The brackets task's label after each character: the depth, clamped at MAX_DEPTH."""
    return np.minimum(bracket_depth(text), MAX_DEPTH).astype(int).tolist()


def inputs_and_targets(task: Task, text: str) -> tuple[list[int], list[int]]:
    """A training or held-out example: input ids and the class each step should predict."""
    ids = encode(task, text).ids
    if task.name == "text":
        return ids[:-1], ids[1:]  # predict the next character
    return ids, depth_targets(capped(text))


def held_out_texts(task: Task) -> list[str]:
    """The held-out sample every reported metric is computed on."""
    return text_windows(text_corpus().held_out) if task.name == "text" else held_out_brackets()
