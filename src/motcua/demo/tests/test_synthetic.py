"""The synthetic province: idempotent, and its bulk rows equal what the services write."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Max
from django.test import TestCase, override_settings
from django.utils import timezone

from motcua.catalog.models import ProcedureVersion
from motcua.core import clock
from motcua.core.audit import audit_verify, history_ref
from motcua.core.models import AuditEvent
from motcua.demo.synthetic import Mix, synthetic_dossiers, synthetic_world
from motcua.dossiers import services as s
from motcua.dossiers.models import (
    Apology,
    CounterSlipSequence,
    Dossier,
    DossierCodeSequence,
    DossierEvent,
    Logbook,
    Pause,
)
from motcua.dossiers.search import search_key
from motcua.dossiers.tests.helpers import at
from motcua.org.models import Unit
from motcua.workdays.loader import calendar_cache_clear, calendar_for_unit

NOW = at(2026, 3, 20, 10)

# Every path often, so a few dozen dossiers cover them all.
BUSY = Mix(
    refuse_at_counter=0.08,
    online=0.3,
    online_incomplete=0.25,
    withdraw=0.3,
    supplement=0.45,
    supplement_never=0.35,
    stop=0.1,
    payment=0.3,
    apology=0.3,
    claim=1.0,
    not_granted=0.2,
    recent=0.8,
)

SKIP = {
    "id",
    "code",
    "slip_number",
    "created_at",
    "updated_at",
    "current_step",
    "created_by_id",
    "logbook_number",  # the replay takes the next entry of the same volume, like the code
}


def _dossier_fields(d):
    values = {f.attname: getattr(d, f.attname) for f in Dossier._meta.concrete_fields}
    values = {k: v for k, v in values.items() if k not in SKIP and k != "current_step_id"}
    values["code_prefix"] = d.code.rsplit("-", 1)[0] if d.code else None
    if d.code:  # the replayed dossier's number differs; the rest of the text must not
        values["search_text"] = d.search_text.replace(search_key(d.code), "<code>")
    # Numbered in the desk's register like the codes: present alike, not the same number.
    values["has_slip_number"] = d.slip_number is not None
    values["current_step_order"] = d.current_step.order if d.current_step_id else None
    return values


def _rows(d):
    steps = [
        (
            st.order,
            st.name,
            st.role_id,
            st.unit_id,
            st.is_inter_agency,
            st.budget_seconds,
            st.handler_id,
            st.giver_id,
            st.started_at,
            st.due_at,
            st.finished_at,
            st.timeliness,
            st.note,
        )
        for st in d.steps.order_by("order")
    ]
    documents = list(
        d.documents.order_by("order").values_list(
            "order", "required_document_id", "name", "form", "count", "is_mandatory", "provided"
        )
    )
    pauses = [
        (
            p.kind,
            p.number,
            p.policy,
            p.started_at,
            p.ended_at,
            p.resume_status,
            p.requested_by_id,
            p.items,
            p.reason,
            p.respond_by,
            p.override_reason,
            {k: v for k, v in p.clock.items() if k != "step"},
            "step" in p.clock,
        )
        for p in d.pauses.order_by("started_at")
    ]
    history = list(d.events.select_related("step").order_by("at", "id"))
    events = [
        (
            e.at,
            e.actor_id,
            e.action,
            e.from_status,
            e.to_status,
            e.step.order if e.step_id else None,
            e.note,
            e.data,
        )
        for e in history
    ]
    # Each record names its history row by id and digest: compare which row (by
    # its place in the history) and that the digest is that row's.
    place = {history_ref(e)["row"]: (i, history_ref(e)["sha256"]) for i, e in enumerate(history)}

    def payload(data):
        payload = {k: v for k, v in data.items() if k not in {"code", "history"}}
        ref = data.get("history")
        row, digest = place.get(ref["row"], (None, None)) if ref else (None, None)
        payload["history_place"] = row
        payload["history_digest_matches"] = ref is not None and digest == ref["sha256"]
        return payload

    audit = [
        (a.at, a.actor_id, a.actor_repr, a.action, payload(a.data))
        for a in AuditEvent.objects.filter(stream=f"dossiers.dossier:{d.pk}").order_by("seq")
    ]
    apologies = list(
        Apology.objects.filter(dossier=d).values_list(
            "issued_at",
            "issued_by_id",
            "signer_position",
            "reason",
            "original_due_at",
            "new_due_at",
            "late",
            "drafted_by_id",
        )
    )
    return {
        "apologies": apologies,
        "steps": steps,
        "documents": documents,
        "pauses": pauses,
        "events": events,
        "audit": audit,
    }


def _applicant(d):
    return s.Applicant(
        name=d.applicant_name,
        kind=d.applicant_kind,
        id_number=d.applicant_id_number,
        phone=d.applicant_phone,
        email=d.applicant_email,
        address=d.applicant_address,
    )


def _replay(d):
    """Take the synthetic dossier's recorded actions again, through the services."""
    users = get_user_model().objects
    provided = list(
        d.documents.filter(provided=True).values_list("required_document_id", flat=True)
    )
    replayed = None
    events = list(d.events.order_by("at", "id"))
    # Intake hands over in the same action: its receiver goes with the intake.
    handed = next((e for e in events if e.action == "hand_over" and e.data.get("at_intake")), None)
    intake_receiver = None
    if handed is not None and handed.data["receiver"]:
        intake_receiver = users.get(pk=handed.data["receiver"])
    for e in events:
        actor = e.actor
        with clock.frozen(e.at):
            if e.action == "hand_over" and e.data.get("at_intake"):
                continue  # written by the intake (receive or accept) itself
            if e.action == "receive":
                replayed = s.dossier_receive(
                    actor=actor,
                    receiving_unit=d.receiving_unit,
                    applicant=_applicant(d),
                    provided_documents=provided,
                    procedure_version=d.procedure_version,
                    channel=d.channel,
                    postal_address=d.postal_address,
                    note=e.note,
                    to_user=intake_receiver,
                ).dossier
            elif e.action == "submit_online":
                replayed = s.dossier_submit_online(
                    applicant=_applicant(d),
                    procedure_code=d.procedure.code,
                    receiving_unit=d.receiving_unit,
                    provided_documents=provided,
                ).dossier
            elif e.action == "refuse" and not e.from_status:
                replayed = s.dossier_refuse_at_intake(
                    actor=actor,
                    receiving_unit=d.receiving_unit,
                    applicant=_applicant(d),
                    reasons=e.note,
                    procedure_version=d.procedure_version,
                )
            elif e.action == "refuse":
                s.dossier_refuse(dossier=replayed, actor=actor, reasons=e.note)
            elif e.action == "withdraw":
                s.dossier_withdraw(dossier=replayed, actor=actor, reason=e.note)
            elif e.action == "accept":
                s.dossier_accept(dossier=replayed, actor=actor, to_user=intake_receiver)
            elif e.action == "hand_over":
                receiver = e.data["receiver"]
                s.dossier_hand_over(
                    dossier=replayed,
                    actor=actor,
                    note=e.note,
                    to_user=users.get(pk=receiver) if receiver else None,
                )
            elif e.action == "claim":
                s.dossier_claim(dossier=replayed, actor=actor)
            elif e.action == "request_supplement":
                s.dossier_request_supplement(
                    dossier=replayed,
                    actor=actor,
                    items=e.data["items"],
                    reason=e.note,
                    override_reason=e.data["override_reason"],
                )
            elif e.action == "apologise":
                s.dossier_apologise(
                    dossier=replayed,
                    actor=actor,
                    reason=e.note,
                    new_date=timezone.localtime(datetime.fromisoformat(e.data["new_due"])).date(),
                )
            elif e.action == "request_payment":
                s.dossier_request_payment(
                    dossier=replayed, actor=actor, items=e.data["items"], reason=e.note
                )
            elif e.action == "payment_received":
                s.dossier_payment_received(dossier=replayed, actor=actor, note=e.note)
            elif e.action == "supplement_received":
                s.dossier_supplement_received(dossier=replayed, actor=actor, note=e.note)
            elif e.action == "close_unsupplemented":
                s.dossier_close_unsupplemented(dossier=replayed, actor=None)
            elif e.action == "decide":
                s.dossier_decide(
                    dossier=replayed, actor=actor, decision=e.data["decision"], reasons=e.note
                )
            elif e.action == "return_result":
                s.dossier_return(
                    dossier=replayed,
                    actor=actor,
                    method=e.data["method"],
                    received_by=e.data["received_by"],
                    note=e.note,
                )
            elif e.action == "stop":
                s.dossier_stop(
                    dossier=replayed,
                    actor=actor,
                    reason=e.note,
                    requested_on=date.fromisoformat(e.data["requested_on"]),
                )
            else:  # pragma: no cover
                raise AssertionError(f"unknown action {e.action}")
    return Dossier.objects.select_related("current_step").get(pk=replayed.pk)


class SyntheticRowsTests(TestCase):
    def test_rows_equal_what_the_services_write(self):
        """Replaying each synthetic dossier's events through the services gives the same rows."""
        self.assert_replay_gives_the_same_rows(seed=6)

    @override_settings(
        MOTCUA_CUTOFF_DAY_LIMITS=True,
        MOTCUA_CUTOFF="14:00",
        MOTCUA_WORK_SESSIONS="07:30-11:30,13:00-17:00",
    )
    def test_rows_equal_under_other_settings(self):
        """The same holds with the cut-off on day limits, another cut-off and other sessions."""
        self.addCleanup(calendar_cache_clear)  # the calendars hold the sessions
        self.assert_replay_gives_the_same_rows(seed=8)

    def test_rows_equal_with_other_supplement_windows(self):
        """The same holds when the procedures give 3 or 30 working days to supplement."""
        self.assert_replay_gives_the_same_rows(seed=6, windows=(3, 30))
        pauses = Pause.objects.filter(kind="supplement").select_related(
            "dossier__procedure_version", "dossier__agency"
        )
        used = set()
        for pause in pauses:
            window = pause.dossier.procedure_version.supplement_window_days
            used.add(window)
            if window is not None:
                calendar = calendar_for_unit(pause.dossier.agency)
                self.assertEqual(
                    pause.respond_by, calendar.due_working_days(pause.started_at, window)
                )
        self.assertEqual(used, {None, 3, 30})

    def assert_replay_gives_the_same_rows(self, *, seed, windows=None):
        calendar_cache_clear()
        world = synthetic_world(units=2, procedures=8)
        if windows is not None:  # other windows than the catalogue's 15 days, in turn
            with_window = [v for v in world.versions if v.supplement_window_days is not None]
            for i, version in enumerate(with_window):
                version.supplement_window_days = windows[i % len(windows)]
                ProcedureVersion.objects.filter(pk=version.pk).update(
                    supplement_window_days=version.supplement_window_days
                )
        summary = synthetic_dossiers(world, count=80, seed=seed, now=NOW, mix=BUSY, batch_size=25)
        self.assertEqual(summary.created, 80)
        self.assertEqual(audit_verify(), [])
        synthetic = list(Dossier.objects.select_related("current_step", "procedure").order_by("pk"))
        actions = Counter(DossierEvent.objects.values_list("action", flat=True))
        self.assertEqual(
            set(actions),
            {
                "receive",
                "submit_online",
                "refuse",
                "withdraw",
                "accept",
                "hand_over",
                "claim",
                "request_supplement",
                "supplement_received",
                "close_unsupplemented",
                "request_payment",
                "payment_received",
                "apologise",
                "decide",
                "return_result",
                "stop",
            },
        )
        statuses = {d.status for d in synthetic}
        # No "received": intake hands every synthetic workflow over at once.
        self.assertTrue(
            {
                "in_progress",
                "awaiting_supplement",
                "returned",
                "refused",
                "closed",
                "stopped",
            }
            <= statuses,
            statuses,
        )
        for d in synthetic:
            with self.subTest(dossier=d.code or d.pk, status=d.status):
                # Written as if then: created at its first event, changed at its last.
                times = list(d.events.order_by("at", "id").values_list("at", flat=True))
                self.assertEqual((d.created_at, d.updated_at), (times[0], times[-1]))
                replayed = _replay(d)
                self.assertEqual(_dossier_fields(replayed), _dossier_fields(d))
                self.assertEqual(_rows(replayed), _rows(d))

    def test_sequences_continue_after_the_synthetic_codes(self):
        calendar_cache_clear()
        world = synthetic_world(units=2, procedures=3)
        synthetic_dossiers(world, count=40, seed=3, now=NOW, mix=BUSY)
        for agency_id, day, last in DossierCodeSequence.objects.values_list(
            "agency_id", "day", "last_value"
        ):
            codes = Dossier.objects.filter(agency_id=agency_id, code__contains=f"-{day:%y%m%d}-")
            numbers = sorted(int(c.rsplit("-", 1)[1]) for c in codes.values_list("code", flat=True))
            self.assertEqual(numbers, list(range(1, last + 1)))
        self.assertEqual(
            Dossier.objects.exclude(code=None).values("code").distinct().count(),
            Dossier.objects.exclude(code=None).count(),
        )
        for book in Logbook.objects.all():
            numbers = Dossier.objects.filter(logbook=book).values_list("logbook_number", flat=True)
            self.assertEqual(sorted(numbers), list(range(1, book.last_number + 1)))
        self.assertEqual(
            Dossier.objects.filter(received_at__isnull=False, logbook_number=None).count(), 0
        )
        slips: dict[tuple[int, int], list[int]] = {}
        for desk_id, closed_at, number in Dossier.objects.exclude(slip_number=None).values_list(
            "receiving_unit_id", "closed_at", "slip_number"
        ):
            slips.setdefault((desk_id, timezone.localtime(closed_at).year), []).append(number)
        registers = CounterSlipSequence.objects.values_list("desk_id", "year", "last_value")
        self.assertTrue(registers)
        for desk_id, year, last in registers:
            self.assertEqual(sorted(slips[(desk_id, year)]), list(range(1, last + 1)))


class SyntheticClockTests(TestCase):
    """The bulk path counts deadlines like the services: cut-off, pauses, calendar."""

    def _after_cutoff(self):
        """Return the running dossiers received on a working day at or after 15:00."""
        calendar = calendar_for_unit(None)
        found = []
        for d in Dossier.objects.exclude(received_at=None).select_related("procedure_version"):
            local = timezone.localtime(d.received_at)
            version = d.procedure_version
            if (
                version.time_limit_unit == "working_days"
                and local.time() >= time(15)
                and calendar.is_working_day(local.date())
            ):
                found.append((d, local.date()))
        return found

    def test_a_late_intake_keeps_its_day_by_default(self):
        calendar_cache_clear()
        world = synthetic_world(units=1, procedures=6)
        synthetic_dossiers(world, count=120, seed=5, now=NOW, mix=BUSY)
        late = self._after_cutoff()
        self.assertGreater(len(late), 3)
        for d, day in late:
            self.assertEqual(d.d0, day, d.code)

    @override_settings(MOTCUA_CUTOFF_DAY_LIMITS=True)
    def test_with_the_setting_a_late_intake_counts_from_the_next_working_day(self):
        calendar_cache_clear()
        world = synthetic_world(units=1, procedures=6)
        synthetic_dossiers(world, count=120, seed=5, now=NOW, mix=BUSY)
        late = self._after_cutoff()
        self.assertGreater(len(late), 3)
        calendar = calendar_for_unit(None)
        for d, day in late:
            self.assertEqual(d.d0, calendar.add_working_days(day, 1), d.code)
        # and the rows are still the services' (replayed under the same setting)
        for d in Dossier.objects.select_related("current_step").order_by("pk")[:40]:
            with self.subTest(dossier=d.code or d.pk):
                replayed = _replay(d)
                self.assertEqual(_dossier_fields(replayed), _dossier_fields(d))

    def test_the_supplement_window_is_the_procedure_versions(self):
        calendar_cache_clear()
        world = synthetic_world(units=1, procedures=6)
        synthetic_dossiers(world, count=150, seed=4, now=NOW, mix=BUSY)
        pauses = Pause.objects.filter(kind="supplement").select_related(
            "dossier__procedure_version", "dossier__agency"
        )
        windows = set()
        for pause in pauses:
            window = pause.dossier.procedure_version.supplement_window_days
            windows.add(window)
            if window is None:
                self.assertIsNone(pause.respond_by)
                self.assertNotEqual(pause.dossier.status, "closed")
            else:
                calendar = calendar_for_unit(pause.dossier.agency)
                self.assertEqual(
                    pause.respond_by, calendar.due_working_days(pause.started_at, window)
                )
        self.assertEqual(windows, {None, 15})

    def test_recomputing_every_running_dossier_gives_the_stored_dues(self):
        """What a calendar amendment replays (intake, pauses, steps) matches what was stored."""
        from motcua.dossiers.services.recalendar import DossierDues, candidates
        from motcua.workdays.loader import calendar_builder

        calendar_cache_clear()
        world = synthetic_world(units=2, procedures=8)
        synthetic_dossiers(world, count=300, seed=10, now=NOW, mix=BUSY)
        window = (date(2024, 1, 1), date(2026, 12, 31))
        checked = candidates(window)
        self.assertGreater(checked.count(), 10)
        self.assertTrue(checked.filter(pauses__ended_at__isnull=False).exists())
        self.assertEqual(DossierDues().moves(window=window, calendar_for=calendar_builder()), [])


class SeedSyntheticCommandTests(TestCase):
    def test_seed_is_idempotent_and_tops_up(self):
        out = StringIO()
        call_command(
            "seed", "synthetic", "--dossiers", "30", "--units", "2", "--procedures", "4", stdout=out
        )
        self.assertIn("30 created", out.getvalue())
        counts = (Unit.objects.count(), get_user_model().objects.count(), Dossier.objects.count())
        audit = AuditEvent.objects.count()
        call_command(
            "seed",
            "synthetic",
            "--dossiers",
            "30",
            "--units",
            "2",
            "--procedures",
            "4",
            stdout=StringIO(),
        )
        self.assertEqual(
            (Unit.objects.count(), get_user_model().objects.count(), Dossier.objects.count()),
            counts,
        )
        self.assertEqual(AuditEvent.objects.count(), audit)
        call_command(
            "seed",
            "synthetic",
            "--dossiers",
            "45",
            "--units",
            "2",
            "--procedures",
            "4",
            stdout=StringIO(),
        )
        self.assertEqual(Dossier.objects.count(), 45)
        self.assertEqual(audit_verify(), [])
        latest = Dossier.objects.aggregate(Max("received_at"))["received_at__max"]
        self.assertLessEqual(latest, clock.now())

    def test_bad_arguments(self):
        with self.assertRaises(CommandError):
            call_command("seed", "synthetic", stdout=StringIO())
        with self.assertRaises(CommandError):
            call_command("seed", "synthetic", "--dossiers", "1", "--units", "0", stdout=StringIO())
