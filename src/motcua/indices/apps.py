from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicesConfig(AppConfig):
    name = "motcua.indices"
    verbose_name = _("Indices and dashboards")

    def ready(self) -> None:
        from motcua.core.menu import register_public_link, register_staff_link
        from motcua.dossiers.screens import UserRoles
        from motcua.indices.constants import INDEX_VIEWER_ROLES

        register_staff_link(
            "indices:home",
            _("Dashboard"),
            order=5,
            allowed=lambda request: UserRoles.for_request(request).holds_any(INDEX_VIEWER_ROLES),
        )
        register_public_link("indices:public_units", _("Statistics"), order=80)

        from motcua.indices.models import IndexVersion, Indicator, IndicatorGroup, RatingBand
        from motcua.indices.selectors import VERSIONS

        VERSIONS.clear_on_change(IndexVersion, IndicatorGroup, Indicator, RatingBand)
