"""``motcua audit verify``: recompute every audit chain and list what breaks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the hash chains of the audit log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--stream", default=None, help="Verify one stream only")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = audit_verify(stream=options["stream"])
        for problem in problems:
            self.stdout.write(f"{problem.stream}#{problem.seq}: {problem.problem}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in the audit log", returncode=3)
        self.stdout.write("audit log: every chain verifies")
