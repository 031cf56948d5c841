"""One voice: every string of the text catalog (``bot/texts``) addresses the user as Bapak/Ibu.

The walk covers every module of the package, every module-level value (strings, and strings
inside dicts, tuples, lists and dataclasses such as ``CommandText``) and every string literal
in the modules' source (so a string built inside a function is seen too). It fails on "Anda"
(a whole word, case-sensitive), on the casual "Hai" and "Yuk", and on the fixed slips of the
review (issue 15), so they cannot come back.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from types import ModuleType

import pytest

import bot.texts
from bot import texts
from bot.core.telegram_html import single_stops
from bot.texts import identity

FORBIDDEN = {
    "Anda": re.compile(r"\bAnda\b"),  # the user is Bapak/Ibu
    "Hai": re.compile(r"\bHai\b"),  # casual greeting
    "Yuk": re.compile(r"\b[Yy]uk\b"),  # casual invitation
    "kamu": re.compile(r"\b[Kk]amu\b"),
    "Antrian": re.compile(r"\b[Aa]ntrian\b"),  # EYD: antrean
    "Sosial kultural": re.compile(r"Sosial kultural"),
    "/bantuan untuk bantuan": re.compile(r"/bantuan untuk bantuan"),
    "Pembelajaran mikro (e-learning)": re.compile(r"E-learning \(mikro\)"),
    "Laporan pelatihan <title>": re.compile(r"[Ll]aporan pelatihan <b>\{title\}"),
}


def catalog_modules() -> list[ModuleType]:
    found = [bot.texts]
    for info in pkgutil.iter_modules(bot.texts.__path__):
        found.append(importlib.import_module(f"bot.texts.{info.name}"))
    return found


def strings_in(value: object, where: str) -> Iterator[tuple[str, str]]:
    """Every string inside a value, with a path to it."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key, f"{where}[{key!r}] (key)")
            yield from strings_in(item, f"{where}[{key!r}]")
    elif isinstance(value, (tuple, list, set, frozenset)):
        for index, item in enumerate(value):
            yield from strings_in(item, f"{where}[{index}]")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from strings_in(getattr(value, field.name), f"{where}.{field.name}")


def literals_in(module: ModuleType) -> Iterator[tuple[str, str]]:
    return literals_of(inspect.getsource(module), module.__name__)


def literals_of(source: str, name: str) -> Iterator[tuple[str, str]]:
    """Every string literal of a source, docstrings (English, for developers) left out."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                yield f"{name}:{node.lineno}", node.value


def catalog_strings(modules: list[ModuleType]) -> Iterator[tuple[str, str]]:
    for module in modules:
        for name, value in vars(module).items():
            if name.startswith("__") or isinstance(value, ModuleType) or callable(value):
                continue
            yield from strings_in(value, f"{module.__name__}.{name}")
        yield from literals_in(module)


def voice_problems(strings: Iterator[tuple[str, str]]) -> list[str]:
    return [
        f"{where}: {label!r} in {text!r}"
        for where, text in strings
        for label, pattern in FORBIDDEN.items()
        if pattern.search(text)
    ]


def test_the_walk_covers_every_module_of_the_catalog() -> None:
    names = {module.__name__ for module in catalog_modules()}
    assert {"bot.texts", "bot.texts.identity", "bot.texts.hours", "bot.texts.reminders"} <= names
    walked = {where.split(":")[0] for where, _ in catalog_strings(catalog_modules())}
    assert names <= walked
    values = dict(catalog_strings(catalog_modules()))
    assert values["bot.texts.COMMANDS['antrean'].help"] == texts.COMMANDS["antrean"].help


def test_every_string_addresses_the_user_as_bapak_ibu() -> None:
    assert voice_problems(catalog_strings(catalog_modules())) == []


@pytest.mark.parametrize(
    "planted",
    [
        "Apakah Anda sudah membaca?",
        {"nested": ("Profil", "Kemajuan belajar Anda")},
        texts.CommandText("Menu", "Hai, Bapak/Ibu"),
        ["Yuk belajar"],
    ],
)
def test_a_planted_anda_or_casual_word_is_caught(
    monkeypatch: pytest.MonkeyPatch, planted: object
) -> None:
    """The check is honest: "Anda", "Hai" or "Yuk" added anywhere in the catalog fails it."""
    monkeypatch.setattr(identity, "PLANTED", planted, raising=False)
    problems = voice_problems(catalog_strings(catalog_modules()))
    assert len(problems) == 1 and "bot.texts.identity.PLANTED" in problems[0]


def test_anda_inside_a_function_is_caught() -> None:
    source = 'def f(day: int) -> str:\n    """Doc."""\n    return f"Hari {day}, Anda."\n'
    problems = voice_problems(literals_of(source, "planted"))
    assert problems == ["planted:3: 'Anda' in ', Anda.'"]


def test_whole_words_only() -> None:
    assert not voice_problems(iter([("x", "Pandangan Bapak/Ibu tentang Kandang Haidar")]))
    assert voice_problems(iter([("x", "Anda")]))
    assert not voice_problems(iter([("x", "anda")]))  # case-sensitive, as the rule says


@pytest.mark.parametrize(
    ("rendered", "expected"),
    [
        (
            "Selamat datang, <b>Ibu Siti, M.Si.</b>.\nTahun",
            "Selamat datang, <b>Ibu Siti, M.Si.</b>\nTahun",
        ),
        ("✅ Permintaan #3 dikonfirmasi: Budi, S.E..", "✅ Permintaan #3 dikonfirmasi: Budi, S.E."),
        ("Selamat belajar, <b>Bapak Budi</b>.", "Selamat belajar, <b>Bapak Budi</b>."),
        ("Laporan sedang disiapkan, mohon tunggu...", "Laporan sedang disiapkan, mohon tunggu..."),
    ],
)
def test_single_stops(rendered: str, expected: str) -> None:
    assert single_stops(rendered) == expected


def test_the_menu_of_a_titled_name_ends_with_one_dot() -> None:
    text = single_stops(
        texts.MENU.format(
            salutation="Ibu", name="Dr. Siti Aminah, M.Si.", year=2026, time="0 JP", target="20"
        )
    )
    assert "M.Si.</b>\n" in text and ".." not in text
