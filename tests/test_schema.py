"""The schema is stated in models.py; the load check (datafile/validate.py) keeps a fast table of
the same fields. These tests fail the moment the two disagree, in either direction."""

from __future__ import annotations

import dataclasses
import typing

from journal.datafile.validate import (
    BOOL,
    COMMON,
    DICTLIST,
    FIELDS,
    INT,
    NUM,
    OBJMAP,
    REQUIRED,
    STR,
    STRLIST,
    STRMAP,
)
from journal.doctor import diagnose
from journal.models import MODEL_BY_TABLE, Document

KIND_OF_TYPE = {bool: BOOL, str: STR, int: INT, float: NUM, list[str]: STRLIST,
                list[dict[str, typing.Any]]: DICTLIST, dict[str, str]: STRMAP,
                dict[str, dict[str, typing.Any]]: OBJMAP}


def model_kinds(model: type[Document]) -> dict[str, str]:
    """field -> the load check's kind, read from the dataclass's annotations."""
    hints = typing.get_type_hints(model)
    out = {}
    for f in dataclasses.fields(model):
        if f.name == "id":
            continue
        hint = hints[f.name]
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if typing.get_origin(hint) in (typing.Union, __import__("types").UnionType) \
                and len(args) == 1:
            hint = args[0]
        out[f.name] = KIND_OF_TYPE[hint]
    return out


def test_the_load_check_knows_every_model_field_with_its_type() -> None:
    assert set(FIELDS) == set(MODEL_BY_TABLE)
    for table, model in MODEL_BY_TABLE.items():
        assert model_kinds(model) == {**FIELDS[table], **COMMON}, table


def test_required_fields_are_model_fields() -> None:
    for table, required in REQUIRED.items():
        assert set(required) <= set(model_kinds(MODEL_BY_TABLE[table])), table


def test_doctor_reports_fields_no_model_has() -> None:
    tables = {"entries": {"01KB0000000000000000000000": {
        "date": "2026-11-23", "event": "Visit", "status": "done", "mood": "good",
        "created_at": "2026-11-23T01:00:00.000000Z", "updated_at": "2026-11-23T01:00:00.000000Z"}}}
    problems, notes = diagnose(tables)
    assert problems == []
    assert any("mood" in n and "01KB0000000000000000000000" in n for n in notes)


def test_no_use_case_stub_shadows_the_real_method() -> None:
    """The service mixes in use cases from several packages; a mixin declares what it needs of
    the others as a stub. A stub earlier in the method order than the real method would win and
    raise NotImplementedError at run time: none may."""
    import inspect

    from journal.service import Journal

    for name in {n for cls in Journal.__mro__ for n in cls.__dict__}:
        owner = next(cls for cls in Journal.__mro__ if name in cls.__dict__)
        member = owner.__dict__[name]
        function = getattr(member, "fget", member)
        try:
            source = inspect.getsource(function)
        except (TypeError, OSError):
            continue
        assert "raise NotImplementedError" not in source, f"{owner.__name__}.{name} is a stub"
