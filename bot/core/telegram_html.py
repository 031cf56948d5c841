"""The subset of Telegram's HTML formatting that course authors may use.

Telegram counts message limits on the text *after* it parses the markup, so the content schema
needs the visible text of an author's card, and it must refuse markup Telegram would refuse
before a learner ever sees the error. The standard library's HTMLParser tokenises; the rules
(allowed tags, nesting, entity escapes) are Telegram's and are written here.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "blockquote", "a"}
)
_BARE_AMPERSAND = re.compile(r"&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)")
_BARE_LESS_THAN = re.compile(r"<(?![a-zA-Z/])|<[^>]*$")


class MarkupError(ValueError):
    """The text is not valid Telegram HTML."""


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}> is not supported by Telegram")
            return
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if not href.startswith(("http://", "https://", "tg://")):
                self.problems.append("<a> needs an href starting with https://")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"closing </{tag}> does not match an open tag")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(markup: str) -> str:
    """What Telegram would display for ``markup``; MarkupError if Telegram would refuse it."""
    if _BARE_AMPERSAND.search(markup):
        raise MarkupError("a bare '&' must be written as &amp;")
    if _BARE_LESS_THAN.search(markup):
        raise MarkupError("a bare '<' must be written as &lt;")
    parser = _Collector()
    parser.feed(markup)
    parser.close()
    if parser.stack:
        parser.problems.append(f"tag <{parser.stack[-1]}> is never closed")
    if parser.problems:
        raise MarkupError(parser.problems[0])
    return "".join(parser.parts)


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """Escape user-supplied text for parse_mode=HTML."""
    return html.escape(text, quote=False)
