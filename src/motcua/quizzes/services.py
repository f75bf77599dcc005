"""Every change of a quiz: the bank, the rounds, attempts from start to submission, disqualification.

Organiser actions (creating a quiz or a round, importing a bank, naming the
units, disqualifying) check the organiser roles over the quiz's unit and
write an audit record. A citizen's attempt is not audited record by record:
the attempt row keeps the server's own instants, the answers as given and
the client address, and only an organiser's decision on it is audited
(ADR 0018). The attempt's hot path is three small writes: the start (one
INSERT), one UPDATE per answer and the submission (one UPDATE and one
multi-row INSERT of the per-question results).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from motcua.core import clock, fastsql
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from motcua.core.idnumbers import clean_personal_id, clean_phone
from motcua.core.text import fold, nfc
from motcua.org.models import Unit
from motcua.org.selectors import user_has_role
from motcua.quizzes import conf, hotpath
from motcua.quizzes.models import (
    Attempt,
    AttemptAnswer,
    AttemptStatus,
    Participant,
    PredictionBasis,
    Question,
    Quiz,
    QuizUnit,
    Round,
    SizeBasis,
)

_random = random.SystemRandom()
MAX_PREDICTION = 100_000_000
# No position or option is this high (a round draws at most 100 questions).
MAX_INDEX = 999


def _field(field: str, message: str, code: str) -> ApplicationError:
    return ApplicationError(
        message, code=code, extra={"errors": [{"field": field, "message": message}]}
    )


def is_organiser(actor: Any, unit: Unit) -> bool:
    """Return whether ``actor`` holds an organiser role over ``unit``."""
    return any(user_has_role(actor, role, unit) for role in conf.organiser_roles())


def require_organiser(actor: Any, quiz_or_unit: Quiz | Unit) -> None:
    unit = quiz_or_unit.unit if isinstance(quiz_or_unit, Quiz) else quiz_or_unit
    if not is_organiser(actor, unit):
        raise PermissionDeniedError(
            _("Only the reform officers of %(unit)s organise its quizzes.") % {"unit": unit.name},
            code="not_organiser",
        )


# --- quizzes, units, rounds ----------------------------------------------------------------------


def quiz_create(*, actor: Any, unit: Unit, title: str, description: str = "") -> Quiz:
    """Create a quiz organised by ``unit``."""
    require_organiser(actor, unit)
    title = nfc(title or "")
    if not title:
        raise _field("title", _("Write the title of the quiz."), "title_required")
    with transaction.atomic():
        quiz = Quiz.objects.create(
            unit=unit, title=title[:200], description=nfc(description or ""), created_at=clock.now()
        )
        audit_record(
            actor=actor,
            action="quizzes.quiz_create",
            obj=quiz,
            new_stream=True,
            data={"title": title},
        )
    return quiz


def quiz_unit_save(*, actor: Any, quiz: Quiz, unit: Unit, population: int, staff: int) -> QuizUnit:
    """List ``unit`` in the quiz with its population and staff (data of the collective prizes)."""
    require_organiser(actor, quiz)
    if population < 0 or staff < 0:
        raise _field("population", _("Population and staff cannot be negative."), "negative_size")
    with transaction.atomic():
        Quiz.objects.select_for_update().get(pk=quiz.pk)
        row, _created = QuizUnit.objects.update_or_create(
            quiz=quiz, unit=unit, defaults={"population": population, "staff": staff}
        )
        audit_record(
            actor=actor,
            action="quizzes.unit_save",
            obj=quiz,
            data={"unit": unit.pk, "population": population, "staff": staff},
        )
    return row


@dataclass(frozen=True)
class RoundInput:
    title: str
    opens_at: datetime
    closes_at: datetime
    question_count: int = 10
    time_limit_seconds: int = 900
    attempts_per_person: int = 3
    prediction_question: str = ""
    prediction_basis: str = PredictionBasis.PEOPLE
    prizes: list[dict[str, Any]] | None = None
    collective_prizes: int = 3
    collective_basis: str = SizeBasis.POPULATION


def check_prizes(prizes: Any) -> list[dict[str, Any]]:
    """Return the prizes cleaned, or raise: a list of ``{"name", "count"}``, counts above 0."""
    ok = isinstance(prizes, list) and all(
        isinstance(p, dict)
        and isinstance(p.get("name"), str)
        and p["name"].strip()
        and isinstance(p.get("count"), int)
        and p["count"] > 0
        for p in prizes
    )
    if not ok:
        raise _field(
            "prizes",
            _("Each prize needs a name and a number of winners greater than 0."),
            "invalid_prizes",
        )
    return [{"name": nfc(p["name"]), "count": p["count"]} for p in prizes]


def round_create(*, actor: Any, quiz: Quiz, data: RoundInput) -> Round:
    """Add a round to ``quiz``; the bank must hold enough active questions."""
    require_organiser(actor, quiz)
    title = nfc(data.title or "")
    if not title:
        raise _field("title", _("Write the title of the round."), "title_required")
    if data.closes_at <= data.opens_at:
        raise _field(
            "closes_at", _("The round must close after it opens."), "closes_before_opening"
        )
    if not 1 <= data.question_count <= 100:
        raise _field(
            "question_count",
            _("An attempt has between 1 and 100 questions."),
            "invalid_question_count",
        )
    if not 30 <= data.time_limit_seconds <= 4 * 3600:
        raise _field(
            "time_limit_seconds",
            _("The time limit is between 30 seconds and 4 hours."),
            "invalid_time_limit",
        )
    if data.prediction_basis not in PredictionBasis.values:
        raise _field(
            "prediction_basis", _("Choose what predictions are measured against."), "invalid"
        )
    if data.collective_basis not in SizeBasis.values:
        raise _field("collective_basis", _("Choose population or staff."), "invalid")
    prizes = check_prizes(data.prizes) if data.prizes is not None else None
    available = Question.objects.filter(quiz=quiz, active=True).count()
    if available < data.question_count:
        raise _field(
            "question_count",
            _("The bank has %(available)s active questions; an attempt cannot draw %(count)s.")
            % {"available": available, "count": data.question_count},
            "bank_too_small",
        )
    with transaction.atomic():
        Quiz.objects.select_for_update().get(pk=quiz.pk)
        last = Round.objects.filter(quiz=quiz).order_by("-number").values_list("number", flat=True)
        fields: dict[str, Any] = {
            "quiz": quiz,
            "number": (last.first() or 0) + 1,
            "title": title[:200],
            "opens_at": data.opens_at,
            "closes_at": data.closes_at,
            "question_count": data.question_count,
            "time_limit_seconds": data.time_limit_seconds,
            "attempts_per_person": data.attempts_per_person,
            "prediction_basis": data.prediction_basis,
            "collective_prizes": data.collective_prizes,
            "collective_basis": data.collective_basis,
            "created_at": clock.now(),
        }
        if nfc(data.prediction_question or ""):
            fields["prediction_question"] = nfc(data.prediction_question)[:300]
        if prizes is not None:
            fields["prizes"] = prizes
        round_ = Round.objects.create(**fields)
        audit_record(
            actor=actor,
            action="quizzes.round_create",
            obj=quiz,
            data={"round": round_.pk, "title": title, "questions": data.question_count},
        )
    return round_


# --- attempts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entrant:
    name: str
    phone: str
    id_number: str = ""
    unit_id: int | None = None


def _open_round(round_id: int, now: datetime) -> Round:
    round_ = hotpath.round_row(round_id)
    if round_ is None:
        raise NotFoundError(_("This round does not exist."))
    _check_open(round_, now)
    return round_


def _check_open(round_: Round, now: datetime) -> None:
    state = round_.status_at(now)
    if state == "upcoming":
        raise ApplicationError(_("This round has not opened yet."), code="round_not_open")
    if state == "closed":
        raise ApplicationError(_("This round is closed."), code="round_closed")


def _participant(round_: Round, entrant: Entrant, now: datetime) -> tuple[int, str]:
    """Register (or find) the entrant in the round's quiz; return the participant's id and phone.

    Checks every field before writing anything. A person is found again by
    phone and folded name; a new ID number or unit given then replaces the
    stored one.
    """
    name = nfc(entrant.name or "")
    if len(name) < 2:
        raise _field("name", _("Write your full name."), "name_required")
    phone = clean_phone(entrant.phone)
    id_number = (
        clean_personal_id(entrant.id_number, clock.localdate())
        if (entrant.id_number or "").strip()
        else ""
    )
    unit_id = entrant.unit_id
    if unit_id is not None and unit_id not in hotpath.units_of(round_.quiz_id):
        raise _field("unit", _("Choose your unit or commune from the list."), "invalid_unit")
    key = fold(name)[:120]
    pk, stored_id_number, stored_unit_id = hotpath.participant_upsert(
        {
            "quiz_id": round_.quiz_id,
            "name": name[:120],
            "name_key": key,
            "phone": phone,
            "id_number": id_number,
            "unit_id": unit_id,
            "created_at": now,
        }
    )
    if (id_number and stored_id_number != id_number) or stored_unit_id != unit_id:
        Participant.objects.filter(pk=pk).update(
            id_number=id_number or stored_id_number, unit_id=unit_id
        )
    return pk, phone


def _draw(round_: Round) -> list[list[Any]]:
    """Draw the round's number of active questions and shuffle each one's options."""
    bank = hotpath.bank_of(round_.quiz_id).active
    if len(bank) < round_.question_count:
        raise ApplicationError(
            _("The question bank of this quiz is not ready; please try again later."),
            code="bank_too_small",
        )
    layout = []
    for question_id, options in _random.sample(bank, round_.question_count):
        order = list(range(options))
        _random.shuffle(order)
        layout.append([question_id, order])
    return layout


def attempt_start(*, round_id: int, entrant: Entrant, address: str = "") -> Attempt:
    """Start an attempt: register (or find) the participant, draw and shuffle the questions.

    The attempt limit counts the attempts of the phone in the round, under
    any name; two starts at once cannot both take the last place (the
    number of the attempt is unique per round and phone). The round is read
    afresh (never a per-process copy): a round an organiser closed early
    takes no new attempt, and no attempt outlives the round's close. Three
    statements and a commit when the person is new (hotpath).
    """
    now = clock.now()
    round_ = _open_round(round_id, now)
    layout = _draw(round_)
    deadline = min(now + timedelta(seconds=round_.time_limit_seconds), round_.closes_at)
    limit = round_.attempts_per_person
    values: dict[str, Any] = {
        "round_id": round_.pk,
        "token": secrets.token_urlsafe(18),
        "status": AttemptStatus.IN_PROGRESS,
        "layout": layout,
        "answers": {},
        "started_at": now,
        "deadline_at": deadline,
        "flagged": False,
        "flag_reason": "",
        "disqualified_reason": "",
        "address": address[:64],
    }
    try:
        with transaction.atomic():
            participant_id, phone = _participant(round_, entrant, now)
            values.update(participant_id=participant_id, phone=phone)
            inserted = hotpath.attempt_insert(values, limit=limit)
            if inserted is None:
                raise ApplicationError(
                    _("This phone number has used its %(limit)s attempts in this round.")
                    % {"limit": limit},
                    code="attempt_limit",
                )
    except IntegrityError:
        raise ConflictError(
            _("Another attempt with this phone number started at the same moment; try again."),
            code="attempt_race",
        ) from None
    pk, number = inserted
    attempt = Attempt(pk=pk, number=number, **values)
    attempt._state.adding = False
    attempt.round = round_
    return attempt


def attempt_by_token(token: str) -> Attempt:
    """Return the attempt with ``token``, its round loaded (one plain statement)."""
    attempt = hotpath.attempt_with_round(token=token)
    if attempt is None:
        raise NotFoundError(_("This attempt does not exist. Use the link you were given."))
    return attempt


def _time_is_up(attempt: Attempt, now: datetime) -> bool:
    return now > attempt.deadline_at + timedelta(seconds=conf.grace_seconds())


@dataclass(frozen=True, slots=True)
class Saved:
    """What an attempt holds after a save: how many questions, how many answered."""

    questions: int
    answered: int


def attempt_answers(*, token: str, answers: Mapping[int, int]) -> Saved:
    """Save answers (``{position: choice}``, both as shown) to the attempt, all or none.

    One UPDATE that checks the attempt's state, its time and every position
    and choice (hotpath); when it refuses, the attempt is read to say why.
    A changed answer replaces the earlier one.
    """
    now = clock.now()
    given = dict(answers)
    if given and all(0 <= p <= MAX_INDEX and 0 <= c <= MAX_INDEX for p, c in given.items()):
        saved = hotpath.answers_save(
            token=token or "",
            answers=given,
            earliest_deadline=now - timedelta(seconds=conf.grace_seconds()),
        )
        if saved is not None:
            return Saved(*saved)
    attempt = hotpath.attempt_with_round(token=token)
    if attempt is None:
        raise NotFoundError(_("This attempt does not exist. Use the link you were given."))
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise ApplicationError(_("This attempt has been submitted."), code="submitted")
    if _time_is_up(attempt, now):
        raise ApplicationError(
            _("The time limit is over; your answers given in time are kept."), code="time_up"
        )
    _check_answers(attempt, given)
    if not given:
        raise _field("choice", _("Choose one of the options."), "choice_required")
    # Checked just now yet refused a moment ago: the time ran out in between.
    raise ApplicationError(  # pragma: no cover - a race with the deadline
        _("The time limit is over; your answers given in time are kept."), code="time_up"
    )


def _check_answers(attempt: Attempt, answers: Mapping[int, int]) -> None:
    """Refuse a position or a choice outside the attempt's layout (a tampered form)."""
    for position, choice in answers.items():
        if not 0 <= position < len(attempt.layout):
            raise _field("position", _("This question is not part of your attempt."), "invalid")
        if not 0 <= choice < len(attempt.layout[position][1]):
            raise _field("choice", _("Choose one of the options."), "choice_required")


def _score(attempt: Attempt) -> tuple[int, list[AttemptAnswer]]:
    ids = [question_id for question_id, _order in attempt.layout]
    correct_of = hotpath.correct_keys(ids)
    results = []
    correct = 0
    for position, (question_id, order) in enumerate(attempt.layout):
        shown = attempt.answers.get(str(position))
        chosen = order[shown] if isinstance(shown, int) and 0 <= shown < len(order) else -1
        right = chosen == correct_of.get(question_id)
        correct += right
        results.append(
            AttemptAnswer(
                attempt_id=attempt.pk,
                round_id=attempt.round_id,
                question_id=question_id,
                chosen=chosen,
                is_correct=right,
            )
        )
    return correct, results


def _finish(attempt: Attempt, now: datetime, prediction: int | None) -> None:
    end = min(now, attempt.deadline_at)
    attempt.submitted_at = end
    attempt.duration_ms = max(0, int((end - attempt.started_at).total_seconds() * 1000))
    attempt.status = AttemptStatus.SUBMITTED
    attempt.prediction = prediction
    attempt.correct, results = _score(attempt)
    floor = len(attempt.layout) * conf.min_seconds_per_question() * 1000
    if attempt.duration_ms < floor:
        attempt.flagged = True
        attempt.flag_reason = _("Answered %(count)s questions in %(seconds)s s.") % {
            "count": len(attempt.layout),
            "seconds": number_format(attempt.duration_ms / 1000, 1),
        }
    hotpath.attempt_update(
        attempt.pk,
        {
            "status": attempt.status,
            "answers": attempt.answers,
            "submitted_at": attempt.submitted_at,
            "duration_ms": attempt.duration_ms,
            "prediction": prediction,
            "correct": attempt.correct,
            "flagged": attempt.flagged,
            "flag_reason": attempt.flag_reason,
        },
    )
    # No signal listens to these rows (core.fastsql).
    fastsql.insert(results)


def attempt_submit(
    *, token: str, prediction: int | None, answers: Mapping[int, int] | None = None
) -> Attempt:
    """Submit an attempt with the prediction; score it on the server and flag it if too fast.

    ``answers`` (``{position: choice}`` as shown) are the ones sent with the
    submission: they are saved first, in the same transaction, when they
    come in time; a position or choice outside the attempt refuses the
    whole submission. A submission after the time limit (and its grace)
    counts only the answers saved in time, at the limit's instant, and
    needs no prediction.
    """
    now = clock.now()
    with transaction.atomic():
        attempt = hotpath.attempt_for_update(token or "")
        if attempt is None:
            raise NotFoundError(_("This attempt does not exist. Use the link you were given."))
        if attempt.status != AttemptStatus.IN_PROGRESS:
            raise ApplicationError(_("This attempt has been submitted."), code="submitted")
        if _time_is_up(attempt, now):
            # The prediction was due in time too: none is asked for any more.
            _finish(attempt, attempt.deadline_at, None)
        else:
            if prediction is None or not 0 <= prediction <= MAX_PREDICTION:
                if now > attempt.deadline_at:
                    # In the grace after the limit: the prediction was due in time too.
                    prediction = None
                else:
                    raise _field(
                        "prediction",
                        _("Write your prediction as a whole number between 0 and 100,000,000."),
                        "prediction_required",
                    )
            if answers:
                _check_answers(attempt, answers)
                attempt.answers = {
                    **attempt.answers,
                    **{str(position): choice for position, choice in answers.items()},
                }
            _finish(attempt, now, prediction)
    return attempt


def attempts_finalise_expired(*, round_id: int | None = None) -> int:
    """Submit every attempt whose time is up, with the answers saved in time and no prediction."""
    now = clock.now()
    cutoff = now - timedelta(seconds=conf.grace_seconds())
    pending = Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, deadline_at__lt=cutoff)
    if round_id is not None:
        pending = pending.filter(round_id=round_id)
    done = 0
    for pk in list(pending.values_list("pk", flat=True)[:5000]):
        with transaction.atomic():
            attempt = (
                Attempt.objects.select_for_update()
                .filter(pk=pk, status=AttemptStatus.IN_PROGRESS)
                .first()
            )
            if attempt is not None:
                _finish(attempt, attempt.deadline_at, None)
                done += 1
    return done


def attempt_disqualify(*, actor: Any, attempt_id: int, reason: str) -> int:
    """Disqualify the person of an attempt from its round: every attempt of that phone there.

    The reason is required and goes into the audit trail of the round.
    Return the number of attempts disqualified.
    """
    reason = nfc(reason or "")
    attempt = Attempt.objects.select_related("round__quiz__unit").filter(pk=attempt_id).first()
    if attempt is None:
        raise NotFoundError(_("This attempt does not exist."))
    require_organiser(actor, attempt.round.quiz)
    if len(reason) < 5:
        raise _field("reason", _("Write why the attempt is disqualified."), "reason_required")
    with transaction.atomic():
        rows = list(
            Attempt.objects.select_for_update()
            .filter(round_id=attempt.round_id, phone=attempt.phone)
            .exclude(status=AttemptStatus.DISQUALIFIED)
            .order_by("pk")
        )
        if not rows:
            raise ConflictError(_("This person is already disqualified."), code="already_done")
        Attempt.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=AttemptStatus.DISQUALIFIED,
            disqualified_reason=reason[:500],
            disqualified_by=actor,
        )
        audit_record(
            actor=actor,
            action="quizzes.disqualify",
            obj=attempt.round,
            data={"attempts": [row.pk for row in rows], "phone": attempt.phone, "reason": reason},
        )
        # The stored ranking (and the number of participants) no longer
        # hold: the next read stores them again.
        Round.objects.filter(pk=attempt.round_id).update(
            ranked_at=None, ranked_participants=None, ranked_total=None
        )
        transaction.on_commit(lambda: _forget_ranking(attempt.round_id))
    return len(rows)


def _forget_ranking(round_id: int) -> None:
    from django.core.cache import cache

    cache.delete(f"quizzes:ranking:{round_id}")


RANKING_CACHE_SECONDS = 60
RESULTS_TOP = 200
RANKING_WORK_MEM = "64MB"


def _final_at(round_: Round) -> datetime:
    """Return the instant after which no answer or submission of the round can arrive."""
    return round_.closes_at + timedelta(seconds=conf.grace_seconds())


def round_rank(round_: Round) -> Round:
    """Store the ranking of a round whose last submission can no longer arrive; return the round.

    Attempts whose time ran out are submitted first (with the answers saved
    in time); then one INSERT … SELECT ranks every person's best attempt
    with window functions (the SQL of
    :func:`motcua.quizzes.selectors.round_ranking`) into
    :class:`RankingEntry` rows, and the round keeps the number of
    participants the predictions were measured against and the number of
    people ranked. The round's row is locked, so readers arriving together
    compute it once. Already stored: nothing is done. A disqualification
    clears it (:func:`attempt_disqualify`); the next read stores it again.
    """
    from django.db import connection

    from motcua.quizzes.selectors import ranking_store_sql, round_participants

    if clock.now() <= _final_at(round_):
        raise ConflictError(
            _("The ranking is stored once the round's last submission can no longer arrive."),
            code="round_not_final",
        )
    while attempts_finalise_expired(round_id=round_.pk):
        pass
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if locked.ranked_at is None:
            participants = round_participants(locked)
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM quizzes_rankingentry WHERE round_id = %s", [locked.pk])
                cursor.execute(ranking_store_sql(), {"n": participants, "round": locked.pk})
                total = cursor.rowcount
            locked.ranked_at = clock.now()
            locked.ranked_participants = participants
            locked.ranked_total = total
            Round.objects.filter(pk=locked.pk).update(
                ranked_at=locked.ranked_at,
                ranked_participants=participants,
                ranked_total=total,
            )
    for name in ("ranked_at", "ranked_participants", "ranked_total"):
        setattr(round_, name, getattr(locked, name))
    return round_


def rounds_rank_closed(*, limit: int = 20) -> int:
    """Store the rankings of the rounds that closed since the last run (the periodic job)."""
    cutoff = clock.now() - timedelta(seconds=conf.grace_seconds())
    done = 0
    for round_ in Round.objects.filter(ranked_at__isnull=True, closes_at__lt=cutoff).order_by(
        "closes_at"
    )[:limit]:
        round_rank(round_)
        done += 1
    return done


def round_results(round_: Round) -> dict[str, Any]:
    """Return the published results of a closed round.

    ``participants`` (what predictions are measured against), ``total``
    (people ranked) and ``ranking``, the first rows: at least
    ``RESULTS_TOP`` and every prize winner. Once no submission can arrive
    any more (the close plus the grace), the ranking is stored
    (:func:`round_rank`, done once) and pages of it are read by index; in
    the grace seconds after the close it is computed on read and cached for
    a minute. Other pages of the ranking:
    :func:`motcua.quizzes.selectors.round_ranking` with ``offset``.
    """
    from django.core.cache import cache

    from motcua.quizzes.selectors import ranked_people, round_participants, round_ranking

    now = clock.now()
    if round_.status_at(now) != "closed":
        raise PermissionDeniedError(
            _("The results are published when the round closes."), code="round_not_closed"
        )
    winners = sum(int(prize["count"]) for prize in round_.prizes)
    if round_.ranked_at is None and now > _final_at(round_):
        round_rank(round_)
    if round_.ranked_at is not None:
        return {
            "participants": round_participants(round_),
            "total": ranked_people(round_),
            "ranking": round_ranking(round_, limit=max(RESULTS_TOP, winners)),
        }
    key = f"quizzes:ranking:{round_.pk}"
    cached = cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    attempts_finalise_expired(round_id=round_.pk)
    participants = round_participants(round_)
    results = {
        "participants": participants,
        "total": ranked_people(round_),
        "ranking": round_ranking(
            round_, participants=participants, limit=max(RESULTS_TOP, winners)
        ),
    }
    cache.set(key, results, RANKING_CACHE_SECONDS)
    return results
