"""The core never imports textual: the CLI must start fast and run without a terminal UI.

The import-linter contracts in pyproject.toml state the rule for every import in the code; this
test checks what actually lands in ``sys.modules`` when every core module is imported and the
CLI's parser is built, so an import made through ``importlib`` or a plugin cannot slip past."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import journal

UI = ("journal.app", "journal.screens", "journal.widgets")


def core_modules() -> list[str]:
    """Every module of the package except the TUI's, found on disk (nothing is listed by hand)."""
    names = [info.name for info in pkgutil.walk_packages([str(Path(journal.__file__).parent)],
                                                          prefix="journal.")]
    return sorted(n for n in names if not n.startswith(UI) and n != "journal.__main__")


def test_the_core_is_found_on_disk() -> None:
    found = core_modules()
    for expected in ("journal.sync.git", "journal.reports.summary", "journal.interchange.vcard_import",
                     "journal.search.cache.reader", "journal.datafile.canonical", "journal.service"):
        assert expected in found


def test_core_modules_do_not_import_textual() -> None:
    code = ("import sys\n"
            f"for name in {core_modules()!r}:\n"
            "    __import__(name)\n"
            "from journal.cli import build_parser\n"
            "build_parser()\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')\n"
            f"             or m.startswith({UI!r}))\n"
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
