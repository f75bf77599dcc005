"""Named numerator/denominator queries of the service index (DOMAIN.md §5.1).

An :class:`~motcua.indices.models.Indicator` names one of these by its
``query``. Each reads the rollups for a unit's subtree and a period through
one :class:`Scope` (one query for the counts, one for the dossiers being
handled, shared by every indicator of the page) and returns a
:class:`Figure`, or ``None`` when the data it needs does not exist in this
system yet: then the indicator says "no data", never 0 or 100.

Definitions used here (the DVCQG formula document is [L]):

- ``dossiers_on_time`` (2.1): numerator = dossiers finished in the period
  early or on time + dossiers received in the period still being handled
  and not past their legal due now; denominator = dossiers finished in the
  period + dossiers received in the period still being handled.
- ``handling_days_average`` (2.2): total calendar days from intake to
  decision / dossiers finished in the period.
- ``fully_online_share`` (3.1): dossiers received online / dossiers
  received, both for procedures offered fully online (NĐ 42/2022).
- ``online_share`` (3.2): dossiers received online / all dossiers received.
- ``pakn_on_time`` (5.2) and ``pakn_not_dissatisfied`` (5.3): the feedback app's
  ``pakn_group5`` over the PAKN assigned within the subtree and received in the period.
- ``dossiers_satisfaction`` (5.4, target 90 %): "100 % − (% overdue dossiers + % dossiers
  with a PAKN or a dislike)" read as numerator = dossiers finished in the period − those
  finished late − ratings "dissatisfied" given in the period − PAKN received in the period
  about a dossier (not below 0); denominator = dossiers finished in the period. The
  ratings come from :class:`~motcua.indices.models.RatingMonthlyCount`; with no rating
  given in the period the indicator says "no data" (nobody was asked, not 0 disliked).
- ``pakn_classification`` (5.1, tracked, no points): PAKN classified "about regulations"
  / PAKN classified either way (about regulations, or about staff conduct or the handling
  of a dossier), received in the period within the subtree. A PAKN not yet assigned has
  no classification and is left out; none classified says "no data".
- ``unavailable_*``: the data do not exist here yet (payment, digitisation and national
  portal data).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.constants import Timeliness
from motcua.feedback.selectors import PaknGroup5, pakn_group5, pakn_group5_by_year, under
from motcua.indices.models import (
    COUNT_FIELDS,
    RATING_COUNT_FIELDS,
    AgencyMonthlyCount,
    DossierFact,
    RatingMonthlyCount,
)
from motcua.indices.periods import Period, months_q
from motcua.org.models import Unit


@dataclass(frozen=True)
class Figure:
    numerator: Decimal
    denominator: Decimal


@dataclass
class Scope:
    """A unit's subtree, a period and the moment of looking; caches its two reads."""

    unit: Unit
    period: Period
    now: datetime
    _counts: dict[str, int] | None = field(default=None, repr=False)
    _pending: dict[str, int] | None = field(default=None, repr=False)
    _pakn: PaknGroup5 | None = field(default=None, repr=False)
    _ratings: dict[str, int] | None = field(default=None, repr=False)

    @classmethod
    def prefetch_years(
        cls, unit: Unit, periods: list[Period], *, now: datetime
    ) -> dict[int, Scope]:
        """Return a scope per year period with its four reads done for all years at once.

        One query per rollup (counts, dossiers being handled, ratings) and one
        for the PAKN, each grouped by year: the same figures as a scope per
        year reading its own, in 4 queries whatever the number of years.
        """
        years = [p.start.year for p in periods]
        in_tree = under(unit, "agency")
        count_rows: Any = (
            AgencyMonthlyCount.objects.filter(in_tree, year__in=years)
            .order_by()
            .values("year")
            .annotate(**{name: Sum(name) for name in COUNT_FIELDS})
        )
        rating_rows: Any = (
            RatingMonthlyCount.objects.filter(in_tree, year__in=years)
            .order_by()
            .values("year")
            .annotate(**{name: Sum(name) for name in RATING_COUNT_FIELDS})
        )
        overdue = Q(clock_running=True, due_at__lt=now)
        pending_rows: Any = (
            DossierFact.objects.filter(
                in_tree,
                pending=True,
                received_day__range=(min(p.start for p in periods), max(p.end for p in periods)),
            )
            .annotate(year=ExtractYear("received_day"))
            .order_by()
            .values("year")
            .annotate(pending=Count("*"), overdue=Count("agency", filter=overdue))
        )
        counts: dict[int, dict[str, Any]] = {r["year"]: r for r in count_rows}
        ratings: dict[int, dict[str, Any]] = {r["year"]: r for r in rating_rows}
        pending: dict[int, dict[str, Any]] = {r["year"]: r for r in pending_rows}
        pakn = pakn_group5_by_year(unit, years, now=now)
        out = {}
        for period in periods:
            year = period.start.year
            c, r, p = counts.get(year, {}), ratings.get(year, {}), pending.get(year, {})
            out[year] = cls(
                unit=unit,
                period=period,
                now=now,
                _counts={name: int(c.get(name) or 0) for name in COUNT_FIELDS},
                _pending={"pending": p.get("pending", 0), "overdue": p.get("overdue", 0)},
                _pakn=pakn[year],
                _ratings={name: int(r.get(name) or 0) for name in RATING_COUNT_FIELDS},
            )
        return out

    def unit_q(self, prefix: str = "agency") -> Q:
        return under(self.unit, prefix)

    def counts(self) -> dict[str, int]:
        if self._counts is None:
            row = (
                AgencyMonthlyCount.objects.filter(
                    self.unit_q(), months_q(self.period.start, self.period.end)
                )
                .order_by()
                .aggregate(**{name: Sum(name) for name in COUNT_FIELDS})
            )
            self._counts = {name: int(value or 0) for name, value in row.items()}
        return self._counts

    def ratings(self) -> dict[str, int]:
        """The ratings given in the subtree and period, by level (one query, from the rollup)."""
        if self._ratings is None:
            row = (
                RatingMonthlyCount.objects.filter(
                    self.unit_q(), months_q(self.period.start, self.period.end)
                )
                .order_by()
                .aggregate(**{name: Sum(name) for name in RATING_COUNT_FIELDS})
            )
            self._ratings = {name: int(value or 0) for name, value in row.items()}
        return self._ratings

    def pending_facts(self) -> QuerySet[DossierFact]:
        return DossierFact.objects.filter(
            self.unit_q(),
            pending=True,
            received_day__range=(self.period.start, self.period.end),
        )

    def overdue_q(self) -> Q:
        return Q(clock_running=True, due_at__lt=self.now)

    def pending(self) -> dict[str, int]:
        if self._pending is None:
            self._pending = (
                self.pending_facts()
                .order_by()
                .aggregate(pending=Count("*"), overdue=Count("agency", filter=self.overdue_q()))
            )
        return self._pending

    def pakn(self) -> PaknGroup5:
        """The group-5 PAKN figures of the subtree and period (feedback app; one query)."""
        if self._pakn is None:
            self._pakn = pakn_group5(self.unit, self.period.start, self.period.end, now=self.now)
        return self._pakn


@dataclass(frozen=True)
class NamedQuery:
    description: Any
    figure: Callable[[Scope], Figure | None]
    drilldown: Callable[[Scope], QuerySet[DossierFact]] | None = None
    reasons: Callable[[DossierFact, Scope], str] | None = None


def _figure(numerator: Decimal | int, denominator: Decimal | int) -> Figure | None:
    if not denominator:
        return None
    return Figure(Decimal(str(numerator)), Decimal(str(denominator)))


def _on_time(scope: Scope) -> Figure | None:
    counts, pending = scope.counts(), scope.pending()
    return _figure(
        counts["finished_on_time"] + pending["pending"] - pending["overdue"],
        counts["finished"] + pending["pending"],
    )


def _on_time_drilldown(scope: Scope) -> QuerySet[DossierFact]:
    period = scope.period
    late = Q(finished_day__range=(period.start, period.end), timeliness=Timeliness.LATE)
    overdue = Q(pending=True, received_day__range=(period.start, period.end)) & scope.overdue_q()
    return DossierFact.objects.filter(scope.unit_q()).filter(late | overdue)


def _on_time_reason(fact: DossierFact, scope: Scope) -> str:
    return "finished_late" if fact.timeliness == Timeliness.LATE else "overdue"


def _handling_days(scope: Scope) -> Figure | None:
    counts = scope.counts()
    days = Decimal(counts["handling_seconds"]) / Decimal(86400)
    return _figure(round(days, 2), counts["finished"])


def _fully_online(scope: Scope) -> Figure | None:
    counts = scope.counts()
    return _figure(counts["received_eligible_online"], counts["received_eligible"])


def _fully_online_drilldown(scope: Scope) -> QuerySet[DossierFact]:
    return DossierFact.objects.filter(
        scope.unit_q(),
        received_day__range=(scope.period.start, scope.period.end),
        fully_online_eligible=True,
        online=False,
    )


def _online(scope: Scope) -> Figure | None:
    counts = scope.counts()
    return _figure(counts["received_online"], counts["received"])


def _online_drilldown(scope: Scope) -> QuerySet[DossierFact]:
    return DossierFact.objects.filter(
        scope.unit_q(), received_day__range=(scope.period.start, scope.period.end), online=False
    )


def _no_data(scope: Scope) -> Figure | None:
    return None


def _pakn_on_time(scope: Scope) -> Figure | None:
    pakn = scope.pakn()
    return _figure(pakn.on_time_or_within, pakn.received)


def _pakn_not_dissatisfied(scope: Scope) -> Figure | None:
    pakn = scope.pakn()
    return _figure(pakn.received - pakn.dissatisfied - pakn.overdue, pakn.received)


def _pakn_classification(scope: Scope) -> Figure | None:
    pakn = scope.pakn()
    return _figure(pakn.about_regulations, pakn.about_regulations + pakn.about_handling)


def _dossiers_satisfaction(scope: Scope) -> Figure | None:
    ratings = scope.ratings()
    if not sum(ratings.values()):
        return None
    counts, pakn = scope.counts(), scope.pakn()
    lost = counts["finished_late"] + ratings["dissatisfied"] + pakn.about_dossiers
    return _figure(max(counts["finished"] - lost, 0), counts["finished"])


QUERIES: dict[str, NamedQuery] = {
    "dossiers_on_time": NamedQuery(
        _("Dossiers handled early or on time, or still within the time limit"),
        _on_time,
        _on_time_drilldown,
        _on_time_reason,
    ),
    "handling_days_average": NamedQuery(_("Average days from intake to decision"), _handling_days),
    "fully_online_share": NamedQuery(
        _("Share of dossiers received online, procedures offered fully online"),
        _fully_online,
        _fully_online_drilldown,
        lambda fact, scope: "not_online",
    ),
    "online_share": NamedQuery(
        _("Share of dossiers received online"),
        _online,
        _online_drilldown,
        lambda fact, scope: "not_online",
    ),
    "pakn_on_time": NamedQuery(
        _("Citizen feedback (PAKN) answered on time or still within the time limit"),
        _pakn_on_time,
    ),
    "pakn_not_dissatisfied": NamedQuery(
        _("Citizen feedback (PAKN) neither answered late nor rated dissatisfied"),
        _pakn_not_dissatisfied,
    ),
    "pakn_classification": NamedQuery(
        _("Citizen feedback (PAKN) about regulations, of those classified"),
        _pakn_classification,
    ),
    "dossiers_satisfaction": NamedQuery(
        _("Dossiers finished neither late nor rated dissatisfied nor raised in a PAKN"),
        _dossiers_satisfaction,
    ),
    "unavailable_feedback": NamedQuery(
        _("Needs citizen feedback and ratings (not in this system yet)"), _no_data
    ),
    "unavailable_payments": NamedQuery(
        _("Needs online payment records (not in this system yet)"), _no_data
    ),
    "unavailable_digitisation": NamedQuery(
        _("Needs digitised components and electronic results (not in this system yet)"), _no_data
    ),
    "unavailable_national_portal": NamedQuery(
        _("Needs the national portal's synchronisation records (not in this system yet)"),
        _no_data,
    ),
}
"""The named queries an indicator may use; ``unavailable_*`` say "no data"."""
