"""The command line: quick capture and scripting over the same service the TUI uses.

Start-up cost matters (``journal add`` is typed many times a day), so this package imports only the
headless core, command modules register themselves lazily, and textual is imported only when the TUI
is asked for.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journal import __version__
from journal.cli.help_layout import HelpFormatter
from journal.errors import JournalError
from journal.i18n import _
from journal.text import clean_line

if TYPE_CHECKING:
    from journal.config.model import Config
    from journal.service import Journal

#: Modules (in journal.cli) that add sub-commands; each has ``register(subparsers)``.
COMMAND_MODULES = ["entries", "routine", "documents", "importing", "maintenance", "clients",
                   "settings_cmds", "completion", "search_cmds", "sync_cmds", "followthrough"]
#: The commands each module registers. A command builds only its own module's parsers: building
#: all of them imported every command's dependencies (the service layer, the models) and ran
#: argparse over every option, a third of a warm ``journal search``. tests/test_cli_start.py
#: checks that this table matches what the modules register; a command missing from it still
#: works (it gets the whole parser), only slower to start.
COMMANDS = {"entries": ("add", "list", "show", "edit", "delete"),
            "routine": ("done", "undone", "cancel", "carry", "note", "expenses"),
            "documents": ("contact", "project", "org"),
            "importing": ("import", "export"),
            "maintenance": ("doctor", "backups", "restore"),
            "clients": ("due", "birthdays", "complaints", "handover"),
            "settings_cmds": ("config", "tiers", "templates"),
            "completion": ("completion",),
            "search_cmds": ("search", "week", "month", "quarter"),
            "sync_cmds": ("sync", "merge-driver", "conflicts"),
            "followthrough": ("remind", "follow-up", "agenda")}
MODULE_OF = {command: module for module, names in COMMANDS.items() for command in names}
ENV_FILE = "JOURNAL_FILE"
#: The names the program is installed under (pyproject's [project.scripts]); usage and help say
#: the one that was typed, so what they suggest runs this program.
PROGRAM_NAMES = ("journal", "journal-crm")


def default_path() -> Path:
    """Where the journal lives unless told otherwise: $JOURNAL_FILE, else the user data dir."""
    env = os.environ.get(ENV_FILE)
    if env:
        return Path(env)
    from platformdirs import user_data_path

    return user_data_path("journal", appauthor=False) / "journal.json"


class Context:
    """What a command handler needs: the journal (opened on first use) and output."""

    def __init__(self, path: Path, stdout=None, stderr=None,  # noqa: ANN001
                 config: Path | None = None, *, standalone: bool = False) -> None:
        self.path = path
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        #: ``--config`` as given (None: $JOURNAL_CONFIG or the user config dir)
        self.config_arg = config
        #: True in the ``journal`` program itself (not when called in-process): it may leave
        #: work that need not delay the answer to a child process (the first search's cache).
        self.standalone = standalone
        self._journal: Journal | None = None
        self._config: Config | None = None

    @property
    def config_path(self) -> Path:
        from journal.config.files import config_path

        return config_path(self.config_arg)

    @property
    def journal(self) -> Journal:
        if self._journal is None:
            from journal.service import Journal

            self._journal = Journal(self.path, config=self._config or self.config_path)
        return self._journal

    @property
    def config(self) -> Config:
        """The user's configuration, read on first use (a bad file fails only the commands that
        need it, with one line naming the file and the key)."""
        if self._journal is not None:
            return self._journal.config
        if self._config is None:
            from journal.config.files import load_config

            self._config = load_config(self.config_path)
        return self._config

    def out(self, text: str = "") -> None:
        print(text, file=self.stdout)

    def warm_search_cache(self, code: int) -> int:
        """After a command that wrote the journal (an import, a restore), leave the search
        cache up to date for the next search. The ``journal`` program leaves that to a child
        process and ends here, at once, with ``code``; called in-process it is done now."""
        if self.standalone:
            self.stdout.flush()
            self.stderr.flush()
            if self.journal.warm_search_cache(detached=True):
                os._exit(code)
            return code
        self.journal.warm_search_cache()
        return code

    def note(self, text: str) -> None:
        """A side remark (created documents, warnings) on stderr, so stdout stays scriptable.
        One line, control characters escaped: notes quote user text (names, CSV cells)."""
        print(clean_line(text), file=self.stderr)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Every sub-command's help laid out by :class:`HelpFormatter` unless it asks otherwise."""
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def _get_values(self, action: argparse.Action, arg_strings: list[str]):  # noqa: ANN202
        """Python 3.11's argparse drops a ``--`` given as an option's own value (``--summary=--``)
        and hands the handler an empty *list* where a string is expected (a traceback later). An
        option's explicit value is never the end-of-options marker: keep it as text."""
        if action.option_strings and action.nargs is None and arg_strings == ["--"]:
            value = self._get_value(action, "--")
            self._check_value(action, value)
            return value
        return super()._get_values(action, arg_strings)

    def error(self, message: str) -> None:  # type: ignore[override]
        """One line, exit 2, as for any other user error (argparse prints usage by default)."""
        self.exit(2, _("journal: {message} (see `{prog} --help`)\n").format(message=clean_line(message), prog=self.prog))


def program_name(argv0: str | None = None) -> str:
    """The name this program was started as, when it is one of its own (else ``journal``)."""
    name = os.path.basename(argv0 if argv0 is not None else (sys.argv[0] if sys.argv else ""))
    return name if name in PROGRAM_NAMES else "journal"


def _global_options(parser: argparse.ArgumentParser, default: object) -> None:
    """The options every command takes, before or after its name (``journal --file X list`` and
    ``journal list --file X``)."""
    parser.add_argument("--file", type=Path, default=default, metavar="FILE",
                        help=_("journal file (default: ${env} or the user data dir)").format(
                            env=ENV_FILE))
    parser.add_argument("--config", type=Path, default=default, metavar="FILE",
                        help=_("configuration file (default: $JOURNAL_CONFIG or config.toml in "
                               "the user config dir; see `journal config`)"))
    parser.add_argument("--lang", type=_language_code, default=default, metavar="LANG",
                        help=_("interface language: en, zh (简体中文) or auto (default: the "
                               "configuration's language, else LANG)"))


def _language_code(text: str) -> str:
    """``--lang``'s value as a language code (``auto``: the configuration, then LANG)."""
    from journal.i18n.choose import describe_choices, normalize

    if text.strip().lower() == "auto":
        return "auto"
    code = normalize(text)
    if code is None:
        raise argparse.ArgumentTypeError(
            _("unknown language {value!r}: use {choices} or auto").format(
                value=text[:20], choices=describe_choices()))
    return code


def choose_language(argv: Sequence[str], env: Mapping[str, str] | None = None) -> Config | None:
    """Set the interface language before any text is made: ``--lang``, else the configuration's
    ``language``, else the environment. Returns the configuration when it was read (so it is not
    read twice); a configuration that cannot be read is left to the commands that need it, which
    report it, and the language then comes from the environment."""
    from journal.config.files import config_path, load_config
    from journal.i18n import set_language
    from journal.i18n.argparse_texts import install_argparse
    from journal.i18n.choose import choose, lang_option

    env = os.environ if env is None else env
    option = lang_option(argv)
    config = None
    if option is None or option.strip().lower() == "auto":
        try:
            config = load_config(config_path(_config_option(argv)))
        except (JournalError, OSError):
            config = None
    set_language(choose(option, config.language if config else None, env))
    install_argparse()
    return config


def _config_option(argv: Sequence[str]) -> str | None:
    """``--config``'s value in a command line (the last one, before any ``--``)."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--config" and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith("--config="):
            found = arg.split("=", 1)[1]
    return found


def _share_global_options(parser: argparse.ArgumentParser) -> None:
    """Give every sub-command (and sub-sub-command: ``contact add``) the global options. Their
    default there is SUPPRESS, so a value given before the command is kept when none follows."""
    seen: set[int] = set()
    todo = [parser]
    while todo:
        for action in todo.pop()._actions:
            if not isinstance(action, argparse._SubParsersAction):
                continue
            for child in action.choices.values():
                if id(child) not in seen:
                    seen.add(id(child))
                    _global_options(child, argparse.SUPPRESS)
                    todo.append(child)


def build_parser(prog: str = "journal", *, command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or (``command``: a name from :data:`COMMANDS`) one that knows only the
    commands of that command's module: what ``main`` builds once it has seen the command word.
    Help, completion and any argv whose command cannot be told get the whole parser."""
    parser = _Parser(
        prog=prog, formatter_class=HelpFormatter,
        description=_("A work journal and personal CRM. Without a command it opens the app."),
        epilog=_("`{prog} COMMAND --help` shows a command's options. README.md has the "
                 "details; `{prog} completion --help` sets up tab completion.").format(prog=prog))
    parser.add_argument("-V", "--version", action="version", version=f"{prog} {__version__}",
                        help=_("print the version and exit"))
    _global_options(parser, None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    tui = sub.add_parser("tui", help=_("open the full-screen app (the default)"))
    tui.set_defaults(func=run_tui)
    modules = [MODULE_OF[command]] if command in MODULE_OF else COMMAND_MODULES
    for name in modules:
        importlib.import_module(f"journal.cli.{name}").register(sub)
    _share_global_options(parser)
    return parser


def command_word(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names, when it can be told without a parser: the first word after
    the global options (``--file PATH``, ``--config=PATH``); None for anything else (``--help``,
    ``--version``, an unknown option, no command), which then gets the whole parser and its
    messages."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--file", "--config"):
            i += 2
        elif arg.startswith(("--file=", "--config=")):
            i += 1
        else:
            return arg if arg in MODULE_OF else None
    return None


def run_tui(args: argparse.Namespace, ctx: Context) -> int:
    """Open the Textual app (imported only now: the CLI must start fast)."""
    from journal.app import run_app

    return run_app(ctx.path, config=ctx.config_arg)


def warn_if_driver_missing(ctx: Context) -> None:
    """One line on stderr when the journal sits in a git clone that lacks the merge driver (git config
    is not versioned, so a fresh clone does): a pull would then conflict. Never fails the command."""
    try:
        from journal.sync.driver import driver_warning, merge_warning  # light to import

        warnings = [merge_warning(ctx.path), driver_warning(ctx.path)]
    except Exception:  # a warning is not worth failing the user's command
        return
    for warning in warnings:
        if warning:
            ctx.note(_("journal: warning: {warning}").format(warning=warning))


def main(argv: Sequence[str] | None = None, *, stdout=None, stderr=None,  # noqa: ANN001
         standalone: bool = False) -> int:
    """Entry point of the ``journal`` script; returns the exit code."""
    argv_was_none = argv is None
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv_was_none:
        from journal.cli.completion import answer_request, requested

        if requested(argv):
            choose_language(argv)  # descriptions in the user's language (fish and zsh show them)
            return answer_request(build_parser(program_name()), stdout)
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:  # bytes that are not UTF-8 arrive as lone surrogates
            print(_("journal: argument '{arg}' is not valid UTF-8 text (check the encoding of "
                    "the terminal or script)").format(arg=clean_line(arg[:60])), file=stderr or sys.stderr)
            return 2
    config = choose_language(argv)
    parser = build_parser(program_name() if argv_was_none else "journal", command=command_word(argv))
    try:
        with contextlib.redirect_stdout(stdout or sys.stdout), \
                contextlib.redirect_stderr(stderr or sys.stderr):
            args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already reported in one line
        return exc.code if isinstance(exc.code, int) else 2
    ctx = Context(args.file if args.file is not None else default_path(), stdout, stderr,
                  config=args.config, standalone=standalone)
    if config is not None:
        ctx._config = config  # read once to choose the language: not read again
    handler: Callable[[argparse.Namespace, Context], int] = getattr(args, "func", run_tui)
    if handler is not run_tui and not getattr(args, "skip_driver_check", False):
        warn_if_driver_missing(ctx)  # the TUI shows the same warning itself
    try:
        return handler(args, ctx)
    except JournalError as exc:
        print(f"journal: {clean_line(str(exc))}", file=ctx.stderr)  # one line, whatever it quotes
        return 1
    except KeyboardInterrupt:
        print(_("journal: interrupted"), file=ctx.stderr)
        return 130
    except BrokenPipeError:
        # `journal list | head`: the reader went away; not an error worth a traceback.
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), sys.stdout.fileno())
        return 0


def entry_point() -> None:
    sys.exit(main(standalone=True))
