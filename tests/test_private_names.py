"""No module of the package takes another module's private names (``from journal.x import _y``):
a leading underscore says "only here", and an import from elsewhere ties the two modules together
behind the reader's back. Tests may (they check the insides); the package may not, whether the
import runs or sits under ``TYPE_CHECKING``. One exception by convention, not privacy: gettext's
``_`` (the translation call, ``from journal.i18n import _``), public API under the name every
extractor and translator knows."""

from __future__ import annotations

import ast
from pathlib import Path

import journal

PACKAGE = Path(journal.__file__).parent


def _private_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("journal"):
            for alias in node.names:
                if node.module == "journal.i18n" and alias.name == "_":
                    continue  # the translation call, public under gettext's own name
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{path.name}:{node.lineno} from {node.module} import {alias.name}")
    return found


def test_no_module_imports_another_modules_private_names() -> None:
    found = [hit for path in sorted(PACKAGE.rglob("*.py")) for hit in _private_imports(path)]
    assert not found, "\n".join(found)


def test_the_check_sees_a_private_import_also_for_typing(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from typing import TYPE_CHECKING\nfrom journal.text import fold, __all__\n"
                      "from journal.i18n import _\n"
                      "if TYPE_CHECKING:\n    from journal.sync.git import _Repo\n", encoding="utf-8")
    assert _private_imports(sample) == ["sample.py:5 from journal.sync.git import _Repo"]
