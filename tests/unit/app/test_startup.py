"""Start-up stays light: document libraries load when a document is made, not before."""

from __future__ import annotations

import subprocess
import sys

from tests.support import ROOT


def test_the_bot_starts_without_the_document_libraries() -> None:
    code = (
        "import sys, bot.app.application, bot.app.webhook; "
        "print(sorted(m for m in ('matplotlib', 'fpdf', 'openpyxl') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
