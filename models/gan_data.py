"""What the GAN lab's generator learns to imitate: 2D point clouds and 8x8 handwritten digits.

Every 2D distribution lives in the same box, [-BOX, BOX] on both axes, with
its points within EXTENT of the centre, so one discriminator heatmap over the
box frames them all. Sampling takes a torch.Generator, so a seed fixes every
batch a trainer draws.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

BOX = 2.0  # the view and the discriminator's heatmap cover [-BOX, BOX] x [-BOX, BOX]
EXTENT = 1.5  # points of every distribution lie (almost all) within this radius of the centre; the rest is margin
MIN_USER_POINTS, MAX_USER_POINTS = 20, 5000
RING_MODES, RING_SIGMA = 8, 0.1  # adjacent ring modes are 2 * EXTENT * sin(pi / 8) = 1.15 apart, 11 sigma


@dataclass(frozen=True)
class Distribution:
    """A 2D distribution to imitate. `modes` (K, 2) and `sigma` are set when it is a mixture of Gaussians."""
    name: str
    description: str
    draw: Callable[[int, torch.Generator], torch.Tensor]  # (n, generator) -> (n, 2)
    modes: np.ndarray | None = None
    sigma: float | None = None

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        return self.draw(n, generator)  # (n, 2)

    def points(self, n: int, seed: int = 0) -> np.ndarray:
        """`n` points as numpy, the same for the same seed: for previews."""
        return self.sample(n, torch.Generator().manual_seed(seed)).numpy()  # (n, 2)


# ---- the presets ------------------------------------------------------------

def ring_modes(k: int = RING_MODES) -> np.ndarray:
    angles = 2 * np.pi * np.arange(k) / k
    return (EXTENT * np.stack([np.cos(angles), np.sin(angles)], axis=1)).astype(np.float32)  # (K, 2)


def _ring(n: int, generator: torch.Generator) -> torch.Tensor:
    modes = torch.from_numpy(ring_modes())  # (K, 2)
    which = torch.randint(len(modes), (n,), generator=generator)  # (n,)
    return modes[which] + RING_SIGMA * torch.randn(n, 2, generator=generator)  # (n, 2)


def _moons(n: int, generator: torch.Generator) -> torch.Tensor:
    # The two interleaved half circles of sklearn's make_moons, centred and scaled into the box.
    t = math.pi * torch.rand(n, generator=generator)  # (n,)
    upper = torch.rand(n, generator=generator) < 0.5  # (n,)
    x = torch.where(upper, torch.cos(t), 1 - torch.cos(t)) - 0.5
    y = torch.where(upper, torch.sin(t), 0.5 - torch.sin(t)) - 0.25
    points = torch.stack([x, y], dim=1) * (EXTENT / 1.5)  # (n, 2); the moons span x in [-1.5, 1.5]
    return points + 0.05 * torch.randn(n, 2, generator=generator)


def _line(n: int, generator: torch.Generator) -> torch.Tensor:
    t = (2 * torch.rand(n, generator=generator) - 1) * EXTENT / math.sqrt(2)  # (n,), so the ends sit at EXTENT
    return torch.stack([t, t], dim=1) + 0.03 * torch.randn(n, 2, generator=generator)  # (n, 2)


def _spiral(n: int, generator: torch.Generator) -> torch.Tensor:
    # Archimedes' spiral r = a * theta over two turns; uniform in theta, so the inner turn is denser.
    theta = 4 * math.pi * torch.rand(n, generator=generator)  # (n,)
    r = EXTENT * theta / (4 * math.pi)
    points = torch.stack([r * torch.cos(theta), r * torch.sin(theta)], dim=1)  # (n, 2)
    return points + 0.04 * torch.randn(n, 2, generator=generator)


DISTRIBUTIONS = {
    "ring": Distribution("ring", f"{RING_MODES} Gaussians on a circle: the classic test of mode collapse.",
                         _ring, ring_modes(), RING_SIGMA),
    "moons": Distribution("moons", "Two interleaved half circles.", _moons),
    "line": Distribution("line", "A thin diagonal line: all the data on one dimension.", _line),
    "spiral": Distribution("spiral", "Two turns of a spiral: close arms the generator must keep apart.", _spiral),
}


# ---- the user's own points --------------------------------------------------

def user_points(points, name: str = "your points") -> Distribution:
    """A distribution resampling the points a user drew or uploaded, moved and scaled into the presets' box.

    `points` is anything numpy reads as an (N, 2) array of x, y. Raises ValueError with what to fix.
    """
    try:
        array = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("Points must be numbers: two columns, x and y, one point per row.") from None
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"Points must be two columns, x and y, one point per row; got an array of shape "
                         f"{array.shape}.")
    if not np.isfinite(array).all():
        bad = int((~np.isfinite(array)).any(axis=1).sum())
        raise ValueError(f"{bad} point(s) have a missing, infinite or NaN coordinate; remove them and try again.")
    if not MIN_USER_POINTS <= len(array) <= MAX_USER_POINTS:
        raise ValueError(f"Give between {MIN_USER_POINTS} and {MAX_USER_POINTS} points; got {len(array)}. "
                         + ("Add more rows to the CSV." if len(array) < MIN_USER_POINTS
                            else "Keep a random subset of the rows."))
    low, high = array.min(axis=0), array.max(axis=0)
    spread = float((high - low).max())
    if spread == 0 or not np.isfinite(spread):
        raise ValueError("All points are at the same place; spread them out so there is a shape to learn.")
    # One scale for both axes keeps the shape's proportions; the longer side spans [-EXTENT, EXTENT].
    normalised = torch.from_numpy(((array - (low + high) / 2) * (2 * EXTENT / spread)).astype(np.float32))

    def draw(n: int, generator: torch.Generator) -> torch.Tensor:
        return normalised[torch.randint(len(normalised), (n,), generator=generator)]  # (n, 2)

    return Distribution(name, f"{len(array)} points of your own, resampled.", draw)


# ---- how much of the ring a generator covers --------------------------------

@dataclass(frozen=True)
class ModeCoverage:
    modes_covered: int  # modes holding at least `min_share` of the samples within `radius` of them
    modes: int
    good_share: float  # share of samples within `radius` of some mode
    mode_shares: np.ndarray  # (K,) share of all samples near each mode; 1 / K each when perfect

    @property
    def fraction(self) -> float:
        return self.modes_covered / self.modes


def mode_coverage(samples: np.ndarray, distribution: Distribution, sigmas: float = 3.0,
                  min_share: float = 0.25) -> ModeCoverage:
    """Coverage of a mixture's modes by `samples` (N, 2): a mode counts once it holds at least
    `min_share` of its fair share (1 / K) of the samples, counting those within `sigmas` sigma."""
    if distribution.modes is None:
        raise ValueError(f"{distribution.name!r} has no modes to cover; coverage is defined for the ring.")
    modes = distribution.modes
    distances = np.linalg.norm(samples[:, None, :] - modes[None, :, :], axis=2)  # (N, K)
    near = distances.min(axis=1) <= sigmas * distribution.sigma  # (N,)
    nearest = distances.argmin(axis=1)  # (N,)
    shares = np.bincount(nearest[near], minlength=len(modes)) / len(samples)  # (K,)
    covered = int((shares >= min_share / len(modes)).sum())
    return ModeCoverage(covered, len(modes), float(near.mean()), shares)


# ---- 8x8 digits --------------------------------------------------------------

DIGIT_SIDE = 8


@lru_cache(maxsize=1)
def _digits() -> tuple[torch.Tensor, torch.Tensor]:
    from sklearn.datasets import load_digits  # ships with scikit-learn: no download

    digits = load_digits()
    images = torch.tensor(digits.data, dtype=torch.float32) / 8 - 1  # (1797, 64), ink 0..16 -> [-1, 1]
    return images, torch.tensor(digits.target)


@dataclass(frozen=True)
class Digits:
    """The 1797 8x8 handwritten digits of scikit-learn (UCI), flattened row by row and scaled to [-1, 1]."""
    images: torch.Tensor  # (N, 64)
    labels: torch.Tensor  # (N,)
    name: str = "digits"

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        return self.images[torch.randint(len(self.images), (n,), generator=generator)]  # (n, 64)


def load_digits_data() -> Digits:
    images, labels = _digits()
    return Digits(images, labels)


def points_from_csv(data: bytes, max_bytes: int = 1_000_000) -> np.ndarray:
    """x, y rows of an uploaded CSV (an optional header row first) as an (N, 2) array; ValueError says what to fix."""
    if len(data) > max_bytes:
        raise ValueError(f"The file has {len(data):,} bytes; at most {max_bytes:,} are read. Send fewer points.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("The file is not UTF-8 text; save it as a plain CSV.") from None
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    points = []
    for number, row in enumerate(rows, start=1):
        try:
            points.append([float(row[0]), float(row[1])])
        except (ValueError, IndexError):
            if number == 1:
                continue  # a header row such as "x,y"
            raise ValueError(f"Row {number} is not two numbers x,y: {','.join(row)[:60]!r}.") from None
    return np.array(points, dtype=float).reshape(-1, 2)
