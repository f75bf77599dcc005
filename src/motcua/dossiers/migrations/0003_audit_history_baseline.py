"""Bring the history rows written before this release into their dossiers' audit chains.

From this release each dossier audit record carries the digest of its history
row. The rows written before are vouched for once, as they stand now: one
``core.audit.history_baseline`` record per dossier lists them (ADR 0005).
"""

from django.db import migrations


def baseline(apps, schema_editor):
    from motcua.core.audit.reseal import audit_history_baseline

    model = apps.get_model("dossiers", "DossierEvent")
    if not model.objects.using(schema_editor.connection.alias).exists():
        return
    result = audit_history_baseline(
        model=model,
        audit_model=apps.get_model("core", "AuditEvent"),
        actor="migration dossiers.0003",
    )
    if result.rows:
        print(f"\n  audit: {result.rows} history row(s) of {result.records} dossier(s) vouched for")


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0002_fewer_indexes"),
        ("core", "0005_audit_reseal_legacy"),
    ]

    operations = [migrations.RunPython(baseline, migrations.RunPython.noop)]
