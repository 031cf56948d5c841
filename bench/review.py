"""Benchmark of spaced review: the reminder minute at province scale, and answering a review poll.

- selection: N learners with Q scheduled questions each (default 100,000 x 50: 5M schedule rows)
  in SQLite, a fifth of them due for a reminder in the same minute and holding questions due.
  Measured: the minute tick (the decision: outbox rows, due times moved on), then the review
  selection for every due learner as the sender does it at send time (the due and reviewed-today
  counts per claimed batch, through ``ix_review_cards_due``), and both together; the same-run
  baseline is an idle tick. RSS growth over both. ``--users`` and ``--questions`` shrink it.
- answer: the real bot process (``python -m bot run``) against the fake Bot API; each learner
  sends /ulas and answers the review polls as they come (each answer is followed by the next
  poll), against the bare echo bot in the same run (``bench/learning_loop.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from bench.learning_loop import (  # noqa: E402
    TOKEN,
    Figure,
    cpu_seconds,
    echo_baseline,
    rss_mb,
    spawn,
    stop,
    wait_count,
    wait_polling,
)
from bench.reminders import DUE, FIRST_CHAT, seed, settings_for  # noqa: E402
from bench.reminders import rss_mb as own_rss_mb  # noqa: E402
from bot.core.content import Catalog  # noqa: E402
from bot.core.content_loader import load_catalog  # noqa: E402
from bot.core.review import ReviewScheduler, fingerprint, local_midnight  # noqa: E402
from bot.emulator import FakeBotApi  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.store import review  # noqa: E402
from db.migrate import upgrade_to_head  # noqa: E402
from db.models import Employee, OutboundMessage, ReviewCard  # noqa: E402
from db.session import Database  # noqa: E402

DUE_PER_LEARNER = 8  # of a due learner's questions, this many are due today
SENDER_BATCH = 60  # what the sender claims and renders at once at 30 messages/s


def questions_of(catalog: Catalog, count: int) -> list[tuple[str, str, int, str]]:
    """``count`` real (module, question, version, fingerprint) of the shipped content."""
    found = [(m.id, q.id, m.version, fingerprint(q)) for m in catalog.ordered() for q in m.quiz][
        :count
    ]
    if len(found) < count:
        raise SystemExit(f"the content holds only {len(found)} questions")
    return found


async def seed_schedule(db: Database, catalog: Catalog, users: int, questions: int) -> None:
    """``questions`` schedule rows per learner, generated in SQL (a cross join): the first
    fifth of the learners (the ones due for a reminder) have ``DUE_PER_LEARNER`` due."""
    scheduler = ReviewScheduler(0.9, settings_for("sqlite://").tz)
    card = scheduler.enter(False, DUE - timedelta(days=3)).card
    due_learners = users // 5
    async with db.transaction() as s:
        await s.execute(
            text(
                "CREATE TEMPORARY TABLE bench_questions "
                "(n INTEGER, module_id TEXT, question_id TEXT, version INTEGER, fp TEXT)"
            )
        )
        await s.execute(
            text("INSERT INTO bench_questions VALUES (:n, :m, :q, :v, :f)"),
            [
                {"n": n, "m": m, "q": q, "v": v, "f": f}
                for n, (m, q, v, f) in enumerate(questions_of(catalog, questions))
            ],
        )
        await s.execute(
            text(
                "INSERT INTO review_cards (employee_id, module_id, question_id, content_version,"
                " fingerprint, card, due_at, reviews, lapses, created_at) "
                "SELECT e.id, b.module_id, b.question_id, b.version, b.fp, :card, "
                "CASE WHEN e.id <= :due_learners AND b.n < :due_each THEN :due_at "
                "ELSE :later END, 0, 0, :created FROM employees e CROSS JOIN bench_questions b"
            ),
            {
                "card": json.dumps(card),
                "due_learners": due_learners,
                "due_each": DUE_PER_LEARNER,
                "due_at": stored(local_midnight(DUE, scheduler.tz)),
                "later": stored(DUE + timedelta(days=9)),
                "created": stored(DUE - timedelta(days=3)),
            },
        )


def stored(at: datetime) -> str:
    """A UTC instant as the schema stores it on SQLite (naive, with microseconds)."""
    return at.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


async def selection_figures(users: int, questions: int) -> list[Figure]:
    due = users // 5
    catalog = load_catalog(ROOT / "content")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        db = Database(url)
        await upgrade_to_head(db.engine)
        await seed(db, users, due)
        started = time.perf_counter()
        await seed_schedule(db, catalog, users, questions)
        seeded = time.perf_counter() - started
        async with db.transaction() as s:
            rows = await s.scalar(select(func.count()).select_from(ReviewCard))
            await s.execute(text("ANALYZE"))
        clock_now = [DUE - timedelta(minutes=1)]
        svc = Services.build(settings_for(url), db, catalog, clock=lambda: clock_now[0])
        start = time.perf_counter()
        idle = await svc.reminders.tick()
        idle_ms = (time.perf_counter() - start) * 1000
        assert idle.enqueued == 0
        gc.collect()
        clock_now[0] = DUE + timedelta(seconds=20)
        before = own_rss_mb()
        start = time.perf_counter()
        report = await svc.reminders.tick()
        tick = time.perf_counter() - start
        async with db.transaction() as s:
            queued = list(
                (
                    await s.scalars(
                        select(OutboundMessage.employee_id).order_by(OutboundMessage.id)
                    )
                ).all()
            )
        # What the sender does for those rows: a batch at a time, the learners' review counts.
        now, midnight = clock_now[0], local_midnight(clock_now[0], svc.settings.tz)
        start = time.perf_counter()
        with_reviews = 0
        for first in range(0, len(queued), SENDER_BATCH):
            ids = [i for i in queued[first : first + SENDER_BATCH] if i is not None]
            async with db.transaction() as s:
                counts = await review.due_counts(s, ids, now)
                await review.reviewed_counts(s, list(counts), midnight)
            with_reviews += sum(1 for n in counts.values() if n)
        selection = time.perf_counter() - start
        grown = own_rss_mb() - before
        async with db.transaction() as s:
            learners = await s.scalar(select(func.count()).select_from(Employee))
        await db.dispose()
    assert report.enqueued == due == len(queued) == with_reviews, (report, due, with_reviews)
    label = f"{learners // 1000}k x {questions}"
    return [
        Figure(f"schedule rows seeded ({label})", float(rows or 0), "rows", f"{seeded:.0f} s"),
        Figure(f"tick, nothing due ({label})", idle_ms, "ms", "baseline"),
        Figure(f"tick, {due:,} due ({label})", tick, "s"),
        Figure(
            f"review selection, {due:,} learners ({label})",
            selection,
            "s",
            f"{len(queued) // SENDER_BATCH + 1} batches of {SENDER_BATCH}, as the sender",
        ),
        Figure(f"tick + review selection ({label})", tick + selection, "s", "target < 2 s"),
        Figure(f"RSS growth, tick + selection ({label})", grown, "MB", "target < 50 MB"),
    ]


# --- answering review polls ----------------------------------------------------------------------
async def seed_reviewers(url: str, users: int, catalog: Catalog) -> None:
    """Registered learners, each with six scheduled questions due now."""
    db = Database(url)
    await upgrade_to_head(db.engine)
    now = datetime.now(UTC)
    scheduler = ReviewScheduler(0.9, settings_for(url).tz)
    card = scheduler.enter(False, now - timedelta(days=3)).card
    questions = questions_of(catalog, 6)
    async with db.transaction() as s:
        await s.execute(
            insert(Employee),
            [
                {
                    "telegram_id": FIRST_CHAT + i,
                    "nip": str(198_609_262_015_050_000 + i),
                    "name": f"Pegawai {i}",
                    "opd_code": "3328",
                    "kind": "PNS",
                    "is_active": True,
                    "consent_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(users)
            ],
        )
        await s.execute(
            insert(ReviewCard),
            [
                {
                    "employee_id": i + 1,
                    "module_id": m,
                    "question_id": q,
                    "content_version": v,
                    "fingerprint": f,
                    "card": card,
                    "due_at": now - timedelta(days=1),
                    "reviews": 0,
                    "lapses": 0,
                    "created_at": now,
                }
                for i in range(users)
                for m, q, v, f in questions
            ],
        )
    await db.dispose()


async def answer_figures(users: int) -> list[Figure]:
    catalog = load_catalog(ROOT / "content")
    async with FakeBotApi(token=TOKEN) as fake:
        echo, echo_cpu = await echo_baseline(fake, users, users * 4)
        figures = [
            Figure("echo bot baseline (PTB defaults)", echo, "updates/s"),
            Figure("echo bot, CPU per update", echo_cpu, "µs"),
        ]
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/review.db"
            await seed_reviewers(url, users, catalog)
            env = {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_BASE_URL": fake.base_url,
                "DATABASE_URL": url,
                "SINAU_LOG_LEVEL": "WARNING",
            }
            since = len(fake.calls)
            proc = spawn([sys.executable, "-m", "bot", "run"], env)
            try:
                await wait_polling(fake, since)
                people = [fake.user(FIRST_CHAT + i, first_name=f"P{i}") for i in range(users)]
                mark = len(fake.calls)
                for person in people:
                    person.send_text("/ulas")
                await wait_count(fake, "sendPoll", mark, users, limit=300)
                per_session = 5
                total = users * per_session
                answered = 0
                index = len(fake.calls)
                pending = [c for c in fake.calls[mark:] if c.method == "sendPoll" and c.response_ok]
                start = time.perf_counter()
                cpu = cpu_seconds(proc.pid)
                deadline = start + 600
                while answered < total and time.perf_counter() < deadline:
                    for call in pending:
                        poll = call.result["poll"]
                        chat = int(call.params["chat_id"])
                        fake.user(chat).answer_poll(poll["id"], poll["correct_option_ids"])
                        answered += 1
                    pending = []
                    calls = fake.calls
                    while index < len(calls):
                        if calls[index].method == "sendPoll" and calls[index].response_ok:
                            pending.append(calls[index])
                        index += 1
                    if not pending:
                        await asyncio.sleep(0.002)
                # The last answers produce the results (after the intros): wait for them all.
                await wait_count(fake, "sendMessage", mark, users * 2, limit=300)
                rate = answered / (time.perf_counter() - start)
                answer_cpu = (cpu_seconds(proc.pid) - cpu) / answered * 1e6
                figures.append(
                    Figure(
                        "answer a review poll",
                        rate,
                        "updates/s",
                        f"{rate / echo:.2f}x echo (target >= 1.5x)",
                    )
                )
                figures.append(
                    Figure(
                        "answer a review poll, bot CPU per update",
                        answer_cpu,
                        "µs",
                        f"echo's is {echo_cpu / answer_cpu:.2f}x this",
                    )
                )
                figures.append(Figure(f"RSS after {answered} answers", rss_mb(proc.pid), "MB"))
                if fake.violations:
                    figures.append(
                        Figure(
                            "Bot API violations",
                            len(fake.violations),
                            "calls",
                            fake.violations[0][:80],
                        )
                    )
            finally:
                await stop(proc)
    return figures


async def main(users: int, questions: int, answer_users: int) -> list[Figure]:
    figures = await selection_figures(users, questions)
    figures += await answer_figures(answer_users)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100_000, help="learners in the schedule")
    parser.add_argument("--questions", type=int, default=50, help="scheduled questions each")
    parser.add_argument("--answer-users", type=int, default=1000, help="learners answering")
    parser.add_argument("--only", choices=("selection", "answer"), default=None)
    args = parser.parse_args()
    if args.only == "selection":
        rows = asyncio.run(selection_figures(args.users, args.questions))
    elif args.only == "answer":
        rows = asyncio.run(answer_figures(args.answer_users))
    else:
        rows = asyncio.run(main(args.users, args.questions, args.answer_users))
    for f in rows:
        print(f"{f.name:48} {f.value:12.2f} {f.unit:9} {f.note}")
