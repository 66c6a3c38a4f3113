"""Benchmarks, run outside the test suite: ``python -m sns_desk.bench checker``."""

from __future__ import annotations

import argparse
import sys

from . import checker as checker_bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sns_desk.bench", description="sns_desk のベンチマーク")
    sub = parser.add_subparsers(dest="suite", required=True)
    c = sub.add_parser("checker", help="ガイドラインチェッカーの構築時間と応答時間")
    c.add_argument("--rounds", type=int, default=200, help="各サイズの計測回数")
    args = parser.parse_args(argv)
    if args.suite == "checker":
        checker_bench.run(args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
