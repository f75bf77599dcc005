"""The lifecycle replay's pauses: supplements, payment waits, apologies and resumptions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from motcua.core.actors import Actor
from motcua.demo.synthetic.recorder import _local_day, _Recorder, _Sim
from motcua.dossiers import kernel
from motcua.dossiers.constants import PauseKind, PausePolicy
from motcua.dossiers.models import Apology, DossierStep, Pause
from motcua.dossiers.workflow import LEADER_ROLES
from motcua.org.selectors import signing_position


class _Pauses(_Recorder):
    """Pauses of the lifecycle replay: supplements, payment waits, apologies, resumptions."""

    def supplement(self, sim: _Sim, step: DossierStep, actor: Actor, when: datetime) -> bool:
        """Request a supplement at ``when``; return whether the dossier moves on afterwards."""
        d, version = sim.dossier, sim.version
        calendar = self.calendar(d.agency)
        # The procedure's window, as the services read it; none: no automatic closure.
        window = version.supplement_window_days
        respond_by = calendar.due_working_days(when, window) if window else None
        items = ["Bản sao có chứng thực giấy tờ chứng minh"]
        reason = "Giấy tờ nộp kèm không rõ nét"
        pause = self.pause(
            sim,
            step,
            actor,
            when,
            kind=PauseKind.SUPPLEMENT,
            number=d.supplement_count + 1,
            policy=version.supplement_policy,
            items=items,
            reason=reason,
            respond_by=respond_by,
        )
        change = kernel.request_supplement(d, pause)
        self.bump(sim, when)
        self.record(sim, at=when, actor=actor, change=change)
        rng = self.rng
        if rng.random() >= self.mix.supplement_never:
            back = self.later(d.agency, when, rng.uniform(0.5, 12) * 8 * 3600)
            if back > self.now:
                return False
            self.supplement_received(sim, pause, back)
            return True
        if respond_by is None:
            return False  # never answered, and nothing closes it: it keeps waiting
        close_at = self.later(d.agency, respond_by, rng.uniform(300, 8 * 3600))
        if close_at > self.now:
            return False
        change = kernel.close_unsupplemented(
            d, pause, d.current_step, at=close_at, step_note=self.close_note
        )
        self.bump(sim, close_at)
        self.record(sim, at=close_at, actor="system", change=change)
        return False

    def pause(
        self, sim: _Sim, step: DossierStep, actor: Actor, when: datetime, **request: Any
    ) -> Pause:
        """Open a pause at ``when`` keeping every running clock (``kernel.pause``)."""
        pause = kernel.pause(
            sim.dossier,
            step,
            at=when,
            actor=actor,
            calendar_of=self.calendar,
            limit_unit=sim.version.time_limit_unit,
            **request,
        )
        sim.pauses.append(pause)
        return pause

    def apologise(self, sim: _Sim, when: datetime) -> None:
        """The commune's leader apologises at ``when`` and promises a date 1–3 working days
        after the due date (or after today, when that has passed)."""
        d = sim.dossier
        leader = sim.commune.leader
        calendar = self.calendar(d.agency)
        assert d.due_at is not None
        day = max(_local_day(d.due_at), _local_day(when))
        day = calendar.add_working_days(day, self.rng.randint(1, 3))
        new_due = timezone.make_aware(datetime.combine(day, calendar.schedule.day_end), calendar.tz)
        late = kernel.apology_late(calendar, d.due_at, when)
        key = (leader.pk, d.agency.pk)
        if key not in self.positions:
            self.positions[key] = signing_position(
                leader, LEADER_ROLES, d.agency, on=_local_day(when)
            )
        reason = "Hồ sơ cần xác minh thêm tại địa phương"
        sim.apologies.append(
            Apology(
                dossier=d,
                issued_at=when,
                issued_by=leader,
                signer_position=self.positions[key],
                reason=reason,
                original_due_at=d.due_at,
                new_due_at=new_due,
                late=late,
                drafted_by=None,
            )
        )
        change = kernel.apologise(d, new_due=new_due, late=late, reason=reason, drafted_by_id=None)
        self.bump(sim, when)
        self.record(sim, at=when, actor=leader, change=change)

    def payment(self, sim: _Sim, step: DossierStep, actor: Actor, when: datetime) -> bool:
        """Wait for the financial obligations from ``when``; return whether they were met."""
        d = sim.dossier
        items = ["Lệ phí cấp giấy chứng nhận"]
        number = 1 + sum(1 for p in sim.pauses if p.kind == PauseKind.PAYMENT)
        pause = self.pause(
            sim,
            step,
            actor,
            when,
            kind=PauseKind.PAYMENT,
            number=number,
            policy=PausePolicy.PAUSE,
            items=items,
            reason="",
            respond_by=None,
        )
        change = kernel.request_payment(d, pause)
        self.bump(sim, when)
        self.record(sim, at=when, actor=actor, change=change)
        paid = self.later(d.agency, when, self.rng.uniform(0.5, 6) * 8 * 3600)
        if paid > self.now:
            return False
        self.resume(sim, pause, paid, action="payment_received")
        return True

    def supplement_received(self, sim: _Sim, pause: Pause, when: datetime) -> None:
        self.resume(sim, pause, when, action="supplement_received")

    def resume(self, sim: _Sim, pause: Pause, when: datetime, *, action: str) -> None:
        """End ``pause`` at ``when`` by ``action`` (``kernel.resume``), as the intake desk."""
        version = sim.version
        change, _moved, _step = kernel.resume(
            sim.dossier,
            pause,
            action=action,
            at=when,
            calendar_of=self.calendar,
            limit_amount=version.time_limit_amount,
            limit_unit=version.time_limit_unit,
        )
        self.bump(sim, when)
        self.record(sim, at=when, actor=sim.commune.intake, change=change)


# --- writing -------------------------------------------------------------------------------------
