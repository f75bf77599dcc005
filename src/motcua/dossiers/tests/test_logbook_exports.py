"""The log book's limits on the screen, its one export service, and exports built by the worker."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from unittest import mock

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.http import FileResponse
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from motcua.api.services import api_token_create
from motcua.core import clock
from motcua.core.models import AuditEvent
from motcua.dossiers import logbook_exports
from motcua.dossiers.models import LogbookExport
from motcua.dossiers.tests.helpers import World, at

NOW = at(2026, 3, 10, 9)
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def vi(msgid: str, **values: str) -> str:
    with translation.override("vi"):
        text = translation.gettext(msgid)
    return text % values if values else text


class LogbookCase(TestCase):
    w: World
    token: str

    @classmethod
    def setUpTestData(cls):
        w = cls.w = World()
        for day in (2, 3, 4):
            with clock.frozen(at(2026, 3, day, 9)):
                w.receive()
        cls.token = api_token_create(actor="test", user=w.intake, name="t")[1]

    def setUp(self):
        frozen = clock.frozen(NOW)
        frozen.__enter__()
        self.addCleanup(frozen.__exit__, None, None, None)

    def screen(self, user=None, **params):
        self.client.force_login(user or self.w.intake)
        return self.client.get(reverse("dossiers:logbook"), {"unit": self.w.centre.pk, **params})

    def api(self, path="/api/v1/logbook", token=None, **params):
        self.client.logout()
        return self.client.get(
            path,
            {"unit_id": self.w.centre.pk, **params} if path == "/api/v1/logbook" else params,
            HTTP_AUTHORIZATION=f"Bearer {token or self.token}",
        )

    def records(self, *actions):
        return list(
            AuditEvent.objects.filter(action__in=actions or ("dossiers.logbook.export",))
            .order_by("id")
            .values_list("action", "actor__username", "data")
        )


class ScreenLimitTests(LogbookCase):
    """The page refuses what the API refuses, in Vietnamese, instead of a 500."""

    def test_a_year_like_9999_is_refused_with_a_message(self):
        for params, field, day in (
            ({"start": "9999-12-01", "end": "9999-12-31"}, "start", "01/12/9999"),
            ({"start": "2026-03-01", "end": "9999-12-31"}, "end", "31/12/9999"),
            ({"start": "1900-01-01", "end": "1900-01-31", "format": "pdf"}, "start", "01/01/1900"),
        ):
            with self.subTest(**params):
                response = self.screen(**params)
                self.assertEqual(response.status_code, 400)
                self.assertIn(
                    vi("Choose a date between 2000 and 2100 (%(day)s is outside).", day=day),
                    response.context["form"].errors[field],
                )
                self.assertContains(response, "năm 2000 đến năm 2100", status_code=400)
        self.assertEqual(self.records("dossiers.logbook.view", "dossiers.logbook.export"), [])

    def test_a_period_longer_than_a_year_is_refused(self):
        for output in ("", "xlsx", "pdf"):
            with self.subTest(output=output):
                response = self.screen(start="2000-01-01", end="2026-12-31", format=output)
                self.assertEqual(response.status_code, 400)
                message = vi(
                    "The period is longer than one year: from %(start)s the log book runs "
                    "at most to %(limit)s.",
                    start="01/01/2000",
                    limit="31/12/2000",
                )
                self.assertEqual(response.context["form"].errors["end"], [message])
                self.assertIn("text/html", response["Content-Type"])
        self.assertEqual(self.records("dossiers.logbook.view", "dossiers.logbook.export"), [])
        self.assertEqual(self.screen(start="2025-03-11", end="2026-03-10").status_code, 200)


class OneServiceTests(LogbookCase):
    def test_the_screen_and_the_api_write_the_same_audit_record(self):
        self.assertEqual(self.screen(**MARCH, format="xlsx").status_code, 200)
        self.assertEqual(self.api(**MARCH, format="xlsx").status_code, 200)
        (screen, api) = self.records()
        self.assertEqual(screen[:2], api[:2])
        self.assertEqual({**screen[2], "via": "api"}, api[2])
        self.assertEqual(
            api[2],
            {
                "unit": self.w.centre.pk,
                "field": "",
                "start": "2026-03-01",
                "end": "2026-03-31",
                "rows": 3,
                "format": "xlsx",
                "via": "api",
            },
        )
        self.assertEqual(screen[2]["via"], "screen")

    def test_json_and_html_are_views(self):
        self.screen(**MARCH)
        self.api(**MARCH)
        self.assertEqual(
            [
                (action, data["format"], data["via"])
                for action, _who, data in self.records(
                    "dossiers.logbook.view", "dossiers.logbook.export"
                )
            ],
            [("dossiers.logbook.view", "html", "screen"), ("dossiers.logbook.view", "json", "api")],
        )


@override_settings(MOTCUA_LOGBOOK_EXPORT_INLINE_ROWS=2)
class BackgroundExportTests(LogbookCase):
    """Over the row threshold the file is built by the worker and fetched when ready."""

    def ask_on_screen(self, output="pdf", user=None):
        with self.captureOnCommitCallbacks() as callbacks:
            response = self.screen(user=user, **MARCH, format=output)
        return response, callbacks

    def test_the_screen_says_being_prepared_then_links_the_file(self):
        response, build = self.ask_on_screen()
        export = LogbookExport.objects.get()
        status_url = reverse("dossiers:logbook_export", args=[export.pk])
        self.assertRedirects(response, status_url)
        self.assertEqual(
            (export.status, export.requested_by, export.rows), ("pending", self.w.intake, None)
        )
        page = self.client.get(status_url)
        self.assertContains(
            page, vi("The file is being prepared: a log book this long is built in the background.")
        )
        self.assertEqual(page["Refresh"], "5")
        file_url = reverse("dossiers:logbook_export_file", args=[export.pk])
        self.assertNotContains(page, file_url)
        self.assertRedirects(self.client.get(file_url), status_url)
        self.assertEqual(self.records(), [])  # nothing built, nothing read yet

        for callback in build:  # the worker runs the task
            callback()
        export.refresh_from_db()
        self.assertEqual((export.status, export.rows), ("ready", 3))
        assert export.file.name is not None
        self.assertTrue(default_storage.exists(export.file.name))
        self.assertTrue(export.file.name.startswith("logbook-exports/"))
        page = self.client.get(status_url)
        self.assertNotIn("Refresh", page)
        self.assertContains(page, file_url)
        self.assertContains(page, vi("The file is ready: %(rows)s dossiers.", rows="3"))
        download = self.client.get(file_url)
        self.assertEqual(download["Content-Type"], "application/pdf")
        self.assertEqual(
            download["Content-Disposition"],
            'attachment; filename="mau-07-so-theo-doi-20260301-20260331.pdf"',
        )
        self.assertEqual(download["Cache-Control"], "private, no-store")
        self.assertIsInstance(download, FileResponse)
        assert isinstance(download, FileResponse)
        self.assertTrue(b"".join(download.streaming_content).startswith(b"%PDF"))
        self.assertEqual(
            self.records("dossiers.logbook.export", "dossiers.logbook.fetch"),
            [
                (
                    "dossiers.logbook.export",
                    "tiepnhan",
                    {
                        "unit": self.w.centre.pk,
                        "field": "",
                        "start": "2026-03-01",
                        "end": "2026-03-31",
                        "rows": 3,
                        "format": "pdf",
                        "via": "screen",
                        "export": export.pk,
                    },
                ),
                (
                    "dossiers.logbook.fetch",
                    "tiepnhan",
                    {"export": export.pk, "format": "pdf", "rows": 3},
                ),
            ],
        )

    def test_at_the_threshold_the_file_comes_at_once(self):
        with override_settings(MOTCUA_LOGBOOK_EXPORT_INLINE_ROWS=3):
            response = self.screen(**MARCH, format="xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(LogbookExport.objects.exists())

    def test_who_may_fetch_it(self):
        _response, build = self.ask_on_screen(output="xlsx")
        for callback in build:
            callback()
        export = LogbookExport.objects.get()
        file_url = reverse("dossiers:logbook_export_file", args=[export.pk])
        other_desk = self.w._user("tiepnhan2", "intake_officer", self.w.other_ward)
        for user, status in (
            (self.w.intake, 200),  # who asked
            (self.w.director, 200),  # keeps that desk's log book too
            (self.w.handler, 404),
            (self.w.leader, 404),
            (other_desk, 404),
        ):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(file_url).status_code, status)
        self.client.logout()
        self.assertEqual(self.client.get(file_url).status_code, 302)  # to the sign-in page
        fetched = [who for _a, who, _d in self.records("dossiers.logbook.fetch")]
        self.assertEqual(fetched, ["tiepnhan", "giamdoc"])

    def test_a_second_request_while_it_is_prepared_gets_the_same_export(self):
        self.ask_on_screen()
        self.ask_on_screen()
        self.assertEqual(LogbookExport.objects.count(), 1)
        self.ask_on_screen(user=self.w.director)  # another user: their own
        self.assertEqual(LogbookExport.objects.count(), 2)

    def test_a_failed_build_says_so(self):
        _response, build = self.ask_on_screen()
        with mock.patch.object(logbook_exports, "render_pdf", side_effect=RuntimeError("boom")):
            for callback in build:
                callback()
        export = LogbookExport.objects.get()
        self.assertEqual((export.status, export.error), ("failed", "RuntimeError: boom"))
        page = self.client.get(reverse("dossiers:logbook_export", args=[export.pk]))
        self.assertContains(
            page, vi("The file could not be built. Go back to the log book and ask for it again.")
        )
        response = self.api(f"/api/v1/logbook/exports/{export.pk}/file")
        self.assertEqual((response.status_code, response.json()["code"]), (409, "export_failed"))

    def test_the_api_answers_202_then_the_file(self):
        response = None
        with self.captureOnCommitCallbacks() as build:
            response = self.api(**MARCH, format="xlsx")
        self.assertEqual(response.status_code, 202, response.content)
        body = response.json()
        export = LogbookExport.objects.get()
        self.assertEqual(response["Location"], f"/api/v1/logbook/exports/{export.pk}")
        self.assertEqual(
            (body["id"], body["status"], body["format"], body["file_url"], body["rows"]),
            (export.pk, "pending", "xlsx", None, None),
        )
        self.assertEqual(self.api(body["url"]).json()["status"], "pending")
        early = self.api(f"{body['url']}/file")
        self.assertEqual((early.status_code, early.json()["code"]), (409, "export_not_ready"))
        for callback in build:
            callback()
        body = self.api(body["url"]).json()
        self.assertEqual(
            (body["status"], body["rows"], body["file_url"]),
            ("ready", 3, f"/api/v1/logbook/exports/{export.pk}/file"),
        )
        download = self.api(body["file_url"])
        self.assertEqual(download.status_code, 200)
        sheet = load_workbook(BytesIO(download.content)).active
        self.assertEqual(sheet.max_row, 4 + 3)
        self.assertEqual(self.records()[0][2]["via"], "api")
        stranger = api_token_create(actor="test", user=self.w.handler, name="t")[1]
        for path in (body["url"], body["file_url"], "/api/v1/logbook/exports/999999"):
            with self.subTest(path=path):
                response = self.api(path, token=stranger)
                self.assertEqual(
                    (response.status_code, response.json()["code"]), (404, "not_found")
                )

    def test_with_the_database_backend_the_task_commits_with_the_export(self):
        from motcua.dossiers.logbook_exports import logbook_export_build

        with override_settings(
            TASKS={"default": {"BACKEND": "motcua.core.tasks.DatabaseBackend"}},
            MOTCUA_TASKS_ENQUEUE_IN_TRANSACTION=True,
        ):
            self.screen(**MARCH, format="pdf")
        export = LogbookExport.objects.get()
        task = DBTaskResult.objects.get()
        self.assertEqual(
            (task.task_path, task.args_kwargs["args"]),
            ("motcua.dossiers.logbook_exports.logbook_export_build", [export.pk]),
        )
        self.assertEqual(logbook_export_build.call(*task.args_kwargs["args"]), "ready")

    def test_periodic_removes_old_exports_and_their_files(self):
        _response, build = self.ask_on_screen()
        for callback in build:
            callback()
        export = LogbookExport.objects.get()
        name = export.file.name
        assert name is not None
        with clock.frozen(NOW + timedelta(hours=23)):
            self.assertEqual(logbook_exports.logbook_exports_clean(), 0)
        out: list[str] = []
        with clock.frozen(NOW + timedelta(hours=25)):
            call_command("periodic", stdout=mock.Mock(write=out.append))
        self.assertIn("old log book exports removed: 1", out[-1])
        self.assertFalse(LogbookExport.objects.exists())
        self.assertFalse(default_storage.exists(name))
