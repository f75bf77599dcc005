"""What the benchmarks that start processes share: their environment, the server's
readiness, the PostgreSQL check and the "skipped" answer."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def django_env(db_url: str, data_dir: str, **extra: str) -> dict[str, str]:
    """The environment of a production-settings process on ``db_url``, without the caller's
    database and Django variables; ``extra`` adds or overrides variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_", "DB_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="motcua.settings.base",
        DATABASE_URL=db_url,
        DB_CONN_MAX_AGE="600",
        DEBUG="false",
        MOTCUA_DATA_DIR=data_dir,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL="ERROR",
    )
    env.update(extra)
    return env


def pg_problem(admin_url: str, create: str | None = None) -> str | None:
    """Why PostgreSQL cannot be used at ``admin_url``, or None; creates database ``create``
    when it is named and missing."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover
        return "psycopg is not installed"
    try:
        with psycopg.connect(admin_url, connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
            if create is not None:
                exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [create])
                if exists.fetchone() is None:
                    conn.execute(f"CREATE DATABASE {create}")
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return f"PostgreSQL is unreachable ({type(exc).__name__}: {first})"
    return None


def run_command(args: list[str], env: dict[str, str]) -> str:
    """Run ``args`` from the repository's root; its output, or RuntimeError with both streams."""
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Wait until the server at ``url`` answers /healthz (RuntimeError if it dies or is slow)."""
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError("granian exited before serving")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("granian did not answer /healthz in time")


def skipped(name: str, reason: str) -> dict[str, Any]:
    """The result of a benchmark that could not run here, with the reason printed."""
    print(f"   {name} benchmark skipped: {reason}")
    return {"name": name, "skipped": reason, "results": [], "ratios": {"skipped": reason}}
