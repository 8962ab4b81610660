"""The core never imports textual: the CLI must start fast and run without a terminal UI."""

from __future__ import annotations

import subprocess
import sys

CORE = ["journal.cli", "journal.service", "journal.storage", "journal.models", "journal.dates",
        "journal.names", "journal.interchange.csv_import", "journal.doctor", "journal.validate",
        "journal.cli.completion", "journal.completion.engine", "journal.completion.protocol",
        "journal.completion.names"]


def test_core_modules_do_not_import_textual() -> None:
    code = ("import sys\n"
            f"for name in {CORE!r}:\n"
            "    __import__(name)\n"
            "from journal.cli import build_parser\n"
            "build_parser()\n"
            "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
            "print(','.join(bad))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
