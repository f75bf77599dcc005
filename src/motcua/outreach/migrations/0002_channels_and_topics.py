"""Seed the forms of communication and the topics (DOMAIN.md §13) as editable rows."""

from typing import Any

from django.db import migrations

from motcua.outreach.constants import DEFAULT_CHANNELS, DEFAULT_TOPICS


def seed(apps: Any, schema_editor: Any) -> None:
    for model_name, rows in (("Channel", DEFAULT_CHANNELS), ("Topic", DEFAULT_TOPICS)):
        model = apps.get_model("outreach", model_name)
        for order, (code, name) in enumerate(rows, start=1):
            model.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
