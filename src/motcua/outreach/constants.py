"""Choices of the outreach app (values are English slugs; labels are translated)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", pgettext_lazy("plan status", "Issued")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Whole year")


class ActivityState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("activity state", "In progress")
    DONE = "done", _("Done")
    OVERDUE = "overdue", _("Overdue")


class MaterialKind(models.TextChoices):
    LEAFLET = "leaflet", _("Leaflet")
    POSTER = "poster", _("Poster")
    BROADCAST = "broadcast", _("Broadcast script")


# Forms and channels of communication, and its topics (DOMAIN.md §13): seeded by
# migration 0002 as rows an administrator can rename, reorder, add or retire.
DEFAULT_CHANNELS: tuple[tuple[str, str], ...] = (
    ("radio", "Đài truyền thanh cơ sở, loa phát thanh"),
    ("portal", "Tin bài trên cổng/trang thông tin điện tử"),
    ("social", "Zalo OA, fanpage, mạng xã hội"),
    ("banner", "Băng rôn, áp phích, màn hình"),
    ("leaflet", "Tờ rơi có mã QR"),
    ("conference", "Hội nghị, tập huấn"),
    ("dialogue", "Đối thoại với người dân, doanh nghiệp"),
    ("contest", "Hội thi, cuộc thi"),
    ("digital_team", "Tổ công nghệ số cộng đồng"),
    ("other", "Hình thức khác"),
)
DEFAULT_TOPICS: tuple[tuple[str, str], ...] = (
    ("policy", "Chủ trương, chính sách, pháp luật về CCHC"),
    ("new_documents", "Văn bản mới"),
    ("one_stop", "Một cửa, dịch vụ công trực tuyến"),
    ("index_results", "Kết quả các chỉ số"),
    ("models", "Mô hình, sáng kiến"),
    ("contest", "Cuộc thi tìm hiểu CCHC"),
)
