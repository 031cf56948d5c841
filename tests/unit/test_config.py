"""Settings (bot/config.py): a missing or bad token or database URL is one line and exit code 2;
database URLs get the async drivers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import Settings
from tests.support import TEST_TOKEN


def test_missing_or_malformed_token_is_one_line_and_exit_code_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "sinau-bot: TELEGRAM_BOT_TOKEN belum diisi / is not set"
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "not-a-token")
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("sinau-bot: TELEGRAM_BOT_TOKEN tidak valid") and "\n" not in err


@pytest.mark.parametrize(
    ("given", "used"),
    [
        (
            "postgres://sinau:s%40cret@db:5432/sinau",
            "postgresql+asyncpg://sinau:s%40cret@db:5432/sinau",
        ),
        ("postgresql://sinau@db/sinau", "postgresql+asyncpg://sinau@db/sinau"),
        ("postgresql+asyncpg://sinau@db/sinau", "postgresql+asyncpg://sinau@db/sinau"),
        ("sqlite:///data/other.db", "sqlite+aiosqlite:///data/other.db"),
        ("sqlite+aiosqlite:///data/sinau.db", "sqlite+aiosqlite:///data/sinau.db"),
    ],
)
def test_database_urls_get_the_async_drivers(given: str, used: str) -> None:
    settings = Settings(TELEGRAM_BOT_TOKEN=TEST_TOKEN, DATABASE_URL=given, _env_file=None)
    assert settings.database_url == used


def test_an_unsupported_database_url_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TEST_TOKEN)
    for url in ("mysql://root@db/sinau", "not a url"):
        monkeypatch.setenv("DATABASE_URL", url)
        assert main(["run"]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("sinau-bot: DATABASE_URL tidak valid") and "\n" not in err


def test_a_default_reminder_inside_quiet_hours_is_refused() -> None:
    """No new learner would ever get a reminder: refused at start, not discovered later."""
    with pytest.raises(ValueError, match="inside SINAU_QUIET_HOURS"):
        Settings(
            TELEGRAM_BOT_TOKEN=TEST_TOKEN,
            SINAU_REMINDER_TIME="22:00",
            SINAU_QUIET_HOURS="21:00-06:00",
            _env_file=None,
        )
    ok = Settings(TELEGRAM_BOT_TOKEN=TEST_TOKEN, SINAU_REMINDER_TIME="20:59", _env_file=None)
    assert ok.reminder_default_time.hour == 20
