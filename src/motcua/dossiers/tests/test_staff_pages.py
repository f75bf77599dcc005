"""What officers meet at the counter: landing, menus, error summaries, dates, wording, returns."""

from __future__ import annotations

import re
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation

from motcua.catalog.content import DocumentSpec
from motcua.core import clock
from motcua.dossiers import services as s
from motcua.dossiers.constants import DossierStatus as S
from motcua.dossiers.models import Dossier
from motcua.dossiers.screens import EVENT_LABELS
from motcua.dossiers.tests.helpers import at
from motcua.dossiers.tests.test_views import NOW, ViewTestCase
from motcua.org.services import role_assignment_create


def menu(response):
    """Return the dossier links of the staff menu (every account also has its own page)."""
    return [url for url, _label in response.context["staff_menu"] if url.startswith("/mot-cua/")]


class LandingAndMenuTests(ViewTestCase):
    reform: User
    judge: User

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        w = cls.w
        users = get_user_model().objects
        cls.reform = users.create_user("caicach", password="x", first_name="Cải Cách")
        role_assignment_create(
            actor="test", user=cls.reform, role=w.roles["reform_officer"], unit=w.ward
        )
        cls.judge = users.create_user("giamkhao", password="x")
        role_assignment_create(actor="test", user=cls.judge, role=w.roles["judge"], unit=w.city)

    def sign_in(self, user):
        return self.client.post(
            reverse("login"), {"username": user.get_username(), "password": "x"}, follow=True
        )

    def test_staff_land_on_their_queue(self):
        for user in (self.w.intake, self.w.handler):  # no second factor needed
            with self.subTest(user=user.username):
                response = self.sign_in(user)
                self.assertEqual(response.redirect_chain[-1][0], reverse("dossiers:queue"))
                self.assertTemplateUsed(response, "dossiers/queue.html")
                self.client.logout()
        # Leaders and directors sign in with a one-time code too, then land the same way.
        for user in (self.w.leader, self.w.director):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(reverse("dossiers:start"))
                self.assertRedirects(response, reverse("dossiers:queue"))

    def test_menus_offer_only_what_the_roles_open(self):
        queue = reverse("dossiers:queue")
        intake = reverse("dossiers:intake")
        logbook = reverse("dossiers:logbook")
        cases = [
            (self.w.intake, [queue, intake, logbook]),
            (self.w.director, [queue, logbook]),
            (self.w.handler, [queue]),
            (self.w.leader, [queue]),
            (self.reform, [reverse("dossiers:start")]),
        ]
        for user, expected in cases:
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(
                    menu(self.client.get(reverse("dossiers:start"), follow=True)), expected
                )
                # Every link offered opens (no "not allowed" page behind a menu entry).
                for url in expected:
                    self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_roles_without_screens_are_told_what_they_can_do_today(self):
        # Each lands on their own home (outreach, score sheets) and finds this page
        # under "Việc của tôi".
        for user, role_name, note in [
            (self.reform, "Cán bộ cải cách hành chính", "kế hoạch tuyên truyền"),
            (self.judge, "Giám khảo cuộc thi", "Phiếu chấm của anh/chị"),
        ]:
            with self.subTest(user=user.username):
                response = self.sign_in(user)
                home = "/tuyen-truyen/" if user is self.reform else "/giam-khao/"
                self.assertEqual(response.redirect_chain[-1][0], home)
                response = self.client.get(reverse("dossiers:start"))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Những việc có thể làm hôm nay")
                self.assertContains(response, role_name)
                self.assertContains(response, note)
                self.assertContains(response, reverse("catalog:procedure_list"))
                self.assertContains(response, reverse("portal:lookup"))
                self.assertNotContains(response, "chưa được phân vai trò")
                self.client.logout()

    def test_an_account_without_any_role_is_still_told_to_ask_for_one(self):
        self.login(self.w.nobody)
        response = self.client.get(reverse("dossiers:start"))
        self.assertEqual(response.status_code, 403)
        self.assertContains(
            response, "Tài khoản này chưa được phân vai trò trong hệ thống một cửa", status_code=403
        )


class ErrorSummaryTests(ViewTestCase):
    def test_the_intake_form_lists_every_problem_at_once_with_links(self):
        self.login(self.w.intake)
        response = self.client.post(
            self.intake_url,
            self.intake_data(
                documents=[],
                applicant_phone="12",
                channel="post",
                applicant_address="",
            ),
        )
        self.assertEqual(response.status_code, 400)
        content = response.content.decode()
        self.assertRegex(content, r"<title>Lỗi: Tiếp nhận")
        summary = content[
            content.index('id="error-summary"') : content.index(
                "</ul>", content.index('id="error-summary"')
            )
        ]
        links = re.findall(r'href="#([^"]+)"', summary)
        for anchor in ["id_applicant_phone", "id_documents_0", "id_postal_address"]:
            with self.subTest(anchor=anchor):
                self.assertIn(anchor, links)
                self.assertIn(f'id="{anchor}"', content)  # the link leads somewhere
        self.assertEqual(Dossier.objects.count(), 0)

    def test_refusal_and_guidance_list_every_problem_at_once(self):
        self.login(self.w.intake)
        for action, other in [("refuse", "id_refusal_reasons"), ("incomplete", "id_extra_items")]:
            with self.subTest(action=action):
                response = self.client.post(
                    self.intake_url, self.intake_data(action=action, applicant_phone="12")
                )
                self.assertEqual(response.status_code, 400)
                links = re.findall(r'<li><a href="#([^"]+)">', response.content.decode())
                self.assertEqual(links, ["id_applicant_phone", other])
        self.assertEqual(Dossier.objects.count(), 0)

    def test_an_action_form_lists_its_problems_at_once(self):
        d = self.receive(to_user=self.w.handler)
        self.login(self.w.handler)
        url = reverse("dossiers:action", args=[d.code, "request_supplement"])
        response = self.client.post(url, {"request_supplement-expected_version": d.version})
        self.assertEqual(response.status_code, 400)
        content = response.content.decode()
        self.assertIn("<title>Lỗi: Hồ sơ", content)
        self.assertEqual(
            re.findall(r'<li><a href="#([^"]+)">', content),
            ["id_request_supplement-items", "id_request_supplement-reason"],
        )
        self.assertEqual(Dossier.objects.get(pk=d.pk).status, S.IN_PROGRESS)

    def test_the_log_book_filter_summarises_a_wrong_date(self):
        self.login(self.w.intake)
        response = self.client.get(
            reverse("dossiers:logbook"), {"unit": str(self.w.centre.pk), "start": "31/02/2026"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "<title>Lỗi: Sổ theo dõi hồ sơ", status_code=400)
        self.assertContains(
            response,
            '<a href="#id_start">Không có ngày 31/02/2026 trên lịch.</a>',
            status_code=400,
        )


class DateTests(ViewTestCase):
    def test_the_log_book_dates_are_typed_and_shown_dd_mm_yyyy(self):
        self.receive()
        self.login(self.w.intake)
        page = self.client.get(reverse("dossiers:logbook"))
        content = page.content.decode()
        self.assertNotIn('type="date"', content)
        self.assertIn('value="01/03/2026"', content)
        self.assertIn('value="02/03/2026"', content)
        typed = self.client.get(
            reverse("dossiers:logbook"),
            {"unit": str(self.w.centre.pk), "start": "2/3/2026", "end": "02/03/2026"},
        )
        self.assertEqual(typed.status_code, 200)
        self.assertEqual(len(typed.context["rows"]), 1)

    def test_the_apology_date_is_a_dd_mm_yyyy_text_box(self):
        d = self.receive()
        self.login(self.w.leader)
        content = self.client.get(reverse("dossiers:detail", args=[d.code])).content.decode()
        found = re.search(r'<input[^>]*name="apologise-new_date"[^>]*>', content)
        assert found is not None
        field = found.group(0)
        self.assertIn('type="text"', field)
        self.assertIn('placeholder="dd/mm/yyyy"', field)


def result_ready(case: ViewTestCase) -> Dossier:
    """A dossier decided at 11:00 on 2/3/2026, its result waiting at the counter."""
    d = case.receive(to_user=case.w.handler)
    return case.w.signed(d, handed_at=at(2026, 3, 2, 10), decided_at=at(2026, 3, 2, 11))


class ReturnAtTheCounterTests(ViewTestCase):
    def ready(self) -> Dossier:
        return result_ready(self)

    def test_one_key_returns_it_to_the_applicant(self):
        d = self.ready()
        self.login(self.w.intake)
        page = self.client.get(reverse("dossiers:detail", args=[d.code]))
        self.assertContains(page, 'accesskey="n" id="collect-by-applicant"')
        self.assertContains(page, "Trần Thị Bích Ngọc nhận kết quả tại quầy")
        response = self.client.post(
            reverse("dossiers:action", args=[d.code, "return_result"]),
            {
                "return_result-expected_version": Dossier.objects.get(pk=d.pk).version,
                "return_result-method": "post",  # whatever was chosen, it is collected here
                "return_result-by_applicant": "1",
            },
        )
        self.assertEqual(response.status_code, 302)
        d = Dossier.objects.get(pk=d.pk)
        self.assertEqual(
            (d.status, d.return_method, d.returned_to),
            (S.RETURNED, "counter", "Trần Thị Bích Ngọc"),
        )


class WordingTests(ViewTestCase):
    def test_no_history_line_ends_with_a_dangling_lúc(self):
        with translation.override("vi"):
            dangling = [str(label) for label in EVENT_LABELS.values() if str(label).endswith("lúc")]
        self.assertEqual(dangling, [])
        d = result_ready(self)
        self.act(
            at(2026, 3, 2, 14),
            s.dossier_return,
            dossier=d,
            actor=self.w.intake,
            method="counter",
            received_by="Trần Thị Bích Ngọc",
        )
        self.login(self.w.intake)
        page = self.client.get(reverse("dossiers:detail", args=[d.code])).content.decode()
        timeline = page[page.index('class="timeline"') :]
        self.assertIn("<strong>Đã trả kết quả</strong>", timeline)
        self.assertNotIn("lúc</strong>", timeline)

    def test_the_hand_over_choice_says_where_the_dossier_waits(self):
        d = self.receive()
        self.login(self.w.handler)
        page = self.client.get(reverse("dossiers:detail", args=[d.code]))
        self.assertNotContains(page, "ai nhận cũng được")
        self.assertContains(page, "Để trong hàng chờ của đơn vị")

    def test_the_decision_reasons_speak_of_the_option_not_granted(self):
        d = self.receive(to_user=self.w.handler)
        self.act(
            at(2026, 3, 2, 10),
            s.dossier_hand_over,
            dossier=d,
            actor=self.w.handler,
            to_user=self.w.leader,
        )
        self.login(self.w.leader)
        page = self.client.get(reverse("dossiers:detail", args=[d.code])).content.decode()
        self.assertIn("Không chấp thuận", page)
        self.assertIn("Lý do (bắt buộc khi không chấp thuận)", page)
        self.assertNotIn("không giải quyết", page.lower())
        response = self.client.post(
            reverse("dossiers:action", args=[d.code, "decide"]),
            {
                "decide-expected_version": Dossier.objects.get(pk=d.pk).version,
                "decide-decision": "not_granted",
            },
        )
        self.assertContains(
            response, "Trường hợp không chấp thuận phải nêu rõ lý do bằng văn bản.", status_code=400
        )

    def test_an_optional_document_not_handed_in_is_not_marked_as_missing(self):
        version = self.w._procedure(
            "1.000894",
            name="Đăng ký thường trú",
            documents=(
                DocumentSpec(order=1, name="Tờ khai thay đổi thông tin cư trú", form="original"),
                DocumentSpec(
                    order=2,
                    name="Giấy tờ chứng minh chỗ ở hợp pháp",
                    form="copy",
                    is_mandatory=False,
                ),
            ),
        )
        d = self.receive(version=version)
        self.login(self.w.intake)
        page = self.client.get(reverse("dossiers:detail", args=[d.code])).content.decode()
        optional = re.search(
            r"<li class=\"(\w+)\"><span class=\"mark\"[^>]*>(.)</span> Giấy tờ chứng minh", page
        )
        assert optional is not None
        self.assertEqual(optional.groups(), ("optional", "–"))
        self.assertNotIn("✗", page)


class AcceptOnlineTests(ViewTestCase):
    def test_accepting_an_online_submission_hands_it_to_the_chosen_handler(self):
        with clock.frozen(NOW):
            online = s.dossier_submit_online(
                applicant=self.w.applicant(),
                procedure_code=self.w.pause_version.procedure.code,
                receiving_unit=self.w.centre,
                provided_documents=self.w.documents(self.w.pause_version),
            ).dossier
        self.login(self.w.intake)
        page = self.client.get(reverse("dossiers:detail", args=[online.code]))
        form = next(item.form for item in page.context["actions"] if item.action == "accept")
        self.assertEqual(
            [value for value, _label in form.fields["to_user"].choices],
            ["", self.w.handler.pk, self.w.handler2.pk],
        )
        self.assertContains(page, "Thụ lý — Chuyên viên thụ lý, Phường Ngã Bảy")
        response = self.client.post(
            reverse("dossiers:action", args=[online.code, "accept"]),
            {"accept-expected_version": online.version, "accept-to_user": self.w.handler2.pk},
        )
        self.assertEqual(response.status_code, 302)
        d = Dossier.objects.get(pk=online.pk)
        self.assertEqual((d.status, d.current_handler), (S.IN_PROGRESS, self.w.handler2))
        self.assertEqual(date(2026, 3, 2), d.d0)
