"""The dossier lifecycle without the database: its clock and its transitions.

The services (:mod:`motcua.dossiers.services.pauses`) and the synthetic
province (:mod:`motcua.demo.synthetic`) both stop and restart the clock
through these functions, so the two cannot drift apart. Everything here is
plain arithmetic (and Django's time-zone helpers) on a :class:`~motcua.workdays.core.WorkCalendar` and the
values given: no query, no write, no clock read (``now`` is an argument).
A calendar without the year raises ``CalendarMissingError``; the caller
decides what that means (the services answer ``calendar_missing``). The
transitions (:mod:`.handling`: claim, hand-over, decision, return, stop,
pauses, apology; :mod:`.intake`: intake, acceptance, online submission,
refusal, withdrawal, the close of an unsupplemented dossier, the end of a
pause) apply an action to the dossier and step instances given and return
the :class:`Change` to record.

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
    pause,
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
    recorded,
    request_payment,
    request_supplement,
    return_result,
    start_step,
    status_for_step,
    stop,
)
from motcua.dossiers.kernel.intake import (
    accept,
    checklist,
    clock_start,
    close_unsupplemented,
    hands_over_at_intake,
    new_dossier,
    plan_steps,
    receive,
    refuse,
    refuse_at_intake,
    resume,
    set_code,
    submit_online,
    withdraw,
)

__all__ = [
    "Change",
    "Resumed",
    "accept",
    "apologise",
    "apology_late",
    "checklist",
    "claim",
    "clock_start",
    "close_unsupplemented",
    "decide",
    "end_current_step",
    "end_pause",
    "finish_step",
    "hand_over",
    "hands_over_at_intake",
    "history",
    "new_dossier",
    "open_pause",
    "pause",
    "pause_clock",
    "plan_steps",
    "receive",
    "recorded",
    "refuse",
    "refuse_at_intake",
    "remaining_dict",
    "remaining_from",
    "request_payment",
    "request_supplement",
    "resume",
    "resume_clock",
    "return_result",
    "set_code",
    "start_step",
    "status_for_step",
    "step_due_after_pause",
    "stop",
    "submit_online",
    "timeliness_of",
    "withdraw",
]
