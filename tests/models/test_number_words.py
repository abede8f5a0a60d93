import random

from models.number_words import unknown_words, words_to_number
from models.seq2seq_tasks import number_to_words


def test_reads_back_what_the_grammar_writes():
    rng = random.Random(7)
    for n in [0, 7, 15, 40, 100, 105, 1_000, 1_000_010, 999_999_999] + [rng.randrange(10**9) for _ in range(2000)]:
        assert words_to_number(number_to_words(n, rng)) == n


def test_not_a_number():
    assert words_to_number("") is None
    assert words_to_number("hello world") is None
    assert words_to_number("thousand") is None


def test_words_the_grammar_would_not_write():
    for text in ("one one", "twenty twenty", "five thousand two million", "seven hundred hundred",
                 "zero zero", "nine hundred million nine hundred million", "one " * 60):
        assert words_to_number(text) is None, text
    assert words_to_number("Forty  Two") == 42  # case and spacing are not the grammar's business


def test_unknown_words_are_those_the_grammar_never_writes():
    rng = random.Random(3)
    for n in [0, 19, 90, 1_000_000] + [rng.randrange(10**9) for _ in range(500)]:
        assert unknown_words(number_to_words(n, rng)) == []
    assert unknown_words("one hundred and five") == ["and"]
    assert unknown_words("Minus five") == ["minus"]
    assert unknown_words("nine hundred ninety-nine billion and one billion") == ["billion", "and"]
    assert unknown_words("forty-two!") == ["two!"]  # a word with a stray character is not a word it knows
    assert unknown_words("") == []
