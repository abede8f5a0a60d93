"""Milestone Transformers and their published architecture figures.

One row per model, every figure as stated in the row's sources (the paper, or
the official config.json of the released weights); `where` says which part.
A figure no source states is None rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.course_map import FAMILY_NAMES

_ARXIV = "https://arxiv.org/abs/"
_HF = "https://huggingface.co/"
_GPT_PAPER = "https://cdn.openai.com/research-covers/language-unsupervised/language_understanding_paper.pdf"
_GPT2_PAPER = "https://cdn.openai.com/better-language-models/language_models_are_unsupervised_multitask_learners.pdf"

BERT = "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
XLM = "Cross-lingual Language Model Pretraining"
GPT = "Improving Language Understanding by Generative Pre-Training"
GPT2 = "Language Models are Unsupervised Multitask Learners"
MEGATRON = "Megatron-LM: Training Multi-Billion Parameter Language Models Using Model Parallelism"
T5 = "Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer"
M2M = "Beyond English-Centric Multilingual Machine Translation"


@dataclass(frozen=True)
class Milestone:
    name: str
    series: str  # the model line it belongs to: "BERT", "GPT", "T5", ...
    family: str  # one of models.course_map.FAMILY_NAMES
    year: int
    layers: int | None  # blocks per stack; an encoder-decoder has two stacks this deep
    heads: int | None  # attention heads per layer
    hidden_size: int | None  # d_model
    parameters: float | None  # total, as the source rounds it
    paper: str
    authors: str
    sources: tuple[str, ...]  # where the figures are stated; the first is the paper
    where: str  # which table, section or file of the sources holds them

    def __post_init__(self):
        if self.family not in FAMILY_NAMES:
            raise ValueError(f"{self.name}: family {self.family!r} is not one of {FAMILY_NAMES}")


MILESTONES: tuple[Milestone, ...] = (
    Milestone("BERT-base", "BERT", "encoder", 2018, 12, 12, 768, 110e6, BERT, "Devlin et al.",
              (_ARXIV + "1810.04805",), "§3, model architecture"),
    Milestone("BERT-large", "BERT", "encoder", 2018, 24, 16, 1024, 340e6, BERT, "Devlin et al.",
              (_ARXIV + "1810.04805",), "§3, model architecture"),
    # The paper gives no parameter count for its XNLI model; none is guessed here.
    Milestone("XLM-15 (MLM+TLM)", "XLM", "encoder", 2019, 12, 8, 1024, None, XLM,
              "Lample & Conneau",
              (_ARXIV + "1901.07291", _HF + "FacebookAI/xlm-mlm-tlm-xnli15-1024/blob/main/config.json"),
              "config.json of the released XNLI-15 model"),
    Milestone("XLM-100", "XLM", "encoder", 2019, 16, 16, 1280, 570e6, XLM, "Lample & Conneau",
              (_ARXIV + "1901.07291", _ARXIV + "1911.02116"),
              "released later; figures from the XLM-R paper (Conneau et al.), Table 7"),
    Milestone("GPT", "GPT", "decoder", 2018, 12, 12, 768, 117e6, GPT, "Radford et al.",
              (_GPT_PAPER, _GPT2_PAPER),
              "§4.1 model specifications; 117M from the GPT-2 paper, Table 2"),
    Milestone("GPT-2 (1.5B)", "GPT", "decoder", 2019, 48, 25, 1600, 1542e6, GPT2, "Radford et al.",
              (_GPT2_PAPER, _HF + "openai-community/gpt2-xl/blob/main/config.json"),
              "Table 2 (layers, d_model, 1542M); heads from config.json"),
    # Table 1 (the scaling study) lists 32 heads for 8.3B; the trained model used 24.
    Milestone("Megatron-LM 8.3B", "Megatron-LM", "decoder", 2019, 72, 24, 3072, 8.3e9, MEGATRON,
              "Shoeybi et al.", (_ARXIV + "1909.08053",), "Table 2 (the trained GPT-2 model)"),
    Milestone("T5-base", "T5", "encoder-decoder", 2019, 12, 12, 768, 220e6, T5, "Raffel et al.",
              (_ARXIV + "1910.10683", _HF + "google-t5/t5-base/blob/main/config.json"),
              "§3.1.1 baseline model"),
    # Its 128 heads are 128 wide each: heads x head size is not d_model here.
    Milestone("T5-11B", "T5", "encoder-decoder", 2019, 24, 128, 1024, 11e9, T5, "Raffel et al.",
              (_ARXIV + "1910.10683", _HF + "google-t5/t5-11b/blob/main/config.json"),
              "§3.7 (d_ff 65,536, d_kv 128)"),
    Milestone("M2M-100 418M", "M2M-100", "encoder-decoder", 2020, 12, 16, 1024, 418e6, M2M, "Fan et al.",
              (_ARXIV + "2010.11125", _HF + "facebook/m2m100_418M/blob/main/config.json"),
              "config.json of the released model"),
    Milestone("M2M-100 1.2B", "M2M-100", "encoder-decoder", 2020, 24, 16, 1024, 1.2e9, M2M, "Fan et al.",
              (_ARXIV + "2010.11125", _HF + "facebook/m2m100_1.2B/blob/main/config.json"),
              "config.json of the released model"),
)


def total_layers(model: Milestone) -> int | None:
    """Blocks in the whole network: both stacks of an encoder-decoder."""
    if model.layers is None:
        return None
    return model.layers * (2 if model.family == "encoder-decoder" else 1)


def milestone_rows() -> list[dict]:
    """The table the home page shows: one dict per model, in MILESTONES order."""
    return [{
        "model": m.name,
        "family": m.family,
        "year": m.year,
        "layers": (f"{m.layers} + {m.layers}" if m.family == "encoder-decoder" else str(m.layers))
        if m.layers is not None else None,
        "heads": m.heads,
        "hidden size": m.hidden_size,
        "parameters": m.parameters,
        "paper": f"{m.authors}, {m.year}",
        "source": m.sources[0],
    } for m in MILESTONES]


def source_label(url: str) -> str:
    """A short name for a source link: "arXiv:1810.04805", "google-t5/t5-base config.json", a PDF's name."""
    if url.startswith(_ARXIV):
        return "arXiv:" + url.removeprefix(_ARXIV)
    if url.startswith(_HF):
        return url.removeprefix(_HF).removesuffix("/blob/main/config.json") + " config.json"
    return url.rsplit("/", 1)[-1]


def series_by_family() -> dict[str, list[str]]:
    """Model lines per family, in order of first appearance: {"encoder": ["BERT", "XLM"], ...}."""
    grouped: dict[str, list[str]] = {name: [] for name in FAMILY_NAMES}
    for m in MILESTONES:
        if m.series not in grouped[m.family]:
            grouped[m.family].append(m.series)
    return grouped
