"""The kinds of performance most contests hold; an administrator may add others."""

from django.db import migrations

KINDS = [
    ("presentation", "Thuyết trình", 10),
    ("skit", "Tiểu phẩm", 20),
    ("qa", "Hỏi đáp", 30),
    ("knowledge", "Kiến thức", 40),
]


def add_kinds(apps, schema_editor):  # type: ignore[no-untyped-def]
    kind_model = apps.get_model("contests", "PerformanceKind")
    for code, name, order in KINDS:
        kind_model.objects.get_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("contests", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
