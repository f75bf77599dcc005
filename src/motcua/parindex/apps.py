from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParindexConfig(AppConfig):
    name = "motcua.parindex"
    verbose_name = _("PAR INDEX self-assessment")

    def ready(self) -> None:
        from motcua.core.audit import audit_history_register
        from motcua.core.landing import register_landing
        from motcua.core.menu import register_staff_link
        from motcua.dossiers.screens import UserRoles
        from motcua.parindex import rules  # noqa: F401 - registers the automatic rules
        from motcua.parindex.conf import appraiser_roles, scorer_roles
        from motcua.parindex.models import AssessmentEvent

        audit_history_register(
            AssessmentEvent,
            owner="assessment",
            fields=("assessment", "action", "from_status", "to_status", "actor_repr", "at", "data"),
        )

        def holds(request: Any) -> bool:
            wanted = list(dict.fromkeys([*scorer_roles(), *appraiser_roles()]))
            return bool(UserRoles.for_request(request).holds_any(wanted))

        register_staff_link("parindex:home", _("PAR INDEX"), order=60, allowed=holds)
        # Below the outreach home (the reform officer's own page) when both apply.
        register_landing("parindex:home", holds, priority=50)
