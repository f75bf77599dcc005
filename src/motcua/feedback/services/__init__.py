"""Every change of state in the feedback app goes through one of these functions."""

from motcua.feedback.services.evaluations import (
    evaluation_check_open,
    evaluation_submit,
    follow_up_record_contact,
)
from motcua.feedback.services.invites import invite_create, invite_open, invite_rate
from motcua.feedback.services.kiosk import (
    kiosk_create,
    kiosk_current,
    kiosk_from_secret,
    kiosk_pair,
    kiosk_pairing_start,
    kiosk_rate,
    kiosk_send,
)

__all__ = [
    "evaluation_check_open",
    "evaluation_submit",
    "follow_up_record_contact",
    "invite_create",
    "invite_open",
    "invite_rate",
    "kiosk_create",
    "kiosk_current",
    "kiosk_from_secret",
    "kiosk_pair",
    "kiosk_pairing_start",
    "kiosk_rate",
    "kiosk_send",
]
