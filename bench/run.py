"""Run every benchmark and print one table: ``python bench/run.py`` (``--only`` picks some).

Each benchmark drives the real bot process (or, for the reports, the real queries) and measures
its baseline in the same run, because these machines are noisy: the bare echo bot for the
learning loop, an idle tick for the reminder tick, the configured limit for send rates.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import broadcast, learning_loop, production, reminders, review  # noqa: E402
from bench.learning_loop import Figure  # noqa: E402

ALL = ("learning", "reminders", "review", "broadcast", "hours")
# Not in the default set: it needs a PostgreSQL server (SINAU_BENCH_POSTGRES_URL or
# SINAU_TEST_DATABASE_URL, e.g. under ./scripts/with-postgres).
EXTRA = ("production",)


def hours_figures(sizes: str) -> list[Figure]:
    """The report benchmark in its own process, so its peak RSS is its own."""
    out = (
        subprocess.run(
            [sys.executable, "bench/hours.py", "--sizes", sizes, "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    figures = []
    for r in json.loads(out):
        label = f"{r['employees'] // 1000}k employees"
        figures += [
            Figure(
                f"province recap, first query ({label})",
                r["recap"],
                "s",
                "reads the disk when not cached",
            ),
            Figure(
                f"province recap, again ({label})", r["recap_again"], "s", "target < 3 s at 300k"
            ),
            Figure(
                f"OPD XLSX, {int(r['xlsx_rows']):,} rows ({label})",
                r["xlsx"],
                "s",
                "target < 10 s at 300k",
            ),
            Figure(f"report peak RSS ({label})", r["peak_rss_mb"], "MB", "target < 300 MB"),
        ]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", default=",".join(ALL), help=f"comma-separated: {', '.join(ALL + EXTRA)}"
    )
    parser.add_argument("--users", type=int, default=1000, help="learning loop, production: users")
    parser.add_argument(
        "--presses", type=int, default=4, help="learning loop, production: presses per user"
    )
    parser.add_argument(
        "--review-users", type=int, default=100_000, help="review: learners in the schedule"
    )
    parser.add_argument(
        "--review-questions", type=int, default=50, help="review: scheduled questions each"
    )
    args = parser.parse_args()
    chosen = set(args.only.split(","))
    unknown = chosen - set(ALL + EXTRA)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    figures: list[Figure] = []
    if "learning" in chosen:
        figures += asyncio.run(learning_loop.main(args.users, args.presses))
    if "reminders" in chosen:
        figures += asyncio.run(reminders.main([10_000, 100_000], 3000, 300))
    if "review" in chosen:
        figures += asyncio.run(review.main(args.review_users, args.review_questions, args.users))
    if "broadcast" in chosen:
        figures += asyncio.run(broadcast.main(10_000, 300, 100_000))
    if "hours" in chosen:
        figures += hours_figures("30000,300000")
    if "production" in chosen:
        figures += asyncio.run(production.main(args.users, args.presses))
    width = max(len(f.name) for f in figures)
    print(f"{'benchmark'.ljust(width)}  {'value':>10}  unit        note")
    print("-" * (width + 50))
    for f in figures:
        print(f"{f.name.ljust(width)}  {f.value:>10.2f}  {f.unit:<10}  {f.note}")


if __name__ == "__main__":
    main()
