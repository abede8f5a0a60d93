"""The encoder-decoder page's task as data: whole numbers written in English words -> their digits.

    "three hundred forty-two thousand seven"  ->  "342007"

A student reads it at a glance, and the input length varies widely ("six" is
3 characters, "seven hundred seventy-seven million ..." is over 90) while the
output stays short. It is monotonic: each digit comes from the words in the
same place, so attention should learn a near-diagonal alignment.

Most training inputs are at most COMMON_SOURCE_CHARS characters long: longer
ones are kept only with probability LONG_KEEP, so they are rare. That is where
a single context vector runs out of room first; the evaluation draws plenty of
them from the same grammar.

No torch here: the models live in `models.seq2seq_models`, training in
`models.train_seq2seq`.
"""

from __future__ import annotations

import random
from functools import cache

PAD = "·"  # source index 0: padding, and any character the task does not know
START, END = "<s>", "</s>"  # the decoder starts from START and stops when it writes END

SOURCE_VOCABULARY = PAD + " -abcdefghijklmnopqrstuvwxyz"
TARGET_VOCABULARY = (PAD, START, END, *"0123456789")  # index 0 is padding, never predicted
SOURCE_INDEX = {char: i for i, char in enumerate(SOURCE_VOCABULARY) if i > 0}
TARGET_INDEX = {token: i for i, token in enumerate(TARGET_VOCABULARY)}

MAX_NUMBER = 999_999_999
MAX_SOURCE_CHARS = 200  # the page cuts input here; the longest number of the grammar has 100 characters
TRAIN_MAX_SOURCE_CHARS = 100  # the longest training input (the grammar's longest); longer is new to the models
COMMON_SOURCE_CHARS = 60  # most training inputs are at most this long (about 94%)
LONG_KEEP = 0.15  # training keeps a longer input with this probability, so long inputs stay rare
MAX_TARGET_TOKENS = len(str(MAX_NUMBER)) + 1  # nine digits and END

ACCEPTS = ("A whole number from zero to 999,999,999 written in English words, such as "
           "\"three hundred forty-two thousand seven\" (lower-case letters, spaces and hyphens; "
           "no \"and\", no commas or digits).")

ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
SCALES = ((1_000_000, "million"), (1_000, "thousand"), (1, ""))

EXAMPLES = {  # for the page: short ones every model gets right, long ones where the context vector gives out
    "short": ("seven", "forty-two", "three hundred five", "twelve thousand"),
    "long": ("nine hundred eighty-seven million six hundred fifty-four thousand three hundred twenty-one",
             "three hundred forty-two million seven hundred seventy-one thousand eight hundred sixty-four",
             "seven hundred seventy-seven million seven hundred seventy-seven thousand seven hundred seventy-seven"),
}


def below_thousand(n: int, rng: random.Random | None = None) -> str:
    """0 < n < 1000 in words; tens and ones are joined by a hyphen, or by a space when `rng` says so."""
    words = []
    if n >= 100:
        words += [ONES[n // 100], "hundred"]
        n %= 100
    if n >= 20:
        joiner = " " if rng is not None and rng.random() < 0.5 else "-"
        words.append(TENS[n // 10] + (joiner + ONES[n % 10] if n % 10 else ""))
    elif n:
        words.append(ONES[n])
    return " ".join(words)


def number_to_words(n: int, rng: random.Random | None = None) -> str:
    """0 <= n <= MAX_NUMBER in words, e.g. 342007 -> "three hundred forty-two thousand seven"."""
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"{n} is outside 0..{MAX_NUMBER}.")
    if n == 0:
        return ONES[0]
    parts = []
    for scale, name in SCALES:
        group, n = divmod(n, scale)
        if group:
            parts.append(below_thousand(group, rng) + (" " + name if name else ""))
    return " ".join(parts)


def random_number(rng: random.Random) -> int:
    """Draw the digit count first (1-9, uniform), so short and long numbers are equally common."""
    digits = rng.randint(1, len(str(MAX_NUMBER)))
    return rng.randrange(0 if digits == 1 else 10 ** (digits - 1), 10 ** digits)


def random_pair(rng: random.Random) -> tuple[str, str]:
    n = random_number(rng)
    return number_to_words(n, rng), str(n)


def examples(count: int, seed: int, min_chars: int = 1, max_chars: int = MAX_SOURCE_CHARS) -> list[tuple[str, str]]:
    """`count` (words, digits) pairs from `random.Random(seed)`, keeping only sources of min_chars..max_chars."""
    rng, pairs = random.Random(seed), []
    while len(pairs) < count:
        words, digits = random_pair(rng)
        if min_chars <= len(words) <= max_chars:
            pairs.append((words, digits))
    return pairs


def training_examples(count: int, seed: int) -> list[tuple[str, str]]:
    """`count` pairs of the training distribution: inputs over COMMON_SOURCE_CHARS are kept with probability LONG_KEEP."""
    rng, pairs = random.Random(seed), []
    while len(pairs) < count:
        words, digits = random_pair(rng)
        if len(words) <= COMMON_SOURCE_CHARS or rng.random() < LONG_KEEP:
            pairs.append((words, digits))
    return pairs


@cache
def longest_source_chars() -> int:
    """The longest input of the grammar (hyphens and spaces are the same length, so the choice does not matter)."""
    longest_group = max(len(below_thousand(n)) for n in range(1, 1000))
    return 3 * longest_group + len(" million ") + len(" thousand ")


def encode_source(text: str) -> tuple[list[int], list[bool]]:
    """Character ids of `text` (upper case is read as lower case) and, per character, whether it is unknown (id 0)."""
    ids = [SOURCE_INDEX.get(char.lower(), 0) for char in text]
    return ids, [i == 0 for i in ids]


def encode_target(digits: str) -> list[int]:
    """START, the digits, END."""
    return [TARGET_INDEX[START], *(TARGET_INDEX[d] for d in digits), TARGET_INDEX[END]]
