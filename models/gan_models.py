"""The two players of a generative adversarial network (Goodfellow et al., 2014), as small MLPs.

The generator G maps noise z ~ N(0, I) to a sample x = G(z); the
discriminator D maps a sample to a logit, sigmoid(D(x)) being its belief that
x is real. The same two classes serve the 2D point clouds and the 8x8 digits
(64 pixels, flattened); only the sizes in MlpGanConfig differ.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class MlpGanConfig:
    data_size: int = 2  # 2 for points, 64 for 8x8 digits
    noise_size: int = 2  # size of z
    hidden_size: int = 64  # width of every hidden layer, in both networks
    depth: int = 2  # hidden layers in each network
    bounded: bool = False  # G ends in tanh, so samples lie in [-1, 1] like digit pixels
    leak: float = 0.2  # negative slope of D's LeakyReLU: D's gradient, G's only signal, never dies


MODEL_PRESETS = {
    "points": MlpGanConfig(),
    "digits": MlpGanConfig(data_size=64, noise_size=16, hidden_size=256, depth=2, bounded=True),
    "tiny": MlpGanConfig(hidden_size=8, depth=1),  # for tests
}


def mlp(sizes: list[int], activation: nn.Module) -> nn.Sequential:
    """Linear layers of the given sizes with `activation` between them (none after the last)."""
    layers = []
    for i, (inputs, outputs) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(inputs, outputs))
        if i < len(sizes) - 2:
            layers.append(activation)
    return nn.Sequential(*layers)


class Generator(nn.Module):
    def __init__(self, config: MlpGanConfig):
        super().__init__()
        self.config = config
        self.net = mlp([config.noise_size] + [config.hidden_size] * config.depth + [config.data_size], nn.ReLU())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        x = self.net(z)  # (B, Z) -> (B, data_size)
        return torch.tanh(x) if self.config.bounded else x


class Discriminator(nn.Module):
    def __init__(self, config: MlpGanConfig):
        super().__init__()
        self.config = config
        self.net = mlp([config.data_size] + [config.hidden_size] * config.depth + [1], nn.LeakyReLU(config.leak))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(-1)  # (B, data_size) -> (B,) logits; sigmoid gives P(real)
