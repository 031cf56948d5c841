"""``python -m bot content check`` (bot/__main__.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.__main__ import main
from tests.support import DATA_DIR, ROOT

BROKEN = DATA_DIR / "broken_content"


def test_content_check_command_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content", "check", str(BROKEN)]) == 1
    err = capsys.readouterr().err
    assert "inflated.yaml:5: minutes 45 exceed the estimated learning time" in err
    assert "14 problem(s) found" in err
    assert main(["content", "check", str(ROOT / "content")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: ") and "minutes of learning" in out


def test_warnings_are_printed_and_do_not_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    (content / "modules").mkdir(parents=True)
    (content / "opd.yaml").write_text((ROOT / "content" / "opd.yaml").read_text())
    module = yaml.safe_load((ROOT / "content/modules/berakhlak.yaml").read_text())
    module["reviewed"] = "2020-01-01"
    (content / "modules" / "berakhlak.yaml").write_text(yaml.safe_dump(module, allow_unicode=True))
    assert main(["content", "check", str(content)]) == 0
    captured = capsys.readouterr()
    assert "berakhlak.yaml:" in captured.err and "last reviewed 2020-01-01" in captured.err
    assert "(warning)" in captured.err and "1 warning(s)" in captured.out
