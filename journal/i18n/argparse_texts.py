"""The texts of Python's own argparse that a user of the command line sees (usage, section titles,
its error messages), marked for the catalog. :func:`install_argparse` makes argparse look them up
through the translation layer: it calls its module's ``_``/``ngettext`` at the moment it shows a
text, so pointing those at ours translates them without copying argparse."""

from __future__ import annotations

from journal.i18n import N_, _, ngettext

ARGPARSE_TEXTS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)


def install_argparse() -> None:
    """Route argparse's own texts through the translation layer (idempotent)."""
    import argparse

    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
