"""Benchmark counter intake through the HTTP API against the raw database ceiling.

On PostgreSQL (the database ``DATABASE_URL`` names, by default ``motcua_bench``
on 127.0.0.1:5432; dropped, created and migrated here) the app runs under granian WSGI — 2 workers, 8 blocking
threads each (PERF-LIMITS.md §4: unbounded threads exhaust PostgreSQL's
connections), persistent connections, DEBUG off — on 127.0.0.1. The world
is minimal: the synthetic province's 20 wards with their service centres,
one 1-working-day procedure and one intake officer (assigned at the
province, so every centre is theirs) with an API token.

Load: ``CLIENTS`` keep-alive connections POST ``/api/v1/dossiers/`` for
``DURATION`` seconds, each request with its own ``Idempotency-Key``, a
random centre and a random valid applicant. The generator is a separate
process on 127.0.0.1: ``wrk`` with a Lua script when it is on PATH (its
``delay()`` stops new requests at the deadline while wrk keeps running a
little longer, so no request is cut off in flight and every created
dossier has its response), else a Python multi-process keep-alive client.
Afterwards the database must hold exactly one new dossier per 201 response,
with unique codes, and two history rows and two audit records for each (the
intake and the hand-over to the next step that comes with it).

The raw ceiling, measured in the same run on the same tables: one
transaction per dossier with the code-sequence and log book volume upserts,
the dossier row, its two history rows and two audit records, through psycopg
with ``CLIENTS`` processes.

Targets on a 2-core machine (reported, never asserted): ≥ 300 dossiers/s
with p99 ≤ 150 ms; beyond that, a quarter of the raw ceiling. The intake
request is also profiled in-process (cProfile through Django's test
client) to show where the time goes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import common

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
# DATABASE_URL names the database to drop and recreate (default ``motcua_bench``), so
# several checkouts on one server can each bench in their own.
DB_URL = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/motcua_bench"
DB_NAME = DB_URL.rsplit("/", 1)[1].split("?", 1)[0]
PG_SERVER = "postgresql://" + DB_URL.split("://", 1)[1].rsplit("/", 1)[0]
PG_ADMIN = f"{PG_SERVER}/postgres"
CLIENTS = 8
DURATION = 20.0
WARMUP = 3.0
RAW_DURATION = 15.0
WORKERS = 2
THREADS = 8
UNITS = 20
EVENTS_PER_INTAKE = 2
"""History rows (and audit records) per intake: the intake and its hand-over to the next step."""
TARGET_RATE = 300.0
TARGET_P99_MS = 150.0


# --- environment ---------------------------------------------------------------------------------


def _recreate_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _counts() -> dict[str, int]:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/{DB_NAME}") as conn:
        row = conn.execute(
            "SELECT count(*), count(DISTINCT code), "
            "(SELECT count(*) FROM dossiers_dossierevent), "
            "(SELECT count(*) FROM core_auditevent WHERE action LIKE 'dossiers.%'), "
            "(SELECT count(*) FROM dossiers_dossierstep) "
            "FROM dossiers_dossier WHERE code NOT LIKE 'RAW-%'"
        ).fetchone()
    assert row is not None
    return dict(zip(["dossiers", "codes", "events", "audit", "steps"], row, strict=True))


# --- world (runs in a subprocess with Django configured) -----------------------------------------


def _setup() -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from motcua.api.services import api_token_create
    from motcua.demo.synthetic import synthetic_world
    from motcua.dossiers.models import Dossier, DossierEvent
    from motcua.dossiers.services import Applicant, dossier_receive
    from motcua.org.models import Role
    from motcua.org.services import role_assignment_create

    world = synthetic_world(units=UNITS, procedures=1)
    version = world.versions[0]
    officer = get_user_model().objects.create_user("syn.bench", password=None)
    role_assignment_create(
        actor="bench",
        user=officer,
        role=Role.objects.get(code="intake_officer"),
        unit=world.province,
    )
    _token, text = api_token_create(actor="bench", user=officer, name="bench")
    documents = list(version.documents.filter(is_mandatory=True).values_list("pk", flat=True))
    # One dossier through the service: the template of the raw ceiling's rows.
    sample = dossier_receive(
        actor=officer,
        receiving_unit=world.communes[0].centre,
        applicant=Applicant(
            name="Trần Thị Bích Ngọc",
            id_number="092190001234",
            phone="0912345678",
            email="ngoc.tran@example.invalid",
            address="Số 12 đường Lê Lợi",
        ),
        provided_documents=documents,
        procedure_version=version,
        idempotency_key="sample",
    ).dossier
    row = Dossier.objects.filter(pk=sample.pk).values().get()
    event = DossierEvent.objects.filter(dossier=sample).order_by("id").values().first()
    from motcua.core.models import AuditEvent

    audit = AuditEvent.objects.filter(stream=f"dossiers.dossier:{sample.pk}", seq=1).values().get()
    return {
        "token": text,
        "procedure_code": version.procedure.code,
        "documents": documents,
        "centres": [c.centre.pk for c in world.communes],
        "agencies": [c.unit.pk for c in world.communes],
        "dossier_row": row,
        "event_row": event,
        "audit_row": audit,
    }


# --- load generators -----------------------------------------------------------------------------

LUA = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } mc_timeval;
int gettimeofday(mc_timeval *tv, void *tz);
]]
local tv = ffi.new("mc_timeval")
local function now()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) + tonumber(tv.tv_usec) / 1e6
end

local centres = {%(centres)s}
local documents = "%(documents)s"
local procedure = "%(procedure)s"
local token = "%(token)s"
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  statuses = {}
  deadline = now() + tonumber(args[1])
  math.randomseed(math.floor(now() * 1000) + tid * 7919)
end

function delay()
  if now() >= deadline then return 3600000 end
  return 0
end

function request()
  counter = counter + 1
  local key = string.format("w%%d-%%d-%%d", tid, counter, math.random(1, 999999999))
  local id = string.format("0921%%02d%%06d", math.random(60, 99), math.random(0, 999999))
  local phone = string.format("09%%08d", math.random(0, 99999999))
  local body = string.format(
    '{"procedure_code": "%%s", "receiving_unit_id": %%d, "applicant": {"name": "Trần Thị Bích Ngọc", '
    .. '"id_number": "%%s", "phone": "%%s", "email": "ngoc.tran@example.invalid", '
    .. '"address": "Số 12 đường Lê Lợi, phường Tổng Hợp"}, "provided_document_ids": [%%s], '
    .. '"note": "Tiếp nhận trực tiếp tại bộ phận một cửa"}',
    procedure, centres[math.random(#centres)], id, phone, documents)
  return wrk.format("POST", "/api/v1/dossiers/", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = key,
  }, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do merged[code] = (merged[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(merged) do table.insert(parts, string.format('"%%d": %%d', code, n)) end
  local e = summary.errors
  io.write(string.format(
    'JSON:{"requests": %%d, "statuses": {%%s}, "connect": %%d, "read": %%d, "write": %%d, '
    .. '"timeout": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, "max_us": %%d, "mean_us": %%f}\n',
    summary.requests, table.concat(parts, ", "), e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end
"""


def _wrk(url: str, script: Path, seconds: float) -> dict[str, Any]:
    args = [
        "wrk",
        "-t2",
        f"-c{CLIENTS}",
        f"-d{int(seconds + 3)}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
        "--",
        str(seconds),
    ]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("JSON:"))
    data = json.loads(line[5:])
    statuses = {int(k): v for k, v in data["statuses"].items()}
    created = statuses.get(201, 0)
    socket_errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
    return {
        "created": created,
        "requests": data["requests"],
        "errors": data["requests"] - created + socket_errors,
        "statuses": statuses,
        "p50_ms": data["p50_us"] / 1000,
        "p90_ms": data["p90_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "max_ms": data["max_us"] / 1000,
        "seconds": seconds,
    }


def _py_client(args: tuple[str, int, dict[str, Any], float, int]) -> dict[str, Any]:
    """One keep-alive client: POST until the deadline, finishing the request in flight."""
    import http.client
    import random

    host, port, world, deadline, number = args
    rng = random.Random(number * 7919 + int(time.time()))
    conn = http.client.HTTPConnection(host, port, timeout=10)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = 0
    while time.time() < deadline:
        counter += 1
        body = json.dumps(
            {
                "procedure_code": world["procedure_code"],
                "receiving_unit_id": rng.choice(world["centres"]),
                "applicant": {
                    "name": "Trần Thị Bích Ngọc",
                    "id_number": f"0921{rng.randint(60, 99):02d}{rng.randint(0, 999999):06d}",
                    "phone": f"09{rng.randint(0, 99999999):08d}",
                    "email": "ngoc.tran@example.invalid",
                    "address": "Số 12 đường Lê Lợi, phường Tổng Hợp",
                },
                "provided_document_ids": world["documents"],
                "note": "Tiếp nhận trực tiếp tại bộ phận một cửa",
            }
        )
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {world['token']}",
            "Idempotency-Key": f"p{number}-{counter}-{rng.randint(1, 10**9)}",
        }
        began = time.perf_counter()
        try:
            conn.request("POST", "/api/v1/dossiers/", body=body.encode(), headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except OSError:
            status = 0
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=10)
        latencies.append(time.perf_counter() - began)
        statuses[status] = statuses.get(status, 0) + 1
    conn.close()
    return {"latencies": latencies, "statuses": statuses}


def _python_load(port: int, world: dict[str, Any], seconds: float) -> dict[str, Any]:
    from multiprocessing import get_context

    deadline = time.time() + seconds
    with get_context("spawn").Pool(CLIENTS) as pool:
        parts = pool.map(
            _py_client, [("127.0.0.1", port, world, deadline, i) for i in range(CLIENTS)]
        )
    latencies = sorted(x for p in parts for x in p["latencies"])
    statuses: dict[int, int] = {}
    for p in parts:
        for code, n in p["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    created = statuses.get(201, 0)

    def pct(q: float) -> float:
        if not latencies:  # a host so busy that nothing finished in time
            return 0.0
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    return {
        "created": created,
        "requests": len(latencies),
        "errors": len(latencies) - created,
        "statuses": statuses,
        "p50_ms": pct(0.5),
        "p90_ms": pct(0.9),
        "p99_ms": pct(0.99),
        "max_ms": latencies[-1] * 1000 if latencies else 0.0,
        "seconds": seconds,
    }


# --- raw ceiling ---------------------------------------------------------------------------------


def _raw_sql(conn: Any, world: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return one statement writing a dossier's intake rows, and its fixed parameters.

    The code-sequence upsert, the log book volume's upsert (one volume per
    agency, as the app's per centre), the dossier row, its history rows and
    its audit records (``EVENTS_PER_INTAKE`` of each, as the intake and its
    hand-over write them), as data-modifying CTEs: one round trip and one
    transaction per dossier, so the figure is the database's, not the Python
    client's. Values are those of a dossier the service wrote in the setup.
    """
    types = dict(
        conn.execute(
            "SELECT table_name || '.' || column_name, "
            "format_type(atttypid, atttypmod) FROM information_schema.columns c "
            "JOIN pg_attribute a ON a.attrelid = c.table_name::regclass "
            "AND a.attname = c.column_name "
            "WHERE table_name IN ('dossiers_dossier', 'dossiers_dossierevent', 'core_auditevent')"
        ).fetchall()
    )
    volume = conn.execute(
        "SELECT field_id, year FROM dossiers_logbook WHERE id = %s",
        [world["dossier_row"]["logbook_id"]],
    ).fetchone()
    assert volume is not None
    params: dict[str, Any] = {"volume_field": volume[0], "volume_year": volume[1]}

    def values(table: str, row: dict[str, Any], computed: dict[str, str]) -> tuple[str, str]:
        columns, exprs = [], []
        for column, value in row.items():
            if column == "id":
                continue
            columns.append(column)
            if column in computed:
                exprs.append(computed[column])
                continue
            name = f"{table}_{column}"
            params[name] = json.dumps(value) if isinstance(value, dict | list) else value
            exprs.append(f"%({name})s::{types[f'{table}.{column}']}")
        return ", ".join(columns), ", ".join(exprs)

    d_cols, d_vals = values(
        "dossiers_dossier",
        world["dossier_row"],
        {
            "code": "'RAW-' || %(agency)s::text || '-' || s.last_value || '-' || %(tag)s",
            "idempotency_key": "%(tag)s",
            "agency_id": "%(agency)s",
            "current_step_id": "NULL",
            "logbook_id": "b.id",
            "logbook_number": "b.last_number",
        },
    )
    e_cols, e_vals = values(
        "dossiers_dossierevent", world["event_row"], {"dossier_id": "d.id", "step_id": "NULL"}
    )
    a_cols, a_vals = values(
        "core_auditevent",
        world["audit_row"],
        {
            "stream": "'dossiers.dossier:' || d.id",
            "object_id": "d.id::text",
            "seq": "g.n",
            "hash": "substr(%(hash)s, 1, 63) || g.n::text",
        },
    )
    each = f"d CROSS JOIN generate_series(1, {EVENTS_PER_INTAKE}) AS g(n)"
    sql = (
        "WITH s AS (INSERT INTO dossiers_dossiercodesequence (agency_id, day, last_value) "
        "VALUES (%(agency)s, CURRENT_DATE, 1) ON CONFLICT (agency_id, day) DO UPDATE SET "
        "last_value = dossiers_dossiercodesequence.last_value + 1 RETURNING last_value), "
        "b AS (INSERT INTO dossiers_logbook (unit_id, field_id, year, last_number) "
        "VALUES (%(agency)s, %(volume_field)s, %(volume_year)s, 1) "
        "ON CONFLICT (unit_id, field_id, year) DO UPDATE SET "
        "last_number = dossiers_logbook.last_number + 1 RETURNING id, last_number), "
        f"d AS (INSERT INTO dossiers_dossier ({d_cols}) SELECT {d_vals} FROM s, b RETURNING id), "
        f"e AS (INSERT INTO dossiers_dossierevent ({e_cols}) SELECT {e_vals} FROM {each}) "
        f"INSERT INTO core_auditevent ({a_cols}) SELECT {a_vals} FROM {each}"
    )
    return sql, params


def _raw_worker(args: tuple[dict[str, Any], float, int]) -> list[float]:
    """One client of the raw ceiling: a transaction per dossier until the deadline."""
    import hashlib
    import random

    import psycopg

    world, deadline, number = args
    rng = random.Random(number)
    latencies: list[float] = []
    with psycopg.connect(f"{PG_SERVER}/{DB_NAME}", autocommit=True, prepare_threshold=0) as conn:
        sql, fixed = _raw_sql(conn, world)
        counter = 0
        while time.time() < deadline:
            counter += 1
            tag = f"raw-{number}-{counter}"
            params = {
                **fixed,
                "agency": rng.choice(world["agencies"]),
                "tag": tag,
                "hash": hashlib.sha256(tag.encode()).hexdigest(),
            }
            began = time.perf_counter()
            conn.execute(sql, params)
            latencies.append(time.perf_counter() - began)
    return latencies


def _raw_ceiling(world: dict[str, Any], seconds: float) -> dict[str, Any]:
    from multiprocessing import get_context

    deadline = time.time() + seconds
    with get_context("spawn").Pool(CLIENTS) as pool:
        parts = pool.map(_raw_worker, [(world, deadline, i) for i in range(CLIENTS)])
    latencies = sorted(x for p in parts for x in p)
    n = len(latencies)
    return {
        "tx": n,
        "tx_per_s": n / seconds,
        "p50_ms": latencies[n // 2] * 1000 if n else 0.0,
        "p99_ms": latencies[min(n - 1, int(n * 0.99))] * 1000 if n else 0.0,
    }


# --- profile (runs in a subprocess with Django configured) ---------------------------------------


def _profile(world: dict[str, Any], requests: int = 400) -> dict[str, Any]:
    import cProfile
    import pstats
    import random

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {world['token']}")
    rng = random.Random(5)

    def post(i: int) -> int:
        body = {
            "procedure_code": world["procedure_code"],
            "receiving_unit_id": rng.choice(world["centres"]),
            "applicant": {
                "name": "Trần Thị Bích Ngọc",
                "id_number": f"0921{rng.randint(60, 99):02d}{rng.randint(0, 999999):06d}",
                "phone": "0912345678",
                "email": "ngoc.tran@example.invalid",
                "address": "Số 12 đường Lê Lợi",
            },
            "provided_document_ids": world["documents"],
        }
        response = client.post(
            "/api/v1/dossiers/",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"prof-{i}-{rng.randint(1, 10**9)}",
        )
        return response.status_code

    for i in range(50):  # warm caches (calendars, templates, prepared imports)
        post(-i - 1)

    # Plain pass: wall time, this process's CPU time and the database's share.
    plain_db = 0.0

    def plain_timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal plain_db
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            plain_db += time.perf_counter() - began

    plain_n = 200
    with connection.execute_wrapper(plain_timer):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        for i in range(plain_n):
            assert post(10_000 + i) == 201
        plain_wall, plain_cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    statements: list[str] = []

    def recorder(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        words = sql.replace('"', "").split()
        table = next((w for w in words[1:] if "_" in w and not w.startswith("(")), "")
        statements.append(f"{words[0]} {table}".strip())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(recorder):
        post(20_000)
    queries: list[int] = []
    db_seconds = 0.0

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal db_seconds
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_seconds += time.perf_counter() - began
            queries[-1] += 1

    profiler = cProfile.Profile()
    began = time.perf_counter()
    with connection.execute_wrapper(timer):
        profiler.enable()
        for i in range(requests):
            queries.append(0)
            assert post(i) == 201
        profiler.disable()
    wall = time.perf_counter() - began
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    by_package: dict[str, float] = {}
    rows = []
    for (filename, line, name), (_cc, _nc, tt, ct, _callers) in raw.items():
        package = _package(filename)
        by_package[package] = by_package.get(package, 0.0) + tt
        rows.append((tt, ct, f"{_short(filename)}:{line}({name})"))
    total = sum(by_package.values()) or 1.0
    per = 1000 / requests
    return {
        "requests": requests,
        "plain_ms_per_request": plain_wall / plain_n * 1000,
        "plain_cpu_ms_per_request": plain_cpu / plain_n * 1000,
        "plain_db_ms_per_request": plain_db / plain_n * 1000,
        "statements": statements,
        "ms_per_request_in_process": wall * per,
        "queries_per_request": statistics.mean(queries),
        "db_ms_per_request": db_seconds * per,
        "own_time_share_by_package": {
            k: round(v / total, 3)
            for k, v in sorted(by_package.items(), key=lambda kv: -kv[1])[:12]
        },
        "top_own_time_ms_per_request": [
            f"{tt * per:.3f} {where}" for tt, _ct, where in sorted(rows, reverse=True)[:15]
        ],
        "top_cumulative_ms_per_request": [
            f"{ct * per:.3f} {where}"
            for _tt, ct, where in sorted(rows, key=lambda r: -r[1])
            if "motcua" in where
        ][:25],
        "note": "cProfile inflates Python-heavy code; compare shares, not absolute times",
    }


def _package(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    if "/motcua/" in filename:
        parts = filename.split("/motcua/", 1)[1].split("/")
        return f"motcua.{parts[0].removesuffix('.py')}"
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    return "stdlib"


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/src/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return Path(filename).name


# --- the benchmark -------------------------------------------------------------------------------


def run(duration: float = DURATION) -> dict[str, Any]:
    """Run the benchmark and return its figures (see the module docstring)."""
    problem = common.pg_problem(PG_ADMIN)
    if problem:
        return common.skipped("intake", problem)
    if shutil.which("granian", path=str(BIN)) is None and not (BIN / "granian").exists():
        return common.skipped("intake", "granian is not installed in the virtual environment")
    data_dir = tempfile.mkdtemp(prefix="motcua-bench-")
    env = common.django_env(DB_URL, data_dir, PYTHONPATH=str(HERE))
    _recreate_database()
    common.run_command([str(BIN / "motcua"), "migrate", "--noinput", "-v0"], env)
    world = json.loads(
        common.run_command([PYTHON, str(Path(__file__)), "--setup"], env).splitlines()[-1]
    )
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
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
    try:
        common.wait_ready(url, server)
        use_wrk = shutil.which("wrk") is not None
        if use_wrk:
            script = Path(data_dir) / "intake.lua"
            script.write_text(
                LUA
                % {
                    "centres": ", ".join(map(str, world["centres"])),
                    "documents": ", ".join(map(str, world["documents"])),
                    "procedure": world["procedure_code"],
                    "token": world["token"],
                },
                encoding="utf-8",
            )

            def load(seconds: float) -> dict[str, Any]:
                return _wrk(url, script, seconds)

            generator = "wrk 4.1 with a Lua script (2 threads, keep-alive)"
        else:

            def load(seconds: float) -> dict[str, Any]:
                return _python_load(port, world, seconds)

            generator = "Python multi-process keep-alive client (http.client)"
        warm = load(WARMUP)
        before = _counts()
        app = load(duration)
        after = _counts()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            os.killpg(server.pid, signal.SIGKILL)
    new = {key: after[key] - before[key] for key in after}
    verified = {
        "warmup_created": warm["created"],
        "responses_201": app["created"],
        "new_dossiers": new["dossiers"],
        "new_events": new["events"],
        "new_audit_records": new["audit"],
        "codes_unique": after["codes"] == after["dossiers"],
        "dossiers_equal_201": new["dossiers"] == app["created"],
        "two_events_and_audit_records_each": new["events"]
        == new["audit"]
        == EVENTS_PER_INTAKE * app["created"],
    }
    profile = json.loads(
        common.run_command(
            [PYTHON, str(Path(__file__)), "--profile", json.dumps(world)], env
        ).splitlines()[-1]
    )
    raw = _raw_ceiling(world, RAW_DURATION)
    shutil.rmtree(data_dir, ignore_errors=True)

    rate = app["created"] / app["seconds"]
    ratio = rate / raw["tx_per_s"] if raw["tx_per_s"] else 0.0
    return {
        "name": "intake",
        "load_generator": generator,
        "server": f"granian WSGI, {WORKERS} workers x {THREADS} blocking threads, CONN_MAX_AGE=600",
        "clients": CLIENTS,
        "duration_s": duration,
        "results": [
            {"metric": "app_intake_dossiers_per_s", "value": round(rate, 1), "unit": "per_s"},
            {"metric": "app_intake_p50", "value": round(app["p50_ms"], 1), "unit": "ms"},
            {"metric": "app_intake_p99", "value": round(app["p99_ms"], 1), "unit": "ms"},
            {"metric": "app_intake_max", "value": round(app["max_ms"], 1), "unit": "ms"},
            {"metric": "app_intake_requests", "value": app["requests"], "unit": "count"},
            {"metric": "app_intake_errors", "value": app["errors"], "unit": "count"},
            {
                "metric": "raw_db_intake_tx_per_s",
                "value": round(raw["tx_per_s"], 1),
                "unit": "per_s",
            },
            {"metric": "raw_db_intake_p50", "value": round(raw["p50_ms"], 2), "unit": "ms"},
            {"metric": "raw_db_intake_p99", "value": round(raw["p99_ms"], 2), "unit": "ms"},
            {
                "metric": "in_process_ms_per_request",
                "value": round(profile["plain_ms_per_request"], 2),
                "unit": "ms",
            },
            {
                "metric": "in_process_python_cpu_ms_per_request",
                "value": round(profile["plain_cpu_ms_per_request"], 2),
                "unit": "ms",
            },
            {
                "metric": "in_process_db_wait_ms_per_request",
                "value": round(profile["plain_db_ms_per_request"], 2),
                "unit": "ms",
            },
            {
                "metric": "sql_statements_per_request",
                "value": round(profile["queries_per_request"], 1),
                "unit": "count",
            },
        ],
        "ratios": {
            "app_over_raw": round(ratio, 3),
            "target_300_per_s_met": rate >= TARGET_RATE,
            "target_p99_150ms_met": app["p99_ms"] <= TARGET_P99_MS,
            "goal_quarter_of_raw_met": ratio >= 0.25,
            "verified": all(
                [
                    verified["codes_unique"],
                    verified["dossiers_equal_201"],
                    verified["two_events_and_audit_records_each"],
                    app["errors"] == 0,
                ]
            ),
        },
        "statuses": app["statuses"],
        "verification": verified,
        "profile": profile,
    }


def _main(argv: list[str]) -> None:
    if argv[:1] == ["--setup"]:
        print(json.dumps(_setup(), default=str))
    elif argv[:1] == ["--profile"]:
        print(json.dumps(_profile(json.loads(argv[1]))))
    else:
        print(json.dumps(run(), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    _main(sys.argv[1:])
