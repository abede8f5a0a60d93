"""Steps per second of the GAN lab's trainer against a bare PyTorch loop on the same models and batches."""

from __future__ import annotations

import copy

import torch
from torch.nn import functional as F

from benchmarks.tokens_compute import median_seconds
from models.gan_training import PRESETS, AdversarialTrainer, trainer_for


def bare_steps(trainer: AdversarialTrainer, steps: int) -> tuple[torch.nn.Module, torch.nn.Module]:
    """Algorithm 1 written out plainly on copies of `trainer`'s networks, with the trainer's hyper-parameters
    and a copy of its batch stream: the baseline, and the tests' oracle. Returns the trained copies."""
    G, D = copy.deepcopy(trainer.generator).train(), copy.deepcopy(trainer.discriminator).train()
    hyper, noise_size = trainer.hyper, trainer.config.model.noise_size
    batches = torch.Generator().set_state(trainer.batches.get_state())
    g_optimizer = torch.optim.Adam(G.parameters(), lr=hyper.g_learning_rate, betas=(hyper.beta1, 0.999))
    d_optimizer = torch.optim.Adam(D.parameters(), lr=hyper.d_learning_rate, betas=(hyper.beta1, 0.999))
    ones, zeros = torch.ones(hyper.batch_size), torch.zeros(hyper.batch_size)
    for _ in range(steps):
        for _ in range(hyper.d_steps):
            real = trainer.data.sample(hyper.batch_size, batches)
            fake = G(torch.randn(hyper.batch_size, noise_size, generator=batches)).detach()
            d_loss = F.binary_cross_entropy_with_logits(D(real), ones) + \
                F.binary_cross_entropy_with_logits(D(fake), zeros)
            d_optimizer.zero_grad()
            d_loss.backward()
            d_optimizer.step()
        g_loss = F.binary_cross_entropy_with_logits(D(G(torch.randn(hyper.batch_size, noise_size,
                                                                    generator=batches))), ones)
        g_optimizer.zero_grad()
        g_loss.backward()
        g_optimizer.step()
    return G, D


def steps_per_second(preset: str, steps: int) -> dict[str, float]:
    trainer = trainer_for(PRESETS[preset])
    bare = median_seconds(lambda: bare_steps(trainer, steps)) / steps
    app = median_seconds(lambda: trainer.train(steps, on_step=lambda record: None)) / steps
    return {"bare PyTorch loop (steps/s)": 1 / bare, "GanTrainer.train (steps/s)": 1 / app,
            "trainer / bare time per step (ratio)": app / bare}


def run() -> dict[str, float]:
    figures, threads = {}, torch.get_num_threads()
    try:
        # torch's default uses every core; on networks this small one thread is often faster (see the report).
        for count in sorted({1, threads}):
            torch.set_num_threads(count)
            for label, preset, steps in (("2D ring", "ring: covers the modes", 300), ("digits", "digits", 100)):
                for name, value in steps_per_second(preset, steps).items():
                    figures[f"{label}, {count} thread(s): {name}"] = value
    finally:
        torch.set_num_threads(threads)
    return figures
