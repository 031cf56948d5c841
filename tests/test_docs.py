"""The docs name files that exist, and document every setting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import Settings

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["README.md", "content/README.md", "deploy/RUNBOOK.md"]
# A path in backquotes or a link: bot/..., handlers/..., db/..., tests/..., bench/..., scripts/...
PATH = re.compile(
    r"(?<![\w/.@:-])((?:bot|handlers|db|tests|bench|scripts|deploy|content)/[\w./-]*)"
)


def _aliases() -> list[str]:
    return sorted(
        str(field.alias) for field in Settings.model_fields.values() if field.alias is not None
    )


@pytest.mark.parametrize("doc", DOCS)
def test_named_paths_exist(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    missing = sorted(
        {
            path.rstrip(".")
            for path in PATH.findall(text)
            if "*" not in path and not (ROOT / path.rstrip(".")).exists()
        }
    )
    assert missing == []


@pytest.mark.parametrize("alias", _aliases())
def test_every_setting_is_in_the_readme_and_env_example(alias: str) -> None:
    assert f"`{alias}`" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^#? ?{alias}=", (ROOT / ".env.example").read_text(), re.M)
