"""python-telegram-bot's transport: JSON calls on a keep-alive client, files on aiohttp, retries.

Why not PTB's default ``HTTPXRequest``: measured on this project's benchmark (bench/), httpx's
per-call overhead made it the bottleneck of the bot's hot paths; aiohttp roughly doubled the
requests per second of the same bot, and the keep-alive client of ``bot.telegram.http11`` cuts
the CPU of a call to about a fifth of aiohttp's again (``bench/http_clients.py``: about 10 µs
against 55 µs, and several hundred for httpx). Every Bot API method call is a POST of JSON and
goes that way; uploads (multipart) and file downloads use aiohttp. In interleaved runs of the
learning benchmark, the "next card" hot path over aiohttp alone fell well short of 1.5x the
echo bot, so the keep-alive client stays (see the README's Stack choices).

Proxies: like PTB's default transport, the bot honours ``HTTPS_PROXY``, ``HTTP_PROXY``,
``ALL_PROXY`` and ``NO_PROXY`` (``proxy_for``). The keep-alive client connects only directly,
so when a proxy applies to the Bot API's origin every call goes over aiohttp, through the
proxy (HTTP or HTTPS proxies; SOCKS is refused at the first call).

``SINAU_JSON_CLIENT=aiohttp`` (or ``json_client="aiohttp"``) sends the JSON calls over aiohttp
too, still as orjson bodies: for comparing the two on the benchmark from one tree.

PTB documents ``BaseRequest`` as the extension point for exactly this. Retrying lives here too
because PTB itself does not retry a request that failed on the network or with a 5xx; a 429
(``RetryAfter``) is retried by ``AIORateLimiter``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
from typing import Literal
from urllib.parse import urlsplit
from urllib.request import getproxies

import aiohttp
import orjson
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.observability import metrics
from bot.telegram.http11 import ConnectError, Disconnected, KeepAliveClient

log = logging.getLogger(__name__)
TOO_MANY_REQUESTS = 429

# Methods whose only effect is to read, or to set state to a fixed value: always safe to repeat.
# A send* call that timed out may have been delivered, so it is repeated only after a failure that
# proves Telegram did not take it (could not connect, or a 5xx answer).
IDEMPOTENT_PREFIXES = ("get", "set", "delete", "edit", "answer", "stop", "close", "logOut")


class MaybeDelivered(NetworkError):
    """The connection failed after the request was written: Telegram may have acted on it.
    A ``send*`` call that ends so (or as ``TimedOut``) is never repeated, here or by the
    outbox (``bot.delivery``: the row is "unknown", not retried)."""


JsonClient = Literal["http11", "aiohttp"]
JSON_HEADERS = {"Content-Type": "application/json"}


def json_client_from_env() -> JsonClient:
    """``SINAU_JSON_CLIENT``: which client carries the JSON calls (for the A/B benchmark)."""
    name = os.environ.get("SINAU_JSON_CLIENT", "http11")
    if name not in ("http11", "aiohttp"):
        raise ValueError(f"SINAU_JSON_CLIENT must be http11 or aiohttp, not {name!r}")
    return "aiohttp" if name == "aiohttp" else "http11"


def proxy_for(origin: str) -> str | None:
    """The proxy for ``origin`` (``scheme://host[:port]``) from the environment, or ``None``.

    The variables python-telegram-bot's default transport (httpx) honours, read the same way:
    ``HTTPS_PROXY`` or ``HTTP_PROXY`` by the origin's scheme, else ``ALL_PROXY`` (upper or lower
    case), unless ``NO_PROXY`` names the host (``*``, the host, or a domain it is under). A
    proxy given without a scheme is an HTTP proxy. aiohttp speaks to HTTP(S) proxies only, so a
    SOCKS proxy is refused rather than silently bypassed.
    """
    parts = urlsplit(origin)
    proxies = getproxies()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy or not parts.hostname or _bypassed(parts.hostname, parts.port, proxies):
        return None
    if "://" not in proxy:
        proxy = f"http://{proxy}"
    if urlsplit(proxy).scheme not in ("http", "https"):
        raise ValueError(
            f"proxy {proxy.split('@')[-1]!r} for {origin}: only http:// and https:// proxies "
            "are supported (set HTTPS_PROXY to an HTTP proxy, or NO_PROXY for this host)"
        )
    return proxy


def _bypassed(host: str, port: int | None, proxies: dict[str, str]) -> bool:
    """Whether ``NO_PROXY`` names ``host``: ``*``, the host (with or without the port), or a
    domain above it (``example.org`` and ``.example.org`` both cover ``api.example.org``)."""
    for entry in proxies.get("no", "").split(","):
        name = entry.strip().lower()
        if name == "*":
            return True
        name = name.removeprefix("*").lstrip(".")
        if name and (host == name or f"{host}:{port}" == name or host.endswith("." + name)):
            return True
    return False


class TelegramRequest(BaseRequest):
    def __init__(
        self,
        *,
        connection_pool_size: int = 64,
        read_timeout: float | None = 10.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 5.0,
        max_retries: int = 3,
        backoff: float = 0.5,
        json_client: JsonClient | None = None,
    ) -> None:
        self._json_client = json_client or json_client_from_env()
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._max_retries = max_retries
        self._backoff = backoff
        self._session: aiohttp.ClientSession | None = None
        self._clients: dict[str, KeepAliveClient] = {}  # by origin: in practice, one
        self._proxies: dict[str, str | None] = {}  # by origin, read from the environment once

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        """Decode Telegram's answer with orjson, several times faster than the standard library.

        PTB documents this method as the place to plug in another JSON library. A payload
        orjson refuses (invalid UTF-8, say) goes to PTB's own parser, which replaces bad bytes
        and raises PTB's error for JSON that is really broken.
        """
        try:
            result: JSONDict = orjson.loads(payload)
        except orjson.JSONDecodeError:
            return BaseRequest.parse_json_payload(payload)
        return result

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        for client in self._clients.values():
            await client.close()
        self._clients.clear()
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """One Bot API call, retried as the method allows (see ``IDEMPOTENT_PREFIXES``).

        ``write_timeout`` is not used, neither here nor as a constructor setting: a JSON call
        is a few kilobytes handed to the socket at once, and the keep-alive client's read
        timeout runs from that moment to the whole answer, so a server that stops reading is
        caught by it; aiohttp, which carries files, has no write timeout to set.
        """
        if self._session is None or self._session.closed:
            raise RuntimeError("TelegramRequest is not initialized")
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = (
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        )
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        api_method = url.rsplit("/", 1)[-1]
        repeatable = api_method.startswith(IDEMPOTENT_PREFIXES)
        attempt = 0
        while True:
            attempt += 1
            try:
                status, body = await self._send_once(
                    url, api_method, method, request_data, read, connect, pool
                )
            except (ConnectError, aiohttp.ClientConnectorError) as exc:
                # Never reached Telegram: safe to repeat for every method.
                error: NetworkError = NetworkError(f"{type(exc).__name__}: {exc}")
            except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
                error = TimedOut(f"Timed out: {exc}")
                if not repeatable or api_method == "getUpdates":
                    raise error from exc
            except (Disconnected, aiohttp.ClientError) as exc:
                error = NetworkError(f"{type(exc).__name__}: {exc}")
                if not repeatable:
                    raise MaybeDelivered(str(error)) from exc
            else:
                if status == TOO_MANY_REQUESTS:
                    metrics.TELEGRAM_429.inc()
                if status < 500 or attempt > self._max_retries or api_method == "getUpdates":
                    return status, body
                error = NetworkError(f"Telegram answered {status}")
            if attempt > self._max_retries:
                raise error
            delay = self._backoff * 2 ** (attempt - 1) * (1 + random.random() / 4)
            log.warning("%s failed (%s); retry %d in %.1fs", api_method, error, attempt, delay)
            await asyncio.sleep(delay)

    async def _send_once(
        self,
        url: str,
        api_method: str,
        method: str,
        request_data: RequestData | None,
        read: float | None,
        connect: float | None,
        pool: float | None,
    ) -> tuple[int, bytes]:
        assert self._session is not None
        path_at = url.find("/", url.find("//") + 2)
        origin = url[:path_at] if path_at > 0 else url
        try:
            proxy = self._proxies[origin]
        except KeyError:
            proxy = self._proxies[origin] = proxy_for(origin)
        if (
            method == "POST"
            and request_data is not None
            and not request_data.contains_files
            and path_at > 0
        ):
            # A Bot API method call: one JSON body (which the Bot API accepts) instead of a
            # URL-encoded form, whose encoding (quoting every byte of the text) cost more.
            body = orjson.dumps(request_data.parameters)
            if self._json_client == "http11" and proxy is None:
                client = self._clients.get(origin)
                if client is None:
                    client = KeepAliveClient(
                        origin, pool_size=self._pool_size, user_agent=self.USER_AGENT
                    )
                    self._clients[origin] = client
                return await client.post_json(
                    url[path_at:],
                    body,
                    connect_timeout=connect,
                    read_timeout=read,
                    pool_timeout=pool,
                    read_only=api_method.startswith("get"),
                )
            # Through a proxy (http11 connects only directly), or aiohttp chosen for the calls.
            timeout = _timeout(connect, read, pool)
            async with self._session.post(
                url, data=body, headers=JSON_HEADERS, timeout=timeout, proxy=proxy
            ) as response:
                return response.status, await response.read()
        data: aiohttp.FormData | None = None
        if request_data is not None:
            data = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():
                data.add_field(name, value)
            for name, (filename, content, mimetype) in request_data.multipart_data.items():
                data.add_field(name, content, filename=filename, content_type=mimetype)
        async with self._session.request(
            method, url, data=data, timeout=_timeout(connect, read, pool), proxy=proxy
        ) as response:
            return response.status, await response.read()


def _timeout(
    connect: float | None, read: float | None, pool: float | None
) -> aiohttp.ClientTimeout:
    """aiohttp's timeouts for one call (built only for aiohttp: the keep-alive client takes the
    numbers, and an attrs object per call was a few percent of the CPU of a quiz answer)."""
    return aiohttp.ClientTimeout(total=None, sock_connect=connect, sock_read=read, connect=pool)
