"""Dispatch of the CLI subcommands (the GUI is started by ``sns_desk.__main__``)."""

from __future__ import annotations

import argparse
import sys

from .check import run_check
from .exits import EXIT_USAGE
from .parser import build_parser


def _utf8_streams() -> None:
    """Machine formats are UTF-8 whatever the console's code page (cp932 on Windows)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


def run(args: argparse.Namespace) -> int:
    _utf8_streams()
    if args.command == "check":
        return run_check(args, sys.stdout, sys.stderr)
    if args.command == "archive":
        from .archive import run_archive

        return run_archive(args, sys.stdout, sys.stderr)
    if args.command in ("account", "policy"):
        from .account import run_registry

        return run_registry(args, sys.stdout, sys.stderr)
    if args.command == "backup":
        from .backup import run_backup_command

        return run_backup_command(args, sys.stdout, sys.stderr)
    if args.command == "user":
        from .user import run_user

        return run_user(args, sys.stdout, sys.stderr)
    if args.command == "audit":
        from .audit import run_audit

        return run_audit(args, sys.stdout, sys.stderr)
    if args.command == "draft":
        from .draft import run_draft

        return run_draft(args, sys.stdout, sys.stderr)
    sys.stderr.write(f"sns-desk: コマンド「{args.command}」はまだありません\n")
    return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        sys.stderr.write("sns-desk: コマンドを指定してください(画面は sns-desk をコマンドなしで起動)\n")
        return EXIT_USAGE
    return run(args)
