"""``python -m bot content check`` (bot/__main__.py)."""

from __future__ import annotations

import pytest

from bot.__main__ import main
from tests.support import DATA_DIR

BROKEN = DATA_DIR / "broken_content"


def test_content_check_command_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content", "check", str(BROKEN)]) == 1
    err = capsys.readouterr().err
    assert "broken-module.yaml:5: jp" in err
    assert main(["content", "check", str(BROKEN.parent.parent.parent / "content")]) == 0
    assert "OK:" in capsys.readouterr().out
