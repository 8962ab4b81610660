"""The core never imports textual: the CLI must start fast and run without a terminal UI."""

from __future__ import annotations

import subprocess
import sys

CORE = ["journal.cli", "journal.service", "journal.storage", "journal.models", "journal.dates",
        "journal.names.resolve", "journal.interchange.csv_import", "journal.doctor", "journal.datafile.validate"]


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


def test_help_does_not_load_the_export_libraries() -> None:
    """openpyxl and icalendar cost ~0.2-0.3 s each to import: only an export in their format may
    pay that, never `journal --help`, `journal add` or the export command's own help."""
    code = ("import sys, contextlib, io\n"
            "from journal.cli import main\n"
            "for argv in (['--help'], ['export', '--help'], ['import', '--help'], ['week', '--help']):\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        main(argv)\n"
            "import journal.interchange.export, journal.interchange.export.scope\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('openpyxl', 'icalendar'))\n"
            "print(','.join(bad))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
