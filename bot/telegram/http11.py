"""A small HTTP/1.1 keep-alive client for one server: the Bot API's.

Why not aiohttp for every call: on the learning-loop benchmark the bot makes one or two Bot API
calls per update, and aiohttp's general-purpose request machinery (URL objects, header
multidicts, cookie jar, tracing, timers, a response object with its stream) costs about 55 µs
of CPU per call. This client sends a prebuilt request on a pooled connection and reads the
answer with httptools (the llhttp parser behind uvicorn; it handles chunked bodies and
keep-alive rules): about 10 µs per call (``bench/http_clients.py``, which measures both and
httpx). In interleaved runs of the learning benchmark, the "next card" hot path over aiohttp
alone stayed well under 1.5x the echo bot; see the README's Stack choices.

It only does what the Bot API needs from it: a POST of JSON to one origin, over TCP or TLS,
connecting directly (with a proxy configured, ``bot.telegram.request`` sends every call over
aiohttp instead). File uploads and downloads stay on aiohttp. Timeouts: connecting, waiting for
a pooled connection, and one read timeout from the moment the request is handed to the socket
to the last byte of the answer (there is no separate write timeout: a request is a few KB).
A call whose connection drops after it was written is sent again only when it merely reads
(``read_only``): the server may have acted on it.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from typing import cast
from urllib.parse import urlsplit

import httptools

# Telegram's servers (nginx) close idle keep-alive connections after about a minute; a
# connection idle for longer than this is closed by us instead of risking a request on it.
IDLE_SECONDS = 30.0


class ConnectError(ConnectionError):
    """Could not connect: the request was never sent."""


class Disconnected(ConnectionError):
    """The connection dropped after the request was sent, before the whole answer came."""


class _Connection(asyncio.Protocol):
    """One keep-alive connection; carries one request at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.body: list[bytes] = []
        self.reusable = False
        self.got_bytes = False
        self.idle_since = 0.0

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A stream transport (uvloop's does not subclass asyncio.Transport, hence no isinstance).
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.got_bytes = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(Disconnected(f"bad HTTP response: {exc}"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.reusable = False
        self._fail(Disconnected(f"connection lost: {exc}" if exc else "connection closed"))

    # httptools callbacks
    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.reusable = self.parser.should_keep_alive()
        body, self.body = b"".join(self.body), []
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result((self.parser.get_status_code(), body))

    def _fail(self, exc: Exception) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)

    def send(self, request: bytes, waiter: asyncio.Future[tuple[int, bytes]]) -> None:
        assert self.transport is not None
        self.waiter = waiter
        self.reusable = False
        self.got_bytes = False
        self.transport.write(request)

    @property
    def open(self) -> bool:
        return self.transport is not None and not self.transport.is_closing()

    def close(self) -> None:
        self.reusable = False
        if self.transport is not None:
            self.transport.close()


class KeepAliveClient:
    """POSTs to one origin (``scheme://host[:port]``) over a pool of keep-alive connections."""

    def __init__(
        self,
        origin: str,
        *,
        pool_size: int,
        user_agent: str,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) origin: {origin!r}")
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.ssl = (
            (ssl_context or ssl.create_default_context()) if parts.scheme == "https" else None
        )
        self._head = (
            f"Host: {parts.netloc}\r\nUser-Agent: {user_agent}\r\n"
            "Content-Type: application/json\r\nAccept: */*\r\n"
        ).encode("ascii")
        self._idle: list[_Connection] = []
        self._slots = asyncio.Semaphore(pool_size)
        self._closed = False

    async def post_json(
        self,
        path: str,
        body: bytes,
        *,
        connect_timeout: float | None,
        read_timeout: float | None,
        pool_timeout: float | None,
        read_only: bool = False,
    ) -> tuple[int, bytes]:
        """Send ``body`` (JSON) to ``path``; return the status and the body of the answer.

        Raises ``ConnectError`` when the request was certainly not sent, ``Disconnected`` when
        the connection dropped after the request was written (it may have been acted upon),
        and ``TimeoutError``. ``read_only``: the call only reads (``getMe``, ``getUpdates``,
        ``getFile``, ...), so it may go a second time; see below.
        """
        request = b"POST %s HTTP/1.1\r\n%sContent-Length: %d\r\n\r\n%s" % (
            path.encode("ascii"),
            self._head,
            len(body),
            body,
        )
        if pool_timeout is None or not self._slots.locked():
            await self._slots.acquire()  # a free slot is taken at once, without a timer
        else:
            try:
                await asyncio.wait_for(self._slots.acquire(), pool_timeout)
            except TimeoutError as exc:
                raise ConnectError("no free connection in the pool") from exc
        try:
            reused = self._take_idle()
            if reused is not None:
                try:
                    return await self._exchange(reused, request, read_timeout)
                except Disconnected:
                    # A reused connection that drops before any byte of the answer: most
                    # likely the server closed it as idle while we sent, but it may also have
                    # read the request, acted on it and died before answering. Only a call
                    # that merely reads goes again (on a fresh connection); a sendMessage
                    # sent twice would be a message delivered twice.
                    if reused.got_bytes or not read_only:
                        raise
            fresh = await self._connect(connect_timeout)
            return await self._exchange(fresh, request, read_timeout)
        finally:
            self._slots.release()

    def _take_idle(self) -> _Connection | None:
        now = time.monotonic()
        while self._idle:
            conn = self._idle.pop()
            if conn.open and now - conn.idle_since < IDLE_SECONDS:
                return conn
            conn.close()
        return None

    async def _connect(self, seconds: float | None) -> _Connection:
        loop = asyncio.get_running_loop()
        connecting = loop.create_connection(
            _Connection,
            self.host,
            self.port,
            ssl=self.ssl,
            server_hostname=self.host if self.ssl else None,
        )
        try:
            _, conn = await asyncio.wait_for(connecting, seconds)
        except TimeoutError as exc:
            raise ConnectError(f"connecting to {self.origin} timed out") from exc
        except OSError as exc:
            raise ConnectError(f"cannot connect to {self.origin}: {exc}") from exc
        return conn

    async def _exchange(
        self, conn: _Connection, request: bytes, read_timeout: float | None
    ) -> tuple[int, bytes]:
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[tuple[int, bytes]] = loop.create_future()
        # A timer instead of asyncio.wait_for: no extra task per call.
        timer = None
        if read_timeout is not None:
            timer = loop.call_later(read_timeout, _expire, waiter, read_timeout)
        conn.send(request, waiter)
        try:
            answer = await waiter
        except BaseException:
            conn.close()  # a half-read answer (or a cancelled call) spoils the connection
            raise
        finally:
            if timer is not None:
                timer.cancel()
        if conn.reusable and conn.open and not self._closed:
            conn.idle_since = time.monotonic()
            self._idle.append(conn)
        else:
            conn.close()
        return answer

    async def close(self) -> None:
        """Close the idle connections; those in use close when their answer is in."""
        self._closed = True
        while self._idle:
            self._idle.pop().close()


def _expire(waiter: asyncio.Future[tuple[int, bytes]], seconds: float) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError(f"no answer within {seconds:g} s"))
