"""Run every benchmark and print one table: ``python bench/run.py``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import learning_loop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--presses", type=int, default=4, help="card presses per user")
    args = parser.parse_args()
    figures = asyncio.run(learning_loop.main(args.users, args.presses))
    width = max(len(f.name) for f in figures)
    print(f"{'benchmark'.ljust(width)}  {'value':>10}  unit        note")
    print("-" * (width + 50))
    for f in figures:
        print(f"{f.name.ljust(width)}  {f.value:>10.2f}  {f.unit:<10}  {f.note}")


if __name__ == "__main__":
    main()
