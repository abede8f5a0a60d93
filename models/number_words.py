"""Read a number written in English words: the right answer the seq2seq page checks against."""

from __future__ import annotations

from models.seq2seq_tasks import MAX_NUMBER, ONES, SCALES, TENS, number_to_words

_SMALL = {word: value for value, word in enumerate(ONES)} | {word: 10 * k for k, word in enumerate(TENS) if word}
_SCALES = {name: scale for scale, name in SCALES if name}
WORDS = frozenset(_SMALL) | {"hundred"} | frozenset(_SCALES)  # every word the task's grammar writes


def _words(text: str) -> list[str]:
    return text.lower().replace("-", " ").split()


def unknown_words(text: str) -> list[str]:
    """The words of `text` the task never uses ("and", "billion", "minus"...), each once, in reading order."""
    return list(dict.fromkeys(word for word in _words(text) if word not in WORDS))


def words_to_number(text: str) -> int | None:
    """The number `text` names, or None when it is not a number the task's grammar writes."""
    words = _words(text)
    total, group = 0, None
    for word in words:
        if word in _SMALL:
            group = (group or 0) + _SMALL[word]
        elif word == "hundred" and group:
            group *= 100
        elif word in _SCALES and group:
            total, group = total + group * _SCALES[word], None
        else:
            return None
    if group is None and total == 0:
        return None
    number = total + (group or 0)
    if number > MAX_NUMBER:
        return None
    # the loop adds up "one one" or "five thousand two million" too: keep only what the grammar would write
    return number if number_to_words(number).replace("-", " ").split() == words else None
