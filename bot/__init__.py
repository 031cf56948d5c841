"""Sinau Bareng: a Telegram bot for the self-learning of civil servants in Central Java."""

import os

# python-telegram-bot 22 opts in to its future durations (``RetryAfter.retry_after`` as a
# timedelta) through this variable; our code reads both forms, and opting in silences the
# deprecation warning PTB raises on every 429.
os.environ.setdefault("PTB_TIMEDELTA", "true")
