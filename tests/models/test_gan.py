"""The GAN lab's data, trainer and presets.

Oracles: a bare PyTorch loop written out plainly (benchmarks.gan.bare_steps) for
the trainer's updates, central finite differences in float64 for the
generator's push, and the chi-square law of a 2D Gaussian for the coverage score.
"""

import copy
import math
import threading
from dataclasses import replace

import numpy as np
import pytest
import torch

from benchmarks.gan import bare_steps
from models.gan_data import (BOX, DISTRIBUTIONS, EXTENT, MAX_USER_POINTS, RING_SIGMA, load_digits_data,
                             mode_coverage, ring_modes, user_points)
from models.gan_models import MlpGanConfig
from models.gan_training import (PRESETS, DigitsGanTrainer, GanConfig, GanTrainer, Hyperparameters, Limits,
                                 StepRecord, tile_digits, trainer_for)

RING = DISTRIBUTIONS["ring"]
TINY = PRESETS["tiny"].config
TINY_DIGITS = GanConfig(MlpGanConfig(data_size=64, noise_size=4, hidden_size=16, depth=1, bounded=True),
                        Hyperparameters(batch_size=16), view_samples=32)


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    # Two threads on networks this small spend their time waiting on each other: on a busy 2-core
    # machine a step took 15x longer than on one thread, and the preset tests ran into max_seconds.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def tiny_trainer(seed: int = 0, **config_changes) -> GanTrainer:
    return GanTrainer(replace(TINY, seed=seed, **config_changes), RING)


def weights(module: torch.nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in module.parameters()]


def same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a, b))


# ---- data -------------------------------------------------------------------

@pytest.mark.parametrize("name", list(DISTRIBUTIONS))
def test_distributions_are_seeded_and_inside_the_box(name):
    distribution = DISTRIBUTIONS[name]
    points = distribution.points(2000, seed=3)
    assert points.shape == (2000, 2) and points.dtype == np.float32
    assert np.array_equal(points, distribution.points(2000, seed=3))
    assert not np.array_equal(points, distribution.points(2000, seed=4))
    assert np.abs(points).max() < BOX
    assert np.quantile(np.linalg.norm(points, axis=1), 0.99) < EXTENT + 3 * RING_SIGMA


def test_coverage_of_real_ring_samples_matches_the_gaussian_law():
    # Within 3 sigma of a 2D Gaussian's centre lies 1 - exp(-9/2) = 98.9% of its mass.
    coverage = mode_coverage(RING.points(20_000, seed=0), RING)
    assert coverage.modes_covered == 8 and coverage.fraction == 1.0
    assert coverage.good_share == pytest.approx(1 - math.exp(-4.5), abs=0.005)
    np.testing.assert_allclose(coverage.mode_shares, (1 - math.exp(-4.5)) / 8, atol=0.01)


def test_coverage_counts_a_mode_only_with_a_fair_share_of_samples():
    modes = ring_modes()
    all_on_one = np.repeat(modes[:1], 400, axis=0)
    assert mode_coverage(all_on_one, RING).modes_covered == 1
    for second, covered in ((12, 1), (13, 2)):  # a quarter of 1/8 of 400 samples is 12.5
        lopsided = np.concatenate([np.repeat(modes[:1], 400 - second, axis=0), np.repeat(modes[1:2], second, axis=0)])
        assert mode_coverage(lopsided, RING).modes_covered == covered
    assert mode_coverage(np.zeros((100, 2)), RING).good_share == 0.0
    with pytest.raises(ValueError, match="no modes"):
        mode_coverage(all_on_one, DISTRIBUTIONS["moons"])


def test_user_points_are_scaled_into_the_presets_box_keeping_proportions():
    rng = np.random.default_rng(0)
    drawn = np.column_stack([rng.uniform(100, 500, 300), rng.uniform(40, 240, 300)])  # 400 wide, 200 high
    points = user_points(drawn).points(5000, seed=1)
    width, height = np.ptp(points, axis=0)
    assert width == pytest.approx(2 * EXTENT, rel=1e-3) and height == pytest.approx(width / 2, rel=0.02)
    assert np.abs(points).max() <= EXTENT + 1e-5
    low, high = drawn.min(axis=0), drawn.max(axis=0)
    expected = (drawn - (low + high) / 2) * (2 * EXTENT / (high - low)[0])  # (300, 2)
    assert np.linalg.norm(points[:, None] - expected[None], axis=2).min(axis=1).max() < 1e-5  # resampled, not new


@pytest.mark.parametrize("points, message", [
    (np.zeros((50, 3)), "two columns"),
    (np.zeros(50), "two columns"),
    ([["a", "b"]] * 30, "must be numbers"),
    (np.vstack([np.random.default_rng(0).normal(size=(40, 2)), [[np.nan, 1.0]]]), "1 point"),
    (np.random.default_rng(0).normal(size=(5, 2)), "between 20 and 5000 points; got 5"),
    (np.random.default_rng(0).normal(size=(MAX_USER_POINTS + 1, 2)), "random subset"),
    (np.ones((30, 2)), "same place"),
])
def test_user_points_errors_say_what_to_fix(points, message):
    with pytest.raises(ValueError, match=message):
        user_points(points)


def test_digits_are_the_8x8_set_scaled_to_plus_minus_one():
    digits = load_digits_data()
    assert digits.images.shape == (1797, 64) and digits.labels.shape == (1797,)
    assert digits.images.min() == -1 and digits.images.max() == 1
    assert set(digits.labels.tolist()) == set(range(10))


# ---- the trainer --------------------------------------------------------------

def test_trainer_matches_a_bare_pytorch_loop_bit_for_bit():
    trainer = tiny_trainer(seed=2)
    trainer.set_hyperparameters(d_steps=2, g_learning_rate=3e-3)
    G, D = bare_steps(trainer, 15)
    trainer.train(15)
    assert same(weights(trainer.generator), weights(G)) and same(weights(trainer.discriminator), weights(D))


def test_same_seed_gives_bit_identical_snapshots_and_reset_replays():
    first, second = tiny_trainer(seed=5), tiny_trainer(seed=5)
    first.train(40)
    second.train(25)
    second.train(15)  # split calls step the same run
    a, b = first.snapshot(16), second.snapshot(16)
    for field in ("real", "fake", "fake_push", "grid", "d_surface"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    for name in a.history:
        assert np.array_equal(a.history[name], b.history[name]), name
    first.reset(seed=6)
    first.train(40)
    assert not np.array_equal(first.snapshot(16).fake, a.fake)
    first.reset(seed=5)
    first.train(40)
    assert np.array_equal(first.snapshot(16).fake, a.fake) and first.step_count == 40


def test_snapshots_taken_while_another_thread_trains_never_fail():
    # Streamlit starts a click's run in a new thread while the old run may still be training.
    trainer, errors = tiny_trainer(seed=1), []
    training = threading.Thread(target=lambda: trainer.train(300))
    training.start()
    while training.is_alive():
        try:
            trainer.snapshot(16)
        except RuntimeError as error:  # "modified by an inplace operation" without the trainer's lock
            errors.append(error)
    training.join()
    assert not errors and trainer.step_count == 300


def test_snapshot_shapes_and_discriminator_surface_in_unit_interval():
    trainer = tiny_trainer()
    trainer.train(30)
    view = trainer.snapshot(grid_size=21)
    assert view.real.shape == view.fake.shape == view.fake_push.shape == (TINY.view_samples, 2)
    assert view.grid.shape == (21,) and view.grid[0] == -BOX and view.grid[-1] == BOX
    assert view.d_surface.shape == (21, 21)
    assert 0 <= view.d_surface.min() and view.d_surface.max() <= 1
    assert view.step == 30 and list(view.history["step"]) == list(range(1, 31))
    # Row i, column j is D at (x, y) = (grid[j], grid[i]).
    with torch.no_grad():
        at = torch.sigmoid(trainer.discriminator(torch.tensor([[view.grid[3], view.grid[17]]])))
    assert view.d_surface[17, 3] == pytest.approx(at.item(), abs=1e-6)


def test_push_is_minus_the_gradient_of_the_generator_loss():
    trainer = tiny_trainer()
    trainer.train(30)
    view = trainer.snapshot(8)
    D = copy.deepcopy(trainer.discriminator).double()

    def loss(x):  # -log D(x) of each sample, float64
        with torch.no_grad():
            return torch.nn.functional.softplus(-D(torch.from_numpy(x))).numpy()

    eps, fake = 1e-6, view.fake.astype(np.float64)
    numeric = np.stack([(loss(fake + eps * e) - loss(fake - eps * e)) / (2 * eps) for e in np.eye(2)], axis=1)
    np.testing.assert_allclose(view.fake_push, -numeric, rtol=1e-3, atol=1e-5)


def test_hyperparameters_changed_between_calls_take_effect():
    trainer = tiny_trainer()
    trainer.train(3)
    g_before, d_before = weights(trainer.generator), weights(trainer.discriminator)
    trainer.set_hyperparameters(g_learning_rate=0.0, d_steps=3)
    trainer.train(2)
    assert same(weights(trainer.generator), g_before)  # a learning rate of 0 freezes G
    assert not same(weights(trainer.discriminator), d_before)
    first = next(iter(trainer.discriminator.parameters()))
    assert trainer.d_optimizer.state[first]["step"] == 3 * 1 + 2 * 3  # D updates: 1 per step, then 3
    trainer.set_hyperparameters(g_learning_rate=1e-3)
    trainer.train(1)
    assert not same(weights(trainer.generator), g_before)
    assert trainer.hyper == Hyperparameters(g_learning_rate=1e-3, d_steps=3, batch_size=16)


def test_bad_hyperparameters_are_refused_with_the_fix():
    trainer = tiny_trainer()
    with pytest.raises(ValueError, match="choose from"):
        trainer.set_hyperparameters(noise_size=3)
    with pytest.raises(ValueError, match="0 or more"):
        trainer.set_hyperparameters(d_learning_rate=-1)
    with pytest.raises(ValueError, match="at least 1"):
        trainer.set_hyperparameters(d_steps=0)


def test_limits_stop_a_call_and_steps_are_reported():
    records = []
    trainer = tiny_trainer(limits=Limits(max_steps=7, max_seconds=60))
    result = trainer.train(100, on_step=records.append)
    assert (result.steps, result.stopped_by) == (7, "max_steps")
    assert [r.step for r in records] == list(range(1, 8)) and all(isinstance(r, StepRecord) for r in records)
    assert all(0 <= r.d_real <= 1 and 0 <= r.d_fake <= 1 and r.d_loss > 0 for r in records)
    assert records[-1].seconds >= records[0].seconds > 0
    assert trainer.train(3).stopped_by == "n_steps" and trainer.step_count == 10

    slow = tiny_trainer(limits=Limits(max_steps=10**6, max_seconds=0.2))
    result = slow.train(10**6)
    assert result.stopped_by == "max_seconds" and 0 < result.steps < 10**6 and result.seconds < 2


# ---- the presets: coverage and collapse ---------------------------------------

STEPS = 800  # the covering preset covers all eight modes by here for each of seeds 0-7


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_covering_preset_covers_the_ring(seed):
    trainer = trainer_for(PRESETS["ring: covers the modes"], seed=seed)
    assert trainer.train(STEPS).stopped_by == "n_steps"
    coverage = mode_coverage(trainer.snapshot(8).fake, RING)
    assert coverage.modes_covered >= 6 and coverage.good_share > 0.3, coverage


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_collapse_preset_collapses(seed):
    trainer = trainer_for(PRESETS["ring: mode collapse"], seed=seed)
    assert trainer.train(STEPS).stopped_by == "n_steps"
    view = trainer.snapshot(8)
    assert mode_coverage(view.fake, RING).modes_covered <= 3
    assert view.fake.std(axis=0).mean() < 0.5 * view.real.std(axis=0).mean()  # the samples huddle together


def test_presets_are_named_and_explained():
    for name, preset in PRESETS.items():
        assert preset.name == name and len(preset.explanation) > 20 and preset.steps > 0
        assert preset.data in DISTRIBUTIONS or preset.data == "digits"


# ---- digits -------------------------------------------------------------------

@pytest.fixture(scope="module")
def digits_trainer():
    trainer = DigitsGanTrainer(TINY_DIGITS)
    trainer.train(20)
    return trainer


def test_digits_snapshot_shapes_and_ranges(digits_trainer):
    view = digits_trainer.snapshot(12)
    assert view.fake.shape == view.real.shape == (12, 8, 8) and view.fake_scores.shape == (12,)
    assert -1 <= view.fake.min() and view.fake.max() <= 1 and -1 <= view.real.min() and view.real.max() <= 1
    assert 0 <= view.fake_scores.min() and view.fake_scores.max() <= 1
    assert view.step == 20 and len(view.history["g_loss"]) == 20
    assert tile_digits(view.fake, columns=5).shape == (3 * 9 - 1, 5 * 9 - 1)


def test_latent_walk_ends_at_the_generator_of_its_ends(digits_trainer):
    z0, z1 = digits_trainer.view_z(0), digits_trainer.view_z(1)
    walk = digits_trainer.interpolate(z0, z1, steps=7)
    assert walk.shape == (7, 8, 8)
    ends = digits_trainer.generate(np.stack([z0, z1])).reshape(2, 8, 8)
    np.testing.assert_allclose(walk[[0, -1]], ends, atol=1e-6)
    np.testing.assert_allclose(walk[0], digits_trainer.snapshot(1).fake[0], atol=1e-6)
    assert not np.allclose(walk[3], walk[0])
    with pytest.raises(ValueError, match="4 numbers"):
        digits_trainer.interpolate(z0[:2], z1)


def test_points_from_csv_reads_a_header_and_says_what_is_wrong():
    import pytest as _pytest

    from models.gan_data import points_from_csv

    assert points_from_csv(b"x,y\n1,2\n3.5,-4\n").tolist() == [[1.0, 2.0], [3.5, -4.0]]
    assert points_from_csv(b"1,2\n\n3,4\n").shape == (2, 2)
    with _pytest.raises(ValueError, match="Row 3"):
        points_from_csv(b"x,y\n1,2\nfoo,bar\n")
    with _pytest.raises(ValueError, match="UTF-8"):
        points_from_csv(b"\xff\xfe1,2")
