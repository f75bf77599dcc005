"""Unit tree services: paths, moves, validity rules and audit records."""

from __future__ import annotations

from datetime import date

from django.test import TestCase

from motcua.core.errors import ApplicationError
from motcua.core.models import AuditEvent
from motcua.org.models import Unit
from motcua.org.selectors import unit_ancestors, unit_subtree
from motcua.org.services import unit_close, unit_create, unit_move, unit_update
from motcua.org.tests.helpers import ACTOR, kind, make_unit


def paths() -> dict[str, tuple[str, int]]:
    return {u.name: (u.path, u.depth) for u in Unit.objects.all()}


class UnitPathTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city = make_unit("Thành phố Cần Thơ", "central_city")
        cls.ward = make_unit("Phường Ninh Kiều", "ward", cls.city)
        cls.centre = make_unit("Trung tâm PVHCC phường Ninh Kiều", "service_centre", cls.ward)
        cls.desk = make_unit("Điểm tiếp nhận số 1", "intake_point", cls.centre)
        cls.other = make_unit("Tỉnh Hậu Giang", "province", valid_to=date(2025, 7, 1))
        cls.other_child = make_unit(
            "Thành phố Ngã Bảy", "district_city", cls.other, valid_to=date(2025, 7, 1)
        )

    def test_create_sets_path_from_root_and_depth(self):
        """A root's path is its own id; a child's path extends its parent's."""
        self.assertEqual((self.city.path, self.city.depth), (f"/{self.city.pk}/", 0))
        self.assertEqual(self.ward.path, f"/{self.city.pk}/{self.ward.pk}/")
        self.assertEqual(
            (self.desk.path, self.desk.depth),
            (f"/{self.city.pk}/{self.ward.pk}/{self.centre.pk}/{self.desk.pk}/", 3),
        )
        stored = Unit.objects.get(pk=self.desk.pk)
        self.assertEqual((stored.path, stored.depth), (self.desk.path, 3))

    def test_move_rewrites_the_whole_subtree(self):
        """Moving a unit moves every unit below it; other units keep their paths."""
        new_parent = make_unit("Phường Cái Khế", "ward", self.city)
        before = paths()
        moved = unit_move(actor=ACTOR, unit=self.centre, parent=new_parent)
        prefix = f"/{self.city.pk}/{new_parent.pk}/{self.centre.pk}/"
        self.assertEqual((moved.path, moved.depth), (prefix, 2))
        after = paths()
        self.assertEqual(after["Trung tâm PVHCC phường Ninh Kiều"], (prefix, 2))
        self.assertEqual(after["Điểm tiếp nhận số 1"], (f"{prefix}{self.desk.pk}/", 3))
        for name in (
            "Thành phố Cần Thơ",
            "Phường Ninh Kiều",
            "Tỉnh Hậu Giang",
            "Thành phố Ngã Bảy",
        ):
            self.assertEqual(after[name], before[name], name)
        self.assertEqual(Unit.objects.get(pk=self.centre.pk).parent_id, new_parent.pk)
        self.assertEqual(
            [u.pk for u in unit_subtree(new_parent)], [new_parent.pk, self.centre.pk, self.desk.pk]
        )

    def test_move_to_the_root_and_back(self):
        """A unit can become a root, and its subtree's depths follow."""
        unit_move(actor=ACTOR, unit=self.ward, parent=None)
        self.assertEqual(
            paths()["Điểm tiếp nhận số 1"], (f"/{self.ward.pk}/{self.centre.pk}/{self.desk.pk}/", 2)
        )
        unit_move(actor=ACTOR, unit=self.ward, parent=self.city)
        self.assertEqual(paths()["Điểm tiếp nhận số 1"], (self.desk.path, 3))

    def test_a_unit_cannot_become_its_own_ancestor(self):
        """Moving under itself or a descendant is refused and changes nothing."""
        before = paths()
        events = AuditEvent.objects.count()
        for target in (self.ward, self.centre, self.desk):
            with self.subTest(target=target.name):
                with self.assertRaises(ApplicationError) as caught:
                    unit_move(actor=ACTOR, unit=self.ward, parent=target)
                self.assertEqual(caught.exception.code, "cycle")
                self.assertIn(self.ward.name, caught.exception.message)
        self.assertEqual(paths(), before)
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_ancestors_come_from_the_path_in_one_query(self):
        """A unit's ancestors are read root first with a single query."""
        with self.assertNumQueries(1):
            names = [u.name for u in unit_ancestors(self.desk)]
        self.assertEqual(
            names, ["Thành phố Cần Thơ", "Phường Ninh Kiều", "Trung tâm PVHCC phường Ninh Kiều"]
        )
        self.assertEqual(
            [u.pk for u in unit_ancestors(self.desk, include_self=True)][-1], self.desk.pk
        )
        self.assertEqual(list(unit_ancestors(self.city)), [])

    def test_subtree_is_a_path_prefix_and_does_not_catch_similar_ids(self):
        """/1/ is not a prefix of /12/: the subtree stops at the slash."""
        self.assertEqual(
            {u.pk for u in unit_subtree(self.ward)}, {self.ward.pk, self.centre.pk, self.desk.pk}
        )
        self.assertEqual(
            {u.pk for u in unit_subtree(self.ward, include_self=False)},
            {self.centre.pk, self.desk.pk},
        )
        for unit in Unit.objects.all():
            self.assertTrue(unit.path.startswith("/") and unit.path.endswith(f"/{unit.pk}/"))


class UnitValidityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_unit(
            "Tỉnh Hậu Giang", "province", valid_from=date(2004, 1, 1), valid_to=date(2025, 7, 1)
        )
        cls.city = make_unit(
            "Thành phố Ngã Bảy",
            "district_city",
            cls.province,
            valid_from=date(2020, 2, 1),
            valid_to=date(2025, 7, 1),
        )
        cls.ward = make_unit(
            "Phường Lái Hiếu",
            "ward",
            cls.city,
            admin_code="31341",
            valid_from=date(2020, 2, 1),
            valid_to=date(2025, 7, 1),
        )

    def test_valid_to_must_be_after_valid_from(self):
        """An empty or reversed interval is refused with both dates in the message."""
        for end in (date(2020, 1, 1), date(2020, 2, 1)):
            with self.subTest(end=end), self.assertRaises(ApplicationError) as caught:
                make_unit("Tỉnh X", "province", valid_from=date(2020, 2, 1), valid_to=end)
            self.assertEqual(caught.exception.code, "invalid_interval")
        self.assertFalse(Unit.objects.filter(name="Tỉnh X").exists())

    def test_a_unit_must_lie_inside_its_parents_validity(self):
        """A unit valid on a day needs a parent valid on that day."""
        cases = [
            {"valid_from": date(2019, 1, 1), "valid_to": date(2025, 7, 1)},  # starts too early
            {"valid_from": date(2021, 1, 1), "valid_to": date(2026, 1, 1)},  # ends too late
            {"valid_from": None, "valid_to": date(2025, 7, 1)},  # open start
        ]
        for fields in cases:
            with self.subTest(**fields), self.assertRaises(ApplicationError) as caught:
                make_unit("Phường Mới", "ward", self.city, **fields)
            self.assertEqual(caught.exception.code, "outside_parent")
            self.assertIn("Thành phố Ngã Bảy", caught.exception.message)
        with self.assertRaises(ApplicationError) as caught:
            make_unit("Phường Mới", "ward", self.city, valid_from=date(2021, 1, 1))
        self.assertEqual(caught.exception.code, "outside_parent")
        inside = make_unit(
            "Phường Mới", "ward", self.city, valid_from=date(2021, 1, 1), valid_to=date(2025, 7, 1)
        )
        self.assertTrue(inside.is_valid_on(date(2024, 1, 1)))

    def test_moving_under_a_parent_with_a_shorter_life_is_refused(self):
        """Re-parenting checks the new parent's validity too."""
        today = make_unit("Thành phố Cần Thơ", "central_city", valid_from=date(2025, 7, 1))
        with self.assertRaises(ApplicationError) as caught:
            unit_move(actor=ACTOR, unit=self.ward, parent=today)
        self.assertEqual(caught.exception.code, "outside_parent")
        self.assertEqual(Unit.objects.get(pk=self.ward.pk).parent_id, self.city.pk)

    def test_shrinking_a_parent_below_its_children_is_refused(self):
        """A parent cannot end before the units under it."""
        with self.assertRaises(ApplicationError) as caught:
            unit_update(actor=ACTOR, unit=self.city, data={"valid_to": date(2024, 1, 1)})
        self.assertEqual(caught.exception.code, "children_outside")
        self.assertEqual(
            caught.exception.message,
            "“Phường Lái Hiếu”, đơn vị trực thuộc “Thành phố Ngã Bảy”, có hiệu lực từ 01/02/2020 "
            "đến 01/07/2025, nằm ngoài thời gian hiệu lực mới từ 01/02/2020 đến 01/01/2024. Hãy "
            "sửa hoặc kết thúc hiệu lực các đơn vị trực thuộc trước.",
        )
        self.assertEqual(Unit.objects.get(pk=self.city.pk).valid_to, date(2025, 7, 1))

    def test_close_ends_the_whole_subtree(self):
        """unit_close ends the unit and every unit below that is still valid."""
        changed = unit_close(actor=ACTOR, unit=self.city, on=date(2024, 1, 1))
        self.assertEqual({u.pk for u in changed}, {self.city.pk, self.ward.pk})
        self.assertEqual(
            set(
                Unit.objects.filter(pk__in=[self.city.pk, self.ward.pk]).values_list(
                    "valid_to", flat=True
                )
            ),
            {date(2024, 1, 1)},
        )
        self.assertEqual(AuditEvent.objects.filter(action="org.unit.close").count(), 2)

    def test_historical_kind_needs_an_end_date(self):
        """No new district is created without the date it ceased to exist."""
        with self.assertRaises(ApplicationError) as caught:
            make_unit("Huyện Châu Thành", "district", self.province, valid_from=date(2004, 1, 1))
        self.assertEqual(caught.exception.code, "historical_kind")

    def test_an_admin_code_is_held_by_one_unit_at_a_time(self):
        """A code is reused only after the earlier holder has ended."""
        city = make_unit("Thành phố Cần Thơ", "central_city", valid_from=date(2004, 1, 1))
        with self.assertRaises(ApplicationError) as caught:
            make_unit(
                "Phường Lái Hiếu 2", "ward", city, admin_code="31341", valid_from=date(2025, 1, 1)
            )
        self.assertEqual(caught.exception.code, "admin_code_in_use")
        reused = make_unit(
            "Phường Ngã Bảy", "ward", city, admin_code="31341", valid_from=date(2025, 7, 1)
        )
        self.assertEqual(reused.admin_code, "31341")

    def test_field_formats_are_checked(self):
        """Malformed codes are refused with the validator's message."""
        for field, value in (("admin_code", "9A"), ("agency_code", "33.H")):
            with self.subTest(field=field), self.assertRaises(ApplicationError) as caught:
                make_unit("Tỉnh Y", "province", valid_to=date(2025, 7, 1), **{field: value})
            self.assertEqual(caught.exception.code, "invalid")
        self.assertFalse(Unit.objects.filter(name="Tỉnh Y").exists())
        with self.assertRaises(ApplicationError) as caught:
            make_unit("  ", "province")
        self.assertEqual(caught.exception.code, "name_required")


class UnitAuditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city = make_unit("Thành phố Cần Thơ", "central_city")

    def test_each_change_writes_one_audit_record(self):
        """Create and update each append one record to the unit's chain."""
        self.assertEqual(
            list(
                AuditEvent.objects.filter(object_id=str(self.city.pk)).values_list(
                    "action", flat=True
                )
            ),
            ["org.unit.create"],
        )
        updated = unit_update(
            actor=ACTOR, unit=self.city, data={"name": "TP Cần Thơ", "short_name": "CT"}
        )
        event = AuditEvent.objects.filter(object_id=str(self.city.pk)).order_by("-seq").first()
        self.assertEqual(event.action, "org.unit.update")
        self.assertEqual(event.data["changes"]["name"], ["Thành phố Cần Thơ", "TP Cần Thơ"])
        self.assertEqual(updated.search_name, "tp can tho ct")

    def test_an_update_without_changes_writes_nothing(self):
        """Saving the same values again leaves no audit record."""
        before = AuditEvent.objects.count()
        unit_update(
            actor=ACTOR,
            unit=self.city,
            data={"name": "Thành phố Cần Thơ", "kind": kind("central_city")},
        )
        self.assertEqual(AuditEvent.objects.count(), before)

    def test_names_are_stored_in_nfc(self):
        """Decomposed input (NFD) is stored composed."""
        import unicodedata

        unit = unit_create(
            actor=ACTOR,
            name=unicodedata.normalize("NFD", "Phường Ngã Bảy"),
            kind=kind("ward"),
            parent=self.city,
        )
        self.assertEqual(unit.name, "Phường Ngã Bảy")
        self.assertEqual(unit.search_name, "phuong nga bay")
