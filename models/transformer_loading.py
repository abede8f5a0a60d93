"""One loader for every transformer in the registry, whatever its source.

Attention is computed the "eager" way: under transformers 5 the default sdpa
kernel returns no attention weights, silently. What this returns is shared by
every session through `st.cache_resource`, so callers treat it as read-only
(eval mode, no gradients) and train only on copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models.hub import Progress, model_dir
from models.registry import ModelSpec, model_spec

_MODEL_CLASSES = {"encoder": "AutoModel", "decoder": "AutoModelForCausalLM",
                  "encoder-decoder": "AutoModelForSeq2SeqLM"}


@dataclass(frozen=True)
class LoadedModel:
    spec: ModelSpec
    model: object  # a transformers PreTrainedModel in eval mode
    tokenizer: object  # its transformers tokenizer


def load_transformer(repo_id: str, cache_dir: str | Path | None = None,
                     on_progress: Progress | None = None) -> LoadedModel:
    """Model and tokenizer of a registry entry; DownloadUnavailable if its files cannot be had."""
    import torch
    import transformers

    spec = model_spec(repo_id)
    folder = model_dir(spec, cache_dir=cache_dir, on_progress=on_progress)
    model_class = getattr(transformers, _MODEL_CLASSES[spec.family])
    model = model_class.from_pretrained(folder, attn_implementation="eager", dtype=torch.float32)
    model.eval().requires_grad_(False)
    tokenizer = transformers.AutoTokenizer.from_pretrained(folder)
    return LoadedModel(spec, model, tokenizer)
