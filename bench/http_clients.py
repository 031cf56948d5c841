"""Per-call CPU of the HTTP clients a Bot API call can go over, against a local server.

``python bench/http_clients.py``: a keep-alive HTTP/1.1 server in its own process answers every
POST with a fixed Bot API answer (an ``editMessageText`` result, about 600 bytes); this process
makes the same JSON POST over each client in turn, ``--calls`` times, ``--concurrency`` at a
time, on uvloop like the bot, and reports the CPU time of this process per call (``process_time``,
so the server's work and the machine's other load are not counted, though a busy machine still
adds cache and scheduling noise). The clients alternate for ``--rounds`` rounds; the figure is the
median round.

- ``http11``: ``bot.telegram.http11.KeepAliveClient.post_json``;
- ``aiohttp``: ``ClientSession.post`` with the session the bot uses (``bot.telegram.request``);
- ``aiohttp-lean``: the same without a cookie jar (``DummyCookieJar``) and with one prebuilt
  timeout, the cheapest ordinary use of aiohttp;
- ``httpx``: ``AsyncClient.post``, the client behind python-telegram-bot's default transport.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import httpx  # noqa: E402
import orjson  # noqa: E402

from bot.telegram.http11 import KeepAliveClient  # noqa: E402

PATH = "/bot123456:BENCH/editMessageText"
BODY = orjson.dumps(
    {
        "chat_id": 100001,
        "message_id": 42,
        "text": "<b>Berakhlak</b>\n\nKartu 2 dari 6: " + "Pelayanan publik yang baik. " * 8,
        "parse_mode": "HTML",
        "reply_markup": {
            "inline_keyboard": [
                [{"text": "Lanjut", "callback_data": "card:berakhlak:1:1"}],
                [{"text": "Kuis", "callback_data": "quiz:berakhlak:1"}],
            ]
        },
    }
)
ANSWER_BODY = orjson.dumps(
    {
        "ok": True,
        "result": {
            "message_id": 42,
            "from": {"id": 123456, "is_bot": True, "first_name": "Sinau", "username": "sinau_bot"},
            "chat": {"id": 100001, "first_name": "Pegawai", "type": "private"},
            "date": 1_700_000_000,
            "edit_date": 1_700_000_100,
            "text": "Berakhlak\n\nKartu 2 dari 6: " + "Pelayanan publik yang baik. " * 8,
            "entities": [{"offset": 0, "length": 9, "type": "bold"}],
            "reply_markup": {
                "inline_keyboard": [
                    [{"text": "Lanjut", "callback_data": "card:berakhlak:1:1"}],
                    [{"text": "Kuis", "callback_data": "quiz:berakhlak:1"}],
                ]
            },
        },
    }
)
ANSWER = (
    b"HTTP/1.1 200 OK\r\nServer: nginx/1.18.0\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n"
    b"Content-Type: application/json\r\nContent-Length: %d\r\nConnection: keep-alive\r\n"
    b"Strict-Transport-Security: max-age=31536000; includeSubDomains; preload\r\n\r\n%s"
) % (len(ANSWER_BODY), ANSWER_BODY)


class _Server(asyncio.Protocol):
    """Answers each whole request (head plus Content-Length bytes) with ``ANSWER``."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        answers = 0
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            head = self.buffer[:end].lower()
            at = head.find(b"content-length:")
            length = int(head[at + 15 :].split(b"\r\n", 1)[0]) if at >= 0 else 0
            if len(self.buffer) < end + 4 + length:
                break
            self.buffer = self.buffer[end + 4 + length :]
            answers += 1
        if answers:
            self.transport.write(ANSWER * answers)


def serve(port_out: multiprocessing.connection.Connection) -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(_Server, "127.0.0.1", 0)
        port_out.send(server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


Call = Callable[[], Awaitable[object]]


async def make_clients(origin: str) -> tuple[dict[str, Call], list[Callable[[], Awaitable[None]]]]:
    url = origin + PATH
    headers = {"Content-Type": "application/json"}
    ua = {"User-Agent": "bench"}

    http11 = KeepAliveClient(origin, pool_size=64, user_agent="bench")

    async def call_http11() -> object:
        return await http11.post_json(
            PATH, BODY, connect_timeout=5.0, read_timeout=10.0, pool_timeout=5.0
        )

    # As bot.telegram.request builds it.
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=64, ttl_dns_cache=300), headers=ua
    )

    async def call_aiohttp() -> object:
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=5.0, sock_read=10.0, connect=5.0)
        async with session.post(url, data=BODY, headers=headers, timeout=timeout) as r:
            return r.status, await r.read()

    lean = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=64, ttl_dns_cache=300),
        headers=ua,
        cookie_jar=aiohttp.DummyCookieJar(),
    )
    lean_timeout = aiohttp.ClientTimeout(total=None, sock_connect=5.0, sock_read=10.0, connect=5.0)

    async def call_lean() -> object:
        async with lean.post(url, data=BODY, headers=headers, timeout=lean_timeout) as r:
            return r.status, await r.read()

    hx = httpx.AsyncClient(
        headers=ua,
        timeout=httpx.Timeout(connect=5.0, read=10.0, write=10.0, pool=5.0),
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
        trust_env=False,
    )

    async def call_httpx() -> object:
        r = await hx.post(url, content=BODY, headers=headers)
        return r.status_code, r.content

    clients: dict[str, Call] = {
        "http11": call_http11,
        "aiohttp": call_aiohttp,
        "aiohttp-lean": call_lean,
        "httpx": call_httpx,
    }
    return clients, [http11.close, session.close, lean.close, hx.aclose]


async def cpu_per_call(call: Call, calls: int, concurrency: int) -> float:
    """µs of this process's CPU per call, ``concurrency`` calls in flight."""

    async def worker(n: int) -> None:
        for _ in range(n):
            await call()

    each = calls // concurrency
    start = time.process_time()
    await asyncio.gather(*(worker(each) for _ in range(concurrency)))
    return (time.process_time() - start) / (each * concurrency) * 1e6


async def run(port: int, calls: int, concurrency: int, rounds: int) -> dict[str, list[float]]:
    clients, closers = await make_clients(f"http://127.0.0.1:{port}")
    results: dict[str, list[float]] = {name: [] for name in clients}
    try:
        for call in clients.values():  # warm up: connections, caches
            await cpu_per_call(call, min(calls, 500), concurrency)
        for _ in range(rounds):
            for name, call in clients.items():
                results[name].append(await cpu_per_call(call, calls, concurrency))
    finally:
        for close in closers:
            await close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=5000, help="calls per client per round")
    parser.add_argument("--concurrency", type=int, default=1, help="calls in flight at once")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    receive, send = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.Process(target=serve, args=(send,), daemon=True)
    server.start()
    port = receive.recv()
    try:
        try:
            import uvloop

            uvloop.install()
        except ImportError:
            pass
        results = asyncio.run(run(port, args.calls, args.concurrency, args.rounds))
    finally:
        server.terminate()
        server.join()
    print(
        f"CPU per call, µs ({args.calls} calls x {args.rounds} rounds, "
        f"{args.concurrency} in flight; median, min..max of rounds)"
    )
    for name, figures in results.items():
        print(
            f"{name:<13} {statistics.median(figures):7.1f}   "
            f"{min(figures):6.1f} .. {max(figures):6.1f}"
        )


if __name__ == "__main__":
    main()
