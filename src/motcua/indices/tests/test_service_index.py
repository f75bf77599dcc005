"""The QĐ 766-style index on hand-built data sets whose scores are worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.test import TestCase

from motcua.catalog.models import ProcedureVersion
from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.feedback.services.evaluations import evaluation_submit
from motcua.indices.definitions import GROUPS
from motcua.indices.models import (
    EnteredFigure,
    IndexVersion,
    Indicator,
    IndicatorGroup,
    RatingBand,
)
from motcua.indices.periods import period_parse
from motcua.indices.rollups import rollups_refresh
from motcua.indices.selectors import score_of, service_drilldown, service_index
from motcua.indices.tests.helpers import World, at, dossier

D = Decimal
NOW = at(2026, 4, 10, 9)


def march_data(w: World) -> dict[str, object]:
    """The March 2026 data set of the tests below (see the module's worked figures).

    Phường Ngã Bảy (ward): A early, B late, E finished in March (received in
    February) on time; C overdue, D within time, F paused past its due.
    Phường Đại Thành (other_ward): G late; H (online), I, J, K on time.
    ``pause_version`` is offered fully online; ``restart_version`` partly.
    Ratings given in March: A dissatisfied, E very satisfied, H satisfied.
    """
    full, partial = w.pause_version, w.restart_version
    ward, other = w.ward, w.other_ward
    rows = {
        "A": dossier(
            ward,
            full,
            received=at(2026, 3, 2),
            due=at(2026, 3, 5, 17),
            finished=at(2026, 3, 4),
            timeliness="early",
            returned=at(2026, 3, 4, 10),
        ),
        "B": dossier(
            ward,
            partial,
            received=at(2026, 3, 3),
            due=at(2026, 3, 10, 17),
            finished=at(2026, 3, 20),
            timeliness="late",
        ),
        "E": dossier(
            ward,
            partial,
            received=at(2026, 2, 10),
            due=at(2026, 3, 3, 17),
            finished=at(2026, 3, 3),
            timeliness="on_time",
            returned=at(2026, 3, 3, 14),
        ),
        "C": dossier(
            ward, partial, received=at(2026, 3, 5), due=at(2026, 3, 10, 17), status="in_progress"
        ),
        "D": dossier(
            ward,
            full,
            received=at(2026, 3, 25),
            due=at(2026, 4, 20, 17),
            status="in_progress",
            channel="online",
        ),
        "F": dossier(
            ward,
            full,
            received=at(2026, 3, 26),
            due=at(2026, 3, 30, 17),
            status="awaiting_supplement",
            channel="online",
        ),
        "G": dossier(
            other,
            partial,
            received=at(2026, 3, 2),
            due=at(2026, 3, 5, 17),
            finished=at(2026, 3, 9),
            timeliness="late",
        ),
        "H": dossier(
            other,
            full,
            received=at(2026, 3, 4),
            due=at(2026, 3, 9, 17),
            finished=at(2026, 3, 5),
            timeliness="early",
            channel="online",
            returned=at(2026, 3, 5, 10),
        ),
    }
    for name in "IJK":
        rows[name] = dossier(
            other,
            full,
            received=at(2026, 3, 6),
            due=at(2026, 3, 11, 17),
            finished=at(2026, 3, 6),
            timeliness="early",
        )
    for name, level, day in (
        ("A", "dissatisfied", 5),
        ("E", "very_satisfied", 4),
        ("H", "satisfied", 6),
    ):
        with clock.frozen(at(2026, 3, day, 10)):
            evaluation_submit(dossier=rows[name], channel="kiosk", level=level)
    return rows  # fmt: skip


class ServiceIndexTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        ProcedureVersion.objects.filter(pk=cls.w.restart_version.pk).update(online_level="partial")
        cls.rows = march_data(cls.w)
        rollups_refresh()
        cls.march = period_parse("2026-03")

    def figures(self, unit, period=None):
        result = service_index(unit, period or self.march, now=NOW)
        return {i.code: i for g in result.groups for i in g.indicators}, result

    def test_on_time_without_a_target(self):
        """2.1 (no target): (2 on time + 3 pending − 1 overdue) / (3 finished + 3 pending) × 20."""
        figures, _ = self.figures(self.w.ward)
        f = figures["2.1"]
        self.assertEqual((f.numerator, f.denominator), (D(4), D(6)))
        self.assertEqual(f.ratio, D("0.6667"))
        self.assertEqual(f.score, D("13.33"))  # 4/6 × 20
        self.assertEqual(f.source, "computed")

    def test_online_share_reaching_its_target_earns_the_maximum(self):
        """3.1 (target 50%): 2 of 3 fully-online-eligible dossiers came online → 12 of 12."""
        f = self.figures(self.w.ward)[0]["3.1"]
        self.assertEqual((f.numerator, f.denominator, f.score), (D(2), D(3), D("12.00")))

    def test_online_share_below_its_target_is_proportional(self):
        """3.1: 1 of 4 online = 25%, half the 50% target → 0.25 × 12 / 0.5 = 6 points."""
        figures, _ = self.figures(self.w.other_ward)
        self.assertEqual(
            (figures["3.1"].numerator, figures["3.1"].denominator, figures["3.1"].score),
            (D(1), D(4), D("6.00")),
        )
        self.assertEqual(figures["2.1"].score, D("16.00"))  # 4 on time of 5 finished

    def test_the_city_sums_numerators_and_denominators_of_its_subtree(self):
        """The city: 2.1 = 8/11 × 20 = 14.55 (not the mean of 13.33 and 16); 3.1 = 3/7 → 10.29."""
        figures, _ = self.figures(self.w.city)
        self.assertEqual((figures["2.1"].numerator, figures["2.1"].denominator), (D(8), D(11)))
        self.assertEqual(figures["2.1"].score, D("14.55"))
        self.assertEqual((figures["3.1"].numerator, figures["3.1"].denominator), (D(3), D(7)))
        self.assertEqual(figures["3.1"].score, D("10.29"))  # 3/7 × 12 / 0.5

    def test_average_handling_time_is_tracked_without_points(self):
        """2.2: A 2 days, B 17 days, E 21 days → 40/3 days; worth no points."""
        f = self.figures(self.w.ward)[0]["2.2"]
        self.assertEqual(f.denominator, D(3))
        self.assertEqual(f.numerator, D("40.00"))
        self.assertIsNone(f.score)
        self.assertTrue(f.tracked)

    def test_missing_data_says_no_data_never_zero(self):
        figures, result = self.figures(self.w.ward)
        for code in ("1.4", "4.c", "5.2", "5.3", "6.1", "6.2"):
            self.assertEqual(
                (figures[code].source, figures[code].score, figures[code].ratio),
                ("no_data", None, None),
                code,
            )
        # Entered figures nobody entered say no data too.
        self.assertEqual(figures["1.1"].source, "no_data")
        self.assertEqual(result.total, D("27.55"))  # 13.33 + 12 + 2.22 (5.4)
        self.assertEqual(result.max_measured, D("38.00"))  # 2.1, 3.1 and 5.4 only

    def test_satisfaction_with_dossiers_from_the_ratings(self):
        """5.4 (target 90%): (3 finished − 1 late (B) − 1 dissatisfied (A)) / 3 → 1/3 × 6 / 0.9."""
        f = self.figures(self.w.ward)[0]["5.4"]
        self.assertEqual((f.numerator, f.denominator), (D(1), D(3)))
        self.assertEqual((f.ratio, f.score, f.source), (D("0.3333"), D("2.22"), "computed"))

    def test_satisfaction_with_dossiers_rolls_up_and_needs_ratings(self):
        """The city: (8 finished − 2 late (B, G) − 1 dissatisfied) / 8 = 5/8 → 4.17 points.

        The other ward: (5 − 1 late (G) − 0) / 5 = 0.8 → 5.33; February, with
        no rating given, says no data (nobody was asked, not 0 disliked).
        """
        city = self.figures(self.w.city)[0]["5.4"]
        self.assertEqual((city.numerator, city.denominator, city.score), (D(5), D(8), D("4.17")))
        other = self.figures(self.w.other_ward)[0]["5.4"]
        self.assertEqual((other.numerator, other.denominator, other.score), (D(4), D(5), D("5.33")))
        february = self.figures(self.w.ward, period_parse("2026-02"))[0]["5.4"]
        self.assertEqual((february.source, february.score), ("no_data", None))

    def test_a_pakn_about_a_dossier_counts_against_satisfaction(self):
        """A PAKN received in March about dossier E: (3 − 1 − 1 − 1) / 3 = 0 points, not less."""
        from motcua.feedback.models import Pakn

        for title in ("x", "y"):
            Pakn.objects.create(
                channel="letter", status="assigned", kind="handling", title=title,
                content="Nội dung", sender_name="Người gửi", unit=self.w.ward,
                dossier=self.rows["E"], received_at=at(2026, 3, 9, 9), access_nonce=title,
            )  # fmt: skip
        f = self.figures(self.w.ward)[0]["5.4"]
        self.assertEqual((f.numerator, f.denominator, f.score), (D(0), D(3), D("0.00")))

    def test_entered_figures_are_marked_and_roll_up(self):
        EnteredFigure.objects.create(
            indicator_code="1.1", unit=self.w.ward, period="2026-03", numerator=5,
            denominator=8, evidence="Quyết định công bố số 12/QĐ-UBND", entered_at=NOW,
        )  # fmt: skip
        EnteredFigure.objects.create(
            indicator_code="1.1", unit=self.w.city, period="2026-03", numerator=3,
            denominator=4, evidence="Báo cáo của Sở", entered_at=NOW,
        )  # fmt: skip
        ward = self.figures(self.w.ward)[0]["1.1"]
        self.assertEqual((ward.source, ward.score), ("entered", D("3.75")))  # 5/8 × 6
        self.assertIn("12/QĐ-UBND", ward.evidence)
        city = self.figures(self.w.city)[0]["1.1"]
        self.assertEqual((city.numerator, city.denominator, city.score), (D(8), D(12), D("4.00")))
        # Another period does not use them.
        self.assertEqual(
            self.figures(self.w.ward, period_parse("2026-Q1"))[0]["1.1"].source, "no_data"
        )

    def test_rating_band_on_the_measured_points(self):
        version = IndexVersion.objects.get()
        RatingBand.objects.create(version=version, label="Tốt", min_score=75)
        RatingBand.objects.create(version=version, label="Khá", min_score=50)
        _, result = self.figures(self.w.ward)
        # 27.55 of 38 measurable = 72.5 → Khá.
        self.assertEqual(result.rating, "Khá")
        _, result = self.figures(self.w.city)
        # 14.55 + 10.29 + 4.17 = 29.01 of 38 = 76.3 → Tốt.
        self.assertEqual((result.total, result.rating), (D("29.01"), "Tốt"))
        # The other ward: 16 + 6 + 5.33 = 27.33 of 38 = 71.9 → Khá.
        other = self.figures(self.w.other_ward)[1]
        self.assertEqual((other.total, other.rating), (D("27.33"), "Khá"))

    def test_quarter_and_year_cover_their_months(self):
        """Q1 and the year add E's February intake to 3.1's denominator (partial: no change)."""
        q1 = self.figures(self.w.ward, period_parse("2026-Q1"))[0]
        year = self.figures(self.w.ward, period_parse("2026"))[0]
        self.assertEqual((q1["2.1"].numerator, q1["2.1"].denominator), (D(4), D(6)))
        self.assertEqual((year["2.1"].numerator, year["2.1"].denominator), (D(4), D(6)))
        february = self.figures(self.w.ward, period_parse("2026-02"))[0]
        self.assertEqual(february["2.1"].source, "no_data")  # nothing finished or pending

    def test_a_later_version_applies_from_its_effective_date(self):
        old = IndexVersion.objects.get()
        new = IndexVersion.objects.create(name="766 sửa đổi", effective_from=date(2026, 7, 1))
        group = IndicatorGroup.objects.create(version=new, number=2, name="Tiến độ", max_points=25)
        Indicator.objects.create(
            group=group, code="2.1", name="Đúng hạn", max_points=25, query="dossiers_on_time",
            target=D("0.9"),
        )  # fmt: skip
        march = self.figures(self.w.ward)[1]
        self.assertEqual(march.version, old)
        # The same March figures under the new version: 4/6 of a 90% target × 25 = 18.52.
        july = service_index(self.w.ward, period_parse("2026-03"), now=NOW)
        self.assertEqual(july.version, old)
        later = service_index(self.w.ward, period_parse("2026-Q3"), now=NOW)
        self.assertEqual(later.version, new)
        self.assertEqual([g.number for g in later.groups], [2])

    def test_drilldown_lists_exactly_the_dossiers_that_cost_points(self):
        _, rows = service_drilldown(self.w.ward, self.march, "2.1", now=NOW)
        self.assertEqual(
            [(r.code, r.reason) for r in rows],
            [(self.rows["B"].code, "finished_late"), (self.rows["C"].code, "overdue")],
        )
        _, rows = service_drilldown(self.w.city, self.march, "2.1", now=NOW)
        self.assertEqual(
            sorted(r.code for r in rows),
            sorted(self.rows[n].code for n in "BCG"),
        )
        _, rows = service_drilldown(self.w.other_ward, self.march, "3.1", now=NOW)
        self.assertEqual(sorted(r.code for r in rows), sorted(self.rows[n].code for n in "IJK"))


class ScoringTests(TestCase):
    def test_score_rule(self):
        self.assertEqual(score_of(D("0.5"), D(20), None), D("10.00"))
        self.assertEqual(score_of(D("0.4"), D(12), D("0.5")), D("9.60"))
        self.assertEqual(score_of(D("0.5"), D(12), D("0.5")), D("12.00"))
        self.assertEqual(score_of(D("0.9"), D(12), D("0.5")), D("12.00"))

    def test_the_shipped_groups_are_worth_18_20_12_10_18_22(self):
        self.assertEqual([g[2] for g in GROUPS], [18, 20, 12, 10, 18, 22])
        for number, _name, points, indicators in GROUPS:
            self.assertEqual(sum(i[2] for i in indicators), points, number)
        version = IndexVersion.objects.get(code="qd766")
        self.assertEqual(
            [int(g.max_points) for g in version.groups.order_by("number")], [18, 20, 12, 10, 18, 22]
        )

    def test_periods(self):
        self.assertEqual(
            (period_parse("2026").start, period_parse("2026").end),
            (date(2026, 1, 1), date(2026, 12, 31)),
        )
        q3 = period_parse("2026-Q3")
        self.assertEqual((q3.start, q3.end), (date(2026, 7, 1), date(2026, 9, 30)))
        feb = period_parse("2028-02")
        self.assertEqual((feb.start, feb.end), (date(2028, 2, 1), date(2028, 2, 29)))
        for bad in ("2026-13", "2026-Q5", "26", "2026-7", ""):
            with self.assertRaises(ApplicationError) as caught:
                period_parse(bad)
            self.assertEqual(caught.exception.code, "invalid_period")


class PaknIndicatorTests(TestCase):
    """5.1, 5.2 and 5.3 from the feedback app's PAKN, worked out by hand (NOW = 10/4/2026)."""

    @classmethod
    def setUpTestData(cls):
        from motcua.feedback.models import Pakn

        cls.w = World()

        def pakn(unit, title, *, due, answered=None, rating="", kind="handling"):
            return Pakn.objects.create(
                channel="letter",
                status="answered" if answered else "assigned",
                kind=kind,
                title=title,
                content="Nội dung",
                sender_name="Người gửi",
                unit=unit,
                received_at=at(2026, 3, 2, 9),
                assigned_at=at(2026, 3, 2, 10),
                due_at=due,
                answered_at=answered,
                answer_rating=rating,
                access_nonce=title,
            )

        ward = cls.w.ward
        # On time, but its answer rated dissatisfied: on time for 5.2, against 5.3.
        pakn(ward, "a", due=at(2026, 3, 16, 17), answered=at(2026, 3, 10, 9), rating="dissatisfied")
        pakn(ward, "b", due=at(2026, 3, 16, 17), answered=at(2026, 3, 20, 9))  # answered late
        pakn(ward, "c", due=at(2026, 3, 16, 17))  # unanswered, past due on 10/4
        # Unanswered, still within its time; about regulations (5.1).
        pakn(ward, "d", due=at(2026, 4, 20, 17), kind="regulation")
        # Not classified: left out of 5.1 only.
        pakn(cls.w.other_ward, "e", due=at(2026, 3, 16, 17), answered=at(2026, 3, 9, 9), kind="")

    def figures(self, unit):
        result = service_index(unit, period_parse("2026-03"), now=NOW)
        return {i.code: i for g in result.groups for i in g.indicators}

    def test_on_time_counts_the_answered_in_time_and_those_still_within(self):
        """5.2: a and d of a, b, c, d → 2/4 × 6 = 3 points."""
        f = self.figures(self.w.ward)["5.2"]
        self.assertEqual(
            (f.numerator, f.denominator, f.score, f.source), (D(2), D(4), D("3.00"), "computed")
        )

    def test_satisfaction_loses_the_late_and_the_dissatisfied(self):
        """5.3: 4 − 1 dissatisfied (a) − 2 late (b, c) = 1 of 4 → 1.5 points."""
        f = self.figures(self.w.ward)["5.3"]
        self.assertEqual((f.numerator, f.denominator, f.score), (D(1), D(4), D("1.50")))

    def test_classification_is_tracked_over_the_classified(self):
        """5.1: d about regulations of a, b, c, d classified → 1/4, no points; e unclassified."""
        for unit in (self.w.ward, self.w.city):
            f = self.figures(unit)["5.1"]
            self.assertEqual(
                (f.numerator, f.denominator, f.ratio, f.score, f.tracked, f.source),
                (D(1), D(4), D("0.2500"), None, True, "computed"),
            )

    def test_classification_without_classified_pakn_says_no_data(self):
        result = service_index(self.w.ward, period_parse("2026-05"), now=NOW)
        f = {i.code: i for g in result.groups for i in g.indicators}["5.1"]
        self.assertEqual((f.source, f.numerator, f.score), ("no_data", None, None))

    def test_the_city_adds_its_wards(self):
        """5.2 for the city: (2 + 1) / (4 + 1) × 6 = 3.6 points."""
        f = self.figures(self.w.city)["5.2"]
        self.assertEqual((f.numerator, f.denominator, f.score), (D(3), D(5), D("3.60")))
