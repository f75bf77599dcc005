from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "motcua.quizzes"
    verbose_name = _("Online quizzes")

    def ready(self) -> None:
        from motcua.core.landing import register_landing
        from motcua.core.menu import register_public_link, register_staff_link
        from motcua.core.periodic import periodic_register
        from motcua.dossiers.screens import UserRoles
        from motcua.quizzes import conf
        from motcua.quizzes.services import attempts_finalise_expired, rounds_rank_closed

        periodic_register("quizzes", lambda: attempts_finalise_expired() + rounds_rank_closed())

        from motcua.quizzes import hotpath
        from motcua.quizzes.models import Question, Quiz, QuizUnit, Round

        hotpath.banks.clear_on_change(Question, Quiz, QuizUnit)
        hotpath.quiz_units.clear_on_change(Question, Quiz, QuizUnit)
        hotpath.rounds.clear_on_change(Quiz, Round)
        hotpath.start_fields.clear_on_change(Quiz, QuizUnit)

        def organiser(request: Any) -> bool:
            return UserRoles.for_request(request).holds_any(conf.organiser_roles())

        register_public_link("quizzes:rounds", _("Online quizzes"), order=40)
        register_staff_link(
            "quizzes:organiser_home", _("Organise quizzes"), order=60, allowed=organiser
        )
        register_landing("quizzes:organiser_home", organiser, priority=10)
