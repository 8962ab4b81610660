"""The package metadata: what setuptools reads on every install."""

from __future__ import annotations

import tomllib
from pathlib import Path

PYPROJECT = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())


def test_license_is_an_spdx_string_and_the_build_backend_knows_it() -> None:
    """A TOML table (``{ text = "MIT" }``) made setuptools warn on every install; an SPDX
    expression needs setuptools 77 or later."""
    assert PYPROJECT["project"]["license"] == "MIT"
    requires = PYPROJECT["build-system"]["requires"]
    setuptools = next(r for r in requires if r.startswith("setuptools"))
    assert setuptools.replace(" ", "") == "setuptools>=77"
