"""The rating from the citizen's account: only their own returned dossier, once."""

from __future__ import annotations

from django.test import TestCase

from motcua.citizens.codes import citizen_create
from motcua.core import clock
from motcua.dossiers.models import Dossier
from motcua.feedback.models import Evaluation
from motcua.feedback.tests.helpers import World, at, handled, returned


class AccountRatingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        cls.citizen = citizen_create(email="ngoc@example.vn", full_name="Trần Thị Bích Ngọc")
        cls.other = citizen_create(email="khac@example.vn", full_name="Người khác")
        cls.mine = returned(cls.w, day=2)
        cls.pending = handled(cls.w, day=3)
        # The dossiers the citizen submitted from the account (linked by the citizens app).
        Dossier.objects.filter(pk__in=[cls.mine.pk, cls.pending.pk]).update(
            created_by=cls.citizen.user
        )

    def test_the_citizen_rates_their_returned_dossier_once(self):
        self.client.force_login(self.citizen.user)
        with clock.frozen(at(2026, 3, 2, 15)):
            page = self.client.get(f"/danh-gia/ho-so/{self.mine.code}/")
            self.assertContains(page, self.mine.procedure_version.name)
            done = self.client.post(f"/danh-gia/ho-so/{self.mine.code}/", {"level": "satisfied"})
            self.assertContains(done, "Đánh giá đã được ghi nhận")
            again = self.client.get(f"/danh-gia/ho-so/{self.mine.code}/")
        self.assertContains(again, "đã được đánh giá", status_code=409)
        e = Evaluation.objects.get()
        self.assertEqual(
            (e.channel, e.level, e.intake_officer), ("account", "satisfied", self.w.intake)
        )

    def test_refusals(self):
        self.client.force_login(self.other.user)  # not their dossier
        self.assertEqual(self.client.get(f"/danh-gia/ho-so/{self.mine.code}/").status_code, 404)
        self.client.force_login(self.citizen.user)
        not_returned = self.client.get(f"/danh-gia/ho-so/{self.pending.code}/")
        self.assertEqual(not_returned.status_code, 409)
        self.client.force_login(self.w.intake)  # staff are not citizens
        self.assertEqual(self.client.get(f"/danh-gia/ho-so/{self.mine.code}/").status_code, 403)
        self.client.logout()
        self.assertRedirects(
            self.client.get(f"/danh-gia/ho-so/{self.mine.code}/"),
            f"/cong-dan/dang-nhap/?next=/danh-gia/ho-so/{self.mine.code}/",
            fetch_redirect_response=False,
        )
        self.assertFalse(Evaluation.objects.exists())


class CitizenDossierPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        cls.citizen = citizen_create(email="ngoc@example.vn", full_name="Trần Thị Bích Ngọc")
        cls.mine = returned(cls.w, day=2)
        Dossier.objects.filter(pk=cls.mine.pk).update(created_by=cls.citizen.user)

    def test_the_dossier_page_links_to_the_rating_until_rated(self):
        self.client.force_login(self.citizen.user)
        page = self.client.get(f"/cong-dan/ho-so/{self.mine.code}/")
        self.assertContains(page, f'href="/danh-gia/ho-so/{self.mine.code}/"')
        with clock.frozen(at(2026, 3, 2, 15)):
            self.client.post(f"/danh-gia/ho-so/{self.mine.code}/", {"level": "very_satisfied"})
        page = self.client.get(f"/cong-dan/ho-so/{self.mine.code}/")
        self.assertNotContains(page, "/danh-gia/ho-so/")
