"""Password rules whose messages the project translates itself."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule; Django's Vietnamese catalogue lacks its current error message."""

    def get_error_message(self) -> str:
        return gettext("This password is too short: use at least %(min_length)d characters.") % {
            "min_length": self.min_length
        }
