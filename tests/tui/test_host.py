"""The screens see the app only as journal.screens.host.JournalHost, and the app fulfils it.

import-linter skips type-checking imports (pyproject.toml), so a screen naming ``JournalApp`` in
an annotation would slip past it and close the circle app -> screens -> app again: the first test
reads the screens' and widgets' source instead. The second holds the description and the app
together, so neither can change alone."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import journal
from journal.app import JournalApp
from journal.screens.host import JournalHost

from .support import make_app

PACKAGE = Path(journal.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    """Every module an import statement in ``path`` names, wherever it stands (type-checking
    blocks and functions too), relative imports resolved."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_no_screen_or_widget_imports_the_app() -> None:
    files = sorted((PACKAGE / "screens").rglob("*.py")) + sorted((PACKAGE / "widgets").rglob("*.py"))
    imports = {path.relative_to(PACKAGE.parent).as_posix(): _imported_modules(path) for path in files}
    assert "journal/screens/base.py" in imports and "journal/widgets/picker.py" in imports
    assert "journal.screens.host.JournalHost" in imports["journal/screens/base.py"]  # the scan sees it
    upward = {name: sorted(m for m in found if m == "journal.app" or m.startswith("journal.app."))
              for name, found in imports.items()}
    assert {name: found for name, found in upward.items() if found} == {}


def _members() -> dict[str, object]:
    return {name: value for name, value in vars(JournalHost).items() if not name.startswith("_")}


def test_the_app_fulfils_what_the_screens_ask_of_it(sample_file: Path) -> None:
    app = make_app(sample_file)
    assert isinstance(app, JournalHost)
    members = _members()
    assert {"journal", "session", "today", "guard", "edit_entry", "show_entry"} <= members.keys()
    for name, described in members.items():
        actual = inspect.getattr_static(JournalApp, name, None)
        if isinstance(described, property):
            assert actual is None or isinstance(actual, property), name  # a property or set in __init__
            assert getattr(app, name) is not None, name
            continue
        assert callable(actual), name
        wanted, given = inspect.signature(described), inspect.signature(actual)  # type: ignore[arg-type]
        assert list(given.parameters) == list(wanted.parameters), name
        assert inspect.iscoroutinefunction(actual) == inspect.iscoroutinefunction(described), name


def test_no_mixin_stub_of_the_app_shadows_the_real_method() -> None:
    """The app's halves (entry actions, index building) declare what they use of the app as
    stubs; the app's own methods must come first in the method order."""
    import inspect

    from journal.app import JournalApp

    for name in {n for cls in JournalApp.__mro__ if cls.__module__.startswith("journal")
                 for n in cls.__dict__}:
        owner = next(cls for cls in JournalApp.__mro__ if name in cls.__dict__)
        member = owner.__dict__[name]
        function = getattr(member, "fget", member)
        try:
            source = inspect.getsource(function)
        except (TypeError, OSError):
            continue
        assert "raise NotImplementedError" not in source, f"{owner.__name__}.{name} is a stub"
