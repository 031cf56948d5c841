"""bot/telegram/request.py, PTB's transport, against real local servers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram.error import NetworkError
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram.request import TelegramRequest, proxy_for

OK = b'{"ok":true,"result":{"message_id":1}}'
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
    len(OK),
    OK,
)


def send_message(text: str) -> RequestData:
    return RequestData(
        [RequestParameter.from_input("chat_id", 1), RequestParameter.from_input("text", text)]
    )


def content_length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


class Server:
    """A Bot API server (or an HTTP proxy that answers for every origin) that records each
    request. With ``drop_the_second`` it reads the second request whole and hangs up without
    answering (it may have acted on it)."""

    def __init__(self, *, drop_the_second: bool = False) -> None:
        self.drop_the_second = drop_the_second
        self.requests: list[bytes] = []
        self.connections = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.requests.append(head + await reader.readexactly(content_length(head)))
                if self.drop_the_second and len(self.requests) == 2:
                    return
                writer.write(ANSWER)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()


@pytest.fixture
async def dropping() -> AsyncIterator[tuple[Server, str]]:
    state = Server(drop_the_second=True)
    server = await asyncio.start_server(state.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield state, f"http://127.0.0.1:{port}/bot1:abc"
    server.close()


@pytest.fixture
async def proxy() -> AsyncIterator[tuple[Server, str]]:
    state = Server()
    server = await asyncio.start_server(state.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield state, f"http://127.0.0.1:{port}"
    server.close()


@pytest.fixture(autouse=True)
def no_proxy_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests start from an environment without proxies (or a JSON-client choice)."""
    for name in ("http", "https", "all", "no"):
        monkeypatch.delenv(f"{name}_proxy", raising=False)
        monkeypatch.delenv(f"{name.upper()}_PROXY", raising=False)
    monkeypatch.delenv("SINAU_JSON_CLIENT", raising=False)


@pytest.mark.parametrize("client", ["http11", "aiohttp"])
async def test_a_send_message_cut_off_after_it_was_read_is_not_sent_twice(
    dropping: tuple[Server, str], client: str
) -> None:
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


def test_the_proxy_comes_from_the_environment_as_httpx_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = "https://api.telegram.org"
    assert proxy_for(api) is None
    monkeypatch.setenv("HTTPS_PROXY", "http://user:secret@proxy.local:3128")
    assert proxy_for(api) == "http://user:secret@proxy.local:3128"
    assert proxy_for("http://bot-api.local:8081") is None  # no HTTP_PROXY, no ALL_PROXY
    monkeypatch.setenv("all_proxy", "proxy.local:8080")  # no scheme: an HTTP proxy
    assert proxy_for("http://bot-api.local:8081") == "http://proxy.local:8080"
    assert proxy_for(api) == "http://user:secret@proxy.local:3128"  # the scheme's own first
    monkeypatch.setenv("http_proxy", "http://other.local:3128")
    assert proxy_for("http://bot-api.local:8081") == "http://other.local:3128"

    for no_proxy in ("telegram.org", ".telegram.org", "api.telegram.org", "localhost, *"):
        monkeypatch.setenv("NO_PROXY", no_proxy)
        assert proxy_for(api) is None, no_proxy
    monkeypatch.setenv("NO_PROXY", "bot-api.local:8081,example.org")
    assert proxy_for("http://bot-api.local:8081") is None
    assert proxy_for(api) == "http://user:secret@proxy.local:3128"
    assert proxy_for("https://notexample.org") == "http://user:secret@proxy.local:3128"


def test_a_socks_proxy_is_refused_not_bypassed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALL_PROXY", "socks5://user:secret@proxy.local:1080")
    with pytest.raises(ValueError, match="only http") as refused:
        proxy_for("https://api.telegram.org")
    assert "secret" not in str(refused.value)


async def test_with_a_proxy_every_call_goes_through_it(
    proxy: tuple[Server, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """JSON calls (over aiohttp then, since http11.py connects only directly) and file
    downloads alike; with the host in NO_PROXY, calls go direct again."""
    server, proxy_url = proxy
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    request = TelegramRequest()
    await request.initialize()
    try:
        base = "http://bot-api.invalid/bot1:abc"
        assert (await request.do_request(f"{base}/getMe", "POST", RequestData([])))[0] == 200
        status, body = await request.do_request(f"{base}/sendMessage", "POST", send_message("halo"))
        assert (status, body) == (200, OK)
        status, _ = await request.do_request("http://bot-api.invalid/file/bot1:abc/a.pdf", "GET")
        assert status == 200
    finally:
        await request.shutdown()
    heads = [r.split(b"\r\n", 1)[0] for r in server.requests]
    assert heads == [
        b"POST http://bot-api.invalid/bot1:abc/getMe HTTP/1.1",
        b"POST http://bot-api.invalid/bot1:abc/sendMessage HTTP/1.1",
        b"GET http://bot-api.invalid/file/bot1:abc/a.pdf HTTP/1.1",
    ]
    assert server.requests[1].endswith(b'{"chat_id":1,"text":"halo"}')

    direct = Server()
    listening = await asyncio.start_server(direct.handle, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    request = TelegramRequest()
    await request.initialize()
    try:
        base = f"http://127.0.0.1:{port}/bot1:abc"
        status, _ = await request.do_request(f"{base}/sendMessage", "POST", send_message("x"))
        assert status == 200
    finally:
        await request.shutdown()
        listening.close()
    assert len(direct.requests) == 1 and len(server.requests) == 3
    assert direct.requests[0].startswith(b"POST /bot1:abc/sendMessage HTTP/1.1")
