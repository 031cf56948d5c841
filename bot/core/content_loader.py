"""Loading course content from YAML: every problem as ``file:line: message``, warnings apart.

The schema (``bot.core.content``) checks each module on its own; this module reads the files,
maps a validation error back to the line of the YAML it came from, and adds the checks that need
more than one module or the disk: ids equal file names, the time rule, review dates, images.
Problems stop start-up; warnings (a review overdue, a card under the word range, a small pool)
are printed by ``python -m bot content check`` and do not.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.core.content import (
    CARD_MIN_WORDS,
    IMAGE_MAX_BYTES,
    IMAGE_MAX_SIDE,
    MINUTES_TOLERANCE,
    Catalog,
    LearningPath,
    Module,
    Opd,
    OpdFile,
    _Strict,
    count_words,
)

# Standards of the shipped catalog (content/README.md); below them a module only gets a warning.
POOL_MIN = 10
SCENARIO_SHARE = 0.5


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


@dataclass(frozen=True, slots=True)
class Loaded:
    catalog: Catalog
    warnings: list[ContentProblem]


def _module_checks(
    path: Path, module: Module, node: yaml.Node | None, today: date, review_months: int
) -> tuple[list[ContentProblem], list[ContentProblem]]:
    """The rules beyond one field: (problems, warnings)."""
    problems: list[ContentProblem] = []
    warnings: list[ContentProblem] = []

    def at(*loc: int | str) -> int:
        return _node_line(node, list(loc))

    if module.id != path.stem:
        problems.append(
            ContentProblem(path, at("id"), f"id {module.id!r} must match the file name")
        )
    if module.minutes > module.allowed_minutes:
        problems.append(
            ContentProblem(
                path,
                at("minutes"),
                f"minutes {module.minutes} exceed the estimated learning time "
                f"{module.estimated_minutes:.1f} (at most {module.allowed_minutes} with the "
                f"{MINUTES_TOLERANCE:.0%} tolerance): add substance or lower minutes",
            )
        )
    if module.reviewed > today:
        problems.append(ContentProblem(path, at("reviewed"), "reviewed is a date in the future"))
    elif _months_between(module.reviewed, today) >= review_months:
        warnings.append(
            ContentProblem(
                path,
                at("reviewed"),
                f"last reviewed {module.reviewed.isoformat()}, over {review_months} months ago: "
                "check it against the regulations and update reviewed",
            )
        )
    for index, card in enumerate(module.cards):
        words = count_words(card.text)
        if words < CARD_MIN_WORDS:
            warnings.append(
                ContentProblem(
                    path,
                    at("cards", index),
                    f"card {index + 1} has {words} words (one idea per card: aim for "
                    f"{CARD_MIN_WORDS}-120)",
                )
            )
    if len(module.quiz) < POOL_MIN:
        warnings.append(
            ContentProblem(
                path,
                at("quiz"),
                f"the pool has {len(module.quiz)} questions; aim for at least {POOL_MIN}",
            )
        )
    scenarios = sum(1 for q in module.quiz if q.scenario)
    if scenarios < SCENARIO_SHARE * len(module.quiz):
        warnings.append(
            ContentProblem(
                path,
                at("quiz"),
                f"{scenarios} of {len(module.quiz)} questions are scenarios; aim for at least half",
            )
        )
    return problems, warnings


def _months_between(earlier: date, later: date) -> int:
    return (
        (later.year - earlier.year) * 12
        + later.month
        - earlier.month
        - (1 if later.day < earlier.day else 0)
    )


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG or JPEG from its header; None if it is neither. The standard
    library reads both headers in a few lines, so no imaging library is loaded at start-up."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            length = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return None


def _image_checks(
    path: Path, module: Module, node: yaml.Node | None, content_dir: Path
) -> list[ContentProblem]:
    problems = []
    for index, card in enumerate(module.cards):
        if card.image is None:
            continue
        line = _node_line(node, ["cards", index, "image"])
        file = content_dir / card.image
        try:
            data = file.read_bytes()
        except OSError:
            problems.append(ContentProblem(path, line, f"image {card.image} not found"))
            continue
        size = _image_size(data)
        if size is None:
            problems.append(ContentProblem(path, line, f"image {card.image} is not a PNG or JPEG"))
        elif max(size) > IMAGE_MAX_SIDE:
            problems.append(
                ContentProblem(
                    path,
                    line,
                    f"image {card.image} is {size[0]}x{size[1]} px; "
                    f"at most {IMAGE_MAX_SIDE} px on the long side",
                )
            )
        if len(data) > IMAGE_MAX_BYTES:
            problems.append(
                ContentProblem(
                    path,
                    line,
                    f"image {card.image} is {len(data) // 1024} KB; "
                    f"at most {IMAGE_MAX_BYTES // 1024} KB",
                )
            )
    return problems


def load_modules(
    directory: Path, content_dir: Path, today: date, review_months: int
) -> tuple[list[Module], list[ContentProblem], list[ContentProblem]]:
    """Every module in ``directory``: (modules, problems, warnings)."""
    modules: list[Module] = []
    problems: list[ContentProblem] = []
    warnings: list[ContentProblem] = []
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
        more, warned = _module_checks(path, module, node, today, review_months)
        problems.extend(more)
        problems.extend(_image_checks(path, module, node, content_dir))
        warnings.extend(warned)
        if module.id in seen:
            line = _node_line(node, ["id"])
            problems.append(
                ContentProblem(path, line, f"id {module.id!r} already used by {seen[module.id]}")
            )
            continue
        seen[module.id] = path
        modules.append(module)
    return modules, problems, warnings


def load_opds(path: Path) -> tuple[list[Opd], list[ContentProblem]]:
    data, node, problems = _load_yaml(path)
    if problems:
        return [], problems
    parsed, problems = _validate(path, OpdFile, data, node)
    return (parsed.opd if parsed else []), problems


def load_paths(
    directory: Path, modules: dict[str, Module]
) -> tuple[list[LearningPath], list[ContentProblem]]:
    """Every learning path in ``directory`` (``content/paths``, optional): each module it names
    must exist, and the prerequisites of all paths together must not form a cycle."""
    paths: list[LearningPath] = []
    problems: list[ContentProblem] = []
    if not directory.is_dir():
        return paths, problems
    seen: dict[str, Path] = {}
    # (module, required module) -> where it was declared, to point at a cycle
    edges: dict[tuple[str, str], tuple[Path, int]] = {}
    for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
        data, node, file_problems = _load_yaml(path)
        if file_problems:
            problems.extend(file_problems)
            continue
        parsed, found = _validate(path, LearningPath, data, node)
        problems.extend(found)
        if parsed is None:
            continue
        if parsed.id != path.stem:
            line = _node_line(node, ["id"])
            problems.append(
                ContentProblem(path, line, f"id {parsed.id!r} must match the file name")
            )
        if parsed.id in seen:
            line = _node_line(node, ["id"])
            problems.append(
                ContentProblem(path, line, f"id {parsed.id!r} already used by {seen[parsed.id]}")
            )
            continue
        seen[parsed.id] = path
        ok = True
        for index, step in enumerate(parsed.modules):
            if step.module not in modules:
                line = _node_line(node, ["modules", index, "module"])
                problems.append(
                    ContentProblem(path, line, f"modules.{index}: no module {step.module!r}")
                )
                ok = False
            for r_index, required in enumerate(step.requires):
                line = _node_line(node, ["modules", index, "requires", r_index])
                if required not in modules:
                    problems.append(
                        ContentProblem(
                            path, line, f"modules.{index}.requires: no module {required!r}"
                        )
                    )
                    ok = False
                edges.setdefault((step.module, required), (path, line))
        if ok:
            paths.append(parsed)
    problems.extend(_cycles(edges))
    return paths, problems


def _cycles(edges: dict[tuple[str, str], tuple[Path, int]]) -> list[ContentProblem]:
    """One problem per prerequisite cycle, at the declaration that closes it."""
    graph: dict[str, list[str]] = {}
    for module, required in edges:
        graph.setdefault(module, []).append(required)
    problems: list[ContentProblem] = []
    state: dict[str, int] = {}  # 1: on the current chain, 2: done
    chain: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        chain.append(module)
        for required in graph.get(module, []):
            if state.get(required) == 1:
                cycle = [*chain[chain.index(required) :], required]
                where, line = edges[(module, required)]
                problems.append(
                    ContentProblem(where, line, "prerequisite cycle: " + " -> ".join(cycle))
                )
            elif required not in state:
                visit(required)
        chain.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return problems


def load_content(
    content_dir: Path, *, today: date | None = None, review_months: int = 12
) -> Loaded:
    """Load and validate everything under ``content_dir``; ContentError lists every problem.

    Layout: ``modules/*.yaml`` for the courses, ``images/`` for their pictures, ``opd.yaml`` for
    the agency list, ``paths/*.yaml`` (optional) for the learning paths.
    """
    modules_dir = content_dir / "modules"
    if not content_dir.is_dir():
        raise ContentError([ContentProblem(content_dir, 1, "content folder not found")])
    modules, problems, warnings = load_modules(
        modules_dir if modules_dir.is_dir() else content_dir,
        content_dir,
        today or date.today(),
        review_months,
    )
    opd_path = content_dir / "opd.yaml"
    opds: list[Opd] = []
    if opd_path.is_file():
        opds, opd_problems = load_opds(opd_path)
        problems.extend(opd_problems)
    else:
        problems.append(ContentProblem(opd_path, 1, "agency list opd.yaml not found"))
    paths, path_problems = load_paths(content_dir / "paths", {m.id: m for m in modules})
    problems.extend(path_problems)
    if problems:
        raise ContentError(problems)
    return Loaded(Catalog.build(modules, opds, content_dir / "images", paths), warnings)


def load_catalog(
    content_dir: Path, *, today: date | None = None, review_months: int = 12
) -> Catalog:
    return load_content(content_dir, today=today, review_months=review_months).catalog
