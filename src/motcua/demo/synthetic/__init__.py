"""A synthetic province for benchmarks: ``motcua seed synthetic --dossiers N``.

The world — a province, ``units`` communes (wards) each with its public
service centre, a tax office, ``procedures`` procedures with workflow
steps and staff holding every dossier role — is created through the
services, so it is audited like any other configuration, and looked up by
its codes first: running the seed again reuses it unchanged.

Dossiers take the **bulk path**: the services would cost a transaction and
some twenty queries per state change, far too slow for a million rows.
Instead each dossier's life is *simulated* in memory by the same rules
and the same helpers the services use (``dossiers.services``: agency,
code pattern, step template, status of a step, timeliness; the unit's
working calendar for D0, due dates, step dues and pauses), and its rows
are written in bulk (``COPY`` on PostgreSQL, ``bulk_create`` elsewhere),
one transaction per batch: the dossier, its checklist documents,
its steps (the control slip), its pauses, one ``DossierEvent`` per state
change and one audit record per event, sealed by ``core.audit.audit_event``
and carrying its history row's digest — exactly the rows the
services would have written had the officers acted at those instants
(``tests/test_synthetic.py`` replays the events through the real services
and compares every field). The per-agency, per-day code sequences, the
desks' registers of counter refusals and the log book volumes (each dossier
takes its entry number when it is received, in the order it is simulated)
are advanced to match. Two things are not written: notifications (the worker
would e-mail thousands of synthetic applicants) and the alert markers of
the periodic job.

Dossiers are spread over the confirmed calendar years up to now, a fifth
of them in the last twenty working days so that every status is present:
refused at the counter, online submissions awaiting intake, refused or
withdrawn, received, in progress, with a coordinating agency, awaiting a
supplement (resumed, or closed when it never came and its procedure has a supplement
window, or still waiting when it has none), awaiting signature,
result ready, returned (early, on time or late), stopped.

Speed on the 2-core reference machine: about 850 dossiers/s on PostgreSQL
(20,000 in 24 s, with some 18 rows each), about 550/s on SQLite; the
services manage about 30 intakes/s, before any later step.

Idempotence: the world is found by its codes; dossiers are topped up to
``N`` for the synthetic province (a second run with the same ``N`` adds
nothing, a larger ``N`` adds the difference). ``--seed`` fixes the random
draws; the dates still run up to the moment of the seed (``now``).

The package, by stem: :mod:`.constants` and :mod:`.world` (the province, its staff) with
:mod:`.catalogue` (its procedures); :mod:`.recorder` (the simulated rows and the helpers
mirroring the services), :mod:`.lifecycle` and :mod:`.pauses` (the lifecycle replay);
:mod:`.audit` and :mod:`.writers` (the bulk writes); :mod:`.generate` (topping up).
"""

from motcua.demo.synthetic.constants import (
    ACTOR,
    FIELD_CODE,
    PROVINCE_CODE,
    USERNAME_PREFIX,
    VALID_FROM,
)
from motcua.demo.synthetic.generate import seed_synthetic, synthetic_dossiers
from motcua.demo.synthetic.recorder import Mix, SyntheticSummary
from motcua.demo.synthetic.world import Commune, SyntheticWorld, synthetic_world

__all__ = [
    "ACTOR",
    "FIELD_CODE",
    "PROVINCE_CODE",
    "USERNAME_PREFIX",
    "VALID_FROM",
    "Commune",
    "Mix",
    "SyntheticSummary",
    "SyntheticWorld",
    "seed_synthetic",
    "synthetic_dossiers",
    "synthetic_world",
]
