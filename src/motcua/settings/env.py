"""The one place that reads the environment."""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """Return the variable ``name`` or ``default``."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    """Return the variable ``name`` read as a boolean."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    """Return the variable ``name`` read as an integer."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    """Return the comma-separated variable ``name`` as a list."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str, default: list[str]) -> list[str]:
    """Return the comma-separated addresses or networks (CIDR) in ``name``, checked."""
    entries = env_list(name, default)
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name} lists addresses or networks such as 10.0.0.1 or 10.0.0.0/24, not {entry!r}"
            ) from exc
    return entries


def secret_key(data_dir: Path, *, debug: bool) -> str:
    """Return SECRET_KEY from the environment, else from a private key file.

    A deployment that sets nothing still gets a unique, stable key: it is
    generated once into ``<data dir>/secret_key`` with owner-only permissions.
    """
    value = os.environ.get("SECRET_KEY", "").strip()
    if value:
        return value
    key_file = data_dir / "secret_key"
    try:
        return key_file.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key)
        return key
    except FileExistsError:
        return key_file.read_text(encoding="ascii").strip()
    except OSError as exc:
        if debug:
            return "insecure-development-key-" + "x" * 30
        raise ImproperlyConfigured(
            "Set SECRET_KEY or make MOTCUA_DATA_DIR writable so a key can be generated."
        ) from exc
