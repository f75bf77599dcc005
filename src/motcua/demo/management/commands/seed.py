"""``motcua seed demo``: the demo province, catalogue and staff (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.catalog.demo import load_demo_procedures
from motcua.demo.staff import load_demo_staff, logins_file
from motcua.org.demo import load_demo_units


class Command(BaseCommand):
    help = "Load demo data (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["demo"])

    def handle(self, *args: Any, **options: Any) -> None:
        actor = "motcua seed demo"
        units = load_demo_units(actor)
        procedures = load_demo_procedures(actor)
        lines = load_demo_staff(actor=actor, units=units)
        self.stdout.write(
            f"Đơn vị: {len(units)} · Thủ tục: {procedures} · Tài khoản mẫu ({logins_file()}):"
        )
        for line in lines:
            username, password, description = line.split("\t")
            self.stdout.write(f"  {username:<20} {password:<14} {description}")
