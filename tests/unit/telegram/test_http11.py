"""The keep-alive HTTP/1.1 client of bot/telegram/http11.py against a real local server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest

from bot.telegram.http11 import ConnectError, Disconnected, KeepAliveClient

OK_BODY = b'{"ok":true,"result":true}'


def answer(body: bytes = OK_BODY, *, status: str = "200 OK", extra: str = "") -> bytes:
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{extra}\r\n"
    ).encode() + body


@dataclass
class Server:
    """Reads each request whole, then lets ``respond`` write the answer (or misbehave)."""

    respond: Callable[[asyncio.StreamWriter, bytes], object]
    connections: int = 0
    requests: list[bytes] = field(default_factory=list)
    port: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                request = head + await reader.readexactly(length)
                self.requests.append(request)
                outcome = self.respond(writer, request)
                if asyncio.iscoroutine(outcome):
                    await outcome
                await writer.drain()
                if writer.is_closing():
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()


Respond = Callable[[asyncio.StreamWriter, bytes], object]
Serve = Callable[[Respond], Awaitable[Server]]


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    servers: list[asyncio.Server] = []

    async def start(respond: Respond) -> Server:
        state = Server(respond)
        server = await asyncio.start_server(state.handle, "127.0.0.1", 0)
        state.port = server.sockets[0].getsockname()[1]
        servers.append(server)
        return state

    yield start
    for server in servers:
        server.close()


def client_for(server: Server) -> KeepAliveClient:
    return KeepAliveClient(f"http://127.0.0.1:{server.port}", pool_size=4, user_agent="test")


async def post(client: KeepAliveClient, body: bytes = b'{"chat_id":1}') -> tuple[int, bytes]:
    return await client.post_json(
        "/bot1:abc/sendMessage", body, connect_timeout=2, read_timeout=2, pool_timeout=2
    )


async def test_calls_reuse_one_connection_and_send_json(serve: Serve) -> None:
    server = await serve(lambda w, _r: w.write(answer()))
    client = client_for(server)
    for n in range(5):
        assert await post(client, b'{"n":%d}' % n) == (200, OK_BODY)
    await client.close()
    assert server.connections == 1
    first = server.requests[0]
    assert first.startswith(b"POST /bot1:abc/sendMessage HTTP/1.1\r\n")
    assert b"\r\nContent-Type: application/json\r\n" in first
    assert b"\r\nHost: 127.0.0.1:%d\r\n" % server.port in first
    assert first.endswith(b'{"n":0}') and server.requests[4].endswith(b'{"n":4}')


async def test_a_chunked_answer_is_read_whole(serve: Serve) -> None:
    def chunked(writer: asyncio.StreamWriter, _request: bytes) -> None:
        pieces = [b'{"ok"', b':false,"error_code":4', b"00}"]
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces)
        writer.write(
            b"HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n"
            + chunks
            + b"0\r\n\r\n"
        )

    server = await serve(chunked)
    client = client_for(server)
    assert await post(client) == (400, b'{"ok":false,"error_code":400}')
    assert await post(client) == (400, b'{"ok":false,"error_code":400}')
    await client.close()
    assert server.connections == 1


async def test_connection_close_and_a_server_that_drops_idle_connections(
    serve: Serve,
) -> None:
    """The answer says close, or the server closes right after it: the next call still works,
    on a new connection, and each request reaches the server exactly once."""

    def close_after(writer: asyncio.StreamWriter, _request: bytes) -> None:
        writer.write(answer())
        writer.close()  # no "Connection: close": the client learns it only when it next sends

    server = await serve(close_after)
    client = client_for(server)
    for _ in range(3):
        assert await post(client) == (200, OK_BODY)
        await asyncio.sleep(0.05)
    await client.close()
    assert len(server.requests) == 3
    assert server.connections == 3

    announced = await serve(lambda w, _r: w.write(answer(extra="Connection: close\r\n")))
    client = client_for(announced)
    assert await post(client) == (200, OK_BODY)
    assert await post(client) == (200, OK_BODY)
    await client.close()
    assert announced.connections == 2


async def test_no_answer_in_time_is_a_timeout_and_the_connection_is_dropped(
    serve: Serve,
) -> None:
    calls = 0

    async def slow_first(writer: asyncio.StreamWriter, _request: bytes) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            await asyncio.sleep(1)
        writer.write(answer())

    server = await serve(slow_first)
    client = client_for(server)
    with pytest.raises(TimeoutError):
        await client.post_json(
            "/bot1:abc/getMe", b"{}", connect_timeout=2, read_timeout=0.2, pool_timeout=2
        )
    assert await post(client) == (200, OK_BODY)  # a fresh connection, not the spoilt one
    await client.close()
    assert server.connections == 2


async def test_a_cut_off_answer_is_an_error_not_a_silent_retry(
    serve: Serve,
) -> None:
    def cut(writer: asyncio.StreamWriter, _request: bytes) -> None:
        writer.write(answer()[:-5])
        writer.close()

    server = await serve(cut)
    client = client_for(server)
    with pytest.raises(Disconnected):
        await post(client)
    await client.close()
    assert len(server.requests) == 1  # sent once: it may have been acted upon


async def test_nothing_listening_is_a_connect_error() -> None:
    probe = await asyncio.start_server(lambda _r, _w: None, "127.0.0.1", 0)
    port = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()
    client = KeepAliveClient(f"http://127.0.0.1:{port}", pool_size=1, user_agent="test")
    with pytest.raises(ConnectError):
        await post(client)


def test_only_http_origins_are_accepted() -> None:
    with pytest.raises(ValueError):
        KeepAliveClient("ftp://example.org", pool_size=1, user_agent="test")
    client = KeepAliveClient("https://api.telegram.org", pool_size=1, user_agent="test")
    assert client.port == 443 and client.ssl is not None


async def test_a_full_pool_waits_for_a_free_connection_then_gives_up(serve: Serve) -> None:
    async def slow(writer: asyncio.StreamWriter, _request: bytes) -> None:
        await asyncio.sleep(0.5)
        writer.write(answer())

    server = await serve(slow)
    client = KeepAliveClient(f"http://127.0.0.1:{server.port}", pool_size=1, user_agent="test")
    first = asyncio.create_task(post(client))
    await asyncio.sleep(0.05)
    with pytest.raises(ConnectError, match="no free connection"):
        await client.post_json(
            "/bot1:abc/getMe", b"{}", connect_timeout=2, read_timeout=2, pool_timeout=0.1
        )
    assert await first == (200, OK_BODY)
    assert await post(client) == (200, OK_BODY)  # the slot came back
    await client.close()
    assert len(server.requests) == 2


def drop_the_second_request(writer: asyncio.StreamWriter, _request: bytes, seen: list[int]) -> None:
    """Answers the first request; reads the second whole and hangs up without a byte."""
    seen.append(1)
    if len(seen) == 2:
        writer.close()
    else:
        writer.write(answer())


async def test_a_send_message_whose_reused_connection_drops_is_not_sent_twice(
    serve: Serve,
) -> None:
    """The server read the request and may have delivered it: sending it again on a fresh
    connection could deliver the message twice, so the drop is the caller's error."""
    seen: list[int] = []
    server = await serve(lambda w, r: drop_the_second_request(w, r, seen))
    client = client_for(server)
    assert await post(client, b'{"text":"first"}') == (200, OK_BODY)
    with pytest.raises(Disconnected):
        await post(client, b'{"text":"second"}')
    await asyncio.sleep(0.05)
    sent = [r for r in server.requests if r.endswith(b'{"text":"second"}')]
    assert len(sent) == 1
    assert server.connections == 1  # nothing went out on a second connection
    assert await post(client, b'{"text":"third"}') == (200, OK_BODY)
    await client.close()
    assert len(server.requests) == 3


async def test_a_read_only_call_whose_reused_connection_drops_goes_again(serve: Serve) -> None:
    seen: list[int] = []
    server = await serve(lambda w, r: drop_the_second_request(w, r, seen))
    client = client_for(server)

    async def get_me() -> tuple[int, bytes]:
        return await client.post_json(
            "/bot1:abc/getMe",
            b"{}",
            connect_timeout=2,
            read_timeout=2,
            pool_timeout=2,
            read_only=True,
        )

    assert await get_me() == (200, OK_BODY)
    assert await get_me() == (200, OK_BODY)  # dropped, then again on a fresh connection
    await client.close()
    assert len(server.requests) == 3
    assert server.connections == 2
