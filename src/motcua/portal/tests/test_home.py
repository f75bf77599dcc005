"""The home page: search, the most used and the online procedures, the offices; real links only."""

from __future__ import annotations

import re

from django.core.cache import cache
from django.test import TestCase

from motcua.core import clock
from motcua.dossiers.tests.helpers import ACTOR, World, at
from motcua.org.services import unit_update


class HomePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()  # procedures 1.001193, 1.000656, 1.001612, 2.000815 (4 are "full")
        unit_update(
            actor=ACTOR,
            unit=cls.w.centre,
            data={"serves_public": True, "address": "Số 1 Hùng Vương, phường Ngã Bảy"},
        )
        with clock.frozen(at(2026, 3, 2, 9)):
            for _ in range(3):
                cls.w.receive(cls.w.hours_version)
            cls.w.receive(cls.w.restart_version)

    def setUp(self):
        cache.delete("portal:most-used")
        self.enterContext(clock.frozen(at(2026, 3, 3, 9)))

    def test_most_used_come_first_by_recent_dossiers(self):
        response = self.client.get("/")
        names = [v.name for v in response.context["most_used"]]
        self.assertEqual(names[:2], ["Chứng thực bản sao từ bản chính", "Đăng ký kết hôn"])
        self.assertEqual(len(names), 4)  # then the rest of the catalogue

    def test_the_page_has_search_online_services_and_offices(self):
        response = self.client.get("/")
        self.assertContains(response, '<label for="q">Tìm thủ tục</label>', html=True)
        self.assertContains(response, 'aria-describedby="q-hint"')
        self.assertContains(response, "Dịch vụ công trực tuyến")
        self.assertContains(response, "Nơi nộp hồ sơ")
        self.assertContains(response, "<h3>Trung tâm Phục vụ hành chính công phường Ngã Bảy</h3>")
        self.assertContains(response, "Số 1 Hùng Vương, phường Ngã Bảy")

    def test_every_card_is_a_link_that_opens(self):
        html = self.client.get("/").content.decode()
        self.assertNotIn("<article>", html)  # the old cards that looked clickable
        cards = re.findall(r'<li><a href="([^"]+)"><span class="card-title">', html)
        self.assertGreaterEqual(len(cards), 6)
        for url in set(cards):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_the_home_page_reads_a_bounded_number_of_rows(self):
        self.client.get("/")  # warm the shared cache of the counts
        # The cached counts, the most used versions, the catalogue's first ones to fill
        # the list, the online ones, the offices: never the dossier table.
        with self.assertNumQueries(5):
            self.client.get("/")
