"""Benchmark the public lookup (JSON and HTML) against the same indexed SELECT issued directly.

The database (``LOOKUP_BENCH_DATABASE_URL``, by default ``motcua_bench_lookup``
on 127.0.0.1:5432) holds ``MOTCUA_BENCH_LOOKUP_DOSSIERS`` dossiers (default
200,000, the issue's size). It is **built once and reused**: a run whose
database already holds exactly that many dossiers (after ``migrate``) uses it
as it is; otherwise the database is dropped and built again, in about a
minute and a half rather than the quarter of an hour the synthetic generator
would take for 200,000:

1. ``motcua seed synthetic --dossiers BASE`` (``BASE`` = 4,000, or fewer
   when fewer are asked for): realistic dossiers in every status, written
   as the services would have (history, pauses, steps, audit);
2. the rest **cloned in SQL** from those, in one ``INSERT … SELECT`` over
   ``generate_series`` (copy *k* of dossier *i* gets the key ``i + k·M``
   and the code of *i* with its sequence number raised by ``k·S``, so codes
   stay unique and keep their printed shape, e.g. ``Y99.18-260226-0017``),
   with the open pause of each paused original copied too; the per-agency,
   per-day code sequences are advanced past the new numbers. The copies
   carry no history, steps or audit rows (the lookup without telephone
   digits reads none), no current step and no log-book entry;
3. ``VACUUM ANALYZE`` of the two tables.

The app runs under granian WSGI — 2 workers, 8 blocking threads each,
persistent connections, DEBUG off, the look-up limit switched off
(``MOTCUA_LOOKUP_PER_MINUTE=0``: no counting) — on 127.0.0.1.

Load: ``CLIENTS`` (32) keep-alive connections from ``wrk`` (2 threads; Debian's
package) on 127.0.0.1, or, where wrk is missing, from an asyncio HTTP/1.1
client in its own process; ``GET /api/v1/public/lookup?code=…`` and then
``GET /tra-cuu/?ma=…`` for ``DURATION`` seconds each after ``WARMUP`` (5 s: a cold server
answers in seconds for its first few seconds, which are not counted), with
codes drawn at random from 2,000 existing ones (a tenth typed in lower case
without dots, which takes the folded index). Every answer must be 200. The
script installs nothing: it says whether it found wrk.

That closed loop gives the maximum rate, but its p99 is tied to the rate by
Little's law (32 requests in flight at 800/s is 40 ms on average). So each
path is then also **paced** (open loop) at exactly its target rate for
``PACED_SECONDS`` (10 s): request *i* is due at *i / rate* whatever the
answers, waits for the first free one of the ``CLIENTS`` keep-alive
connections, and its latency counts from when it was due. The generator is
the asyncio client in its own process (``PACED_PROCESSES``, 1 by default:
it keeps 1,500/s at about 0.15 ms of CPU a request, and two processes cost
more CPU in all); it reports how late it put requests out
(``generator_late_p99``, its own saturation) and its CPU per request.

The raw ceiling, in the same run: the lookup's own SELECT (the exact-code
statement of ``dossiers.public``, one row of one table) through psycopg from
``CLIENTS`` connections (4 processes × 8 threads), for ``RAW_DURATION``.

Also measured, in one process and without the network: the CPU time per
request of each path through Django's WSGI handler (best of three rounds of
``CPU_REQUESTS``), beside ``/healthz`` (the middleware stack and one
``SELECT 1``): the figure to compare across commits on a busy machine.

Targets on this 2-core machine (reported, never asserted): 1,500 requests/s
for the JSON lookup and 800 for the HTML page, p99 ≤ 50 ms. The load
generator shares the two cores with the server and the database.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import random
import shutil
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
DOSSIERS = int(os.environ.get("MOTCUA_BENCH_LOOKUP_DOSSIERS", "200000"))
BASE = min(DOSSIERS, 4000)
UNITS = 20
CLIENTS = 32
DURATION = float(os.environ.get("MOTCUA_BENCH_LOOKUP_SECONDS", "10"))
WARMUP = 5.0
RAW_DURATION = 8.0
RAW_PROCESSES = 4
WORKERS = 2
THREADS = 8
SAMPLE = 2000
CPU_REQUESTS = 1000
WRK = shutil.which("wrk")
TARGETS = {"json": 1500.0, "html": 800.0}
TARGET_P99_MS = 50.0
PACED_SECONDS = float(os.environ.get("MOTCUA_BENCH_LOOKUP_PACED_SECONDS", "10"))
PACED_PROCESSES = int(os.environ.get("MOTCUA_BENCH_LOOKUP_PACED_PROCESSES", "1"))


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
    return {"codes": codes, "sql": _select(False), "total": total, "cpu_ms": _cpu(codes)}


def _cpu(codes: list[str]) -> dict[str, float]:
    """CPU milliseconds per request through Django's WSGI handler, in this process."""
    from django.core.handlers.wsgi import WSGIHandler

    app = WSGIHandler()

    def call(path: str) -> None:
        target, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": target,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_ACCEPT_LANGUAGE": "vi",
            "HTTP_USER_AGENT": "motcua-bench",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
        }
        statuses: list[str] = []
        body = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
        b"".join(body)
        body.close()  # type: ignore[attr-defined]
        if not statuses[0].startswith("200"):
            raise RuntimeError(f"{path}: {statuses[0]}")

    figures = {}
    for kind in ("json", "html", "healthz"):
        paths = _paths(kind, codes) if kind != "healthz" else ["/healthz"]
        for path in paths[:200]:  # warm-up: prepared statements, caches
            call(path)
        rounds = []
        for _round in range(3):
            began = time.process_time()
            for n in range(CPU_REQUESTS):
                call(paths[n % len(paths)])
            rounds.append((time.process_time() - began) / CPU_REQUESTS * 1000)
        figures[kind] = min(rounds)
    return figures


# --- the database: built once, reused while it holds the number asked for ------------------------


def _count(conn: Any) -> int:
    row = conn.execute("SELECT count(*) FROM dossiers_dossier").fetchone()
    return int(row[0])


def _prepare_database(env: dict[str, str]) -> dict[str, Any]:
    """Make the bench database hold exactly ``DOSSIERS`` dossiers; say how (reused or built)."""
    import psycopg

    motcua = str(BIN / "motcua")
    common.run_command([motcua, "migrate", "--noinput", "-v0"], env)
    with psycopg.connect(f"{PG_SERVER}/{DB_NAME}", autocommit=True) as conn:
        existing = _count(conn)
    if existing == DOSSIERS:
        return {"how": "reused", "seconds": 0.0, "base": None}
    began = time.perf_counter()
    if existing:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{DB_NAME}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
        common.run_command([motcua, "migrate", "--noinput", "-v0"], env)
    common.run_command(
        [motcua, "seed", "synthetic", "--dossiers", str(BASE), "--units", str(UNITS)], env
    )
    seeded = time.perf_counter() - began
    with psycopg.connect(f"{PG_SERVER}/{DB_NAME}", autocommit=True) as conn:
        if DOSSIERS > BASE:
            _clone(conn, DOSSIERS - BASE)
        conn.execute("VACUUM ANALYZE dossiers_dossier")
        conn.execute("VACUUM ANALYZE dossiers_pause")
        total = _count(conn)
    if total != DOSSIERS:  # pragma: no cover - the clone is exact
        raise RuntimeError(f"the bench database holds {total} dossiers, not {DOSSIERS}")
    return {
        "how": "built",
        "seconds": time.perf_counter() - began,
        "synthetic_seconds": seeded,
        "base": BASE,
    }


# Columns a copy does not take from its original.
_CLONE_OVERRIDES = {
    "id": "d.id + k.n * %(id_stride)s",
    "code": (
        "CASE WHEN d.code IS NULL THEN NULL ELSE regexp_replace(d.code, '-[0-9]+$', '') || '-' "
        "|| lpad((substring(d.code FROM '-([0-9]+)$')::int + k.n * %(seq_stride)s)::text, 4, "
        "'0') END"
    ),
    "current_step_id": "NULL",
    "logbook_id": "NULL",
    "logbook_number": "NULL",
    "idempotency_key": "NULL",
}


def _clone(conn: Any, count: int) -> None:
    """Add ``count`` copies of the synthetic dossiers (and their open pauses), in one go."""
    with conn.transaction():
        base_ids, id_stride, seq_stride = conn.execute(
            "SELECT count(*), max(id) + 1, "
            "max(substring(code FROM '-([0-9]+)$')::int) FROM dossiers_dossier"
        ).fetchone()
        copies = -(-count // base_ids)  # ceiling
        columns = [
            row[0]
            for row in conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'dossiers_dossier' ORDER BY ordinal_position"
            ).fetchall()
        ]
        select = ", ".join(_CLONE_OVERRIDES.get(c, f"d.{c}") for c in columns)
        params = {"id_stride": id_stride, "seq_stride": seq_stride, "copies": copies}
        # Identifiers come from the catalogue, never from input.
        conn.execute(
            f"INSERT INTO dossiers_dossier ({', '.join(columns)}) "
            f"SELECT {select} FROM dossiers_dossier d "
            "CROSS JOIN generate_series(1, %(copies)s) AS k(n) "
            "ORDER BY k.n, d.id LIMIT %(count)s",
            {**params, "count": count},
        )
        pause_columns = [
            row[0]
            for row in conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'dossiers_pause' AND column_name NOT IN ('id', 'dossier_id') "
                "ORDER BY ordinal_position"
            ).fetchall()
        ]
        conn.execute(
            f"INSERT INTO dossiers_pause (dossier_id, {', '.join(pause_columns)}) "
            f"SELECT c.id, {', '.join('p.' + c for c in pause_columns)} "
            "FROM dossiers_pause p CROSS JOIN generate_series(1, %(copies)s) AS k(n) "
            "JOIN dossiers_dossier c ON c.id = p.dossier_id + k.n * %(id_stride)s "
            "WHERE p.ended_at IS NULL",
            params,
        )
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('dossiers_dossier', 'id'), "
            "(SELECT max(id) FROM dossiers_dossier))"
        )
        # A later intake on the same agency and day must not take a copy's number.
        conn.execute(
            "INSERT INTO dossiers_dossiercodesequence (agency_id, day, last_value) "
            "SELECT agency_id, to_date(substring(code FROM '-([0-9]{6})-[0-9]+$'), 'YYMMDD'), "
            "max(substring(code FROM '-([0-9]+)$')::int) FROM dossiers_dossier "
            "WHERE code ~ '-[0-9]{6}-[0-9]+$' GROUP BY 1, 2 "
            "ON CONFLICT (agency_id, day) DO UPDATE "
            "SET last_value = GREATEST(dossiers_dossiercodesequence.last_value, "
            "EXCLUDED.last_value)"
        )


# --- load generator (a separate process) ----------------------------------------------------------


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Read one answer; its status. The head in one read: the generator's CPU is the server's
    loss on a shared machine."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            raise ConnectionError("closed") from exc
        raise
    status = int(head[9:12])
    lowered = head.lower()
    at = lowered.find(b"\r\ncontent-length:")
    if at >= 0:
        length = int(lowered[at + 17 : lowered.index(b"\r\n", at + 2)])
        if length:
            await reader.readexactly(length)
    elif b"\r\ntransfer-encoding:" in lowered and b"chunked" in lowered:
        while True:
            size = int((await reader.readline()).strip().split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


def _requests(paths: list[str]) -> list[bytes]:
    return [
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: vi\r\n"
            "User-Agent: motcua-bench\r\n\r\n"
        ).encode()
        for path in paths
    ]


async def _client(
    port: int, paths: list[str], deadline: float, latencies: list[float], statuses: dict[int, int]
) -> None:
    rng = random.Random()
    requests = _requests(paths)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    while time.perf_counter() < deadline:
        request = rng.choice(requests)
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


async def _paced_connection(
    port: int,
    requests: list[bytes],
    queue: asyncio.Queue[float | None],
    latencies: list[float],
    statuses: dict[int, int],
) -> None:
    rng = random.Random()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    while True:
        due = await queue.get()
        if due is None:
            break
        request = rng.choice(requests)
        try:
            writer.write(request)
            status = await _read_response(reader)
        except (ConnectionError, asyncio.IncompleteReadError):
            status = 0
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        # From the moment the request was due, not when a connection was free: a server
        # that falls behind shows in the latencies instead of slowing the arrivals.
        latencies.append(time.perf_counter() - due)
        statuses[status] = statuses.get(status, 0) + 1
    writer.close()


def _paced(
    port: int, paths: list[str], seconds: float, rate: float, connections: int
) -> dict[str, Any]:
    """Send requests at ``rate`` per second for ``seconds`` over ``connections`` keep-alive ones.

    Open loop: request ``i`` is due at ``i / rate`` seconds whatever the
    answers; it waits in a queue for the first free connection, and its
    latency counts from when it was due. ``late`` is how late this process
    itself put requests into the queue (its own saturation); ``cpu_s`` its
    own CPU time.
    """
    latencies: list[float] = []
    late: list[float] = []
    statuses: dict[int, int] = {}

    async def main() -> None:
        queue: asyncio.Queue[float | None] = asyncio.Queue()
        requests = _requests(paths)
        workers = [
            asyncio.create_task(_paced_connection(port, requests, queue, latencies, statuses))
            for _ in range(connections)
        ]
        await asyncio.sleep(0.2)  # the connections are open before the clock starts
        began = time.perf_counter()
        for i in range(int(seconds * rate)):
            due = began + i / rate
            pause = due - time.perf_counter()
            if pause > 0:
                await asyncio.sleep(pause)
            late.append(max(0.0, time.perf_counter() - due))
            queue.put_nowait(due)
        for _ in workers:
            queue.put_nowait(None)
        await asyncio.gather(*workers)

    began = time.perf_counter()
    cpu = time.process_time()
    asyncio.run(main())
    return {
        "elapsed": time.perf_counter() - began - 0.2,
        "cpu_s": time.process_time() - cpu,
        "latencies": [round(x, 6) for x in latencies],
        "late": [round(x, 6) for x in late],
        "statuses": statuses,
    }


def _pace(port: int, paths: list[str], rate: float, env: dict[str, str]) -> dict[str, Any]:
    """The paced phase at ``rate``: ``PACED_PROCESSES`` generator processes share the rate and
    the ``CLIENTS`` connections; their latencies are pooled."""
    processes = max(1, PACED_PROCESSES)
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as handle:
        json.dump(paths, handle)
    try:
        running = [
            subprocess.Popen(
                [
                    PYTHON,
                    str(Path(__file__)),
                    "--paced",
                    str(port),
                    handle.name,
                    str(PACED_SECONDS),
                    str(rate / processes),
                    str(CLIENTS // processes + (1 if n < CLIENTS % processes else 0)),
                ],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(processes)
        ]
        parts = []
        for proc in running:
            out, err = proc.communicate()
            if proc.returncode != 0:
                raise RuntimeError(f"the paced generator failed:\n{out}\n{err}")
            parts.append(json.loads(out.splitlines()[-1]))
    finally:
        os.unlink(handle.name)
    latencies = sorted(x for part in parts for x in part["latencies"])
    late = sorted(x for part in parts for x in part["late"])
    statuses: dict[int, int] = {}
    for part in parts:
        for status, count in part["statuses"].items():
            statuses[int(status)] = statuses.get(int(status), 0) + count

    def pct(values: list[float], q: float) -> float:
        return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else 0.0

    requests = len(latencies)
    return {
        "rate_asked": rate,
        "requests": requests,
        "ok": statuses.get(200, 0),
        "statuses": statuses,
        "rate": statuses.get(200, 0) / max(part["elapsed"] for part in parts),
        "p50_ms": pct(latencies, 0.5),
        "p99_ms": pct(latencies, 0.99),
        "max_ms": latencies[-1] * 1000 if latencies else 0.0,
        "late_p99_ms": pct(late, 0.99),
        "generator_cpu_ms_per_request": (
            sum(part["cpu_s"] for part in parts) / requests * 1000 if requests else 0.0
        ),
        "processes": processes,
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
    print(
        f"   load generator: wrk found at {WRK}"
        if WRK
        else "   load generator: wrk not found on PATH (nothing is installed): the asyncio client"
    )
    data_dir = tempfile.mkdtemp(prefix="motcua-bench-lookup-")
    env = common.django_env(DB_URL, data_dir, MOTCUA_LOOKUP_PER_MINUTE="0", PYTHONPATH=str(HERE))
    database = _prepare_database(env)
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
    paced: dict[str, dict[str, Any]] = {}
    load_before = os.getloadavg()[0]
    try:
        common.wait_ready(f"http://127.0.0.1:{port}", server)
        for kind in ("json", "html"):
            paths = _paths(kind, world["codes"])
            _generate(port, paths, WARMUP, env)
            figures[kind] = _generate(port, paths, duration, env)
            if PACED_SECONDS > 0:
                paced[kind] = _pace(port, paths, TARGETS[kind], env)
        load_after = os.getloadavg()[0]
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
        if kind in paced:
            p = paced[kind]
            tag = f"app_lookup_{kind}_paced_{int(TARGETS[kind])}"
            results += [
                {"metric": f"{tag}_achieved_per_s", "value": round(p["rate"], 1), "unit": "per_s"},
                {"metric": f"{tag}_p50", "value": round(p["p50_ms"], 1), "unit": "ms"},
                {"metric": f"{tag}_p99", "value": round(p["p99_ms"], 1), "unit": "ms"},
                {
                    "metric": f"{tag}_generator_late_p99",
                    "value": round(p["late_p99_ms"], 2),
                    "unit": "ms",
                },
                {
                    "metric": f"{tag}_generator_cpu_per_request",
                    "value": round(p["generator_cpu_ms_per_request"], 3),
                    "unit": "ms",
                },
                {"metric": f"{tag}_non_200", "value": p["requests"] - p["ok"], "unit": "count"},
            ]
            ratios[f"{kind}_paced_{int(TARGETS[kind])}_p99_within_{int(TARGET_P99_MS)}ms"] = (
                p["p99_ms"] <= TARGET_P99_MS
            )
    results += [
        {"metric": "raw_select_per_s", "value": round(raw["rate"], 1), "unit": "per_s"},
        {"metric": "raw_select_p50", "value": round(raw["p50_ms"], 2), "unit": "ms"},
        {"metric": "raw_select_p99", "value": round(raw["p99_ms"], 2), "unit": "ms"},
        {"metric": "database_build_seconds", "value": round(database["seconds"], 1), "unit": "s"},
    ]
    for kind, cpu in world["cpu_ms"].items():
        results.append({"metric": f"cpu_per_request_{kind}", "value": round(cpu, 3), "unit": "ms"})
    results += [
        {"metric": "load_average_1min_before", "value": round(load_before, 2), "unit": ""},
        {"metric": "load_average_1min_after", "value": round(load_after, 2), "unit": ""},
    ]
    return {
        "name": "lookup",
        "load_generator": (
            f"wrk, 2 threads, {CLIENTS} connections"
            if WRK
            else f"asyncio HTTP/1.1 keep-alive client, {CLIENTS} connections, 1 process"
        ),
        "database": database,
        "server": f"granian WSGI, {WORKERS} workers x {THREADS} blocking threads, CONN_MAX_AGE=600",
        "raw": f"psycopg, {RAW_PROCESSES} processes x {CLIENTS // RAW_PROCESSES} threads, prepared",
        "paced_generator": (
            f"asyncio HTTP/1.1 client, {PACED_PROCESSES} process(es) sharing the rate and the "
            f"{CLIENTS} keep-alive connections, {PACED_SECONDS:g} s at each target rate"
        ),
        "wrk": WRK or "not found",
        "clients": CLIENTS,
        "duration_s": duration,
        "statuses": {kind: figures[kind]["statuses"] for kind in figures},
        "paced_statuses": {kind: paced[kind]["statuses"] for kind in paced},
        "results": results,
        "ratios": ratios,
    }


def _generate(port: int, paths: list[str], seconds: float, env: dict[str, str]) -> dict[str, Any]:
    """Run the load generator (wrk, else the asyncio client) in its own process; its figures."""
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as handle:
        if WRK:
            handle.write("\n".join(paths) + "\n")
        else:
            json.dump(paths, handle)
    try:
        if WRK:
            return _wrk(port, handle.name, seconds, env)
        out = common.run_command(
            [PYTHON, str(Path(__file__)), "--load", str(port), handle.name, str(seconds)], env
        )
    finally:
        os.unlink(handle.name)
    figures: dict[str, Any] = json.loads(out.splitlines()[-1])
    figures["statuses"] = {int(k): v for k, v in figures["statuses"].items()}
    return figures


_WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("MOTCUA_BENCH_PATHS")) do paths[#paths + 1] = line end
local counter = 0
function setup(thread) thread:set("tid", counter); counter = counter + 1 end
function init(args) math.randomseed(os.time() * 100 + (tid or 0)) end
local headers = {["Accept-Language"] = "vi", ["User-Agent"] = "motcua-bench"}
request = function() return wrk.format("GET", paths[math.random(#paths)], headers) end
done = function(summary, latency, requests)
  io.write(string.format(
    '\\n{"requests": %d, "bad": %d, "socket_errors": %d, "duration_us": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def _wrk(port: int, paths_file: str, seconds: float, env: dict[str, str]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_SCRIPT)
    try:
        out = common.run_command(
            [
                str(WRK),
                "-t2",
                f"-c{CLIENTS}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            {**env, "MOTCUA_BENCH_PATHS": paths_file},
        )
    finally:
        os.unlink(script.name)
    figures = json.loads(out.strip().splitlines()[-1])
    failed = figures["bad"] + figures["socket_errors"]
    ok = figures["requests"] - figures["bad"]
    return {
        "requests": figures["requests"] + figures["socket_errors"],
        "ok": ok,
        # wrk counts answers of 400 and above together: they are reported as status 0.
        "statuses": {200: ok, **({0: failed} if failed else {})},
        "rate": ok / (figures["duration_us"] / 1e6),
        "p50_ms": figures["p50_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "max_ms": figures["max_us"] / 1000,
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--setup"]:
        print(json.dumps(_setup()))
    elif sys.argv[1:2] == ["--paced"]:
        port, paths_file, seconds, rate, connections = sys.argv[2:7]
        with open(paths_file, encoding="utf-8") as f:
            loaded = json.load(f)
        print(json.dumps(_paced(int(port), loaded, float(seconds), float(rate), int(connections))))
    elif sys.argv[1:2] == ["--load"]:
        port, paths_file, seconds = sys.argv[2], sys.argv[3], sys.argv[4]
        with open(paths_file, encoding="utf-8") as f:
            loaded = json.load(f)
        print(json.dumps(_load(int(port), loaded, float(seconds))))
    else:
        print(json.dumps(run(), indent=2))
