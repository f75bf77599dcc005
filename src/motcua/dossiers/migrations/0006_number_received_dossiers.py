"""The dossiers received before the log book numbers existed get theirs (a migration of its own:
on PostgreSQL a table cannot be altered in the transaction that filled it)."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations


def number_received_dossiers(apps, schema_editor):
    """Give every dossier already received its log book volume and entry number.

    In the order of intake, as Form 01 counted them before the number was
    stored, so a receipt printed again shows the number printed then.
    """
    Dossier = apps.get_model("dossiers", "Dossier")
    Logbook = apps.get_model("dossiers", "Logbook")
    zone = ZoneInfo(settings.TIME_ZONE)
    books = {}
    batch = []
    received = (
        Dossier.objects.filter(received_at__isnull=False)
        .order_by("received_at", "id")
        .values_list("id", "receiving_unit_id", "procedure_version__field_id", "received_at")
    )
    for pk, unit_id, field_id, at in received.iterator(chunk_size=5000):
        key = (unit_id, field_id, at.astimezone(zone).year)
        book = books.get(key)
        if book is None:
            book = books[key] = Logbook.objects.create(
                unit_id=unit_id, field_id=field_id, year=key[2], last_number=0
            )
        book.last_number += 1
        batch.append(Dossier(pk=pk, logbook_id=book.pk, logbook_number=book.last_number))
        if len(batch) >= 2000:
            Dossier.objects.bulk_update(batch, ["logbook", "logbook_number"])
            batch = []
    Dossier.objects.bulk_update(batch, ["logbook", "logbook_number"])
    Logbook.objects.bulk_update(list(books.values()), ["last_number"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0005_logbook_numbers_and_exports"),
    ]

    operations = [
        migrations.RunPython(number_received_dossiers, migrations.RunPython.noop),
    ]
