"""Every notification gets a stable message id; the rows already there get one each."""

import uuid

from django.db import migrations, models


def fill_ids(apps, schema_editor):
    Notification = apps.get_model("core", "Notification")
    batch = []
    for row in Notification.objects.filter(message_id__isnull=True).only("pk").iterator(2000):
        row.message_id = uuid.uuid4()
        batch.append(row)
        if len(batch) == 2000:
            Notification.objects.bulk_update(batch, ["message_id"])
            batch = []
    Notification.objects.bulk_update(batch, ["message_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_shared_cache"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="message_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="message id"),
        ),
        migrations.RunPython(fill_ids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="notification",
            name="message_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, verbose_name="message id"),
        ),
    ]
