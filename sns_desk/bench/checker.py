"""Checker latency: construction, and warm checks of 280, 2,000 and 10,000 characters."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import subprocess
import sys
import time

# Sentences in the style of a city's posts, some carrying findings, so the detectors do work.
_SENTENCES = (
    "【お知らせ】12月6日(土)10時から、市民文化センターで冬のコンサートを開催します。",
    "入場無料、申込不要です。どなたでもお気軽にお越しください。",
    "詳しくは市ホームページをご覧ください。https://www.city.higashihiroshima.lg.jp/soshiki/",
    "インフルエンザが流行しています。手洗いとうがいを心がけましょう🧼",
    "問い合わせ:生涯学習課 電話082-420-0979(平日8時30分～17時15分)",
    "ｲﾍﾞﾝﾄ会場の駐車場には限りがありますので、公共交通機関をご利用ください。",
    "個人的には、今回の計画には反対です。",
    "来年度から開館時間を短縮する方向で検討中です。",
    "駅前に新しい施設ができるらしいです。拡散希望!",
    "申込フォームはこちら https://bit.ly/3abcDEF",
    "西条町の山田太郎さん(45歳)から、携帯090-1234-5678に連絡がありました。",
    "12月24日(水)はクリスマスイブ。図書館でおはなし会を行います。",
)


def sample_text(length: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < length:
        s = rng.choice(_SENTENCES)
        parts.append(s)
        total += len(s)
    return "".join(parts)[:length]


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def _construction_in_fresh_process() -> float:
    """Import + rulebook load + compile, timed inside a new interpreter (cold caches)."""
    code = (
        "import time; t=time.perf_counter();"
        "from sns_desk.core.checker import default_checker; c=default_checker();"
        "print(time.perf_counter()-t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def run(rounds: int) -> None:
    from ..core.checker import CheckContext, default_checker

    cold = [_construction_in_fresh_process() for _ in range(3)]
    t = time.perf_counter()
    checker = default_checker()
    warm_build = time.perf_counter() - t
    print(f"construction (new process, import+load+compile): median {statistics.median(cold) * 1000:.0f} ms")
    print(f"construction (warm process, load+compile):       {warm_build * 1000:.0f} ms")
    context = CheckContext(platforms=("x", "instagram"), post_date=dt.date(2026, 11, 25))
    print("same text each time (warm) | a character typed at a random place each time (keystroke)")
    print(f"{'chars':>7} {'findings':>8} {'median ms':>10} {'p95 ms':>8} | {'median ms':>10} {'p95 ms':>8}")
    rng = random.Random(1)
    for size in (280, 2000, 10000):
        text = sample_text(size)
        n = rounds if size < 10000 else max(20, rounds // 4)
        for _ in range(5):
            checker.check(text, context)
        same, typed = [], []
        for _ in range(n):
            t = time.perf_counter()
            findings = checker.check(text, context)
            same.append((time.perf_counter() - t) * 1000)
            at = rng.randrange(len(text))
            edited = text[:at] + rng.choice("あ市、1a") + text[at:]
            t = time.perf_counter()
            checker.check(edited, context)
            typed.append((time.perf_counter() - t) * 1000)
        print(
            f"{size:>7} {len(findings):>8} {statistics.median(same):>10.2f} {_percentile(same, 95):>8.2f} | "
            f"{statistics.median(typed):>10.2f} {_percentile(typed, 95):>8.2f}"
        )
