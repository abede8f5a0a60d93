"""Training a GAN step by step, with hyper-parameters that may change between steps.

One step is the paper's Algorithm 1: `d_steps` updates of the discriminator
on a real and a generated batch, then one update of the generator. The
generator uses the non-saturating loss -log D(G(z)) (Goodfellow et al., 2014,
section 3): early on D rejects every fake and log(1 - D(G(z))) is flat there,
while -log D(G(z)) still has a strong gradient.

A trainer is built once and stepped on demand: `train(n)` runs at most n
steps (and never more than the config's limits), reporting each step through
`on_step`; between calls, `set_hyperparameters` changes learning rates, D
steps per G step, batch size and Adam's beta1. The sizes of the networks,
the size of the noise included, are fixed at construction. `snapshot()`
returns, as numpy, everything the page draws.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, fields, replace

import numpy as np
import torch
from torch.nn import functional as F

from models.gan_data import BOX, DIGIT_SIDE, DISTRIBUTIONS, Digits, Distribution, load_digits_data
from models.gan_models import MODEL_PRESETS, Discriminator, Generator, MlpGanConfig

VIEW_SEED_OFFSET = 1_000_003  # the view's fixed noise and real points come from their own stream, not the batches'


@dataclass(frozen=True)
class Hyperparameters:
    """What may change between calls to `train`."""
    g_learning_rate: float = 1e-3
    d_learning_rate: float = 1e-3
    d_steps: int = 1  # discriminator updates per generator update (k in the paper)
    batch_size: int = 128
    beta1: float = 0.5  # Adam's momentum; below the usual 0.9 so it does not carry G past a moving target (DCGAN)


@dataclass(frozen=True)
class Limits:
    """Bounds on one call to `train`, so a page never blocks for long."""
    max_steps: int = 5000
    max_seconds: float = 30.0


@dataclass(frozen=True)
class GanConfig:
    model: MlpGanConfig
    hyper: Hyperparameters = Hyperparameters()
    limits: Limits = Limits()
    seed: int = 0
    view_samples: int = 512  # generated and real samples in a snapshot, from fixed noise


@dataclass(frozen=True)
class GanPreset:
    name: str
    data: str  # a key of gan_data.DISTRIBUTIONS, or "digits"
    config: GanConfig
    steps: int  # steps after which it shows what the explanation says
    explanation: str


@dataclass(frozen=True)
class StepRecord:
    step: int  # 1 for the first step since the last reset
    d_loss: float  # -log D(x) - log(1 - D(G(z))), from the last discriminator update
    g_loss: float  # -log D(G(z)), non-saturating
    d_real: float  # mean D(x) on the real batch: D's belief that real samples are real
    d_fake: float  # mean D(G(z)) on the generated batch
    seconds: float  # training time since the last reset


@dataclass(frozen=True)
class TrainResult:
    steps: int  # steps taken by this call
    stopped_by: str  # "n_steps", "max_steps" or "max_seconds"
    seconds: float


HISTORY_FIELDS = ("step", "d_loss", "g_loss", "d_real", "d_fake")


def one_at_a_time(method):
    """Run `method` holding the trainer's lock: Streamlit starts a click's run in a new thread while the
    run it replaces may still be training, and a snapshot's backward pass fails if a step changes the
    weights under it (seen in the browser: "modified by an inplace operation")."""
    @functools.wraps(method)
    def locked(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)
    return locked


class AdversarialTrainer:
    """The loop shared by the points and the digits trainers; the subclasses add what their page draws."""

    def __init__(self, config: GanConfig, data: Distribution | Digits):
        self.config = config
        self.data = data
        self.hyper = config.hyper
        self._lock = threading.RLock()
        self.reset()

    # ---- state ------------------------------------------------------------

    @one_at_a_time
    def reset(self, seed: int | None = None) -> None:
        """Fresh weights, optimizers, batches and view from `seed` (default: the config's); the same seed
        gives a bit-identical run. The current hyper-parameters are kept."""
        self.seed = self.config.seed if seed is None else seed
        with torch.random.fork_rng(devices=[]):  # weights from the seed without touching the global stream
            torch.manual_seed(self.seed)
            self.generator = Generator(self.config.model)
            self.discriminator = Discriminator(self.config.model)
        self.batches = torch.Generator().manual_seed(self.seed)
        view = torch.Generator().manual_seed(self.seed + VIEW_SEED_OFFSET)
        self.view_noise = torch.randn(self.config.view_samples, self.config.model.noise_size,
                                      generator=view)  # (V, Z)
        self.view_real = self.data.sample(self.config.view_samples, view)  # (V, data_size)
        self.g_optimizer = torch.optim.Adam([p for p in self.generator.parameters() if p.requires_grad])
        self.d_optimizer = torch.optim.Adam([p for p in self.discriminator.parameters() if p.requires_grad])
        self._apply_hyperparameters()
        self.history: list[StepRecord] = []
        self.seconds = 0.0

    @one_at_a_time
    def set_hyperparameters(self, **changes) -> Hyperparameters:
        """Change any field of Hyperparameters; takes effect from the next step. Returns the new set."""
        unknown = set(changes) - {f.name for f in fields(Hyperparameters)}
        if unknown:
            raise ValueError(f"Unknown hyper-parameter(s) {sorted(unknown)}; "
                             f"choose from {[f.name for f in fields(Hyperparameters)]}.")
        hyper = replace(self.hyper, **changes)
        if hyper.g_learning_rate < 0 or hyper.d_learning_rate < 0:
            raise ValueError("Learning rates must be 0 or more (0 freezes that network).")
        if hyper.d_steps < 1 or hyper.batch_size < 1:
            raise ValueError("d_steps and batch_size must be whole numbers of at least 1.")
        if not 0 <= hyper.beta1 < 1:
            raise ValueError("beta1 must lie in [0, 1).")
        self.hyper = replace(hyper, d_steps=int(hyper.d_steps), batch_size=int(hyper.batch_size))
        self._apply_hyperparameters()
        return self.hyper

    def _apply_hyperparameters(self) -> None:
        for optimizer, lr in ((self.g_optimizer, self.hyper.g_learning_rate),
                              (self.d_optimizer, self.hyper.d_learning_rate)):
            for group in optimizer.param_groups:
                group["lr"] = lr
                group["betas"] = (self.hyper.beta1, group["betas"][1])

    @property
    def step_count(self) -> int:
        return len(self.history)

    # ---- training ---------------------------------------------------------

    def noise(self, n: int) -> torch.Tensor:
        return torch.randn(n, self.config.model.noise_size, generator=self.batches)  # (n, Z)

    def _step(self) -> tuple[float, float, float, float]:
        """One step of Algorithm 1; returns D loss, G loss, mean D(x), mean D(G(z))."""
        G, D, batch = self.generator, self.discriminator, self.hyper.batch_size
        ones, zeros = torch.ones(batch), torch.zeros(batch)
        for _ in range(self.hyper.d_steps):
            real = self.data.sample(batch, self.batches)  # (B, data_size)
            with torch.no_grad():
                fake = G(self.noise(batch))  # (B, data_size); D's step must not move G
            real_logits, fake_logits = D(real), D(fake)  # (B,), (B,)
            d_loss = (F.binary_cross_entropy_with_logits(real_logits, ones)
                      + F.binary_cross_entropy_with_logits(fake_logits, zeros))
            self.d_optimizer.zero_grad(set_to_none=True)
            d_loss.backward()
            self.d_optimizer.step()
        g_loss = F.binary_cross_entropy_with_logits(D(G(self.noise(batch))), ones)  # -log D(G(z))
        self.g_optimizer.zero_grad(set_to_none=True)
        g_loss.backward()  # also fills D's gradients, which D's next zero_grad clears
        self.g_optimizer.step()
        return (d_loss.item(), g_loss.item(), torch.sigmoid(real_logits).mean().item(),
                torch.sigmoid(fake_logits).mean().item())

    @one_at_a_time
    def train(self, n_steps: int, on_step: Callable[[StepRecord], None] | None = None) -> TrainResult:
        """Run up to `n_steps` steps, fewer if the config's limits (steps or seconds per call) say so."""
        limits = self.config.limits
        wanted = min(n_steps, limits.max_steps)
        self.generator.train()
        self.discriminator.train()
        started = time.perf_counter()
        taken, stopped_by = 0, "n_steps" if n_steps <= limits.max_steps else "max_steps"
        while taken < wanted:
            step_started = time.perf_counter()
            d_loss, g_loss, d_real, d_fake = self._step()
            self.seconds += time.perf_counter() - step_started
            taken += 1
            record = StepRecord(self.step_count + 1, d_loss, g_loss, d_real, d_fake, self.seconds)
            self.history.append(record)
            if on_step:
                on_step(record)
            if time.perf_counter() - started >= limits.max_seconds and taken < wanted:
                stopped_by = "max_seconds"
                break
        return TrainResult(taken, stopped_by, time.perf_counter() - started)

    # ---- what the page draws ----------------------------------------------

    def history_arrays(self) -> dict[str, np.ndarray]:
        """The history as one array per field of StepRecord except seconds, which no rerun reproduces."""
        return {name: np.array([getattr(r, name) for r in self.history],
                               dtype=np.int64 if name == "step" else np.float64) for name in HISTORY_FIELDS}

    @one_at_a_time
    @torch.no_grad()
    def generate(self, z) -> np.ndarray:
        """G(z) for noise `z` (n, Z) as numpy (n, data_size)."""
        self.generator.eval()
        return self.generator(torch.as_tensor(np.asarray(z), dtype=torch.float32)).numpy()


# ---- 2D points ----------------------------------------------------------------

@dataclass(frozen=True)
class PointsSnapshot:
    step: int
    real: np.ndarray  # (V, 2) fixed real samples
    fake: np.ndarray  # (V, 2) G(z) for the fixed noise
    fake_push: np.ndarray  # (V, 2) -dL_G/dx at each fake: where G's next step pushes that sample
    grid: np.ndarray  # (S,) coordinates from -BOX to BOX, the same on both axes
    d_surface: np.ndarray  # (S, S) D(x) in [0, 1] at x = (grid[col], grid[row]): rows run along y
    history: dict[str, np.ndarray]  # HISTORY_FIELDS -> (steps,)


class GanTrainer(AdversarialTrainer):
    """A GAN on one of gan_data's 2D distributions."""

    @one_at_a_time
    def snapshot(self, grid_size: int = 64) -> PointsSnapshot:
        G, D = self.generator.eval(), self.discriminator.eval()
        with torch.no_grad():
            fake = G(self.view_noise)  # (V, 2)
            grid = torch.linspace(-BOX, BOX, grid_size)  # (S,)
            ys, xs = torch.meshgrid(grid, grid, indexing="ij")  # (S, S) each
            surface = torch.sigmoid(D(torch.stack([xs.flatten(), ys.flatten()], dim=1)))  # (S*S,)
        # The same loss as G's step, summed so each sample's arrow is its own gradient, not 1/V of it.
        x = fake.clone().requires_grad_(True)
        g_loss = F.binary_cross_entropy_with_logits(D(x), torch.ones(len(x)), reduction="sum")
        (gradient,) = torch.autograd.grad(g_loss, x)  # (V, 2)
        return PointsSnapshot(self.step_count, self.view_real.numpy(), fake.numpy(), (-gradient).numpy(),
                              grid.numpy(), surface.reshape(grid_size, grid_size).numpy(), self.history_arrays())


# ---- 8x8 digits -------------------------------------------------------------

@dataclass(frozen=True)
class DigitsSnapshot:
    step: int
    real: np.ndarray  # (n, 8, 8) fixed real digits, pixels in [-1, 1] (-1 is paper, 1 is ink)
    fake: np.ndarray  # (n, 8, 8) G(z) for the fixed noise
    fake_scores: np.ndarray  # (n,) D(G(z)) in [0, 1]: how real D finds each
    history: dict[str, np.ndarray]


class DigitsGanTrainer(AdversarialTrainer):
    """A GAN on scikit-learn's 8x8 handwritten digits."""

    def __init__(self, config: GanConfig, data: Digits | None = None):
        super().__init__(config, data if data is not None else load_digits_data())

    @one_at_a_time
    def snapshot(self, n: int = 64) -> DigitsSnapshot:
        n = min(n, self.config.view_samples)
        with torch.no_grad():
            fake = self.generator.eval()(self.view_noise[:n])  # (n, 64)
            scores = torch.sigmoid(self.discriminator.eval()(fake))  # (n,)
        side = (-1, DIGIT_SIDE, DIGIT_SIDE)
        return DigitsSnapshot(self.step_count, self.view_real[:n].reshape(side).numpy(),
                              fake.reshape(side).numpy(), scores.numpy(), self.history_arrays())

    def view_z(self, index: int) -> np.ndarray:
        """The fixed noise behind the snapshot's `index`-th generated digit, (Z,)."""
        return self.view_noise[index].numpy().copy()

    @one_at_a_time
    def interpolate(self, z0, z1, steps: int = 10) -> np.ndarray:
        """G along the straight line from z0 to z1 (both (Z,)), ends included: (steps, 8, 8)."""
        z0, z1 = (torch.as_tensor(np.asarray(z), dtype=torch.float32) for z in (z0, z1))
        if z0.shape != (self.config.model.noise_size,) or z1.shape != z0.shape:
            raise ValueError(f"z0 and z1 must each hold {self.config.model.noise_size} numbers.")
        if steps < 2:
            raise ValueError("A walk needs at least 2 steps: its two ends.")
        t = torch.linspace(0, 1, steps)[:, None]  # (steps, 1)
        z = (1 - t) * z0 + t * z1  # (steps, Z); exactly z0 and z1 at the ends
        return self.generate(z).reshape(-1, DIGIT_SIDE, DIGIT_SIDE)


def tile_digits(images: np.ndarray, columns: int = 8, gap: int = 1) -> np.ndarray:
    """Digits (n, 8, 8) laid out in rows of `columns`, `gap` pixels of paper (-1) between them."""
    n = len(images)
    rows = -(-n // columns)
    cell = DIGIT_SIDE + gap
    sheet = np.full((rows * cell - gap, columns * cell - gap), -1.0, dtype=np.float32)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        sheet[r * cell:r * cell + DIGIT_SIDE, c * cell:c * cell + DIGIT_SIDE] = image
    return sheet


# ---- presets ------------------------------------------------------------------

PRESETS = {
    "ring: covers the modes": GanPreset(
        "ring: covers the modes", "ring",
        GanConfig(MODEL_PRESETS["points"], Hyperparameters(g_learning_rate=2e-3, d_learning_rate=2e-3)), 1000,
        "Both players learn at the same pace and D gets a fresh look at every step. Whenever the generator "
        "piles too many samples on one mode, the discriminator learns that spot is suspicious and pushes "
        "them on to the modes it neglects, so the samples spread until they cover all eight. "
        "All eight modes by step 800 for each of seeds 0-7."),
    "ring: mode collapse": GanPreset(
        "ring: mode collapse", "ring",
        GanConfig(MODEL_PRESETS["points"], Hyperparameters(g_learning_rate=1e-2, d_learning_rate=1e-3,
                                                           beta1=0.9)), 1000,
        "The generator learns ten times faster than the discriminator and keeps a lot of momentum. Each of "
        "its steps throws every sample towards the one spot the discriminator currently finds most real, "
        "so they all land together: the generator ignores its noise and makes one point. The discriminator "
        "then learns to reject that spot and the whole cloud jumps elsewhere, round and round: on a mode "
        "now and then, more often between modes, never on more than one at a time (seeds 0-7, steps 100-3000)."),
    "digits": GanPreset(
        "digits", "digits",
        GanConfig(MODEL_PRESETS["digits"], Hyperparameters(g_learning_rate=1e-3, d_learning_rate=1e-3,
                                                           batch_size=64), Limits(max_seconds=60.0)), 3000,
        "Two MLPs on 8x8 digits: blobs first, strokes after a few hundred steps, digit-like shapes "
        "after about 2000 steps."),
    "tiny": GanPreset("tiny", "ring", GanConfig(MODEL_PRESETS["tiny"], Hyperparameters(batch_size=16),
                                                view_samples=64), 20, "For tests: tiny networks, a few steps."),
}


def trainer_for(preset: GanPreset, data: Distribution | None = None, seed: int | None = None):
    """A fresh trainer for `preset`, on its own data or on `data` (a 2D distribution, e.g. the user's points)."""
    config = preset.config if seed is None else replace(preset.config, seed=seed)
    if preset.data == "digits":
        return DigitsGanTrainer(config)
    return GanTrainer(config, data if data is not None else DISTRIBUTIONS[preset.data])
