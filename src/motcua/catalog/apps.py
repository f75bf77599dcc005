from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "motcua.catalog"
    verbose_name = _("Procedure catalogue")

    def ready(self) -> None:
        from motcua.core.menu import register_public_link

        register_public_link("catalog:procedure_list", _("Procedures"), order=10)
