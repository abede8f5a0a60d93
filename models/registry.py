"""Every Hugging Face model the app can use, described once.

Later pages load weights through the same entries; the tokens page only needs
their tokenizers. Figures come from each model's config.json on the hub.
"""

from __future__ import annotations

from dataclasses import dataclass

PACKAGED_ENCODER = "sentence-transformers/all-MiniLM-L6-v2"


@dataclass(frozen=True)
class ModelSpec:
    repo_id: str
    label: str
    family: str  # "encoder", "decoder" or "encoder-decoder"
    source: str  # "package" (installed with the app) or "hub" (downloaded once)
    context_length: int  # position limit from config.json (max_position_embeddings / n_positions)
    tokenizer_kind: str
    licence: str


MODEL_SPECS: tuple[ModelSpec, ...] = (
    ModelSpec(PACKAGED_ENCODER, "all-MiniLM-L6-v2 (bundled)", "encoder", "package", 512,
              "WordPiece", "apache-2.0"),
    ModelSpec("openai-community/gpt2", "GPT-2", "decoder", "hub", 1024,
              "byte-level BPE", "mit"),
    ModelSpec("google-t5/t5-small", "T5-small", "encoder-decoder", "hub", 512,
              "SentencePiece (unigram)", "apache-2.0"),
    ModelSpec("Qwen/Qwen2.5-0.5B", "Qwen2.5-0.5B", "decoder", "hub", 32_768,
              "byte-level BPE", "apache-2.0"),
)


def model_spec(repo_id: str) -> ModelSpec:
    for spec in MODEL_SPECS:
        if spec.repo_id == repo_id:
            return spec
    raise KeyError(f"{repo_id!r} is not in the model registry.")
