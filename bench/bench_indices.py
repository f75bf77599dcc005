"""Benchmark the indices pages against a raw GROUP BY over the dossier table.

On PostgreSQL (``DATABASE_URL``, by default ``motcua_bench_indices`` on
127.0.0.1:5432): the synthetic province of ``demo.synthetic`` with
``BENCH_INDICES_UNITS`` wards (default 200, so ``make bench`` stays within
minutes; the issue's size is 500) and 10 procedures, then
``BENCH_INDICES_DOSSIERS`` dossiers (default 200,000; the issue's size is
2,000,000) received from 2024-01-01 to the moment the pages are looked at
(20/11/2026 09:00), bulk-loaded by one ``INSERT … SELECT generate_series``
(not one ORM row at a time) with the secondary indexes dropped and built
again afterwards, then ``rollups_rebuild``. Handling takes up to 9 days (1 %
up to 99 days), so the dossiers still being handled are the recent ones and
a tail of old ones, each with one of its ward's case handlers; a quarter of
the finished are late; 30 % came online. Each finished dossier has two steps
(handling, signing) and 30 % of the returned a rating, loaded the same way.

The database is kept: a later run with the same size, loader and migrations
reuses its data (and its rollups when the rollup code is unchanged), and
says so beside the load and rebuild times, which are those of the run that
made them. ``BENCH_INDICES_FRESH=1`` drops and reloads everything;
``BENCH_INDICES_REBUILD=1`` rebuilds the rollups of a reused database.

Measured in-process through Django's test client (server time: URL
resolution, views, queries, templates; no network), ``BENCH_INDICES_REPEAT``
times each (default 10) after one warm-up: the province leader's morning
page, the province's service index page for a quarter, and the province's
monthly report (Excel). Beside each, in the same run, the raw GROUP BY
queries over the dossier table that would compute the same figures without
rollups; the ratio is raw p95 / page p95. Targets (reported, never
asserted): ≥ 20× and p95 ≤ 300 ms.
"""

from __future__ import annotations

import hashlib
import json
import os
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
DB_URL = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/motcua_bench_indices"
DB_NAME = DB_URL.rsplit("/", 1)[1].split("?", 1)[0]
PG_ADMIN = "postgresql://" + DB_URL.split("://", 1)[1].rsplit("/", 1)[0] + "/postgres"
UNITS = int(os.environ.get("BENCH_INDICES_UNITS", "200"))
DOSSIERS = int(os.environ.get("BENCH_INDICES_DOSSIERS", "200000"))
REPEAT = int(os.environ.get("BENCH_INDICES_REPEAT", "10"))
TARGET_RATIO = 20.0
TARGET_P95_MS = 300.0


LOADER_VERSION = "2"
"""Bump when the generated data change: a reused database must hold the same data."""
NOW = "2026-11-20 09:00+07"
"""The moment the pages are looked at (``clock.frozen``); no dossier is received after it."""


def _digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _keys() -> tuple[str, str]:
    """The key of the loaded data (size, loader, every app's migrations) and of the rollups."""
    src = ROOT / "src" / "motcua"
    # The indices migrations only change the rollups, which the rollup key covers.
    migrations = sorted(p for p in src.glob("*/migrations/0*.py") if p.parts[-3] != "indices")
    data = f"v{LOADER_VERSION} units={UNITS} dossiers={DOSSIERS} schema={_digest(migrations)}"
    indices = src / "indices"
    code = [indices / "rollups.py", indices / "models.py", *indices.glob("migrations/0*.py")]
    return data, f"{data} rollups={_digest(code)}"


def _stored(conn: Any) -> dict[str, Any] | None:
    """The bench's record in an existing database (what was loaded, and how long it took)."""
    try:
        row = conn.execute("SELECT meta FROM bench_indices_meta").fetchone()
    except Exception:
        return None
    return json.loads(row[0]) if row else None


def run() -> dict[str, Any]:
    """Load the synthetic province once (or reuse a database that holds it), then measure.

    The database is reused when its record names the same size, loader version and
    migrations; the rollups too when ``indices`` rollup code is unchanged.
    ``BENCH_INDICES_FRESH=1`` drops and reloads everything; ``BENCH_INDICES_REBUILD=1``
    rebuilds the rollups of a reused database.
    """
    import psycopg

    data_key, rollup_key = _keys()
    stored = None
    if os.environ.get("BENCH_INDICES_FRESH") != "1":
        try:
            with psycopg.connect(DB_URL, autocommit=True) as conn:
                stored = _stored(conn)
        except psycopg.OperationalError:
            stored = None
    reuse = stored is not None and stored.get("data_key") == data_key
    if not reuse:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    rebuild = (
        not reuse
        or stored is None
        or stored.get("rollup_key") != rollup_key
        or os.environ.get("BENCH_INDICES_REBUILD") == "1"
    )
    with tempfile.TemporaryDirectory() as data_dir:
        env = common.django_env(
            DB_URL,
            data_dir,
            BENCH_INDICES_PLAN=json.dumps(
                {"reuse": reuse, "rebuild": rebuild, "data_key": data_key, "rollup_key": rollup_key}
            ),
        )
        subprocess.run(
            [str(Path(PYTHON).parent / "motcua"), "migrate", "-v0"], env=env, check=True, cwd=ROOT
        )
        out = subprocess.run(
            [PYTHON, str(Path(__file__).resolve()), "--inner"],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# --- inside the Django process ----------------------------------------------------------------


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _time(func: Any, repeat: int) -> list[float]:
    func()  # warm-up
    samples = []
    for _i in range(repeat):
        began = time.perf_counter()
        func()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def _load(world: Any, count: int) -> float:
    """Bulk-load ``count`` dossiers over 2024-01-01 … ``NOW`` by one INSERT … SELECT.

    Handling takes up to 9 days (1 % of the dossiers up to 99 days); a dossier is
    finished when its handling ended before ``NOW``, returned an hour later, so the
    dossiers still being handled are the recent ones plus a tail of old ones, each in
    the hands of one of its ward's two case handlers. Due 7 days after intake.
    """
    from django.db import connection

    agencies = [c.unit.pk for c in world.communes]
    receivers = [c.centre.pk for c in world.communes]
    handlers = [[h.pk for h in c.handlers[:2]] for c in world.communes]
    versions = [(v.pk, v.procedure_id) for v in world.versions]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'dossiers_dossier' AND is_nullable = 'NO' "
            "AND column_default IS NULL AND column_name <> 'id'"
        )
        defaults = {
            name: {"boolean": "false", "jsonb": "'{}'::jsonb"}.get(
                kind, "0" if kind in {"integer", "bigint", "smallint"} else "''"
            )
            for name, kind in cursor.fetchall()
        }
        given = {
            "status": "CASE WHEN ret THEN 'returned' WHEN fin THEN 'result_ready' "
            "ELSE 'in_progress' END",
            "channel": "CASE WHEN random() < 0.3 THEN 'online' ELSE 'counter' END",
            "procedure_version_id": "(%(versions)s)[v]",
            "procedure_id": "(%(procedures)s)[v]",
            "agency_id": "(%(agencies)s)[a]",
            "receiving_unit_id": "(%(receivers)s)[a]",
            "current_handler_id": "CASE WHEN NOT fin THEN (%(handlers)s)[a][h] END",
            "applicant_name": "'Nguyễn Văn Thử'",
            "received_at": "rec",
            "due_at": "rec + interval '7 days'",
            "finished_at": "CASE WHEN fin THEN rec + dur END",
            "returned_at": "CASE WHEN ret THEN rec + dur + interval '1 hour' END",
            "timeliness": "CASE WHEN NOT fin THEN '' WHEN dur > interval '7 days' THEN 'late' "
            "WHEN dur > interval '6 days' THEN 'on_time' ELSE 'early' END",
            "created_at": "rec",
            "updated_at": "rec",
            "version": "1",
        }
        columns = sorted(set(defaults) | set(given))
        select = ", ".join(given.get(c, defaults.get(c, "NULL")) for c in columns)
        sql = (
            f"INSERT INTO dossiers_dossier ({', '.join(columns)}) SELECT {select} FROM ("
            "SELECT *, rec + dur <= %(now)s::timestamptz AS fin, "
            "rec + dur + interval '1 hour' <= %(now)s::timestamptz AS ret FROM ("
            "SELECT 1 + floor(random() * %(n_agencies)s)::int AS a, "
            "1 + floor(random() * %(n_versions)s)::int AS v, "
            "1 + floor(random() * 2)::int AS h, "
            "timestamptz '2024-01-01 08:00+07' "
            "+ random() * (%(now)s::timestamptz - timestamptz '2024-01-01 08:00+07') AS rec, "
            "CASE WHEN random() < 0.01 THEN interval '9 days' + random() * interval '90 days' "
            "ELSE random() * interval '9 days' END AS dur "
            "FROM generate_series(1, %(count)s)) g0) g"
        )
        began = time.perf_counter()
        indexes = _bulk_mode(cursor, LOADED_TABLES)
        cursor.execute(
            sql,
            {
                "versions": [v for v, _p in versions],
                "procedures": [p for _v, p in versions],
                "agencies": agencies,
                "receivers": receivers,
                "handlers": handlers,
                "n_agencies": len(agencies),
                "n_versions": len(versions),
                "count": count,
                "now": NOW,
            },
        )
        _load_steps_and_ratings(cursor)
        for definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET session_replication_role = DEFAULT")
        for table in LOADED_TABLES:
            cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - began


LOADED_TABLES = ["dossiers_dossier", "dossiers_dossierstep", "feedback_evaluation"]


def _bulk_mode(cursor: Any, tables: list[str]) -> list[str]:
    """Load as pg_restore does: drop the secondary indexes (return their definitions, to
    create again once the rows are in) and, as a superuser, skip the per-row key checks
    (``session_replication_role = replica``: the generated keys are valid by construction)."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET session_replication_role = replica")
    cursor.execute("SET maintenance_work_mem = '512MB'")
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [tables],
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in found]


def _load_steps_and_ratings(cursor: Any) -> None:
    """Two steps per finished dossier (handling, signing) and a rating for 30 % of the returned."""
    from motcua.feedback.models import EvaluationScheme
    from motcua.org.models import Role

    roles = dict(Role.objects.values_list("code", "pk"))
    cursor.execute(
        """
        INSERT INTO dossiers_dossierstep (dossier_id, "order", name, role_id, unit_id,
            is_inter_agency, budget_seconds, started_at, due_at, finished_at, timeliness,
            note, alerted)
        SELECT d.id, s.o, s.name, s.role, d.agency_id, false, s.budget,
            CASE WHEN s.o = 1 THEN d.received_at
                 ELSE d.received_at + (d.finished_at - d.received_at) * 0.8 END,
            CASE WHEN s.o = 1 THEN d.received_at + interval '5 days'
                 ELSE d.received_at + (d.finished_at - d.received_at) * 0.8
                      + interval '1 day' END,
            CASE WHEN s.o = 1 THEN d.received_at + (d.finished_at - d.received_at) * 0.8
                 ELSE d.finished_at END,
            CASE WHEN s.o = 1 AND (d.finished_at - d.received_at) * 0.8 > interval '5 days'
                 THEN 'late' WHEN s.o = 2 AND (d.finished_at - d.received_at) * 0.2
                 > interval '1 day' THEN 'late' ELSE 'on_time' END,
            '', ''
        FROM dossiers_dossier d
        CROSS JOIN (VALUES (1, 'Thụ lý', %(handler)s, 28800 * 5),
                           (2, 'Ký duyệt', %(leader)s, 28800)) s(o, name, role, budget)
        WHERE d.finished_at IS NOT NULL
        """,
        {"handler": roles["case_handler"], "leader": roles["commune_leader"]},
    )
    cursor.execute(
        """
        INSERT INTO feedback_evaluation (dossier_id, scheme_id, channel, level, total, band,
            comment, submitted_at, agency_id, receiving_unit_id, procedure_id)
        SELECT id, %(scheme)s, 'kiosk',
            CASE WHEN r < 0.03 THEN 'dissatisfied' WHEN r < 0.15 THEN 'satisfied'
                 ELSE 'very_satisfied' END,
            NULL, '', '', returned_at + interval '1 hour', agency_id, receiving_unit_id,
            procedure_id
        FROM (SELECT *, random() AS r FROM dossiers_dossier WHERE returned_at IS NOT NULL) d
        WHERE r < 0.3
        """,
        {"scheme": EvaluationScheme.objects.values_list("pk", flat=True).first()},
    )


RAW_DASHBOARD = [
    # today's tiles
    "SELECT count(*) FILTER (WHERE received_at >= %(today)s AND received_at < %(tomorrow)s), "
    "count(*) FILTER (WHERE finished_at >= %(today)s AND finished_at < %(tomorrow)s), "
    "count(*) FILTER (WHERE returned_at >= %(today)s AND returned_at < %(tomorrow)s) "
    "FROM dossiers_dossier d JOIN org_unit u ON u.id = d.agency_id WHERE u.path LIKE %(path)s",
    # pending, overdue, due soon
    "SELECT count(*), count(*) FILTER (WHERE due_at < %(now)s) FROM dossiers_dossier d "
    "JOIN org_unit u ON u.id = d.agency_id WHERE u.path LIKE %(path)s AND d.status = 'in_progress'",
    # 12-month trends
    "SELECT date_trunc('month', received_at AT TIME ZONE 'Asia/Ho_Chi_Minh'), count(*), "
    "count(*) FILTER (WHERE channel = 'online') FROM dossiers_dossier d "
    "JOIN org_unit u ON u.id = d.agency_id WHERE u.path LIKE %(path)s "
    "AND received_at >= %(year_ago)s GROUP BY 1",
    "SELECT date_trunc('month', finished_at AT TIME ZONE 'Asia/Ho_Chi_Minh'), count(*), "
    "count(*) FILTER (WHERE timeliness <> 'late') FROM dossiers_dossier d "
    "JOIN org_unit u ON u.id = d.agency_id WHERE u.path LIKE %(path)s "
    "AND finished_at >= %(year_ago)s GROUP BY 1",
    # slowest procedures and units, last three months
    "SELECT procedure_id, count(*), avg(finished_at - received_at) FROM dossiers_dossier d "
    "JOIN org_unit u ON u.id = d.agency_id WHERE u.path LIKE %(path)s "
    "AND finished_at >= %(quarter_ago)s GROUP BY 1 ORDER BY 3 DESC LIMIT 5",
    "SELECT agency_id, count(*), avg(finished_at - received_at) FROM dossiers_dossier d "
    "JOIN org_unit u ON u.id = d.agency_id WHERE u.path LIKE %(path)s "
    "AND finished_at >= %(quarter_ago)s GROUP BY 1 ORDER BY 3 DESC LIMIT 5",
    # slowest steps (calendar time, cheaper than the working days the rollup holds)
    "SELECT s.unit_id, s.role_id, count(*), count(*) FILTER (WHERE s.timeliness = 'late'), "
    "avg(s.finished_at - s.started_at) FROM dossiers_dossierstep s "
    "JOIN org_unit u ON u.id = s.unit_id WHERE u.path LIKE %(path)s "
    "AND s.finished_at >= %(quarter_ago)s AND s.timeliness <> '' GROUP BY 1, 2 "
    "ORDER BY 5 DESC LIMIT 5",
    # satisfaction trend
    "SELECT date_trunc('month', submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh'), count(*), "
    "count(*) FILTER (WHERE level <> 'dissatisfied') FROM feedback_evaluation e "
    "JOIN org_unit u ON u.id = e.agency_id WHERE u.path LIKE %(path)s "
    "AND submitted_at >= %(year_ago)s GROUP BY 1",
]
RAW_INDEX = [
    "SELECT count(*), count(*) FILTER (WHERE timeliness <> 'late'), "
    "sum(extract(epoch FROM finished_at - received_at)) FROM dossiers_dossier d "
    "JOIN org_unit u ON u.id = d.agency_id WHERE u.path LIKE %(path)s "
    "AND finished_at >= %(q_start)s AND finished_at < %(q_end)s AND timeliness <> ''",
    "SELECT count(*), count(*) FILTER (WHERE channel = 'online') FROM dossiers_dossier d "
    "JOIN org_unit u ON u.id = d.agency_id WHERE u.path LIKE %(path)s "
    "AND received_at >= %(q_start)s AND received_at < %(q_end)s",
    "SELECT count(*), count(*) FILTER (WHERE due_at < %(now)s) FROM dossiers_dossier d "
    "JOIN org_unit u ON u.id = d.agency_id WHERE u.path LIKE %(path)s AND d.status = 'in_progress' "
    "AND received_at >= %(q_start)s AND received_at < %(q_end)s",
    # 5.4: the ratings given in the quarter
    "SELECT count(*) FILTER (WHERE level = 'dissatisfied'), count(*) FROM feedback_evaluation e "
    "JOIN org_unit u ON u.id = e.agency_id WHERE u.path LIKE %(path)s "
    "AND submitted_at >= %(q_start)s AND submitted_at < %(q_end)s",
]
RAW_MONTHLY = [
    # The report holds the service index of its month: the same figures as the index page.
    *(q.replace("q_start", "m_start").replace("q_end", "m_end") for q in RAW_INDEX),
    # The units below and the slowest units (received, online, finished, on time, days).
    "SELECT agency_id, count(*) FILTER (WHERE received_at >= %(m_start)s AND received_at < %(m_end)s), "
    "count(*) FILTER (WHERE received_at >= %(m_start)s AND received_at < %(m_end)s "
    "AND channel = 'online'), "
    "count(*) FILTER (WHERE finished_at >= %(m_start)s AND finished_at < %(m_end)s), "
    "avg(finished_at - received_at) FILTER (WHERE finished_at >= %(m_start)s "
    "AND finished_at < %(m_end)s), "
    "count(*) FILTER (WHERE finished_at >= %(m_start)s AND finished_at < %(m_end)s AND timeliness <> 'late') "
    "FROM dossiers_dossier d JOIN org_unit u ON u.id = d.agency_id WHERE u.path LIKE %(path)s "
    "AND (received_at >= %(m_start)s AND received_at < %(m_end)s OR finished_at >= %(m_start)s "
    "AND finished_at < %(m_end)s) GROUP BY 1",
]


def _raw(queries: list[str], params: dict[str, Any]) -> Any:
    from django.db import connection

    def go() -> None:
        with connection.cursor() as cursor:
            for sql in queries:
                cursor.execute(sql, params)
                cursor.fetchall()

    return go


def inner() -> dict[str, Any]:
    import django

    django.setup()
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from motcua.core import clock
    from motcua.demo.synthetic import synthetic_world
    from motcua.indices.rollups import rollups_rebuild
    from motcua.org.models import Unit

    setup_test_environment()
    plan = json.loads(os.environ.get("BENCH_INDICES_PLAN") or "{}")
    meta: dict[str, Any] = {}
    if plan.get("reuse"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT meta FROM bench_indices_meta")
            meta = json.loads(cursor.fetchone()[0])
        province = Unit.objects.get(pk=meta["province_id"])
    else:
        began = time.perf_counter()
        world = synthetic_world(units=UNITS, procedures=10)
        meta["world_s"] = round(time.perf_counter() - began, 1)
        meta["load_s"] = round(_load(world, DOSSIERS), 1)
        meta["loaded_at"] = datetime.now(ZoneInfo("UTC")).isoformat(timespec="seconds")
        province = world.province
    counted = {}
    with connection.cursor() as cursor:
        for table in ("dossiers_dossier", "dossiers_dossierstep", "feedback_evaluation"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counted[table] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM dossiers_dossier WHERE finished_at IS NULL")
        counted["pending"] = cursor.fetchone()[0]
    if plan.get("rebuild", True):
        began = time.perf_counter()
        rollups_rebuild()
        meta["rebuild_s"] = round(time.perf_counter() - began, 1)
        meta["rebuilt_at"] = datetime.now(ZoneInfo("UTC")).isoformat(timespec="seconds")
    meta.update(
        province_id=province.pk, data_key=plan.get("data_key"), rollup_key=plan.get("rollup_key")
    )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_indices_meta (meta text NOT NULL)")
        cursor.execute("DELETE FROM bench_indices_meta")
        cursor.execute("INSERT INTO bench_indices_meta VALUES (%s)", [json.dumps(meta)])

    vn = ZoneInfo("Asia/Ho_Chi_Minh")
    now = datetime(2026, 11, 20, 9, tzinfo=vn)
    admin, _created = get_user_model().objects.get_or_create(
        username="bench.indices", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(admin)
    results = []
    ratios: dict[str, float] = {}
    today = datetime(2026, 11, 20, tzinfo=vn)
    params = {
        "path": province.path + "%",
        "now": now,
        "today": today,
        "tomorrow": today + timedelta(days=1),
        "year_ago": datetime(2025, 12, 1, tzinfo=vn),
        "quarter_ago": datetime(2026, 9, 1, tzinfo=vn),
        "q_start": datetime(2026, 7, 1, tzinfo=vn),
        "q_end": datetime(2026, 10, 1, tzinfo=vn),
        "m_start": datetime(2026, 7, 1, tzinfo=vn),
        "m_end": datetime(2026, 8, 1, tzinfo=vn),
    }
    cases = [
        ("dashboard", f"/chi-so/{province.pk}/", RAW_DASHBOARD),
        ("index_quarter", f"/chi-so/{province.pk}/chi-so-phuc-vu/?period=2026-Q3", RAW_INDEX),
        ("report_month", f"/chi-so/{province.pk}/bao-cao/?period=2026-07&format=xlsx", RAW_MONTHLY),
    ]
    with clock.frozen(now):
        for name, url, raw in cases:

            def page(url: str = url) -> None:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            page_ms = _time(page, REPEAT)
            raw_ms = _time(_raw(raw, params), max(5, REPEAT // 4))
            p95, raw_p95 = _p95(page_ms), _p95(raw_ms)
            results += [
                {"metric": f"{name} p95", "value": round(p95, 1), "unit": "ms"},
                {
                    "metric": f"{name} median",
                    "value": round(statistics.median(page_ms), 1),
                    "unit": "ms",
                },
                {"metric": f"{name} raw GROUP BY p95", "value": round(raw_p95, 1), "unit": "ms"},
            ]
            ratios[f"{name}: raw p95 / page p95 (target ≥ {TARGET_RATIO:g})"] = round(
                raw_p95 / p95, 1
            )
    reused = " (reused database)" if plan.get("reuse") else ""
    kept = " (rollups of the reused database)" if not plan.get("rebuild", True) else ""
    results += [
        {"metric": "dossiers", "value": counted["dossiers_dossier"], "unit": "rows"},
        {"metric": "dossiers still being handled", "value": counted["pending"], "unit": "rows"},
        {"metric": "steps", "value": counted["dossiers_dossierstep"], "unit": "rows"},
        {"metric": "ratings", "value": counted["feedback_evaluation"], "unit": "rows"},
        {"metric": "wards", "value": UNITS, "unit": "units"},
        {"metric": f"world (synthetic_world){reused}", "value": meta["world_s"], "unit": "s"},
        {"metric": f"bulk load (INSERT … SELECT){reused}", "value": meta["load_s"], "unit": "s"},
        {"metric": f"rollups rebuild{kept}", "value": meta.get("rebuild_s"), "unit": "s"},
    ]
    return {
        "name": "indices",
        "results": results,
        "ratios": ratios,
        "targets": {"p95_ms": TARGET_P95_MS, "ratio": TARGET_RATIO},
    }


if __name__ == "__main__" and "--inner" in sys.argv:
    print(json.dumps(inner(), ensure_ascii=False))
