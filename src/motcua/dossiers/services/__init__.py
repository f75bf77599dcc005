"""Every change of a dossier goes through this module.

Each public function runs in one transaction, locks the dossier row,
checks the transition table (``workflow.TRANSITIONS``), the actor's role on
the unit concerned and the optimistic ``expected_version`` the user saw,
then writes the change, one :class:`DossierEvent` and one audit record, and
queues notifications that are delivered only after the commit.

The clock follows the deadline convention (DESIGN.md): the legal due is
computed by the unit's working calendar at intake; a supplement request or
a wait for financial obligations stops it (``Pause``) and its end resumes
it, or restarts the full limit when the procedure's policy says so. An
apology (Mẫu 04) may set a new date once (a late one is still issued, and
marked late); early / on time / late is always judged against the legal due.
"""

from __future__ import annotations

from motcua.dossiers.kernel import status_for_step, timeliness_of
from motcua.dossiers.services.apology import (
    dossier_apologise,
    dossier_apology_draft,
)
from motcua.dossiers.services.applicant import Applicant, IntakeResult
from motcua.dossiers.services.closing import (
    dossier_return,
    dossier_stop,
)
from motcua.dossiers.services.codes import (
    agency_for,
    dossier_code_for,
    next_counter_slip_number,
)
from motcua.dossiers.services.handling import (
    dossier_claim,
    dossier_decide,
    dossier_hand_over,
)
from motcua.dossiers.services.idempotency import idempotent_replay, request_fingerprint
from motcua.dossiers.services.intake import (
    dossier_guide_incomplete,
    dossier_receive,
    dossier_refuse_at_intake,
)
from motcua.dossiers.services.intake_steps import IntakeHandOver, intake_hand_over_for
from motcua.dossiers.services.online import (
    dossier_accept,
    dossier_refuse,
    dossier_submit_online,
    dossier_withdraw,
)
from motcua.dossiers.services.pauses import (
    dossier_close_unsupplemented,
    dossier_payment_received,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_supplement_received,
)
from motcua.dossiers.services.recalendar import (
    dossier_dues_recalendar,
)
from motcua.dossiers.services.steps import (
    step_plan,
)

__all__ = [
    "Applicant",
    "IntakeHandOver",
    "IntakeResult",
    "agency_for",
    "dossier_accept",
    "dossier_apologise",
    "dossier_apology_draft",
    "dossier_claim",
    "dossier_close_unsupplemented",
    "dossier_code_for",
    "dossier_decide",
    "dossier_dues_recalendar",
    "dossier_guide_incomplete",
    "dossier_hand_over",
    "dossier_payment_received",
    "dossier_receive",
    "dossier_refuse",
    "dossier_refuse_at_intake",
    "dossier_request_payment",
    "dossier_request_supplement",
    "dossier_return",
    "dossier_stop",
    "dossier_submit_online",
    "dossier_supplement_received",
    "dossier_withdraw",
    "idempotent_replay",
    "intake_hand_over_for",
    "next_counter_slip_number",
    "request_fingerprint",
    "status_for_step",
    "step_plan",
    "timeliness_of",
]
