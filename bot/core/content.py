"""Course modules as data: the pydantic schema, and a loader that reports ``file:line: message``.

Authors edit YAML files in ``content/modules/`` without touching code (see ``content/README.md``).
The schema enforces Telegram's limits up front, so a card or a quiz that Telegram would refuse
never reaches a learner: it stops start-up (and ``python -m bot content check``) instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.core.telegram_html import MarkupError, telegram_length, visible_text

MESSAGE_LIMIT = 4096
# Room kept for what the bot adds around a card: title, "Kartu 3/6", module name.
CARD_CHROME_BUDGET = 300
CARD_TEXT_LIMIT = MESSAGE_LIMIT - CARD_CHROME_BUDGET
QUESTION_LIMIT = 300
OPTION_LIMIT = 100
EXPLANATION_LIMIT = 200
EXPLANATION_MAX_LINE_FEEDS = 2
MODULE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{2,23}$"


class Category(StrEnum):
    TEKNIS = "teknis"
    MANAJERIAL = "manajerial"
    SOSIAL_KULTURAL = "sosial_kultural"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Link(_Strict):
    url: str = Field(pattern=r"^https?://\S+$", max_length=512)
    label: str = Field(default="Baca selengkapnya", min_length=1, max_length=40)


class Card(_Strict):
    title: str = Field(default="", max_length=80)
    text: str = Field(min_length=1)
    image_url: str | None = Field(default=None, pattern=r"^https://\S+$", max_length=512)
    link: Link | None = None

    @field_validator("text")
    @classmethod
    def _telegram_html(cls, value: str) -> str:
        try:
            shown = visible_text(value)
        except MarkupError as exc:
            raise ValueError(f"invalid Telegram HTML: {exc}") from None
        length = telegram_length(shown.strip())
        if length == 0:
            raise ValueError("card text is empty once formatting is removed")
        if length > CARD_TEXT_LIMIT:
            raise ValueError(
                f"card text is {length} characters after formatting; the limit is "
                f"{CARD_TEXT_LIMIT} ({MESSAGE_LIMIT} minus {CARD_CHROME_BUDGET} for the header)"
            )
        return value


class Question(_Strict):
    question: str = Field(min_length=1, max_length=QUESTION_LIMIT)
    options: list[str] = Field(min_length=2, max_length=12)
    correct: list[int] = Field(min_length=1)
    explanation: str = Field(default="", max_length=EXPLANATION_LIMIT)

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
        if len(set(cleaned)) != len(cleaned):
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


class Module(_Strict):
    id: str = Field(pattern=MODULE_ID_PATTERN)
    version: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=80)
    category: Category
    jp: Decimal = Field(gt=0, le=40, decimal_places=2)
    minutes: int = Field(ge=1, le=240)
    summary: str = Field(min_length=1, max_length=300)
    pass_percent: int = Field(default=70, ge=1, le=100)
    cards: list[Card] = Field(min_length=1, max_length=50)
    quiz: list[Question] = Field(min_length=1, max_length=50)

    @property
    def jp_centi(self) -> int:
        """JP in hundredths, the integer unit the ledger stores."""
        return int(self.jp * 100)


class Opd(_Strict):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,23}$")
    name: str = Field(min_length=2, max_length=60)
    kind: str = Field(pattern=r"^(provinsi|kabupaten|kota|lainnya)$")


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


@dataclass(frozen=True, slots=True)
class ContentProblem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """Invalid content; ``problems`` lists every issue found, not just the first."""

    def __init__(self, problems: Sequence[ContentProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Catalog:
    """All modules and agencies, loaded once at start-up and shared read-only."""

    modules: dict[str, Module]
    opds: dict[str, Opd]
    by_category: dict[Category, list[Module]] = field(default_factory=dict)

    @classmethod
    def build(cls, modules: Iterable[Module], opds: Iterable[Opd]) -> Catalog:
        ordered = sorted(modules, key=lambda m: (m.category.value, m.title))
        by_category: dict[Category, list[Module]] = {c: [] for c in Category}
        for module in ordered:
            by_category[module.category].append(module)
        return cls(
            modules={m.id: m for m in ordered},
            opds={o.code: o for o in opds},
            by_category=by_category,
        )

    def module(self, module_id: str) -> Module | None:
        return self.modules.get(module_id)


def _node_line(root: yaml.Node | None, loc: Sequence[int | str]) -> int:
    """Follow a pydantic error location through the YAML node tree to a 1-based line number."""
    node = root
    line = (node.start_mark.line + 1) if node is not None else 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == key:
                    node = value_node
                    line = key_node.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            if 0 <= key < len(node.value):
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                return line
        else:
            return line
    return line


# libyaml's parser when PyYAML was built with it: the same nodes and line marks, several times
# faster, which shortens start-up (all content is loaded and checked before the first poll).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(path: Path) -> tuple[Any, yaml.Node | None, list[ContentProblem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, None, [ContentProblem(path, 1, f"cannot read file: {exc}")]
    try:
        node = yaml.compose(text, Loader=_SafeLoader)
        data = yaml.load(text, Loader=_SafeLoader)  # a safe loader, C or Python
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        return None, None, [ContentProblem(path, line, f"YAML syntax error: {exc.problem}")]
    return data, node, []


def _validate(
    path: Path, model: type[_Strict], data: Any, node: yaml.Node | None
) -> tuple[Any, list[ContentProblem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(part) for part in err["loc"])
            message = err["msg"].removeprefix("Value error, ")
            problems.append(
                ContentProblem(path, _node_line(node, err["loc"]), f"{where}: {message}")
            )
        return None, problems


def load_modules(directory: Path) -> tuple[list[Module], list[ContentProblem]]:
    modules: list[Module] = []
    problems: list[ContentProblem] = []
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    if not files:
        problems.append(ContentProblem(directory, 1, "no module files (*.yaml) found"))
    seen: dict[str, Path] = {}
    for path in files:
        data, node, file_problems = _load_yaml(path)
        if file_problems:
            problems.extend(file_problems)
            continue
        module, found = _validate(path, Module, data, node)
        problems.extend(found)
        if module is None:
            continue
        if module.id != path.stem:
            line = _node_line(node, ["id"])
            problems.append(
                ContentProblem(path, line, f"id {module.id!r} must match the file name")
            )
        if module.id in seen:
            line = _node_line(node, ["id"])
            problems.append(
                ContentProblem(path, line, f"id {module.id!r} already used by {seen[module.id]}")
            )
            continue
        seen[module.id] = path
        modules.append(module)
    return modules, problems


def load_opds(path: Path) -> tuple[list[Opd], list[ContentProblem]]:
    data, node, problems = _load_yaml(path)
    if problems:
        return [], problems
    parsed, problems = _validate(path, OpdFile, data, node)
    return (parsed.opd if parsed else []), problems


def load_catalog(content_dir: Path) -> Catalog:
    """Load and validate everything under ``content_dir``; raise ContentError listing all problems.

    Layout: ``modules/*.yaml`` for the courses, ``opd.yaml`` for the agency list.
    """
    modules_dir = content_dir / "modules"
    if not content_dir.is_dir():
        raise ContentError([ContentProblem(content_dir, 1, "content folder not found")])
    modules, problems = load_modules(modules_dir if modules_dir.is_dir() else content_dir)
    opd_path = content_dir / "opd.yaml"
    opds: list[Opd] = []
    if opd_path.is_file():
        opds, opd_problems = load_opds(opd_path)
        problems.extend(opd_problems)
    else:
        problems.append(ContentProblem(opd_path, 1, "agency list opd.yaml not found"))
    if problems:
        raise ContentError(problems)
    return Catalog.build(modules, opds)


_SLUG = re.compile(MODULE_ID_PATTERN)


def is_module_id(value: str) -> bool:
    return bool(_SLUG.match(value))
