"""The course outline (docs: /work/shared/CURRICULUM.md) as plain data.

The home page draws its map from these tuples; the wording follows the
curriculum, so a change of fact belongs there first.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GenerativeFamily:
    name: str
    icon: str
    summary: str
    pages: tuple[str, ...]  # playground files that teach this family


GENERATIVE_FAMILIES: tuple[GenerativeFamily, ...] = (
    GenerativeFamily(
        "Images, classically with GANs", "🎨",
        "A generator makes samples from noise, a discriminator tells real from fake, "
        "and the two are trained against each other.",
        ("pages/gan.py",)),
    GenerativeFamily(
        "Language, with LLMs", "💬",
        "Text in (the prompt), text out (the answer). Modern models can also take "
        "or make images.",
        ("pages/tokens.py", "pages/prompts.py", "pages/finetune.py")),
)


@dataclass(frozen=True)
class PathStep:
    name: str
    stage: str  # "recurrent", "sequence to sequence" or "attention only"
    authors: str  # of its landmark paper
    year: int
    idea: str  # one line: what it adds over the step before


COURSE_PATH: tuple[PathStep, ...] = (
    PathStep("RNN", "recurrent", "Elman", 1990,
             "A feedback loop passes the hidden state from step to step: short-term memory only."),
    PathStep("LSTM", "recurrent", "Hochreiter & Schmidhuber", 1997,
             "Adds a cell state and forget, input and output gates: copes with longer sentences."),
    PathStep("GRU", "recurrent", "Cho et al.", 2014,
             "A lighter LSTM: no separate cell state, two gates (reset and update)."),
    PathStep("Encoder-decoder", "sequence to sequence", "Sutskever et al.", 2014,
             "Reads the input into one context vector, then writes an output of any length."),
    PathStep("Attention", "sequence to sequence", "Bahdanau et al.", 2014,
             "Each output step looks back at all encoder states with learned weights."),
    PathStep("Transformer", "attention only", "Vaswani et al.", 2017,
             "Drops recurrence: attention alone, all positions at once."),
)


@dataclass(frozen=True)
class SequenceMapping:
    name: str
    inputs: int  # steps that read an input
    outputs: int  # steps that write an output
    example: str


# Drawn as an unrolled recurrent network of three steps (one for one-to-one).
SEQUENCE_MAPPINGS: tuple[SequenceMapping, ...] = (
    SequenceMapping("one-to-one", 1, 1, "classify a single item"),
    SequenceMapping("one-to-many", 1, 3, "image captioning: one image in, a sentence out"),
    SequenceMapping("many-to-one", 3, 1, "sentiment analysis: a sentence in, one label out"),
    SequenceMapping("many-to-many", 3, 3, "translation, tagging every token"),
)


@dataclass(frozen=True)
class TransformerFamily:
    name: str  # the key models.milestones uses: "encoder", "decoder", "encoder-decoder"
    label: str
    attention: str
    good_at: str


TRANSFORMER_FAMILIES: tuple[TransformerFamily, ...] = (
    TransformerFamily("encoder", "Encoder-only", "bidirectional self-attention",
                      "understanding: classify, tag, embed"),
    TransformerFamily("decoder", "Decoder-only", "causal (masked) self-attention",
                      "generating text one token at a time"),
    TransformerFamily("encoder-decoder", "Encoder-decoder",
                      "encoder self, decoder causal self, and cross-attention",
                      "text-to-text: translate, summarize"),
)
FAMILY_NAMES: tuple[str, ...] = tuple(f.name for f in TRANSFORMER_FAMILIES)
