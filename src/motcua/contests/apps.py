from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "motcua.contests"
    verbose_name = _("Judged contests")

    def ready(self) -> None:
        from motcua.contests import conf
        from motcua.core.landing import register_landing
        from motcua.core.menu import register_public_link, register_staff_link
        from motcua.dossiers.screens import UserRoles

        def holds(roles: list[str]) -> Any:
            return lambda request: UserRoles.for_request(request).holds_any(roles)

        judges = holds([conf.judge_role()])
        register_landing("contests:judge_home", judges, priority=150)
        register_staff_link("contests:judge_home", _("My score sheets"), order=70, allowed=judges)
        register_staff_link(
            "contests:organiser_home",
            _("Contests"),
            order=71,
            allowed=holds(conf.organiser_roles()),
        )
        register_public_link("contests:public_list", _("Contest results"), order=60)
