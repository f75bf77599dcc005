from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from motcua.indices.definitions import load as load_definition

    load_definition(apps)


class Migration(migrations.Migration):
    dependencies = [("indices", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
