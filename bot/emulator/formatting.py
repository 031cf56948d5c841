"""Formatting of message texts: parse_mode / entities handling, Telegram's trimming,
explicit-entity validation, and rendering entities back to HTML for assertions."""

from __future__ import annotations

import html as _html

from .parsers import (
    SPACE,
    ParseError,
    boff,
    make_entity,
    parse_html,
    parse_markdown_v2,
    u16len,
)
from .spec import ApiError

__all__ = ["ENTITY_TYPES", "format_text", "to_html", "u16len"]


# --------------------------------------------------------------------- legacy Markdown
def parse_markdown(text: str) -> tuple[str, list[dict]]:
    out: list[str] = []
    pos = 0
    entities: list[dict] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            pos += 1
            i += 2
            continue
        if c not in "_*`[":
            out.append(c)
            pos += 2 if ord(c) > 0xFFFF else 1
            i += 1
            continue
        begin = i
        end_char = "]" if c == "[" else c
        i += 1
        is_pre = c == "`" and text.startswith("``", i)
        language = None
        if is_pre:
            i += 2
            k = i
            while i < n and text[i] not in SPACE and text[i] != "`":
                i += 1
            if i < n and text[i] == "\n" and i > k:
                language = text[k:i]
                i += 1
            elif i < n and text[i] == "\n":
                i += 1
            else:
                i = k
        start = pos
        while i < n and not (text[i] == end_char and (not is_pre or text.startswith("```", i))):
            out.append(text[i])
            pos += 2 if ord(text[i]) > 0xFFFF else 1
            i += 1
        if i >= n:
            raise ParseError(
                f"Can't find end of the entity starting at byte offset {boff(text, begin)}"
            )
        i += 3 if is_pre else 1
        etype = {"_": "italic", "*": "bold", "`": "pre" if is_pre else "code", "[": "text_link"}[c]
        extra: dict = {"language": language}
        if c == "[":
            if i < n and text[i] == "(":
                end = text.find(")", i)
                if end < 0:
                    raise ParseError(
                        f"Can't find end of the entity starting at byte offset {boff(text, begin)}"
                    )
                extra = {"url": text[i + 1 : end]}
                i = end + 1
            else:
                continue
        if pos > start:
            entities.append(make_entity(etype, start, pos - start, **extra))
    return "".join(out), entities


# --------------------------------------------------------------------------- public
ENTITY_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
        "date_time",
    }
)


def format_text(
    text: str, parse_mode: str | None, entities: list[dict] | None, strict_html: bool = True
) -> tuple[str, list[dict]]:
    """Apply parse_mode (or validate explicit entities) and trim like Telegram does."""
    if entities is not None:
        _check_entities(text, entities)
        plain, ents = text, [dict(e) for e in entities]
    elif parse_mode:
        mode = parse_mode.lower()
        try:
            if mode == "html":
                plain, ents = parse_html(text, strict_html)
            elif mode == "markdownv2":
                plain, ents = parse_markdown_v2(text)
            elif mode == "markdown":
                plain, ents = parse_markdown(text)
            else:
                raise ApiError("Bad Request: unsupported parse_mode")
        except ParseError as exc:
            raise ApiError(f"Bad Request: can't parse entities: {exc}") from None
    else:
        plain, ents = text, []
    return _trim(plain, ents)


def _check_entities(text: str, entities: list[dict]) -> None:
    total = u16len(text)
    for e in entities:
        off, length = e.get("offset", 0), e.get("length", 0)
        if e.get("type") not in ENTITY_TYPES:
            raise ApiError("Bad Request: can't parse MessageEntity: Unsupported type specified")
        if off < 0:
            raise ApiError(f"Bad Request: receive an entity with incorrect offset {off}")
        if off > total:
            raise ApiError(
                f"Bad Request: entity begins after the end of the text at UTF-16 offset {off}"
            )
        if off + length > total:
            raise ApiError(
                f"Bad Request: entity beginning at UTF-16 offset {off} ends after "
                f"the end of the text at UTF-16 offset {off + length}"
            )
        if e["type"] == "text_link" and "url" not in e:
            raise ApiError("Bad Request: can't parse MessageEntity: Can't find field \"url\"")
        if e["type"] == "text_mention" and "user" not in e:
            raise ApiError("Bad Request: can't parse MessageEntity: Can't find field \"user\"")
        if e["type"] == "custom_emoji" and "custom_emoji_id" not in e:
            raise ApiError(
                "Bad Request: can't parse MessageEntity: Can't find field \"custom_emoji_id\""
            )


def _trim(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = u16len(text[: len(text) - len(text.lstrip())])
    total = u16len(stripped)
    out = []
    for e in entities:
        start = max(0, e["offset"] - lead)
        end = min(total, e["offset"] + e["length"] - lead)
        if end > start:
            out.append({**e, "offset": start, "length": end - start})
    return stripped, out


def to_html(text: str, entities: list[dict]) -> str:
    """Render text+entities as Telegram-style HTML (for assertions)."""
    if not entities:
        return _html.escape(text, quote=False)
    # map utf16 offset -> python index
    idx, u = {}, 0
    for k, ch in enumerate(text):
        idx[u] = k
        u += 2 if ord(ch) > 0xFFFF else 1
    idx[u] = len(text)
    opens: dict[int, list[dict]] = {}
    for e in sorted(entities, key=lambda e: (e["offset"], -e["length"])):
        opens.setdefault(idx.get(e["offset"], len(text)), []).append(e)
    parts: list[str] = []
    stack: list[tuple[int, str]] = []
    for k in range(len(text) + 1):
        while stack and stack[-1][0] <= k:
            parts.append(stack.pop()[1])
        if k == len(text):
            break
        for e in opens.get(k, ()):
            o, c = _tags(e)
            parts.append(o)
            stack.append((idx.get(e["offset"] + e["length"], len(text)), c))
        parts.append(_html.escape(text[k], quote=False))
    return "".join(parts)


def _tags(e: dict) -> tuple[str, str]:
    t = e["type"]
    simple = {
        "bold": "b",
        "italic": "i",
        "underline": "u",
        "strikethrough": "s",
        "spoiler": "tg-spoiler",
        "code": "code",
        "blockquote": "blockquote",
    }
    if t in simple:
        return f"<{simple[t]}>", f"</{simple[t]}>"
    if t == "expandable_blockquote":
        return "<blockquote expandable>", "</blockquote>"
    if t == "pre":
        lang = e.get("language")
        if lang:
            return f'<pre><code class="language-{lang}">', "</code></pre>"
        return "<pre>", "</pre>"
    if t == "text_link":
        return f'<a href="{_html.escape(e["url"])}">', "</a>"
    if t == "text_mention":
        return f'<a href="tg://user?id={e["user"]["id"]}">', "</a>"
    if t == "custom_emoji":
        return f'<tg-emoji emoji-id="{e["custom_emoji_id"]}">', "</tg-emoji>"
    return "", ""
