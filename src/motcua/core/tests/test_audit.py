from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase

from motcua.core.audit import audit_record, audit_verify
from motcua.core.models import AuditEvent


class AuditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("canbo", password="x")

    def test_records_chain_per_stream(self):
        first = audit_record(
            actor=self.user, action="test.one", stream="s:1", data={"tên": "Ngã Bảy"}
        )
        second = audit_record(actor=self.user, action="test.two", stream="s:1")
        other = audit_record(actor=None, action="test.one", stream="s:2")
        self.assertEqual((first.seq, second.seq, other.seq), (1, 2, 1))
        self.assertEqual(second.prev_hash, first.hash)
        self.assertEqual(other.prev_hash, "")
        self.assertEqual(audit_verify(), [])

    def test_verify_detects_an_edited_record(self):
        event = audit_record(actor=self.user, action="test.one", stream="s:1", data={"a": 1})
        audit_record(actor=self.user, action="test.two", stream="s:1")
        table = AuditEvent._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET action = %s WHERE id = %s", ["test.forged", event.pk]
            )
        problems = audit_verify()
        self.assertEqual(
            [(p.stream, p.seq, p.problem) for p in problems],
            [("s:1", 1, "content does not match its hash")],
        )

    def test_verify_detects_a_deleted_record(self):
        audit_record(actor=self.user, action="a", stream="s:1")
        middle = audit_record(actor=self.user, action="b", stream="s:1")
        audit_record(actor=self.user, action="c", stream="s:1")
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [middle.pk])
        problems = {(p.seq, p.problem) for p in audit_verify()}
        self.assertIn((3, "expected sequence 2"), problems)
        self.assertIn((3, "previous hash does not match"), problems)

    def test_records_cannot_be_changed_or_deleted_through_the_orm(self):
        event = audit_record(actor=self.user, action="a", stream="s:1")
        event.action = "b"
        with self.assertRaises(RuntimeError):
            event.save()
        with self.assertRaises(RuntimeError):
            event.delete()


class AuditCommandTests(TestCase):
    def test_verify_command_reports_tampering(self):
        from io import StringIO

        from django.core.management import call_command
        from django.core.management.base import CommandError

        event = audit_record(actor=None, action="a", stream="s:1")
        out = StringIO()
        call_command("audit", "verify", stdout=out)
        self.assertIn("every chain verifies", out.getvalue())
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {AuditEvent._meta.db_table} SET data = %s WHERE id = %s",
                ['{"x": 1}', event.pk],
            )
        with self.assertRaises(CommandError) as caught:
            call_command("audit", "verify", stdout=StringIO())
        self.assertEqual(caught.exception.returncode, 3)
