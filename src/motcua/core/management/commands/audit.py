"""``motcua audit verify | checkpoint | reseal``: check, checkpoint and re-seal the audit log.

- ``verify [--stream S]`` lists every problem as ``stream#seq: what`` and
  exits with status 3 when there is one;
- ``checkpoint`` appends the heads of the chains that moved to the
  checkpoint file (``motcua periodic`` does it on every run);
- ``reseal [--force]`` re-seals the records of an older key under the
  current one, after a key rotation (docs/deploy.md, "Audit log").
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from motcua.core.audit import (
    CheckpointError,
    ResealRefused,
    audit_checkpoint,
    audit_reseal,
    audit_verify,
    checkpoint_read,
)


class Command(BaseCommand):
    help = "Verify, checkpoint or re-seal the hash chains of the audit log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint", "reseal"])
        parser.add_argument("--stream", default=None, help="verify: one stream only")
        parser.add_argument(
            "--force",
            action="store_true",
            help="reseal: re-seal even chains that do not verify with their old hashes "
            "(the re-seal's record lists them)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(**options)

    def _verify(self, *, stream: str | None, **options: Any) -> None:
        checkpoints = checkpoint_read()
        problems = audit_verify(stream=stream, checkpoints=checkpoints)
        for problem in problems:
            self.stdout.write(str(problem))
        if checkpoints.path is None:
            self.stderr.write("checkpoints are off: a deleted chain end cannot be found")
        elif not checkpoints.exists:
            self.stderr.write(
                f"no checkpoint file yet ({checkpoints.path}): run `motcua audit checkpoint`; "
                "until then a deleted chain end cannot be found"
            )
        else:
            older = (
                f" ({checkpoints.superseded} before the last re-seal not checked)"
                if checkpoints.superseded
                else ""
            )
            self.stdout.write(
                f"checkpoints: {checkpoints.lines} line(s){older}, the last of "
                f"{checkpoints.last_at}, {len(checkpoints.heads)} chain(s)"
            )
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in the audit log", returncode=3)
        self.stdout.write("audit log: every chain verifies")

    def _checkpoint(self, **options: Any) -> None:
        try:
            checkpoint = audit_checkpoint()
        except CheckpointError as exc:
            raise CommandError(str(exc)) from exc
        if checkpoint is None:
            self.stdout.write("checkpoints are off (MOTCUA_AUDIT_CHECKPOINT_FILE is empty)")
        elif checkpoint.written:
            self.stdout.write(
                f"checkpoint {checkpoint.n}: {checkpoint.streams} chain(s) through record "
                f"{checkpoint.through}, in {checkpoint.path}"
            )
        else:
            self.stdout.write(f"no chain moved since checkpoint {checkpoint.n}")

    def _reseal(self, *, force: bool, **options: Any) -> None:
        try:
            result = audit_reseal(force=force)
        except DatabaseError as exc:
            raise CommandError(
                f"The re-seal needs the role that owns the audit table (the one that runs "
                f"migrate): {exc}"
            ) from exc
        except ResealRefused as exc:
            for problem in exc.problems:
                self.stdout.write(problem)
            raise CommandError(
                f"{len(exc.problems)} problem(s) with the old hashes: nothing re-sealed "
                "(find out why, then re-run with --force to re-seal anyway)",
                returncode=3,
            ) from exc
        for problem in result.problems:
            self.stdout.write(f"re-sealed although it did not verify: {problem}")
        self.stdout.write(
            f"re-sealed {result.records} record(s) in {result.streams} chain(s) "
            f"under key {result.key}"
        )
