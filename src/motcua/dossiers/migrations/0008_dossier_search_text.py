"""Give every dossier its folded search text (``dossiers.search``), so the queue can find it."""

from django.db import migrations, models

BATCH = 2000


def fill(apps, schema_editor):
    from motcua.dossiers.search import dossier_search_text

    Dossier = apps.get_model("dossiers", "Dossier")
    fields = [
        "code",
        "applicant_name",
        "applicant_id_number",
        "applicant_phone",
        "representative_name",
        "representative_id_number",
        "representative_phone",
    ]
    last = 0
    while True:
        rows = list(Dossier.objects.filter(pk__gt=last).order_by("pk").only("pk", *fields)[:BATCH])
        if not rows:
            return
        for row in rows:
            row.search_text = dossier_search_text(**{name: getattr(row, name) for name in fields})
        Dossier.objects.bulk_update(rows, ["search_text"])
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0007_dossier_idempotency_fingerprint"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="search_text",
            field=models.CharField(blank=True, default="", editable=False, max_length=600),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
