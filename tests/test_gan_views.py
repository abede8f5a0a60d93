"""The GAN lab's chart thinning and its time-bounded training slice, against plain oracles."""

import math
from types import SimpleNamespace

import numpy as np

from components.gan_panels import train_for_at_most
from components.gan_views import thinned


def test_a_long_history_is_averaged_in_runs_of_consecutive_steps():
    steps = 2_500
    rng = np.random.default_rng(0)
    history = {"step": np.arange(1, steps + 1), "d_loss": rng.normal(size=steps), "d_fake": rng.uniform(size=steps)}
    shown = thinned(history, most=1000)
    run = 3  # the fewest steps per point that leave at most 1000 points
    assert len(shown["step"]) == math.ceil(steps / run) <= 1000
    for key in ("d_loss", "d_fake"):
        padded = np.append(history[key], [np.nan] * (-steps % run)).reshape(-1, run)  # the last run is short
        np.testing.assert_allclose(shown[key], np.nanmean(padded, axis=1))
    np.testing.assert_array_equal(shown["step"][:-1], history["step"][run - 1:-1:run])
    assert shown["step"][-1] == steps


def test_a_short_history_is_shown_as_it_is():
    history = {"step": np.arange(1, 11), "g_loss": np.linspace(0, 1, 10)}
    assert thinned(history, most=10) is history


class CountingTrainer:
    def __init__(self, most: int = 10**9):
        self.calls, self.most = [], most

    def train(self, n):
        taken = min(n, self.most - sum(self.calls))
        self.calls.append(taken)
        return SimpleNamespace(steps=taken)


def test_a_slice_trains_all_its_steps_in_chunks_when_time_allows():
    trainer = CountingTrainer()
    assert train_for_at_most(trainer, 25, seconds=math.inf, chunk=10) == 25 and trainer.calls == [10, 10, 5]


def test_a_slice_out_of_time_stops_after_its_first_chunk():
    trainer = CountingTrainer()
    assert train_for_at_most(trainer, 50, seconds=0.0, chunk=10) == 10 and trainer.calls == [10]


def test_a_slice_stops_when_the_trainer_takes_no_more_steps():
    trainer = CountingTrainer(most=12)
    assert train_for_at_most(trainer, 50, seconds=math.inf, chunk=10) == 12 and trainer.calls == [10, 2, 0]
