from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "motcua.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # django-tasks-db names its admin section in English, outside gettext.
        from django.apps import apps
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from django.test.signals import setting_changed

        from motcua.core import checks  # noqa: F401 - registers the system checks
        from motcua.core.audit.sealing import audit_keys_reset
        from motcua.core.cache import REFERENCE_APPS, on_reference_change

        if apps.is_installed("django_tasks_db"):
            apps.get_app_config("django_tasks_database").verbose_name = _("Background tasks")

        setting_changed.connect(audit_keys_reset, dispatch_uid="motcua.core.audit.keys")

        # Connected per model of the reference apps only: a receiver without a sender
        # would make every other model's deletes go row by row (no fast delete).
        for config in apps.get_app_configs():
            if config.label not in REFERENCE_APPS:
                continue
            for model in config.get_models(include_auto_created=True):
                for signal in (post_save, post_delete, m2m_changed):
                    signal.connect(
                        on_reference_change,
                        sender=model,
                        dispatch_uid=f"motcua.core.cache.{signal!r}.{model._meta.label}",
                    )
