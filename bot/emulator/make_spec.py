"""Generate ``botapi_spec.json`` (the compact Bot API schema used by the fake).

Usage (only needed when the upstream JSON is updated)::

    python -m bot.emulator.make_spec [path/to/telegram-bot-api-X.json]

The source is the MIT-licensed machine-readable Bot API description
(https://github.com/PaulSonOfLars/telegram-bot-api-spec); its licence is copied
next to the output as ``LICENSE.telegram-bot-api-spec``.  The tests never read
the source at run time.

Output format (compact, sorted, one JSON document)::

    {"version": "Bot API 10.1",
     "methods": {name: {"p": [[field, [types...], required(0/1)], ...], "r": [types]}},
     "types":   {name: {"f": [[field, [types...], required], ...],
                        "const": [field, value]}      # discriminator of a union member
                 | {"oneof": [subtype names]}}          # union types}
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = Path("/work/shared/reference/telegram-bot-api-10.1.json")

METHODS = [
    "getMe",
    "logOut",
    "close",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "sendMessage",
    "forwardMessage",
    "copyMessage",
    "sendPhoto",
    "sendDocument",
    "sendPoll",
    "stopPoll",
    "sendChatAction",
    "getFile",
    "getChat",
    "editMessageText",
    "editMessageCaption",
    "editMessageReplyMarkup",
    "deleteMessage",
    "deleteMessages",
    "answerCallbackQuery",
    "setMyCommands",
    "deleteMyCommands",
    "getMyCommands",
    "setMyDescription",
    "getMyDescription",
    "setMyShortDescription",
    "getMyShortDescription",
    "setChatMenuButton",
    "getChatMenuButton",
]

# Discriminator text in union members: 'must be chat', 'always "kicked"'.
_CONST_RE = re.compile(r'(?:must be|always)\s+[“"]?([a-z_]+)[”"]?')
_PRIMITIVES = {"Integer", "Float", "Boolean", "String", "True", "InputFile"}


def _base(t: str) -> str:
    while t.startswith("Array of "):
        t = t[len("Array of ") :]
    return t


def build(source: dict) -> dict:
    types_src = source["types"]
    out_methods: dict = {}
    todo: list[str] = []
    for name in METHODS:
        m = source["methods"][name]
        fields = [[f["name"], f["types"], int(f["required"])] for f in m.get("fields", [])]
        out_methods[name] = {"p": fields, "r": m["returns"]}
        todo += [_base(t) for f in fields for t in f[1]]
        todo += [_base(t) for t in m["returns"]]
    out_types: dict = {}
    while todo:
        name = todo.pop()
        if name in _PRIMITIVES or name in out_types:
            continue
        t = types_src[name]
        if "subtypes" in t:
            out_types[name] = {"oneof": t["subtypes"]}
            todo += [_base(s) for s in t["subtypes"]]
            continue
        entry: dict = {
            "f": [[f["name"], f["types"], int(f["required"])] for f in t.get("fields", [])]
        }
        if t.get("subtype_of"):
            disc = next(
                (f for f in t.get("fields", []) if f["name"] in ("type", "status", "source")), None
            )
            m = _CONST_RE.search(disc["description"]) if disc else None
            if m and disc:
                entry["const"] = [disc["name"], m.group(1)]
        out_types[name] = entry
        todo += [_base(x) for f in entry["f"] for x in f[1]]
    return {
        "version": source.get("version"),
        "methods": dict(sorted(out_methods.items())),
        "types": dict(sorted(out_types.items())),
    }


def main(argv: list[str]) -> None:
    src_path = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    spec = build(json.loads(src_path.read_text(encoding="utf-8")))
    out = HERE / "botapi_spec.json"
    out.write_text(
        json.dumps(spec, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8"
    )
    lic = src_path.parent / "LICENSE.telegram-bot-api-spec"
    if lic.exists():
        shutil.copyfile(lic, HERE / "LICENSE.telegram-bot-api-spec")
    print(
        f"wrote {out} ({out.stat().st_size} bytes): "
        f"{len(spec['methods'])} methods, {len(spec['types'])} types"
    )


if __name__ == "__main__":
    main(sys.argv)
