from __future__ import annotations

import asyncio

import pytest

from bot.__main__ import main
from bot.config import Settings
from bot.store.dedup import UpdateDeduplicator
from db.session import Database
from tests.support import TEST_TOKEN, FakeClock


async def test_dedup_claims_each_update_id_once(db: Database, clock: FakeClock) -> None:
    dedup = UpdateDeduplicator(db, clock)
    # One batch holding the same id twice, plus distinct ids.
    first = await asyncio.gather(*(dedup.claim(i) for i in [1, 2, 2, 3]))
    assert first == [True, True, False, True]
    # A later batch: ids already committed are duplicates; a new one is fresh.
    second = await asyncio.gather(*(dedup.claim(i) for i in [3, 4, 1]))
    assert second == [False, True, False]
    # A fresh deduplicator (a restart) still knows them: they are in the database.
    assert await UpdateDeduplicator(db, clock).claim(4) is False


def test_missing_or_malformed_token_is_one_line_and_exit_code_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: object
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
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TEST_TOKEN)
    for url in ("mysql://root@db/sinau", "not a url"):
        monkeypatch.setenv("DATABASE_URL", url)
        assert main(["run"]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("sinau-bot: DATABASE_URL tidak valid") and "\n" not in err
