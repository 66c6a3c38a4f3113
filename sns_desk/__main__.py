"""``sns-desk``: with a subcommand the CLI; without one the desktop app."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from .cli.main import run
    from .cli.parser import build_parser

    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None:
        from .gui.app import run as run_gui

        return run_gui([sys.argv[0]], db_url=args.db)
    try:
        return run(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
