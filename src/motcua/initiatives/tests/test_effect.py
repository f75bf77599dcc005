"""The stacked difference-in-differences on synthetic panels whose answer is known.

Tolerance: an estimate is accepted within 1.5 points of the true effect
(about twice its standard error with 20 adopters, 20 comparison units and
60 dossiers per unit-month).
"""

from __future__ import annotations

from unittest import mock

from django.test import SimpleTestCase, TestCase, override_settings
from django.utils import translation

from motcua.initiatives import effect
from motcua.initiatives.constants import Measure
from motcua.initiatives.effect import Cell, Cells
from motcua.initiatives.tests.synthetic import panel

TOLERANCE = 1.5


def half(month: int) -> object:
    return lambda u: month if u < 20 else None


class KnownAnswerTests(SimpleTestCase):
    def test_ten_points_on_adopters_is_reported_as_ten(self) -> None:
        for seed in (1, 2, 3):
            data, adoption = panel(units=40, months=24, adopt=half(12), seed=seed)  # type: ignore[arg-type]
            result = effect.estimate(Measure.ON_TIME, data, adoption, before=6, after=6)
            assert result.estimate is not None and result.ci_low is not None
            self.assertLess(abs(result.estimate - 10), TOLERANCE, seed)
            self.assertLess(result.ci_low, 10)
            self.assertGreater(result.ci_high, 10)
            self.assertEqual((result.adopting_units, result.comparison_units), (20, 20))
            self.assertEqual(result.dossiers, 40 * 12 * 60)
            self.assertTrue(result.verdict.startswith("nâng tỷ lệ đúng hạn"), result.verdict)
            self.assertIn(" điểm (", result.verdict)

    def test_no_effect_is_reported_as_no_measurable_effect(self) -> None:
        data, adoption = panel(units=40, months=24, adopt=half(12), effect=lambda e: 0.0, seed=3)  # type: ignore[arg-type]
        result = effect.estimate(Measure.ON_TIME, data, adoption, before=6, after=6)
        assert result.ci_low is not None and result.ci_high is not None
        self.assertLess(result.ci_low, 0)
        self.assertGreater(result.ci_high, 0)
        self.assertEqual(result.verdict, "chưa thấy tác động đo được")
        self.assertFalse(result.pretrend_flag)

    def test_a_pre_existing_trend_is_flagged(self) -> None:
        data, adoption = panel(
            units=40,
            months=24,
            adopt=half(12),
            effect=lambda e: 0.0,
            trend=1.5,
            seed=3,  # type: ignore[arg-type]
        )
        result = effect.estimate(Measure.ON_TIME, data, adoption, before=6, after=6)
        assert result.pretrend_p is not None
        self.assertLess(result.pretrend_p, 0.05)
        self.assertTrue(result.pretrend_flag)
        # The leads climb towards adoption, as the built-in trend does.
        self.assertLess(result.leads[-6], result.leads[-2])

    def test_staggered_adoption_with_growing_effects(self) -> None:
        """The stacked estimate finds the window's true effect; the naive TWFE does not.

        Cohorts adopt in months 6 and 18, four units never do; the effect grows
        by two points a month from adoption. Over the six months after
        adoption its average is 2 × 3.5 = 7 points for both cohorts; over all
        treated months it is 21. The naive two-way fixed-effects regression
        uses the early adopters as controls for the late ones and lands on
        neither.
        """

        def adopt(u: int) -> int | None:
            return 6 if u < 15 else (18 if u < 30 else None)

        data, adoption = panel(
            units=34, months=30, adopt=adopt, effect=lambda e: 2.0 * (e + 1), seed=3
        )
        window_truth = 2.0 * sum(e + 1 for e in range(6)) / 6
        treated = [(t - g) for u, g in adoption.items() if g is not None for t in range(g, 30)]
        overall_truth = sum(2.0 * (e + 1) for e in treated) / len(treated)
        stacked = effect.estimate(Measure.ON_TIME, data, adoption, before=6, after=6)
        naive = effect.twfe(data, adoption)
        assert (
            stacked.estimate is not None
            and stacked.ci_low is not None
            and stacked.ci_high is not None
        )
        self.assertLess(abs(stacked.estimate - window_truth), TOLERANCE)
        self.assertTrue(stacked.ci_low < window_truth < stacked.ci_high)
        self.assertEqual(stacked.stacks, 2)
        self.assertFalse(stacked.ci_low < naive < stacked.ci_high, naive)
        self.assertGreater(abs(naive - window_truth), 3)
        self.assertGreater(abs(naive - overall_truth), 3)

    def test_already_treated_units_are_never_controls(self) -> None:
        def adopt(u: int) -> int | None:
            return 6 if u < 3 else (10 if u < 6 else None)

        data, adoption = panel(units=9, months=20, adopt=adopt)
        stacked = effect.stack(data, adoption, before=4, after=4)
        late = stacked[stacked["stack"] == 10]
        # In the late cohort's window (months 6–13) the early adopters are treated: excluded.
        self.assertEqual(sorted(late["unit"].unique()), [3, 4, 5, 6, 7, 8])
        early = stacked[stacked["stack"] == 6]
        # The late adopters are not yet treated until month 9, the early window's end.
        self.assertEqual(
            sorted(early.loc[early["treated"] == 0, "unit"].unique()), [3, 4, 5, 6, 7, 8]
        )


class VerdictTests(SimpleTestCase):
    def base(self, **values: object) -> dict[str, object]:
        return {
            "estimate": 8.2,
            "ci_low": 3.1,
            "ci_high": 13.4,
            "dossiers": 5000,
            "adopting_units": 5,
            "comparison_units": 9,
        } | values

    def test_wording(self) -> None:
        self.assertEqual(
            effect.verdict(Measure.ON_TIME, self.base()), "nâng tỷ lệ đúng hạn 8 điểm (3 đến 13)"
        )
        self.assertEqual(
            effect.verdict(Measure.ON_TIME, self.base(estimate=-8.2, ci_low=-13.4, ci_high=-3.1)),
            "giảm tỷ lệ đúng hạn 8 điểm (3 đến 13)",
        )
        self.assertEqual(
            effect.verdict(
                Measure.WORKING_DAYS, self.base(estimate=-1.26, ci_low=-1.9, ci_high=-0.5)
            ),
            "rút ngắn thời gian giải quyết bình quân 1,3 ngày (0,5 đến 1,9)",
        )
        self.assertEqual(
            effect.verdict(Measure.ONLINE, self.base(ci_low=-1.0)), "chưa thấy tác động đo được"
        )

    def test_round_numbers_keep_their_zeros(self) -> None:
        self.assertEqual(
            effect.verdict(Measure.ON_TIME, self.base(estimate=9.69, ci_low=7.4, ci_high=11.98)),
            "nâng tỷ lệ đúng hạn 10 điểm (7 đến 12)",
        )

    @override_settings(MOTCUA_INITIATIVES_EFFECT_MIN_DOSSIERS=10_000)
    def test_too_few_dossiers(self) -> None:
        self.assertEqual(effect.verdict(Measure.ON_TIME, self.base()), "quá ít hồ sơ để kết luận")
        self.assertEqual(
            effect.verdict(Measure.ON_TIME, self.base(estimate=None)), "quá ít hồ sơ để kết luận"
        )


class CachedEstimateTests(TestCase):
    """The regressions are fitted once per distinct input, and again when anything changes."""

    def cells(self) -> Cells:
        start = 2025 * 12
        return {
            (unit, start + month): Cell(
                received=40, received_online=10 + unit, finished=40, finished_on_time=30 + month % 3
            )
            for unit in range(1, 7)
            for month in range(18)
        }

    def test_the_same_sums_are_not_fitted_twice(self) -> None:
        adoption: dict[int, int | None] = {
            u: (2025 * 12 + 9 if u <= 3 else None) for u in range(1, 7)
        }
        cells = self.cells()
        with mock.patch.object(effect, "estimate", wraps=effect.estimate) as fitted:
            first = effect.estimates_of(cells, adoption)
            self.assertEqual(fitted.call_count, len(Measure.values))
            again = effect.estimates_of(self.cells(), dict(adoption))
            self.assertEqual(fitted.call_count, len(Measure.values))
            self.assertEqual(again, first)
            cells[(1, 2025 * 12 + 17)].finished_on_time += 5  # one more dossier on time
            effect.estimates_of(cells, adoption)
            self.assertEqual(fitted.call_count, 2 * len(Measure.values))
            effect.estimates_of(cells, {**adoption, 4: 2025 * 12 + 12})  # a new replication
            self.assertEqual(fitted.call_count, 3 * len(Measure.values))
            with translation.override("en"):
                english = effect.estimates_of(cells, adoption)
            self.assertEqual(fitted.call_count, 4 * len(Measure.values))
            self.assertNotEqual(english[0].verdict, effect.estimates_of(cells, adoption)[0].verdict)

    def test_an_outcome_that_never_varies_has_no_p_value_rather_than_nan(self) -> None:
        adoption: dict[int, int | None] = {
            u: (2025 * 12 + 9 if u <= 3 else None) for u in range(1, 7)
        }
        days = effect.estimates_of(self.cells(), adoption)[
            Measure.values.index(Measure.WORKING_DAYS)
        ]
        self.assertEqual((days.estimate, days.p_value), (0.0, None))
