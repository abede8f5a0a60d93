"""Weights with their config: one safetensors file a model can be rebuilt from."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from safetensors import safe_open
from safetensors.torch import load_file, save_file


def save_with_config(model, path: Path) -> None:
    """`model.config` (a dataclass) goes into the file's metadata beside the weights."""
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {name: tensor.detach().contiguous() for name, tensor in model.state_dict().items()}
    save_file(state, str(path), metadata={"config": json.dumps(asdict(model.config))})


def load_with_config(path: Path, model_class, config_class):
    """The model saved at `path`, rebuilt from its stored config, in eval mode."""
    with safe_open(str(path), framework="pt") as weights:
        config = config_class(**json.loads(weights.metadata()["config"]))
    model = model_class(config)
    model.load_state_dict(load_file(str(path)))
    return model.eval()
