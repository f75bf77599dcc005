"""Events the dossier lifecycle sends to the apps that read it (feedback, indices).

Receivers run inside the service's transaction, after the change is
written: what they write commits or rolls back with it.
"""

from django.dispatch import Signal

dossier_returned = Signal()
"""Sent by ``dossier_return`` with ``dossier`` and ``actor`` once the result is returned."""
