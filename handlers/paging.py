"""Lists a user can grow, kept within Telegram's limits whatever the data.

A message shows at most 4,096 characters after entity parsing (``telegram_length`` of the
visible text, as Telegram counts: UTF-16 code units). ``fit`` puts a head, as many items as fit
and a tail into one message, with a line that says how many were left out (and where they are:
a file or the next page); ``pages`` cuts a list into pages that each fit. Keyboards stay far
below 100 buttons (a page has at most ``PAGE_ITEMS``), and every button's data is typed
callback data of at most 64 bytes (``bot.core.callbacks``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.core.telegram_html import telegram_length, visible_text

TEXT_LIMIT = 4096
PAGE_ITEMS = 10


def shown(html: str) -> int:
    """The length Telegram counts for ``html`` once its tags are parsed."""
    return telegram_length(visible_text(html))


def fit(
    head: str,
    items: Sequence[str],
    tail: str = "",
    *,
    more: Callable[[int], str],
    limit: int = TEXT_LIMIT,
    max_items: int | None = None,
) -> tuple[str, int]:
    """``head``, the items that fit, ``more(left out)`` when some do not, and ``tail``, one per
    line; returns the text and how many items it shows."""
    budget = limit - shown(head) - (shown(tail) + 1 if tail else 0)
    lines: list[str] = []
    used = count = 0
    for index, item in enumerate(items):
        rest = len(items) - index - 1
        reserve = shown(more(rest)) + 1 if rest else 0  # room for the "and N more" line
        cost = shown(item) + 1
        if used + cost + reserve > budget or (max_items is not None and count >= max_items):
            break
        lines.append(item)
        used += cost
        count += 1
    if count < len(items):
        lines.append(more(len(items) - count))
    return "\n".join([head, *lines, *([tail] if tail else [])]), count


def pages(items: Sequence[str], budget: int, per_page: int = PAGE_ITEMS) -> list[list[int]]:
    """Indices of ``items`` grouped into pages of at most ``per_page`` items whose lines fit
    in ``budget`` characters; an item too long on its own gets a page to itself (its caller
    truncates items so that this never exceeds the limit)."""
    result: list[list[int]] = []
    page: list[int] = []
    used = 0
    for index, item in enumerate(items):
        cost = shown(item) + 1
        if page and (used + cost > budget or len(page) >= per_page):
            result.append(page)
            page, used = [], 0
        page.append(index)
        used += cost
    if page:
        result.append(page)
    return result or [[]]


def clip(text: str, limit: int) -> str:
    """Plain ``text`` shortened to ``limit`` characters with an ellipsis (escape it after)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
