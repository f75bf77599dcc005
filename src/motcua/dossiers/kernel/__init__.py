"""The dossier clock without the database: what a pause keeps and what its end gives back.

The services (:mod:`motcua.dossiers.services.pauses`) and the synthetic
province (:mod:`motcua.demo.synthetic`) both stop and restart the clock
through these functions, so the two cannot drift apart. Everything here is
plain arithmetic (and Django's time-zone helpers) on a :class:`~motcua.workdays.core.WorkCalendar` and the
values given: no query, no write, no clock read (``now`` is an argument).
A calendar without the year raises ``CalendarMissingError``; the caller
decides what that means (the services answer ``calendar_missing``). The
transitions at the end (claim, hand-over, decision, return, stop) apply an
action to the dossier and step instances given and return the
:class:`Change` to record.

What is modelled (DESIGN.md, deadline convention): a pause keeps what was
left of the legal limit, of the date promised in an apology (in working
days) and of the current step's budget (in working time); its end resumes
each from the moment the clock restarts, or restarts the full legal limit
when the procedure's supplement policy says so. A promised date never ends
before the legal due. Not modelled here: who may pause (``workflow.may``)
and what is written (the services' history and audit records).
"""

from motcua.dossiers.kernel.clock import (
    Resumed,
    end_pause,
    open_pause,
    pause_clock,
    remaining_dict,
    remaining_from,
    resume_clock,
    step_due_after_pause,
    timeliness_of,
)
from motcua.dossiers.kernel.handling import (
    Change,
    apologise,
    apology_late,
    claim,
    decide,
    end_current_step,
    finish_step,
    hand_over,
    history,
    request_payment,
    request_supplement,
    return_result,
    start_step,
    status_for_step,
    stop,
)

__all__ = [
    "Change",
    "Resumed",
    "apologise",
    "apology_late",
    "claim",
    "decide",
    "end_current_step",
    "end_pause",
    "finish_step",
    "hand_over",
    "history",
    "open_pause",
    "pause_clock",
    "remaining_dict",
    "remaining_from",
    "request_payment",
    "request_supplement",
    "resume_clock",
    "return_result",
    "start_step",
    "status_for_step",
    "step_due_after_pause",
    "stop",
    "timeliness_of",
]
