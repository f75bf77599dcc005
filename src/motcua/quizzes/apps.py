from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "motcua.quizzes"
    verbose_name = _("Online quizzes")
