from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from motcua.core.audit import audit_history_register
        from motcua.core.menu import register_staff_link
        from motcua.dossiers import checks  # noqa: F401 - registers the system checks
        from motcua.dossiers.models import DossierEvent
        from motcua.dossiers.screens import UserRoles
        from motcua.dossiers.selectors import INTAKE_ROLES
        from motcua.dossiers.services.recalendar import DossierDues
        from motcua.workdays.amendments import register_due_source

        # Each history row is vouched for by the audit record of its change (ADR 0005).
        audit_history_register(
            DossierEvent,
            owner="dossier",
            fields=(
                "dossier",
                "at",
                "actor",
                "action",
                "from_status",
                "to_status",
                "step",
                "note",
                "data",
            ),
        )

        # A calendar amendment moves the dues of open dossiers (docs/deadlines.md).
        register_due_source("dossiers", DossierDues())

        # Each link only for the roles its page admits (the views check the same).
        register_staff_link(
            "dossiers:queue",
            _("Work queues"),
            order=10,
            allowed=lambda request: bool(UserRoles.for_request(request)),
        )
        register_staff_link(
            "dossiers:intake",
            _("Counter intake"),
            order=20,
            allowed=lambda request: "intake_officer" in UserRoles.for_request(request).codes,
        )
        register_staff_link(
            "dossiers:logbook",
            _("Log book"),
            order=30,
            allowed=lambda request: UserRoles.for_request(request).holds_any(INTAKE_ROLES),
        )
        register_staff_link(
            "dossiers:start",
            _("My work"),
            order=10,
            allowed=lambda request: not UserRoles.for_request(request),
        )
