"""The pages under /sang-kien/: registry, initiative, council scoring, model."""

from __future__ import annotations

from django.test import TestCase

from motcua.initiatives import services
from motcua.initiatives.models import CouncilMember
from motcua.initiatives.tests.helpers import Province
from motcua.initiatives.tests.history import model_with_history
from motcua.initiatives.tests.test_services import register


class PageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.p = Province(wards=10)
        cls.initiative = register(cls.p)
        cls.council = services.council_form(
            actor=cls.p.officer,
            initiative=cls.initiative,
            name="Hội đồng sáng kiến cơ sở",
            members=[("Trần Văn Cường", "Chủ tịch"), ("Lê Thị Dung", ""), ("Phạm Văn Em", "")],
        )
        cls.model = model_with_history(cls.p)

    def setUp(self) -> None:
        self.client.force_login(self.p.officer)

    def test_registry_search_ignores_diacritics(self) -> None:
        response = self.client.get("/sang-kien/", {"q": "khai sinh"})
        self.assertContains(response, "Số hóa hồ sơ khai sinh")
        response = self.client.get("/sang-kien/", {"q": "ho tich"})
        self.assertContains(response, "Số hóa hồ sơ khai sinh")
        response = self.client.get("/sang-kien/", {"q": "đất đai"})
        self.assertNotContains(response, "Số hóa hồ sơ khai sinh")
        self.assertContains(response, "Một cửa không giấy")

    def test_staff_without_the_role_are_refused(self) -> None:
        self.client.force_login(self.p.clerk)
        self.assertEqual(self.client.get("/sang-kien/").status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get("/sang-kien/").status_code, 302)

    def test_council_scoring_refuses_a_bad_score_and_writes_nothing(self) -> None:
        members = list(CouncilMember.objects.filter(council=self.council).order_by("id"))
        url = f"/sang-kien/{self.initiative.pk}/hoi-dong/"
        data = {"save": "1", f"s-score_{members[0].pk}": "120", f"s-score_{members[1].pk}": "80"}
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "error-summary", status_code=400)
        self.assertContains(response, "từ 0 đến 100", status_code=400)
        self.assertFalse(
            CouncilMember.objects.filter(pk=members[0].pk, score__isnull=False).exists()
        )

    def test_council_scoring_then_conclusion(self) -> None:
        members = list(CouncilMember.objects.filter(council=self.council).order_by("id"))
        url = f"/sang-kien/{self.initiative.pk}/hoi-dong/"
        data = {"save": "1"} | {
            f"s-score_{m.pk}": s for m, s in zip(members, ("80", "75,5", "90"), strict=True)
        }
        self.assertEqual(self.client.post(url, data).status_code, 302)
        response = self.client.post(url, {"conclude": "1", "c-opinion": "Sáng kiến có hiệu quả."})
        self.assertEqual(response.status_code, 302)
        page = self.client.get(f"/sang-kien/{self.initiative.pk}/")
        self.assertContains(page, "81,83")
        self.assertContains(page, "Hội đồng đánh giá đạt")

    def test_model_page_shows_effect_chart_and_where_next(self) -> None:
        response = self.client.get(f"/sang-kien/mo-hinh/{self.model.pk}/")
        self.assertContains(response, "nâng tỷ lệ đúng hạn")
        self.assertContains(response, "<svg")
        self.assertContains(response, "Phường Số 4")
        self.assertContains(response, "Nơi nên nhân rộng tiếp")
        self.assertContains(response, "Ước lượng (khoảng tin cậy 95%)")
        self.assertContains(response, "Khoảng tin cậy 95%.")
        self.assertEqual(self.client.get("/sang-kien/mo-hinh/999999/").status_code, 404)
