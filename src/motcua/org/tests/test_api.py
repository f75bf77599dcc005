"""JSON API of units: list, filters, detail and query counts."""

from __future__ import annotations

from django.test import TestCase

from motcua.org.demo import load_demo_units
from motcua.org.tests.helpers import ACTOR, make_unit

URL = "/api/v1/org/units"


class UnitListApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = load_demo_units(ACTOR)

    def names(self, **params) -> list[str]:
        response = self.client.get(URL, {"page_size": 100, **params})
        self.assertEqual(response.status_code, 200, response.content)
        return [item["name"] for item in response.json()["items"]]

    def test_list_is_paginated_in_tree_order(self):
        """Items come in tree order (each unit right after its parent) with a total count."""
        body = self.client.get(URL, {"page_size": 5}).json()
        self.assertEqual(body["count"], len(self.units))
        self.assertEqual(len(body["items"]), 5)
        second_page = self.client.get(URL, {"page_size": 5, "page": 2}).json()["items"]
        self.assertNotIn(second_page[0]["id"], [item["id"] for item in body["items"]])
        items = self.client.get(URL, {"page_size": 100}).json()["items"]
        paths = [item["path"] for item in items]
        for index, item in enumerate(items):
            if item["parent_id"] is not None:
                parent_path = item["path"].rsplit("/", 2)[0] + "/"
                self.assertLess(paths.index(parent_path), index)
                # everything between the parent and this unit lies in the parent's subtree
                for between in paths[paths.index(parent_path) : index]:
                    self.assertTrue(between.startswith(parent_path))
        city = next(item for item in items if item["name"] == "Thành phố Cần Thơ")
        self.assertEqual(
            set(city),
            {
                "id",
                "name",
                "short_name",
                "kind",
                "kind_name",
                "parent_id",
                "admin_code",
                "agency_code",
                "valid_from",
                "valid_to",
                "depth",
                "path",
            },
        )
        self.assertEqual(
            (city["kind"], city["kind_name"], city["admin_code"], city["depth"]),
            ("central_city", "Thành phố trực thuộc trung ương", "92", 0),
        )

    def test_filters(self):
        """valid_on, kind, parent, within and q narrow the list."""
        wards_today = self.names(kind="ward", valid_on="2026-01-01")
        self.assertEqual(
            sorted(wards_today),
            sorted(
                [
                    "Phường Ninh Kiều",
                    "Phường Cái Khế",
                    "Phường Bình Thủy",
                    "Phường Ngã Bảy",
                    "Phường Đại Thành",
                ]
            ),
        )
        wards_before = self.names(kind="ward", valid_on="2025-06-30")
        self.assertEqual(
            sorted(wards_before),
            sorted(["Phường Ngã Bảy", "Phường Lái Hiếu", "Phường Hiệp Thành", "Phường Hiệp Lợi"]),
        )
        children = self.names(parent=self.units["tp-nga-bay"].pk)
        self.assertEqual(len(children), 6)
        within = self.names(within=self.units["nga-bay"].pk)
        self.assertEqual(
            within,
            [
                "Phường Ngã Bảy",
                "Trung tâm Phục vụ hành chính công phường Ngã Bảy",
                "Điểm tiếp nhận và trả kết quả số 1 phường Ngã Bảy",
            ],
        )
        self.assertEqual(self.names(within=999_999), [])
        self.assertEqual(self.names(kind="no_such_kind"), [])

    def test_search_ignores_case_and_diacritics(self):
        """“nga bay” finds Ngã Bảy units; “DAI THANH” finds Đại Thành."""
        self.assertIn("Phường Ngã Bảy", self.names(q="nga bay"))
        self.assertIn("Thành phố Ngã Bảy", self.names(q="nga bay"))
        self.assertEqual(sorted(self.names(q="DAI THANH", kind="ward")), ["Phường Đại Thành"])
        self.assertEqual(self.names(q="phường đại thành", valid_on="2024-01-01"), [])
        self.assertEqual(
            self.names(q="TTPVHCC Cần Thơ"), ["Trung tâm Phục vụ hành chính công thành phố Cần Thơ"]
        )

    def test_bad_parameters_are_a_clean_error(self):
        """A malformed date is answered with 422, not a server error."""
        self.assertEqual(self.client.get(URL, {"valid_on": "01/07/2025"}).status_code, 422)
        self.assertEqual(self.client.get(URL, {"page": 0}).status_code, 422)

    def test_query_count_does_not_grow_with_the_page(self):
        """One count and one page query, whatever the number of units."""
        with self.assertNumQueries(2):
            self.client.get(URL, {"page_size": 5})
        for n in range(20):
            make_unit(
                f"Phường Thêm {n}",
                "ward",
                self.units["can-tho"],
                valid_from=self.units["nga-bay"].valid_from,
            )
        with self.assertNumQueries(2):
            response = self.client.get(
                URL, {"page_size": 100, "q": "phuong", "valid_on": "2026-01-01"}
            )
        self.assertEqual(len(response.json()["items"]), 31)  # the 20 added and 11 demo wards


class UnitDetailApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = load_demo_units(ACTOR)

    def test_detail_has_ancestors_predecessors_and_successors(self):
        """Phường Ngã Bảy lists its city and the four units it took over."""
        unit = self.units["nga-bay"]
        with self.assertNumQueries(4):
            response = self.client.get(f"{URL}/{unit.pk}")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual([a["name"] for a in body["ancestors"]], ["Thành phố Cần Thơ"])
        self.assertEqual(
            sorted(p["unit"]["name"] for p in body["predecessors"]),
            sorted(["Phường Ngã Bảy", "Phường Lái Hiếu", "Phường Hiệp Thành", "Thành phố Ngã Bảy"]),
        )
        self.assertTrue(all(p["carries_statistics"] for p in body["predecessors"]))
        self.assertEqual(body["successors"], [])
        self.assertEqual(body["predecessors"][0]["effective_on"], "2025-07-01")

    def test_successors_of_a_former_city(self):
        """Thành phố Ngã Bảy went to two wards; only one carries its statistics."""
        body = self.client.get(f"{URL}/{self.units['tp-nga-bay'].pk}").json()
        self.assertEqual(
            sorted((s["unit"]["name"], s["carries_statistics"]) for s in body["successors"]),
            [("Phường Ngã Bảy", True), ("Phường Đại Thành", False)],
        )
        self.assertEqual([a["name"] for a in body["ancestors"]], ["Tỉnh Hậu Giang"])
        self.assertEqual(body["valid_to"], "2025-07-01")

    def test_unknown_unit_is_404(self):
        """An unknown id answers 404 with the error body."""
        response = self.client.get(f"{URL}/999999")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["code"], "not_found")
        self.assertEqual(response.json()["detail"], "Không có đơn vị nào có mã số 999999.")
