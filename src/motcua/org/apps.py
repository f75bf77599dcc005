from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "motcua.org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from motcua.core.menu import register_staff_link

        register_staff_link("account:overview", _("My account"), order=90)
