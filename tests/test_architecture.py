"""The layers of the code: imports run one way, and no two packages import each other.

Each application module belongs to a layer (the README's Architecture section draws them). A
module may import its own package and any lower layer, never a higher one; the standard library's
``ast`` finds every import, including those inside functions and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. Packages on one line are on the same layer and may not import each other.
LAYERS: list[tuple[str, ...]] = [
    ("bot.texts", "bot.observability", "db", "bot.emulator"),
    ("bot.core",),
    ("bot.config",),
    ("bot.documents",),
    ("bot.store",),
    ("bot.services",),
    ("bot.delivery",),
    ("bot.telegram",),
    ("handlers",),
    ("bot.app",),
    ("bot.demo",),
    ("bot.cli",),
    ("bot.__main__",),
]
# Code that must not depend on Telegram's library at all.
NO_TELEGRAM = ("bot.core", "bot.store", "bot.services", "bot.delivery", "bot.documents", "db")


def _package(module: str) -> str | None:
    best = None
    for layer in LAYERS:
        for package in layer:
            if module == package or module.startswith(package + "."):
                if best is None or len(package) > len(best):
                    best = package
    return best


def _layer(package: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if package in layer)


def _modules() -> dict[str, Path]:
    found = {}
    for top in ("bot", "handlers", "db"):
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(module: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return names


MODULES = _modules()


def test_every_module_has_a_layer() -> None:
    homeless = [m for m in MODULES if m not in ("bot", "handlers", "db") and not _package(m)]
    assert homeless == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_down_the_layers(module: str) -> None:
    own = _package(module)
    if own is None:
        return
    wrong = []
    for name in sorted(_imports(module, MODULES[module])):
        target = _package(name)
        if target is None or target == own:
            continue
        if _layer(target) >= _layer(own):
            wrong.append(f"{module} -> {name} ({target} is not below {own})")
    assert wrong == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith(NO_TELEGRAM)))
def test_no_telegram_below_the_adapters(module: str) -> None:
    names = _imports(module, MODULES[module])
    assert not {n for n in names if n == "telegram" or n.startswith("telegram.")}


def test_handlers_import_no_handler_cycle() -> None:
    """Handler modules may share helpers, but never import each other in a circle."""
    graph = {
        m: {n for n in _imports(m, p) if n in MODULES and n.startswith("handlers.") and n != m}
        for m, p in MODULES.items()
        if m.startswith("handlers.")
    }
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(node: str, trail: list[str]) -> None:
        if node in done:
            return
        assert node not in visiting, " -> ".join([*trail, node])
        visiting.add(node)
        for nxt in graph.get(node, ()):
            visit(nxt, [*trail, node])
        visiting.discard(node)
        done.add(node)

    for node in graph:
        visit(node, [])
