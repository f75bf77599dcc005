from typing import Any

from django.db import migrations

QUERIES = {"5.2": "pakn_on_time", "5.3": "pakn_not_dissatisfied"}


def forwards(apps: Any, schema_editor: Any) -> None:
    """5.2 and 5.3 of the shipped QĐ 766 definition read the feedback app's PAKN."""
    Indicator = apps.get_model("indices", "Indicator")
    for code, query in QUERIES.items():
        Indicator.objects.filter(
            group__version__code="qd766", code=code, query="unavailable_feedback"
        ).update(query=query)


def backwards(apps: Any, schema_editor: Any) -> None:
    Indicator = apps.get_model("indices", "Indicator")
    for code, query in QUERIES.items():
        Indicator.objects.filter(group__version__code="qd766", code=code, query=query).update(
            query="unavailable_feedback"
        )


class Migration(migrations.Migration):
    dependencies = [("indices", "0005_pending_covering_index")]

    operations = [migrations.RunPython(forwards, backwards)]
