"""Write the fine-tuning lab's shipped data set: short reviews labelled positive or negative.

    python -m models.make_reviews          # rewrites models/data/reviews.csv

Origin and licence: every review is composed by this script from the word
lists below, from a fixed seed; no text comes from anywhere else. The data set
is dedicated to the public domain (CC0 1.0), like models/data/README.md says.

The reviews are short but not trivial, so that a frozen sentence encoder with
a linear head gets a decent yet imperfect score and fine-tuning has room to do
better: four domains (films, restaurants, gadgets, books) with their own
aspects and adjectives, intensifiers ("utterly", "a bit"), negation that flips
the sentiment ("not bad at all", "hardly worth it", "far from brilliant"),
mixed sentences whose verdict comes after a "but" or an "although", and
stand-alone verdicts ("Save your money.", "I can't fault it."). Labels are
exactly balanced in each split and every text is unique.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
REVIEWS_PATH = DATA_DIR / "reviews.csv"
SEED = 2024
TRAIN_PER_LABEL = 240  # 480 training reviews
TEST_PER_LABEL = 80  # 160 test reviews
LABELS = ("negative", "positive")

# ---- word lists: (subjects, positive adjectives, negative adjectives) per domain ----

DOMAINS = {
    "film": (
        ["the film", "this movie", "the plot", "the acting", "the soundtrack", "the ending", "the script",
         "the lead performance", "the cinematography", "the dialogue", "the sequel", "the pacing"],
        ["gripping", "moving", "clever", "stylish", "funny", "tense", "haunting", "brilliant",
         "heartfelt", "sharp", "memorable", "stunning"],
        ["dull", "predictable", "clumsy", "forgettable", "overlong", "wooden", "confusing", "cheesy",
         "tedious", "lifeless", "messy", "cringeworthy"],
    ),
    "restaurant": (
        ["the food", "the service", "the pasta", "the steak", "the dessert", "the soup", "the pizza",
         "the bread", "the curry", "the coffee", "the salad", "the portion"],
        ["delicious", "crispy", "fresh", "generous", "tasty", "juicy", "perfectly cooked", "lovely",
         "flavourful", "well seasoned", "authentic", "spot on"],
        ["bland", "bitter", "cold", "greasy", "overpriced", "soggy", "stale", "salty", "undercooked", "burnt",
         "tiny", "watery"],
    ),
    "gadget": (
        ["the battery", "the screen", "this phone", "the charger", "the headphones", "the camera",
         "the keyboard", "the speaker", "the app", "the build quality", "the laptop", "the setup"],
        ["reliable", "crisp", "fast", "sturdy", "responsive", "bright", "intuitive", "solid", "excellent",
         "well made", "impressive", "smooth"],
        ["flimsy", "laggy", "buggy", "fragile", "sluggish", "dim", "noisy", "unreliable", "cheap feeling",
         "glitchy", "useless", "awkward"],
    ),
    "book": (
        ["the novel", "this book", "the characters", "the prose", "the final chapter", "the story",
         "the translation", "the author's voice", "the twist", "the sequel", "the middle section",
         "the narrator"],
        ["engrossing", "witty", "elegant", "touching", "vivid", "thoughtful", "compelling", "lyrical",
         "charming", "rich", "wise", "beautifully written"],
        ["boring", "shallow", "clichéd", "flat", "long-winded", "pretentious", "muddled", "dry",
         "repetitive", "unconvincing", "silly", "tiresome"],
    ),
}

STRONG = ["really", "truly", "utterly", "absolutely", "incredibly", "remarkably", "genuinely", "so"]
MILD = ["fairly", "quite", "rather", "pretty", "a bit", "somewhat", "mostly"]
LINKS = ["was", "is", "felt", "seemed", "turned out to be"]

# Negations that flip the adjective's sentiment: "{subject} was not {adj}".
NEGATIONS = ["was not", "wasn't", "is not", "is far from", "was hardly", "was never", "was not exactly",
             "was anything but", "never felt", "didn't seem"]

# Whole verdicts; the negated ones say the opposite of their key word.
VERDICTS = {
    "positive": ["Worth every penny.", "I'd happily recommend it.", "Easily five stars.", "I'll be back.",
                 "I can't fault it.", "No complaints at all.", "Not bad at all.", "I wasn't disappointed.",
                 "Nothing to complain about.", "Better than I expected.", "A real treat.",
                 "I can't wait for more.", "You won't regret it.", "Not a single dull moment."],
    "negative": ["Hardly worth it.", "Save your money.", "Two stars at most.", "Never again.",
                 "Not worth the hype.", "A complete waste of time.", "I wouldn't recommend it.",
                 "Not good enough.", "I expected much more.", "Avoid.", "I won't be back.",
                 "Not something I'd try again.", "Nothing special, sadly.", "I couldn't wait for it to end."],
}

NEGATED_SHARE = 0.15  # of clauses whose adjective is negated
# Shares of review shapes, cumulative: one clause, "X, but Y", "although X, Y", "X and Y", concession + verdict.
SHAPES = (0.45, 0.57, 0.64, 0.90)

OPENERS = ["", "", "", "Honestly, ", "To be fair, ", "I have to say ", "Overall ", "In short, ", "Sadly, ",
           "Surprisingly, ", "Frankly, "]


PLURAL = {"the headphones", "the characters"}
PLURAL_VERBS = {"was": "were", "is": "are", "wasn't": "weren't"}


def _agreeing(subject: str, verb: str) -> str:
    """`verb` ("was not", "is far from", ...) agreeing with `subject`."""
    if subject not in PLURAL:
        return verb
    first, *rest = verb.split(" ")
    return " ".join([PLURAL_VERBS.get(first, first), *rest])


def _polar_clause(rng: random.Random, domain: str, sentiment: str, subject: str) -> str:
    """One clause that says `sentiment` about `subject`, plainly, with an intensifier, or by negation."""
    _, positive, negative = DOMAINS[domain]
    style = rng.random()
    if style < NEGATED_SHARE:  # negation: the adjective has the opposite polarity
        adjective = rng.choice(negative if sentiment == "positive" else positive)
        return f"{subject} {_agreeing(subject, rng.choice(NEGATIONS))} {adjective}"
    adjective = rng.choice(positive if sentiment == "positive" else negative)
    link = _agreeing(subject, rng.choice(LINKS))
    if style < NEGATED_SHARE + (1 - NEGATED_SHARE) * 0.4:
        return f"{subject} {link} {rng.choice(STRONG)} {adjective}"
    if style < NEGATED_SHARE + (1 - NEGATED_SHARE) * 0.6:
        return f"{subject} {link} {rng.choice(MILD)} {adjective}"
    return f"{subject} {link} {adjective}"


def _sentence(clause: str, opener: str = "") -> str:
    text = opener + clause
    return text[0].upper() + text[1:] + "."


def review(rng: random.Random, sentiment: str) -> str:
    """A review whose overall verdict is `sentiment` ("positive" or "negative")."""
    domain = rng.choice(list(DOMAINS))
    first, second = rng.sample(DOMAINS[domain][0], 2)  # two different aspects
    other = "negative" if sentiment == "positive" else "positive"
    shape = rng.random()
    if shape < SHAPES[0]:  # one plain or negated clause, maybe with a verdict
        text = _sentence(_polar_clause(rng, domain, sentiment, first), rng.choice(OPENERS))
        if rng.random() < 0.4:
            text += " " + rng.choice(VERDICTS[sentiment])
        return text
    if shape < SHAPES[1]:  # mixed: the part after "but" carries the verdict
        return _sentence(f"{_polar_clause(rng, domain, other, first)}, "
                         f"but {_polar_clause(rng, domain, sentiment, second)}")
    if shape < SHAPES[2]:  # mixed: "although" concedes the other side first
        return _sentence(f"although {_polar_clause(rng, domain, other, first)}, "
                         f"{_polar_clause(rng, domain, sentiment, second)}")
    if shape < SHAPES[3]:  # two clauses that agree
        return _sentence(f"{_polar_clause(rng, domain, sentiment, first)} "
                         f"and {_polar_clause(rng, domain, sentiment, second)}")
    # a conceded aspect, then a verdict on the whole thing
    concession = _sentence(_polar_clause(rng, domain, other, first), rng.choice(["Sure, ", "Admittedly ", "OK, "]))
    return f"{concession} {rng.choice(VERDICTS[sentiment])}"


def make_reviews(seed: int = SEED) -> list[dict[str, str]]:
    """Rows (text, label, split), unique texts, balanced labels in each split, in a shuffled order."""
    rng = random.Random(seed)
    seen: set[str] = set()
    rows = []
    for label in LABELS:
        texts: list[str] = []
        while len(texts) < TRAIN_PER_LABEL + TEST_PER_LABEL:
            text = review(rng, label)
            if text.lower() not in seen:
                seen.add(text.lower())
                texts.append(text)
        rows += [{"text": text, "label": label, "split": "train" if i < TRAIN_PER_LABEL else "test"}
                 for i, text in enumerate(texts)]
    rng.shuffle(rows)
    return rows


def write_reviews(path: Path = REVIEWS_PATH, seed: int = SEED) -> list[dict[str, str]]:
    rows = make_reviews(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=["text", "label", "split"])
        writer.writeheader()
        writer.writerows(rows)
    return rows


def main() -> None:
    rows = write_reviews()
    counts = {(row["split"], row["label"]): 0 for row in rows}
    for row in rows:
        counts[row["split"], row["label"]] += 1
    print(f"{len(rows)} reviews written to {REVIEWS_PATH}: " +
          ", ".join(f"{split} {label} {n}" for (split, label), n in sorted(counts.items())))


if __name__ == "__main__":
    main()
