"""bot/telegram/request.py, PTB's transport, against real local servers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram.error import NetworkError
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram.request import TelegramRequest

OK = b'{"ok":true,"result":{"message_id":1}}'
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
    len(OK),
    OK,
)


def send_message(text: str) -> RequestData:
    return RequestData(
        [RequestParameter.from_input("chat_id", 1), RequestParameter.from_input("text", text)]
    )


class DropsTheSecond:
    """A Bot API server that answers the first request, reads the second whole and hangs up
    without answering (it may have acted on it), and answers every later one."""

    def __init__(self) -> None:
        self.requests: list[bytes] = []
        self.connections = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                self.requests.append(head + await reader.readexactly(length))
                if len(self.requests) == 2:
                    return
                writer.write(ANSWER)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()


@pytest.fixture
async def dropping() -> AsyncIterator[tuple[DropsTheSecond, str]]:
    state = DropsTheSecond()
    server = await asyncio.start_server(state.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield state, f"http://127.0.0.1:{port}/bot1:abc"
    server.close()


@pytest.mark.parametrize("client", ["http11", "aiohttp"])
async def test_a_send_message_cut_off_after_it_was_read_is_not_sent_twice(
    dropping: tuple[DropsTheSecond, str], client: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SINAU_JSON_CLIENT", raising=False)
    server, base = dropping
    request = TelegramRequest(json_client=client, backoff=0.01)  # type: ignore[arg-type]
    await request.initialize()
    try:
        await request.do_request(f"{base}/sendMessage", "POST", send_message("first"))
        with pytest.raises(NetworkError):
            await request.do_request(f"{base}/sendMessage", "POST", send_message("second"))
        await asyncio.sleep(0.1)
        assert sum(b'"second"' in r for r in server.requests) == 1
        status, _ = await request.do_request(f"{base}/sendMessage", "POST", send_message("third"))
        assert status == 200
    finally:
        await request.shutdown()
    assert len(server.requests) == 3
