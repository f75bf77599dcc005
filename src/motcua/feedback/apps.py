from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    verbose_name = _("Feedback and satisfaction")

    def ready(self) -> None:
        from motcua.core.periodic import periodic_register
        from motcua.feedback import receivers  # noqa: F401  # connects the return hook
        from motcua.feedback.jobs import feedback_alert

        periodic_register("feedback", feedback_alert)

        from django.conf import settings

        from motcua.core.menu import register_public_link, register_staff_link
        from motcua.dossiers.screens import UserRoles

        def holds(*role_lists: list[str]) -> Any:
            wanted = [role for roles in role_lists for role in roles]
            return lambda request: UserRoles.for_request(request).holds_any(wanted)

        directors = settings.MOTCUA_FEEDBACK_DIRECTOR_ROLES
        readers = settings.MOTCUA_FEEDBACK_READER_ROLES
        register_public_link("feedback:pakn_published", _("Feedback and answers"), order=30)
        register_staff_link(
            "feedback:pakn_list", _("Citizen feedback"), order=40, allowed=holds(directors)
        )
        register_staff_link(
            "feedback:follow_ups", _("Unhappy ratings"), order=41, allowed=holds(directors)
        )
        register_staff_link(
            "feedback:campaigns", _("Surveys"), order=42, allowed=holds(directors, readers)
        )
        register_staff_link(
            "feedback:kiosk_admin",
            _("Kiosks"),
            order=43,
            allowed=holds(["intake_officer"], directors),
        )
