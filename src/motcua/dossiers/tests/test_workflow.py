"""One authority for who may do what: the table, the services, the page and the API agree.

Every action of ``workflow.TRANSITIONS`` is tried on a dossier in every
reachable status by a holder of every role (and by someone with none):
the services accept exactly what :func:`workflow.may` allows and refuse
the rest with the error its reason names; the dossier page and the API's
``available_actions`` offer exactly the same; an action whose target the
table fixes leads there; and the allowed actions are pinned, status by
status and role by role, in :data:`EXPECTED`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.test import SimpleTestCase
from django.utils import timezone

from motcua.api.services import api_token_create
from motcua.core import clock
from motcua.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from motcua.dossiers import services as s
from motcua.dossiers.api.output import ACTION_PATHS
from motcua.dossiers.models import Apology, Dossier, DossierEvent
from motcua.dossiers.screens import UserRoles, allowed_actions
from motcua.dossiers.services.common import ActorRoles
from motcua.dossiers.tests.helpers import DossierTestCase, at
from motcua.dossiers.workflow import TRANSITIONS, available_actions, may, target_of
from motcua.workdays.loader import calendar_for_unit

SERVICES: dict[str, Callable[..., Any]] = {
    "claim": s.dossier_claim,
    "accept": s.dossier_accept,
    "refuse": s.dossier_refuse,
    "withdraw": s.dossier_withdraw,
    "hand_over": s.dossier_hand_over,
    "decide": s.dossier_decide,
    "request_supplement": s.dossier_request_supplement,
    "supplement_received": s.dossier_supplement_received,
    "close_unsupplemented": s.dossier_close_unsupplemented,
    "request_payment": s.dossier_request_payment,
    "payment_received": s.dossier_payment_received,
    "apologise": s.dossier_apologise,
    "draft_apology": s.dossier_apology_draft,
    "stop": s.dossier_stop,
    "return_result": s.dossier_return,
}

GUARD_CODES = {"not_allowed_now", "no_step", "taken", "apology_once"}

PEOPLE = ("intake", "handler", "division_head", "leader", "agency_leader", "tax_officer", "nobody")
"""The intake officer of the centre; the ward's case handler, division head, commune and
agency leaders; the tax office's case handler; a user with no role."""

A, D = "apologise", "draft_apology"
SUP, PAY, STOP = "request_supplement", "request_payment", "stop"

EXPECTED: dict[str, dict[str, list[str]]] = {
    "awaiting_intake": {
        "intake": ["accept", "refuse", "withdraw", "request_supplement"],
        "handler": ["request_supplement"],
        "division_head": ["request_supplement"],
        "leader": ["request_supplement"],
        "agency_leader": ["request_supplement"],
    },
    "handed_over": {
        "intake": ["request_supplement", "stop"],
        "handler": ["claim", "hand_over", "request_supplement", "request_payment", "draft_apology"],
        "division_head": ["request_supplement", "request_payment", "draft_apology"],
        "leader": ["request_supplement", "request_payment", "apologise"],
        "agency_leader": ["request_supplement", "request_payment", "apologise"],
    },
    "in_progress": {
        "intake": ["request_supplement", "stop"],
        "handler": ["hand_over", "request_supplement", "request_payment", "draft_apology"],
        "division_head": ["request_supplement", "request_payment", "draft_apology"],
        "leader": ["request_supplement", "request_payment", "apologise"],
        "agency_leader": ["request_supplement", "request_payment", "apologise"],
    },
    "apologised": {
        "intake": ["request_supplement", "stop"],
        "handler": ["hand_over", "request_supplement", "request_payment"],
        "division_head": ["request_supplement", "request_payment"],
        "leader": ["request_supplement", "request_payment"],
        "agency_leader": ["request_supplement", "request_payment"],
    },
    "awaiting_coordination": {
        "intake": ["request_supplement", "stop"],
        "handler": ["draft_apology"],
        "division_head": ["draft_apology"],
        "leader": ["apologise"],
        "agency_leader": ["apologise"],
        "tax_officer": ["claim", "hand_over", "request_supplement"],
    },
    "awaiting_signature": {
        "intake": ["request_supplement", "stop"],
        "handler": ["request_supplement", "request_payment", "draft_apology"],
        "division_head": ["request_supplement", "request_payment", "draft_apology"],
        "leader": ["claim", "decide", "request_supplement", "request_payment", "apologise"],
        "agency_leader": ["request_supplement", "request_payment", "apologise"],
    },
    "awaiting_supplement": {
        "intake": ["supplement_received", "close_unsupplemented", "stop"],
        "handler": ["supplement_received"],
    },
    "awaiting_payment": {
        "intake": ["payment_received", "stop"],
        "handler": ["payment_received"],
    },
    "result_ready": {
        "intake": ["claim", "return_result"],
    },
    "returned": {},
    "refused": {},
    "withdrawn": {},
    "stopped": {},
    "closed": {},
}
"""The actions each person may take, by the state of the dossier (nobody listed: none).

Worth reading as the rules: the intake desk may ask for a supplement at any
handling stage (at the receiving desk); at the tax office's step only its
own staff act on the step, the ward's leaders may still apologise; the
signing step is the commune leader's, so an agency leader of the ward may
not sign it; paused and finished dossiers offer little or nothing.
"""


class Rollback(Exception):
    pass


class TransitionTableAgreementTests(DossierTestCase):
    people: dict[str, User]
    dossiers: dict[str, Dossier]
    tokens: dict[str, str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.w
        cls.people = {
            "intake": w.intake,
            "handler": w.handler,
            "division_head": w._user("truongphong", "division_head", w.ward),
            "leader": w.leader,
            "agency_leader": w._user("lanhdaocq", "agency_leader", w.ward),
            "tax_officer": w.tax_officer,
            "nobody": w.nobody,
        }
        st = cls.states
        cls.dossiers = {
            "awaiting_intake": st.online(),
            "handed_over": st.handed_over(),
            "in_progress": st.in_progress(),
            "apologised": st.in_progress(),
            "awaiting_coordination": st.awaiting_coordination(),
            "awaiting_signature": st.awaiting_signature(),
            "awaiting_supplement": st.awaiting_supplement(),
            "awaiting_payment": st.awaiting_payment(),
            "result_ready": st.result_ready(),
            "returned": st.returned(),
            "refused": st.refused(),
            "withdrawn": st.withdrawn(),
            "stopped": st.stopped(),
            "closed": st.closed(),
        }
        apologised = cls.dossiers["apologised"]
        with clock.frozen(at(2026, 3, 3, 9)):
            s.dossier_apologise(
                dossier=apologised,
                actor=w.leader,
                reason="Chờ xác minh",
                new_date=date(2026, 3, 10),
            )
        cls.dossiers["apologised"] = Dossier.objects.get(pk=apologised.pk)
        cls.tokens = {
            name: api_token_create(actor="test", user=user, name=name)[1]
            for name, user in cls.people.items()
        }

    def fresh(self, state: str) -> Dossier:
        return Dossier.objects.select_related(
            "procedure",
            "procedure_version",
            "agency",
            "receiving_unit",
            "current_step__role",
            "current_step__unit",
            "current_handler",
        ).get(pk=self.dossiers[state].pk)

    def arguments(self, action: str, dossier: Dossier) -> dict[str, Any]:
        if action in (A, D):
            calendar = calendar_for_unit(dossier.agency)
            day = timezone.localtime(dossier.due_at).date() + timedelta(days=1)
            while not calendar.is_working_day(day):
                day += timedelta(days=1)
            return {"reason": "Chờ xác minh", "new_date": day}
        by_action: dict[str, dict[str, Any]] = {
            "refuse": {"reasons": "Không đúng thẩm quyền"},
            "decide": {"decision": "granted"},
            SUP: {"items": ["Bản sao"], "reason": "Không rõ"},
            PAY: {"items": ["Lệ phí"]},
            STOP: {"reason": "Người nộp xin dừng"},
            "return_result": {"method": "counter", "received_by": "Trần Thị Bích Ngọc"},
        }
        return by_action.get(action, {})

    def when(self, action: str) -> Any:
        # The supplement window of the awaiting dossier ends on 24/3 at 17:00.
        return at(2026, 3, 25, 9) if action == "close_unsupplemented" else at(2026, 3, 3, 9)

    def service_outcome(self, action: str, state: str, user: Any) -> str:
        """Return "ok", or the code of the refusal, leaving the database as it was."""
        dossier = self.fresh(state)
        try:
            with transaction.atomic(), clock.frozen(self.when(action)):
                SERVICES[action](dossier=dossier, actor=user, **self.arguments(action, dossier))
                target = TRANSITIONS[action].target
                if target is not None:  # the table's target is where the action leads
                    # (the history row's: an accepted dossier may be handed over at once)
                    event = DossierEvent.objects.filter(dossier=dossier, action=action).last()
                    assert event is not None, action
                    self.assertEqual(event.to_status, target, action)
                    self.targets_reached.add(action)
                raise Rollback
        except Rollback:
            return "ok"
        except PermissionDeniedError:
            return "forbidden"
        except (ConflictError, ApplicationError) as exc:
            # Returning before the decision says so more plainly than "not possible now".
            return "not_allowed_now" if exc.code == "no_result" else exc.code

    def api_actions(self, state: str, person: str) -> list[str]:
        dossier = self.dossiers[state]
        with clock.frozen(at(2026, 3, 3, 9)):
            r = self.client.get(
                f"/api/v1/dossiers/{dossier.code}",
                HTTP_AUTHORIZATION=f"Bearer {self.tokens[person]}",
            )
        if r.status_code == 404:  # outside the caller's units: nothing to offer
            return []
        self.assertEqual(r.status_code, 200, r.content)
        actions: list[str] = json.loads(r.content)["available_actions"]
        return actions

    def test_services_page_and_api_agree_with_the_table(self) -> None:
        self.targets_reached: set[str] = set()
        paths = {path: action for action, path in ACTION_PATHS.items()}
        found: dict[str, dict[str, list[str]]] = {}
        for state in self.dossiers:
            for person, user in self.people.items():
                with self.subTest(state=state, person=person):
                    dossier = self.fresh(state)
                    has_apology = Apology.objects.filter(dossier=dossier).exists()
                    with clock.frozen(at(2026, 3, 3, 9)):
                        roles = UserRoles.load(user)
                        page = allowed_actions(dossier, roles, has_apology=has_apology)
                        live = available_actions(dossier, ActorRoles(user), has_apology=has_apology)
                    self.assertEqual(page, live)
                    self.assertEqual([paths[p] for p in self.api_actions(state, person)], page)
                    if page:
                        found.setdefault(state, {})[person] = page
                    for action in TRANSITIONS:
                        with clock.frozen(at(2026, 3, 3, 9)):
                            verdict = may(action, dossier, roles, has_apology=has_apology)
                        outcome = self.service_outcome(action, state, user)
                        self.assertEqual(
                            outcome, "ok" if verdict else verdict.reason, (action, verdict)
                        )
        self.assertEqual(found, {state: by for state, by in EXPECTED.items() if by})
        fixed = {action for action, t in TRANSITIONS.items() if t.target is not None}
        self.assertEqual(self.targets_reached, fixed)


class TargetTests(SimpleTestCase):
    def test_the_target_is_the_tables_where_it_is_fixed(self) -> None:
        self.assertEqual(target_of("decide"), "result_ready")
        self.assertEqual(target_of("request_payment"), "awaiting_payment")
        for action in ("hand_over", "claim", "supplement_received"):
            with self.subTest(action=action), self.assertRaisesMessage(ValueError, action):
                target_of(action)
