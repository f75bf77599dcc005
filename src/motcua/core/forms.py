"""Forms every app's staff pages share: the sign-in, and dates typed as dd/mm/yyyy."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class StaffAuthenticationForm(AuthenticationForm):
    """The sign-in form, with the project's own plain messages (not Django's wording)."""

    error_messages = {
        "invalid_login": _(
            "The username or the password is not right. Passwords are case-sensitive: "
            "check that Caps Lock is off."
        ),
        "inactive": _("This account is locked. Ask the administrator of your unit."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = _("Enter the username.")
        self.fields["password"].error_messages["required"] = _("Enter the password.")


DAY_FORMAT = "%d/%m/%Y"
_DAY = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\s*$")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


class DayInput(forms.TextInput):
    """A text box for a date typed as dd/mm/yyyy, whatever the browser's language.

    Not ``<input type=date>``: its display follows the browser's locale
    (mm/dd/yyyy in an English browser), which officers misread.
    """

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "inputmode": "numeric",
            "autocomplete": "off",
            "placeholder": "dd/mm/yyyy",
            "size": "10",
            "maxlength": "10",
            "class": "day-input",
        }
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, date):
            return value.strftime(DAY_FORMAT)
        shown: str | None = super().format_value(value)
        return shown


class DayField(forms.Field):
    """A date typed as dd/mm/yyyy (d/m/yyyy too), checked with a plain Vietnamese message.

    A link or bookmark may still carry the ISO form (2026-03-05); it is read
    too, and shown back as dd/mm/yyyy.
    """

    widget = DayInput
    default_error_messages = {
        "invalid": _("Enter the date as day/month/year, for example 05/03/2026."),
        "no_such_day": _("There is no such day: %(value)s."),
    }

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value)
        match = _DAY.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
        else:
            iso = _ISO_DAY.match(text)
            if not iso:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            year, month, day = (int(part) for part in iso.groups())
        try:
            return date(year, month, day)
        except ValueError:
            raise forms.ValidationError(
                self.error_messages["no_such_day"],
                code="no_such_day",
                params={"value": text.strip()},
            ) from None
