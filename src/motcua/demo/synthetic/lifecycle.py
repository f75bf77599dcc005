"""The lifecycle replay: intake, online submissions, the steps, the decision and the return."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User

from motcua.catalog.models import ProcedureVersion
from motcua.core.actors import Actor
from motcua.demo.synthetic.pauses import _Pauses
from motcua.demo.synthetic.recorder import _local_day, _Sim
from motcua.demo.synthetic.world import Commune
from motcua.dossiers import kernel
from motcua.dossiers.constants import Channel, Decision, DossierStatus, ReturnMethod
from motcua.dossiers.models import DossierStep
from motcua.dossiers.workflow import SIGNING_ROLES
from motcua.workdays.core import CalendarMissingError


class _Simulator(_Pauses):
    """Apply the services' rules to in-memory rows (see the package docstring)."""

    def simulate(self, commune: Commune, version: ProcedureVersion, at: datetime) -> _Sim:
        """Return the dossier received (or submitted) at ``at`` as it stands now.

        A due date beyond the confirmed calendar years raises
        CalendarMissingError, as intake would; its code number is given back.
        """
        self.assigned = None
        try:
            return self._simulate(commune, version, at)
        except CalendarMissingError:
            if self.assigned is not None:
                self.sequences[self.assigned] -= 1
            raise

    def _simulate(self, commune: Commune, version: ProcedureVersion, at: datetime) -> _Sim:
        rng = self.rng
        mandatory = {doc.pk for doc in version.documents.all() if doc.is_mandatory}
        everything = {doc.pk for doc in version.documents.all()}
        draw = rng.random()
        if draw < self.mix.refuse_at_counter:
            return self.refuse_at_counter(commune, version, at)
        if draw < self.mix.refuse_at_counter + self.mix.online:
            return self.online(commune, version, at, mandatory, everything)
        sim = self.new(
            commune,
            version,
            status=DossierStatus.RECEIVED,
            channel=Channel.COUNTER,
            at=at,
            creator=commune.intake,
            with_code=True,
        )
        if rng.random() < self.mix.by_post:
            sim.dossier.channel = Channel.POST
        self.documents(sim, everything if rng.random() < 0.5 else mandatory)
        self.intake(sim, action="receive", at=at, actor=commune.intake)
        self.handle(sim, at)
        return sim

    def refuse_at_counter(self, commune: Commune, version: ProcedureVersion, at: datetime) -> _Sim:
        sim = self.new(
            commune,
            version,
            status=DossierStatus.REFUSED,
            channel=Channel.COUNTER,
            at=at,
            creator=commune.intake,
            with_code=False,
        )
        self.documents(sim, set())
        key = (sim.dossier.receiving_unit_id, _local_day(at).year)
        self.slips[key] = self.slips.get(key, 0) + 1
        change = kernel.refuse_at_intake(
            sim.dossier,
            at=at,
            reasons="Hồ sơ không thuộc thẩm quyền giải quyết của phường",
            slip_number=self.slips[key],
        )
        self.record(sim, at=at, actor=commune.intake, change=change)
        return sim

    def online(
        self,
        commune: Commune,
        version: ProcedureVersion,
        at: datetime,
        mandatory: set[int],
        everything: set[int],
    ) -> _Sim:
        rng = self.rng
        sim = self.new(
            commune,
            version,
            status=DossierStatus.AWAITING_INTAKE,
            channel=Channel.ONLINE,
            at=at,
            creator=None,
            with_code=True,
        )
        complete = rng.random() >= self.mix.online_incomplete
        provided = (everything if rng.random() < 0.5 else mandatory) if complete else set()
        self.documents(sim, provided)
        missing = [doc.name for doc in sim.documents if doc.is_mandatory and not doc.provided]
        self.record(
            sim, at=at, actor=None, change=kernel.submit_online(sim.dossier, missing=missing)
        )
        when = self.later(commune.centre, at, rng.uniform(600, 2 * 8 * 3600))
        if when > self.now:
            return sim
        d = sim.dossier
        officer = commune.intake
        if not complete:
            change = kernel.refuse(d, at=when, reasons="Hồ sơ trực tuyến thiếu thành phần bắt buộc")
            self.bump(sim, when)
            self.record(sim, at=when, actor=officer, change=change)
            return sim
        if rng.random() < self.mix.withdraw:
            change = kernel.withdraw(d, at=when, reason="Người nộp xin rút hồ sơ")
            self.bump(sim, when)
            self.record(sim, at=when, actor=officer, change=change)
            return sim
        self.intake(sim, action="accept", at=when, actor=officer)
        self.handle(sim, when)
        return sim

    def pace(self, step: DossierStep) -> float:
        """Return how much of its budget a step takes: mostly within, a sixth late."""
        rng = self.rng
        late = rng.random() < self.mix.late_step
        return rng.uniform(1.02, 2.2) if late else rng.uniform(0.15, 1.0)

    def handle(self, sim: _Sim, at: datetime) -> None:
        """Move the dossier through its steps until it is returned, closed, or ``now`` comes."""
        rng = self.rng
        d, commune = sim.dossier, sim.commune
        steps = sim.steps
        moment = at
        supplement = rng.random() < self.mix.supplement
        stop = rng.random() < self.mix.stop
        # Drawn only when asked for, so the default mix draws the same numbers as before.
        payment = self.mix.payment > 0 and rng.random() < self.mix.payment
        apology = self.mix.apology > 0 and rng.random() < self.mix.apology
        while True:
            step = d.current_step
            assert step is not None
            index = steps.index(step)
            following = steps[index + 1] if index + 1 < len(steps) else None
            if (
                step.handler is None
                and step.role.code != "intake_officer"
                and rng.random() < self.mix.claim
            ):
                # Taken from the unit's queue before the work starts.
                moment = self.claim(sim, step, self.holder(step, commune), moment)
                if moment > self.now:
                    return
            actor = step.handler or self.holder(step, commune)
            if step.role.code in SIGNING_ROLES:
                when = self.later(step.unit, moment, step.budget_seconds * self.pace(step))
                if when > self.now:
                    return
                # As the service does: from the signed decision straight to the return step.
                last = steps[-1] if steps[-1].order > step.order else None
                self.decide(
                    sim,
                    step,
                    last if last and last.role.code == "intake_officer" else None,
                    actor,
                    when,
                )
                moment = when
                break
            if index == 1 and (supplement or stop):
                when = self.later(step.unit, moment, step.budget_seconds * rng.uniform(0.1, 0.6))
                if when > self.now:
                    return
                if stop:
                    self.stop(sim, when)
                    return
                if not self.supplement(sim, step, actor, when):
                    return
                supplement = False
                moment = d.updated_at
                continue
            if index == 1 and apology:
                when = self.later(step.unit, moment, step.budget_seconds * rng.uniform(0.05, 0.3))
                if when > self.now:
                    return
                self.apologise(sim, when)
                apology = False
                moment = when
                continue
            if index == 1 and payment:
                when = self.later(step.unit, moment, step.budget_seconds * rng.uniform(0.1, 0.6))
                if when > self.now:
                    return
                if not self.payment(sim, step, actor, when):
                    return
                payment = False
                moment = d.updated_at
                continue
            when = self.later(step.unit, moment, step.budget_seconds * self.pace(step))
            if when > self.now:
                return
            assert following is not None
            receiver = None
            if following.role.code == "case_handler" and following.unit == commune.unit:
                receiver = rng.choice(commune.handlers) if rng.random() < 0.7 else None
            self.hand_over(sim, step, following, actor, receiver, when)
            moment = when
        # The result is ready: return it after a while.
        when = self.later(d.receiving_unit, moment, rng.uniform(0.05, 3) * 8 * 3600)
        if when > self.now:
            return
        self.return_result(sim, when)

    def holder(self, step: DossierStep, commune: Commune) -> User:
        code = step.role.code
        if step.unit == self.world.tax:
            return self.world.tax_officer
        if code == "intake_officer":
            return commune.intake
        if code == "commune_leader":
            return commune.leader
        return commune.handlers[0]

    def claim(self, sim: _Sim, step: DossierStep, actor: Actor, after: datetime) -> datetime:
        """Claim ``step`` a little after ``after``; return when (after ``now``: not yet)."""
        when = self.later(step.unit, after, self.rng.uniform(60, 1800))
        if when > self.now:
            return when
        change = kernel.claim(sim.dossier, step, actor=actor)
        self.bump(sim, when)
        self.record(sim, at=when, actor=actor, change=change)
        return when

    def hand_over(
        self,
        sim: _Sim,
        step: DossierStep,
        following: DossierStep,
        actor: Actor,
        receiver: Actor,
        when: datetime,
    ) -> None:
        change = kernel.hand_over(
            sim.dossier,
            step,
            following,
            at=when,
            actor=actor,
            receiver=receiver,
            calendar=self.calendar(following.unit),
        )
        self.bump(sim, when)
        self.record(sim, at=when, actor=actor, change=change)

    def decide(
        self,
        sim: _Sim,
        step: DossierStep,
        following: DossierStep | None,
        actor: Actor,
        when: datetime,
    ) -> None:
        granted = self.rng.random() >= self.mix.not_granted
        change = kernel.decide(
            sim.dossier,
            step,
            following,
            at=when,
            actor=actor,
            decision=Decision.GRANTED if granted else Decision.NOT_GRANTED,
            reasons="" if granted else "Không đủ điều kiện theo quy định",
            calendar=self.calendar(following.unit) if following is not None else None,
        )
        self.bump(sim, when)
        self.record(sim, at=when, actor=actor, change=change)

    def return_result(self, sim: _Sim, when: datetime) -> None:
        d = sim.dossier
        actor = sim.commune.intake
        by_post = self.rng.random() < self.mix.return_by_post
        change = kernel.return_result(
            d,
            d.current_step,
            at=when,
            actor=actor,
            method=ReturnMethod.POST if by_post else ReturnMethod.COUNTER,
            received_by="",
            note="",
        )
        self.bump(sim, when)
        self.record(sim, at=when, actor=actor, change=change)

    def stop(self, sim: _Sim, when: datetime) -> None:
        d = sim.dossier
        change = kernel.stop(
            d,
            d.current_step,
            at=when,
            reason="Người nộp có đơn xin dừng giải quyết",
            requested_on=_local_day(when),
            step_note=self.stop_note,
        )
        self.bump(sim, when)
        self.record(sim, at=when, actor=sim.commune.intake, change=change)
