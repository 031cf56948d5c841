"""The demo clock: the system clock plus an offset the web chat moves forward.

The bot reads time only through its injected clock, so moving this one makes reminders and due
dates come without waiting. The offset is kept in a small file next to the demo database, so a
restarted demo keeps its day.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MAX_STEP = timedelta(days=366)


class DemoClock:
    def __init__(self, tz: tzinfo, state: Path | None = None) -> None:
        self.tz = tz
        self.state = state
        self.offset = timedelta(0)
        if state is not None and state.exists():
            try:
                self.offset = timedelta(seconds=float(json.loads(state.read_text())["offset"]))
            except (ValueError, KeyError, TypeError):
                self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def local(self) -> datetime:
        return self().astimezone(self.tz)

    def advance(self, delta: timedelta) -> datetime:
        """Move forward (never back: the database has already seen the present)."""
        if not timedelta(0) < delta <= MAX_STEP:
            raise ValueError("the clock moves forward, by at most a year at a time")
        self.offset += delta
        self._save()
        return self()

    def advance_to(self, hhmm: str) -> datetime:
        """Move to the next local ``HH:MM`` (today if it is still ahead, else tomorrow)."""
        match = _HHMM.match(hhmm.strip())
        if match is None:
            raise ValueError("the time is HH:MM")
        now = self.local()
        target = now.replace(hour=int(match[1]), minute=int(match[2]), second=0, microsecond=0)
        if target <= now:
            target += timedelta(days=1)
        return self.advance(target - now)

    def _save(self) -> None:
        if self.state is not None:
            self.state.parent.mkdir(parents=True, exist_ok=True)
            self.state.write_text(json.dumps({"offset": self.offset.total_seconds()}))
