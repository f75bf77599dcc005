"""Unit history: codes over time, heirs and re-aggregation over the Ngã Bảy merger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.test import TestCase

from motcua.core.errors import ApplicationError
from motcua.core.models import AuditEvent
from motcua.org.demo import load_demo_units
from motcua.org.models import Unit, UnitSuccession
from motcua.org.selectors import (
    reaggregate,
    unit_by_admin_code,
    unit_heir,
    unit_heirs,
    units_valid_on,
)
from motcua.org.services import (
    unit_succession_create,
    unit_succession_delete,
    unit_succession_update,
)
from motcua.org.tests.helpers import ACTOR, make_unit

BEFORE = date(2025, 6, 30)
AFTER = date(2025, 7, 1)
TODAY = date(2026, 11, 26)


class DemoUnitsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = load_demo_units(ACTOR)

    def test_loader_is_idempotent(self):
        """Loading the demo again creates nothing and writes no audit record."""
        counts = (Unit.objects.count(), UnitSuccession.objects.count(), AuditEvent.objects.count())
        again = load_demo_units(ACTOR)
        self.assertEqual(
            (Unit.objects.count(), UnitSuccession.objects.count(), AuditEvent.objects.count()),
            counts,
        )
        self.assertEqual(
            {k: u.pk for k, u in again.items()}, {k: u.pk for k, u in self.units.items()}
        )

    def test_demo_tree(self):
        """Wards sit under Cần Thơ; old wards under thành phố Ngã Bảy under Hậu Giang."""
        u = self.units
        self.assertEqual(u["nga-bay"].parent_id, u["can-tho"].pk)
        self.assertEqual(u["nga-bay-intake"].parent_id, u["nga-bay-centre"].pk)
        self.assertTrue(u["nga-bay-intake"].path.startswith(u["nga-bay"].path))
        self.assertEqual(u["lai-hieu"].path, f"{u['tp-nga-bay'].path}{u['lai-hieu'].pk}/")
        self.assertEqual(u["tp-nga-bay"].parent_id, u["hau-giang"].pk)

    def test_code_31340_names_a_different_unit_before_and_after_the_merger(self):
        """The reused code resolves by date."""
        self.assertEqual(unit_by_admin_code("31340", on=BEFORE).pk, self.units["old-nga-bay"].pk)
        self.assertEqual(unit_by_admin_code("31340", on=AFTER).pk, self.units["nga-bay"].pk)
        self.assertEqual(unit_by_admin_code("31411", on=BEFORE).name, "Xã Đại Thành")
        self.assertEqual(unit_by_admin_code("31411", on=TODAY).name, "Phường Đại Thành")
        self.assertIsNone(unit_by_admin_code("31341", on=AFTER))
        self.assertIsNone(unit_by_admin_code("99999", on=AFTER))

    def test_units_valid_on_a_day(self):
        """Before the merger Hậu Giang exists; after it, only Cần Thơ does."""
        before = set(units_valid_on(BEFORE).values_list("name", flat=True))
        after = set(units_valid_on(AFTER).values_list("name", flat=True))
        self.assertIn("Tỉnh Hậu Giang", before)
        self.assertIn("Phường Lái Hiếu", before)
        self.assertNotIn("Phường Đại Thành", before)
        self.assertNotIn("Tỉnh Hậu Giang", after)
        self.assertIn("Phường Đại Thành", after)
        self.assertIn("Thành phố Cần Thơ", before & after)

    def test_heirs_follow_statistics_links(self):
        """Each former unit's figures go to the ward that took its statistics."""
        u = self.units
        expected = {
            "lai-hieu": "nga-bay",
            "hiep-thanh": "nga-bay",
            "old-nga-bay": "nga-bay",
            "hiep-loi": "dai-thanh",
            "tan-thanh": "dai-thanh",
            "old-dai-thanh": "dai-thanh",
            "tp-nga-bay": "nga-bay",
            "hau-giang": "can-tho",
            "ninh-kieu": "ninh-kieu",
        }
        for old, new in expected.items():
            with self.subTest(old=old):
                self.assertEqual(unit_heir(u[old], on=TODAY).pk, u[new].pk)
        self.assertEqual(unit_heir(u["lai-hieu"], on=BEFORE).pk, u["lai-hieu"].pk)
        self.assertIsNone(unit_heir(u["nga-bay"], on=BEFORE))

    def test_heirs_of_many_units_take_few_queries(self):
        """The number of queries follows the chain length, not the number of units."""
        ids = [u.pk for u in self.units.values()]
        # One query for the units, one per step of the longest chain (here 1).
        with self.assertNumQueries(2):
            heirs = unit_heirs(ids, on=TODAY)
        self.assertEqual(len(heirs), len(ids))

    def test_reaggregate_moves_figures_onto_todays_units(self):
        """Figures of 2024 add up on phường Ngã Bảy, phường Đại Thành and Cần Thơ."""
        u = self.units
        counts = {
            u["lai-hieu"].pk: 3,
            u["hiep-thanh"].pk: 2,
            u["old-nga-bay"].pk: 5,
            u["hiep-loi"].pk: 1,
            u["tan-thanh"].pk: 1,
            u["old-dai-thanh"].pk: 1,
            u["tp-nga-bay"].pk: 10,
            u["hau-giang"].pk: 100,
            u["ninh-kieu"].pk: 7,
        }
        result = reaggregate(counts, TODAY)
        self.assertEqual(
            result,
            {u["nga-bay"].pk: 20, u["dai-thanh"].pk: 3, u["can-tho"].pk: 100, u["ninh-kieu"].pk: 7},
        )
        self.assertEqual(sum(result.values()), sum(counts.values()))

    def test_reaggregate_keeps_units_without_heir_and_decimals(self):
        """A unit with no heir, or an unknown id, keeps its figure; Decimals stay exact."""
        u = self.units
        orphan = make_unit(
            "Xã Giải Thể", "commune", u["tp-nga-bay"], valid_from=date(2020, 2, 1), valid_to=AFTER
        )
        counts = {
            u["lai-hieu"].pk: Decimal("1.25"),
            u["hiep-thanh"].pk: Decimal("2.50"),
            orphan.pk: Decimal("4"),
            999_999: Decimal("1"),
        }
        result = reaggregate(counts, TODAY)
        self.assertEqual(
            result,
            {u["nga-bay"].pk: Decimal("3.75"), orphan.pk: Decimal("4"), 999_999: Decimal("1")},
        )
        self.assertIsNone(unit_heirs([orphan.pk], on=TODAY)[orphan.pk])

    def test_heir_is_cycle_safe(self):
        """A loop of links written around the services ends with no heir."""
        a = make_unit(
            "Xã A",
            "commune",
            self.units["hau-giang"],
            valid_from=date(2010, 1, 1),
            valid_to=date(2011, 1, 1),
        )
        b = make_unit(
            "Xã B",
            "commune",
            self.units["hau-giang"],
            valid_from=date(2010, 1, 1),
            valid_to=date(2011, 1, 1),
        )
        UnitSuccession.objects.create(predecessor=a, successor=b, effective_on=date(2010, 6, 1))
        UnitSuccession.objects.create(predecessor=b, successor=a, effective_on=date(2010, 6, 1))
        self.assertIsNone(unit_heir(a, on=TODAY))
        self.assertEqual(reaggregate({a.pk: 1, b.pk: 2}, TODAY), {a.pk: 1, b.pk: 2})


class SuccessionServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = load_demo_units(ACTOR)

    def test_only_one_successor_carries_the_statistics(self):
        """A second statistics heir is refused, naming the first one."""
        with self.assertRaises(ApplicationError) as caught:
            unit_succession_create(
                actor=ACTOR,
                predecessor=self.units["lai-hieu"],
                successor=self.units["dai-thanh"],
                effective_on=AFTER,
            )
        self.assertEqual(caught.exception.code, "succession_heir")
        self.assertEqual(
            caught.exception.message,
            "Số liệu của “Phường Lái Hiếu” đã được chuyển cho “Phường Ngã Bảy”; chỉ một đơn vị "
            "kế thừa được nhận số liệu.",
        )
        link = unit_succession_create(
            actor=ACTOR,
            predecessor=self.units["lai-hieu"],
            successor=self.units["dai-thanh"],
            effective_on=AFTER,
            carries_statistics=False,
        )
        self.assertFalse(link.carries_statistics)

    def test_successor_must_exist_when_the_succession_takes_effect(self):
        """A successor not yet valid on the date is refused."""
        with self.assertRaises(ApplicationError) as caught:
            unit_succession_create(
                actor=ACTOR,
                predecessor=self.units["hau-giang"],
                successor=self.units["nga-bay"],
                effective_on=date(2025, 1, 1),
                carries_statistics=False,
            )
        self.assertEqual(caught.exception.code, "succession_date")

    def test_predecessor_must_exist_before_the_succession(self):
        """A predecessor that starts on or after the succession date is refused."""
        predecessor = make_unit("Phường Trước", "ward", valid_from=date(2025, 7, 1))
        successor = make_unit("Phường Sau", "ward", valid_from=date(2025, 1, 1))
        with self.assertRaises(ApplicationError) as caught:
            unit_succession_create(
                actor=ACTOR,
                predecessor=predecessor,
                successor=successor,
                effective_on=date(2025, 7, 1),
            )
        self.assertEqual(caught.exception.code, "succession_date")
        self.assertEqual(
            caught.exception.message,
            "Đơn vị tiền thân “Phường Trước” chỉ bắt đầu hiệu lực từ 01/07/2025, "
            "không trước ngày kế thừa (01/07/2025).",
        )

    def test_cycles_and_duplicates_are_refused(self):
        """A link back to an ancestor of the chain, or the same link twice, is refused."""
        with self.assertRaises(ApplicationError) as caught:
            unit_succession_create(
                actor=ACTOR,
                predecessor=self.units["nga-bay"],
                successor=self.units["nga-bay"],
                effective_on=AFTER,
            )
        self.assertEqual(caught.exception.code, "succession_self")
        with self.assertRaises(ApplicationError) as caught:
            unit_succession_create(
                actor=ACTOR,
                predecessor=self.units["tp-nga-bay"],
                successor=self.units["nga-bay"],
                effective_on=AFTER,
                carries_statistics=False,
            )
        self.assertEqual(caught.exception.code, "succession_exists")
        other = make_unit("Phường Khác", "ward", self.units["can-tho"], valid_from=AFTER)
        unit_succession_create(
            actor=ACTOR,
            predecessor=self.units["nga-bay"],
            successor=other,
            effective_on=date(2026, 1, 1),
        )
        with self.assertRaises(ApplicationError) as caught:
            unit_succession_create(
                actor=ACTOR,
                predecessor=other,
                successor=self.units["nga-bay"],
                effective_on=date(2026, 2, 1),
            )
        self.assertEqual(caught.exception.code, "succession_cycle")

    def test_update_and_delete_are_audited(self):
        """Changing and removing a link each write one audit record."""
        link = UnitSuccession.objects.get(
            predecessor=self.units["tp-nga-bay"], successor=self.units["dai-thanh"]
        )
        unit_succession_update(
            actor=ACTOR, succession=link, data={"legal_basis": "NQ 1668, điều 1"}
        )
        self.assertEqual(UnitSuccession.objects.get(pk=link.pk).legal_basis, "NQ 1668, điều 1")
        unit_succession_delete(actor=ACTOR, succession=link)
        self.assertFalse(UnitSuccession.objects.filter(pk=link.pk).exists())
        actions = list(
            AuditEvent.objects.filter(object_type="org.unitsuccession", object_id=str(link.pk))
            .order_by("seq")
            .values_list("action", flat=True)
        )
        self.assertEqual(
            actions, ["org.succession.create", "org.succession.update", "org.succession.delete"]
        )
