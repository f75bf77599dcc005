"""Re-seal the records written before the keyed seal (plain SHA-256) under the audit key.

One-off and recorded: the re-seal checks each chain with its old hashes, then
writes one ``core.audit.reseal`` record listing what did not verify before
(a migration cannot refuse). ADR 0005 explains the choice.
"""

from django.db import migrations


def reseal_legacy(apps, schema_editor):
    from motcua.core.audit.reseal import audit_reseal

    model = apps.get_model("core", "AuditEvent")
    if not model.objects.using(schema_editor.connection.alias).filter(key_id="").exists():
        return
    result = audit_reseal(force=True, actor="migration core.0005", model=model)
    print(f"\n  audit: {result.records} record(s) in {result.streams} chain(s) re-sealed")
    for problem in result.problems[:20]:
        print(f"  audit: did not verify before the re-seal: {problem}")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_auditevent_key_id")]

    operations = [migrations.RunPython(reseal_legacy, migrations.RunPython.noop)]
