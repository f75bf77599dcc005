from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizensConfig(AppConfig):
    name = "motcua.citizens"
    verbose_name = _("Citizen accounts")

    def ready(self) -> None:
        from motcua.citizens.jobs import online_intake_alert
        from motcua.core.periodic import periodic_register

        periodic_register("citizens", online_intake_alert)

        from motcua.citizens.views import is_citizen, may_see_digitisation
        from motcua.core.menu import (
            register_public_account,
            register_public_link,
            register_staff_link,
        )

        register_public_account(is_citizen)
        register_public_link("citizens:dossiers", _("My dossiers"), order=30)
        register_staff_link(
            "citizens:digitisation", _("Digitisation"), order=40, allowed=may_see_digitisation
        )
