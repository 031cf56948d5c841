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


def _content_with_paths(tmp_path: Path, paths: dict[str, str]) -> Path:
    content = tmp_path / "content"
    (content / "modules").mkdir(parents=True)
    (content / "paths").mkdir()
    (content / "opd.yaml").write_text((ROOT / "content" / "opd.yaml").read_text())
    for name in ("berakhlak", "gratifikasi", "kode-etik-asn"):
        source = ROOT / "content" / "modules" / f"{name}.yaml"
        (content / "modules" / source.name).write_text(source.read_text())
    for name, text in paths.items():
        (content / "paths" / f"{name}.yaml").write_text(text)
    return content


def test_a_path_naming_a_missing_module_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = _content_with_paths(
        tmp_path,
        {
            "jalur": "id: jalur\ntitle: Jalur\nmodules:\n  - module: berakhlak\n"
            "  - module: tidak-ada\n    requires: [berakhlak, hilang-juga]\n"
        },
    )
    assert main(["content", "check", str(content)]) == 1
    err = capsys.readouterr().err
    assert "jalur.yaml:5: modules.1: no module 'tidak-ada'" in err
    assert "jalur.yaml:6: modules.1.requires: no module 'hilang-juga'" in err


def test_a_prerequisite_cycle_across_paths_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = _content_with_paths(
        tmp_path,
        {
            "satu": "id: satu\ntitle: Satu\nmodules:\n  - module: berakhlak\n"
            "  - module: gratifikasi\n    requires: [berakhlak]\n",
            "dua": "id: dua\ntitle: Dua\nmodules:\n  - module: gratifikasi\n"
            "  - module: kode-etik-asn\n    requires: [gratifikasi]\n"
            "  - module: berakhlak\n    requires: [kode-etik-asn]\n",
        },
    )
    assert main(["content", "check", str(content)]) == 1
    err = capsys.readouterr().err
    assert "prerequisite cycle: " in err
    assert "berakhlak -> kode-etik-asn -> gratifikasi -> berakhlak" in err
    assert "dua.yaml:" in err or "satu.yaml:" in err


def test_shipped_paths_load_with_their_locks() -> None:
    from bot.core.content_loader import load_catalog

    catalog = load_catalog(ROOT / "content")
    assert "orientasi-pppk" in catalog.paths and len(catalog.paths) >= 2
    assert catalog.locked_by("kode-etik-asn", set()) == ("berakhlak",)
    assert catalog.locked_by("kode-etik-asn", {"berakhlak"}) == ()
