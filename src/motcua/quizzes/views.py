"""Pages of the quizzes: citizens under /thi-truc-tuyen/, organisers under /to-chuc-thi/.

The citizen's pages are small plain forms that work without JavaScript.
The attempt is one page holding every question, so a phone on a slow
connection loads it once; each answer is kept on the phone and saved on
the server in the background as it is given, so a reload or a dropped
connection loses nothing (the attempt's link, also kept in a cookie for the
round's page, resumes it). No page carries the answer key.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core import clock
from motcua.core.errors import ApplicationError, NotFoundError
from motcua.core.http import private_no_store
from motcua.core.idnumbers import clean_phone
from motcua.core.layout import render_with_cached_layout
from motcua.core.net import client_address
from motcua.core.ratelimit import counter_add, rate_limit_hit
from motcua.dossiers.screens import UserRoles
from motcua.org.models import Unit
from motcua.org.selectors import user_units_for_role
from motcua.quizzes import conf
from motcua.quizzes.bank import bank_import, bank_template
from motcua.quizzes.forms import (
    DisqualifyForm,
    ImportForm,
    QuizForm,
    RoundForm,
    StartForm,
    SubmitForm,
    UnitForm,
)
from motcua.quizzes.hotpath import round_of, start_fields, units_of
from motcua.quizzes.models import Attempt, AttemptStatus, Question, Quiz, QuizUnit, Round
from motcua.quizzes.selectors import (
    attempt_state,
    bars,
    collective_ranking,
    duplicate_participants,
    flagged_attempts,
    hardest_questions,
    participation_by_day,
    participation_by_unit,
    participation_by_unit_and_day,
    round_get,
    round_prizes,
    round_ranking,
    rounds_list,
    score_distribution,
)
from motcua.quizzes.services import (
    Entrant,
    RoundInput,
    attempt_answers,
    attempt_by_token,
    attempt_disqualify,
    attempt_start,
    attempt_submit,
    quiz_create,
    quiz_unit_save,
    round_create,
    round_results,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _apply(form: Any, exc: ApplicationError) -> None:
    problems = exc.extra.get("errors") or []
    for problem in problems:
        field = problem.get("field")
        form.add_error(field if field in form.fields else None, problem["message"])
    if not problems or not all("field" in p for p in problems):
        form.add_error(None, exc.message)


_PARTS = {
    "round": ("quizzes/_round_title.html", "quizzes/_round_main.html"),
    "attempt": ("quizzes/_attempt_title.html", "quizzes/_attempt_main.html"),
    "attempt_result": ("quizzes/_result_title.html", "quizzes/_result_main.html"),
}


def _page(
    request: HttpRequest, name: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render a citizen's quiz page; an anonymous visitor's joins the layout cached once.

    ``quizzes/<name>.html`` is the page; ``<name>_layout.html`` the same with
    the title and the content left out (``core.layout``).
    """
    title, content = _PARTS[name]
    return render_with_cached_layout(
        request,
        page=f"quizzes/{name}.html",
        layout=f"quizzes/{name}_layout.html",
        title=title,
        content=content,
        context=context,
        status=status,
    )


def _cookie(round_id: int) -> str:
    return f"quiz_{round_id}"


# --- citizens ------------------------------------------------------------------------------------


@require_GET
def rounds(request: HttpRequest) -> HttpResponse:
    """List the rounds: open ones to take part in, closed ones with their results."""
    return render(request, "quizzes/rounds.html", {"rounds": rounds_list()})


def _unit_choices(round_: Round) -> list[tuple[int, str]]:
    return list(units_of(round_.quiz_id).items())


@private_no_store
@require_http_methods(["GET", "POST"])
def round_page(request: HttpRequest, round_id: int) -> HttpResponse:
    """The round: the start form while it is open, the results once it is closed."""
    round_ = round_of(round_id)
    if round_ is None:
        raise Http404
    status = round_.status_at(clock.now())
    if status == "closed":
        # Results change after the close (the stored ranking, a disqualification): read afresh.
        round_ = round_get(round_id)
        if round_ is None:
            raise Http404
    context: dict[str, Any] = {"round": round_, "status": status}
    if status == "closed":
        results = round_results(round_)
        context.update(results)
        context["prizes"] = round_prizes(round_, results["ranking"])
        context["ranking"] = results["ranking"][:200]
        context["collective"] = collective_ranking(round_)
        return _page(request, "round", context)
    form = StartForm(request.POST or None)
    context["form"] = form
    token = request.COOKIES.get(_cookie(round_.pk), "")
    resumable = (
        Attempt.objects.filter(
            token=token, round_id=round_.pk, status=AttemptStatus.IN_PROGRESS
        ).first()
        if token
        else None
    )
    context["resume"] = resumable
    if request.method == "POST" and status == "open":
        if rate_limit_hit(
            "quiz.start", request, limit=conf.starts_per_address_per_hour(), window=3600
        ):
            form.add_error(None, _("Too many attempts from this connection. Try again later."))
            form.set_units(_unit_choices(round_))
            return _page(request, "round", context, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                phone = clean_phone(data["phone"])
            except ApplicationError:
                phone = ""
            if phone and counter_add(f"rate:quiz.phone:{phone}", window=3600) > (
                conf.starts_per_phone_per_hour()
            ):
                form.add_error("phone", _("Too many attempts with this phone number this hour."))
                form.set_units(_unit_choices(round_))
                return _page(request, "round", context, status=429)
            try:
                attempt = attempt_start(
                    round_id=round_.pk,
                    entrant=Entrant(
                        name=data["name"],
                        phone=data["phone"],
                        id_number=data["id_number"],
                        unit_id=data["unit"],
                    ),
                    address=client_address(request),
                )
            except ApplicationError as exc:
                _apply(form, exc)
            else:
                response = HttpResponseRedirect(reverse("quizzes:attempt", args=[attempt.token]))
                response.set_cookie(
                    _cookie(round_.pk),
                    attempt.token,
                    max_age=round_.time_limit_seconds + 600,
                    httponly=True,
                    samesite="Lax",
                )
                return response
    form.set_units(_unit_choices(round_))
    if not form.is_bound:
        context["start_fields"] = _blank_start_fields(round_, form)
    return _page(request, "round", context, status=400 if form.errors else 200)


def _blank_start_fields(round_: Round, form: StartForm) -> str:
    """The empty start form's fields, rendered once per quiz and language in each process.

    The unit list can run to hundreds of options; drawn through Django's
    widget templates it was most of the round page's time.
    """
    return start_fields.get_or_set(
        (round_.quiz_id, get_language()),
        lambda: render_to_string("quizzes/_start_fields.html", {"form": form}),
    )


def _limit_posts(request: HttpRequest) -> bool:
    return rate_limit_hit(
        "quiz.post", request, limit=conf.posts_per_address_per_minute(), window=60
    )


_ANSWER_KEY = re.compile(r"c([0-9]{1,3})")
_INDEX = re.compile(r"[0-9]{1,3}")


def _answers_from(data: Any) -> dict[int, int]:
    """Return the answers of a posted form, ``{position: choice}`` from fields ``c<position>``.

    Positions and choices are one to three ASCII digits (a round draws far
    fewer); any other value becomes -1, which the service refuses with its
    reason. Other fields are not answers.
    """
    answers = {}
    for key in data:
        match = _ANSWER_KEY.fullmatch(key)
        if match:
            value = str(data.get(key, "")).strip()
            answers[int(match[1])] = int(value) if _INDEX.fullmatch(value) else -1
    return answers


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@private_no_store
@require_http_methods(["GET", "POST"])
def attempt_page(request: HttpRequest, token: str) -> HttpResponse:
    """The whole attempt on one page: every question, the prediction, save and submit.

    Without JavaScript it is one form: "Submit" sends every answer with the
    prediction, "Save" keeps the answers given so far. With JavaScript
    (``quizzes/attempt.js``) each answer is also kept on the phone and saved
    in the background as it is given (:func:`attempt_save`).
    """
    submitting = request.method == "POST" and request.POST.get("action") != "save"
    form = SubmitForm(request.POST if submitting else None)
    error, status = "", 200
    result = reverse("quizzes:attempt_result", args=[token])
    if request.method == "POST":
        answers = _answers_from(request.POST)
        try:
            if _limit_posts(request):
                error, status = _("Too many answers from this connection. Wait a minute."), 429
            elif submitting:
                prediction = form.cleaned_data["prediction"] if form.is_valid() else None
                try:
                    attempt_submit(token=token, prediction=prediction, answers=answers)
                except ApplicationError as exc:
                    if exc.code != "prediction_required":
                        raise
                    # Keep the answers given; the form says what is missing.
                    if answers:
                        attempt_answers(token=token, answers=answers)
                    status = 400
                else:
                    return HttpResponseRedirect(result)
            elif answers:
                attempt_answers(token=token, answers=answers)
                return HttpResponseRedirect(reverse("quizzes:attempt", args=[token]) + "?da-luu=1")
            else:  # nothing chosen yet: nothing to say saved
                return HttpResponseRedirect(reverse("quizzes:attempt", args=[token]))
        except NotFoundError:
            raise Http404 from None
        except ApplicationError as exc:
            if exc.code == "submitted":
                return HttpResponseRedirect(result)
            error, status = exc.message, 400
    try:
        attempt = attempt_by_token(token)
    except ApplicationError:
        raise Http404 from None
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return HttpResponseRedirect(reverse("quizzes:attempt_result", args=[token]))
    state = attempt_state(attempt)
    if request.method == "POST":
        # Show what was just chosen, saved or not, so nothing has to be chosen twice.
        for question in state["questions"]:
            chosen = _int(request.POST.get(f"c{question['position']}"), -1)
            if chosen >= 0:
                question["chosen"] = chosen
    return _page(
        request,
        "attempt",
        {
            "attempt": attempt,
            "round": attempt.round,
            "state": state,
            "count": len(attempt.layout),
            "form": form,
            "error": error,
            "saved": request.method == "GET" and "da-luu" in request.GET,
            "time_up": clock.now() > attempt.deadline_at,
        },
        status=status,
    )


@require_POST
def attempt_save(request: HttpRequest, token: str) -> JsonResponse:
    """Save answers in the background (the page's script), answered in JSON.

    200 ``{"questions": n, "answered": k}``; otherwise the status and
    ``{"code": …, "message": …}`` in the visitor's language: 400 a refused
    answer, 404 no such attempt, 409 already submitted, 410 the time is
    over, 429 too many posts from the address.
    """
    if _limit_posts(request):
        return _json_error(
            429, "rate_limited", _("Too many answers from this connection. Wait a minute.")
        )
    answers = _answers_from(request.POST)
    try:
        saved = attempt_answers(token=token, answers=answers)
    except NotFoundError as exc:
        return _json_error(404, exc.code, exc.message)
    except ApplicationError as exc:
        statuses = {"submitted": 409, "time_up": 410}
        return _json_error(statuses.get(exc.code, 400), exc.code, exc.message)
    return JsonResponse({"questions": saved.questions, "answered": saved.answered})


def _json_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)


@private_no_store
@require_GET
def attempt_result(request: HttpRequest, token: str) -> HttpResponse:
    """The score of a submitted attempt; the ranking once the round is closed."""
    try:
        attempt = attempt_by_token(token)
    except ApplicationError:
        raise Http404 from None
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return HttpResponseRedirect(reverse("quizzes:attempt", args=[token]))
    round_ = attempt.round
    closed = round_.status_at(clock.now()) == "closed"
    place = None
    if closed and attempt.status == AttemptStatus.SUBMITTED:
        results = round_results(round_)
        own = round_ranking(round_, participants=results["participants"], phone=attempt.phone)
        place = own[0] if own else None
    return _page(
        request,
        "attempt_result",
        {
            "attempt": attempt,
            "round": round_,
            "closed": closed,
            "place": place,
            "seconds": round((attempt.duration_ms or 0) / 1000, 1),
        },
    )


# --- organisers ----------------------------------------------------------------------------------


def _organiser_units(request: HttpRequest) -> list[Unit]:
    units: dict[int, Unit] = {}
    for role in conf.organiser_roles():
        for unit in user_units_for_role(request.user, role):
            units[unit.pk] = unit
    return list(units.values())


def _require(request: HttpRequest, quiz: Quiz) -> None:
    if not UserRoles.for_request(request).has_any(conf.organiser_roles(), quiz.unit):
        raise PermissionDenied(_("Only the quiz's organisers can open this page."))


@login_required
@require_http_methods(["GET", "POST"])
def organiser_home(request: HttpRequest) -> HttpResponse:
    """The organiser's quizzes, and a form to create one."""
    units = _organiser_units(request)
    if not units:
        raise PermissionDenied(_("Only reform officers organise quizzes."))
    form = QuizForm(request.POST or None, units=[(u.pk, u.name) for u in units])
    if request.method == "POST" and form.is_valid():
        unit = next(u for u in units if u.pk == form.cleaned_data["unit"])
        try:
            quiz = quiz_create(
                actor=request.user,
                unit=unit,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except ApplicationError as exc:
            _apply(form, exc)
        else:
            return HttpResponseRedirect(reverse("quizzes:organiser_quiz", args=[quiz.pk]))
    unit_ids = [u.pk for u in units]
    quizzes = [
        quiz
        for quiz in Quiz.objects.select_related("unit").order_by("-created_at")
        if UserRoles.for_request(request).has_any(conf.organiser_roles(), quiz.unit)
        or quiz.unit_id in unit_ids
    ]
    return render(
        request,
        "quizzes/organiser_home.html",
        {"form": form, "quizzes": quizzes, "rounds": rounds_list()},
        status=400 if form.errors else 200,
    )


def _quiz(request: HttpRequest, quiz_id: int) -> Quiz:
    quiz = Quiz.objects.select_related("unit").filter(pk=quiz_id).first()
    if quiz is None:
        raise Http404
    _require(request, quiz)
    return quiz


@login_required
@require_http_methods(["GET", "POST"])
def organiser_quiz(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """A quiz: its bank (import), its units (population and staff), its rounds."""
    quiz = _quiz(request, quiz_id)
    action = request.POST.get("action", "")
    now = clock.now()
    import_form = ImportForm(
        request.POST if action == "import" else None,
        request.FILES if action == "import" else None,
    )
    round_form = RoundForm(
        request.POST if action == "round" else None,
        initial={"opens_at": now, "closes_at": now + timedelta(days=7)},
    )
    candidates = Unit.objects.filter(path__startswith=quiz.unit.path).order_by("path")[:2000]
    unit_form = UnitForm(
        request.POST if action == "unit" else None,
        units=[(u.pk, u.name) for u in candidates],
    )
    import_errors: list[Any] = []
    if action == "import" and import_form.is_valid():
        try:
            added = bank_import(
                actor=request.user, quiz=quiz, data=import_form.cleaned_data["file"].read()
            )
        except ApplicationError as exc:
            import_errors = exc.extra.get("errors") or []
            import_form.add_error("file", exc.message)
        else:
            from django.contrib import messages

            messages.success(
                request, _("%(count)s questions added to the bank.") % {"count": added}
            )
            return HttpResponseRedirect(request.path)
    if action == "round" and round_form.is_valid():
        data = round_form.cleaned_data
        try:
            round_ = round_create(
                actor=request.user,
                quiz=quiz,
                data=RoundInput(
                    title=data["title"],
                    opens_at=data["opens_at"],
                    closes_at=data["closes_at"],
                    question_count=data["question_count"],
                    time_limit_seconds=data["time_limit_minutes"] * 60,
                    attempts_per_person=data["attempts_per_person"],
                    prediction_question=data["prediction_question"],
                    prediction_basis=data["prediction_basis"],
                    collective_prizes=data["collective_prizes"],
                    collective_basis=data["collective_basis"],
                ),
            )
        except ApplicationError as exc:
            _apply(round_form, exc)
        else:
            return HttpResponseRedirect(reverse("quizzes:organiser_round", args=[round_.pk]))
    if action == "unit" and unit_form.is_valid():
        unit = Unit.objects.get(pk=unit_form.cleaned_data["unit"])
        try:
            quiz_unit_save(
                actor=request.user,
                quiz=quiz,
                unit=unit,
                population=unit_form.cleaned_data["population"],
                staff=unit_form.cleaned_data["staff"],
            )
        except ApplicationError as exc:
            _apply(unit_form, exc)
        else:
            return HttpResponseRedirect(request.path)
    bank = Question.objects.filter(quiz=quiz, active=True)
    bad = any(f.errors for f in (import_form, round_form, unit_form))
    return render(
        request,
        "quizzes/organiser_quiz.html",
        {
            "quiz": quiz,
            "import_form": import_form,
            "import_errors": import_errors,
            "round_form": round_form,
            "unit_form": unit_form,
            "bank_count": bank.count(),
            "topics": bank.values("topic").order_by("topic").distinct().count(),
            "units": QuizUnit.objects.filter(quiz=quiz)
            .select_related("unit")
            .order_by("unit__name"),
            "rounds": [(r, r.status_at(now)) for r in quiz.rounds.all()],
            "duplicates": duplicate_participants(quiz.pk),
        },
        status=400 if bad else 200,
    )


@login_required
@require_GET
def bank_template_download(request: HttpRequest) -> HttpResponse:
    """The empty question-bank workbook with one example row."""
    if not _organiser_units(request):
        raise PermissionDenied(_("Only reform officers organise quizzes."))
    response = HttpResponse(bank_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="ngan-hang-cau-hoi.xlsx"'
    return response


def _chart(pairs: list[tuple[str, Any]], caption: str) -> dict[str, Any]:
    items = bars(pairs)
    return {"items": items, "height": max(18, 18 * len(items)), "caption": caption}


@login_required
@require_GET
def organiser_round(request: HttpRequest, round_id: int) -> HttpResponse:
    """A round's statistics (charts with tables), ranking, flagged attempts and duplicates."""
    round_ = round_get(round_id, with_unit=True)
    if round_ is None:
        raise Http404
    _require(request, round_.quiz)
    results = round_results(round_) if round_.status_at(clock.now()) == "closed" else None
    by_day = participation_by_day(round_)
    by_unit = participation_by_unit(round_)
    by_unit_day = participation_by_unit_and_day(round_)
    days = sorted({day for rows in by_unit_day.values() for day, _n in rows})
    unit_days = [
        (unit, [dict(rows).get(day, 0) for day in days]) for unit, rows in by_unit_day.items()
    ]
    scores = score_distribution(round_)
    return render(
        request,
        "quizzes/organiser_round.html",
        {
            "round": round_,
            "status": round_.status_at(clock.now()),
            "results": results,
            "ranking": (results or {}).get("ranking", [])[:100],
            "by_day": _chart(
                [(day.strftime("%d/%m"), n) for day, n in by_day], _("Attempts started per day")
            ),
            "by_unit": _chart(by_unit, _("People taking part per unit")),
            "scores": _chart(
                [(str(score), n) for score, n in scores], _("People per number of correct answers")
            ),
            "hardest": hardest_questions(round_),
            "days": days,
            "unit_days": unit_days,
            "flagged": flagged_attempts(round_),
            "form": DisqualifyForm(),
        },
    )


@login_required
@require_POST
def organiser_disqualify(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Disqualify the person of an attempt from its round, with the reason (audited)."""
    attempt = Attempt.objects.select_related("round__quiz__unit").filter(pk=attempt_id).first()
    if attempt is None:
        raise Http404
    form = DisqualifyForm(request.POST)
    from django.contrib import messages

    if form.is_valid():
        try:
            count = attempt_disqualify(
                actor=request.user, attempt_id=attempt.pk, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(count)s attempts disqualified.") % {"count": count})
    else:
        messages.error(request, _("Write why the attempt is disqualified."))
    return HttpResponseRedirect(reverse("quizzes:organiser_round", args=[attempt.round_id]))
