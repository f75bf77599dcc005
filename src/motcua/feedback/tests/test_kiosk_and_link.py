"""The counter kiosk and the rating link: each abuse the issue names is refused."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core import signing
from django.test import TestCase, override_settings

from motcua.core import clock
from motcua.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from motcua.core.models import AuditEvent, Notification
from motcua.feedback.models import Evaluation, Kiosk, KioskSession, RatingInvite
from motcua.feedback.services import (
    invite_open,
    invite_rate,
    kiosk_create,
    kiosk_current,
    kiosk_from_secret,
    kiosk_pair,
    kiosk_pairing_start,
    kiosk_rate,
    kiosk_send,
)
from motcua.feedback.services.invites import SALT
from motcua.feedback.tests.helpers import World, at, returned
from motcua.feedback.views import KIOSK_COOKIE

NOW = at(2026, 3, 2, 14, 5)


def paired(w: World, unit=None, name="Quầy 1", actor=None) -> tuple[Kiosk, str]:
    kiosk = kiosk_create(unit=unit or w.centre, name=name, actor=actor or w.intake)
    code = kiosk_pairing_start(kiosk=kiosk, actor=actor or w.intake)
    return kiosk_pair(code=code)


class KioskServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        cls.other_intake = cls.w._user("tiepnhan2", "intake_officer", cls.w.other_ward)

    def setUp(self):
        self.frozen = clock.frozen(NOW)
        self.frozen.__enter__()
        self.addCleanup(self.frozen.__exit__, None, None, None)

    def test_send_show_rate_reset(self):
        d = returned(self.w)
        kiosk, secret = paired(self.w)
        self.assertEqual(kiosk_from_secret(secret), kiosk)
        self.assertIsNone(kiosk_current(kiosk))
        session = kiosk_send(kiosk=kiosk, dossier=d, actor=self.w.intake)
        self.assertEqual(kiosk_current(kiosk), session)
        e = kiosk_rate(kiosk=kiosk, session_id=session.pk, level="very_satisfied")
        self.assertEqual((e.dossier_id, e.channel, e.level), (d.pk, "kiosk", "very_satisfied"))
        self.assertIsNone(kiosk_current(kiosk))  # reset: nothing waits any more
        session.refresh_from_db()
        self.assertEqual(session.status, "rated")

    def test_a_kiosk_cannot_be_driven_from_another_desk(self):
        d = returned(self.w)
        kiosk, _secret = paired(self.w)
        with self.assertRaises(PermissionDeniedError) as caught:
            kiosk_send(kiosk=kiosk, dossier=d, actor=self.other_intake)
        self.assertEqual(caught.exception.code, "other_desk")
        # The other desk's own kiosk cannot show this desk's dossier either.
        other, _ = paired(self.w, unit=self.w.other_ward, name="Quầy 1", actor=self.other_intake)
        with self.assertRaises(PermissionDeniedError):
            kiosk_send(kiosk=other, dossier=d, actor=self.other_intake)
        # A case handler of the right unit is not a desk officer.
        with self.assertRaises(PermissionDeniedError):
            kiosk_send(kiosk=kiosk, dossier=d, actor=self.w.handler)
        self.assertFalse(KioskSession.objects.exists())

    def test_another_kiosk_cannot_answer_a_session(self):
        d = returned(self.w)
        kiosk, _ = paired(self.w)
        _second, second_secret = paired(self.w, name="Quầy 2")
        session = kiosk_send(kiosk=kiosk, dossier=d, actor=self.w.intake)
        with self.assertRaises(NotFoundError) as caught:
            kiosk_rate(
                kiosk=kiosk_from_secret(second_secret), session_id=session.pk, level="satisfied"
            )
        self.assertEqual(caught.exception.code, "no_kiosk_session")
        self.assertFalse(Evaluation.objects.exists())

    def test_a_forged_or_old_tablet_secret_is_not_a_kiosk(self):
        kiosk, secret = paired(self.w)
        self.assertIsNone(kiosk_from_secret(f"{kiosk.pk}.not-the-secret"))
        self.assertIsNone(kiosk_from_secret(secret.replace(f"{kiosk.pk}.", "999.")))
        # Pairing again (a new tablet) retires the old tablet's secret.
        code = kiosk_pairing_start(kiosk=kiosk, actor=self.w.intake)
        _kiosk, new_secret = kiosk_pair(code=code)
        self.assertIsNone(kiosk_from_secret(secret))
        self.assertEqual(kiosk_from_secret(new_secret), kiosk)
        with self.assertRaises(ApplicationError) as caught:
            kiosk_pair(code=code)  # a pairing code works once
        self.assertEqual(caught.exception.code, "invalid_pairing_code")

    def test_an_unanswered_kiosk_resets_itself(self):
        d = returned(self.w)
        kiosk, _ = paired(self.w)
        session = kiosk_send(kiosk=kiosk, dossier=d, actor=self.w.intake)
        with clock.frozen(NOW + timedelta(seconds=301)):
            self.assertIsNone(kiosk_current(kiosk))
            with self.assertRaises(ConflictError) as caught:
                kiosk_rate(kiosk=kiosk, session_id=session.pk, level="satisfied")
        self.assertEqual(caught.exception.code, "kiosk_session_over")
        session.refresh_from_db()
        self.assertEqual(session.status, "expired")

    def test_staff_signed_in_on_the_kiosk_cannot_rate(self):
        d = returned(self.w)
        kiosk, _ = paired(self.w)
        session = kiosk_send(kiosk=kiosk, dossier=d, actor=self.w.intake)
        with self.assertRaises(PermissionDeniedError):
            kiosk_rate(
                kiosk=kiosk, session_id=session.pk, level="very_satisfied", actor=self.w.intake
            )
        self.assertFalse(Evaluation.objects.exists())


class KioskPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def test_the_kiosk_page_shows_nothing_personal_and_takes_the_tap(self):
        d = returned(self.w)
        with clock.frozen(NOW):
            kiosk, secret = paired(self.w)
            kiosk_send(kiosk=kiosk, dossier=d, actor=self.w.intake)
            self.client.cookies[KIOSK_COOKIE] = secret
            page = self.client.get("/danh-gia/may/").content.decode()
        self.assertIn(d.procedure_version.name, page)
        for personal in (d.applicant_name, d.applicant_id_number, d.code, "0912", "Lê Lợi"):
            self.assertNotIn(personal, page)
        session = re.search(r'name="session" value="(\d+)"', page).group(1)
        with clock.frozen(NOW):
            response = self.client.post(
                "/danh-gia/may/",
                {"session": session, "level": "dissatisfied", "comment": "Chờ lâu"},
            )
        self.assertContains(response, "Cảm ơn Ông/Bà! Đánh giá đã được ghi nhận.")
        self.assertContains(response, 'http-equiv="refresh"')
        e = Evaluation.objects.get()
        self.assertEqual((e.level, e.comment), ("dissatisfied", "Chờ lâu"))
        with clock.frozen(NOW):
            idle = self.client.get("/danh-gia/may/")
        self.assertContains(idle, 'id="kiosk-idle"')

    def test_an_unpaired_tablet_sees_the_pairing_form(self):
        response = self.client.get("/danh-gia/may/")
        self.assertContains(response, "Kết nối máy tính bảng với quầy")
        response = self.client.post("/danh-gia/may/", {"code": "12345678"})
        self.assertContains(response, "Mã kết nối không đúng hoặc đã hết hạn", status_code=400)
        self.assertNotIn(KIOSK_COOKIE, response.cookies)


class RatingLinkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def token_of(self, dossier) -> str:
        body = Notification.objects.get(
            event="feedback.rating_invite", channel="email", object_id=str(dossier.pk)
        ).body
        return re.search(r"/danh-gia/([^/\s]+)/", body).group(1)

    def test_the_return_message_carries_a_link_that_works_once(self):
        d = returned(self.w)
        token = self.token_of(d)
        with clock.frozen(NOW):
            page = self.client.get(f"/danh-gia/{token}/")
            self.assertContains(page, d.procedure_version.name)
            self.assertNotContains(page, d.applicant_name)
            data = {"level": "satisfied", **{f"indicator_{n}": "2" for n in range(1, 10)}}
            done = self.client.post(f"/danh-gia/{token}/", data)
            self.assertContains(done, "Đánh giá đã được ghi nhận")
            e = Evaluation.objects.get()
            self.assertEqual((e.channel, e.total, e.band), ("link", 18, "Xuất sắc"))
            replay = self.client.post(f"/danh-gia/{token}/", {"level": "dissatisfied"})
        self.assertContains(replay, "đã được sử dụng", status_code=409)
        self.assertEqual(Evaluation.objects.get().level, "satisfied")
        self.assertEqual(AuditEvent.objects.filter(action="feedback.evaluation_submit").count(), 1)

    def test_a_forged_link_is_refused(self):
        d = returned(self.w)
        token = self.token_of(d)
        invite = RatingInvite.objects.get(dossier=d)
        forged = [
            token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
            signing.dumps({"i": invite.pk, "n": "guess"}, salt=SALT),  # right key, wrong nonce
            signing.dumps({"i": invite.pk, "n": invite.nonce}, salt="other", key="x" * 50),
            "abc",
        ]
        with clock.frozen(NOW):
            for bad in forged:
                with self.assertRaises(ApplicationError) as caught:
                    invite_rate(token=bad, level="satisfied")
                self.assertEqual(caught.exception.code, "invalid_link")
                self.assertEqual(self.client.get(f"/danh-gia/{bad}/").status_code, 400)
        self.assertFalse(Evaluation.objects.exists())

    @override_settings(MOTCUA_FEEDBACK_LINK_DAYS=30)
    def test_an_expired_link_is_refused(self):
        d = returned(self.w)
        token = self.token_of(d)
        with clock.frozen(at(2026, 4, 2, 14)), self.assertRaises(ApplicationError) as caught:
            invite_open(token)
        self.assertEqual(caught.exception.code, "link_expired")
        with clock.frozen(at(2026, 4, 1, 14)):
            self.assertEqual(invite_open(token).dossier_id, d.pk)

    def test_staff_following_the_link_cannot_rate(self):
        d = returned(self.w)
        token = self.token_of(d)
        self.client.force_login(self.w.intake)
        with clock.frozen(NOW):
            response = self.client.post(f"/danh-gia/{token}/", {"level": "very_satisfied"})
        self.assertContains(response, "Cán bộ không được đánh giá thay người dân", status_code=400)
        self.assertFalse(Evaluation.objects.exists())
        self.assertIsNone(RatingInvite.objects.get(dossier=d).used_at)
