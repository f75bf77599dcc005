"""Notifications leave after the commit, by e-mail and SMS, and a failing channel is retried."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from email import message_from_bytes
from email import policy as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from unittest import mock

from django.core import mail
from django.core.mail.message import MIMEMixin
from django.test import TestCase, TransactionTestCase, override_settings

from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.core.models import Notification
from motcua.core.notifications import RETRY_DELAYS, notifications_retry_due
from motcua.dossiers import services as s
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.jobs import dossiers_alert
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import common
from motcua.dossiers.tests.helpers import DossierTestCase, World, at


class Gateway:
    """A real HTTP SMS gateway on 127.0.0.1 that records what it receives."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.failing = False
        self.headers: list[dict[str, str]] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if gateway.failing:
                    self.send_response(503)
                    self.end_headers()
                    return
                gateway.received.append(json.loads(body))
                gateway.headers.append(dict(self.headers))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status": "queued"}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class NotificationDeliveryTests(DossierTestCase):
    def setUp(self):
        self.gateway = Gateway()
        self.addCleanup(self.gateway.close)
        self.enterContext(
            override_settings(
                MOTCUA_SMS_GATEWAY_URL=self.gateway.url, MOTCUA_SMS_GATEWAY_TOKEN="t0ken"
            )
        )

    def receive(self, *args: Any, **kwargs: Any) -> Dossier:
        """Receive as the base does, and run what waits for the commit (the deliveries)."""
        with self.captureOnCommitCallbacks(execute=True):
            return super().receive(*args, **kwargs)

    def test_the_subject_of_the_sent_email_starts_with_its_first_word(self):
        """The encoded Subject is not folded onto a line of its own (read as " Hồ sơ …")."""
        d = self.receive()
        sent = mail.outbox[0]
        # Django 5.2 builds a SafeMIMEText (its stubs describe 6.0's EmailMessage).
        raw = cast(MIMEMixin, sent.message()).as_bytes(linesep="\r\n")
        header = next(line for line in raw.split(b"\r\n") if line.startswith(b"Subject:"))
        self.assertNotEqual(header.strip(), b"Subject:")
        parsed = message_from_bytes(raw, policy=email_policy.default)
        self.assertEqual(parsed["Subject"], f"Hồ sơ {d.code} đã được tiếp nhận")
        self.assertEqual(Notification.objects.get(channel="email").subject, parsed["Subject"])

    def test_receipt_goes_out_by_email_and_sms_after_commit(self):
        dossier = self.receive()
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["ngoc.tran@example.vn"])
        self.assertEqual(message.subject, f"Hồ sơ {dossier.code} đã được tiếp nhận")
        self.assertIn("Thời gian hẹn trả kết quả: 17:00 05/03/2026", message.body)
        self.assertEqual(len(self.gateway.received), 1)
        sms = self.gateway.received[0]
        self.assertEqual(sms["to"], "0912345678")
        self.assertTrue(
            sms["message"].startswith(
                f"Ho so {dossier.code} da duoc tiep nhan. Hen tra ket qua: 17:00 05/03/2026"
            )
        )
        self.assertEqual(self.gateway.headers[0]["Authorization"], "Bearer t0ken")
        self.assertEqual(set(Notification.objects.values_list("status", flat=True)), {"sent"})

    def test_nothing_is_sent_when_the_transaction_rolls_back(self):
        """Messages queued by a change that then fails are rolled back with it, unsent."""
        real_notice = common._applicant_notice  # the name every change's notices go through
        queued = []

        def notice_then_fail(dossier, event, **context):
            real_notice(dossier, event, **context)
            queued.append(Notification.objects.count())
            raise ApplicationError("later failure")

        with (
            mock.patch.object(common, "_applicant_notice", side_effect=notice_then_fail),
            self.assertRaises(ApplicationError),
            self.captureOnCommitCallbacks(execute=True) as callbacks,
            clock.frozen(at(2026, 3, 2, 9)),
        ):
            self.w.receive()
        self.assertEqual(queued, [2])  # the e-mail and the SMS were written, inside the transaction
        self.assertEqual(callbacks, [])
        self.assertEqual(
            (len(mail.outbox), len(self.gateway.received), Notification.objects.count()), (0, 0, 0)
        )

    @override_settings(MOTCUA_SMS_ASCII=False)
    def test_sms_keeps_diacritics_when_asked(self):
        self.receive()
        self.assertIn("Hồ sơ", self.gateway.received[0]["message"])

    def test_a_failing_gateway_is_retried_with_backoff_and_never_blocks_the_dossier(self):
        self.gateway.failing = True
        dossier = self.receive()
        self.assertEqual(Dossier.objects.get(pk=dossier.pk).status, DossierStatus.IN_PROGRESS)
        sms = Notification.objects.get(channel="sms")
        self.assertEqual((sms.status, sms.attempts), ("pending", 1))
        self.assertIn("503", sms.last_error)
        first_retry = sms.next_attempt_at
        assert first_retry is not None
        self.assertEqual(Notification.objects.get(channel="email").status, "sent")

        self.assertEqual(notifications_retry_due(now=first_retry - timedelta(seconds=1)), 0)
        self.gateway.failing = False
        self.assertEqual(notifications_retry_due(now=first_retry + timedelta(seconds=1)), 1)
        sms.refresh_from_db()
        self.assertEqual((sms.status, sms.attempts), ("sent", 2))
        self.assertEqual(len(self.gateway.received), 1)

    def test_gives_up_after_the_last_attempt(self):
        self.gateway.failing = True
        self.receive()
        sms = Notification.objects.get(channel="sms")
        for _ in RETRY_DELAYS:
            assert sms.next_attempt_at is not None
            notifications_retry_due(now=sms.next_attempt_at + timedelta(seconds=1))
            sms.refresh_from_db()
        self.assertEqual(
            (sms.status, sms.attempts, sms.next_attempt_at), ("failed", len(RETRY_DELAYS) + 1, None)
        )

    def test_an_unreachable_gateway_does_not_roll_back(self):
        self.gateway.close()
        dossier = self.receive()
        self.assertTrue(
            Dossier.objects.filter(pk=dossier.pk, status=DossierStatus.IN_PROGRESS).exists()
        )
        sms = Notification.objects.get(channel="sms")
        self.assertEqual(sms.status, "pending")
        self.assertTrue(sms.last_error)
        self.gateway = Gateway()  # for cleanup


class AlertTests(TestCase):
    w: World

    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def test_due_soon_then_overdue_told_once_each_to_handler_and_director(self):
        with clock.frozen(at(2026, 3, 2, 9)):
            d = self.w.receive()
        self.w.to_handler(d)
        # Due Thu 5/3 17:00; on Wed 4/3 at 17:00 eight working hours are left.
        summary = dossiers_alert(now=at(2026, 3, 3, 9))
        self.assertEqual(summary.due_soon, 0)
        step_alerts = summary.recipients.get(self.w.handler.pk, {})
        self.assertEqual(step_alerts.get("overdue", []), [])
        summary = dossiers_alert(now=at(2026, 3, 4, 17))
        self.assertEqual(summary.due_soon, 1)
        self.assertIn(self.w.handler.pk, summary.recipients)
        self.assertIn(self.w.director.pk, summary.recipients)
        self.assertEqual(dossiers_alert(now=at(2026, 3, 4, 17, 30)).due_soon, 0)  # told once
        summary = dossiers_alert(now=at(2026, 3, 6, 8))
        self.assertEqual(summary.overdue, 1)
        self.assertEqual(dossiers_alert(now=at(2026, 3, 9, 8)).overdue, 0)
        subjects = sorted(
            set(Notification.objects.filter(user=self.w.director).values_list("subject", flat=True))
        )
        self.assertEqual(subjects, ["Quá hạn: 1 hồ sơ", "Sắp đến hạn: 1 hồ sơ"])

    def test_a_due_moved_by_a_supplement_is_warned_about_again(self):
        with clock.frozen(at(2026, 3, 2, 9)):
            d = self.w.receive(version=self.w.restart_version)
        d = self.w.to_handler(d)
        first_due = d.due_at
        assert first_due is not None
        summary = dossiers_alert(now=first_due - timedelta(hours=2))
        self.assertEqual(summary.due_soon, 1)
        with clock.frozen(first_due - timedelta(hours=1)):
            s.dossier_request_supplement(dossier=d, actor=self.w.handler, items=["A"], reason="r")
        with clock.frozen(at(2026, 3, 9, 9)):
            d = s.dossier_supplement_received(dossier=d, actor=self.w.intake)
        d.refresh_from_db()
        new_due, step = d.due_at, d.current_step
        assert new_due is not None and step is not None
        # Due 5/3 at first (3 working days from D0 = 2/3); restarted: D0 = 9/3 → 12/3.
        self.assertEqual((first_due, new_due), (at(2026, 3, 5, 17), at(2026, 3, 12, 17)))
        self.assertEqual(d.overdue_alerted, "")
        self.assertEqual(step.alerted, "")
        summary = dossiers_alert(now=new_due - timedelta(hours=2))
        self.assertEqual(summary.due_soon, 1)  # warned again before the new due
        self.assertIn(self.w.director.pk, summary.recipients)
        self.assertEqual(dossiers_alert(now=new_due + timedelta(days=1)).overdue, 1)

    def test_a_late_step_is_told_to_the_director_too(self):
        with clock.frozen(at(2026, 3, 2, 9)):
            d = self.w.receive()
        d = self.w.to_handler(d)
        assert d.current_step is not None and d.due_at is not None
        step_due = d.current_step.due_at
        assert step_due is not None
        self.assertLess(step_due, d.due_at)
        summary = dossiers_alert(now=step_due + timedelta(minutes=5))
        self.assertEqual(summary.overdue, 0)  # the dossier itself is not late
        for user in (self.w.handler, self.w.director):
            items = summary.recipients[user.pk]["overdue"]
            self.assertEqual([item["code"] for item in items], [d.code])

    def test_a_long_warning_window_reaches_beyond_a_fortnight(self):
        from motcua.dossiers.jobs import _horizon

        version = self.w._procedure("9.000777", name="Thủ tục dài ngày", time_limit_amount=20)
        with clock.frozen(at(2026, 3, 2, 9)):
            d = self.w.receive(version=version)
        now = at(2026, 3, 3, 9)
        assert d.due_at is not None
        # 20 working days from D0 = 2/3: four whole weeks, 30/3 — more than a fortnight away.
        self.assertEqual(d.due_at, at(2026, 3, 30, 17))
        with override_settings(MOTCUA_DUE_SOON_WORKING_HOURS=8 * 25):
            self.assertEqual(dossiers_alert(now=now).due_soon, 1)
        for hours in (8, 40, 200, 1000):
            # Never shorter than the working time asked for, even at 6.5 hours a day.
            self.assertGreaterEqual(_horizon(hours), timedelta(days=hours / 6.5 * 7 / 5))

    def test_paused_dossiers_are_not_flagged(self):
        with clock.frozen(at(2026, 3, 2, 9)):
            d = self.w.receive()
        with clock.frozen(at(2026, 3, 2, 10)):
            s.dossier_request_supplement(dossier=d, actor=self.w.intake, items=["A"], reason="r")
        self.assertEqual(dossiers_alert(now=at(2026, 3, 20, 9)).overdue, 0)


class DeliveryTransactionTests(TransactionTestCase):
    """A slow gateway is called with no database transaction open."""

    serialized_rollback = True

    def test_the_gateway_is_called_outside_any_transaction(self):
        from django.db import connection

        from motcua.core import notifications

        world = World()
        with clock.frozen(at(2026, 3, 2, 9)):
            world.receive()
        seen = []

        def spy(row):
            seen.append((row.status, connection.in_atomic_block))

        Notification.objects.update(status="pending", next_attempt_at=at(2026, 3, 2, 9, 1))
        with mock.patch.object(notifications, "_send", side_effect=spy):
            sent = notifications_retry_due(now=at(2026, 3, 2, 9, 5))
        self.assertEqual(sent, len(seen))
        self.assertTrue(seen)
        self.assertEqual({entry for entry in seen}, {("sending", False)})
        self.assertEqual(set(Notification.objects.values_list("status", flat=True)), {"sent"})

    def test_a_row_left_sending_by_a_dead_worker_is_taken_over_after_its_lease(self):
        from motcua.core.notifications import send_lease

        world = World()
        with clock.frozen(at(2026, 3, 2, 9)):
            world.receive()
        row = Notification.objects.first()
        assert row is not None
        Notification.objects.filter(pk=row.pk).update(
            status="sending", next_attempt_at=at(2026, 3, 2, 9, 1)
        )
        self.assertEqual(notifications_retry_due(now=at(2026, 3, 2, 9, 0)), 0)
        lease_over = at(2026, 3, 2, 9, 1) + send_lease()
        self.assertEqual(notifications_retry_due(now=lease_over), 1)  # that row, once
        row.refresh_from_db()
        self.assertEqual(row.status, "sent")


class ProductionEnqueueTests(TestCase):
    """With the database task backend the delivery task commits with the notification."""

    w: World

    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def test_task_row_is_written_in_the_transaction_and_the_worker_delivers(self):
        from django_tasks_db.models import DBTaskResult

        from motcua.core.notifications import deliver_notifications

        with override_settings(
            TASKS={"default": {"BACKEND": "motcua.core.tasks.DatabaseBackend"}},
            MOTCUA_TASKS_ENQUEUE_IN_TRANSACTION=True,
        ):
            with clock.frozen(at(2026, 3, 2, 9)):
                dossier = self.w.receive()
            task = DBTaskResult.objects.get()
            ids = list(Notification.objects.values_list("pk", flat=True))
            self.assertEqual(task.args_kwargs["args"], [ids])
            self.assertEqual(
                set(Notification.objects.values_list("status", flat=True)), {"pending"}
            )
            # What the worker does with the row (db_worker itself closes the connection,
            # which a TestCase transaction cannot survive on PostgreSQL).
            self.assertEqual(task.task_path, "motcua.core.notifications.deliver_notifications")
            deliver_notifications.call(*task.args_kwargs["args"])
        self.assertEqual(set(Notification.objects.values_list("status", flat=True)), {"sent"})
        self.assertEqual(mail.outbox[0].subject, f"Hồ sơ {dossier.code} đã được tiếp nhận")


class AlertRecipientTests(TestCase):
    w: World

    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def test_former_and_inactive_staff_are_not_told(self):
        from datetime import date

        from motcua.org.models import RoleAssignment

        with clock.frozen(at(2026, 3, 2, 9)):
            self.w.receive()  # at the intake step, nobody has taken it: the desk's officers are told
        RoleAssignment.objects.filter(user=self.w.director).update(valid_to=date(2026, 3, 1))
        self.w.intake.is_active = False
        self.w.intake.save(update_fields=["is_active"])
        summary = dossiers_alert(now=at(2026, 3, 6, 8))
        self.assertNotIn(self.w.director.pk, summary.recipients)
        self.assertEqual(
            Notification.objects.filter(user__in=[self.w.director, self.w.intake]).count(), 0
        )


class PlainTextTests(TestCase):
    """Messages are plain text: quotes, ampersands and angle brackets arrive as typed."""

    w: World

    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def test_every_template_renders_without_html_escaping(self):
        from pathlib import Path
        from types import SimpleNamespace

        from motcua.core.notifications import _render

        awkward = 'Công ty TNHH "Minh & Anh" <chi nhánh>'
        with clock.frozen(at(2026, 3, 2, 9)):
            dossier = self.w.receive(applicant=self.w.applicant(name=awkward))
        reason = 'Thiếu "bản sao" & <chữ ký>'
        pause = SimpleNamespace(items=[reason], reason=reason, respond_by=dossier.due_at)
        context = {
            "dossier": dossier,
            "reasons": reason,
            "pause": pause,
            "apology": SimpleNamespace(
                reason=reason, new_due_at=dossier.due_at, original_due_at=dossier.due_at
            ),
            "step": dossier.current_step,
            "user_name": awkward,
            "items": [SimpleNamespace(code=dossier.code, what=reason, due=dossier.due_at)],
            "previous": dossier.due_at,
            "reason": reason,
        }
        folder = Path(s.__file__).parent.parent / "templates" / "notifications"
        events = sorted({p.name.split(".txt")[0].removesuffix(".sms") for p in folder.iterdir()})
        self.assertEqual(
            events,
            [
                "alert.due_soon",
                "alert.overdue",
                "apology.drafted",
                "dossier.apology",
                "dossier.closed",
                "dossier.due_changed",
                "dossier.payment_requested",
                "dossier.received",
                "dossier.refused",
                "dossier.result_ready",
                "dossier.resumed",
                "dossier.returned",
                "dossier.stopped",
                "dossier.submitted",
                "dossier.supplement_requested",
                "step.assigned",
            ],
        )
        for event in events:
            with self.subTest(event=event):
                subject, body, sms = _render(event, context, sms=True)
                for text in (subject, body, sms):
                    for entity in ("&amp;", "&quot;", "&lt;", "&gt;", "&#x27;", "{{", "{%"):
                        self.assertNotIn(entity, text)
                self.assertTrue(subject)
                if "applicant_name" in (folder / f"{event}.txt").read_text(encoding="utf-8"):
                    self.assertIn(awkward, body)
                if "reasons" in (folder / f"{event}.txt").read_text(encoding="utf-8"):
                    self.assertIn(reason, body)

    def test_the_supplement_request_names_a_deadline_only_when_the_procedure_has_one(self):
        from types import SimpleNamespace

        from motcua.core.notifications import _render

        with clock.frozen(at(2026, 3, 2, 9)):
            dossier = self.w.receive()
        for respond_by, expected in ((dossier.due_at, True), (None, False)):
            pause = SimpleNamespace(items=["A"], reason="r", respond_by=respond_by)
            _subject, body, sms = _render(
                "dossier.supplement_requested", {"dossier": dossier, "pause": pause}, sms=True
            )
            with self.subTest(respond_by=respond_by):
                self.assertEqual("Hạn bổ sung" in body, expected)
                self.assertEqual("kết thúc" in body, expected)
                self.assertEqual(" truoc " in f" {sms} " or " trước " in f" {sms} ", expected)
