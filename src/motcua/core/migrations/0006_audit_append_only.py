"""PostgreSQL: refuse every UPDATE and DELETE of an audit row, whoever asks (ADR 0005).

The trigger holds for the application's role even though it owns the table
(it ran ``migrate``): only an explicit ``ALTER TABLE … DISABLE TRIGGER`` by
the owner, or a superuser's ``session_replication_role = replica``, lifts
it; the re-seal does the former for its own transaction. TRUNCATE is left
alone: the test suite empties tables with it, and the checkpoint file finds
emptied chains.
"""

from django.db import migrations

TABLE = "core_auditevent"
NAME = "motcua_audit_append_only"

CREATE = [
    f"""
    CREATE FUNCTION {NAME}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit records are append-only (% refused on %)', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Only a re-seal (motcua audit reseal) rewrites audit records.';
    END
    $$
    """,
    f"CREATE TRIGGER {NAME} BEFORE UPDATE OR DELETE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {NAME}()",
]

DROP = [f"DROP TRIGGER IF EXISTS {NAME} ON {TABLE}", f"DROP FUNCTION IF EXISTS {NAME}()"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_reseal_legacy")]

    operations = [migrations.RunPython(create, drop)]
