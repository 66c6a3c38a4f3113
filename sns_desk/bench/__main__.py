"""Developer tools, run outside the test suite and left out of the shipped wheel.

``python -m sns_desk.bench checker|archive|desk`` measure speed (the README's figures), ``archive_memory`` the
peak memory of importing big Meta and Mastodon exports;
``python -m sns_desk.bench screenshots OUT.png --window desk`` draws the README's screenshots;
``python -m sns_desk.bench kill`` kills real commands mid-run and checks the store afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import archive as archive_bench
from . import checker as checker_bench

_GUI_TOOLS = {
    "desk": "sns_desk.bench.desk",
    "screenshots": "sns_desk.bench.screenshots",
    "kill": "sns_desk.bench.kill_trials",
    "archive_memory": "sns_desk.bench.archive_memory",
}
"""Tools with a command line of their own, imported only when asked for (the Qt ones need a display)."""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in _GUI_TOOLS:
        import importlib

        tool = importlib.import_module(_GUI_TOOLS[argv[0]])
        code: int = tool.main(argv[1:])
        if getattr(tool, "EXIT_WITHOUT_GC", False):
            sys.stdout.flush()
            os._exit(code)  # see the tool's note: PySide6 may abort in the interpreter's final collection
        return code
    parser = argparse.ArgumentParser(prog="python -m sns_desk.bench", description="sns_desk のベンチマーク")
    sub = parser.add_subparsers(dest="suite", required=True)
    sub.add_parser("desk", help="投稿デスクの入力・表示・起動の速さ(Qt)", add_help=False)
    sub.add_parser("screenshots", help="README の画面の見本を PNG で保存する(Qt)", add_help=False)
    sub.add_parser(
        "archive_memory", help="大きな Meta・Mastodon のエクスポートを取り込む最大メモリと時間", add_help=False
    )
    sub.add_parser("kill", help="kill -9 で中断してもデータが壊れないことの試行", add_help=False)
    c = sub.add_parser("checker", help="ガイドラインチェッカーの構築時間と応答時間")
    c.add_argument("--rounds", type=int, default=200, help="各サイズの計測回数")
    a = sub.add_parser("archive", help="第6条アーカイブの取り込み・検索・書き出し・メモリ")
    a.add_argument("--rounds", type=int, default=20, help="検索の計測回数(語ごと)")
    a.add_argument("--big-mb", type=int, default=500, help="メモリ計測用アーカイブの大きさ (MB)")
    args = parser.parse_args(argv)
    if args.suite == "checker":
        checker_bench.run(args.rounds)
    elif args.suite == "archive":
        archive_bench.run(rounds=args.rounds, big_mb=args.big_mb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
