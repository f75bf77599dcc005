"""The audit log: chains, keyed seals and keys, checkpoints, re-seals, the append-only guard.

Tampering with a real dossier's records: ``dossiers/tests/test_audit_tampering.py``.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import stat
import tempfile
from contextlib import redirect_stdout
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from unittest import skipUnless

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import ProgrammingError, connection, transaction
from django.db.models import ProtectedError
from django.test import TestCase, override_settings

from motcua.core import clock
from motcua.core.audit import (
    CheckpointError,
    ResealRefused,
    audit_checkpoint,
    audit_keys,
    audit_record,
    audit_reseal,
    audit_verify,
    checkpoint_read,
)
from motcua.core.audit.checkpoints import GAP_TTL
from motcua.core.audit.sealing import key_id_of
from motcua.core.models import AuditEvent
from motcua.core.tests.tampering import AUDIT, insert_record, rechain_plain, set_data, tamper

KEY_A = "first-audit-key-" + "a" * 32
KEY_B = "second-audit-key-" + "b" * 32
T0 = datetime(2026, 3, 2, 2, tzinfo=UTC)
MIGRATION = importlib.import_module("motcua.core.migrations.0005_audit_reseal_legacy")


def _problems(**kwargs):
    return [(p.stream, p.seq, p.problem) for p in audit_verify(**kwargs)]


class TempDirMixin:
    def setUp(self):
        super().setUp()
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        self.folder = Path(folder)


class AuditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("canbo", password="x")

    def test_records_chain_per_stream_under_the_current_key(self):
        first = audit_record(
            actor=self.user, action="test.one", stream="s:1", data={"tên": "Ngã Bảy"}
        )
        second = audit_record(actor=self.user, action="test.two", stream="s:1")
        other = audit_record(actor=None, action="test.one", stream="s:2")
        self.assertEqual((first.seq, second.seq, other.seq), (1, 2, 1))
        self.assertEqual(second.prev_hash, first.hash)
        self.assertEqual(other.prev_hash, "")
        self.assertEqual(
            set(AuditEvent.objects.values_list("key_id", flat=True)), {audit_keys().current}
        )
        self.assertEqual(audit_verify(), [])

    def test_verify_detects_an_edited_record(self):
        event = audit_record(actor=self.user, action="test.one", stream="s:1", data={"a": 1})
        audit_record(actor=self.user, action="test.two", stream="s:1")
        tamper(f"UPDATE {AUDIT} SET action = %s WHERE id = %s", ["test.forged", event.pk])
        self.assertEqual(_problems(), [("s:1", 1, "content does not match its hash")])

    def test_verify_detects_a_deleted_record(self):
        audit_record(actor=self.user, action="a", stream="s:1")
        middle = audit_record(actor=self.user, action="b", stream="s:1")
        audit_record(actor=self.user, action="c", stream="s:1")
        tamper(f"DELETE FROM {AUDIT} WHERE id = %s", [middle.pk])
        problems = {(seq, problem) for _, seq, problem in _problems()}
        self.assertIn((3, "expected sequence 2"), problems)
        self.assertIn((3, "previous hash does not match"), problems)

    def test_verify_one_stream(self):
        audit_record(actor=None, action="a", stream="s:1")
        broken = audit_record(actor=None, action="a", stream="s:2")
        set_data(broken, {"x": 1})
        self.assertEqual(_problems(stream="s:1"), [])
        self.assertEqual(_problems(stream="s:2"), [("s:2", 1, "content does not match its hash")])

    def test_records_cannot_be_changed_or_deleted_through_the_orm(self):
        event = audit_record(actor=self.user, action="a", stream="s:1")
        event.action = "b"
        with self.assertRaises(RuntimeError):
            event.save()
        with self.assertRaises(RuntimeError):
            event.delete()

    def test_a_user_who_acted_cannot_be_deleted(self):
        """Deleting the user would rewrite the records (actor); deactivate instead."""
        audit_record(actor=self.user, action="a", stream="s:1")
        with self.assertRaises(ProtectedError), transaction.atomic():
            self.user.delete()
        self.assertEqual(audit_verify(), [])

    def test_audit_data_may_not_claim_a_history_row(self):
        with self.assertRaisesMessage(ValueError, "history"):
            audit_record(
                actor=None, action="a", stream="s:1", data={"history": 1}, history=self.user
            )


class AuditCommandTests(TempDirMixin, TestCase):
    def test_verify_command_reports_tampering(self):
        event = audit_record(actor=None, action="a", stream="s:1")
        out = StringIO()
        call_command("audit", "verify", stdout=out, stderr=StringIO())
        self.assertIn("every chain verifies", out.getvalue())
        set_data(event, {"x": 1})
        out = StringIO()
        with self.assertRaises(CommandError) as caught:
            call_command("audit", "verify", stdout=out, stderr=StringIO())
        self.assertEqual(caught.exception.returncode, 3)
        self.assertIn("s:1#1: content does not match its hash", out.getvalue())

    def test_verify_command_says_when_no_checkpoint_protects_the_chain_ends(self):
        audit_record(actor=None, action="a", stream="s:1")
        err = StringIO()
        call_command("audit", "verify", stdout=StringIO(), stderr=err)
        self.assertIn("checkpoints are off", err.getvalue())
        path = self.folder / "checkpoints.jsonl"
        with override_settings(MOTCUA_AUDIT_CHECKPOINT_FILE=path):
            err = StringIO()
            call_command("audit", "verify", stdout=StringIO(), stderr=err)
            self.assertIn(f"no checkpoint file yet ({path})", err.getvalue())
            out = StringIO()
            call_command("audit", "checkpoint", stdout=out)
            self.assertIn("checkpoint 1: 1 chain(s)", out.getvalue())
            out = StringIO()
            call_command("audit", "checkpoint", stdout=out)
            self.assertIn("no chain moved since checkpoint 1", out.getvalue())
            out = StringIO()
            call_command("audit", "verify", stdout=out, stderr=StringIO())
            self.assertIn("checkpoints: 1 line(s)", out.getvalue())


class KeyTests(TempDirMixin, TestCase):
    def test_without_a_setting_a_key_file_is_created_once_for_its_owner_only(self):
        path = self.folder / "data" / "audit_keys"
        with override_settings(MOTCUA_AUDIT_KEYS=[], MOTCUA_AUDIT_KEY_FILE=path):
            first = audit_keys()
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
            secret = path.read_text(encoding="ascii").strip()
            self.assertEqual(len(secret), 43)  # secrets.token_urlsafe(32)
            self.assertEqual(first.current, key_id_of(secret))
            audit_keys.cache_clear()  # another process reads the same key
            self.assertEqual(audit_keys().current, first.current)
            self.assertNotIn(secret, repr(audit_keys()))

    def test_the_first_configured_key_seals_and_the_others_verify(self):
        with override_settings(MOTCUA_AUDIT_KEYS=[KEY_A]):
            old = audit_record(actor=None, action="a", stream="s:1")
        with override_settings(MOTCUA_AUDIT_KEYS=[KEY_B, KEY_A]):
            new = audit_record(actor=None, action="b", stream="s:1")
            self.assertEqual((old.key_id, new.key_id), (key_id_of(KEY_A), key_id_of(KEY_B)))
            self.assertEqual(audit_verify(), [])
        with override_settings(MOTCUA_AUDIT_KEYS=[KEY_B]):
            self.assertEqual(
                _problems(), [("s:1", 1, f"sealed with a key unknown here ({key_id_of(KEY_A)})")]
            )

    def test_a_short_key_is_refused(self):
        with (
            override_settings(MOTCUA_AUDIT_KEYS=[KEY_A, "short"]),
            self.assertRaisesMessage(ImproperlyConfigured, "number 2 is shorter than 32"),
        ):
            audit_keys()


class ResealTests(TempDirMixin, TestCase):
    def make_legacy(self, *streams):
        """Turn records into what they were before the keyed seal: plain SHA-256, no key id."""
        tamper(f"UPDATE {AUDIT} SET key_id = ''")
        for stream in streams:
            rechain_plain(stream)

    def test_migration_reseals_legacy_records_once_and_records_it(self):
        for action in ("a", "b", "c"):
            audit_record(actor=None, action=action, stream="s:1")
        audit_record(actor=None, action="a", stream="s:2")
        self.make_legacy("s:1", "s:2")
        self.assertEqual(
            {(seq, problem[:21]) for _, seq, problem in _problems()},
            {
                (1, "carries no keyed hash"),
                (2, "carries no keyed hash"),
                (3, "carries no keyed hash"),
            },
        )
        out = StringIO()
        with redirect_stdout(out), self.captureOnCommitCallbacks(execute=True):
            MIGRATION.reseal_legacy(apps, SimpleNamespace(connection=connection))
        self.assertIn("4 record(s) in 2 chain(s) re-sealed", out.getvalue())
        self.assertEqual(audit_verify(), [])
        record = AuditEvent.objects.get(stream="core.audit")
        self.assertEqual(
            (record.action, record.actor_repr, record.seq),
            ("core.audit.reseal", "migration core.0005", 1),
        )
        self.assertEqual(record.data["records"], 4)
        self.assertEqual(record.data["from_keys"], ["sha256"])
        self.assertEqual(record.data["problems"], [])
        # Run again, nothing is left to re-seal.
        out = StringIO()
        with redirect_stdout(out):
            MIGRATION.reseal_legacy(apps, SimpleNamespace(connection=connection))
        self.assertEqual(out.getvalue(), "")
        self.assertEqual(AuditEvent.objects.filter(stream="core.audit").count(), 1)

    def test_migration_reseals_a_broken_legacy_chain_and_lists_it(self):
        first = audit_record(actor=None, action="a", stream="s:1")
        audit_record(actor=None, action="b", stream="s:1")
        self.make_legacy("s:1")
        set_data(first, {"forged": True})
        out = StringIO()
        with redirect_stdout(out):
            MIGRATION.reseal_legacy(apps, SimpleNamespace(connection=connection))
        self.assertIn("did not verify before the re-seal: s:1#1", out.getvalue())
        record = AuditEvent.objects.get(stream="core.audit")
        self.assertEqual(record.data["problems"], ["s:1#1: content does not match its hash"])
        self.assertEqual(record.data["problem_count"], 1)

    def test_reseal_moves_records_to_the_current_key(self):
        with override_settings(MOTCUA_AUDIT_KEYS=[KEY_A]):
            for action in ("a", "b"):
                audit_record(actor=None, action=action, stream="s:1")
        with override_settings(MOTCUA_AUDIT_KEYS=[KEY_B, KEY_A]):
            audit_record(actor=None, action="c", stream="s:1")
            audit_record(actor=None, action="a", stream="s:2")
            out = StringIO()
            call_command("audit", "reseal", stdout=out)
            self.assertIn(
                f"re-sealed 3 record(s) in 1 chain(s) under key {key_id_of(KEY_B)}",
                out.getvalue(),
            )
        with override_settings(MOTCUA_AUDIT_KEYS=[KEY_B]):  # the old key can go now
            self.assertEqual(audit_verify(), [])
            record = AuditEvent.objects.get(stream="core.audit")
            self.assertEqual(record.data["from_keys"], [key_id_of(KEY_A)])

    def test_reseal_refuses_a_chain_that_does_not_verify_unless_forced(self):
        with override_settings(MOTCUA_AUDIT_KEYS=[KEY_A]):
            event = audit_record(actor=None, action="a", stream="s:1")
        set_data(event, {"forged": True})
        with override_settings(MOTCUA_AUDIT_KEYS=[KEY_B, KEY_A]):
            out = StringIO()
            with self.assertRaises(CommandError) as caught:
                call_command("audit", "reseal", stdout=out)
            self.assertEqual(caught.exception.returncode, 3)
            self.assertIn("s:1#1: content does not match its hash", out.getvalue())
            self.assertEqual(AuditEvent.objects.get(pk=event.pk).key_id, key_id_of(KEY_A))
            with self.assertRaises(ResealRefused):
                audit_reseal()
            result = audit_reseal(force=True)
            self.assertEqual(result.problems, ["s:1#1: content does not match its hash"])
            self.assertEqual(audit_verify(), [])

    def test_reseal_appends_every_head_to_the_checkpoint_file_and_the_old_key_can_go(self):
        path = self.folder / "checkpoints.jsonl"
        with override_settings(MOTCUA_AUDIT_KEYS=[KEY_A], MOTCUA_AUDIT_CHECKPOINT_FILE=path):
            audit_record(actor=None, action="a", stream="s:1")
            audit_checkpoint()
        with override_settings(MOTCUA_AUDIT_KEYS=[KEY_B, KEY_A], MOTCUA_AUDIT_CHECKPOINT_FILE=path):
            audit_record(actor=None, action="a", stream="s:2")  # already under the new key
            with self.captureOnCommitCallbacks(execute=True):
                audit_reseal()
            lines = [json.loads(line) for line in path.read_text().splitlines()]
            self.assertEqual([line["kind"] for line in lines], ["heads", "base"])
            self.assertEqual(sorted(lines[1]["heads"]), ["core.audit", "s:1", "s:2"])
            self.assertEqual(audit_verify(), [])
        with override_settings(MOTCUA_AUDIT_KEYS=[KEY_B], MOTCUA_AUDIT_CHECKPOINT_FILE=path):
            self.assertEqual(audit_verify(), [])
            out = StringIO()
            call_command("audit", "verify", stdout=out, stderr=StringIO())
            self.assertIn("2 line(s) (1 before the last re-seal not checked)", out.getvalue())
            tamper(f"DELETE FROM {AUDIT} WHERE stream = %s", ["s:2"])
            self.assertEqual([p[:2] for p in _problems()], [("s:2", 1)])


@skipUnless(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
class AppendOnlyTriggerTests(TestCase):
    def test_the_application_role_cannot_update_or_delete_audit_rows(self):
        event = audit_record(actor=None, action="a", stream="s:1", data={"a": 1})
        attempts = {
            "UPDATE": lambda: connection.cursor().execute(
                f"UPDATE {AUDIT} SET action = 'x' WHERE id = %s", [event.pk]
            ),
            "DELETE": lambda: connection.cursor().execute(
                f"DELETE FROM {AUDIT} WHERE id = %s", [event.pk]
            ),
            "ORM update": lambda: AuditEvent.objects.filter(pk=event.pk).update(action="x"),
            "ORM delete": lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        }
        for name, attempt in attempts.items():
            with (
                self.subTest(name),
                self.assertRaisesMessage(ProgrammingError, "audit records are append-only"),
                transaction.atomic(),
            ):
                attempt()
        self.assertEqual(AuditEvent.objects.get(pk=event.pk).action, "a")
        self.assertEqual(audit_verify(), [])

    def test_a_reseal_lifts_the_trigger_for_its_own_transaction_only(self):
        with override_settings(MOTCUA_AUDIT_KEYS=[KEY_A]):
            event = audit_record(actor=None, action="a", stream="s:1")
        with override_settings(MOTCUA_AUDIT_KEYS=[KEY_B, KEY_A]):
            self.assertEqual(audit_reseal().records, 1)
        with (
            self.assertRaisesMessage(ProgrammingError, "append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"DELETE FROM {AUDIT} WHERE id = %s", [event.pk])

    def test_a_superuser_can_go_around_it_which_the_seal_then_shows(self):
        event = audit_record(actor=None, action="a", stream="s:1")
        tamper(f"UPDATE {AUDIT} SET action = 'x' WHERE id = %s", [event.pk])
        self.assertEqual(_problems(), [("s:1", 1, "content does not match its hash")])


class CheckpointTests(TempDirMixin, TestCase):
    def setUp(self):
        super().setUp()
        self.path = self.folder / "audit" / "checkpoints.jsonl"
        self.enterContext(override_settings(MOTCUA_AUDIT_CHECKPOINT_FILE=self.path))

    def lines(self):
        return [json.loads(line) for line in self.path.read_text().splitlines()]

    def test_each_checkpoint_appends_the_heads_of_the_chains_that_moved(self):
        audit_record(actor=None, action="a", stream="s:1")
        head = audit_record(actor=None, action="b", stream="s:1")
        other = audit_record(actor=None, action="a", stream="s:2")
        first = audit_checkpoint()
        self.assertEqual((first.written, first.n, first.streams), (True, 1, 2))
        self.assertEqual(stat.S_IMODE(os.stat(self.path).st_mode), 0o600)
        self.assertFalse(audit_checkpoint().written)
        moved = audit_record(actor=None, action="b", stream="s:2")
        self.assertEqual(audit_checkpoint().streams, 1)
        line1, line2 = self.lines()
        self.assertEqual(
            line1["heads"], {"s:1": [2, head.hash], "s:2": [1, other.hash]}, line1["heads"]
        )
        self.assertEqual(line2["heads"], {"s:2": [2, moved.hash]})
        self.assertEqual((line1["n"], line2["n"], line2["prev"]), (1, 2, line1["mac"]))
        # PostgreSQL gives ids to rolled-back rows too (earlier tests): no new gap, though.
        self.assertEqual((line2["through"], line2["gaps"]), (moved.pk, line1["gaps"]))
        heads = checkpoint_read().heads
        self.assertEqual({k: v.seq for k, v in heads.items()}, {"s:1": 2, "s:2": 2})

    def test_a_record_committed_after_a_checkpoint_saw_later_ids_is_checkpointed_next(self):
        """PostgreSQL shows a row at its commit: a smaller id may appear after a checkpoint."""
        with clock.frozen(T0):
            audit_record(actor=None, action="a", stream="s:1")
            late = audit_record(actor=None, action="a", stream="late:1")
            audit_record(actor=None, action="b", stream="s:1")
            tamper(f"DELETE FROM {AUDIT} WHERE id = %s", [late.pk])  # not committed yet
            audit_checkpoint()
            self.assertEqual(self.lines()[0]["gaps"][-1], [late.pk, late.pk, T0.isoformat()])
        with clock.frozen(T0 + timedelta(minutes=5)):
            insert_record(late)  # committed now, with its id
            self.assertEqual(audit_checkpoint().streams, 1)
        self.assertEqual(self.lines()[1]["heads"], {"late:1": [1, late.hash]})
        self.assertEqual(self.lines()[1]["gaps"], self.lines()[0]["gaps"][:-1])
        tamper(f"DELETE FROM {AUDIT} WHERE id = %s", [late.pk])
        self.assertEqual(
            [p[:2] for p in _problems()], [("late:1", 1)], "the late chain is protected too"
        )

    def test_an_id_never_seen_is_given_up_after_an_hour(self):
        with clock.frozen(T0):
            gone = audit_record(actor=None, action="a", stream="s:1")
            audit_record(actor=None, action="a", stream="s:2")
            tamper(f"DELETE FROM {AUDIT} WHERE id = %s", [gone.pk])  # rolled back
            audit_checkpoint()
        with clock.frozen(T0 + GAP_TTL - timedelta(seconds=1)):
            self.assertFalse(audit_checkpoint().written)
        with clock.frozen(T0 + GAP_TTL + timedelta(seconds=1)):
            self.assertTrue(audit_checkpoint().written)
        self.assertEqual(self.lines()[-1]["gaps"], [])
        self.assertEqual(self.lines()[-1]["heads"], {})

    def test_an_edited_checkpoint_line_is_reported_and_its_heads_ignored(self):
        audit_record(actor=None, action="a", stream="s:1")
        audit_checkpoint()
        line = self.lines()[0]
        line["heads"]["s:1"][0] = 5
        self.path.write_text(json.dumps(line) + "\n")
        self.assertEqual(
            _problems(),
            [(f"checkpoint file {self.path}", 1, "line does not match its seal (edited)")],
        )
        with self.assertRaisesMessage(CheckpointError, "does not match its seal"):
            audit_checkpoint()

    def test_a_removed_checkpoint_line_is_reported(self):
        audit_record(actor=None, action="a", stream="s:1")
        audit_checkpoint()
        audit_record(actor=None, action="a", stream="s:2")
        audit_checkpoint()
        self.path.write_text(self.path.read_text().splitlines()[1] + "\n")
        self.assertEqual(
            _problems(),
            [
                (
                    f"checkpoint file {self.path}",
                    1,
                    "line is numbered 2 where 1 was due (lines removed)",
                )
            ],
        )

    def test_a_checkpoint_line_sealed_with_another_key_is_reported(self):
        audit_record(actor=None, action="a", stream="s:1")
        with override_settings(MOTCUA_AUDIT_KEYS=[KEY_A]):
            audit_checkpoint()
        self.assertEqual(
            _problems()[0],
            (
                f"checkpoint file {self.path}",
                1,
                f"line is sealed with a key unknown here ({key_id_of(KEY_A)})",
            ),
        )

    def test_a_checkpoint_command_after_a_damaged_last_line_fails(self):
        self.path.parent.mkdir(parents=True)
        self.path.write_text('{"n": 1, "heads": {}, "trunc')
        with self.assertRaises(CommandError) as caught:
            call_command("audit", "checkpoint", stdout=StringIO())
        self.assertIn("is not a checkpoint line", str(caught.exception))
