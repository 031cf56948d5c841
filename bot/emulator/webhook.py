"""Webhook mode of the fake: setWebhook / deleteWebhook / getWebhookInfo and delivery."""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from typing import Any

import aiohttp

try:
    import orjson
except ImportError:  # the fake also runs without it
    orjson = None  # type: ignore[assignment]

from .base import FakeBase
from .spec import ApiError
from .state import WebhookDelivery
from .updates import update_chat_key

_LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def dumps(obj: Any) -> str:
    # orjson (a dependency of the bot) when present: JSON encoding was the fake's largest cost
    # in the benchmarks, where the fake must keep up with the bot it measures.
    if orjson is not None:
        return orjson.dumps(obj).decode()
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class WebhookMixin(FakeBase):
    """Part of FakeBotApi (uses its ``updates``, ``webhook``, ``_session`` ...)."""

    # ------------------------------------------------------------------ webhook
    def _set_webhook_state(
        self, url: str, secret: str | None, max_conn: int, allowed: list | None
    ) -> None:
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": max_conn,
            "allowed_updates": allowed,
            "last_error_date": None,
            "last_error_message": None,
        }
        if allowed is not None:
            self.updates.allowed = frozenset(allowed) or None

    def _api_set_webhook(self, p: dict) -> bool:
        url = p["url"]
        if p.get("drop_pending_updates"):
            self.updates.clear()
        if not url:
            return self._api_delete_webhook({})
        host = url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
        if not (url.startswith("https://") or (url.startswith("http://") and host in _LOCAL_HOSTS)):
            raise ApiError("Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token")
        if secret is not None and not (
            1 <= len(secret) <= 256
            and all(c.isascii() and (c.isalnum() or c in "_-") for c in secret)
        ):
            raise ApiError("Bad Request: secret token contains unallowed characters")
        max_conn = p.get("max_connections", 40)
        if not 1 <= max_conn <= 100:
            raise ApiError("Bad Request: max_connections must be 1-100")
        self._set_webhook_state(url, secret, max_conn, p.get("allowed_updates"))
        self._ensure_webhook_task()
        return True

    def _api_delete_webhook(self, p: dict) -> bool:
        if p.get("drop_pending_updates"):
            self.updates.clear()
        self.webhook = None
        if self._webhook_task:
            self._webhook_task.cancel()
            self._webhook_task = None
        for e in self.updates.pending.values():
            e.in_flight = False
        return True

    def _api_get_webhook_info(self, p: dict) -> dict:
        info: dict[str, Any] = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }
        if self.webhook:
            info["url"] = self.webhook["url"]
            info["max_connections"] = self.webhook["max_connections"]
            if self.webhook["allowed_updates"] is not None:
                info["allowed_updates"] = self.webhook["allowed_updates"]
            if self.webhook["last_error_date"]:
                info["last_error_date"] = self.webhook["last_error_date"]
                info["last_error_message"] = self.webhook["last_error_message"]
        return info

    def _ensure_webhook_task(self) -> None:
        if self._runner is not None and (self._webhook_task is None or self._webhook_task.done()):
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_loop())

    async def _webhook_loop(self) -> None:
        while self.webhook is not None and not self._closing:
            hook = self.webhook
            batch = self.updates.take_for_webhook(1000)
            if not batch:
                await self.updates.wait(1.0)
                continue
            chains: dict[Any, list] = defaultdict(list)
            for e in batch:
                chains[update_chat_key(e.update)].append(e)
            sem = asyncio.Semaphore(hook["max_connections"])

            async def run(chain: list, hook: dict = hook, sem: asyncio.Semaphore = sem) -> None:
                for e in chain:
                    async with sem:
                        for attempt in range(3):
                            status = await self._deliver(hook, e.update_id, e.update)
                            if status is not None and 200 <= status < 300:
                                break
                            await asyncio.sleep(0.05 * (attempt + 1))
                    self.updates.remove(e)

            await asyncio.gather(*(run(c) for c in chains.values()))

    async def _deliver(self, hook: dict, update_id: int, update: dict) -> int | None:
        status = await self.post_update_to(
            hook["url"], update, hook["secret_token"], _record=update_id
        )
        if status is None or not 200 <= status < 300:
            hook["last_error_date"] = int(time.time())
            hook["last_error_message"] = f"Wrong response from the webhook: {status}"
        return status

    async def post_update_to(
        self, url: str, update: dict, secret: str | None = None, *, _record: int | None = None
    ) -> int | None:
        """POST one update to ``url`` (with the secret header if given); returns the
        HTTP status, or None if the connection failed."""
        assert self._session is not None, "call start() first"
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        status, error = None, None
        try:
            async with self._session.post(
                url,
                data=dumps(update).encode(),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=10),
            ) as resp:
                status = resp.status
                await resp.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = repr(exc)
        if _record is not None:
            self.webhook_deliveries.append(
                WebhookDelivery(_record, url, status, time.time(), error)
            )
        return status
