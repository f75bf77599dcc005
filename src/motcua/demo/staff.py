"""Demo staff: one account per role on the demo units, with random passwords.

Passwords are generated on the first run and kept in ``<data dir>/demo-logins.txt``
(owner-only), so a demo is never reachable with a password printed in the
source code; ``make demo`` prints the file.

The accounts whose role requires a second factor (the leaders, the centre
director, the administrator) get a TOTP device at once, and its secret is
printed with the logins: add it to an authenticator app, or print the
current code with ``motcua demo_code USERNAME``. The demo thus signs in the
way a real deployment does, instead of switching the requirement off.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from motcua.org.accounts import (
    second_factor_provision,
    second_factor_required,
    totp_key_base32,
)
from motcua.org.models import Role, RoleAssignment, Unit
from motcua.org.services import role_assignment_create

# username, full name, role code, unit slug, staff (admin site)
STAFF: tuple[tuple[str, str, str, str, bool], ...] = (
    ("tiepnhan.ngabay", "Nguyễn Thị Thu Hà", "intake_officer", "nga-bay-centre", False),
    ("thuly.ngabay", "Trần Văn Phúc", "case_handler", "nga-bay", False),
    ("lanhdao.ngabay", "Lê Minh Tuấn", "commune_leader", "nga-bay", False),
    ("tiepnhan.daithanh", "Phạm Ngọc Ánh", "intake_officer", "dai-thanh-centre", False),
    ("thuly.daithanh", "Huỳnh Văn Lộc", "case_handler", "dai-thanh", False),
    ("lanhdao.daithanh", "Đỗ Thị Mai", "commune_leader", "dai-thanh", False),
    ("giamdoc.trungtam", "Võ Thanh Sơn", "centre_director", "can-tho-centre", False),
    ("truongphong.tuphap", "Ngô Thị Lan", "division_head", "so-tu-phap", False),
    ("lanhdao.tuphap", "Bùi Quang Vinh", "agency_leader", "so-tu-phap", False),
    ("thuly.thue", "Đặng Hoàng Nam", "case_handler", "thue-co-so", False),
    ("vanthu.ngabay", "Châu Thị Kim", "registry_clerk", "nga-bay", False),
    ("cchc.cantho", "Lâm Thị Hồng", "reform_officer", "can-tho", False),
    ("cchc.ngabay", "Phan Thị Ngọc Bích", "reform_officer", "nga-bay", False),
    ("giamkhao.cantho", "Trương Văn Hải", "judge", "can-tho", False),
    ("quantri", "Quản trị hệ thống", "administrator", "can-tho", True),
)


# The position each leader signs with (printed above the signature on Mẫu 04
# and on the written answer to a dossier not granted).
POSITIONS: dict[str, str] = {
    "lanhdao.ngabay": "Phó Chủ tịch",
    "lanhdao.daithanh": "Chủ tịch",
    "lanhdao.tuphap": "Giám đốc",
    "truongphong.tuphap": "Trưởng phòng",
    "giamdoc.trungtam": "Giám đốc",
}

_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _new_password() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))


def logins_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-logins.txt"


def _write_logins(lines: list[str]) -> None:
    path = logins_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def _read_logins() -> dict[str, str]:
    try:
        text = logins_file().read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    pairs = [line.split("\t") for line in text.splitlines() if "\t" in line]
    return {parts[0]: parts[1] for parts in pairs if len(parts) >= 2}


def load_demo_staff(*, actor: Any, units: dict[str, Unit]) -> list[str]:
    """Create the demo accounts once; return their lines.

    A line reads "username<TAB>password<TAB>TOTP secret<TAB>role — unit";
    the secret is empty for an account that signs in with its password alone.
    """
    user_model = get_user_model()
    known = _read_logins()
    roles = {role.code: role for role in Role.objects.all()}
    lines: list[str] = []
    with transaction.atomic():
        for username, full_name, role_code, unit_slug, is_staff in STAFF:
            unit = units[unit_slug]
            user = user_model.objects.filter(username=username).first()
            password = known.get(username)
            if user is None:
                password = password or _new_password()
                # A person's given name is the last word; a service account has none.
                first, _space, last = (
                    full_name.rpartition(" ") if not is_staff else (full_name, "", "")
                )
                user = user_model.objects.create_user(
                    username=username,
                    password=password,
                    first_name=last,
                    last_name=first,
                    email=f"{username}@example.invalid",
                    is_staff=is_staff,
                    is_superuser=is_staff,
                )
            elif password is None:
                password = _new_password()
                user.set_password(password)
                user.save(update_fields=["password"])
            if not RoleAssignment.objects.filter(
                user=user, role=roles[role_code], unit=unit
            ).exists():
                role_assignment_create(
                    actor=actor,
                    user=user,
                    role=roles[role_code],
                    unit=unit,
                    position=POSITIONS.get(username, ""),
                )
            secret = ""
            if second_factor_required(user):
                device = second_factor_provision(actor=actor, user=user)
                secret = totp_key_base32(device.key).replace(" ", "")
            lines.append(f"{username}\t{password}\t{secret}\t{roles[role_code].name} — {unit.name}")
    _write_logins(lines)
    return lines
