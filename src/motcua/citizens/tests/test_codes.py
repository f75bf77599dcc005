import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core import mail
from django.test import TestCase, override_settings
from django.utils import translation

from motcua.citizens.codes import code_request, code_verify
from motcua.citizens.models import Citizen, SignInCode
from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.core.models import AuditEvent, Notification

VN = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=VN)


def sent_code(address: str) -> str:
    """The code in the last e-mail to ``address`` (delivered by the test task backend)."""
    message = [m for m in mail.outbox if address in m.to][-1]
    return re.search(r"\b(\d{6})\b", message.subject).group(1)


@override_settings(
    MOTCUA_SIGN_IN_CODE_TTL=600,
    MOTCUA_SIGN_IN_CODE_ATTEMPTS=3,
    MOTCUA_SIGN_IN_CODES_PER_DESTINATION=3,
    MOTCUA_SIGN_IN_CODES_PER_ADDRESS=5,
    MOTCUA_SIGN_IN_CODE_WINDOW=3600,
    MOTCUA_SMS_GATEWAY_URL="",
)
class SignInCodeTests(TestCase):
    def setUp(self):
        translation.activate("vi")
        self.addCleanup(translation.deactivate)

    def request(self, address="an@example.vn", client="10.0.0.1", at=T0) -> SignInCode:
        with self.captureOnCommitCallbacks(execute=True), clock.frozen(at):
            return code_request(destination=address, client=client)

    def verify(self, row, code, at=T0 + timedelta(minutes=1)):
        with clock.frozen(at):
            return code_verify(challenge=row.pk, code=code)

    def assertRefused(self, func, code, message):
        with self.assertRaises(ApplicationError) as caught:
            func()
        self.assertEqual(caught.exception.code, code)
        self.assertEqual(caught.exception.message, message)

    def test_right_code_signs_in_and_creates_the_citizen_once(self):
        row = self.request("An@Example.vn")
        citizen = self.verify(row, sent_code("an@example.vn"))
        self.assertEqual(citizen.email, "an@example.vn")
        self.assertFalse(citizen.user.has_usable_password())
        self.assertFalse(citizen.user.is_staff)
        again = self.request(at=T0 + timedelta(minutes=2))
        same = self.verify(again, sent_code("an@example.vn"), at=T0 + timedelta(minutes=3))
        self.assertEqual(same.pk, citizen.pk)
        self.assertEqual(Citizen.objects.count(), 1)
        self.assertEqual(
            AuditEvent.objects.filter(action="citizens.sign_in", object_id=str(citizen.pk)).count(),
            2,
        )

    def test_code_is_stored_hashed_only(self):
        row = self.request()
        code = sent_code("an@example.vn")
        row.refresh_from_db()
        self.assertNotIn(code, row.code_hash)
        self.assertRegex(row.code_hash, r"^[0-9a-f]{16}\$[0-9a-f]{64}$")
        # The sent message is the only clear copy; it is blanked once the code is used.
        message = Notification.objects.get(object_id=str(row.pk))
        self.assertIn(code, message.body)
        self.verify(row, code)
        message.refresh_from_db()
        self.assertEqual((message.subject, message.body), ("", ""))

    def test_message_is_vietnamese_and_names_the_lifetime(self):
        self.request()
        message = mail.outbox[-1]
        self.assertTrue(message.subject.startswith("Mã đăng nhập Motcua: "))
        self.assertIn("Mã có hiệu lực trong 10 phút và chỉ dùng được một lần.", message.body)

    def test_expired_code_is_refused(self):
        row = self.request()
        code = sent_code("an@example.vn")
        self.assertRefused(
            lambda: self.verify(row, code, at=T0 + timedelta(seconds=600)),
            "code_expired",
            "Mã này đã hết hạn; vui lòng yêu cầu mã mới.",
        )
        self.assertFalse(Citizen.objects.exists())

    def test_code_works_once(self):
        row = self.request()
        code = sent_code("an@example.vn")
        self.verify(row, code)
        self.assertRefused(
            lambda: self.verify(row, code),
            "code_used",
            "Mã này đã được dùng; vui lòng yêu cầu mã mới.",
        )

    def test_wrong_codes_are_capped_and_counted_even_though_refused(self):
        row = self.request()
        code = sent_code("an@example.vn")
        wrong = "000000" if code != "000000" else "111111"
        self.assertRefused(
            lambda: self.verify(row, wrong),
            "code_wrong",
            "Mã không đúng; còn 2 lần thử.",
        )
        self.assertRefused(
            lambda: self.verify(row, "12ab"), "code_wrong", "Mã không đúng; còn 1 lần thử."
        )
        self.assertRefused(
            lambda: self.verify(row, wrong),
            "code_locked",
            "Mã không đúng và đã hết lượt thử; vui lòng yêu cầu mã mới.",
        )
        row.refresh_from_db()
        self.assertEqual(row.attempts, 3)
        # The right code no longer helps.
        self.assertRefused(
            lambda: self.verify(row, code),
            "code_locked",
            "Đã nhập sai mã quá nhiều lần; vui lòng yêu cầu mã mới.",
        )
        self.assertFalse(Citizen.objects.exists())

    def test_codes_per_destination_are_limited_within_the_window(self):
        for minute in range(3):
            self.request(client=f"10.0.0.{minute}", at=T0 + timedelta(minutes=minute))
        self.assertRefused(
            lambda: self.request(client="10.0.0.9", at=T0 + timedelta(minutes=10)),
            "too_many_codes",
            "Đã gửi quá nhiều mã đến địa chỉ này; Ông/Bà có thể yêu cầu mã mới sau 51 phút.",
        )
        self.assertEqual(SignInCode.objects.count(), 3)
        # The window moves on: an hour after the first, one more may go.
        self.request(client="10.0.0.9", at=T0 + timedelta(minutes=60, seconds=1))
        self.assertEqual(SignInCode.objects.count(), 4)

    def test_codes_per_client_address_are_limited(self):
        for n in range(5):
            self.request(f"nguoi{n}@example.vn", client="10.9.9.9")
        self.assertRefused(
            lambda: self.request("nguoi9@example.vn", client="10.9.9.9"),
            "too_many_codes_from_client",
            "Đã yêu cầu quá nhiều mã từ kết nối này; vui lòng thử lại sau.",
        )
        self.request("nguoi9@example.vn", client="10.9.9.8")

    def test_bad_destinations_are_refused_clearly(self):
        self.assertRefused(
            lambda: self.request(""), "destination_required", "Nhập số điện thoại hoặc thư điện tử."
        )
        self.assertRefused(
            lambda: self.request("an@@x"), "invalid_email", "Địa chỉ thư điện tử không hợp lệ."
        )
        self.assertRefused(
            lambda: self.request("0912345678"),
            "sms_unavailable",
            "Chưa gửi được mã qua SMS tại đây; vui lòng nhập địa chỉ thư điện tử.",
        )
        self.assertFalse(SignInCode.objects.exists())
        self.assertFalse(Notification.objects.exists())

    @override_settings(MOTCUA_SMS_GATEWAY_URL="http://127.0.0.1:9/sms")
    def test_phone_gets_the_code_by_sms(self):
        with clock.frozen(T0):
            row = code_request(destination="+84 912 345 678", client="x")
        self.assertEqual(row.destination, "0912345678")
        self.assertEqual(row.channel, "sms")
        notification = Notification.objects.get()
        self.assertEqual(notification.channel, "sms")
        self.assertEqual(notification.recipient, "0912345678")
        self.assertRegex(notification.body, r"^Ma dang nhap Motcua: \d{6} \(hieu luc 10 phut")
