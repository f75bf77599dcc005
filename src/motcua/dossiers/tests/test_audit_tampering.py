"""Tampering with a dossier's audit chain and history directly in the database.

Each test does to a real dossier's records what someone who can write to the
database — but holds neither the audit key nor the checkpoint file — could do,
and expects ``motcua audit verify`` to fail naming the chain and the position.
On PostgreSQL the statements go around the append-only trigger as a database
superuser would (``core/tests/tampering.py``). The checkpoint was written after
the dossier's last change, as ``motcua periodic`` does.
"""

from __future__ import annotations

import importlib
import shutil
import tempfile
from contextlib import redirect_stdout
from datetime import timedelta
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TestCase, override_settings

from motcua.core import clock
from motcua.core.audit import (
    audit_checkpoint,
    audit_keys,
    audit_record,
    audit_verify,
    checkpoint_read,
)
from motcua.core.audit.sealing import mac, seal, sealed_text
from motcua.core.models import AuditEvent
from motcua.core.tests.tampering import (
    AUDIT,
    insert_record,
    json_value,
    rechain_plain,
    rehash_plain,
    set_data,
    tamper,
)
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.helpers import World, at

HISTORY = DossierEvent._meta.db_table


class TamperingTestCase(TestCase):
    w: World
    dossier: Dossier
    stream: str

    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        # Intake hands the dossier to the handler (two records), who hands it over (a third).
        with clock.frozen(at(2026, 3, 2, 9)):
            dossier = cls.w.receive(to_user=cls.w.handler)
        with clock.frozen(at(2026, 3, 3, 15)):
            dossier = s.dossier_hand_over(
                dossier=dossier, actor=cls.w.handler, to_user=cls.w.leader
            )
        cls.dossier = dossier
        cls.stream = f"dossiers.dossier:{dossier.pk}"

    def setUp(self):
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        self.checkpoints = Path(folder) / "audit-checkpoints.jsonl"
        self.enterContext(override_settings(MOTCUA_AUDIT_CHECKPOINT_FILE=self.checkpoints))
        checkpoint = audit_checkpoint()
        assert checkpoint is not None
        self.assertTrue(checkpoint.written)
        self.assertEqual(audit_verify(), [])

    def records(self):
        return list(AuditEvent.objects.filter(stream=self.stream).order_by("seq"))

    def history(self):
        return list(DossierEvent.objects.filter(dossier=self.dossier).order_by("at", "id"))

    def assertFound(self, seq, fragment, stream=None):
        """The verifier and the command both name ``stream``#``seq`` with ``fragment``."""
        stream = stream or self.stream
        problems = audit_verify()
        self.assertTrue(
            any(p.stream == stream and p.seq == seq and fragment in p.problem for p in problems),
            [str(p) for p in problems],
        )
        out = StringIO()
        with self.assertRaises(CommandError) as caught:
            call_command("audit", "verify", stdout=out, stderr=StringIO())
        self.assertEqual(caught.exception.returncode, 3)
        self.assertIn(f"{stream}#{seq}: {fragment}", out.getvalue())
        return problems


class ElevenTamperingsTests(TamperingTestCase):
    def test_the_dossier_chain_holds_three_records_vouching_for_three_history_rows(self):
        records = self.records()
        self.assertEqual([r.seq for r in records], [1, 2, 3])
        self.assertEqual(
            [r.data["history"]["row"] for r in records],
            [f"dossiers.dossierevent:{e.pk}" for e in self.history()],
        )
        self.assertIn(self.stream, checkpoint_read(self.checkpoints).heads)

    def test_01_edit_content(self):
        second = self.records()[1]
        set_data(second, {**second.data, "note": "đã sửa"})
        self.assertFound(2, "content does not match its hash")

    def test_02_edit_with_recomputed_plain_hash(self):
        second = self.records()[1]
        set_data(second, {**second.data, "note": "đã sửa"})
        rehash_plain(second)
        problems = self.assertFound(2, "content does not match its hash")
        self.assertIn((self.stream, 3, "previous hash does not match"), _triples(problems))

    def test_03_edit_with_recomputed_chain(self):
        second = self.records()[1]
        set_data(second, {**second.data, "note": "đã sửa"})
        rechain_plain(self.stream, from_seq=2)
        problems = self.assertFound(2, "content does not match its hash")
        self.assertIn((self.stream, 3, "content does not match its hash"), _triples(problems))

    def test_04_backdated_record(self):
        second = self.records()[1]
        tamper(
            f"UPDATE {AUDIT} SET at = %s WHERE id = %s", [second.at - timedelta(days=1), second.pk]
        )
        rechain_plain(self.stream, from_seq=2)
        self.assertFound(2, "content does not match its hash")

    def test_05_inserted_record_with_renumbering(self):
        first, second, third = self.records()
        for record in (third, second):  # from the end, so (stream, seq) stays unique
            tamper(f"UPDATE {AUDIT} SET seq = seq + 1 WHERE id = %s", [record.pk])
        forged = AuditEvent(
            at=first.at + timedelta(minutes=5),
            actor_id=first.actor_id,
            actor_repr=first.actor_repr,
            action="dossiers.note",
            stream=self.stream,
            seq=2,
            object_type=first.object_type,
            object_id=first.object_id,
            data={"code": self.dossier.code, "note": "chen them"},
            prev_hash=first.hash,
            key_id=first.key_id,
            hash="0" * 64,
        )
        insert_record(forged)
        rechain_plain(self.stream, from_seq=2)
        self.assertEqual([r.seq for r in self.records()], [1, 2, 3, 4])
        self.assertFound(2, "content does not match its hash")

    def test_06_appended_record(self):
        head = self.records()[-1]
        forged = AuditEvent(
            at=head.at + timedelta(hours=1),
            actor_repr="",
            action="dossiers.return_result",
            stream=self.stream,
            seq=4,
            object_type=head.object_type,
            object_id=head.object_id,
            data={"code": self.dossier.code, "to": "returned"},
            prev_hash=head.hash,
            key_id=head.key_id,
            hash="0" * 64,
        )
        insert_record(forged)
        rehash_plain(forged)
        self.assertFound(4, "content does not match its hash")

    def test_07_deleted_middle_record(self):
        tamper(f"DELETE FROM {AUDIT} WHERE id = %s", [self.records()[1].pk])
        problems = self.assertFound(3, "expected sequence 2")
        self.assertIn((self.stream, 3, "previous hash does not match"), _triples(problems))

    def test_08_deleted_last_record(self):
        """The chain that is left verifies; the checkpoint saw its end, and its history row goes too."""
        tamper(f"DELETE FROM {AUDIT} WHERE id = %s", [self.records()[-1].pk])
        tamper(f"DELETE FROM {HISTORY} WHERE id = %s", [self.history()[-1].pk])
        problems = self.assertFound(3, "record #3 missing after the end of the chain")
        self.assertEqual([p.stream for p in problems], [self.stream])

    def test_09_deleted_whole_chain(self):
        tamper(f"DELETE FROM {AUDIT} WHERE stream = %s", [self.stream])
        tamper(f"DELETE FROM {HISTORY} WHERE dossier_id = %s", [self.dossier.pk])
        problems = self.assertFound(1, "the whole chain is missing")
        self.assertIn("saw records #1–#3", problems[0].problem)

    def test_10_edited_history_row(self):
        row = self.history()[1]
        tamper(f"UPDATE {HISTORY} SET note = %s WHERE id = %s", ["sửa lịch sử", row.pk])
        self.assertFound(2, f"history row dossiers.dossierevent:{row.pk} does not match")

    def test_11_deleted_history_row(self):
        row = self.history()[1]
        tamper(f"DELETE FROM {HISTORY} WHERE id = %s", [row.pk])
        self.assertFound(2, f"history row dossiers.dossierevent:{row.pk} is missing")


class FurtherTamperingsTests(TamperingTestCase):
    def test_inserted_history_row(self):
        row = self.history()[1]
        row.pk = None
        row.note = "thêm vào lịch sử"
        tamper(
            f"INSERT INTO {HISTORY} (dossier_id, at, actor_id, action, from_status, to_status, "
            f"step_id, note, data) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, {json_value()})",
            [
                row.dossier_id,
                row.at,
                row.actor_id,
                row.action,
                row.from_status,
                row.to_status,
                row.step_id,
                row.note,
                "{}",
            ],
        )
        forged = DossierEvent.objects.get(note="thêm vào lịch sử")
        self.assertFound(0, f"history row dossiers.dossierevent:{forged.pk} has no audit record")

    def test_history_row_moved_to_another_dossier(self):
        other = self.w.receive()
        row = self.history()[1]
        tamper(f"UPDATE {HISTORY} SET dossier_id = %s WHERE id = %s", [other.pk, row.pk])
        self.assertFound(2, f"history row dossiers.dossierevent:{row.pk} does not match")

    def test_deleted_middle_record_with_renumbering_and_recomputed_chain(self):
        _first, second, third = self.records()
        tamper(f"DELETE FROM {AUDIT} WHERE id = %s", [second.pk])
        tamper(f"UPDATE {AUDIT} SET seq = 2 WHERE id = %s", [third.pk])
        rechain_plain(self.stream, from_seq=2)
        problems = self.assertFound(2, "content does not match its hash")
        # The checkpoint saw #3, which is gone now.
        self.assertTrue(
            any(p.seq == 3 and p.problem.startswith("record #3 missing") for p in problems)
        )

    def test_record_resealed_with_a_key_of_ones_own(self):
        second = self.records()[1]
        set_data(second, {**second.data, "note": "đã sửa"})
        second.refresh_from_db()
        with override_settings(MOTCUA_AUDIT_KEYS=["attacker-key-" + "x" * 40]):
            own = audit_keys().current
            forged = mac(own, sealed_text(second))
        tamper(f"UPDATE {AUDIT} SET key_id = %s, hash = %s WHERE id = %s", [own, forged, second.pk])
        self.assertFound(2, f"sealed with a key unknown here ({own})")

    def test_record_made_to_look_older_than_the_keyed_seal(self):
        second = self.records()[1]
        set_data(second, {**second.data, "note": "đã sửa"})
        tamper(f"UPDATE {AUDIT} SET key_id = '' WHERE id = %s", [second.pk])
        rechain_plain(self.stream, from_seq=2)
        self.assertFound(2, "carries no keyed hash")

    def test_whole_table_emptied(self):
        streams = sorted(set(AuditEvent.objects.values_list("stream", flat=True)))
        tamper(f"DELETE FROM {HISTORY}")
        tamper(f"DELETE FROM {AUDIT}")
        problems = self.assertFound(1, "the whole chain is missing")
        # Every chain the checkpoint saw, the world's set-up too: one problem each.
        self.assertEqual(sorted(p.stream for p in problems), streams)


class PeriodicCheckpointTests(TamperingTestCase):
    def test_periodic_checkpoints_the_chains_that_moved(self):
        audit_record(actor=self.w.handler, action="dossiers.view", obj=self.dossier)
        out = StringIO()
        call_command("periodic", stdout=out)
        self.assertIn("audit checkpoint: 1", out.getvalue())
        self.assertEqual(checkpoint_read(self.checkpoints).heads[self.stream].seq, 4)


class HistoryBaselineTests(TamperingTestCase):
    """History rows written before records named them are vouched for once, by migration."""

    migration = importlib.import_module("motcua.dossiers.migrations.0003_audit_history_baseline")

    def make_earlier(self):
        """Rewrite the dossier's records as the previous release left them: no history digest."""
        prev = ""
        for record in self.records():
            record.data = {k: v for k, v in record.data.items() if k != "history"}
            record.prev_hash = prev
            seal(record)  # migration core.0005 re-sealed them with the key
            set_data(record, record.data)
            tamper(
                f"UPDATE {AUDIT} SET prev_hash = %s, hash = %s WHERE id = %s",
                [record.prev_hash, record.hash, record.pk],
            )
            prev = record.hash
        self.checkpoints.unlink()  # the re-seal of core.0005 started it again
        audit_checkpoint()

    def baseline(self):
        out = StringIO()
        with redirect_stdout(out):
            self.migration.baseline(apps, SimpleNamespace(connection=connection))
        return out.getvalue()

    def test_rows_of_the_earlier_release_are_listed_in_one_record_per_dossier(self):
        self.make_earlier()
        problems = audit_verify()
        self.assertEqual(
            {(p.stream, p.seq, p.problem.split()[-1]) for p in problems if p.seq == 0},
            {(self.stream, 0, "record")},
        )
        self.assertIn("vouched for", self.baseline())
        self.assertEqual(audit_verify(), [])
        record = self.records()[-1]
        self.assertEqual((record.seq, record.action), (4, "core.audit.history_baseline"))
        self.assertEqual(
            [ref["row"] for ref in record.data["history_rows"]],
            [f"dossiers.dossierevent:{e.pk}" for e in self.history()],
        )
        self.assertEqual(self.baseline(), "")  # every row is named now
        self.assertEqual(len(self.records()), 4)
        row = self.history()[0]
        tamper(f"UPDATE {HISTORY} SET note = %s WHERE id = %s", ["sửa", row.pk])
        self.assertFound(4, f"history row dossiers.dossierevent:{row.pk} does not match")


def _triples(problems):
    return {(p.stream, p.seq, p.problem) for p in problems}
