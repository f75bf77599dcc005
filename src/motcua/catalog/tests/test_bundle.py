"""The catalogue exported and imported with its declaration forms (a .zip bundle)."""

from __future__ import annotations

import io
import zipfile

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.bundle import FORMS_LIST, WORKBOOK, bundle_export, bundle_import, is_bundle
from motcua.catalog.excel import procedure_export, procedure_import
from motcua.catalog.models import DeclarationForm, ProcedureVersion
from motcua.catalog.tests.factories import ACTOR
from motcua.catalog.tests.test_declaration_forms import DOCX, EXE, PDF, DeclarationFormTestCase
from motcua.core.errors import ApplicationError


def exported() -> bytes:
    stream = io.BytesIO()
    bundle_export(stream=stream)
    return stream.getvalue()


def rewritten(data: bytes, **replace: bytes) -> bytes:
    """Return the bundle with some members replaced (or dropped when given b"")."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            key = name.replace("/", "__").replace("-", "_").replace(".", "_")
            if key in replace:
                if replace[key]:
                    target.writestr(name, replace[key])
            else:
                target.writestr(name, source.read(name))
    return out.getvalue()


class BundleTests(DeclarationFormTestCase):
    def setUp(self):
        super().setUp()
        self.pdf = self.attach()
        self.docx = self.attach(name="Tờ khai (bản Word)", data=DOCX, filename="b.docx", order=2)

    def test_the_bundle_holds_the_workbook_the_list_and_the_files(self):
        data = exported()
        self.assertTrue(is_bundle(data))
        archive = zipfile.ZipFile(io.BytesIO(data))
        self.assertEqual(
            sorted(archive.namelist()),
            sorted(
                [
                    WORKBOOK,
                    FORMS_LIST,
                    f"mau-don/{self.pdf.sha256}.pdf",
                    f"mau-don/{self.docx.sha256}.docx",
                ]
            ),
        )
        listing = archive.read(FORMS_LIST).decode("utf-8-sig").splitlines()
        self.assertEqual(
            listing[1],
            f"1.001193,01/07/2025,1,Tờ khai đăng ký khai sinh,Mẫu TK1-TS,{self.pdf.sha256}.pdf",
        )
        self.assertEqual(archive.read(f"mau-don/{self.pdf.sha256}.pdf"), PDF)
        self.assertFalse(is_bundle(archive.read(WORKBOOK)))  # a workbook is not a bundle

    def test_export_then_import_is_a_no_op(self):
        result = bundle_import(actor=ACTOR, data=exported())
        self.assertEqual((result.forms_attached, result.forms_unchanged), (0, 2))
        self.assertEqual(result.catalogue.versions_unchanged, 1)

    def test_import_restores_the_forms(self):
        data = exported()
        DeclarationForm.objects.all().delete()
        result = bundle_import(actor=ACTOR, data=data)
        self.assertEqual(result.forms_attached, 2)
        forms = list(DeclarationForm.objects.order_by("order").values_list("name", "sha256"))
        self.assertEqual(
            forms,
            [
                ("Tờ khai đăng ký khai sinh", self.pdf.sha256),
                ("Tờ khai (bản Word)", self.docx.sha256),
            ],
        )

    def test_a_dry_run_writes_nothing(self):
        data = exported()
        DeclarationForm.objects.all().delete()
        result = bundle_import(actor=ACTOR, data=data, dry_run=True)
        self.assertEqual(result.forms_attached, 2)
        self.assertIs(result.catalogue.dry_run, True)
        self.assertEqual(DeclarationForm.objects.count(), 0)

    def test_a_missing_or_disguised_file_and_nothing_is_written(self):
        data = exported()
        DeclarationForm.objects.all().delete()
        name = self.pdf.sha256
        for broken, message in (
            (
                rewritten(data, **{f"mau_don__{name}_pdf": b""}),
                f"Tệp “{name}.pdf” không có trong gói",
            ),
            (rewritten(data, **{f"mau_don__{name}_pdf": EXE}), "không phải tệp PDF"),
        ):
            with self.subTest(message=message):
                with self.assertRaises(ApplicationError) as caught:
                    bundle_import(actor=ACTOR, data=broken)
                problems = caught.exception.extra["errors"]
                self.assertEqual([p["row"] for p in problems], [2])
                self.assertIn(message, problems[0]["message"])
                self.assertEqual(DeclarationForm.objects.count(), 0)
                self.assertEqual(ProcedureVersion.objects.count(), 1)

    def test_a_plain_workbook_still_imports_without_touching_the_forms(self):
        stream = io.BytesIO()
        procedure_export(stream=stream)
        stream.seek(0)
        procedure_import(actor=ACTOR, file=stream)
        self.assertEqual(DeclarationForm.objects.count(), 2)

    def test_the_admin_exports_and_imports_the_bundle(self):
        admin = get_user_model().objects.create_superuser("admin", "a@example.org", "pw")
        self.client.force_login(admin)
        download = self.client.get("/admin/catalog/procedure/export-bundle/")
        self.assertEqual(download["Content-Type"], "application/zip")
        data = download.content
        DeclarationForm.objects.all().delete()
        response = self.client.post(
            "/admin/catalog/procedure/import/",
            {"file": SimpleUploadedFile("thu-tuc.zip", data)},
            follow=True,
        )
        self.assertContains(response, "Mẫu đơn, tờ khai: đã đính kèm 2, không đổi 0.")
        self.assertEqual(DeclarationForm.objects.count(), 2)
