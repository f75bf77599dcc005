from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "motcua.outreach"
    verbose_name = _("Reform outreach")

    def ready(self) -> None:
        from motcua.core.landing import register_landing
        from motcua.core.menu import register_public_link, register_staff_link
        from motcua.core.periodic import periodic_register
        from motcua.dossiers.screens import UserRoles
        from motcua.outreach import conf
        from motcua.outreach.jobs import outreach_alert

        periodic_register("outreach", outreach_alert)

        def holds(roles: Any) -> Any:
            return lambda request: UserRoles.for_request(request).holds_any(roles())

        # Above the leaders' dashboard (indices), which reform officers also see.
        register_landing("outreach:home", holds(conf.officer_roles), priority=200)
        register_staff_link(
            "outreach:home", _("Reform communication"), order=50, allowed=holds(conf.reader_roles)
        )
        register_public_link("outreach:articles", _("Administrative reform"), order=35)
