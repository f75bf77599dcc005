"""Staff API tokens (khóa truy cập API): a named secret per user, stored hashed.

A token reads ``mc_<prefix>_<secret>``. The prefix is public and finds the
row; only the SHA-256 digest of the secret is stored, so a leaked database
does not leak usable tokens and the secret is shown once, at creation.
The secrets are long random strings, so a plain (unsalted) SHA-256 is
enough: there is nothing to brute-force that a slow hash would protect.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "mc"  # noqa: S105 - the public marker of the token format, not a secret


class ApiToken(models.Model):
    """A bearer token that lets a program act as one staff member through the API."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. “counter kiosk 2”.")
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("secret digest (SHA-256)"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(
        _("expires at"), null=True, blank=True, help_text=_("Empty: the token does not expire.")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({TOKEN_PREFIX}_{self.prefix}_…)"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now
