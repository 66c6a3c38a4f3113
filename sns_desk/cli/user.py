"""``sns-desk user …``: people and roles, by the operations manager; ``user whoami`` for anyone."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any, TextIO

from ..core.people import Role
from .errors import run_guarded
from .exits import EXIT_OK

if TYPE_CHECKING:
    from ..services.people import PeopleService

_ROLE_NAMES = tuple(role.cli_name for role in Role)


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    user = sub.add_parser("user", help="職員と役割(運用管理者): 登録・一覧・役割の変更・無効化")
    actions = user.add_subparsers(dest="user_command", metavar="操作", required=True)
    add = actions.add_parser("add", help="職員を登録する(起案者として。役割は user role で)")
    add.add_argument("login", metavar="LOGIN", help="Windows のサインイン名(PostgreSQL ではデータベースのユーザー名)")
    add.add_argument("--name", required=True, metavar="NAME", help="氏名")
    add.add_argument("--department", default="", metavar="D", help="所属")
    listing = actions.add_parser("list", help="職員の一覧(役割、管理するアカウント)")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    role = actions.add_parser("role", help="役割を変更する")
    role.add_argument("login", metavar="LOGIN")
    role.add_argument("role", choices=_ROLE_NAMES, metavar="|".join(_ROLE_NAMES))
    deactivate = actions.add_parser("deactivate", help="職員を無効にする(記録には残り、操作はできなくなる)")
    deactivate.add_argument("login", metavar="LOGIN")
    actions.add_parser("whoami", help="このデータベースで自分がだれとして扱われるか")


def run_user(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..config import resolve_db_url
    from ..services.people import PeopleService
    from ..storage.database import open_database

    def body() -> int:
        with open_database(resolve_db_url(args.db)) as database:
            return _dispatch(PeopleService(database, database.login()), args, out)

    return run_guarded(err, "sns-desk user", body)


def _dispatch(people: PeopleService, args: argparse.Namespace, out: TextIO) -> int:
    command = args.user_command
    if command == "add":
        person = people.add(args.login, args.name, args.department)
        out.write(f"{person.login}: {person.display_name} を{person.role.label}として登録しました\n")
    elif command == "role":
        person = people.set_role(args.login, Role.from_cli(args.role))
        out.write(f"{person.login}: 役割は{person.role.label}です\n")
    elif command == "deactivate":
        person = people.deactivate(args.login)
        out.write(f"{person.login}: 無効にしました(これまでの記録は残ります)\n")
    elif command == "whoami":
        me = people.me()
        out.write(f"{me.login}\t{me.display_name}\t{me.role.label}\n")
    elif args.format == "json":
        rows = [
            {"login": m.person.login, "name": m.person.display_name, "department": m.person.department,
             "role": m.person.role.cli_name, "active": m.person.active, "accounts": list(m.accounts)}
            for m in people.staff()
        ]  # fmt: skip
        json.dump(rows, out, ensure_ascii=False)
        out.write("\n")
    else:
        for m in people.staff():
            state = "" if m.person.active else "(無効)"
            accounts = "、".join(m.accounts) or "-"
            out.write(
                f"{m.person.login}\t{m.person.display_name}\t{m.person.department or '-'}\t"
                f"{m.person.role.label}{state}\t{accounts}\n"
            )
    return EXIT_OK
