"""Try the bot with no Telegram: ``python -m bot demo`` (``./scripts/demo``).

One process runs the Bot API emulator (:mod:`bot.emulator`, the same fake the tests use, with
its checks), the real bot pointed at it, and the web chat on the emulator's port. The bot is
unchanged: it gets a fixed demo token (which never reaches Telegram: the only server it talks
to is the emulator on this machine), a demo database (``data/demo.db``, seeded with a small
roster and ready personas), and the demo clock, which the page can move forward.
"""
