import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from motcua.catalog import services
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.tests.factories import ACTOR, content, make_field, make_procedure, make_roles
from motcua.catalog.tests.test_excel import bad_workbook
from motcua.core import clock
from motcua.core.models import AuditEvent

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def management(prefix, total=1, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


class CatalogAdminTests(TestCase):
    def setUp(self):
        self.enterContext(clock.frozen(datetime(2026, 3, 2, 9, 0, tzinfo=VN)))
        self.roles = make_roles()
        self.field = make_field()
        self.admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
        self.client.force_login(self.admin)

    def version_post(self, code="1.001193", effective_from="01/04/2026", budget="3", **extra):
        data = {
            "procedure_code": code,
            "effective_from": effective_from,
            "name": "Đăng ký khai sinh",
            "field": str(self.field.pk),
            "competent_level": "commune",
            "competent_agency": "UBND xã",
            "time_limit_amount": "3",
            "time_limit_unit": "working_days",
            "online_level": "full",
            "result_type": "both",
            "supplement_policy": "pause",
            "legal_basis": "",
            **management("documents"),
            "documents-0-order": "1",
            "documents-0-name": "Tờ khai",
            "documents-0-form": "original",
            "documents-0-count": "1",
            "documents-0-is_mandatory": "on",
            "documents-0-note": "",
            **management("fees", total=0),
            **management("steps"),
            "steps-0-order": "1",
            "steps-0-name": "Thụ lý",
            "steps-0-role": str(self.roles["case_handler"].pk),
            "steps-0-unit": "",
            "steps-0-budget_amount": budget,
            "steps-0-budget_unit": "working_days",
        }
        data.update(extra)
        return data

    def test_pages_open(self):
        make_procedure("1.001193")
        for url in (
            "/admin/catalog/procedure/",
            "/admin/catalog/procedureversion/",
            "/admin/catalog/procedureversion/add/",
            "/admin/catalog/field/",
            "/admin/catalog/procedure/import/",
            f"/admin/catalog/procedure/{Procedure.objects.get().pk}/change/",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_the_supplement_window_is_entered_in_the_admin(self):
        page = self.client.get("/admin/catalog/procedureversion/add/")
        self.assertContains(page, 'name="supplement_window_days"')
        bad = self.client.post(
            "/admin/catalog/procedureversion/add/",
            self.version_post(supplement_window_days="0"),
        )
        self.assertEqual(bad.status_code, 200)
        self.assertFalse(ProcedureVersion.objects.exists())
        response = self.client.post(
            "/admin/catalog/procedureversion/add/",
            self.version_post(supplement_window_days="15"),
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        self.assertEqual(ProcedureVersion.objects.get().supplement_window_days, 15)
        self.client.post(
            "/admin/catalog/procedureversion/add/",
            self.version_post(code="1.000656", supplement_window_days=""),
        )
        self.assertIsNone(
            ProcedureVersion.objects.get(procedure__code="1.000656").supplement_window_days
        )

    def test_adding_a_version_goes_through_the_services(self):
        response = self.client.post("/admin/catalog/procedureversion/add/", self.version_post())
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        version = ProcedureVersion.objects.get()
        self.assertEqual(
            (version.procedure.code, version.number, version.effective_from),
            ("1.001193", 1, date(2026, 4, 1)),
        )
        self.assertEqual(version.steps.get().role.code, "case_handler")
        self.assertEqual(version.search_text, "dang ky khai sinh 1.001193 ho tich")
        self.assertEqual(AuditEvent.objects.filter(action="catalog.procedure.create").count(), 1)

    def test_budgets_over_the_limit_are_a_form_error_and_nothing_is_written(self):
        response = self.client.post(
            "/admin/catalog/procedureversion/add/", self.version_post(budget="3.5")
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response,
            "Các bước của quy trình cần tổng cộng 28 giờ làm việc, vượt thời hạn 3 ngày làm việc",
        )
        self.assertContains(response, 'value="Tờ khai"')  # what was typed is kept
        self.assertFalse(Procedure.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(action__startswith="catalog.procedure").exists())

    def test_a_bad_code_is_a_form_error(self):
        response = self.client.post(
            "/admin/catalog/procedureversion/add/", self.version_post(code="2.00063")
        )
        self.assertContains(response, "“2.00063” không phải mã thủ tục quốc gia")
        self.assertFalse(Procedure.objects.exists())

    def test_a_new_version_of_an_existing_procedure(self):
        make_procedure("1.001193")
        response = self.client.post("/admin/catalog/procedureversion/add/", self.version_post())
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ProcedureVersion.objects.filter(procedure__code="1.001193").count(), 2)

    def test_a_version_in_force_is_read_only(self):
        version = make_procedure("1.001193").versions.get()
        url = f"/admin/catalog/procedureversion/{version.pk}/change/"
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'name="_save"')
        response = self.client.post(url, self.version_post())
        self.assertEqual(response.status_code, 403)
        version.refresh_from_db()
        self.assertEqual(version.effective_from, date(2025, 7, 1))

    def test_a_future_version_is_edited_with_its_lines(self):
        procedure = make_procedure("1.001193")
        future = services.procedure_version_create(
            actor=ACTOR, procedure=procedure, effective_from=date(2026, 4, 1), content=content()
        )
        url = f"/admin/catalog/procedureversion/{future.pk}/change/"
        self.assertContains(self.client.get(url), 'name="_save"')
        data = self.version_post()
        data.pop("procedure_code")
        data["name"] = "Đăng ký khai sinh (mới)"
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        future.refresh_from_db()
        self.assertEqual(future.name, "Đăng ký khai sinh (mới)")
        self.assertEqual(
            future.steps.count(), 1
        )  # the four old steps were replaced by the posted one
        self.assertEqual(future.documents.count(), 1)

    def test_import_page_lists_every_error(self):
        upload = SimpleUploadedFile("bad.xlsx", bad_workbook().getvalue())
        response = self.client.post("/admin/catalog/procedure/import/", {"file": upload})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Sổ tính có 15 lỗi; chưa nhập dữ liệu nào.")
        self.assertContains(response, "<td>Quy trình</td>", count=4, html=False)
        self.assertFalse(Procedure.objects.exists())

    def test_import_and_export_through_the_admin(self):
        make_procedure("1.001193")
        response = self.client.get("/admin/catalog/procedure/export/")
        self.assertEqual(
            response["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        data = response.content
        Procedure.objects.all().delete()
        upload = SimpleUploadedFile("catalogue.xlsx", data)
        response = self.client.post(
            "/admin/catalog/procedure/import/", {"file": upload, "dry_run": "on"}
        )
        self.assertContains(response, "Tệp hợp lệ")
        self.assertFalse(Procedure.objects.exists())
        upload = SimpleUploadedFile("catalogue.xlsx", data)
        response = self.client.post("/admin/catalog/procedure/import/", {"file": upload})
        self.assertRedirects(response, "/admin/catalog/procedure/")
        self.assertTrue(Procedure.objects.filter(code="1.001193").exists())

    def test_export_action_and_changelist_buttons(self):
        procedure = make_procedure("1.001193")
        make_procedure("2.000635")
        response = self.client.get("/admin/catalog/procedure/")
        self.assertContains(response, "/admin/catalog/procedure/import/")
        self.assertContains(response, "/admin/catalog/procedure/export/")
        response = self.client.post(
            "/admin/catalog/procedure/",
            {"action": "export_selected", "_selected_action": [procedure.pk]},
        )
        from openpyxl import load_workbook

        rows = list(
            load_workbook(io.BytesIO(response.content))["Thủ tục"].iter_rows(
                min_row=2, values_only=True
            )
        )
        self.assertEqual([r[0] for r in rows], ["1.001193"])
