"""The deploy files stay in step with the code: settings names, packages in the image."""

from __future__ import annotations

import re
import tomllib

from bot.config import Settings
from tests.support import ROOT

DEPLOY = ROOT / "deploy"


def _env_names(text: str) -> list[str]:
    return re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE)


def test_production_env_example_names_only_real_settings_and_loads() -> None:
    path = DEPLOY / "production.env.example"
    names = _env_names(path.read_text(encoding="utf-8"))
    known = {field.alias for field in Settings.model_fields.values()}
    assert names and not set(names) - known, set(names) - known
    settings = Settings(_env_file=path)
    assert settings.database_url.startswith("postgresql+asyncpg://")
    assert settings.log_format == "json"
    assert settings.webhook_problems() == []  # ready for `run --webhook`
    assert settings.token  # the placeholder has the shape of a real token


def test_the_image_copies_every_package_the_project_installs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = [p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]]
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    copied = set(re.findall(r"^COPY (\S+) \./", dockerfile, flags=re.MULTILINE))
    assert set(packages) | {"content"} <= copied
    assert re.search(r"^USER (?!root)\w+", dockerfile, flags=re.MULTILINE)
    assert 'python -m bot migrate && exec python -m bot \\"$@\\"' in dockerfile
    assert re.search(r'^CMD \["run"\]$', dockerfile, flags=re.MULTILINE)
