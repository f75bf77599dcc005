"""Synthetic monthly panels with a known answer for the effect tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

Adopt = Callable[[int], int | None]


def panel(
    *,
    units: int,
    months: int,
    adopt: Adopt,
    effect: Callable[[int], float] = lambda e: 10.0,
    trend: float = 0.0,
    seed: int = 1,
    noise: float = 3.0,
    dossiers: int = 60,
) -> tuple[pd.DataFrame, dict[int, int | None]]:
    """Return (panel, adoption): on-time rates around 70 with unit and month effects.

    An adopter's rate gains ``effect(months since adoption)`` from its
    adoption month on; ``trend`` points a month are added to adopters over
    the whole panel (a difference that predates adoption).
    """
    rng = np.random.default_rng(seed)
    unit_effect = rng.normal(70, 8, units)
    month_effect = rng.normal(0, 2, months)
    rows = []
    for u in range(units):
        g = adopt(u)
        for t in range(months):
            y = unit_effect[u] + month_effect[t] + rng.normal(0, noise)
            if g is not None:
                y += trend * (t - g)
                if t >= g:
                    y += effect(t - g)
            rows.append((u, t, y, dossiers))
    return pd.DataFrame(rows, columns=["unit", "t", "y", "w"]), {u: adopt(u) for u in range(units)}
