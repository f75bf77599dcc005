"""``motcua demo_code USERNAME``: the current sign-in code of a demo account."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP

from motcua.demo.staff import STAFF
from motcua.org.accounts import second_factor_device


class Command(BaseCommand):
    help = "Print the current two-step sign-in code of a demo account (demo accounts only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if username not in {entry[0] for entry in STAFF}:
            raise CommandError(f"{username} is not a demo account (motcua seed demo lists them)")
        # A real account may share a demo username ("quantri"): demo accounts
        # are the ones with the demo's reserved e-mail domain.
        user = (
            get_user_model()
            .objects.filter(username=username, email=f"{username}@example.invalid")
            .first()
        )
        device = second_factor_device(user) if user is not None else None
        if device is None:
            raise CommandError(f"{username} has no two-step device: run motcua seed demo first")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
