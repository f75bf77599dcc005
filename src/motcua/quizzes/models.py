"""Online quiz contests for citizens (cuộc thi trắc nghiệm trực tuyến), DOMAIN.md §13.

A :class:`Quiz` (cuộc thi) owns a question bank (ngân hàng câu hỏi) of
:class:`Question` rows and a list of :class:`QuizUnit` rows, the units a
participant names, with their population and staff for the collective
prizes. It runs in :class:`Round` rows (tuần thi / đợt thi) with opening and
closing instants. A :class:`Participant` (người dự thi) is a name and a
phone; the same person (phone) may make several :class:`Attempt` rows (lượt
thi) in a round, up to the round's limit, and the best one is ranked.
Answers are saved on the attempt as they are given (one small POST each),
so nothing is lost when a connection drops; the submission writes one
:class:`AttemptAnswer` per question for the statistics.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.org.models import Unit


class Difficulty(models.TextChoices):
    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Hard")


class PredictionBasis(models.TextChoices):
    PEOPLE = "people", _("People who took part")
    ATTEMPTS = "attempts", _("Attempts submitted")


class SizeBasis(models.TextChoices):
    POPULATION = "population", _("Population")
    STAFF = "staff", _("Staff")


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Being answered")
    SUBMITTED = "submitted", pgettext_lazy("quiz attempt", "Submitted")
    DISQUALIFIED = "disqualified", _("Disqualified")


class Quiz(models.Model):
    """A quiz contest (cuộc thi trực tuyến) organised by a unit."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A multiple-choice question of a quiz's bank, with exactly one correct option."""

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="questions"
    )
    topic = models.CharField(pgettext_lazy("quiz question", "topic"), max_length=200)
    difficulty = models.CharField(
        _("difficulty"), max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    text = models.TextField(_("question"))
    options = models.JSONField(_("options"), help_text=_("The options, in the bank's order."))
    correct_index = models.PositiveSmallIntegerField(_("correct option (0 = first)"))
    legal_source = models.CharField(_("legal source"), max_length=300, blank=True)
    active = models.BooleanField(_("active in the bank"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:80]


class QuizUnit(models.Model):
    """A unit participants can name, with its population and staff (data for the collective prizes)."""

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="units"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    population = models.PositiveIntegerField(_("population"), default=0)
    staff = models.PositiveIntegerField(_("staff"), default=0)

    class Meta:
        verbose_name = _("unit of a quiz")
        verbose_name_plural = _("units of a quiz")
        constraints = [models.UniqueConstraint(fields=["quiz", "unit"], name="quiz_unit_once")]

    def __str__(self) -> str:
        return f"{self.quiz_id}: {self.unit_id}"


def default_prizes() -> list[dict[str, Any]]:
    return [
        {"name": "Giải Nhất", "count": 1},
        {"name": "Giải Nhì", "count": 2},
        {"name": "Giải Ba", "count": 3},
        {"name": "Giải Khuyến khích", "count": 5},
    ]


class Round(models.Model):
    """A round (tuần thi, đợt thi): open in ``[opens_at, closes_at)``.

    ``prizes`` lists the individual prizes in order, each ``{"name", "count"}``;
    they go to the first places of the ranking. ``collective_prizes`` units
    get a collective prize, by participants per 1,000 of ``collective_basis``.
    """

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("round number"))
    title = models.CharField(_("title"), max_length=200)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    question_count = models.PositiveSmallIntegerField(_("questions per attempt"), default=10)
    time_limit_seconds = models.PositiveIntegerField(_("time limit (seconds)"), default=900)
    attempts_per_person = models.PositiveSmallIntegerField(
        _("attempts per person"), default=3, help_text=_("0 = unlimited.")
    )
    prediction_question = models.CharField(
        _("prediction question"),
        max_length=300,
        default="Dự đoán có bao nhiêu người tham gia tuần thi này?",
    )
    prediction_basis = models.CharField(
        _("predictions are measured against"),
        max_length=10,
        choices=PredictionBasis.choices,
        default=PredictionBasis.PEOPLE,
    )
    prizes = models.JSONField(_("prizes"), default=default_prizes)
    collective_prizes = models.PositiveSmallIntegerField(_("collective prizes"), default=3)
    collective_basis = models.CharField(
        _("collective prizes per 1,000 of"),
        max_length=10,
        choices=SizeBasis.choices,
        default=SizeBasis.POPULATION,
    )
    created_at = models.DateTimeField(_("created at"))
    ranked_at = models.DateTimeField(
        _("ranking computed at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the closed round's ranking is stored; empty while it is not."),
    )
    ranked_participants = models.PositiveIntegerField(
        _("participants the predictions were measured against"),
        null=True,
        blank=True,
        editable=False,
    )
    ranked_total = models.PositiveIntegerField(
        _("people ranked"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "number"], name="quiz_round_number_once"),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="quiz_round_closes"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def status_at(self, now: Any) -> str:
        """Return ``upcoming``, ``open`` or ``closed`` at the instant ``now``."""
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closed"


class Participant(models.Model):
    """A person taking part (người dự thi): one row per quiz, phone and name.

    The same phone (or ID number) under several names makes several rows;
    :func:`motcua.quizzes.selectors.duplicate_participants` finds them, and
    the attempt limit counts per phone, whatever the name.
    """

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="participants"
    )
    name = models.CharField(_("full name"), max_length=120)
    name_key = models.CharField(_("folded name"), max_length=120, editable=False)
    phone = models.CharField(_("phone"), max_length=15)
    id_number = models.CharField(_("personal ID number"), max_length=12, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit or commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"))

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "phone", "name_key"], name="quiz_participant_once"
            )
        ]
        indexes = [models.Index(fields=["quiz", "id_number"], name="quiz_participant_idnr")]

    def __str__(self) -> str:
        return self.name


class Attempt(models.Model):
    """One attempt (lượt thi): the drawn questions, the answers as given, the server's timing.

    ``layout`` lists ``[question id, [bank option index shown first, …]]``
    in the order shown; ``answers`` maps the position (as a string) to the
    option position chosen, as shown. ``deadline_at`` is set at the start:
    the time limit, cut at the round's close. Times are the server's own.
    """

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="attempts"
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="attempts",
    )
    phone = models.CharField(_("phone"), max_length=15)
    number = models.PositiveSmallIntegerField(_("attempt number of the phone in the round"))
    token = models.CharField(_("resume token"), max_length=32, unique=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AttemptStatus.choices,
        default=AttemptStatus.IN_PROGRESS,
    )
    layout = models.JSONField(_("questions shown"))
    answers = models.JSONField(_("answers given"), default=dict)
    prediction = models.PositiveIntegerField(_("prediction"), null=True, blank=True)
    started_at = models.DateTimeField(_("attempt started at"))
    deadline_at = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(_("attempt submitted at"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    correct = models.PositiveSmallIntegerField(_("correct answers"), null=True, blank=True)
    flagged = models.BooleanField(_("flagged for review"), default=False)
    flag_reason = models.CharField(_("why flagged"), max_length=200, blank=True)
    disqualified_reason = models.CharField(_("why disqualified"), max_length=500, blank=True)
    disqualified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disqualified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("client address"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "phone", "number"], name="quiz_attempt_number_once"
            )
        ]
        indexes = [
            models.Index(fields=["round", "status"], name="quiz_attempt_round_status"),
            models.Index(fields=["status", "deadline_at"], name="quiz_attempt_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.pk}"


class AttemptAnswer(models.Model):
    """One question of a submitted attempt and whether it was answered right (statistics)."""

    attempt = models.ForeignKey(
        Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="results"
    )
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="+"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="+"
    )
    chosen = models.SmallIntegerField(_("option chosen (bank index; -1 = none)"))
    is_correct = models.BooleanField(_("correct"))

    class Meta:
        verbose_name = _("answer to a question")
        verbose_name_plural = _("answers given")
        indexes = [models.Index(fields=["round", "question"], name="quiz_answer_round_q")]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.question_id}"


class RankingEntry(models.Model):
    """One row of a closed round's ranking (bảng xếp hạng), stored once when the round closes.

    ``position`` numbers the rows 1, 2, … in the ranking's order (equal keys
    in attempt order); ``rank`` is the published place, shared by equal
    keys; the round and the position are the primary key, so a page of the
    ranking is one range of it. The name, phone and unit are copied from
    the participant. No reference carries a database constraint (a deferred
    check per row would double the cost of storing 100,000 people): the
    rows are derived, written in one statement from the attempts, and
    deleted with their round through Django's cascade. Besides the key, one index: (round, phone),
    for a person's own place.
    """

    pk = models.CompositePrimaryKey("round_id", "position")
    round = models.ForeignKey(
        Round,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="ranking_entries",
        db_constraint=False,
        db_index=False,  # the primary key leads with it
    )
    position = models.PositiveIntegerField(pgettext_lazy("quiz ranking", "position"))
    rank = models.PositiveIntegerField(pgettext_lazy("quiz ranking", "rank"))
    attempt = models.ForeignKey(
        Attempt,
        verbose_name=_("attempt"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    name = models.CharField(_("full name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=15)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit or commune"),
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    correct = models.PositiveSmallIntegerField(_("correct answers"))
    prediction = models.PositiveIntegerField(_("prediction"), null=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    submitted_at = models.DateTimeField(_("attempt submitted at"))

    class Meta:
        verbose_name = _("ranking entry")
        verbose_name_plural = _("ranking entries")
        indexes = [models.Index(fields=["round", "phone"], name="quiz_ranking_phone")]

    def __str__(self) -> str:
        return f"{self.round_id}#{self.position}"
