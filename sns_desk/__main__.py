"""``sns-desk``: with a subcommand the CLI; without one the desktop app."""

from __future__ import annotations

import sys


def _asks_version(argv: list[str]) -> bool:
    """``--version`` among the global options (before any subcommand): answered without building the parser,
    whose subcommands import the checker and the database layer."""
    for token in argv:
        if token == "--version":
            return True
        if token == "--":
            return False
        if not token.startswith("-") and token.isidentifier() and token.islower():
            return False  # a subcommand name (its own options follow); --db's value is a URL or a path
    return False


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if _asks_version(argv):
        from . import __version__

        print(f"sns-desk {__version__}")
        return 0
    from .cli.parser import build_parser

    args = build_parser().parse_args(argv)
    if args.command is None:
        from .gui.app import run as run_gui

        return run_gui([sys.argv[0]], db_url=args.db)
    from .cli.main import run

    try:
        return run(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug, not bad input: logged with its traceback, said in Japanese, exit 2
        from .diagnostics import log_unexpected, unexpected_message

        sys.stderr.write(f"sns-desk: {unexpected_message(exc, log_unexpected(exc, f'sns-desk {args.command}'))}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
