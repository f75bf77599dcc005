"""Administrative and agency units, their history, staff roles.

Units form one tree (province → commune → centre → intake point, or
province → specialised agency, …). Unit kinds are rows, not constants,
because the 2025 reorganisation removed the district tier and may change
again. Each unit has a validity interval ``[valid_from, valid_to)`` and
predecessor/successor links, so a record keeps the unit valid on its date
and statistics can be re-aggregated onto today's units (DOMAIN.md §12).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel

# QĐ 20/2020/QĐ-TTg: at most 35 characters, digits, upper-case A–Z and dots;
# the level-1 group is a letter A–Y followed by two digits (e.g. H30).
agency_code_validator = RegexValidator(
    r"^[A-Y]\d{2}(\.[0-9A-Z]+)*$",
    _(
        "An electronic identifier code looks like H30 or H30.12.3: a letter A–Y, two digits, "
        "then groups of digits or capital letters separated by dots."
    ),
)
admin_code_validator = RegexValidator(
    r"^\d{2,5}$", _("An administrative unit code has 2 to 5 digits.")
)


class TreePath(models.Func):
    """A tree path compared byte by byte, so a parent sorts just before its subtree.

    PostgreSQL's locale collations ignore the slashes (``/18/`` would sort
    between ``/1/`` and ``/1/5/``), hence ``COLLATE "C"`` there; SQLite
    compares bytes already.
    """

    template = "%(expressions)s"
    output_field = models.CharField()

    def __init__(self, expression: str = "path") -> None:
        super().__init__(models.F(expression))

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler, connection, template='%(expressions)s COLLATE "C"', **extra_context
        )


class UnitTier(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Province level")
    DISTRICT = "district", _("District level (historical)")
    COMMUNE = "commune", _("Commune level")
    AGENCY = "agency", _("Agency or service point")


class UnitKind(models.Model):
    """A kind of unit (loại đơn vị): province, ward, service centre, …"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    tier = models.CharField(_("tier"), max_length=20, choices=UnitTier.choices)
    is_administrative = models.BooleanField(
        _("administrative unit"),
        default=False,
        help_text=_("Province, commune and similar units of the statistics office's list."),
    )
    is_historical = models.BooleanField(
        _("historical only"), default=False, help_text=_("No new unit of this kind is created.")
    )
    gso_levels = models.CharField(
        _("statistics-office levels"),
        max_length=200,
        blank=True,
        help_text=_('Values of the "Cấp" column that mean this kind, separated by commas.'),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("unit kind")
        verbose_name_plural = _("unit kinds")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def gso_level_values(self) -> list[str]:
        """Return the "Cấp" values of :attr:`gso_levels`, blanks dropped."""
        return [part.strip() for part in self.gso_levels.split(",") if part.strip()]


class Unit(TimeStampedModel):
    """An organisation unit (đơn vị): administrative unit, agency, centre or desk.

    ``path`` lists the ids from the root down to the unit itself, each
    followed by a slash (``/1/5/23/``), and ``depth`` counts the ancestors
    (a root has depth 0). Both are derived data: only
    :mod:`motcua.org.services` writes them, on creation and when a unit
    moves (the whole subtree is rewritten). A unit is valid on the days of
    ``[valid_from, valid_to)``; an empty bound is open. A unit's interval
    lies inside its parent's, so a unit valid on a day has a parent valid on
    that day.
    """

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    search_name = models.CharField(
        _("search name"),
        max_length=300,
        blank=True,
        editable=False,
        default="",
        help_text=_("Name and short name without diacritics, kept by the services for search."),
    )
    kind = models.ForeignKey(
        UnitKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(
        _("tree path"), max_length=255, db_index=True, editable=False, default=""
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    admin_code = models.CharField(
        _("administrative unit code"),
        max_length=5,
        blank=True,
        db_index=True,
        validators=[admin_code_validator],
        help_text=_("Code in the statistics office's list, e.g. 31340."),
    )
    agency_code = models.CharField(
        _("electronic identifier code"),
        max_length=35,
        blank=True,
        db_index=True,
        validators=[agency_code_validator],
        help_text=_("Mã định danh điện tử (QĐ 20/2020/QĐ-TTg), e.g. H30.12."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("First day on which the unit no longer exists; empty while it exists."),
    )
    predecessors = models.ManyToManyField(
        "self",
        through="UnitSuccession",
        through_fields=("successor", "predecessor"),
        symmetrical=False,
        related_name="successors",
        verbose_name=_("predecessors"),
        blank=True,
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    place_name = models.CharField(
        _("place name"),
        max_length=100,
        blank=True,
        help_text=_(
            "Where the unit sits, printed before the date on its documents (“Ngã Bảy, ngày …”). "
            "Empty: the name of the administrative unit it belongs to, without “Phường”, "
            "“Xã”, “Tỉnh”…"
        ),
    )

    # Office contact (nơi tiếp nhận hồ sơ): shown to citizens on procedure
    # pages, receipts, notifications and the lookup (issue 10).
    serves_public = models.BooleanField(
        _("office open to the public"),
        default=False,
        help_text=_(
            "Citizens hand in dossiers and collect results here: the office is listed on the "
            "portal with the contact details below."
        ),
    )
    opening_hours = models.TextField(
        _("opening hours"),
        blank=True,
        help_text=_("As citizens should read them, one line per group of days."),
    )
    hotline = models.CharField(_("hotline"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    map_url = models.URLField(
        _("map link"), max_length=500, blank=True, help_text=_("A link to the office on a map.")
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = [TreePath("path").asc()]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="org_unit_valid_interval",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: date) -> bool:
        """Return whether the unit exists on ``day``."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_to is None or day < self.valid_to

    @property
    def has_contact(self) -> bool:
        """Return whether any contact detail is filled in."""
        return bool(
            self.address
            or self.phone
            or self.hotline
            or self.email
            or self.opening_hours
            or self.map_url
        )

    def ancestor_ids(self) -> list[int]:
        """Return the ids from the root down to this unit (itself included)."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class UnitSuccession(models.Model):
    """A predecessor → successor link (merger, split, renaming)."""

    predecessor = models.ForeignKey(
        Unit,
        verbose_name=_("predecessor"),
        on_delete=models.CASCADE,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        Unit,
        verbose_name=_("successor"),
        on_delete=models.CASCADE,
        related_name="predecessor_links",
    )
    effective_on = models.DateField(_("effective on"))
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    carries_statistics = models.BooleanField(
        _("carries statistics"),
        default=True,
        help_text=_(
            "Figures of the predecessor are re-aggregated onto this successor. "
            "At most one successor per predecessor."
        ),
    )

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="org_succession_unique"
            ),
            models.UniqueConstraint(
                fields=["predecessor"],
                condition=Q(carries_statistics=True),
                name="org_succession_one_statistics_heir",
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="org_succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Role(models.Model):
    """A staff role (vai trò), e.g. intake officer or case handler."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class RoleAssignment(TimeStampedModel):
    """A user holds a role over a unit and everything below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.ForeignKey(
        Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="assignments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    position = models.CharField(
        _("position"),
        max_length=120,
        blank=True,
        help_text=_(
            "The position printed above the signature on documents signed in this role, "
            "e.g. “Chủ tịch” or “Phó Chủ tịch”. Empty: the role's name."
        ),
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="org_assignment_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="org_assignment_valid_interval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.role} — {self.unit}"

    def is_valid_on(self, day: date) -> bool:
        """Return whether the assignment is in force on ``day``."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_to is None or day < self.valid_to
