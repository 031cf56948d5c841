"""Course modules as data: the pydantic schema, and a loader that reports ``file:line: message``.

Authors edit YAML files in ``content/modules/`` without touching code (see ``content/README.md``).
The schema enforces Telegram's limits up front, so a card or a quiz that Telegram would refuse
never reaches a learner: it stops start-up (and ``python -m bot content check``) instead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.core.telegram_html import MarkupError, telegram_length, visible_text

MESSAGE_LIMIT = 4096
# Room kept for what the bot adds around a card: title, "Kartu 3/6", module name.
CARD_CHROME_BUDGET = 300
CARD_TEXT_LIMIT = MESSAGE_LIMIT - CARD_CHROME_BUDGET
CAPTION_LIMIT = 1024
# A card with an image is sent as a photo with the card as its caption (at most 1024 characters),
# so its text must leave room for the header.
IMAGE_CARD_TEXT_LIMIT = CAPTION_LIMIT - 124
QUESTION_LIMIT = 300
OPTION_LIMIT = 100
EXPLANATION_LIMIT = 200
EXPLANATION_MAX_LINE_FEEDS = 2
SCENARIO_LIMIT = 1024  # a quiz poll's description (Bot API 9.6)
MODULE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{2,23}$"
QUESTION_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,23}$"
IMAGE_MAX_BYTES = 300 * 1024
IMAGE_MAX_SIDE = 1280

# --- The time rule: a module credits the learning time it really takes ----------------------
# Silent reading of informational Indonesian text on a phone, a conservative pace (adults read
# such prose at 200-250 words per minute); a question asked takes the time to read it and its
# options, decide and read the explanation. ``minutes`` may exceed the estimate by the tolerance.
READING_WORDS_PER_MINUTE = 200
SECONDS_PER_QUESTION = 40
MINUTES_TOLERANCE = 0.10
CARD_MIN_WORDS = 60  # one idea per card: fewer is a warning
CARD_MAX_WORDS = 120  # more is refused: split the card
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def count_words(markup: str) -> int:
    """Words a reader reads in ``markup`` (Telegram HTML), tags and entities removed."""
    return len(_WORD.findall(visible_text(markup)))


def reading_seconds(words: int) -> int:
    """Seconds to read ``words`` at the documented pace, rounded up."""
    return -(-words * 60 // READING_WORDS_PER_MINUTE)


class Category(StrEnum):
    TEKNIS = "teknis"
    MANAJERIAL = "manajerial"
    SOSIAL_KULTURAL = "sosial_kultural"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Source(_Strict):
    """A regulation a module's facts come from, shown as "Dasar hukum"."""

    title: str = Field(min_length=3, max_length=160)
    ref: str = Field(default="", max_length=120)  # the article, e.g. "Pasal 12C"
    url: str | None = Field(default=None, pattern=r"^https://\S+$", max_length=512)


class Link(_Strict):
    url: str = Field(pattern=r"^https?://\S+$", max_length=512)
    label: str = Field(default="Baca selengkapnya", min_length=1, max_length=40)


def _telegram_html(value: str, limit: int, what: str) -> str:
    try:
        shown = visible_text(value)
    except MarkupError as exc:
        raise ValueError(f"invalid Telegram HTML: {exc}") from None
    length = telegram_length(shown.strip())
    if length == 0:
        raise ValueError(f"{what} is empty once formatting is removed")
    if length > limit:
        raise ValueError(f"{what} is {length} characters after formatting; the limit is {limit}")
    return value


class Card(_Strict):
    title: str = Field(default="", max_length=80)
    text: str = Field(min_length=1)
    image: str | None = Field(default=None, pattern=r"^images/[a-z0-9-]+\.(png|jpg|jpeg)$")
    link: Link | None = None

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        _telegram_html(value, CARD_TEXT_LIMIT, "card text")
        words = count_words(value)
        if words > CARD_MAX_WORDS:
            raise ValueError(f"card has {words} words; one idea per card, at most {CARD_MAX_WORDS}")
        return value

    @model_validator(mode="after")
    def _caption(self) -> Card:
        if self.image is not None:
            _telegram_html(self.text, IMAGE_CARD_TEXT_LIMIT, "the text of a card with an image")
        return self

    @cached_property  # the card path reads it on every tap: counted once per loaded card
    def words(self) -> int:
        return count_words(self.text) + len(_WORD.findall(self.title))


class Question(_Strict):
    id: str = Field(pattern=QUESTION_ID_PATTERN)
    card: int = Field(ge=1)  # the card (1-based) that teaches the answer
    scenario: str | None = None  # Telegram HTML shown above the question (the poll's description)
    question: str = Field(min_length=1, max_length=QUESTION_LIMIT)
    options: list[str] = Field(min_length=2, max_length=12)
    correct: list[int] = Field(min_length=1)
    explanation: str = Field(min_length=1, max_length=EXPLANATION_LIMIT)

    @field_validator("scenario")
    @classmethod
    def _scenario(cls, value: str | None) -> str | None:
        return None if value is None else _telegram_html(value, SCENARIO_LIMIT, "scenario")

    @field_validator("options")
    @classmethod
    def _options(cls, value: list[str]) -> list[str]:
        cleaned = [option.strip() for option in value]
        for option in cleaned:
            if not 1 <= len(option) <= OPTION_LIMIT:
                raise ValueError(
                    f"option {option[:30]!r} must be 1-{OPTION_LIMIT} characters, "
                    f"it is {len(option)}"
                )
        if len({o.casefold() for o in cleaned}) != len(cleaned):
            raise ValueError("options must be unique within a question")
        return cleaned

    @field_validator("explanation")
    @classmethod
    def _explanation(cls, value: str) -> str:
        if value.count("\n") > EXPLANATION_MAX_LINE_FEEDS:
            raise ValueError(
                f"explanation may have at most {EXPLANATION_MAX_LINE_FEEDS} line feeds"
            )
        return value

    @model_validator(mode="after")
    def _correct_in_range(self) -> Question:
        if len(set(self.correct)) != len(self.correct):
            raise ValueError("correct lists the same option twice")
        for index in self.correct:
            if not 0 <= index < len(self.options):
                raise ValueError(
                    f"correct index {index} is out of range (options are 0-{len(self.options) - 1})"
                )
        return self

    @property
    def scenario_words(self) -> int:
        return count_words(self.scenario) if self.scenario else 0


class Module(_Strict):
    id: str = Field(pattern=MODULE_ID_PATTERN)
    version: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=80)
    category: Category
    minutes: int = Field(ge=1, le=240)  # credited on passing; checked against the estimate
    summary: str = Field(min_length=1, max_length=300)
    reviewed: date
    sources: list[Source] = Field(min_length=1, max_length=12)
    pass_percent: int = Field(default=70, ge=1, le=100)
    ask: int = Field(ge=1, le=20)  # questions asked per attempt, drawn from the pool
    cards: list[Card] = Field(min_length=1, max_length=30)
    quiz: list[Question] = Field(min_length=1, max_length=60)

    # Modules once declared the JP they credit; they credit their measured minutes now.
    jp: None = Field(default=None, exclude=True)

    @field_validator("jp", mode="before")
    @classmethod
    def _no_jp(cls, value: Any) -> None:
        if value is not None:
            raise ValueError(
                "jp is no longer set by hand: a module credits its minutes (see content/README.md)"
            )
        return None

    @field_validator("quiz")
    @classmethod
    def _pool(cls, quiz: list[Question], info: ValidationInfo) -> list[Question]:
        """The pool as a whole, against the cards and ``ask`` validated before it."""
        ask, cards = info.data.get("ask"), info.data.get("cards")
        if ask is not None and ask > len(quiz):
            raise ValueError(f"ask is {ask}, but the pool holds {len(quiz)} questions")
        ids = [q.id for q in quiz]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique within the module")
        asked = [q.question.casefold() + (q.scenario or "").casefold() for q in quiz]
        if len(set(asked)) != len(asked):
            raise ValueError("the same question appears twice in the pool")
        for q in quiz:
            if cards is not None and q.card > len(cards):
                raise ValueError(f"question {q.id} names card {q.card}; there are {len(cards)}")
        return quiz

    @cached_property
    def reading_seconds(self) -> int:
        """The estimated reading time of all cards, at the documented pace."""
        return reading_seconds(sum(card.words for card in self.cards))

    @property
    def estimated_minutes(self) -> float:
        """Reading plus the questions an attempt asks (scenarios read at the same pace, averaged
        over the pool because each attempt draws its own)."""
        scenario_words = sum(q.scenario_words for q in self.quiz) / len(self.quiz)
        quiz = self.ask * (SECONDS_PER_QUESTION + scenario_words * 60 / READING_WORDS_PER_MINUTE)
        return (self.reading_seconds + quiz) / 60

    @property
    def allowed_minutes(self) -> int:
        """The most ``minutes`` may be: the estimate plus the tolerance, at least one."""
        return max(1, math.floor(self.estimated_minutes * (1 + MINUTES_TOLERANCE)))

    def card_cap_seconds(self, index: int) -> int:
        """The most time on one card that counts as reading: twice its estimate, at least 20 s,
        so a phone left on a card counts as no more than a slow read."""
        return max(20, 2 * reading_seconds(self.cards[index].words))

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.quiz if q.id == question_id), None)


class Opd(_Strict):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,23}$")
    name: str = Field(min_length=2, max_length=80)
    kind: str = Field(pattern=r"^(provinsi|kabupaten|kota|lainnya)$")
    # Other words people type for it (dinkes, "pemkot semarang"), found by the agency search.
    aliases: list[str] = Field(default_factory=list, max_length=12)


class OpdFile(_Strict):
    opd: list[Opd] = Field(min_length=1)

    @field_validator("opd")
    @classmethod
    def _unique(cls, value: list[Opd]) -> list[Opd]:
        seen: set[str] = set()
        for item in value:
            if item.code in seen:
                raise ValueError(f"OPD code {item.code!r} appears twice")
            seen.add(item.code)
        return value


PATH_ID_PATTERN = MODULE_ID_PATTERN


class PathStep(_Strict):
    """One module of a learning path; ``requires`` lists the modules to pass before it opens."""

    module: str = Field(pattern=MODULE_ID_PATTERN)
    requires: list[str] = Field(default_factory=list, max_length=10)

    @field_validator("requires")
    @classmethod
    def _requires(cls, value: list[str]) -> list[str]:
        for item in value:
            if not re.fullmatch(MODULE_ID_PATTERN, item):
                raise ValueError(f"requires: {item!r} is not a module id")
        if len(set(value)) != len(value):
            raise ValueError("requires lists the same module twice")
        return value


class LearningPath(_Strict):
    """An ordered list of modules (``content/paths/*.yaml``), e.g. "Orientasi PPPK"."""

    id: str = Field(pattern=PATH_ID_PATTERN)
    title: str = Field(min_length=1, max_length=60)
    summary: str = Field(default="", max_length=300)
    modules: list[PathStep] = Field(min_length=2, max_length=20)

    @field_validator("modules")
    @classmethod
    def _unique(cls, value: list[PathStep]) -> list[PathStep]:
        ids = [step.module for step in value]
        for step in value:
            if ids.count(step.module) > 1:
                raise ValueError(f"module {step.module!r} appears twice in the path")
            if step.module in step.requires:
                raise ValueError(f"module {step.module!r} requires itself")
        return value

    @property
    def module_ids(self) -> tuple[str, ...]:
        return tuple(step.module for step in self.modules)


@dataclass(frozen=True)
class Catalog:
    """All modules and agencies, loaded once at start-up and shared read-only."""

    modules: dict[str, Module]
    opds: dict[str, Opd]
    by_category: dict[Category, list[Module]] = field(default_factory=dict)
    images: Path | None = None  # the folder of the cards' images
    # Learning paths by id (file order), and each module's prerequisites from every path.
    paths: dict[str, LearningPath] = field(default_factory=dict)
    requires: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        modules: Iterable[Module],
        opds: Iterable[Opd],
        images: Path | None = None,
        paths: Iterable[LearningPath] = (),
    ) -> Catalog:
        ordered = sorted(modules, key=lambda m: (m.category.value, m.title))
        paths_list = list(paths)
        by_category: dict[Category, list[Module]] = {c: [] for c in Category}
        for module in ordered:
            by_category[module.category].append(module)
        requires: dict[str, list[str]] = {}
        for path in paths_list:
            for step in path.modules:
                known = requires.setdefault(step.module, [])
                known.extend(r for r in step.requires if r not in known)
        return cls(
            modules={m.id: m for m in ordered},
            opds={o.code: o for o in opds},
            by_category=by_category,
            images=images,
            paths={p.id: p for p in paths_list},
            requires={k: tuple(v) for k, v in requires.items() if v},
        )

    def module(self, module_id: str) -> Module | None:
        return self.modules.get(module_id)

    def ordered(self) -> list[Module]:
        """Every module in catalog order: by category as ``/belajar`` lists them, then title."""
        return [m for modules in self.by_category.values() for m in modules]

    def locked_by(self, module_id: str, passed: Collection[str]) -> tuple[str, ...]:
        """The prerequisites of ``module_id`` not yet in ``passed`` (empty: it is open)."""
        return tuple(r for r in self.requires.get(module_id, ()) if r not in passed)

    def path(self, path_id: str) -> LearningPath | None:
        return self.paths.get(path_id)
