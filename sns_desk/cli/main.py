"""Dispatch of the CLI subcommands (the GUI is started by ``sns_desk.__main__``)."""

from __future__ import annotations

import argparse
import os
import sys

from .check import run_check
from .errors import run_guarded
from .exits import EXIT_OK, EXIT_USAGE
from .parser import build_parser

CREATE_ENV_VAR = "SNS_DESK_CREATE"
"""Set to 1 (true, yes, on) to allow what ``--create`` allows."""
_TRUE_VALUES = frozenset({"1", "true", "yes", "on"})
_WITHOUT_DATABASE = frozenset({("check", None), ("backup", "verify"), ("incident", "kinds")})
"""The commands that never open a database."""


def _utf8_streams() -> None:
    """Machine formats are UTF-8 whatever the console's code page (cp932 on Windows)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


def explicit_db_url(args: argparse.Namespace) -> str | None:
    """The database named by ``--db`` or ``$SNS_DESK_DB`` (None: the default file in the user data folder)."""
    from ..config import DB_ENV_VAR

    for value in (getattr(args, "db", None), os.environ.get(DB_ENV_VAR)):
        if value is not None and value.strip():
            return value.strip()
    return None


def create_allowed(args: argparse.Namespace) -> bool:
    """Whether a database that does not exist yet may be created: ``--create``, ``$SNS_DESK_CREATE`` or the
    default database (created on first use)."""
    if getattr(args, "create", False) or os.environ.get(CREATE_ENV_VAR, "").strip().lower() in _TRUE_VALUES:
        return True
    return explicit_db_url(args) is None


def _check_database(args: argparse.Namespace) -> int:
    """Refuse (exit 2) a database given by ``--db``/``SNS_DESK_DB`` that does not exist, unless creating is
    allowed: a mistyped path must not become a new, empty archive."""
    action = getattr(args, "backup_command", None) or getattr(args, "incident_command", None)
    if (args.command, action) in _WITHOUT_DATABASE or create_allowed(args):
        return EXIT_OK
    url = explicit_db_url(args)
    if url is None:  # pragma: no cover - create_allowed said so
        return EXIT_OK
    from ..storage.database import require_database

    def body() -> int:
        require_database(url)
        return EXIT_OK

    return run_guarded(sys.stderr, f"sns-desk {args.command}", body)


def run(args: argparse.Namespace) -> int:
    _utf8_streams()
    if args.command != "check" and (refused := _check_database(args)) != EXIT_OK:
        return refused
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
    if args.command == "settings":
        from .settings import run_settings

        return run_settings(args, sys.stdout, sys.stderr)
    if args.command == "draft":
        from .draft import run_draft

        return run_draft(args, sys.stdout, sys.stderr)
    if args.command == "incident":
        from .incident import run_incident

        return run_incident(args, sys.stdout, sys.stderr)
    if args.command == "moderation":
        from .moderation import run_moderation

        return run_moderation(args, sys.stdout, sys.stderr)
    if args.command == "report":
        from .report import run_report

        return run_report(args, sys.stdout, sys.stderr)
    sys.stderr.write(f"sns-desk: コマンド「{args.command}」はまだありません\n")
    return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        sys.stderr.write("sns-desk: コマンドを指定してください(画面は sns-desk をコマンドなしで起動)\n")
        return EXIT_USAGE
    return run(args)
