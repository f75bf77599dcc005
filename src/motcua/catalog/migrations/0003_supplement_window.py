"""The supplement window becomes a field of the procedure version.

Before, one setting (MOTCUA_SUPPLEMENT_RESPONSE_DAYS, 15 working days) closed every
procedure's unanswered supplement requests. The versions that exist keep that behaviour:
they get the value the deployment used (the variable if it is still set, else 15). New
versions say their own window; empty means no automatic closure.
"""

import os

from django.db import migrations, models


def keep_the_old_window(apps, schema_editor):
    try:
        days = int(os.environ.get("MOTCUA_SUPPLEMENT_RESPONSE_DAYS", "15"))
    except ValueError:
        days = 15
    if not 1 <= days <= 365:
        return
    ProcedureVersion = apps.get_model("catalog", "ProcedureVersion")
    ProcedureVersion.objects.filter(supplement_window_days__isnull=True).update(
        supplement_window_days=days
    )


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0002_search_trigram_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='procedureversion',
            name='supplement_window_days',
            field=models.PositiveSmallIntegerField(blank=True, help_text="Working days the applicant has to hand in a requested supplement before the dossier is closed. Empty: the procedure's law sets no such time, and a dossier waiting for a supplement is never closed automatically.", null=True, verbose_name='supplement window (working days)'),
        ),
        migrations.AddConstraint(
            model_name='procedureversion',
            constraint=models.CheckConstraint(condition=models.Q(('supplement_window_days__isnull', True), models.Q(('supplement_window_days__gte', 1), ('supplement_window_days__lte', 365)), _connector='OR'), name='catalog_version_supplement_window', violation_error_message='The supplement window is a number of working days from 1 to 365, or empty.'),
        ),
        migrations.RunPython(keep_the_old_window, migrations.RunPython.noop),
    ]
