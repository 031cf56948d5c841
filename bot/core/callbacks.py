"""Typed callback data: every button kind is one small class that packs and parses itself.

Telegram hands callback data back as an unverified string of at most 64 bytes. Each kind of
button is declared once, here, as a frozen dataclass with a unique prefix; ``pack()`` writes
``prefix:field:field`` and refuses anything over 64 bytes, ``unpack()`` returns an instance or
``None`` for data that does not parse (forged, truncated, from an older release), and
``pattern()`` routes updates by prefix. The model is aiogram's ``CallbackData``; it is written
here over python-telegram-bot (which has no such helper) in a few dozen lines.

A button that acts on a flow's state (a draft, a wizard step, a confirmation) carries that
state's ``Token`` (``bot.store.sessions``), checked in one place, ``sessions.expect``.

Field types: ``int`` (ASCII digits only), ``str`` (``Slug``, ``Token`` or plain, never a
colon), ``Literal[...]``, a ``StrEnum``, and any of these ``| None`` (written as an empty
field; trailing empty fields are left off). A parsed value only says what the button claims:
handlers and services re-check it against the database on every press.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass, fields
from enum import StrEnum
from types import UnionType
from typing import Annotated, Any, ClassVar, Literal, Self, get_args, get_origin

from bot.core.content import Category

CALLBACK_LIMIT = 64  # bytes, Telegram's limit for callback_data

Slug = Annotated[str, re.compile(r"[a-z0-9][a-z0-9-]{0,23}")]  # module ids, OPD codes
Token = Annotated[str, re.compile(r"[0-9a-f]{8}")]  # a flow's random token
_PLAIN = re.compile(r"[A-Za-z0-9_.-]{1,32}")
_DIGITS = re.compile(r"[0-9]{1,18}")


class CallbackTooLong(ValueError):
    """A button whose data would exceed Telegram's 64 bytes: a bug, caught when it is built."""


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    parse: Any  # Callable[[str], Any | None]; None means "does not parse"
    write: Any  # Callable[[Any], str]
    optional: bool


_MISSING = object()


def _codec(hint: Any) -> tuple[Any, Any, bool]:
    optional = False
    if get_origin(hint) in (typing.Union, UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"unsupported callback field type {hint!r}")
        hint, optional = args[0], True
    pattern = _PLAIN
    if get_origin(hint) is Annotated:
        hint, pattern = get_args(hint)[0], get_args(hint)[1]
    if hint is int:
        return (lambda s: int(s) if _DIGITS.fullmatch(s) else _MISSING), str, optional
    if hint is bool:
        return ({"1": True, "0": False}.get), (lambda v: "1" if v else "0"), optional
    if hint is str:
        return (lambda s: s if pattern.fullmatch(s) else _MISSING), str, optional
    if get_origin(hint) is Literal:
        allowed = {str(a) for a in get_args(hint)}
        return (lambda s: s if s in allowed else _MISSING), str, optional
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        members = {m.value: m for m in hint}
        return (lambda s: members.get(s, _MISSING)), (lambda v: v.value), optional
    raise TypeError(f"unsupported callback field type {hint!r}")


class CallbackData:
    """Base of every button kind; subclass with ``prefix=...`` and declare dataclass fields."""

    __slots__ = ()
    prefix: ClassVar[str]
    _registry: ClassVar[dict[str, type[CallbackData]]] = {}

    def __init_subclass__(cls, *, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not re.fullmatch(r"[a-z]{1,6}", prefix):
            raise TypeError(f"callback prefix {prefix!r}: 1-6 lowercase letters")
        if prefix in CallbackData._registry:
            raise TypeError(f"callback prefix {prefix!r} is used twice")
        CallbackData._registry[prefix] = cls
        cls.prefix = prefix

    @classmethod
    def _codecs(cls) -> tuple[_Field, ...]:
        cached = cls.__dict__.get("_fields_cache")
        if cached is None:
            hints = typing.get_type_hints(cls, include_extras=True)
            cached = tuple(
                _Field(f.name, *_codec(hints[f.name]))
                for f in fields(cls)  # type: ignore[arg-type]
            )
            cls._fields_cache = cached  # type: ignore[attr-defined]
        return cached

    def pack(self) -> str:
        parts = [self.prefix]
        for f in self._codecs():
            value = getattr(self, f.name)
            if value is None:
                if not f.optional:
                    raise ValueError(f"{type(self).__name__}.{f.name} is required")
                parts.append("")
                continue
            text = f.write(value)
            if ":" in text or f.parse(text) is _MISSING:
                raise ValueError(f"{type(self).__name__}.{f.name}={value!r} cannot be packed")
            parts.append(text)
        while len(parts) > 1 and parts[-1] == "":
            parts.pop()
        data = ":".join(parts)
        if len(data.encode("utf-8")) > CALLBACK_LIMIT:
            raise CallbackTooLong(f"{data!r} is longer than {CALLBACK_LIMIT} bytes")
        return data

    @classmethod
    def unpack(cls, data: str | None) -> Self | None:
        """The button this data describes, or None when it does not parse."""
        if not data:
            return None
        parts = data.split(":")
        if parts[0] != cls.prefix:
            return None
        codecs = cls._codecs()
        values = parts[1:]
        if len(values) > len(codecs):
            return None
        values += [""] * (len(codecs) - len(values))
        kwargs: dict[str, Any] = {}
        for f, text in zip(codecs, values, strict=True):
            if text == "":
                if not f.optional:
                    return None
                kwargs[f.name] = None
                continue
            value = f.parse(text)
            if value is _MISSING or value is None:
                return None
            kwargs[f.name] = value
        return cls(**kwargs)

    @classmethod
    def pattern(cls) -> re.Pattern[str]:
        """Routes by prefix; the handler then parses (and refuses what does not parse)."""
        return re.compile(rf"^{cls.prefix}(?::|$)")


# --- Learners -------------------------------------------------------------------------------
@dataclass(frozen=True)
class MenuButton(CallbackData, prefix="menu"):
    target: Literal["home", "learn", "jp", "profile", "help", "remind", "cert", "lapor"]


@dataclass(frozen=True)
class RegisterButton(CallbackData, prefix="reg"):
    # "quiet": register without the optional messages; "admin": verification by an admin
    # instead of the phone; "move": ask for a transfer. The token is that registration
    # state's: a button of an earlier attempt (another NIP) acts on nothing.
    action: Literal["yes", "quiet", "no", "admin", "move"]
    token: Token


@dataclass(frozen=True)
class OpdButton(CallbackData, prefix="opd"):
    """An agency in the picker of registration or of a profile edit, for that flow's state."""

    token: Token
    code: Slug


@dataclass(frozen=True)
class OpdPageButton(CallbackData, prefix="opdp"):
    token: Token
    page: int


@dataclass(frozen=True)
class ProfileButton(CallbackData, prefix="prof"):
    field: Literal["name", "opd", "unit_kerja", "jabatan", "golongan"]


@dataclass(frozen=True)
class CatalogButton(CallbackData, prefix="cat"):
    category: Category | None = None


@dataclass(frozen=True)
class ModuleButton(CallbackData, prefix="mod"):
    module: Slug


@dataclass(frozen=True)
class PathButton(CallbackData, prefix="path"):
    """A learning path's page in /belajar."""

    path: Slug


@dataclass(frozen=True)
class CardButton(CallbackData, prefix="card"):
    module: Slug
    version: int
    index: int
    new: bool | None = None  # open in a new message, keeping the one pressed (a quiz result)


@dataclass(frozen=True)
class QuizButton(CallbackData, prefix="quiz"):
    module: Slug
    version: int


@dataclass(frozen=True)
class RecallButton(CallbackData, prefix="ulas"):
    """Start (or resume) today's spaced review, as ``/ulas`` does."""


@dataclass(frozen=True)
class PracticeButton(CallbackData, prefix="latih"):
    """Practise the questions a failed quiz attempt missed ("latihan kesalahan")."""

    attempt: int


@dataclass(frozen=True)
class YearButton(CallbackData, prefix="jp"):
    year: int


@dataclass(frozen=True)
class HoursFileButton(CallbackData, prefix="jpx"):
    kind: Literal["chart", "pdf"]
    year: int


@dataclass(frozen=True)
class CertificateButton(CallbackData, prefix="cert"):
    module: Slug


@dataclass(frozen=True)
class ReminderButton(CallbackData, prefix="rem"):
    action: Literal["show", "other", "on", "off", "t", "days", "pause"]
    value: str | None = None  # HHMM for "t", wd|all for "days", the days for "pause"


@dataclass(frozen=True)
class TrainingKindButton(CallbackData, prefix="lpk"):
    token: Token  # the /lapor draft (and step) it was drawn for
    kind: str


@dataclass(frozen=True)
class TrainingDraftButton(CallbackData, prefix="lpd"):
    """A button of a /lapor draft: send it from the summary, change one field, a certificate
    without a number, keep the draft (``/start``'s question) or throw it away (``x``). Its
    token ties it to the draft and the step it was drawn for (``sessions.expect``)."""

    token: Token
    action: Literal["send", "edit", "nocert", "keep", "x"]
    field: Literal["title", "organiser", "kind", "dates", "jp", "cert", "file"] | None = None


@dataclass(frozen=True)
class TrainingReportButton(CallbackData, prefix="lpr"):
    """One's own submitted report: withdraw it while pending (``wd``), correct and send again
    one rejected or withdrawn (``fix``); or start a new report from the /lapor list (``new``).
    The service checks the owner and the status (a conditional UPDATE), whatever the button."""

    action: Literal["wd", "fix", "new"]
    report: int | None = None


@dataclass(frozen=True)
class PrivacyButton(CallbackData, prefix="priv"):
    """The privacy notice: a page, its acknowledgement, or a withdrawal (``on`` is the state
    wanted, not a toggle, so a double tap cannot undo itself)."""

    action: Literal["page", "ack", "rem", "ann"]
    page: int | None = None
    on: bool | None = None


@dataclass(frozen=True)
class EraseButton(CallbackData, prefix="del"):
    """The answer to one /hapus confirmation: its token ties it to that request alone."""

    token: Token
    action: Literal["yes", "no"]


# --- Admins ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReviewButton(CallbackData, prefix="trv"):
    action: Literal["ok", "no", "open"]
    report: int


@dataclass(frozen=True)
class IdentityButton(CallbackData, prefix="idv"):
    """Confirm or refuse an account (verification or transfer), or open its request."""

    action: Literal["ok", "no", "open"]
    request: int


@dataclass(frozen=True)
class PersonButton(CallbackData, prefix="peg"):
    """/pegawai: verify, unbind, deactivate or reactivate an employee."""

    action: Literal["verified", "unbound", "deactivated", "reactivated"]
    employee: int


@dataclass(frozen=True)
class ReportFileButton(CallbackData, prefix="lap"):
    kind: Literal["xlsx", "csv", "siasn", "recap", "chart"]
    opd: Slug  # an OPD code, or "all" for the province
    year: int


@dataclass(frozen=True)
class ReportOpdButton(CallbackData, prefix="lapo"):
    """/laporan of one agency, picked from the search results or the ranking."""

    opd: Slug
    year: int


@dataclass(frozen=True)
class RoleButton(CallbackData, prefix="adm"):
    token: Token  # the /admin confirmation it was drawn for
    action: Literal["sa", "oa", "rm", "no"]
    employee: int


@dataclass(frozen=True)
class DraftButton(CallbackData, prefix="bc"):
    """A step of an announcement draft: its token ties the button to the draft it was made for."""

    token: Token
    action: Literal["btn", "bmod", "aud", "pick", "prev", "go", "sch", "x", "back"]
    arg: Slug | None = None
    value: str | None = None


@dataclass(frozen=True)
class BroadcastButton(CallbackData, prefix="bcr"):
    action: Literal["csv", "cancel"]
    broadcast: int
    page: int | None = None  # the /terjadwal page a cancel button was on (edited after it)


@dataclass(frozen=True)
class ScheduledPageButton(CallbackData, prefix="bcl"):
    """A page of /terjadwal."""

    page: int


AuditKind = Literal[
    "training", "role", "broadcast", "identity", "employee", "privacy", "registration", "view"
]


@dataclass(frozen=True)
class AuditPageButton(CallbackData, prefix="audp"):
    """/audit from the entry before this id on (older entries; None: the newest), of one
    admin (``by``, a Telegram id) or one kind of action only."""

    before: int | None = None
    by: int | None = None
    kind: AuditKind | None = None


@dataclass(frozen=True)
class AuditMenuButton(CallbackData, prefix="audm"):
    """/audit: choose an admin or a kind of action to filter by, or export the log as CSV."""

    what: Literal["by", "kind", "csv"]


@dataclass(frozen=True)
class AssignDraftButton(CallbackData, prefix="tgd"):
    """A step of a new assignment (/tugas): its token ties the button to the draft."""

    token: Token
    action: Literal["what", "page", "opd", "kind", "clear", "who", "rec", "join", "ok", "x"]
    arg: Slug | None = None  # a module or path id, an OPD code
    value: str | None = None  # "m"/"p" for what, a page, PNS/PPPK/all, months


@dataclass(frozen=True)
class AssignmentButton(CallbackData, prefix="tgs"):
    """/tugas: the list, one assignment, and its actions (re-checked against the role)."""

    action: Literal["list", "new", "open", "cancel", "cancelok", "extend", "xlsx", "csv"]
    assignment: int | None = None
