from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    verbose_name = _("Feedback and satisfaction")

    def ready(self) -> None:
        from motcua.feedback import receivers  # noqa: F401  # connects the return hook
