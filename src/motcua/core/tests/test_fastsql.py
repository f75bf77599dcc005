"""core.fastsql writes exactly what Model.save() writes, and reads like the ORM."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.forms.models import model_to_dict
from django.test import TestCase

from motcua.core import fastsql
from motcua.core.models import AuditEvent, Notification

VN = ZoneInfo("Asia/Ho_Chi_Minh")


class FastSqlTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("canbo", password="x")

    def _notification(self, **extra):
        return Notification(
            event="dossier.received",
            channel="sms",
            recipient="0912345678",
            user=self.user,
            subject="Hồ sơ đã được tiếp nhận",
            body="Nội dung có dấu: Ngã Bảy",
            next_attempt_at=datetime(2026, 3, 2, 9, tzinfo=VN),
            **extra,
        )

    def test_insert_writes_the_same_row_as_save(self):
        orm = self._notification()
        orm.save()
        fast = self._notification()
        fastsql.insert([fast])
        self.assertIsNotNone(fast.pk)
        self.assertFalse(fast._state.adding)
        stored_orm = model_to_dict(Notification.objects.get(pk=orm.pk), exclude=["id"])
        stored_fast = model_to_dict(Notification.objects.get(pk=fast.pk), exclude=["id"])
        self.assertEqual(stored_fast, stored_orm)
        self.assertIsNotNone(Notification.objects.get(pk=fast.pk).created_at)  # auto_now_add ran

    def test_insert_many_sets_every_primary_key_and_keeps_json(self):
        events = [
            AuditEvent(
                at=datetime(2026, 3, 2, 9, tzinfo=VN),
                action="test",
                stream=f"s:{i}",
                seq=1,
                data={"tên": "Ngã Bảy", "n": i},
                hash="x" * 64,
            )
            for i in range(3)
        ]
        fastsql.insert(events)
        self.assertEqual(len({e.pk for e in events}), 3)
        stored = AuditEvent.objects.get(pk=events[2].pk)
        self.assertEqual(stored.data, {"tên": "Ngã Bảy", "n": 2})
        self.assertEqual(stored.at, datetime(2026, 3, 2, 9, tzinfo=VN))

    def test_from_row_converts_like_the_orm(self):
        row = self._notification()
        row.save()
        names = ["id", "next_attempt_at", "attempts"]
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, next_attempt_at, attempts FROM core_notification WHERE id = %s",
                [row.pk],
            )
            values = cursor.fetchone()
        built = fastsql.from_row(Notification, names, values)
        self.assertEqual(built.next_attempt_at, datetime(2026, 3, 2, 9, tzinfo=VN))
        self.assertEqual((built.pk, built.attempts), (row.pk, 0))

    def _reserve(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {fastsql.next_id_sql(Notification)}")
            return cursor.fetchone()[0]

    def test_reserved_keys_are_new_and_never_handed_out_again(self):
        before = self._notification()
        before.save()
        with transaction.atomic():
            reserved = self._reserve()
            self.assertGreater(reserved, before.pk)
            row = self._notification(pk=reserved)
            fastsql.insert([row])
            self.assertEqual(row.pk, reserved)
            after = self._notification()
            after.save()  # the ORM's own numbering goes on past the reserved key
            self.assertGreater(after.pk, reserved)
            self.assertGreater(self._reserve(), after.pk)
        self.assertEqual(Notification.objects.get(pk=reserved).recipient, "0912345678")
