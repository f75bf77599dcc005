"""Benchmark the public lookup (JSON and HTML) against the same indexed SELECT issued directly.

On PostgreSQL (``LOOKUP_BENCH_DATABASE_URL``, by default ``motcua_bench_lookup``
on 127.0.0.1:5432; kept between runs and topped up, never dropped, because
seeding 200,000 dossiers takes about 15 minutes here) the synthetic province
is topped up to ``MOTCUA_BENCH_LOOKUP_DOSSIERS`` dossiers (default 5,000 so
``make bench`` stays short; the issue's figure is
``MOTCUA_BENCH_LOOKUP_DOSSIERS=200000``). The app runs under granian WSGI —
2 workers, 8 blocking threads each, persistent connections, DEBUG off, the
look-up limit switched off (``MOTCUA_LOOKUP_PER_MINUTE=0``: no counting) —
on 127.0.0.1.

Load: ``CLIENTS`` (32) keep-alive connections from a separate process on
127.0.0.1 (an asyncio HTTP/1.1 client; wrk is not installed here) ask
``GET /api/v1/public/lookup?code=…`` and then ``GET /tra-cuu/?ma=…`` for
``DURATION`` seconds each, with codes drawn at random from 2,000 existing
ones (a tenth typed in lower case without dots, which takes the folded
index). Every answer must be 200.

The raw ceiling, in the same run: the lookup's own SELECT (the exact-code
statement of ``dossiers.public``, one row of one table) through psycopg from
``CLIENTS`` connections (4 processes × 8 threads), for ``RAW_DURATION``.

Targets on this 2-core machine (reported, never asserted): 1,500 requests/s
for the JSON lookup and 800 for the HTML page, p99 ≤ 50 ms. The load
generator shares the two cores with the server and the database.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import common

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
DB_URL = os.environ.get("LOOKUP_BENCH_DATABASE_URL") or (
    "postgres://postgres@127.0.0.1:5432/motcua_bench_lookup"
)
DB_NAME = DB_URL.rsplit("/", 1)[1].split("?", 1)[0]
PG_SERVER = "postgresql://" + DB_URL.split("://", 1)[1].rsplit("/", 1)[0]
DOSSIERS = int(os.environ.get("MOTCUA_BENCH_LOOKUP_DOSSIERS", "5000"))
UNITS = 20
CLIENTS = 32
DURATION = float(os.environ.get("MOTCUA_BENCH_LOOKUP_SECONDS", "10"))
WARMUP = 2.0
RAW_DURATION = 8.0
RAW_PROCESSES = 4
WORKERS = 2
THREADS = 8
SAMPLE = 2000
TARGETS = {"json": 1500.0, "html": 800.0}
TARGET_P99_MS = 50.0


# --- setup (a subprocess with Django configured) --------------------------------------------------


def _setup() -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection

    from motcua.dossiers.public import _select

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code FROM dossiers_dossier WHERE code IS NOT NULL ORDER BY md5(code) LIMIT %s",
            [SAMPLE],
        )
        codes = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT count(*) FROM dossiers_dossier")
        (total,) = cursor.fetchone()
    # The very statement the lookup sends for a code typed as printed.
    return {"codes": codes, "sql": _select(False), "total": total}


# --- load generator (a separate process) ----------------------------------------------------------


async def _read_response(reader: asyncio.StreamReader) -> int:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    length = None
    chunked = False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).strip().split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


async def _client(
    port: int, paths: list[str], deadline: float, latencies: list[float], statuses: dict[int, int]
) -> None:
    rng = random.Random()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    while time.perf_counter() < deadline:
        path = rng.choice(paths)
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: vi\r\n"
            "User-Agent: motcua-bench\r\n\r\n"
        ).encode()
        began = time.perf_counter()
        try:
            writer.write(request)
            status = await _read_response(reader)
        except (ConnectionError, asyncio.IncompleteReadError):
            status = 0
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        latencies.append(time.perf_counter() - began)
        statuses[status] = statuses.get(status, 0) + 1
    writer.close()


def _load(port: int, paths: list[str], seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def main() -> None:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(
            *(_client(port, paths, deadline, latencies, statuses) for _ in range(CLIENTS))
        )

    began = time.perf_counter()
    asyncio.run(main())
    elapsed = time.perf_counter() - began
    latencies.sort()

    def pct(q: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0.0
        )

    ok = statuses.get(200, 0)
    return {
        "requests": len(latencies),
        "ok": ok,
        "statuses": statuses,
        "rate": ok / elapsed,
        "p50_ms": pct(0.5),
        "p99_ms": pct(0.99),
        "max_ms": latencies[-1] * 1000 if latencies else 0.0,
    }


def _paths(kind: str, codes: list[str]) -> list[str]:
    paths = []
    for n, code in enumerate(codes):
        typed = code.lower().replace(".", "") if n % 10 == 0 else code
        if kind == "json":
            paths.append("/api/v1/public/lookup?" + urlencode({"code": typed}))
        else:
            paths.append("/tra-cuu/?" + urlencode({"ma": typed}))
    return paths


# --- raw ceiling -----------------------------------------------------------------------------------


def _raw_process(args: tuple[str, list[str], float]) -> list[float]:
    import psycopg

    sql, codes, seconds = args
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        rng = random.Random()
        mine: list[float] = []
        with psycopg.connect(
            f"{PG_SERVER}/{DB_NAME}", prepare_threshold=1, autocommit=True
        ) as conn:
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                conn.execute(sql, [rng.choice(codes)]).fetchone()
                mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(CLIENTS // RAW_PROCESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def _raw_ceiling(sql: str, codes: list[str], seconds: float) -> dict[str, float]:
    from multiprocessing import get_context

    began = time.perf_counter()
    with get_context("spawn").Pool(RAW_PROCESSES) as pool:
        parts = pool.map(_raw_process, [(sql, codes, seconds)] * RAW_PROCESSES)
    elapsed = time.perf_counter() - began
    latencies = sorted(x for part in parts for x in part)
    # Each process starts its clock after it is spawned; count the queries over the window.
    return {
        "rate": len(latencies) / max(seconds, elapsed - 1.0),
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(0.99 * len(latencies))] * 1000,
    }


# --- the benchmark ---------------------------------------------------------------------------------


def run(duration: float = DURATION) -> dict[str, Any]:
    """Run the benchmark and return its figures (see the module docstring)."""
    import socket

    problem = common.pg_problem(f"{PG_SERVER}/postgres", create=DB_NAME)
    if problem:
        return common.skipped("lookup", problem)
    if not (BIN / "granian").exists():
        return common.skipped("lookup", "granian is not installed in the virtual environment")
    data_dir = tempfile.mkdtemp(prefix="motcua-bench-lookup-")
    env = common.django_env(DB_URL, data_dir, MOTCUA_LOOKUP_PER_MINUTE="0", PYTHONPATH=str(HERE))
    common.run_command([str(BIN / "motcua"), "migrate", "--noinput", "-v0"], env)
    began = time.perf_counter()
    common.run_command(
        [
            str(BIN / "motcua"),
            "seed",
            "synthetic",
            "--dossiers",
            str(DOSSIERS),
            "--units",
            str(UNITS),
        ],
        env,
    )
    seeded = time.perf_counter() - began
    world = json.loads(
        common.run_command([PYTHON, str(Path(__file__)), "--setup"], env).splitlines()[-1]
    )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = subprocess.Popen(
        [
            str(BIN / "granian"),
            "--interface",
            "wsgi",
            "--workers",
            str(WORKERS),
            "--blocking-threads",
            str(THREADS),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-ws",
            "motcua.wsgi:application",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    figures: dict[str, dict[str, Any]] = {}
    try:
        common.wait_ready(f"http://127.0.0.1:{port}", server)
        for kind in ("json", "html"):
            paths = _paths(kind, world["codes"])
            _generate(port, paths, WARMUP, env)
            figures[kind] = _generate(port, paths, duration, env)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            os.killpg(server.pid, signal.SIGKILL)
    raw = _raw_ceiling(world["sql"], world["codes"], RAW_DURATION)
    results = [
        {"metric": "dossiers_in_database", "value": world["total"], "unit": "count"},
    ]
    ratios: dict[str, object] = {}
    for kind in ("json", "html"):
        f = figures[kind]
        results += [
            {"metric": f"app_lookup_{kind}_per_s", "value": round(f["rate"], 1), "unit": "per_s"},
            {"metric": f"app_lookup_{kind}_p50", "value": round(f["p50_ms"], 1), "unit": "ms"},
            {"metric": f"app_lookup_{kind}_p99", "value": round(f["p99_ms"], 1), "unit": "ms"},
            {
                "metric": f"app_lookup_{kind}_non_200",
                "value": f["requests"] - f["ok"],
                "unit": "count",
            },
        ]
        ratios[f"{kind}_vs_raw_select"] = round(f["rate"] / raw["rate"], 3) if raw["rate"] else 0
        ratios[f"{kind}_vs_target_{int(TARGETS[kind])}"] = round(f["rate"] / TARGETS[kind], 2)
        ratios[f"{kind}_p99_within_{int(TARGET_P99_MS)}ms"] = f["p99_ms"] <= TARGET_P99_MS
    results += [
        {"metric": "raw_select_per_s", "value": round(raw["rate"], 1), "unit": "per_s"},
        {"metric": "raw_select_p50", "value": round(raw["p50_ms"], 2), "unit": "ms"},
        {"metric": "raw_select_p99", "value": round(raw["p99_ms"], 2), "unit": "ms"},
        {"metric": "seed_top_up_seconds", "value": round(seeded, 1), "unit": "s"},
    ]
    return {
        "name": "lookup",
        "load_generator": f"asyncio HTTP/1.1 keep-alive client, {CLIENTS} connections, 1 process",
        "server": f"granian WSGI, {WORKERS} workers x {THREADS} blocking threads, CONN_MAX_AGE=600",
        "raw": f"psycopg, {RAW_PROCESSES} processes x {CLIENTS // RAW_PROCESSES} threads, prepared",
        "clients": CLIENTS,
        "duration_s": duration,
        "statuses": {kind: figures[kind]["statuses"] for kind in figures},
        "results": results,
        "ratios": ratios,
    }


def _generate(port: int, paths: list[str], seconds: float, env: dict[str, str]) -> dict[str, Any]:
    """Run the load generator in its own process; return its figures."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(paths, handle)
    try:
        out = common.run_command(
            [PYTHON, str(Path(__file__)), "--load", str(port), handle.name, str(seconds)], env
        )
    finally:
        os.unlink(handle.name)
    figures: dict[str, Any] = json.loads(out.splitlines()[-1])
    figures["statuses"] = {int(k): v for k, v in figures["statuses"].items()}
    return figures


if __name__ == "__main__":
    if sys.argv[1:2] == ["--setup"]:
        print(json.dumps(_setup()))
    elif sys.argv[1:2] == ["--load"]:
        port, paths_file, seconds = sys.argv[2], sys.argv[3], sys.argv[4]
        with open(paths_file, encoding="utf-8") as f:
            loaded = json.load(f)
        print(json.dumps(_load(int(port), loaded, float(seconds))))
    else:
        print(json.dumps(run(), indent=2))
