"""python-telegram-bot adapters: the Bot, the request transport, updates, outbound."""
