"""Telegram text formatting: HTML / MarkdownV2 / Markdown parsing (modelled on TDLib's
parser, with Telegram's error texts), UTF-16 lengths, and rendering entities back
to HTML for assertions.

Every parser returns ``(visible_text, entities)`` with entity offsets/lengths in
UTF-16 code units, or raises :class:`ParseError` whose message is the part after
"Bad Request: can't parse entities: ".
"""

from __future__ import annotations

import html as _html
import re

from .spec import ApiError


class ParseError(Exception):
    pass


def u16len(s: str) -> int:
    """Length in UTF-16 code units (what Telegram's offsets and limits count)."""
    n = len(s)
    if s.isascii():
        return n
    return n + sum(1 for c in s if ord(c) > 0xFFFF)


def _boff(text: str, i: int) -> int:
    return len(text[:i].encode("utf-8"))


def _entity(etype: str, offset: int, length: int, **extra) -> dict:
    e = {"type": etype, "offset": offset, "length": length}
    e.update({k: v for k, v in extra.items() if v is not None})
    return e


# ----------------------------------------------------------------------------- HTML
_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji", "tg-time": "date_time",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([a-zA-Z]+));?")
_SPECIAL = re.compile(r"[<&]")
_SPACE = " \t\r\n\f"


def _decode_entity(text: str, i: int, strict: bool) -> tuple[str, int] | None:
    m = _ENTITY_RE.match(text, i)
    if m:
        hexv, decv, name = m.groups()
        if name is not None:
            if name in _NAMED:
                return _NAMED[name], m.end()
        else:
            cp = int(hexv, 16) if hexv is not None else int(decv)
            if 0 < cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF:
                return chr(cp), m.end()
    if strict:
        raise ParseError(f"Character '&' at byte offset {_boff(text, i)} is not a valid HTML "
                         "entity; escape it as \"&amp;\" (strict fake rule: Telegram would "
                         "show it literally)")
    return None


def parse_html(text: str, strict: bool = True) -> tuple[str, list[dict]]:
    out: list[str] = []
    pos = 0  # utf16 offset of the output so far
    stack: list[tuple[str, int, dict, int]] = []  # tag, utf16 start, attrs, byte offset
    entities: list[dict] = []
    i, n = 0, len(text)
    while i < n:
        m = _SPECIAL.search(text, i)
        j = m.start() if m else n
        if j > i:
            chunk = text[i:j]
            out.append(chunk)
            pos += u16len(chunk)
            i = j
            if i >= n:
                break
        if text[i] == "&":
            dec = _decode_entity(text, i, strict)
            if dec is None:
                out.append("&")
                pos += 1
                i += 1
            else:
                out.append(dec[0])
                pos += u16len(dec[0])
                i = dec[1]
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":  # end tag
            i += 1
            if not stack:
                raise ParseError(f"Unexpected end tag at byte offset {_boff(text, begin)}")
            k = i
            while i < n and text[i] not in _SPACE and text[i] != ">":
                i += 1
            name = text[k:i].lower()
            tag, start, attrs, _ = stack[-1]
            if name and name != tag:
                raise ParseError(f"Unmatched end tag at byte offset {_boff(text, begin)}, "
                                 f'expected "</{tag}>", found "</{name}>"')
            while i < n and text[i] in _SPACE:
                i += 1
            if i >= n or text[i] != ">":
                raise ParseError(f"Unclosed end tag at byte offset {_boff(text, begin)}")
            i += 1
            stack.pop()
            if (tag == "code" and stack and stack[-1][0] == "pre"
                    and attrs.get("class", "").startswith("language-")):
                stack[-1][2]["language"] = attrs["class"][9:]  # <pre><code class=...>
                continue
            _close_html(tag, attrs, start, pos, entities)
            continue
        k = i
        while i < n and text[i] not in _SPACE and text[i] not in ">/":
            i += 1
        if i >= n:
            raise ParseError(f"Unclosed start tag at byte offset {_boff(text, begin)}")
        tag = text[k:i].lower()
        if tag not in _HTML_TAGS:
            raise ParseError(f'Unsupported start tag "{tag}" at byte offset {_boff(text, begin)}')
        attrs: dict[str, str] = {}
        while True:
            while i < n and text[i] in _SPACE:
                i += 1
            if i >= n:
                raise ParseError(f"Unclosed start tag at byte offset {_boff(text, begin)}")
            if text[i] == ">":
                i += 1
                break
            k = i
            while i < n and text[i] not in _SPACE and text[i] not in "=>/":
                i += 1
            aname = text[k:i].lower()
            if not aname:
                raise ParseError(f'Empty attribute name in the tag "{tag}" at byte offset '
                                 f"{_boff(text, begin)}")
            while i < n and text[i] in _SPACE:
                i += 1
            if i >= n or text[i] != "=":
                if tag == "blockquote" and aname == "expandable":
                    attrs["expandable"] = ""
                    continue
                raise ParseError("Expected equal sign in declaration of an attribute of the tag "
                                 f'"{tag}" at byte offset {_boff(text, begin)}')
            i += 1
            while i < n and text[i] in _SPACE:
                i += 1
            if i >= n:
                raise ParseError(f"Unclosed start tag at byte offset {_boff(text, begin)}")
            if text[i] in "'\"":
                q = text[i]
                end = text.find(q, i + 1)
                if end < 0:
                    raise ParseError(f"Unclosed start tag at byte offset {_boff(text, begin)}")
                value = _html.unescape(text[i + 1:end])
                i = end + 1
            else:
                k = i
                while i < n and (text[i].isalnum() or text[i] in "_-"):
                    i += 1
                value = text[k:i]
                if not value:
                    raise ParseError(f"Expected quote at byte offset {_boff(text, i)}")
            attrs[aname] = value
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise ParseError(f'Tag "span" must have class "tg-spoiler" at byte offset '
                             f"{_boff(text, begin)}")
        if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise ParseError("Invalid custom emoji identifier specified")
        stack.append((tag, pos, attrs, _boff(text, begin)))
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close_html(tag: str, attrs: dict, start: int, end: int, entities: list[dict]) -> None:
    if end <= start:
        return
    etype = _HTML_TAGS[tag]
    extra: dict = {}
    if tag == "a":
        href = attrs.get("href", "")
        if href.startswith("tg://user?id="):
            etype, extra = "text_mention", {"user": {"id": int(href[13:] or 0), "is_bot": False,
                                                      "first_name": ""}}
        elif not href:
            return
        else:
            extra = {"url": href}
    elif tag == "blockquote" and "expandable" in attrs:
        etype = "expandable_blockquote"
    elif tag == "tg-emoji":
        extra = {"custom_emoji_id": attrs["emoji-id"]}
    elif tag == "pre":
        extra = {"language": attrs.get("language")}
    elif tag == "tg-time":
        extra = {"unix_time": int(attrs.get("unix", "0") or 0),
                 "date_time_format": attrs.get("format")}
    entities.append(_entity(etype, start, end - start, **extra))


# ------------------------------------------------------------------------ MarkdownV2
_MDV2_RESERVED = "_*[]()~`>#+-=|{}.!"
_MDV2_NAMES = {"bold": "Bold", "italic": "Italic", "underline": "Underline",
               "strikethrough": "Strikethrough", "spoiler": "Spoiler", "code": "Code",
               "pre": "Pre", "text_link": "TextUrl", "custom_emoji": "CustomEmoji"}


def _reserved(c: str) -> ParseError:
    return ParseError(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")


def parse_markdown_v2(text: str) -> tuple[str, list[dict]]:
    out: list[str] = []
    pos = 0
    stack: list[list] = []  # [type, utf16 start, byte offset, extra]
    entities: list[dict] = []
    quote: list | None = None  # [utf16 start, expandable]
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        line_start = i == 0 or text[i - 1] == "\n"
        inner = stack[-1][0] if stack else None
        if line_start and inner not in ("pre", "code"):
            if c == ">" or text.startswith("**>", i):
                expandable = c == "*"
                if quote is None:
                    quote = [pos, expandable]
                quote[1] = quote[1] or expandable
                i += 3 if expandable else 1
                continue
            if quote is not None:
                _close_quote(quote, pos, out, entities)
                quote = None
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.append(text[i + 1])
            pos += 1
            i += 2
            continue
        if c == "\n" and quote is not None and (i + 1 >= n or text[i + 1] != ">"):
            if not text.startswith("**>", i + 1):
                _close_quote(quote, pos, out, entities)
                quote = None
        reserved = "`" if inner in ("pre", "code") else _MDV2_RESERVED
        if c not in reserved:
            out.append(c)
            pos += 2 if ord(c) > 0xFFFF else 1
            i += 1
            continue
        if (quote is not None and quote[1] and c == "|" and text.startswith("||", i)
                and (i + 2 >= n or text[i + 2] == "\n") and inner != "spoiler"):
            i += 2  # end of an expandable blockquote
            continue
        is_end = inner is not None and (
            (inner == "bold" and c == "*")
            or (inner == "italic" and c == "_" and not text.startswith("__", i))
            or (inner == "code" and c == "`")
            or (inner == "pre" and text.startswith("```", i))
            or (inner in ("text_link", "custom_emoji") and c == "]")
            or (inner == "underline" and text.startswith("__", i))
            or (inner == "strikethrough" and c == "~")
            or (inner == "spoiler" and text.startswith("||", i))
        )
        if not is_end:
            begin = i
            extra: dict = {}
            if c == "_":
                etype = "underline" if text.startswith("__", i) else "italic"
                i += 2 if etype == "underline" else 1
            elif c == "*":
                etype, i = "bold", i + 1
            elif c == "~":
                etype, i = "strikethrough", i + 1
            elif c == "|" and text.startswith("||", i):
                etype, i = "spoiler", i + 2
            elif c == "[":
                etype, i = "text_link", i + 1
            elif c == "!" and text.startswith("![", i):
                etype, i = "custom_emoji", i + 2
            elif c == "`" and text.startswith("```", i):
                etype, i = "pre", i + 3
                k = i
                while i < n and text[i] not in _SPACE and text[i] != "`":
                    i += 1
                if i < n and text[i] == "\n" and i > k:
                    extra["language"] = text[k:i]
                    i += 1
                elif i < n and text[i] == "\n":
                    i += 1
                else:
                    i = k
            elif c == "`":
                etype, i = "code", i + 1
            else:
                raise _reserved(c)
            stack.append([etype, pos, _boff(text, begin), extra])
            continue
        etype, start, _, extra = stack.pop()
        if etype in ("underline", "spoiler"):
            i += 2
        elif etype == "pre":
            i += 3
        elif etype in ("text_link", "custom_emoji"):
            i += 1
            url = None
            if i < n and text[i] == "(":
                i += 1
                buf = []
                while i < n and text[i] != ")":
                    if text[i] == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
                        i += 1
                    buf.append(text[i])
                    i += 1
                if i >= n:
                    raise ParseError(f"Can't find end of a url at byte offset {_boff(text, i)}")
                i += 1
                url = "".join(buf)
            if etype == "custom_emoji":
                if not url or not url.startswith("tg://emoji?id="):
                    raise ParseError("Custom emoji entity must contain a tg://emoji URL")
                extra = {"custom_emoji_id": url[14:]}
            elif url is None:
                continue  # "[text]" without "(url)": no link entity
            else:
                extra = {"url": url}
        else:
            i += 1
        if pos > start:
            entities.append(_entity(etype, start, pos - start, **extra))
    if stack:
        etype, _, boff, _ = stack[-1]
        raise ParseError(f"Can't find end of {_MDV2_NAMES[etype]} entity at byte offset {boff}")
    if quote is not None:
        _close_quote(quote, pos, out, entities)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close_quote(quote: list, pos: int, out: list[str], entities: list[dict]) -> None:
    if pos > quote[0]:
        entities.append(_entity("expandable_blockquote" if quote[1] else "blockquote",
                                quote[0], pos - quote[0]))


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
            while i < n and text[i] not in _SPACE and text[i] != "`":
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
            raise ParseError("Can't find end of the entity starting at byte offset "
                             f"{_boff(text, begin)}")
        i += 3 if is_pre else 1
        etype = {"_": "italic", "*": "bold", "`": "pre" if is_pre else "code", "[": "text_link"}[c]
        extra: dict = {"language": language}
        if c == "[":
            if i < n and text[i] == "(":
                end = text.find(")", i)
                if end < 0:
                    raise ParseError("Can't find end of the entity starting at byte offset "
                                     f"{_boff(text, begin)}")
                extra = {"url": text[i + 1:end]}
                i = end + 1
            else:
                continue
        if pos > start:
            entities.append(_entity(etype, start, pos - start, **extra))
    return "".join(out), entities


# --------------------------------------------------------------------------- public
ENTITY_TYPES = frozenset({
    "mention", "hashtag", "cashtag", "bot_command", "url", "email", "phone_number", "bold",
    "italic", "underline", "strikethrough", "spoiler", "blockquote", "expandable_blockquote",
    "code", "pre", "text_link", "text_mention", "custom_emoji", "date_time",
})


def format_text(text: str, parse_mode: str | None, entities: list[dict] | None,
                strict_html: bool = True) -> tuple[str, list[dict]]:
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
            raise ApiError(f"Bad Request: entity begins after the end of the text at UTF-16 "
                           f"offset {off}")
        if off + length > total:
            raise ApiError(f"Bad Request: entity beginning at UTF-16 offset {off} ends after "
                           f"the end of the text at UTF-16 offset {off + length}")
        if e["type"] == "text_link" and "url" not in e:
            raise ApiError("Bad Request: can't parse MessageEntity: Can't find field \"url\"")
        if e["type"] == "text_mention" and "user" not in e:
            raise ApiError("Bad Request: can't parse MessageEntity: Can't find field \"user\"")
        if e["type"] == "custom_emoji" and "custom_emoji_id" not in e:
            raise ApiError("Bad Request: can't parse MessageEntity: Can't find field "
                           "\"custom_emoji_id\"")


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
    simple = {"bold": "b", "italic": "i", "underline": "u", "strikethrough": "s",
              "spoiler": "tg-spoiler", "code": "code", "blockquote": "blockquote"}
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
