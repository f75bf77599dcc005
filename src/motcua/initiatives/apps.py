from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "motcua.initiatives"
    verbose_name = _("Initiatives and models")

    def ready(self) -> None:
        from motcua.core.menu import register_staff_link
        from motcua.initiatives.views import is_reform_staff

        register_staff_link(
            "initiatives:registry",
            _("Initiatives and models"),
            order=61,
            allowed=is_reform_staff,
        )
