"""PAKN from the portal to the published, rated answer; staff entry; overdue alerts."""

from __future__ import annotations

import re

from django.test import TestCase, override_settings

from motcua.core import clock
from motcua.core.audit import audit_verify
from motcua.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from motcua.core.models import AuditEvent, Notification
from motcua.feedback.jobs import feedback_alert
from motcua.feedback.models import Pakn
from motcua.feedback.services import evaluation_submit
from motcua.feedback.services.pakn import (
    Sender,
    pakn_answer,
    pakn_assign,
    pakn_publish,
    pakn_submit,
)
from motcua.feedback.tests.helpers import World, at, returned

FORM = {
    "sender_name": "Lê Văn Tâm",
    "sender_phone": "0987 654 321",
    "sender_email": "tam.le@example.vn",
    "sender_address": "",
    "title": "Chờ lâu khi nộp hồ sơ",
    "content": "Tôi phải chờ hơn một giờ tại quầy số 2 mà không có ai hướng dẫn.",
    "dossier_code": "",
    "consent_publish": "on",
    "website": "",
}


class PaknFlowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def test_from_the_portal_to_the_published_answer(self):
        d = returned(self.w)
        with clock.frozen(at(2026, 3, 2, 15)):
            sent = self.client.post("/phan-anh-kien-nghi/gui/", {**FORM, "dossier_code": d.code})
        self.assertContains(sent, "PAKN-260302-")
        pakn = Pakn.objects.get()
        self.assertEqual((pakn.channel, pakn.status, pakn.dossier), ("portal", "received", d))
        track = re.search(
            r'href="(/phan-anh-kien-nghi/theo-doi/[^"]+/)"', sent.content.decode()
        ).group(1)

        self.client.force_login(self.w.leader)  # the ward's leader handles the ward's PAKN
        with clock.frozen(at(2026, 3, 2, 16)):
            page = self.client.get(f"/phan-hoi/pakn/{pakn.pk}/")
            self.assertContains(page, "Lê Văn Tâm")
            self.client.post(
                f"/phan-hoi/pakn/{pakn.pk}/",
                {
                    "assign": "1",
                    "kind": "handling",
                    "unit": str(self.w.ward.pk),
                    "dossier_code": "",
                },
            )
        pakn.refresh_from_db()
        self.assertEqual((pakn.status, pakn.kind, pakn.unit), ("assigned", "handling", self.w.ward))
        # 10 working days from Monday 2/3 16:00: Monday 16/3, 17:00.
        self.assertEqual(pakn.due_at, at(2026, 3, 16, 17))
        with clock.frozen(at(2026, 3, 5, 10)):
            self.client.post(
                f"/phan-hoi/pakn/{pakn.pk}/",
                {
                    "send_answer": "1",
                    "answer": "Chúng tôi xin lỗi; đã bố trí thêm cán bộ hướng dẫn.",
                },
            )
            self.client.post(f"/phan-hoi/pakn/{pakn.pk}/", {"publish": "1"})
        pakn.refresh_from_db()
        self.assertEqual(pakn.status, "published")
        self.assertIs(pakn.on_time, True)
        self.client.logout()

        public = self.client.get("/phan-anh-kien-nghi/")
        self.assertContains(public, "đã bố trí thêm cán bộ hướng dẫn")
        self.assertNotContains(public, "Lê Văn Tâm")
        self.assertNotContains(public, "0987")
        with clock.frozen(at(2026, 3, 5, 11)):
            rated = self.client.post(track, {"rating": "satisfied"})
            self.assertContains(rated, "Hài lòng với trả lời")
            again = self.client.post(track, {"rating": "dissatisfied"})
        self.assertEqual(again.status_code, 400)
        pakn.refresh_from_db()
        self.assertEqual(pakn.answer_rating, "satisfied")
        self.assertEqual(
            list(
                AuditEvent.objects.filter(stream=f"feedback.pakn:{pakn.pk}")
                .order_by("seq")
                .values_list("action", flat=True)
            ),
            [
                "feedback.pakn_submit",
                "feedback.pakn_assign",
                "feedback.pakn_answer",
                "feedback.pakn_publish",
                "feedback.pakn_rate_answer",
            ],
        )
        self.assertEqual(
            sorted(
                Notification.objects.filter(object_type="feedback.pakn").values_list(
                    "event", flat=True
                )
            ),
            ["feedback.pakn_answered", "feedback.pakn_received"],
        )
        self.assertEqual(audit_verify(), [])

    def test_no_publication_without_consent_and_answers_go_in_order(self):
        with clock.frozen(at(2026, 3, 2, 9)):
            pakn = pakn_submit(
                channel="hotline",
                sender=Sender(name="Nguyễn Văn Bình", phone="0901234567"),
                title="Hỏi về lệ phí",
                content="Lệ phí đăng ký khai sinh là bao nhiêu?",
                actor=self.w.intake,
                unit=self.w.centre,
            )
            self.assertEqual((pakn.entered_by, pakn.unit), (self.w.intake, self.w.centre))
            with self.assertRaises(ConflictError):
                pakn_answer(
                    pakn=pakn, actor=self.w.director, answer="Miễn lệ phí khai sinh đúng hạn."
                )
            with self.assertRaises(PermissionDeniedError):
                pakn_assign(pakn=pakn, actor=self.w.outsider, kind="regulation", unit=self.w.centre)
            pakn_assign(pakn=pakn, actor=self.w.director, kind="regulation", unit=self.w.centre)
            pakn_answer(pakn=pakn, actor=self.w.director, answer="Miễn lệ phí khai sinh đúng hạn.")
            with self.assertRaises(ConflictError) as caught:
                pakn_publish(pakn=pakn, actor=self.w.director)
        self.assertEqual(caught.exception.code, "no_consent")

    def test_bad_input_is_refused_with_the_field(self):
        cases = [
            ({"name": ""}, "sender_name"),
            ({"phone": "", "email": ""}, "sender_phone"),
            ({"email": "not-an-address"}, "sender_email"),
        ]
        for sender_changes, field in cases:
            base = {"name": "Lê Văn Tâm", "phone": "0987654321", "email": ""}
            base.update(sender_changes)
            with self.assertRaises(ApplicationError) as caught:
                pakn_submit(
                    channel="portal",
                    sender=Sender(**base),
                    title="Tiêu đề",
                    content="Nội dung đủ dài ở đây",
                )
            self.assertEqual(caught.exception.extra["errors"][0]["field"], field)
        with self.assertRaises(PermissionDeniedError):  # staff do not pose as the portal
            pakn_submit(
                channel="portal",
                sender=Sender(name="A", phone="0987654321"),
                title="T",
                content="Nội dung đủ dài ở đây",
                actor=self.w.intake,
            )
        with self.assertRaises(PermissionDeniedError):  # nor enter for a unit not theirs
            pakn_submit(
                channel="letter",
                sender=Sender(name="A", phone="0987654321"),
                title="T",
                content="Nội dung đủ dài ở đây",
                actor=self.w.outsider,
                unit=self.w.centre,
            )
        response = self.client.post(
            "/phan-anh-kien-nghi/gui/", {**FORM, "sender_email": "x@", "dossier_code": "KHONG-CO"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Pakn.objects.exists())

    def test_the_honeypot_keeps_robots_out(self):
        response = self.client.post(
            "/phan-anh-kien-nghi/gui/", {**FORM, "website": "http://spam.example"}
        )
        self.assertContains(response, "Cảm ơn")
        self.assertFalse(Pakn.objects.exists())

    @override_settings(MOTCUA_FEEDBACK_PUBLIC_PER_HOUR=2)
    def test_public_submissions_are_rate_limited(self):
        from django.core.cache import cache

        cache.clear()
        codes = [self.client.post("/phan-anh-kien-nghi/gui/", FORM).status_code for _ in range(3)]
        self.assertEqual(codes, [200, 200, 429])
        self.assertEqual(Pakn.objects.count(), 2)


class OverdueAlertTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def test_overdue_follow_ups_and_pakn_are_alerted_once(self):
        d = returned(self.w)
        with clock.frozen(at(2026, 3, 2, 15)):
            e = evaluation_submit(dossier=d, channel="kiosk", level="dissatisfied")
            pakn = pakn_submit(
                channel="letter",
                sender=Sender(name="Nguyễn Văn Bình", address="Số 3 Hùng Vương"),
                title="Thư góp ý",
                content="Đề nghị niêm yết thêm thủ tục.",
                actor=self.w.intake,
                unit=self.w.centre,
            )
            pakn_assign(pakn=pakn, actor=self.w.director, kind="regulation", unit=self.w.centre)
        self.assertEqual(e.follow_up.due_at, at(2026, 3, 5, 17))
        with clock.frozen(at(2026, 3, 5, 17)):
            self.assertEqual((feedback_alert().follow_ups, feedback_alert().pakn), (0, 0))
        with clock.frozen(at(2026, 3, 5, 17, 1)):
            first = feedback_alert()
        self.assertEqual((first.follow_ups, first.pakn, first.messages), (1, 0, 1))
        with clock.frozen(at(2026, 3, 17, 8)):
            second = feedback_alert()
            third = feedback_alert()
        self.assertEqual((second.follow_ups, second.pakn), (0, 1))
        self.assertEqual((third.follow_ups, third.pakn, third.messages), (0, 0, 0))
        bodies = list(
            Notification.objects.filter(event="feedback.overdue")
            .order_by("id")
            .values_list("recipient", "body")
        )
        self.assertEqual([r for r, _b in bodies], [self.w.director.email] * 2)
        self.assertIn(d.code, bodies[0][1])
        self.assertIn(pakn.code, bodies[1][1])


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


class PaknAttachmentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def test_a_photo_travels_with_the_feedback_and_only_staff_open_it(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        photo = SimpleUploadedFile("ghe-cho.png", _png(), content_type="image/png")
        with clock.frozen(at(2026, 3, 2, 15)):
            response = self.client.post("/phan-anh-kien-nghi/gui/", {**FORM, "attachment": photo})
        self.assertEqual(response.status_code, 200)
        pakn = Pakn.objects.get()
        [attachment] = pakn.attachments.all()
        self.assertEqual((attachment.name, attachment.content_type), ("ghe-cho.png", "image/png"))
        url = f"/phan-hoi/pakn/{pakn.pk}/tep/{attachment.pk}/"
        self.client.force_login(self.w.outsider)  # no director role anywhere
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.w.director)
        download = self.client.get(url)
        self.assertEqual(download.status_code, 200)
        self.assertTrue(b"".join(download.streaming_content).startswith(b"\x89PNG"))
        self.assertEqual(download["Cache-Control"], "private, no-store")

    def test_a_disguised_file_is_refused_and_nothing_is_written(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        fake = SimpleUploadedFile("anh.png", b"MZ\x90\x00 not a picture", content_type="image/png")
        response = self.client.post("/phan-anh-kien-nghi/gui/", {**FORM, "attachment": fake})
        self.assertContains(response, "Chỉ nhận tệp PDF, JPEG và PNG", status_code=400)
        self.assertFalse(Pakn.objects.exists())


class PaknListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def test_the_list_filters_by_state_and_marks_the_overdue(self):
        with clock.frozen(at(2026, 3, 2, 9)):
            for title in ("Thư đã giao", "Thư mới"):
                pakn_submit(
                    channel="letter",
                    sender=Sender(name="Người gửi", phone="0987654321"),
                    title=title,
                    content="Nội dung thư góp ý đủ dài",
                    actor=self.w.intake,
                    unit=self.w.centre,
                )
            pakn_assign(
                pakn=Pakn.objects.get(title="Thư đã giao"),
                actor=self.w.director,
                kind="regulation",
                unit=self.w.centre,
            )
        self.client.force_login(self.w.director)
        with clock.frozen(at(2026, 3, 20, 9)):
            every = self.client.get("/phan-hoi/pakn/")
            assigned = self.client.get("/phan-hoi/pakn/?trang-thai=assigned")
        self.assertContains(every, "Thư mới")
        self.assertContains(every, "due-overdue", count=1)
        self.assertContains(every, "format=xlsx")
        self.assertContains(assigned, "Thư đã giao")
        self.assertNotContains(assigned, "Thư mới")


class UnassignedPaknPrivacyTests(TestCase):
    """A PAKN not yet assigned shows its sender only to those who may take it up."""

    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        cls.other_leader = cls.w._user("lanhdao2", "commune_leader", cls.w.other_ward)
        cls.dossier = returned(cls.w)

    def send(self, dossier_code=""):
        with clock.frozen(at(2026, 3, 2, 15)):
            self.client.post("/phan-anh-kien-nghi/gui/", {**FORM, "dossier_code": dossier_code})
        self.client.logout()
        return Pakn.objects.latest("pk")

    def sees(self, user, pakn):
        self.client.force_login(user)
        detail = self.client.get(f"/phan-hoi/pakn/{pakn.pk}/")
        listed = self.client.get("/phan-hoi/pakn/")
        return (detail.status_code, pakn.code in listed.content.decode())

    def test_without_a_dossier_only_the_triage_desk_sees_it(self):
        pakn = self.send()
        self.assertEqual(self.sees(self.w.director, pakn), (200, True))
        self.assertEqual(self.sees(self.w.leader, pakn), (404, False))
        self.assertEqual(self.sees(self.other_leader, pakn), (404, False))

    def test_about_a_dossier_the_directors_over_its_desk_see_it(self):
        pakn = self.send(self.dossier.code)
        self.assertEqual(self.sees(self.w.leader, pakn), (200, True))
        self.assertEqual(self.sees(self.w.director, pakn), (200, True))
        self.assertEqual(self.sees(self.other_leader, pakn), (404, False))

    @override_settings(MOTCUA_PAKN_TRIAGE_ROLES=["commune_leader"])
    def test_the_triage_roles_are_a_setting(self):
        pakn = self.send()
        self.assertEqual(self.sees(self.other_leader, pakn), (200, True))
        self.assertEqual(self.sees(self.w.director, pakn), (404, False))
