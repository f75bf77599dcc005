"""Benchmark a province-wide quiz round: people start, answer and submit through the HTTP app.

On PostgreSQL (``QUIZ_BENCH_DATABASE_URL``, by default ``motcua_bench_quizzes`` on
127.0.0.1:5432, kept between runs) a quiz with a 60-question bank and an open round
(10 questions per attempt) is set up. The app runs under granian WSGI (2 workers × 8
blocking threads, persistent connections, DEBUG off, the rate limits counted in Redis
(``QUIZ_BENCH_REDIS_URL``, db 14 on 127.0.0.1:6379) when it answers, else in the database
cache) on 127.0.0.1, with the per-address limits
raised (``bench/quiz_settings.py``: every simulated person comes from 127.0.0.1).

Each person opens the round's page (the CSRF cookie), POSTs the start form, opens the
attempt's page (every question on it), POSTs each of the 10 answers alone to the
background-save address as the page's script does when answers are given one by one,
POSTs the submission (every answer and the prediction) and follows it to the result page:
15 requests, no think time. An asyncio HTTP/1.1 client in its own
process plays them twice:

- closed loop, the maximum rate: ``QUIZ_BENCH_PEOPLE`` people (default 300) over
  ``QUIZ_BENCH_CONCURRENCY`` (16) keep-alive connections;
- paced (open loop), the latency at a given rate: for each rate of ``QUIZ_BENCH_RATES``
  (people per second, default ``100``, the issue's target), people arrive on schedule for
  ``QUIZ_BENCH_PACED_SECONDS`` (10) seconds, each on a new connection, whatever the
  server's backlog; ``generator_late_p99`` says whether the generator kept its schedule.

Reported: submissions per second, the p50/p99 of the start and submit POSTs (the answer
POSTs too), the CPU per request of the server's processes and of the generator, and the
machine's load average before and after. Before the load, ``--profile`` walks
``QUIZ_BENCH_PROFILE_PEOPLE`` (30) people through the WSGI app in one process and
reports each kind of request's median CPU time and SQL statements.

The raw ceiling, in the same run: the same statements per person issued directly with
psycopg from the same number of connections, in the app's transactions (start: the
participant and attempt INSERTs; ten answer UPDATEs; submission: lock, answer key, UPDATE,
ten-row INSERT).

Ranking: a closed round with ``QUIZ_BENCH_RANKING_ATTEMPTS`` attempts (default 100,000;
created once and kept). Three times: the stored ranking is dropped, the ranking is
computed on read as before ADR 0018's amendment (``ranking_on_read_*``: whole, first 200
rows), then stored as at the close (``ranking_store_seconds``: ``services.round_rank``),
then read back as the pages do (first 200 rows, a page in the middle, one person's place);
medians. Targets (reported, never asserted): p99 ≤ 200 ms at 100 submissions per second;
ranking 100,000 attempts ≤ 2 s.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import socket
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
DB_URL = os.environ.get("QUIZ_BENCH_DATABASE_URL") or (
    "postgres://postgres@127.0.0.1:5432/motcua_bench_quizzes"
)
DB_NAME = DB_URL.rsplit("/", 1)[1].split("?", 1)[0]
PG_SERVER = "postgresql://" + DB_URL.split("://", 1)[1].rsplit("/", 1)[0]
PEOPLE = int(os.environ.get("QUIZ_BENCH_PEOPLE", "300"))
CONCURRENCY = int(os.environ.get("QUIZ_BENCH_CONCURRENCY", "16"))
RANKING_ATTEMPTS = int(os.environ.get("QUIZ_BENCH_RANKING_ATTEMPTS", "100000"))
RATES = [float(r) for r in os.environ.get("QUIZ_BENCH_RATES", "100").split(",") if r.strip()]
PACED_SECONDS = float(os.environ.get("QUIZ_BENCH_PACED_SECONDS", "10"))
PROFILE_PEOPLE = int(os.environ.get("QUIZ_BENCH_PROFILE_PEOPLE", "30"))
QUESTIONS = 10
BANK = 60
WORKERS = 2
THREADS = 8
TARGET_RATE = 100.0
TARGET_P99_MS = 200.0
TARGET_RANKING_S = 2.0
BENCH_TITLE = "Benchmark quiz"


# --- setup (a subprocess with Django configured) --------------------------------------------------


def _setup() -> dict[str, Any]:
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from motcua.core import clock
    from motcua.org.models import Role, Unit, UnitKind
    from motcua.org.services import role_assignment_create, unit_create
    from motcua.quizzes.models import Attempt, Participant, Question, Quiz, Round
    from motcua.quizzes.selectors import round_participants, round_ranking
    from motcua.quizzes.services import (
        RoundInput,
        quiz_create,
        quiz_unit_save,
        round_create,
        round_rank,
    )

    now = clock.now()
    quiz = Quiz.objects.filter(title=BENCH_TITLE).first()
    if quiz is None:
        with transaction.atomic():
            province = Unit.objects.filter(name="Tỉnh Benchmark").first() or unit_create(
                actor="bench", name="Tỉnh Benchmark", kind=UnitKind.objects.get(code="province")
            )
            user = get_user_model().objects.create_user("bench.quiz")
            role_assignment_create(
                actor="bench",
                user=user,
                role=Role.objects.get(code="reform_officer"),
                unit=province,
            )
            quiz = quiz_create(actor=user, unit=province, title=BENCH_TITLE)
            Question.objects.bulk_create(
                Question(
                    quiz=quiz,
                    topic=f"Chủ đề {i % 6}",
                    text=f"Câu hỏi thử số {i}?",
                    options=[f"Phương án {c} của câu {i}" for c in "ABCD"],
                    correct_index=i % 4,
                )
                for i in range(BANK)
            )
            for n in range(20):
                ward = unit_create(
                    actor="bench",
                    name=f"Xã Thử {n}",
                    kind=UnitKind.objects.get(code="commune"),
                    parent=province,
                )
                quiz_unit_save(actor=user, quiz=quiz, unit=ward, population=20000, staff=30)
    user = get_user_model().objects.get(username="bench.quiz")
    live = round_create(
        actor=user,
        quiz=quiz,
        data=RoundInput(
            title=f"Tuần tải {now:%H%M%S}",
            opens_at=now - timedelta(minutes=1),
            closes_at=now + timedelta(hours=2),
            question_count=QUESTIONS,
            time_limit_seconds=1800,
            attempts_per_person=0,
        ),
    )
    ranked = Round.objects.filter(quiz=quiz, title="Tuần xếp hạng").first()
    if ranked is None or Attempt.objects.filter(round=ranked).count() != RANKING_ATTEMPTS:
        if ranked is not None:
            ranked.delete()
        ranked = round_create(
            actor=user,
            quiz=quiz,
            data=RoundInput(
                title="Tuần xếp hạng",
                opens_at=now - timedelta(days=8),
                closes_at=now - timedelta(days=1),
                question_count=QUESTIONS,
            ),
        )
        _fill_ranking_round(ranked, Participant, Attempt)
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give them
        cursor.execute("ANALYZE quizzes_attempt")
        cursor.execute("ANALYZE quizzes_participant")
    timings = []
    top_timings = []
    store_timings = []
    page_timings: dict[str, list[float]] = {"page": [], "deep": [], "phone": []}
    for _ in range(3):
        # The close: the stored ranking is dropped first (outside the timing), as at a first close.
        Round.objects.filter(pk=ranked.pk).update(ranked_at=None)
        with connection.cursor() as cursor:
            # Plain SQL: the ORM would delete the rows one batch at a time
            # (post_delete has receivers for every model).
            cursor.execute("DELETE FROM quizzes_rankingentry WHERE round_id = %s", [ranked.pk])
            cursor.execute("VACUUM ANALYZE quizzes_rankingentry")
        ranked.refresh_from_db()
        began = time.perf_counter()
        rows = round_ranking(ranked, participants=round_participants(ranked))
        timings.append(time.perf_counter() - began)
        began = time.perf_counter()
        round_ranking(ranked, participants=round_participants(ranked), limit=200)
        top_timings.append(time.perf_counter() - began)
        began = time.perf_counter()
        round_rank(ranked)
        store_timings.append(time.perf_counter() - began)
        for label, kwargs in (
            ("page", {"limit": 200}),
            ("deep", {"limit": 100, "offset": len(rows) // 2}),
            ("phone", {"phone": rows[len(rows) // 3].phone}),
        ):
            began = time.perf_counter()
            page = round_ranking(ranked, **kwargs)  # type: ignore[arg-type]
            page_timings[label].append(time.perf_counter() - began)
            assert page, label
    assert round_ranking(ranked, limit=200) == rows[:200]
    connection.close()
    return {
        "round_id": live.pk,
        "ranking_attempts": Attempt.objects.filter(round=ranked).count(),
        "ranked_people": len(rows),
        "ranking_seconds": sorted(timings)[1],
        "ranking_top_seconds": sorted(top_timings)[1],
        "ranking_store_seconds": sorted(store_timings)[1],
        "ranking_page_ms": sorted(page_timings["page"])[1] * 1000,
        "ranking_deep_page_ms": sorted(page_timings["deep"])[1] * 1000,
        "ranking_phone_ms": sorted(page_timings["phone"])[1] * 1000,
        "quiz_id": quiz.pk,
    }


def _fill_ranking_round(ranked: Any, participant_model: Any, attempt_model: Any) -> None:
    """Insert RANKING_ATTEMPTS submitted attempts of about 0.7 × as many people (kept)."""
    from datetime import timedelta

    rng = random.Random(14)  # benchmark data
    people = max(1, int(RANKING_ATTEMPTS * 0.7))
    batch = 5000
    phone_base = 900_000_000 + ranked.pk * 1_000_000
    created: list[Any] = []
    for start in range(0, people, batch):
        created += participant_model.objects.bulk_create(
            participant_model(
                quiz_id=ranked.quiz_id,
                name=f"Người thi {i}",
                name_key=f"nguoi thi {i}",
                phone=f"0{phone_base + i}",
                created_at=ranked.opens_at,
            )
            for i in range(start, min(people, start + batch))
        )
    numbers: dict[int, int] = {}
    rows = []
    for n in range(RANKING_ATTEMPTS):
        person = created[n if n < people else rng.randrange(people)]
        numbers[person.pk] = numbers.get(person.pk, 0) + 1
        began = ranked.opens_at + timedelta(seconds=rng.randrange(6 * 86400))
        seconds = rng.randrange(60, 900)
        rows.append(
            attempt_model(
                round_id=ranked.pk,
                participant_id=person.pk,
                phone=person.phone,
                number=numbers[person.pk],
                token=f"r{ranked.pk}-{n}",
                status="submitted",
                layout=[],
                answers={},
                prediction=rng.randrange(50_000, 90_000),
                started_at=began,
                deadline_at=began + timedelta(seconds=900),
                submitted_at=began + timedelta(seconds=seconds),
                duration_ms=seconds * 1000 + rng.randrange(1000),
                correct=rng.randrange(0, QUESTIONS + 1),
            )
        )
        if len(rows) == batch:
            attempt_model.objects.bulk_create(rows)
            rows = []
    if rows:
        attempt_model.objects.bulk_create(rows)


# --- load generator (a separate process) ----------------------------------------------------------


class Client:
    """One keep-alive HTTP/1.1 connection with a cookie jar."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def request(
        self, method: str, path: str, form: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        body = urlencode(form).encode() if form is not None else b""
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: vi\r\n"
            f"User-Agent: motcua-bench\r\nCookie: {cookie}\r\n"
        )
        if form is not None:
            head += (
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\n"
            )
        assert self.writer is not None and self.reader is not None
        self.writer.write(head.encode() + b"\r\n" + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        length = 0
        chunked = False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
            elif name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            headers[name] = value
        data = b""
        if chunked:
            while True:
                size = int((await self.reader.readline()).strip().split(b";")[0], 16)
                data += (await self.reader.readexactly(size + 2))[:size]
                if size == 0:
                    break
        elif length:
            data = await self.reader.readexactly(length)
        return status, headers, data


async def _person(
    client: Client, round_id: int, n: int, figures: dict[str, list[float]], statuses: dict[int, int]
) -> None:
    rng = random.Random(n)  # load data
    client.cookies.clear()

    async def timed(
        kind: str, method: str, path: str, form: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        began = time.perf_counter()
        status, headers, body = await client.request(method, path, form)
        figures.setdefault(kind, []).append(time.perf_counter() - began)
        statuses[status] = statuses.get(status, 0) + 1
        return status, headers, body

    round_path = f"/thi-truc-tuyen/tuan/{round_id}/"
    await timed("round_page", "GET", round_path)
    token = client.cookies.get("csrftoken", "")
    status, headers, _body = await timed(
        "start",
        "POST",
        round_path,
        {
            "csrfmiddlewaretoken": token,
            "name": f"Người dự thi {n}",
            "phone": f"08{n % 100_000_000:08d}",
        },
    )
    if status != 302:
        return
    attempt_path = headers["location"]
    await timed("attempt_page", "GET", attempt_path)
    answers: dict[str, Any] = {}
    for position in range(QUESTIONS):
        # What the page's script sends as each answer is given: that answer alone.
        answers[f"c{position}"] = rng.randrange(4)
        await timed(
            "answer",
            "POST",
            f"{attempt_path}luu/",
            {"csrfmiddlewaretoken": token, f"c{position}": answers[f"c{position}"]},
        )
    status, headers, _body = await timed(
        "submit",
        "POST",
        attempt_path,
        {
            "csrfmiddlewaretoken": token,
            "action": "submit",
            **answers,
            "prediction": rng.randrange(100, 20000),
        },
    )
    if status == 302:
        figures.setdefault("submitted", []).append(time.perf_counter())
        await timed("result_page", "GET", headers["location"])


def _load(
    port: int, round_id: int, people: int, concurrency: int, offset: int, rate: float = 0.0
) -> dict[str, Any]:
    """Play ``people`` people; closed loop over ``concurrency`` connections, or paced at ``rate``.

    Paced (open loop): person ``i`` arrives at ``i / rate`` seconds on their
    own new connection, whatever the server's backlog, so a slow server
    shows in the latencies instead of slowing the arrivals. ``late_ms_p99``
    says how late the generator itself started people (its own saturation);
    ``cpu_ms_per_request`` is the generator's own CPU.
    """
    figures: dict[str, list[float]] = {}
    statuses: dict[int, int] = {}
    queue = list(range(offset, offset + people))
    late: list[float] = []

    async def user() -> None:
        client = Client(port)
        await client.connect()
        while queue:
            n = queue.pop()
            try:
                await _person(client, round_id, n, figures, statuses)
            except (ConnectionError, asyncio.IncompleteReadError):
                statuses[0] = statuses.get(0, 0) + 1
                await client.connect()

    async def arrival(n: int, due: float) -> None:
        late.append(max(0.0, time.perf_counter() - due))
        client = Client(port)
        try:
            await client.connect()
            await _person(client, round_id, n, figures, statuses)
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            statuses[0] = statuses.get(0, 0) + 1
        finally:
            if client.writer is not None:
                client.writer.close()

    async def paced() -> None:
        began = time.perf_counter()
        tasks = []
        for i, n in enumerate(queue):
            due = began + i / rate
            pause = due - time.perf_counter()
            if pause > 0:
                await asyncio.sleep(pause)
            tasks.append(asyncio.create_task(arrival(n, due)))
        await asyncio.gather(*tasks)

    async def closed() -> None:
        await asyncio.gather(*(user() for _ in range(concurrency)))

    began = time.perf_counter()
    cpu = time.process_time()
    asyncio.run(paced() if rate > 0 else closed())
    elapsed = time.perf_counter() - began
    cpu = time.process_time() - cpu
    requests = sum(statuses.values())
    out: dict[str, Any] = {
        "elapsed": elapsed,
        "statuses": statuses,
        "rate": rate,
        "cpu_ms_per_request": cpu / requests * 1000 if requests else 0.0,
        "late_ms_p99": sorted(late)[int(0.99 * len(late))] * 1000 if late else 0.0,
    }
    out["submitted"] = len(figures.pop("submitted", []))
    for kind, values in figures.items():
        values.sort()
        out[kind] = {
            "count": len(values),
            "p50_ms": values[len(values) // 2] * 1000,
            "p99_ms": values[min(len(values) - 1, int(0.99 * len(values)))] * 1000,
        }
    return out


# --- in-process cost per request (a subprocess with Django configured) ----------------------------


def _profile(round_id: int, people: int) -> dict[str, Any]:
    """Walk ``people`` through the flow by calling the WSGI app in this process.

    Return the median CPU milliseconds and the SQL statements of each kind
    of request: what each request costs the app alone, without HTTP,
    granian or the load generator.
    """
    import io
    from http.cookies import SimpleCookie

    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    app = WSGIHandler()
    cpu: dict[str, list[float]] = {}
    statements: dict[str, int] = {}
    current = [""]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements[current[0]] = statements.get(current[0], 0) + 1
        return execute(sql, params, many, context)

    def call(kind: str, cookies: dict[str, str], method: str, path: str, form: Any = None) -> Any:
        path, _, query = path.partition("?")
        body = urlencode(form).encode() if form is not None else b""
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_ACCEPT_LANGUAGE": "vi",
            "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        answer: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc: Any = None) -> None:
            answer["status"] = int(status.split()[0])
            answer["headers"] = headers

        current[0] = kind
        began = time.process_time()
        b"".join(app(environ, start_response))
        cpu.setdefault(kind, []).append(time.process_time() - began)
        current[0] = ""
        location = ""
        for name, value in answer["headers"]:
            if name.lower() == "set-cookie":
                jar: SimpleCookie = SimpleCookie()
                jar.load(value)
                cookies.update({m.key: m.value for m in jar.values()})
            elif name.lower() == "location":
                location = value
        return answer["status"], location

    def person(n: int) -> None:
        rng = random.Random(n)  # load data
        cookies: dict[str, str] = {}
        round_path = f"/thi-truc-tuyen/tuan/{round_id}/"
        call("round_page", cookies, "GET", round_path)
        token = cookies["csrftoken"]
        form = {"csrfmiddlewaretoken": token, "name": f"Người đo {n}", "phone": f"03{n:08d}"}
        status, attempt = call("start", cookies, "POST", round_path, form)
        assert status == 302, status
        call("attempt_page", cookies, "GET", attempt)
        answers = {}
        for position in range(QUESTIONS):
            answers[f"c{position}"] = rng.randrange(4)
            choice = {"csrfmiddlewaretoken": token, f"c{position}": answers[f"c{position}"]}
            call("answer", cookies, "POST", f"{attempt}luu/", choice)
        prediction = {"csrfmiddlewaretoken": token, "action": "submit", **answers}
        prediction["prediction"] = rng.randrange(100, 20000)
        status, result = call("submit", cookies, "POST", attempt, prediction)
        assert status == 302, status
        call("result_page", cookies, "GET", result)

    base = int(time.time()) % 1_000_000 * 100
    for i in range(5):  # warm up: imports, templates, the bank, prepared statements
        person(base + i)
    cpu.clear()
    with connection.execute_wrapper(count):
        for i in range(people):
            person(base + 10 + i)
    connection.close()
    out: dict[str, Any] = {}
    for kind, values in cpu.items():
        values.sort()
        out[kind] = {
            "cpu_ms": round(values[len(values) // 2] * 1000, 2),
            "statements": round(statements.get(kind, 0) / len(values), 1),
        }
    out["cpu_ms_per_person"] = round(sum(map(sum, cpu.values())) / people * 1000, 1)
    return out


def _server_cpu(pid: int) -> float:
    """Return the CPU seconds used so far by process ``pid`` and its children (Linux /proc)."""
    pids = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                pids += [int(child) for child in children.read().split()]
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for each in pids:
        try:
            with open(f"/proc/{each}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except OSError:
            continue
    return total


# --- raw ceiling -----------------------------------------------------------------------------------


def _raw_ceiling(quiz_id: int, round_id: int, people: int, connections: int) -> dict[str, Any]:
    """The same statements per person straight through psycopg, in the app's transactions."""
    import psycopg
    from psycopg.types.json import Jsonb

    lock = threading.Lock()
    starts: list[float] = []
    submits: list[float] = []
    queue = list(range(people))
    with psycopg.connect(f"{PG_SERVER}/{DB_NAME}", autocommit=True) as conn:
        bank = [
            row[0]
            for row in conn.execute("SELECT id FROM quizzes_question WHERE quiz_id = %s", [quiz_id])
        ]

    def worker() -> None:
        rng = random.Random()  # load data
        my_starts: list[float] = []
        my_submits: list[float] = []
        with psycopg.connect(f"{PG_SERVER}/{DB_NAME}", autocommit=True, prepare_threshold=1) as c:
            while True:
                with lock:
                    if not queue:
                        break
                    n = queue.pop()
                phone = f"07{n:08d}"
                began = time.perf_counter()
                drawn = rng.sample(bank, QUESTIONS)
                layout = [[q, rng.sample(range(4), 4)] for q in drawn]
                with c.transaction():
                    (pid,) = c.execute(
                        "INSERT INTO quizzes_participant (quiz_id, name, name_key, phone,"
                        " id_number, unit_id, created_at) VALUES (%s, %s, %s, %s, '', NULL, now())"
                        " ON CONFLICT (quiz_id, phone, name_key) DO NOTHING RETURNING id",
                        [quiz_id, f"Người {n}", f"nguoi {round_id} {n}", phone],
                    ).fetchone()
                    (aid,) = c.execute(
                        "INSERT INTO quizzes_attempt (round_id, participant_id, phone, token,"
                        " status, layout, answers, started_at, deadline_at, flagged, flag_reason,"
                        " disqualified_reason, address, number) SELECT %s, %s, %s, %s,"
                        " 'in_progress', %s, '{}', now(), now() + interval '30 minutes', false,"
                        " '', '', '127.0.0.1', COALESCE(MAX(number), 0) + 1 FROM quizzes_attempt"
                        " WHERE round_id = %s AND phone = %s RETURNING id",
                        [
                            round_id,
                            pid,
                            phone,
                            f"raw-{round_id}-{n}",
                            Jsonb(layout),
                            round_id,
                            phone,
                        ],
                    ).fetchone()
                my_starts.append(time.perf_counter() - began)
                for position in range(QUESTIONS):
                    c.execute(
                        "UPDATE quizzes_attempt SET answers = answers ||"
                        " jsonb_build_object(%s::text, %s::integer) WHERE id = %s"
                        " AND status = 'in_progress'",
                        [str(position), rng.randrange(4), aid],
                    )
                began = time.perf_counter()
                with c.transaction():
                    c.execute(
                        "SELECT id, answers, layout FROM quizzes_attempt WHERE id = %s FOR UPDATE",
                        [aid],
                    ).fetchone()
                    c.execute(
                        "SELECT id, correct_index FROM quizzes_question WHERE id = ANY(%s)",
                        [drawn],
                    ).fetchall()
                    c.execute(
                        "UPDATE quizzes_attempt SET status = 'submitted', submitted_at = now(),"
                        " duration_ms = 60000, prediction = 1, correct = 5 WHERE id = %s",
                        [aid],
                    )
                    values = ", ".join(["(%s, %s, %s, 0, false)"] * len(drawn))
                    c.execute(
                        "INSERT INTO quizzes_attemptanswer (attempt_id, round_id, question_id,"
                        f" chosen, is_correct) VALUES {values}",
                        [v for q in drawn for v in (aid, round_id, q)],
                    )
                my_submits.append(time.perf_counter() - began)
        with lock:
            starts.extend(my_starts)
            submits.extend(my_submits)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    starts.sort()
    submits.sort()

    def p99(values: list[float]) -> float:
        return values[min(len(values) - 1, int(0.99 * len(values)))] * 1000 if values else 0.0

    return {
        "rate": len(submits) / elapsed,
        "start_p99_ms": p99(starts),
        "submit_p99_ms": p99(submits),
    }


# --- the benchmark ---------------------------------------------------------------------------------

REDIS_URL = os.environ.get("QUIZ_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def _redis_up() -> bool:
    """Whether Redis answers: the rate limits then count there, as in production."""
    host_port = REDIS_URL.split("://", 1)[1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    try:
        with socket.create_connection((host, int(port or 6379)), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def run() -> dict[str, Any]:
    """Run the benchmark and return its figures (see the module docstring)."""
    problem = common.pg_problem(f"{PG_SERVER}/postgres", create=DB_NAME)
    if problem:
        return common.skipped("quizzes", problem)
    if not (BIN / "granian").exists():
        return common.skipped("quizzes", "granian is not installed in the virtual environment")
    data_dir = tempfile.mkdtemp(prefix="motcua-bench-quizzes-")
    env = common.django_env(
        DB_URL,
        data_dir,
        DJANGO_SETTINGS_MODULE="quiz_settings",
        PYTHONPATH=os.pathsep.join([str(HERE), str(ROOT / "src")]),
        REDIS_URL=REDIS_URL if _redis_up() else "",
    )
    load_before = os.getloadavg()[0]
    common.run_command([str(BIN / "motcua"), "migrate", "--noinput", "-v0"], env)
    began = time.perf_counter()
    world = json.loads(
        common.run_command([PYTHON, str(Path(__file__)), "--setup"], env).splitlines()[-1]
    )
    setup_seconds = time.perf_counter() - began
    profile = json.loads(
        common.run_command(
            [PYTHON, str(Path(__file__)), "--profile", str(world["round_id"]), str(PROFILE_PEOPLE)],
            env,
        ).splitlines()[-1]
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
    loads: list[dict[str, Any]] = []
    try:
        common.wait_ready(f"http://127.0.0.1:{port}", server)
        offset = int(time.time()) % 50_000_000
        _generate(port, world["round_id"], min(20, PEOPLE), CONCURRENCY, offset, env)  # warm-up
        runs = [(PEOPLE, 0.0)] + [(max(1, int(r * PACED_SECONDS)), r) for r in RATES]
        for people, rate in runs:
            offset += people + 1000
            cpu = _server_cpu(server.pid)
            load = _generate(port, world["round_id"], people, CONCURRENCY, offset, env, rate)
            load["server_cpu_ms_per_request"] = (
                (_server_cpu(server.pid) - cpu) / max(1, sum(load["statuses"].values())) * 1000
            )
            load["people"] = people
            loads.append(load)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            os.killpg(server.pid, signal.SIGKILL)
    raw = _raw_ceiling(world["quiz_id"], world["round_id"], PEOPLE, CONCURRENCY)
    load_after = os.getloadavg()[0]
    closed, paced = loads[0], loads[1:]
    rate = closed["submitted"] / closed["elapsed"] if closed["elapsed"] else 0.0

    def figure(metric: str, value: float, unit: str) -> dict[str, Any]:
        return {"metric": metric, "value": round(value, 2 if unit == "s" else 1), "unit": unit}

    results = [
        figure("load_average_before", load_before, "load"),
        figure("load_average_after", load_after, "load"),
        {"metric": "people", "value": PEOPLE, "unit": "count"},
        figure("app_submissions_per_s", rate, "per_s"),
        figure("app_requests_per_s", sum(closed["statuses"].values()) / closed["elapsed"], "per_s"),
        figure("app_start_p50", closed["start"]["p50_ms"], "ms"),
        figure("app_start_p99", closed["start"]["p99_ms"], "ms"),
        figure("app_answer_p99", closed["answer"]["p99_ms"], "ms"),
        figure("app_submit_p50", closed["submit"]["p50_ms"], "ms"),
        figure("app_submit_p99", closed["submit"]["p99_ms"], "ms"),
        {"metric": "app_not_submitted", "value": PEOPLE - closed["submitted"], "unit": "count"},
        figure("server_cpu_ms_per_request", closed["server_cpu_ms_per_request"], "ms"),
        figure("generator_cpu_ms_per_request", closed["cpu_ms_per_request"], "ms"),
    ]
    for load in paced:
        tag = f"paced_{load['rate']:g}_per_s"
        done = load["submitted"] / load["elapsed"] if load["elapsed"] else 0.0
        results += [
            {"metric": f"{tag}_people", "value": load["people"], "unit": "count"},
            figure(f"{tag}_submissions_per_s", done, "per_s"),
            figure(f"{tag}_start_p99", load["start"]["p99_ms"], "ms"),
            figure(f"{tag}_answer_p99", load["answer"]["p99_ms"], "ms"),
            figure(f"{tag}_submit_p99", load["submit"]["p99_ms"], "ms"),
            figure(f"{tag}_generator_late_p99", load["late_ms_p99"], "ms"),
            figure(f"{tag}_server_cpu_ms_per_request", load["server_cpu_ms_per_request"], "ms"),
            {"metric": f"{tag}_failed", "value": load["statuses"].get(0, 0), "unit": "count"},
        ]
    for kind in ("round_page", "start", "attempt_page", "answer", "submit", "result_page"):
        results += [
            figure(f"in_process_{kind}_cpu", profile[kind]["cpu_ms"], "ms"),
            figure(f"in_process_{kind}_statements", profile[kind]["statements"], "count"),
        ]
    results += [
        figure("in_process_cpu_per_person", profile["cpu_ms_per_person"], "ms"),
        figure("raw_submissions_per_s", raw["rate"], "per_s"),
        figure("raw_start_p99", raw["start_p99_ms"], "ms"),
        figure("raw_submit_p99", raw["submit_p99_ms"], "ms"),
        {"metric": "ranking_attempts", "value": world["ranking_attempts"], "unit": "count"},
        {"metric": "ranking_people", "value": world["ranked_people"], "unit": "count"},
        figure("ranking_store_seconds", world["ranking_store_seconds"], "s"),
        figure("ranking_page_200_ms", world["ranking_page_ms"], "ms"),
        figure("ranking_deep_page_ms", world["ranking_deep_page_ms"], "ms"),
        figure("ranking_own_place_ms", world["ranking_phone_ms"], "ms"),
        figure("ranking_on_read_seconds", world["ranking_seconds"], "s"),
        figure("ranking_on_read_top_200_seconds", world["ranking_top_seconds"], "s"),
        figure("setup_seconds", setup_seconds, "s"),
    ]
    ratios: dict[str, object] = {
        "submissions_vs_raw": round(rate / raw["rate"], 3) if raw["rate"] else 0,
        f"max_submissions_vs_target_{int(TARGET_RATE)}": round(rate / TARGET_RATE, 2),
        f"ranking_store_within_{int(TARGET_RANKING_S)}s": world["ranking_store_seconds"]
        <= TARGET_RANKING_S,
    }
    for load in paced:
        p99 = max(load["start"]["p99_ms"], load["submit"]["p99_ms"])
        ratios[f"paced_{load['rate']:g}_p99_within_{int(TARGET_P99_MS)}ms"] = p99 <= TARGET_P99_MS
    return {
        "name": "quizzes",
        "load_generator": f"asyncio HTTP/1.1 client in 1 process, 15 requests per person: closed "
        f"loop over {CONCURRENCY} keep-alive connections (the maximum rate), then paced open "
        f"loop at {', '.join(f'{r:g}' for r in RATES)} people/s for {PACED_SECONDS:g} s each "
        "(one new connection per person)",
        "server": f"granian WSGI, {WORKERS} workers x {THREADS} blocking threads, CONN_MAX_AGE=600",
        "raw": f"psycopg, {CONCURRENCY} threads, the same statements per person",
        "rate_limit_cache": "redis" if env["REDIS_URL"] else "database",
        "statuses": closed["statuses"],
        "results": results,
        "ratios": ratios,
    }


def _generate(
    port: int,
    round_id: int,
    people: int,
    concurrency: int,
    offset: int,
    env: dict[str, str],
    rate: float = 0.0,
) -> dict[str, Any]:
    out = common.run_command(
        [
            PYTHON,
            str(Path(__file__)),
            "--load",
            str(port),
            str(round_id),
            str(people),
            str(concurrency),
            str(offset),
            str(rate),
        ],
        env,
    )
    figures: dict[str, Any] = json.loads(out.splitlines()[-1])
    figures["statuses"] = {int(k): v for k, v in figures["statuses"].items()}
    return figures


if __name__ == "__main__":
    if sys.argv[1:2] == ["--setup"]:
        print(json.dumps(_setup()))
    elif sys.argv[1:2] == ["--profile"]:
        print(json.dumps(_profile(int(sys.argv[2]), int(sys.argv[3]))))
    elif sys.argv[1:2] == ["--load"]:
        port, round_id, people, concurrency, offset = (int(x) for x in sys.argv[2:7])
        print(json.dumps(_load(port, round_id, people, concurrency, offset, float(sys.argv[7]))))
    else:
        print(json.dumps(run(), indent=2))
