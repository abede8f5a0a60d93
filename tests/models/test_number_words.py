import random

from models.number_words import words_to_number
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
