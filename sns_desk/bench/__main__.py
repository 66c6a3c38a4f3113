"""Benchmarks, run outside the test suite: ``python -m sns_desk.bench checker``."""

from __future__ import annotations

import argparse
import sys

from . import archive as archive_bench
from . import checker as checker_bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sns_desk.bench", description="sns_desk のベンチマーク")
    sub = parser.add_subparsers(dest="suite", required=True)
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
