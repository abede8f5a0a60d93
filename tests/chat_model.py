"""An offline stand-in for the hub's chat model: the project's decoder with a chat template.

Laid out in the hub cache slot of the registry's chat model, so the page's
real loading path (hub snapshot, offline) serves it. It writes nonsense, but
through the same template, special tokens and stop token as a real one.
"""

from __future__ import annotations

import shutil

from transformers import AutoModelForCausalLM, AutoTokenizer

from models.hub import local_model_dir
from models.registry import PROJECT_DECODER, model_spec, specs_for

CHAT_TEMPLATE = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
                 "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")


def chat_repo() -> str:
    return next(s.repo_id for s in specs_for("prompts") if s.chat)


def lay_out_chat_model(cache_dir) -> str:
    """Write the stand-in into `cache_dir` as huggingface_hub would have; returns its repo id."""
    from tests.models.test_hf_tokenizers import lay_out_hub_cache

    repo = chat_repo()
    snapshot = lay_out_hub_cache(cache_dir, repo, [])
    source = local_model_dir(model_spec(PROJECT_DECODER))
    tokenizer = AutoTokenizer.from_pretrained(source)
    tokenizer.add_special_tokens({"additional_special_tokens": ["<|im_start|>", "<|im_end|>"]})
    tokenizer.chat_template = CHAT_TEMPLATE
    model = AutoModelForCausalLM.from_pretrained(source)
    model.resize_token_embeddings(len(tokenizer))
    model.generation_config.eos_token_id = tokenizer.convert_tokens_to_ids("<|im_end|>")
    model.save_pretrained(snapshot)
    tokenizer.save_pretrained(snapshot)
    if not (snapshot / model_spec(repo).weights_file).exists():
        shutil.copy(snapshot / "model.safetensors", snapshot / model_spec(repo).weights_file)
    return repo
