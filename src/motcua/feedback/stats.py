"""Survey indices (SIPAS-style, DOMAIN.md §6) with their sample sizes and 95% intervals.

- Aspect index: the share of respondents who answered the aspect with a
  "satisfied" level (the questionnaire's ``satisfied``, e.g. 4 and 5).
  Its interval is Wilson's score interval, which stays inside 0–1 and
  behaves for small samples and shares near 0 or 1 (where the plain
  normal interval does not).
- Overall index, by the questionnaire's ``overall_method``:
  ``mean_of_aspects`` — the mean of the aspect indices; its interval is
  the mean ± 1.96 standard errors of the respondents' own shares of
  satisfied aspects (answers of one person are correlated, so the aspects
  are not independent samples); ``overall_item`` — the share satisfied on
  the overall question, with Wilson's interval.

Pure functions over plain data: no Django here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054
"""The standard normal quantile of 0.975."""


@dataclass(frozen=True)
class Estimate:
    key: str
    name: str
    value: float | None
    n: int
    low: float | None
    high: float | None

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "name": self.name,
            "index": self.value,
            "sample_size": self.n,
            "ci_low": self.low,
            "ci_high": self.high,
        }


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Return Wilson's score interval of ``successes`` out of ``n``."""
    if n <= 0:
        raise ValueError("n must be positive")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def _proportion(key: str, name: str, levels: Iterable[int | None], satisfied: set[int]) -> Estimate:
    answered = [level for level in levels if level is not None]
    n = len(answered)
    if n == 0:
        return Estimate(key, name, None, 0, None, None)
    hits = sum(1 for level in answered if level in satisfied)
    low, high = wilson(hits, n)
    return Estimate(key, name, hits / n, n, low, high)


def survey_indices(
    definition: Mapping[str, object],
    answers: Sequence[Mapping[str, object]],
    *,
    overall_method: str = "mean_of_aspects",
) -> tuple[list[Estimate], Estimate]:
    """Return the aspect estimates and the overall one for ``answers``.

    Each answer is ``{"aspects": {key: level or None}, "overall": level or None}``.
    """
    satisfied = {int(v) for v in definition.get("satisfied", [4, 5])}  # type: ignore[attr-defined]
    aspects = list(definition.get("aspects", []))  # type: ignore[call-overload]
    estimates = [
        _proportion(
            a["key"],
            a["name"],
            (_level(ans.get("aspects", {}), a["key"]) for ans in answers),
            satisfied,
        )
        for a in aspects
    ]
    if overall_method == "overall_item":
        overall = _proportion(
            "overall", "overall", (_as_level(ans.get("overall")) for ans in answers), satisfied
        )
        return estimates, overall
    shares = []
    for ans in answers:
        levels = [_level(ans.get("aspects", {}), a["key"]) for a in aspects]
        given = [level for level in levels if level is not None]
        if given:
            shares.append(sum(1 for level in given if level in satisfied) / len(given))
    known = [e.value for e in estimates if e.value is not None]
    n = len(shares)
    if not known or n == 0:
        return estimates, Estimate("overall", "overall", None, 0, None, None)
    value = sum(known) / len(known)
    if n > 1:
        mean = sum(shares) / n
        sd = math.sqrt(sum((s - mean) ** 2 for s in shares) / (n - 1))
        half = Z95 * sd / math.sqrt(n)
    else:
        half = 1.0
    return estimates, Estimate(
        "overall", "overall", value, n, max(0.0, value - half), min(1.0, value + half)
    )


def _as_level(value: object) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        level = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return level if 1 <= level <= 5 else None


def _level(aspects: object, key: str) -> int | None:
    if not isinstance(aspects, Mapping):
        return None
    return _as_level(aspects.get(key))
