"""The look-up limit holds across server processes: two granian servers, one database.

Each server is a separate process with its own memory; the counter lives in
the shared cache (the database's cache table, or Redis), so a client that
alternates between the servers gets the allowance once, not once per
server. On PostgreSQL the servers use the test database; on SQLite a
migrated database file of their own.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import uuid
from pathlib import Path
from typing import Any, ClassVar

from django.db import connection
from django.test import TransactionTestCase

LIMIT = 3
BIN = Path(sys.executable).parent
GRANIAN = BIN / "granian"
REDIS = ("127.0.0.1", 6379)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_reachable() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def database_url(folder: Path) -> str:
    """The test database for PostgreSQL; a file (migrated by the caller) for SQLite."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
        return (
            f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
            f"/{s['NAME']}"
        )
    return f"sqlite:///{folder / 'shared.sqlite3'}"


class TwoServers:
    """Two granian processes serving Motcua on free ports with one environment."""

    def __init__(self, folder: Path, **env: str) -> None:
        self.folder = folder
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
            "DJANGO_SETTINGS_MODULE": "motcua.settings.base",
            "MOTCUA_DATA_DIR": str(folder),
            "DATABASE_URL": database_url(folder),
            "SECRET_KEY": "two-servers-" + "k" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "MOTCUA_LOOKUP_PER_MINUTE": str(LIMIT),
            "MOTCUA_TRUSTED_PROXIES": "127.0.0.1",
            **env,
        }
        self.ports: list[int] = []
        self.processes: list[subprocess.Popen[bytes]] = []

    def migrate(self) -> None:
        subprocess.run(
            [str(BIN / "motcua"), "migrate", "--noinput", "-v0"],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=600,
        )

    def start(self) -> None:
        for _n in range(2):
            port = free_port()
            with (self.folder / f"server{port}.log").open("wb") as log:
                process = subprocess.Popen(
                    [
                        str(GRANIAN),
                        "--interface",
                        "wsgi",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--workers",
                        "1",
                        "--blocking-threads",
                        "2",
                        "--log-level",
                        "warning",
                        "motcua.wsgi:application",
                    ],
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=self.folder,
                )
            self.processes.append(process)
            self.ports.append(port)
        for n, port in enumerate(self.ports):
            self._wait_ready(n, port)

    def _wait_ready(self, n: int, port: int) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.processes[n].poll() is not None:
                break
            try:
                if get(port, "/healthz") == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        log = (self.folder / f"server{port}.log").read_text(errors="replace")
        raise AssertionError(f"server {n} did not start:\n{log[-3000:]}")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def get(port: int, path: str, forwarded_for: str | None = None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return int(response.status)
    finally:
        conn.close()


_shared: dict[str, Path] = {}


def shared_folder() -> Path:
    """A folder for the servers' data, with a migrated SQLite file made once per module."""
    if "folder" not in _shared:
        folder = Path(tempfile.mkdtemp(prefix="motcua-two-servers-"))
        _shared["folder"] = folder
        if connection.vendor != "postgresql":
            TwoServers(folder, REDIS_URL="").migrate()
    return _shared["folder"]


def tearDownModule() -> None:
    folder = _shared.pop("folder", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


class SharedLimitChecks:
    """The checks, for a test class that names the servers' cache in ``server_env``."""

    serialized_rollback = True  # the servers need the migrations' rows (PostgreSQL)
    server_env: ClassVar[dict[str, str]] = {}
    servers: ClassVar[TwoServers]
    assertEqual: Any

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()  # type: ignore[misc]
        cls.servers = TwoServers(shared_folder(), **cls.server_env)
        try:
            cls.servers.start()
        except BaseException:
            cls.servers.stop()
            super().tearDownClass()  # type: ignore[misc]
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        cls.servers.stop()
        super().tearDownClass()  # type: ignore[misc]

    def alternate(self, count: int, forwarded_for: str) -> list[int]:
        """``count`` look-ups by one client, sent to the two servers in turn."""
        ports = self.servers.ports
        return [
            get(ports[n % 2], "/tra-cuu/?ma=H33.15-260302-0001", forwarded_for)
            for n in range(count)
        ]

    def test_the_limit_holds_across_two_processes(self):
        statuses = self.alternate(LIMIT + 3, forwarded_for="198.51.100.1")
        self.assertEqual(statuses, [200] * LIMIT + [429] * 3)

    def test_two_clients_behind_the_trusted_proxy_have_a_bucket_each(self):
        first = self.alternate(LIMIT + 1, forwarded_for="198.51.100.2")
        second = self.alternate(LIMIT, forwarded_for="198.51.100.3")
        self.assertEqual(first, [200] * LIMIT + [429])
        self.assertEqual(second, [200] * LIMIT)


@unittest.skipUnless(GRANIAN.exists(), "granian is not installed in this environment")
class DatabaseCacheLimitTests(SharedLimitChecks, TransactionTestCase):
    server_env: ClassVar[dict[str, str]] = {"REDIS_URL": ""}


@unittest.skipUnless(GRANIAN.exists(), "granian is not installed in this environment")
@unittest.skipUnless(redis_reachable(), "Redis is not running on 127.0.0.1:6379")
class RedisCacheLimitTests(SharedLimitChecks, TransactionTestCase):
    prefix = f"motcua-test-{uuid.uuid4().hex}"
    server_env: ClassVar[dict[str, str]] = {
        "REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/0",
        "CACHE_KEY_PREFIX": prefix,
    }

    @classmethod
    def tearDownClass(cls) -> None:
        import redis

        client = redis.Redis(host=REDIS[0], port=REDIS[1], db=0)
        keys = list(client.scan_iter(f"{cls.prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()
        super().tearDownClass()

    def test_the_counter_is_in_redis(self):
        import redis

        self.alternate(1, forwarded_for="198.51.100.4")
        client = redis.Redis(host=REDIS[0], port=REDIS[1], db=0)
        keys = [key.decode() for key in client.scan_iter(f"{self.prefix}:*")]
        client.close()
        self.assertIn(f"{self.prefix}:1:rate:lookup:198.51.100.4", keys)
