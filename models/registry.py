"""Every Hugging Face model the app can use, described once.

Pages list the entries made for them (`playgrounds`) and load weights through
`models.transformer_loading.load_transformer`; the tokens page only needs
their tokenizers. Figures come from each model's config.json on the hub;
`memory_mb` is the resident cost of its float32 weights, measured or estimated
as 4 bytes per parameter plus the tokenizer.
"""

from __future__ import annotations

from dataclasses import dataclass

PACKAGED_ENCODER = "sentence-transformers/all-MiniLM-L6-v2"
PROJECT_DECODER = "genai-playground/docs-gpt"  # this project's own weights, models/weights/decoder


@dataclass(frozen=True)
class ModelSpec:
    repo_id: str
    label: str
    family: str  # "encoder", "decoder" or "encoder-decoder"
    source: str  # "package" (installed with the app), "project" (weights in this repo) or "hub"
    context_length: int  # position limit from config.json (max_position_embeddings / n_positions)
    tokenizer_kind: str
    licence: str
    parameters_m: float = 0.0  # millions of parameters
    memory_mb: int = 0
    layers: int = 0
    heads: int = 0
    playgrounds: frozenset[str] = frozenset({"tokens"})  # pages that offer this model
    weights_file: str = "model.safetensors"  # the one weights file fetched from the hub
    note: str = ""
    chat: bool = False  # instruction-tuned, with a chat template

    @property
    def offline(self) -> bool:
        return self.source != "hub"


_EVERYWHERE = frozenset({"tokens", "attention"})
_WRITERS = frozenset({"tokens", "attention", "prompts"})

MODEL_SPECS: tuple[ModelSpec, ...] = (
    ModelSpec(PACKAGED_ENCODER, "all-MiniLM-L6-v2 (bundled)", "encoder", "package", 512,
              "WordPiece", "apache-2.0", 22.7, 95, 6, 12, _EVERYWHERE,
              note="A BERT encoder distilled for sentence embeddings."),
    ModelSpec(PROJECT_DECODER, "Docs GPT (this project's)", "decoder", "project", 256,
              "byte-level BPE", "weights: this project's; data: Python docs (PSF-2.0)", 1.3, 12, 4, 4,
              _WRITERS, note="A small GPT-2-style decoder trained by this project on Python's own "
                                "documentation (`python -m models.train_decoder`)."),
    ModelSpec("google-bert/bert-base-uncased", "BERT base (uncased)", "encoder", "hub", 512,
              "WordPiece", "apache-2.0", 110, 440, 12, 12, _EVERYWHERE),
    ModelSpec("distilbert/distilbert-base-uncased", "DistilBERT base (uncased)", "encoder", "hub", 512,
              "WordPiece", "apache-2.0", 66, 270, 6, 12, _EVERYWHERE),
    ModelSpec("openai-community/gpt2", "GPT-2", "decoder", "hub", 1024,
              "byte-level BPE", "mit", 124, 510, 12, 12, _WRITERS),
    ModelSpec("distilbert/distilgpt2", "DistilGPT-2", "decoder", "hub", 1024,
              "byte-level BPE", "apache-2.0", 82, 340, 6, 12, _WRITERS),
    ModelSpec("HuggingFaceTB/SmolLM2-135M-Instruct", "SmolLM2-135M-Instruct (chat)", "decoder", "hub", 8192,
              "byte-level BPE", "apache-2.0", 135, 560, 30, 9, frozenset({"tokens", "prompts"}), chat=True,
              note="A small instruction-tuned model with a chat template: it follows requests, clumsily."),
    ModelSpec("google-t5/t5-small", "T5-small", "encoder-decoder", "hub", 512,
              "SentencePiece (unigram)", "apache-2.0", 60, 250, 6, 8, _EVERYWHERE,
              note="Prompts such as 'translate English to German: …' choose its task."),
    # Marian repos ship SentencePiece files but no tokenizer.json, so no tokens page.
    ModelSpec("Helsinki-NLP/opus-mt-en-de", "Opus-MT English→German", "encoder-decoder", "hub", 512,
              "SentencePiece (Marian)", "cc-by-4.0", 74, 300, 6, 8, frozenset({"attention"}),
              weights_file="pytorch_model.bin"),
    ModelSpec("Qwen/Qwen2.5-0.5B", "Qwen2.5-0.5B", "decoder", "hub", 32_768,
              "byte-level BPE", "apache-2.0", 494, 2000, 24, 14),
)


def model_spec(repo_id: str) -> ModelSpec:
    for spec in MODEL_SPECS:
        if spec.repo_id == repo_id:
            return spec
    raise KeyError(f"{repo_id!r} is not in the model registry.")


def specs_for(playground: str) -> list[ModelSpec]:
    return [spec for spec in MODEL_SPECS if playground in spec.playgrounds]
