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
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "code",
        "pre",
        "blockquote",
        "a",
        # What Telegram's own formatting gives an admin's message (PTB writes it so):
        "tg-spoiler",
        "span",  # only <span class="tg-spoiler">
        "tg-emoji",  # <tg-emoji emoji-id="...">, a custom emoji with its standard fallback
    }
)
_BARE_AMPERSAND = re.compile(r"&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)")
_TAG = re.compile(r"<[a-zA-Z/][^>]*>")  # attribute values may hold a bare & (a link's query)
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
        values = dict(attrs)
        if tag == "a":
            href = values.get("href") or ""
            if not href.startswith(("http://", "https://", "tg://")):
                self.problems.append("<a> needs an href starting with https://")
        if tag == "span" and values.get("class") != "tg-spoiler":
            self.problems.append('<span> needs class="tg-spoiler"')
        if tag == "tg-emoji" and not (values.get("emoji-id") or "").isascii():
            self.problems.append("<tg-emoji> needs an emoji-id")
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
    if _BARE_AMPERSAND.search(_TAG.sub("", markup)):
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


# A full stop right after a value that ends with one ("M.Si." + "."), closing tags between.
_DOUBLE_STOP = re.compile(r"(?<!\.)\.((?:</[a-z]+>)*)\.(?!\.)")


def single_stops(text: str) -> str:
    """``<b>Dr. Siti, M.Si.</b>.`` -> ``<b>Dr. Siti, M.Si.</b>``: one full stop where a name
    ending in an abbreviation meets the sentence's own; an ellipsis (``...``) stays."""
    return _DOUBLE_STOP.sub(r".\1", text)


def escape(text: str) -> str:
    """Escape user-supplied text for parse_mode=HTML."""
    return html.escape(text, quote=False)


_CUSTOM_EMOJI = re.compile(r"<tg-emoji\b[^>]*>(.*?)</tg-emoji>", re.DOTALL)


def without_custom_emoji(markup: str) -> str:
    """Custom emoji replaced by their standard fallback emoji: only bots with a Fragment
    username may send custom ones, so a recipient sees the standard emoji instead."""
    return _CUSTOM_EMOJI.sub(r"\1", markup)
