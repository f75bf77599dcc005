"""Notifications are delivered at least once, each with a stable id a receiver can drop repeats by.

The SMS gateway is a real HTTP server on 127.0.0.1; the worker is the real
``motcua db_worker`` in a subprocess, killed with SIGKILL mid-send.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from django.core import mail
from django.core.checks import run_checks
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings
from django_tasks_db.models import DBTaskResult

from motcua.core import clock
from motcua.core.models import Notification
from motcua.core.notifications import (
    MESSAGE_ID_HEADER,
    notification_deliver,
    notifications_retry_due,
)
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import DossierTestCase, World, at

TASK_TABLE = DBTaskResult._meta.db_table
DB_TASKS = {"default": {"BACKEND": "motcua.core.tasks.DatabaseBackend"}}
WAIT = 90.0
"""Seconds the tests wait for something that happens within a few (never asserted)."""


class Receiver:
    """A real HTTP SMS gateway on 127.0.0.1 that records every request it reads.

    ``plan`` says what it does with each request in turn: ``"ok"`` answers
    200, ``"drop"`` closes the socket after reading, ``"hold"`` keeps the
    request open until :meth:`release` and then closes it unanswered.
    """

    def __init__(self, plan: list[str]) -> None:
        self.plan = list(plan)
        self.requests: list[dict[str, Any]] = []
        self.arrived = threading.Event()
        self._release = threading.Event()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver._lock:
                    receiver.requests.append(
                        {"body": body, "key": self.headers.get("Idempotency-Key")}
                    )
                    action = receiver.plan.pop(0) if receiver.plan else "ok"
                receiver.arrived.set()
                if action == "hold":
                    receiver._release.wait(WAIT)
                if action in ("hold", "drop"):
                    self.close_connection = True
                    return  # no answer: the client sees the connection closed
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status": "queued"}')

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def release(self) -> None:
        self._release.set()

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()

    @property
    def ids(self) -> list[str]:
        with self._lock:
            return [request["body"]["id"] for request in self.requests]


def _wait_for(condition: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


class StableIdTests(DossierTestCase):
    """Every attempt at one message carries the same id, by SMS and by e-mail."""

    def receive_to(self, receiver: Receiver) -> Dossier:
        """Receive a dossier whose SMS goes to ``receiver``, deliveries run after the commit."""
        with (
            override_settings(MOTCUA_SMS_GATEWAY_URL=receiver.url),
            self.captureOnCommitCallbacks(execute=True),
        ):
            return self.receive()

    def test_a_dropped_connection_is_retried_with_the_same_id(self):
        receiver = Receiver(["drop", "ok"])
        self.addCleanup(receiver.close)
        self.receive_to(receiver)
        sms = Notification.objects.get(channel="sms")
        self.assertEqual((sms.status, sms.attempts), ("pending", 1))
        self.assertIn("RemoteDisconnected", sms.last_error)
        with override_settings(MOTCUA_SMS_GATEWAY_URL=receiver.url):
            self.assertEqual(notifications_retry_due(now=sms.next_attempt_at), 1)
        sms.refresh_from_db()
        self.assertEqual(sms.status, "sent")
        self.assertEqual(len(receiver.requests), 2)
        self.assertEqual(set(receiver.ids), {str(sms.message_id)})
        self.assertEqual({r["key"] for r in receiver.requests}, {str(sms.message_id)})

    def test_messages_have_distinct_ids(self):
        receiver = Receiver([])
        self.addCleanup(receiver.close)
        self.receive_to(receiver)
        self.receive_to(receiver)
        ids = set(Notification.objects.values_list("message_id", flat=True))
        self.assertEqual(len(ids), 4)  # two dossiers, an e-mail and an SMS each
        self.assertEqual(len(set(receiver.ids)), 2)

    def test_an_email_sent_again_has_the_same_message_id(self):
        receiver = Receiver([])
        self.addCleanup(receiver.close)
        self.receive_to(receiver)
        email = Notification.objects.get(channel="email")
        # As if the worker died after the mail server took the message.
        Notification.objects.filter(pk=email.pk).update(status="pending")
        self.assertTrue(notification_deliver(email.pk))
        self.assertEqual(len(mail.outbox), 2)
        first, second = (message.message() for message in mail.outbox)
        self.assertEqual(first["Message-ID"], f"<{email.message_id}@localhost>")
        self.assertEqual(second["Message-ID"], first["Message-ID"])
        self.assertEqual(
            {first[MESSAGE_ID_HEADER], second[MESSAGE_ID_HEADER]}, {str(email.message_id)}
        )


class FollowUpTests(TestCase):
    """With the database task backend the worker schedules its own follow-ups."""

    w: World

    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def setUp(self):
        self.receiver = Receiver([])
        self.addCleanup(self.receiver.close)
        self.enterContext(
            override_settings(
                TASKS=DB_TASKS,
                MOTCUA_TASKS_ENQUEUE_IN_TRANSACTION=True,
                MOTCUA_SMS_GATEWAY_URL=self.receiver.url,
                MOTCUA_NOTIFICATION_LEASE=40,
            )
        )
        with clock.frozen(at(2026, 3, 2, 9)):
            self.w.receive()
        self.sms = Notification.objects.get(channel="sms")
        DBTaskResult.objects.all().delete()  # the delivery task itself is not under test

    def resume_tasks(self):
        return DBTaskResult.objects.filter(
            task_path="motcua.core.notifications.resume_notifications"
        )

    def test_the_claim_schedules_a_resume_at_the_end_of_the_lease(self):
        from motcua.core.notifications import _claim

        claimed = _claim(self.sms.pk, at(2026, 3, 2, 9, 5), due_only=False)
        assert claimed is not None
        row, task_id = claimed
        task = self.resume_tasks().get()
        self.assertEqual(str(task.pk), task_id)
        self.assertEqual(task.args_kwargs["args"], [[self.sms.pk]])
        self.assertEqual(task.run_after, at(2026, 3, 2, 9, 5) + timedelta(seconds=40))
        self.assertEqual((row.status, row.next_attempt_at), ("sending", task.run_after))

    def test_a_sent_message_drops_its_follow_up(self):
        self.assertTrue(notification_deliver(self.sms.pk))
        self.assertFalse(self.resume_tasks().exists())
        self.assertEqual(len(self.receiver.requests), 1)

    def test_a_failed_attempt_schedules_its_retry(self):
        self.receiver.plan = ["drop"]
        with clock.frozen(at(2026, 3, 2, 9, 5)):
            self.assertFalse(notification_deliver(self.sms.pk))
        self.sms.refresh_from_db()
        task = self.resume_tasks().get()
        self.assertEqual(task.run_after, self.sms.next_attempt_at)
        self.assertEqual(self.sms.next_attempt_at, at(2026, 3, 2, 9, 6))

    def test_a_resume_before_the_time_does_nothing(self):
        from motcua.core.notifications import resume_notifications

        self.receiver.plan = ["drop"]
        with clock.frozen(at(2026, 3, 2, 9, 5)):
            notification_deliver(self.sms.pk)
        with clock.frozen(at(2026, 3, 2, 9, 5) + timedelta(seconds=30)):
            self.assertEqual(resume_notifications.call([self.sms.pk]), 0)
        with clock.frozen(at(2026, 3, 2, 9, 6)):
            self.assertEqual(resume_notifications.call([self.sms.pk]), 1)
        self.assertEqual(len(self.receiver.requests), 2)
        self.assertEqual(len(set(self.receiver.ids)), 1)


class LeaseCheckTests(TestCase):
    def test_a_lease_shorter_than_a_send_is_reported(self):
        ids = {message.id for message in run_checks()}
        self.assertNotIn("motcua.notifications.W001", ids)
        for overrides in (
            {"MOTCUA_NOTIFICATION_LEASE": 10, "MOTCUA_SMS_TIMEOUT": 10},
            {"MOTCUA_NOTIFICATION_LEASE": 30, "EMAIL_TIMEOUT": 45},
            {"EMAIL_TIMEOUT": None},
        ):
            with self.subTest(**overrides), override_settings(**overrides):
                ids = {message.id for message in run_checks()}
                self.assertIn("motcua.notifications.W001", ids)


class SharedDatabase:
    """The test database, reachable by a worker subprocess.

    PostgreSQL: the test database itself. SQLite: the suite's database is in
    memory, so it is copied to a file the worker uses, and read from there.
    """

    def __init__(self, folder: Path) -> None:
        self.sqlite = connection.vendor == "sqlite"
        if self.sqlite:
            self.path = folder / "worker.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(self.path)
            connection.connection.backup(target)
            target.close()
            self.url = f"sqlite:///{self.path}"
        else:
            s = connection.settings_dict
            password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
            self.url = (
                f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:"
                f"{s['PORT'] or 5432}/{s['NAME']}"
            )

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.sqlite:
            with sqlite3.connect(self.path, timeout=20) as db:
                rows: list[tuple[Any, ...]] = db.execute(sql.replace("%s", "?"), params).fetchall()
                return rows
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched: list[tuple[Any, ...]] = cursor.fetchall()
            return fetched


class WorkerKillTests(TransactionTestCase):
    """``kill -9`` of the worker mid-send: a restarted worker resumes the message, same id."""

    serialized_rollback = True

    def setUp(self):
        self.receiver = Receiver(["hold", "ok"])
        self.addCleanup(self.receiver.close)
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.workers: list[subprocess.Popen[bytes]] = []
        self.addCleanup(self._stop_workers)

    def _stop_workers(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
            worker.wait(30)

    def _start_worker(self, database_url: str) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="motcua.settings.base",
            DATABASE_URL=database_url,
            MOTCUA_DATA_DIR=str(self.folder),
            SECRET_KEY="worker-kill-test-" + "x" * 40,
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            MOTCUA_SMS_GATEWAY_URL=self.receiver.url,
            MOTCUA_SMS_TIMEOUT="60",  # the held request must not time out before the kill
            MOTCUA_NOTIFICATION_LEASE="3",
            LOG_LEVEL="ERROR",
        )
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "motcua.cli", "db_worker", "--interval", "0.2"),
                *("--no-startup-delay", "--no-reload", "-v0"),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / f"worker{len(self.workers)}.log").open("wb"),
        )
        self.workers.append(worker)
        return worker

    def test_a_killed_worker_s_message_is_resumed_by_the_next_worker_with_its_id(self):
        world = World()
        with (
            override_settings(
                TASKS=DB_TASKS,
                MOTCUA_TASKS_ENQUEUE_IN_TRANSACTION=True,
                MOTCUA_SMS_GATEWAY_URL=self.receiver.url,
            ),
            clock.frozen(at(2026, 3, 2, 9)),
        ):
            world.receive()
        sms = Notification.objects.get(channel="sms")
        email = Notification.objects.get(channel="email")
        db = SharedDatabase(self.folder)

        def status(pk: int) -> str:
            return str(db.query("SELECT status FROM core_notification WHERE id = %s", (pk,))[0][0])

        first = self._start_worker(db.url)
        self.assertTrue(self.receiver.arrived.wait(WAIT), "the SMS never reached the gateway")
        first.send_signal(signal.SIGKILL)
        first.wait(30)
        self.receiver.release()
        self.assertEqual(first.returncode, -signal.SIGKILL)
        self.assertEqual((status(sms.pk), status(email.pk)), ("sending", "sent"))
        # What the dead worker left: its lease, and the follow-up due when the lease ends.
        (lease_end,) = db.query(
            "SELECT next_attempt_at FROM core_notification WHERE id = %s", (sms.pk,)
        )[0]
        follow_ups = db.query(
            f"SELECT run_after, status FROM {TASK_TABLE} WHERE task_path = %s",
            ("motcua.core.notifications.resume_notifications",),
        )
        self.assertEqual(follow_ups, [(lease_end, "READY")])

        def resumes() -> list[tuple[Any, ...]]:
            return db.query(
                f"SELECT status FROM {TASK_TABLE} WHERE task_path = %s",
                ("motcua.core.notifications.resume_notifications",),
            )

        self._start_worker(db.url)  # no `motcua periodic` anywhere
        _wait_for(lambda: status(sms.pk) == "sent", "the restarted worker to resume the SMS")
        # The worker records the task's outcome just after the message's.
        _wait_for(lambda: resumes() != [("RUNNING",)], "the worker to finish the follow-up")

        deliveries = len(self.receiver.requests)
        distinct = set(self.receiver.ids)
        self.assertEqual(deliveries, 2)  # the one cut by the kill, and the resumed one
        self.assertEqual(distinct, {str(sms.message_id)})
        self.assertEqual({r["key"] for r in self.receiver.requests}, distinct)
        self.assertEqual(resumes(), [("SUCCESSFUL",)])
        mails = [message_from_bytes(p.read_bytes()) for p in (self.folder / "mail").iterdir()]
        self.assertEqual(len(mails), 1)  # sent before the kill, not again
        self.assertEqual(mails[0][MESSAGE_ID_HEADER], str(email.message_id))
        (attempts,) = db.query("SELECT attempts FROM core_notification WHERE id = %s", (sms.pk,))[0]
        self.assertEqual(attempts, 1)
