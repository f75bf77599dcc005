from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    verbose_name = _("Feedback and satisfaction")

    def ready(self) -> None:
        from motcua.core.periodic import periodic_register
        from motcua.feedback import receivers  # noqa: F401  # connects the return hook
        from motcua.feedback.jobs import feedback_alert

        periodic_register("feedback", feedback_alert)
