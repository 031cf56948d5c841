"""Prometheus metrics (prometheus-client), served at ``/metrics`` in webhook mode.

Counters and histograms live in the process; gauges that describe the database (queue depth,
announcement progress) are read from it at scrape time, so every instance reports the truth
rather than its own share.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

UPDATES = Counter("sinau_updates_total", "Updates handled, by type", ["type"], registry=REGISTRY)
HANDLER_SECONDS = Histogram(
    "sinau_handler_seconds",
    "Time to handle one update",
    ["type"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
MESSAGES_SENT = Counter(
    "sinau_messages_sent_total", "Bulk messages delivered, by kind", ["kind"], registry=REGISTRY
)
SEND_ERRORS = Counter(
    "sinau_send_errors_total",
    "Bulk sends refused or failed, by reason (429, 403, transient, failed)",
    ["reason"],
    registry=REGISTRY,
)
TELEGRAM_429 = Counter(
    "sinau_telegram_429_total", "429 Too Many Requests answers from Telegram", registry=REGISTRY
)
OUTBOX_DEPTH = Gauge(
    "sinau_outbox_depth", "Outbound messages waiting, by status", ["status"], registry=REGISTRY
)
REMINDERS_ENQUEUED = Counter(
    "sinau_reminders_enqueued_total", "Reminders decided by the tick", registry=REGISTRY
)
BROADCAST_PROGRESS = Gauge(
    "sinau_broadcast_done_ratio",
    "Share of an announcement's recipients already handled",
    ["broadcast"],
    registry=REGISTRY,
)


def update_type(update: object) -> str:
    """The Update field that is set ("message", "callback_query"...), as a low-cardinality label."""
    for name in ("message", "edited_message", "callback_query", "poll_answer", "my_chat_member"):
        if getattr(update, name, None) is not None:
            return name
    return "other"


def observe_update(update: object, seconds: float) -> None:
    kind = update_type(update)
    UPDATES.labels(kind).inc()
    HANDLER_SECONDS.labels(kind).observe(seconds)
