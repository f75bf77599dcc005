"""Registering an initiative, forming its council, recognising it; a model's lifecycle, by page."""

from __future__ import annotations

from django.test import TestCase

from motcua.initiatives.constants import InitiativeStatus, ModelStatus
from motcua.initiatives.models import Initiative, ReformModel, Replication
from motcua.initiatives.tests.helpers import Province


class FormPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.p = Province()

    def setUp(self) -> None:
        self.client.force_login(self.p.officer)

    def test_register_refuses_unknown_codes_then_registers(self) -> None:
        data = {
            "title": "Phiếu hẹn có mã QR",
            "authors": "Lê Hoàng Nam",
            "unit": str(self.p.wards[0].pk),
            "problem": "Người dân gọi hỏi tiến độ.",
            "solution": "In mã QR trên phiếu hẹn.",
            "procedure_codes": "2.000635, 9.999999",
        }
        response = self.client.post("/sang-kien/dang-ky/", data)
        self.assertContains(response, "9.999999", status_code=400)
        self.assertContains(response, "error-summary", status_code=400)
        self.assertEqual(Initiative.objects.count(), 0)
        data["procedure_codes"] = "2.000635"
        response = self.client.post("/sang-kien/dang-ky/", data)
        initiative = Initiative.objects.get()
        self.assertRedirects(response, f"/sang-kien/{initiative.pk}/")
        council = {
            "name": "Hội đồng sáng kiến cơ sở",
            "members": "Võ Minh Tâm - Chủ tịch\nĐặng Thị Hoa - Thư ký\nHuỳnh Văn Sáu",
            "pass_mark": "70",
        }
        response = self.client.post(f"/sang-kien/{initiative.pk}/lap-hoi-dong/", council)
        self.assertRedirects(response, f"/sang-kien/{initiative.pk}/hoi-dong/")
        members = list(initiative.council.members.order_by("id"))
        self.assertEqual([m.position for m in members], ["Chủ tịch", "Thư ký", ""])
        scores = {"save": "1"} | {f"s-score_{m.pk}": "80" for m in members}
        self.client.post(f"/sang-kien/{initiative.pk}/hoi-dong/", scores)
        self.client.post(f"/sang-kien/{initiative.pk}/hoi-dong/", {"conclude": "1"})
        decision = {"decision_number": "12/QĐ-UBND", "decided_on": "2026-11-20", "scope": "unit"}
        response = self.client.post(f"/sang-kien/{initiative.pk}/cong-nhan/", decision)
        self.assertRedirects(response, f"/sang-kien/{initiative.pk}/")
        initiative.refresh_from_db()
        self.assertEqual(initiative.status, InitiativeStatus.RECOGNISED)

    def test_model_lifecycle_by_page(self) -> None:
        data = {
            "title": "Một cửa không giấy",
            "unit": str(self.p.wards[0].pk),
            "pilot_started_on": "2026-01-05",
            "procedure_codes": "2.000635",
        }
        response = self.client.post("/sang-kien/mo-hinh/moi/", data)
        model = ReformModel.objects.get()
        self.assertRedirects(response, f"/sang-kien/mo-hinh/{model.pk}/")
        base = f"/sang-kien/mo-hinh/{model.pk}"
        # Replicating a pilot is not an action the table allows.
        self.assertEqual(self.client.get(f"{base}/replicate/").status_code, 409)
        self.client.post(f"{base}/evaluate/", {"evaluation": "Hiệu quả"})
        self.client.post(
            f"{base}/recognise/",
            {"decision_number": "3/QĐ-UBND", "decided_on": "2026-03-02", "scope": "province"},
        )
        response = self.client.post(
            f"{base}/replicate/",
            {"unit": str(self.p.wards[1].pk), "adopted_on": "2026-02-01"},
        )
        self.assertContains(response, "02/03/2026", status_code=400)
        response = self.client.post(
            f"{base}/replicate/",
            {"unit": str(self.p.wards[1].pk), "adopted_on": "2026-04-01"},
        )
        self.assertRedirects(response, f"{base}/")
        model.refresh_from_db()
        self.assertEqual(model.status, ModelStatus.REPLICATED)
        self.assertEqual(Replication.objects.filter(model=model).count(), 1)
        self.assertEqual(self.client.get(f"{base}/fly/").status_code, 404)


class EvidenceTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.p = Province()

    def test_an_evidence_file_is_checked_stored_and_served(self) -> None:
        import io
        import tempfile

        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import override_settings
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
        self.client.force_login(self.p.officer)
        data = {
            "title": "Phiếu hẹn có mã QR",
            "authors": "Lê Hoàng Nam",
            "unit": str(self.p.wards[0].pk),
            "problem": "Người dân gọi hỏi tiến độ.",
            "solution": "In mã QR trên phiếu hẹn.",
        }
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            bad = SimpleUploadedFile("virus.png", b"MZ not an image", content_type="image/png")
            response = self.client.post("/sang-kien/dang-ky/", data | {"evidence": bad})
            self.assertEqual(response.status_code, 400)
            self.assertEqual(Initiative.objects.count(), 0)
            good = SimpleUploadedFile("anh.png", buffer.getvalue(), content_type="image/png")
            self.client.post("/sang-kien/dang-ky/", data | {"evidence": good})
            initiative = Initiative.objects.get()
            evidence = initiative.evidence.get()
            page = self.client.get(f"/sang-kien/{initiative.pk}/")
            url = f"/sang-kien/{initiative.pk}/minh-chung/{evidence.pk}/"
            self.assertContains(page, url)
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200)
            self.assertTrue(b"".join(response.streaming_content).startswith(b"\x89PNG"))  # type: ignore[attr-defined]
            self.assertEqual(
                self.client.get(f"/sang-kien/{initiative.pk}/minh-chung/999/").status_code, 404
            )
