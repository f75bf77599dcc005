from typing import Any

from django.db import migrations

NUMERATOR = "PAKN về quy định hành chính"
DENOMINATOR = "PAKN đã phân loại"


def forwards(apps: Any, schema_editor: Any) -> None:
    """5.1 of the shipped QĐ 766 definition reads the PAKN classification (tracked)."""
    Indicator = apps.get_model("indices", "Indicator")
    Indicator.objects.filter(
        group__version__code="qd766", code="5.1", query="unavailable_feedback"
    ).update(
        query="pakn_classification", numerator_label=NUMERATOR, denominator_label=DENOMINATOR
    )


def backwards(apps: Any, schema_editor: Any) -> None:
    Indicator = apps.get_model("indices", "Indicator")
    Indicator.objects.filter(
        group__version__code="qd766", code="5.1", query="pakn_classification"
    ).update(query="unavailable_feedback", numerator_label="", denominator_label="")


class Migration(migrations.Migration):
    dependencies = [("indices", "0008_fact_keys_unconstrained")]

    operations = [migrations.RunPython(forwards, backwards)]
