"""The admin shows definitions, sub-criteria and assessments, and changes none of them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import TestCase

from motcua.parindex.models import Assessment, Definition
from motcua.parindex.services import assessment_start
from motcua.parindex.tests.helpers import ParWorld


class AdminTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = ParWorld()
        cls.definition = cls.w.sample()
        cls.assessment = assessment_start(unit=cls.w.ward, year=2026, actor=cls.w.ward_officer)
        cls.root = get_user_model().objects.create_superuser("goc", password="x")

    def test_lists_are_read_only(self) -> None:
        self.client.force_login(self.root)
        for path in ("definition", "subcriterion", "assessment"):
            with self.subTest(path=path):
                response = self.client.get(f"/admin/parindex/{path}/")
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, f"/admin/parindex/{path}/add/")
        page = self.client.get(f"/admin/parindex/definition/{self.definition.pk}/change/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="_save"')
        self.client.post(
            f"/admin/parindex/definition/{self.definition.pk}/delete/", {"post": "yes"}
        )
        self.client.post(
            f"/admin/parindex/assessment/{self.assessment.pk}/delete/", {"post": "yes"}
        )
        self.assertTrue(Definition.objects.filter(pk=self.definition.pk).exists())
        self.assertTrue(Assessment.objects.filter(pk=self.assessment.pk).exists())
