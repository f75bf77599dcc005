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

        register_staff_link("dossiers:queue", _("Work queues"), order=10)
        register_staff_link("dossiers:intake", _("Counter intake"), order=20)
        register_staff_link("dossiers:logbook", _("Log book"), order=30)
