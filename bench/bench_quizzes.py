"""Benchmark a province-wide quiz round: people start, answer and submit through the HTTP app.

On PostgreSQL (``QUIZ_BENCH_DATABASE_URL``, by default ``motcua_bench_quizzes`` on
127.0.0.1:5432, kept between runs) a quiz with a 60-question bank and an open round
(10 questions per attempt) is set up. The app runs under granian WSGI (2 workers × 8
blocking threads, persistent connections, DEBUG off, the rate limits counted in Redis
(``QUIZ_BENCH_REDIS_URL``, db 14 on 127.0.0.1:6379) when it answers, else in the database
cache) on 127.0.0.1, with the per-address limits
raised (``bench/quiz_settings.py``: every simulated person comes from 127.0.0.1).

Load: ``QUIZ_BENCH_PEOPLE`` people (default 300; the issue's figure is 10,000) are played
by ``QUIZ_BENCH_CONCURRENCY`` (16) keep-alive connections of an asyncio HTTP/1.1 client in
its own process. Each person opens the round's page (the CSRF cookie), POSTs the start
form, then for each of the 10 questions opens its page and POSTs an answer, then opens
the submit page and POSTs the prediction: 24 requests, closed loop, no think time.
Reported: submissions per second over the run, and the p50/p99 of the start POST and of
the submit POST (the answer POSTs too).

The raw ceiling, in the same run: the same writes per person issued directly with
psycopg from the same number of connections (INSERT participant and attempt; ten
UPDATEs of the answers; the submission's UPDATE and the ten-row INSERT of the
per-question results, each statement in its own transaction as the app does).

Ranking: a closed round with ``QUIZ_BENCH_RANKING_ATTEMPTS`` attempts (default 100,000;
created once and kept) is ranked with the SQL of ``quizzes.selectors.round_ranking``:
the whole ranking fetched into Python (``ranking_seconds``) and the first 200 rows, as the
results page and the API read it (``ranking_top_200_seconds``); medians of three runs. Targets (reported, never asserted): p99 ≤ 200 ms
at 100 submissions per second; ranking 100,000 attempts ≤ 2 s.
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
    from motcua.quizzes.services import RoundInput, quiz_create, quiz_unit_save, round_create

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
    for _ in range(3):
        began = time.perf_counter()
        participants = round_participants(ranked)
        rows = round_ranking(ranked, participants=participants)
        timings.append(time.perf_counter() - began)
        began = time.perf_counter()
        round_ranking(ranked, participants=round_participants(ranked), limit=200)
        top_timings.append(time.perf_counter() - began)
    connection.close()
    return {
        "round_id": live.pk,
        "ranking_attempts": Attempt.objects.filter(round=ranked).count(),
        "ranked_people": len(rows),
        "ranking_seconds": sorted(timings)[1],
        "ranking_top_seconds": sorted(top_timings)[1],
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
    for position in range(QUESTIONS):
        await timed("question_page", "GET", f"{attempt_path}?cau={position + 1}")
        await timed(
            "answer",
            "POST",
            attempt_path,
            {"csrfmiddlewaretoken": token, "position": position, "choice": rng.randrange(4)},
        )
    await timed("submit_page", "GET", f"{attempt_path}nop/")
    status, _headers, _body = await timed(
        "submit",
        "POST",
        f"{attempt_path}nop/",
        {"csrfmiddlewaretoken": token, "prediction": rng.randrange(100, 20000)},
    )
    if status == 302:
        figures.setdefault("submitted", []).append(time.perf_counter())


def _load(port: int, round_id: int, people: int, concurrency: int, offset: int) -> dict[str, Any]:
    figures: dict[str, list[float]] = {}
    statuses: dict[int, int] = {}
    queue = list(range(offset, offset + people))

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

    async def main() -> None:
        await asyncio.gather(*(user() for _ in range(concurrency)))

    began = time.perf_counter()
    asyncio.run(main())
    elapsed = time.perf_counter() - began
    out: dict[str, Any] = {"elapsed": elapsed, "statuses": statuses}
    out["submitted"] = len(figures.pop("submitted", []))
    for kind, values in figures.items():
        values.sort()
        out[kind] = {
            "count": len(values),
            "p50_ms": values[len(values) // 2] * 1000,
            "p99_ms": values[min(len(values) - 1, int(0.99 * len(values)))] * 1000,
        }
    return out


# --- raw ceiling -----------------------------------------------------------------------------------


def _raw_ceiling(quiz_id: int, round_id: int, people: int, connections: int) -> dict[str, Any]:
    """The same writes per person straight through psycopg, one statement per transaction."""
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
                (pid,) = c.execute(
                    "INSERT INTO quizzes_participant (quiz_id, name, name_key, phone, id_number,"
                    " unit_id, created_at) VALUES (%s, %s, %s, %s, '', NULL, now()) RETURNING id",
                    [quiz_id, f"Người {n}", f"nguoi {round_id} {n}", phone],
                ).fetchone()
                drawn = rng.sample(bank, QUESTIONS)
                layout = [[q, rng.sample(range(4), 4)] for q in drawn]
                (aid,) = c.execute(
                    "INSERT INTO quizzes_attempt (round_id, participant_id, phone, number, token,"
                    " status, layout, answers, started_at, deadline_at, flagged, flag_reason,"
                    " disqualified_reason, address) VALUES (%s, %s, %s, 1, %s, 'in_progress', %s,"
                    " '{}', now(), now() + interval '30 minutes', false, '', '', '127.0.0.1')"
                    " RETURNING id",
                    [round_id, pid, phone, f"raw-{round_id}-{n}", Jsonb(layout)],
                ).fetchone()
                my_starts.append(time.perf_counter() - began)
                answers: dict[str, int] = {}
                for position in range(QUESTIONS):
                    answers[str(position)] = rng.randrange(4)
                    c.execute(
                        "UPDATE quizzes_attempt SET answers = %s WHERE id = %s",
                        [Jsonb(answers), aid],
                    )
                began = time.perf_counter()
                with c.transaction():
                    c.execute(
                        "UPDATE quizzes_attempt SET status = 'submitted', submitted_at = now(),"
                        " duration_ms = 60000, prediction = 1, correct = 5 WHERE id = %s",
                        [aid],
                    )
                    with c.cursor() as cur:
                        cur.executemany(
                            "INSERT INTO quizzes_attemptanswer (attempt_id, round_id, question_id,"
                            " chosen, is_correct) VALUES (%s, %s, %s, 0, false)",
                            [(aid, round_id, q) for q in drawn],
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
    common.run_command([str(BIN / "motcua"), "migrate", "--noinput", "-v0"], env)
    began = time.perf_counter()
    world = json.loads(
        common.run_command([PYTHON, str(Path(__file__)), "--setup"], env).splitlines()[-1]
    )
    setup_seconds = time.perf_counter() - began
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
    try:
        common.wait_ready(f"http://127.0.0.1:{port}", server)
        offset = int(time.time()) % 50_000_000
        _generate(port, world["round_id"], min(20, PEOPLE), CONCURRENCY, offset, env)  # warm-up
        load = _generate(port, world["round_id"], PEOPLE, CONCURRENCY, offset + 1000, env)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            os.killpg(server.pid, signal.SIGKILL)
    raw = _raw_ceiling(world["quiz_id"], world["round_id"], PEOPLE, CONCURRENCY)
    rate = load["submitted"] / load["elapsed"] if load["elapsed"] else 0.0
    results = [
        {"metric": "people", "value": PEOPLE, "unit": "count"},
        {"metric": "app_submissions_per_s", "value": round(rate, 1), "unit": "per_s"},
        {"metric": "app_start_p50", "value": round(load["start"]["p50_ms"], 1), "unit": "ms"},
        {"metric": "app_start_p99", "value": round(load["start"]["p99_ms"], 1), "unit": "ms"},
        {"metric": "app_answer_p99", "value": round(load["answer"]["p99_ms"], 1), "unit": "ms"},
        {"metric": "app_submit_p50", "value": round(load["submit"]["p50_ms"], 1), "unit": "ms"},
        {"metric": "app_submit_p99", "value": round(load["submit"]["p99_ms"], 1), "unit": "ms"},
        {
            "metric": "app_requests_per_s",
            "value": round(sum(v for v in load["statuses"].values()) / load["elapsed"], 1),
            "unit": "per_s",
        },
        {"metric": "app_not_submitted", "value": PEOPLE - load["submitted"], "unit": "count"},
        {"metric": "raw_submissions_per_s", "value": round(raw["rate"], 1), "unit": "per_s"},
        {"metric": "raw_start_p99", "value": round(raw["start_p99_ms"], 2), "unit": "ms"},
        {"metric": "raw_submit_p99", "value": round(raw["submit_p99_ms"], 2), "unit": "ms"},
        {"metric": "ranking_attempts", "value": world["ranking_attempts"], "unit": "count"},
        {"metric": "ranking_people", "value": world["ranked_people"], "unit": "count"},
        {"metric": "ranking_seconds", "value": round(world["ranking_seconds"], 3), "unit": "s"},
        {
            "metric": "ranking_top_200_seconds",
            "value": round(world["ranking_top_seconds"], 3),
            "unit": "s",
        },
        {"metric": "setup_seconds", "value": round(setup_seconds, 1), "unit": "s"},
    ]
    p99 = max(load["start"]["p99_ms"], load["submit"]["p99_ms"])
    ratios: dict[str, object] = {
        "submissions_vs_raw": round(rate / raw["rate"], 3) if raw["rate"] else 0,
        f"submissions_vs_target_{int(TARGET_RATE)}": round(rate / TARGET_RATE, 2),
        f"p99_within_{int(TARGET_P99_MS)}ms": p99 <= TARGET_P99_MS,
        f"ranking_within_{int(TARGET_RANKING_S)}s": world["ranking_seconds"] <= TARGET_RANKING_S,
    }
    return {
        "name": "quizzes",
        "load_generator": f"asyncio HTTP/1.1 keep-alive client, {CONCURRENCY} connections, "
        "1 process, 24 requests per person (closed loop)",
        "server": f"granian WSGI, {WORKERS} workers x {THREADS} blocking threads, CONN_MAX_AGE=600",
        "raw": f"psycopg, {CONCURRENCY} threads, the same writes per person",
        "rate_limit_cache": "redis" if env["REDIS_URL"] else "database",
        "statuses": load["statuses"],
        "results": results,
        "ratios": ratios,
    }


def _generate(
    port: int, round_id: int, people: int, concurrency: int, offset: int, env: dict[str, str]
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
        ],
        env,
    )
    figures: dict[str, Any] = json.loads(out.splitlines()[-1])
    figures["statuses"] = {int(k): v for k, v in figures["statuses"].items()}
    return figures


if __name__ == "__main__":
    if sys.argv[1:2] == ["--setup"]:
        print(json.dumps(_setup()))
    elif sys.argv[1:2] == ["--load"]:
        port, round_id, people, concurrency, offset = (int(x) for x in sys.argv[2:7])
        print(json.dumps(_load(port, round_id, people, concurrency, offset)))
    else:
        print(json.dumps(run(), indent=2))
