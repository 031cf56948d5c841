"""The multi-step flows a chat can be in, by name: the one registry of flow names.

A flow's state (its step and data) is a row of ``chat_sessions`` (``bot.store.sessions``), so a
restart loses nothing; ``handlers.flows`` routes typed text and files to the flow waiting for them.
"""

from __future__ import annotations

from enum import StrEnum


class Flow(StrEnum):
    REGISTER = "register"
    PROFILE = "profile"
    REMINDER = "reminder"
    TRAINING = "lapor"
    REJECT = "lapor_tolak"
    BROADCAST = "broadcast"
    ERASE = "hapus"  # /hapus waiting for its confirmation
    REFUSE_IDENTITY = "identitas_tolak"
    ADMIN = "admin"  # /admin NIP: the role change waiting for its confirmation button
    ASSIGN = "tugas"  # /tugas: a new assignment being composed, or a due date being extended
