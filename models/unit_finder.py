"""Find units: rank hidden units by how closely they follow a feature of the input."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.recurrent_cells import CellTrace


@dataclass(frozen=True)
class UnitMatch:
    state: str  # which traced quantity ("c", "h", a gate)
    unit: int
    correlation: float  # Pearson r over the steps; its sign says which way the unit moves


def unit_correlations(values: np.ndarray, feature: np.ndarray) -> np.ndarray:
    """Pearson r of each column of `values` (T, H) with `feature` (T,); 0 where either is constant."""
    values = values - values.mean(axis=0)
    feature = feature - feature.mean()
    norms = np.linalg.norm(values, axis=0) * np.linalg.norm(feature)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = feature @ values / norms
    return np.nan_to_num(r, nan=0.0, posinf=0.0, neginf=0.0)


def rank_units(trace: CellTrace, feature: np.ndarray, states: tuple[str, ...] | None = None,
               top: int = 10) -> list[UnitMatch]:
    """The `top` units (over `states`, default all traced ones) with the largest |r|."""
    if len(feature) != trace.steps:
        raise ValueError(f"The feature has {len(feature)} values for {trace.steps} steps.")
    matches = [UnitMatch(name, unit, float(r))
               for name in (states or tuple(trace.states))
               for unit, r in enumerate(unit_correlations(trace.states[name], feature))]
    return sorted(matches, key=lambda m: -abs(m.correlation))[:top]
