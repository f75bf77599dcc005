import io

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, TestCase, override_settings
from django.utils import translation
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from motcua.core.uploads import (
    JPEG,
    PDF,
    PNG,
    UploadError,
    atomic_with_files,
    check_upload,
    sniff,
    store_upload,
)


def pdf_bytes(*, javascript: bool = False, password: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if javascript:
        writer.add_open_action(JavaScript("app.alert('x');"))
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def jpeg_bytes(*, gps: bool = False, size: tuple[int, int] = (40, 30)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (10.0, 45.0, 0.0)}  # GPSInfo
        image.save(out, "JPEG", exif=exif.tobytes(), comment=b"secret note")
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def png_bytes(*, text: bool = False) -> bytes:
    image = Image.new("RGBA", (20, 10), (0, 0, 255, 128))
    info = PngInfo()
    if text:
        info.add_text("Author", "Nguyễn Văn A, 0912345678")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 100


class UploadTypeTests(SimpleTestCase):
    def setUp(self):
        translation.activate("vi")
        self.addCleanup(translation.deactivate)

    def assertRefused(self, data: bytes, name: str, code: str, message: str):
        with self.assertRaises(UploadError) as caught:
            check_upload(SimpleUploadedFile(name, data), name=name)
        self.assertEqual(caught.exception.code, code)
        self.assertEqual(caught.exception.message, message)

    def test_pdf_renamed_jpg_is_accepted_as_the_pdf_it_is(self):
        data = pdf_bytes()
        upload = check_upload(SimpleUploadedFile("anh-chup.jpg", data, "image/jpeg"))
        self.assertEqual(upload.content_type, PDF)
        self.assertEqual(upload.name, "anh-chup.pdf")
        self.assertEqual(upload.content, data)

    def test_executable_renamed_pdf_is_refused(self):
        for data in (EXECUTABLE, ELF, b"#!/bin/sh\nrm -rf /\n"):
            with self.subTest(data=data[:4]):
                self.assertRefused(
                    data,
                    "to-khai.pdf",
                    "file_type_not_allowed",
                    "Chỉ nhận tệp PDF, JPEG và PNG; tệp này không thuộc loại nào trong số đó "
                    "(dù tên tệp ghi gì).",
                )

    def test_empty_file_is_refused(self):
        self.assertRefused(
            b"", "cccd.png", "file_empty", "Tệp trống (0 byte); vui lòng chọn lại tệp."
        )

    @override_settings(MOTCUA_UPLOAD_MAX_BYTES=1000)
    def test_file_over_the_limit_is_refused_before_it_is_read(self):
        data = pdf_bytes() + b"%" * 2000
        self.assertGreater(len(data), 1000)
        self.assertRefused(
            data,
            "giay-to.pdf",
            "file_too_large",
            "Tệp lớn hơn 1 KB; vui lòng quét với độ phân giải thấp hơn hoặc tách thành nhiều tệp.",
        )

    @override_settings(MOTCUA_UPLOAD_MAX_BYTES=3 * 1024 * 1024)
    def test_limit_is_a_setting_and_is_named_in_the_message(self):
        data = b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024)
        with self.assertRaises(UploadError) as caught:
            check_upload(data, name="big.pdf")
        self.assertEqual(caught.exception.code, "file_too_large")
        self.assertIn("3 MB", caught.exception.message)

    def test_file_at_the_limit_passes_the_size_check(self):
        data = pdf_bytes()
        upload = check_upload(data, name="x.pdf", max_bytes=len(data))
        self.assertEqual(upload.size, len(data))

    def test_truncated_pdf_is_refused_as_corrupt(self):
        self.assertRefused(
            b"%PDF-1.7\n1 0 obj <<",
            "hop-dong.pdf",
            "file_corrupt",
            "Tệp có vẻ là PDF nhưng không mở được: tệp bị hỏng hoặc không đầy đủ.",
        )

    def test_truncated_jpeg_is_refused_as_corrupt(self):
        self.assertRefused(
            jpeg_bytes()[:60],
            "anh.jpg",
            "file_corrupt",
            "Tệp có vẻ là JPEG nhưng không mở được: tệp bị hỏng hoặc không đầy đủ.",
        )

    def test_png_signature_with_garbage_is_refused_as_corrupt(self):
        self.assertRefused(
            b"\x89PNG\r\n\x1a\n" + b"garbage" * 10,
            "anh.png",
            "file_corrupt",
            "Tệp có vẻ là PNG nhưng không mở được: tệp bị hỏng hoặc không đầy đủ.",
        )

    def test_encrypted_pdf_is_refused(self):
        self.assertRefused(
            pdf_bytes(password="123"),
            "a.pdf",
            "file_encrypted",
            "Tệp PDF đang được đặt mật khẩu; vui lòng gửi bản không đặt mật khẩu.",
        )

    def test_pdf_with_javascript_is_refused(self):
        with self.assertRaises(UploadError) as caught:
            check_upload(pdf_bytes(javascript=True), name="a.pdf")
        self.assertEqual(caught.exception.code, "file_active_content")

    def test_sniff_reads_signatures_not_names(self):
        self.assertEqual(sniff(pdf_bytes()[:16]), PDF)
        self.assertEqual(sniff(jpeg_bytes()[:16]), JPEG)
        self.assertEqual(sniff(png_bytes()[:16]), PNG)
        self.assertIsNone(sniff(EXECUTABLE[:16]))
        self.assertIsNone(sniff(b"GIF89a"))


class ImageReencodingTests(SimpleTestCase):
    def test_jpeg_loses_exif_gps_and_comment(self):
        original = jpeg_bytes(gps=True)
        self.assertIn(b"PhoneMaker", original)
        self.assertIn(b"secret note", original)
        upload = check_upload(original, name="cccd.JPG")
        self.assertEqual(upload.content_type, JPEG)
        self.assertEqual(upload.name, "cccd.jpg")
        self.assertNotIn(b"PhoneMaker", upload.content)
        self.assertNotIn(b"secret note", upload.content)
        with Image.open(io.BytesIO(upload.content)) as image:
            self.assertEqual(image.size, (40, 30))
            self.assertEqual(len(image.getexif()), 0)

    def test_png_loses_text_chunks_keeps_pixels(self):
        upload = check_upload(png_bytes(text=True), name="so-do.png")
        self.assertNotIn(b"Author", upload.content)
        self.assertNotIn(b"tEXt", upload.content)
        self.assertNotIn(b"iTXt", upload.content)
        with Image.open(io.BytesIO(upload.content)) as image:
            self.assertEqual(image.mode, "RGBA")
            self.assertEqual(image.getpixel((3, 3)), (0, 0, 255, 128))

    def test_data_appended_after_a_picture_is_dropped(self):
        hidden = b"PK\x03\x04hidden-zip-archive"
        upload = check_upload(png_bytes() + hidden, name="a.png")
        self.assertNotIn(b"hidden-zip-archive", upload.content)

    def test_jpeg_renamed_png_is_stored_as_jpeg(self):
        upload = check_upload(jpeg_bytes(), name="anh.png")
        self.assertEqual(upload.content_type, JPEG)
        self.assertEqual(upload.name, "anh.jpg")

    @override_settings(MOTCUA_UPLOAD_MAX_PIXELS=100)
    def test_picture_over_the_pixel_limit_is_refused(self):
        with self.assertRaises(UploadError) as caught:
            check_upload(jpeg_bytes(size=(300, 300)), name="a.jpg")
        self.assertEqual(caught.exception.code, "image_too_large")

    def test_display_name_drops_folders_and_odd_characters(self):
        upload = check_upload(png_bytes(), name="C:\\Users\\an\\..\\Giấy <khai> sinh.exe")
        self.assertEqual(upload.name, "Giấy khai sinh.png")


class StoreTests(SimpleTestCase):
    def test_stored_under_a_random_name_through_the_storage_api(self):
        upload = check_upload(png_bytes(), name="../../etc/passwd.png")
        stored = store_upload(upload, folder="uploads/test")
        self.assertTrue(stored.startswith("uploads/test/"))
        self.assertTrue(stored.endswith(".png"))
        self.assertNotIn("passwd", stored)
        with default_storage.open(stored) as handle:
            self.assertEqual(handle.read(), upload.content)
        default_storage.delete(stored)


class AtomicWithFilesTests(TestCase):
    def test_a_failed_block_deletes_what_it_stored(self):
        upload = check_upload(png_bytes(), name="anh.png")
        stored: list[str] = []
        with self.assertRaises(RuntimeError), atomic_with_files():
            stored.append(store_upload(upload, folder="uploads/test"))
            stored.append(store_upload(upload, folder="uploads/test"))
            self.assertTrue(default_storage.exists(stored[0]))
            raise RuntimeError("the audit write failed")
        self.assertEqual([default_storage.exists(name) for name in stored], [False, False])

    def test_a_committed_block_keeps_its_files_and_an_outer_store_is_not_tracked(self):
        upload = check_upload(png_bytes(), name="anh.png")
        with atomic_with_files():
            kept = store_upload(upload, folder="uploads/test")
        outside = store_upload(upload, folder="uploads/test")
        with self.assertRaises(RuntimeError), atomic_with_files():
            raise RuntimeError("nothing stored in this block")
        self.assertTrue(default_storage.exists(kept))
        self.assertTrue(default_storage.exists(outside))
        default_storage.delete(kept)
        default_storage.delete(outside)


class PdfOpenActionTests(SimpleTestCase):
    def test_a_pdf_that_only_opens_at_a_page_is_accepted(self):
        """fpdf2 and word processors write /OpenAction [page /FitH]: a view, not an action."""
        from fpdf import FPDF
        from pypdf import PdfReader

        from motcua.core.uploads import check_pdf

        pdf = FPDF()
        pdf.add_page()
        data = bytes(pdf.output())
        self.assertIn("/OpenAction", PdfReader(io.BytesIO(data)).trailer["/Root"])
        self.assertEqual(check_pdf(data), data)
