"""Bot API schema: loading the compact spec and decoding/validating call parameters.

Everything that can be precomputed is computed once at import time; decoding a
call walks only the parameters that were actually sent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).with_name("botapi_spec.json")

_INT_RE = re.compile(r"-?\d+\Z")
_BOOL = {"true": True, "false": False, "1": True, "0": False}
_PRIMS = frozenset({"Integer", "Float", "Boolean", "String", "True", "InputFile"})


class ApiError(Exception):
    """A Bot API error reply.  ``violation`` says whether a careful bot would have
    avoided it (it is then recorded in ``FakeBotApi.violations``)."""

    def __init__(
        self,
        description: str,
        code: int = 400,
        *,
        violation: bool = True,
        parameters: dict | None = None,
    ) -> None:
        super().__init__(description)
        self.description = description
        self.code = code
        self.violation = violation
        self.parameters = parameters

    def payload(self) -> dict:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True)
class UploadedFile:
    """A multipart file part sent by the bot."""

    field_name: str
    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


def _compile(t: str) -> Any:
    """'Array of Array of X' -> ('A', ('A', 'X')); a plain name stays a str."""
    return ("A", _compile(t[9:])) if t.startswith("Array of ") else t


def _type_name(t: Any) -> str:
    return f"Array of {_type_name(t[1])}" if isinstance(t, tuple) else t


@dataclass
class ObjType:
    name: str
    fields: dict[str, tuple[tuple[Any, ...], bool]]
    required: tuple[str, ...]
    const: tuple[str, str] | None = None
    oneof: tuple[Any, ...] = ()


@dataclass
class MethodSpec:
    name: str
    params: dict[str, tuple[tuple[Any, ...], bool]]
    required: tuple[str, ...]
    returns: tuple[Any, ...]


@dataclass
class Ctx:
    method: str
    param: str
    files: dict[str, UploadedFile]
    unknown: set[str]


class Schema:
    def __init__(self, raw: dict) -> None:
        self.version: str = raw.get("version", "")
        self.types: dict[str, ObjType] = {}
        for name, t in raw["types"].items():
            if "oneof" in t:
                self.types[name] = ObjType(
                    name, {}, (), None, tuple(_compile(s) for s in t["oneof"])
                )
                continue
            fields = {f: (tuple(_compile(x) for x in ts), bool(req)) for f, ts, req in t["f"]}
            self.types[name] = ObjType(
                name,
                fields,
                tuple(f for f, (_, r) in fields.items() if r),
                tuple(t["const"]) if "const" in t else None,
            )
        self.methods: dict[str, MethodSpec] = {}
        for name, m in raw["methods"].items():
            params = {p: (tuple(_compile(x) for x in ts), bool(req)) for p, ts, req in m["p"]}
            self.methods[name.lower()] = MethodSpec(
                name,
                params,
                tuple(p for p, (_, r) in params.items() if r),
                tuple(_compile(x) for x in m["r"]),
            )
        self._obj_alts: dict[tuple, list[tuple[str, tuple[str, ...]]]] = {}
        # union member lookup by discriminator value
        self._by_const: dict[str, tuple[str, dict[str, str]]] = {}
        for name, t in self.types.items():
            members = [
                self.types[m]
                for m in t.oneof
                if isinstance(m, str) and m in self.types and self.types[m].const
            ]
            consts = [(m.const, m.name) for m in members if m.const is not None]
            if consts:
                field_name = consts[0][0][0]
                self._by_const[name] = (field_name, {c[1]: n for c, n in consts})
        # Telegram also accepts plain strings as poll options
        opts = self.methods["sendpoll"].params["options"]
        self.methods["sendpoll"].params["options"] = (opts[0] + (("A", "String"),), opts[1])

    # ------------------------------------------------------------------ top level
    def decode_params(
        self,
        method: MethodSpec,
        raw: dict[str, Any],
        files: dict[str, UploadedFile],
        unknown: set[str],
        from_json: bool,
    ) -> dict[str, Any]:
        """Decode the raw (form strings / JSON natives / files) parameters of a call
        according to the method's declared types, and validate them recursively."""
        out: dict[str, Any] = {}
        spec_params = method.params
        for name, value in raw.items():
            decl = spec_params.get(name)
            if decl is None:
                unknown.add(f"{method.name}:{name}")
                continue
            out[name] = self._decode_top(method, name, value, decl[0], files, unknown, from_json)
        for name in method.required:
            if name not in out:
                raise ApiError(_MISSING.get(name, f'Bad Request: parameter "{name}" is required'))
        return out

    def _decode_top(
        self,
        method: MethodSpec,
        name: str,
        value: Any,
        alts: tuple,
        files: dict,
        unknown: set,
        from_json: bool,
    ) -> Any:
        if isinstance(value, UploadedFile):
            if "InputFile" in alts:
                return value
            raise ApiError(f'Bad Request: parameter "{name}" can\'t be a file upload')
        complex_alts = None
        for alt in alts:
            if alt == "String":
                if isinstance(value, str):
                    return value
                if from_json and isinstance(value, int | float) and not isinstance(value, bool):
                    return str(value)
            elif alt == "Integer":
                if isinstance(value, str) and _INT_RE.match(value.strip()):
                    return int(value)
                if isinstance(value, int) and not isinstance(value, bool):
                    return value
            elif alt == "Float":
                if isinstance(value, int | float) and not isinstance(value, bool):
                    return value
                if isinstance(value, str):
                    try:
                        return float(value)
                    except ValueError:
                        pass
            elif alt in ("Boolean", "True"):
                if isinstance(value, bool):
                    return value
                if isinstance(value, str) and value.strip().lower() in _BOOL:
                    return _BOOL[value.strip().lower()]
            elif alt != "InputFile":
                complex_alts = (complex_alts or ()) + (alt,)
        if complex_alts:
            # Arrays / objects arrive JSON-serialized in form data.
            native = value
            if isinstance(value, str):
                try:
                    native = json.loads(value)
                except ValueError:
                    raise ApiError(
                        _BADJSON.get(name, f"Bad Request: can't parse {name} JSON object")
                    ) from None
            err = self._check_alts(
                native, complex_alts, name, Ctx(method.name, name, files, unknown)
            )
            if err is not None:
                raise ApiError("Bad Request: " + err)
            return native
        want = " or ".join(_type_name(a) for a in alts)
        raise ApiError(f'Bad Request: parameter "{name}" must be of type {want}')

    # ------------------------------------------------------------------- nested
    def check(self, value: Any, t: Any, path: str, ctx: Ctx) -> str | None:
        """Validate a native JSON value against a compiled type; return an error text."""
        if isinstance(t, tuple):
            if not isinstance(value, list):
                return f'field "{_leaf(path)}" must be of type Array (at {path})'
            for i, item in enumerate(value):
                err = self.check(item, t[1], f"{path}[{i}]", ctx)
                if err:
                    return err
            return None
        if t in _PRIMS:
            ok = (
                (t == "String" and isinstance(value, str))
                or (t == "Integer" and isinstance(value, int) and not isinstance(value, bool))
                or (t == "Float" and isinstance(value, int | float) and not isinstance(value, bool))
                or (t == "Boolean" and isinstance(value, bool))
                or (t == "True" and value is True)
            )
            if not ok:
                return f'field "{_leaf(path)}" must be of type {t} (at {path})'
            if t == "String" and value.startswith("attach://") and value[9:] not in ctx.files:
                return f'can\'t find attached file "{value[9:]}" (at {path})'
            return None
        obj = self.types.get(t)
        if obj is None:  # pragma: no cover - spec is closed under references
            return None
        if obj.oneof:
            return self._check_union(value, obj, path, ctx)
        if not isinstance(value, dict):
            return f"{t} must be an Object (at {path})"
        fields = obj.fields
        for key, v in value.items():
            decl = fields.get(key)
            if decl is None:
                ctx.unknown.add(f"{ctx.method}:{_strip_idx(path)}.{key}")
                continue
            err = self._check_alts(v, decl[0], f"{path}.{key}", ctx)
            if err:
                return err
        for key in obj.required:
            if key not in value:
                return f"can't parse {t}: Can't find field \"{key}\" (at {path})"
        if obj.const and value.get(obj.const[0]) != obj.const[1]:
            return f'{t}: field "{obj.const[0]}" must be "{obj.const[1]}" (at {path})'
        return None

    def _check_alts(self, value: Any, alts: tuple, path: str, ctx: Ctx) -> str | None:
        if len(alts) == 1:
            return self.check(value, alts[0], path, ctx)
        first = None
        # objects in a union: prefer the one whose required fields are present
        if isinstance(value, dict):
            objs = self._obj_alts.get(alts)
            if objs is None:
                objs = self._obj_alts[alts] = [
                    (a, self.types[a].required)
                    for a in alts
                    if isinstance(a, str) and a in self.types
                ]
            for a, required in objs:
                if all(k in value for k in required):
                    return self.check(value, a, path, ctx)
        for a in alts:
            err = self.check(value, a, path, ctx)
            if err is None:
                return None
            first = first or err
        return first

    def _check_union(self, value: Any, obj: ObjType, path: str, ctx: Ctx) -> str | None:
        key, table = self._by_const.get(obj.name, ("", {}))
        if isinstance(value, dict) and table:
            member = table.get(str(value.get(key)))
            if member is None:
                return (
                    f'{obj.name}: unsupported {key} "{value.get(key)}", expected one of '
                    f"{sorted(table)} (at {path})"
                )
            return self.check(value, member, path, ctx)
        return self._check_alts(value, obj.oneof, path, ctx)

    def validate_result(self, value: Any, returns: tuple) -> str | None:
        """Check a value the fake returns against the declared return types (self-tests)."""
        ctx = Ctx("result", "result", {}, set())
        return self._check_alts(value, returns, "result", ctx)


def _leaf(path: str) -> str:
    leaf = path.rsplit(".", 1)[-1]
    return leaf.split("[", 1)[0]


def _strip_idx(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path)


_MISSING = {
    "chat_id": "Bad Request: chat_id is empty",
    "text": "Bad Request: message text is empty",
    "question": "Bad Request: text must be non-empty",
    "options": "Bad Request: can't parse options JSON object",
    "message_id": "Bad Request: message identifier is not specified",
    "callback_query_id": "Bad Request: query is too old and response timeout expired or query "
    "ID is invalid",
    "commands": "Bad Request: can't parse commands JSON object",
    "file_id": "Bad Request: invalid file_id",
    "url": "Bad Request: bad webhook: HTTPS url must be provided for webhook",
}
_BADJSON = {"reply_markup": "Bad Request: can't parse reply keyboard markup JSON object"}

SCHEMA = Schema(json.loads(SPEC_PATH.read_text(encoding="utf-8")))
