"""``motcua api_token create USERNAME --name N`` prints a new staff API token once.

``motcua api_token revoke PREFIX`` revokes one; ``motcua api_token list
[USERNAME]`` shows them (never the secrets, which are not stored).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.api.models import TOKEN_PREFIX, ApiToken
from motcua.api.services import api_token_create, api_token_revoke
from motcua.core import clock
from motcua.core.errors import ApplicationError

ACTOR = "motcua api_token"


class Command(BaseCommand):
    help = "Create, list or revoke staff API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it once")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="What the token is for")
        create.add_argument(
            "--expires-in-days",
            type=int,
            default=None,
            help="Days until it expires (default: never)",
        )
        revoke = sub.add_parser("revoke", help="Revoke a token")
        revoke.add_argument("prefix", help=f"The part after “{TOKEN_PREFIX}_”, or the whole token")
        listing = sub.add_parser("list", help="List tokens")
        listing.add_argument("username", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _create(self, options: dict[str, Any]) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        days = options["expires_in_days"]
        if days is not None and days < 1:
            raise CommandError("--expires-in-days must be at least 1")
        expires = clock.now() + timedelta(days=days) if days else None
        try:
            token, text = api_token_create(
                actor=ACTOR, user=user, name=options["name"], expires_at=expires
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if options["verbosity"] >= 1:
            self.stderr.write(
                f"token {token.prefix} for {user.get_username()} ({token.name}); "
                "copy it now, it is shown only once:"
            )
        self.stdout.write(text)

    def _revoke(self, options: dict[str, Any]) -> None:
        given = options["prefix"].strip()
        parts = given.split("_")
        prefix = parts[1] if len(parts) >= 2 and parts[0] == TOKEN_PREFIX else given
        token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"no token with prefix {prefix!r}")
        api_token_revoke(actor=ACTOR, token=token)
        self.stdout.write(f"revoked {token.prefix} ({token.user.get_username()}, {token.name})")

    def _list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
        if options.get("username"):
            tokens = tokens.filter(user__username=options["username"])
        now = clock.now()
        for token in tokens:
            state = "revoked" if token.revoked else "expired" if token.is_expired(now) else "active"
            used = (
                timezone.localtime(token.last_used_at).strftime("%Y-%m-%d %H:%M")
                if token.last_used_at
                else "never"
            )
            self.stdout.write(
                f"{token.prefix}\t{token.user.get_username()}\t{state}\t{used}\t{token.name}"
            )
