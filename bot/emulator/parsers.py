"""Telegram's three parse modes, modelled on TDLib's parsers (same error texts).

Each parser returns ``(visible_text, entities)`` with UTF-16 offsets, or raises
:class:`ParseError` carrying the text after "Bad Request: can't parse entities: ".
"""

from __future__ import annotations

import html as _html
import re


class ParseError(Exception):
    pass


def u16len(s: str) -> int:
    """Length in UTF-16 code units (what Telegram's offsets and limits count)."""
    if s.isascii():
        return len(s)
    return len(s.encode("utf-16-le")) // 2  # in C: the fake must not be the bench's bottleneck


def boff(text: str, i: int) -> int:
    return len(text[:i].encode("utf-8"))


def make_entity(etype: str, offset: int, length: int, **extra) -> dict:
    e = {"type": etype, "offset": offset, "length": length}
    e.update({k: v for k, v in extra.items() if v is not None})
    return e


# ----------------------------------------------------------------------------- HTML
_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([a-zA-Z]+));?")
_SPECIAL = re.compile(r"[<&]")
SPACE = " \t\r\n\f"


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
        raise ParseError(
            f"Character '&' at byte offset {boff(text, i)} is not a valid HTML "
            'entity; escape it as "&amp;" (strict fake rule: Telegram would '
            "show it literally)"
        )
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
                raise ParseError(f"Unexpected end tag at byte offset {boff(text, begin)}")
            k = i
            while i < n and text[i] not in SPACE and text[i] != ">":
                i += 1
            name = text[k:i].lower()
            tag, start, open_attrs, _ = stack[-1]
            if name and name != tag:
                raise ParseError(
                    f"Unmatched end tag at byte offset {boff(text, begin)}, "
                    f'expected "</{tag}>", found "</{name}>"'
                )
            while i < n and text[i] in SPACE:
                i += 1
            if i >= n or text[i] != ">":
                raise ParseError(f"Unclosed end tag at byte offset {boff(text, begin)}")
            i += 1
            stack.pop()
            if (
                tag == "code"
                and stack
                and stack[-1][0] == "pre"
                and open_attrs.get("class", "").startswith("language-")
            ):
                stack[-1][2]["language"] = open_attrs["class"][9:]  # <pre><code class=...>
                continue
            _close_html(tag, open_attrs, start, pos, entities)
            continue
        k = i
        while i < n and text[i] not in SPACE and text[i] not in ">/":
            i += 1
        if i >= n:
            raise ParseError(f"Unclosed start tag at byte offset {boff(text, begin)}")
        tag = text[k:i].lower()
        if tag not in _HTML_TAGS:
            raise ParseError(f'Unsupported start tag "{tag}" at byte offset {boff(text, begin)}')
        attrs: dict[str, str] = {}
        while True:
            while i < n and text[i] in SPACE:
                i += 1
            if i >= n:
                raise ParseError(f"Unclosed start tag at byte offset {boff(text, begin)}")
            if text[i] == ">":
                i += 1
                break
            k = i
            while i < n and text[i] not in SPACE and text[i] not in "=>/":
                i += 1
            aname = text[k:i].lower()
            if not aname:
                raise ParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {boff(text, begin)}'
                )
            while i < n and text[i] in SPACE:
                i += 1
            if i >= n or text[i] != "=":
                if tag == "blockquote" and aname == "expandable":
                    attrs["expandable"] = ""
                    continue
                raise ParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" at byte offset {boff(text, begin)}'
                )
            i += 1
            while i < n and text[i] in SPACE:
                i += 1
            if i >= n:
                raise ParseError(f"Unclosed start tag at byte offset {boff(text, begin)}")
            if text[i] in "'\"":
                q = text[i]
                end = text.find(q, i + 1)
                if end < 0:
                    raise ParseError(f"Unclosed start tag at byte offset {boff(text, begin)}")
                value = _html.unescape(text[i + 1 : end])
                i = end + 1
            else:
                k = i
                while i < n and (text[i].isalnum() or text[i] in "_-"):
                    i += 1
                value = text[k:i]
                if not value:
                    raise ParseError(f"Expected quote at byte offset {boff(text, i)}")
            attrs[aname] = value
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise ParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {boff(text, begin)}'
            )
        if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise ParseError("Invalid custom emoji identifier specified")
        stack.append((tag, pos, attrs, boff(text, begin)))
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
            etype, extra = (
                "text_mention",
                {"user": {"id": int(href[13:] or 0), "is_bot": False, "first_name": ""}},
            )
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
        extra = {
            "unix_time": int(attrs.get("unix", "0") or 0),
            "date_time_format": attrs.get("format"),
        }
    entities.append(make_entity(etype, start, end - start, **extra))


# ------------------------------------------------------------------------ MarkdownV2
_MDV2_RESERVED = "_*[]()~`>#+-=|{}.!"
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


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
        if (
            quote is not None
            and quote[1]
            and c == "|"
            and text.startswith("||", i)
            and (i + 2 >= n or text[i + 2] == "\n")
            and inner != "spoiler"
        ):
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
                while i < n and text[i] not in SPACE and text[i] != "`":
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
            stack.append([etype, pos, boff(text, begin), extra])
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
                    raise ParseError(f"Can't find end of a url at byte offset {boff(text, i)}")
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
            entities.append(make_entity(etype, start, pos - start, **extra))
    if stack:
        etype, _, at, _ = stack[-1]
        raise ParseError(f"Can't find end of {_MDV2_NAMES[etype]} entity at byte offset {at}")
    if quote is not None:
        _close_quote(quote, pos, out, entities)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close_quote(quote: list, pos: int, out: list[str], entities: list[dict]) -> None:
    if pos > quote[0]:
        entities.append(
            make_entity(
                "expandable_blockquote" if quote[1] else "blockquote", quote[0], pos - quote[0]
            )
        )
