"""`journal completion bash|zsh|fish`, and the answers the printed scripts ask for on every Tab
(see :mod:`journal.completion`)."""

from __future__ import annotations

import argparse
import io
import os
import sys
from typing import Any

from journal.cli.help_layout import RawEpilogFormatter
from journal.completion import ENV_SHELL, SHELLS, script
from journal.i18n import N_, _

INSTALL = N_("""\
set-up (once; then open a new shell):
  bash  with the bash-completion package:
          d=~/.local/share/bash-completion/completions; mkdir -p $d
          journal completion bash > $d/journal
        without it, put this line in ~/.bashrc:
          eval "$(journal completion bash)"
  zsh   mkdir -p ~/.zfunc; journal completion zsh > ~/.zfunc/_journal
        and in ~/.zshrc, before `compinit`: fpath=(~/.zfunc $fpath)
        (or after compinit: eval "$(journal completion zsh)")
  fish  journal completion fish > ~/.config/fish/completions/journal.fish

The script also completes journal-crm. bash-completion and fish load a script by
the command's name: to complete journal-crm, link it as journal-crm too.
""")
#: Set this to see a completion's traceback instead of the shell offering nothing.
ENV_DEBUG = "_JOURNAL_COMPLETE_DEBUG"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "completion", help=_("print the tab-completion script for bash, zsh or fish"),
        description=_("Print the script that makes Tab complete commands, options, and the names "
                    "of contacts, projects and organisations from your journal."),
        epilog=_(INSTALL), formatter_class=RawEpilogFormatter)
    parser.add_argument("shell", choices=SHELLS)
    parser.set_defaults(func=cmd_completion, skip_driver_check=True)


def cmd_completion(args: argparse.Namespace, ctx: Any) -> int:
    ctx.out(script(args.shell).rstrip("\n"))
    return 0


def requested(argv: list[str]) -> bool:
    """Whether this run is a completion script asking (no arguments, the variable set)."""
    return not argv and bool(os.environ.get(ENV_SHELL))


def answer_request(parser: argparse.ArgumentParser, stdout: Any = None) -> int:
    """Print the answer to the completion request in the environment. Whatever goes wrong, the
    shell gets "nothing to offer" and no traceback lands on the user's command line."""
    from journal.cli import default_path
    from journal.completion.names import load_names
    from journal.completion.protocol import answer

    text = io.StringIO()
    try:
        code = answer(os.environ, parser, text, load_names, default_path)
    except Exception:
        if os.environ.get(ENV_DEBUG):
            raise
        text, code = io.StringIO("none\n"), 0
    target = stdout if stdout is not None else sys.stdout
    data = text.getvalue()
    buffer = getattr(target, "buffer", None)
    if buffer is not None:  # UTF-8 whatever the locale: names are Chinese
        buffer.write(data.encode("utf-8"))
        buffer.flush()
    else:
        target.write(data)
    return code
