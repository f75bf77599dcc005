from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "motcua.portal"
    verbose_name = _("Citizen portal")

    def ready(self) -> None:
        from motcua.core.menu import register_public_link

        register_public_link("portal:lookup", _("Look up a dossier"), order=20)
