"""Bar charts as geometry, drawn by the HTML template (inline SVG) and the PDF (fpdf2's rectangles) alike.

Coordinates are in the chart's own units with the origin at the top left, y growing downwards (SVG's
convention; the PDF adds its offset and scales).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import MonthlyReport


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Tick:
    value: int
    position: float
    """y of the grid line in a column chart, x in a bar chart."""


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    width: float
    height: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    plot_left: float
    plot_top: float
    plot_right: float
    plot_bottom: float
    horizontal: bool
    """Bars to the right with labels on the left (True), or columns with labels below (False)."""

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)


def nice_scale(largest: int) -> tuple[int, int]:
    """(top of the axis, step between grid lines) for counts up to ``largest``: at most 5 steps of
    1, 2 or 5 × 10ⁿ."""
    if largest <= 0:
        return 1, 1
    rough = largest / 4
    magnitude = 10 ** max(0, math.floor(math.log10(rough))) if rough >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    return step * math.ceil(largest / step), step


def _ticks(top: int, step: int) -> list[int]:
    return list(range(0, top + 1, step))


def column_chart(
    title: str,
    items: Sequence[tuple[str, int]],
    *,
    width: float = 520,
    height: float = 220,
    left: float = 40,
    right: float = 10,
    top: float = 22,
    bottom: float = 34,
) -> Chart:
    """Vertical bars, one per item, labels below and counts above."""
    top_value, step = nice_scale(max((v for _, v in items), default=0))
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / max(1, len(items))
    bar_w = slot * 0.6
    bars = []
    for i, (label, value) in enumerate(items):
        h = plot_h * value / top_value
        bars.append(Bar(label, value, left + slot * i + (slot - bar_w) / 2, top + plot_h - h, bar_w, h))
    ticks = tuple(Tick(v, top + plot_h - plot_h * v / top_value) for v in _ticks(top_value, step))
    return Chart(title, width, height, tuple(bars), ticks, left, top, left + plot_w, top + plot_h, False)


def bar_chart(
    title: str,
    items: Sequence[tuple[str, int]],
    *,
    width: float = 520,
    row: float = 24,
    left: float = 170,
    right: float = 40,
    top: float = 10,
    bottom: float = 22,
) -> Chart:
    """Horizontal bars, one row per item, labels on the left (long names such as 第7条第5号) and counts
    at the end of each bar."""
    top_value, step = nice_scale(max((v for _, v in items), default=0))
    height = top + row * max(1, len(items)) + bottom
    plot_w = width - left - right
    bar_h = row * 0.6
    bars = []
    for i, (label, value) in enumerate(items):
        w = plot_w * value / top_value
        bars.append(Bar(label, value, left, top + row * i + (row - bar_h) / 2, w, bar_h))
    ticks = tuple(Tick(v, left + plot_w * v / top_value) for v in _ticks(top_value, step))
    return Chart(title, width, height, tuple(bars), ticks, left, top, left + plot_w, height - bottom, True)


def posts_per_week(report: MonthlyReport, **size: float) -> Chart:
    """週ごとの投稿数: one column per week of the month."""
    return column_chart("週ごとの投稿数", [(w.label, w.count) for w in report.posts.weeks], **size)


def findings_per_article(report: MonthlyReport, **size: float) -> Chart:
    """条項ごとの確認済み警告: one bar per article, in the guideline's order."""
    return bar_chart("条項ごとの確認済みの警告", [(g.label, g.count) for g in report.findings], **size)
