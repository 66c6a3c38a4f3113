"""Dates whose weekday is wrong (第6条第6号: accurate, not misleading)."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..analysis import Analysis
from .base import Detector, Raw

WEEKDAYS = "月火水木金土日"
_ERAS = {"令和": 2018, "r": 2018, "平成": 1988, "h": 1988}
_DATE = re.compile(
    r"(?:(?P<era>令和|平成|R|H)\s*(?P<eyear>元|\d{1,2})\s*年\s*|(?P<year>\d{4})\s*(?:年|[/.\-])\s*)?"
    r"(?<!\d)(?P<month>\d{1,2})\s*(?:月|/|\.)\s*(?P<day>\d{1,2})\s*日?\s*"
    r"(?:[(\[【]\s*(?P<wd>[月火水木金土日])(?:曜日?)?(?:\s*[・･,、]?\s*(?:祝日?|休日?|振休))?\s*[)\]】]"
    r"|(?P<wd2>[月火水木金土日])曜日?)",
    re.IGNORECASE,
)
# A year written on its own (令和7年, 【2025年】, 2026年度): later dates without a year belong to it.
_YEAR = re.compile(
    r"(?:(?P<era>令和|平成|R|H)\s*(?P<eyear>元|\d{1,2})|(?<!\d)(?P<year>\d{4}))\s*年(?P<fiscal>度)?",
    re.IGNORECASE,
)
# A context year further than this from the post date is history (平成18年の合併), not the dates' year.
_CONTEXT_YEARS = 3
_WEEKDAY_MARK = re.compile(r"[(\[【]\s*[月火水木金土日]|[月火水木金土日]曜")
# A year-less date further back than this from the post date is read as next year's.
_PAST_WINDOW = dt.timedelta(days=92)


def _year_of(m: re.Match[str]) -> int:
    if m.group("year"):
        return int(m.group("year"))
    raw = m.group("eyear")
    era = m.group("era")
    return _ERAS[era.lower() if era.isascii() else era] + (1 if raw == "元" else int(raw))


@dataclass(frozen=True, slots=True)
class ContextYear:
    end: int
    year: int
    fiscal: bool
    """令和7年度: January to March are the next calendar year."""
    heading: bool
    """A year that heads what follows (【2025年】, 令和7年 年末年始, 2026年度, 2027年:), as
    opposed to one inside a sentence (2024年にオープンした, 令和7年の台風), which may be another
    event's year: the dates after a heading are its dates; after another year they are when
    their weekday fits it."""


_HEADING_AFTER = re.compile(r"\s|[】\]］)）:：]|$")


def context_years(text: str, post_date: dt.date) -> list[ContextYear]:
    """Each year written in ``text`` near the post date."""
    out = []
    for m in _YEAR.finditer(text):
        year = _year_of(m)
        if abs(year - post_date.year) > _CONTEXT_YEARS:
            continue
        before = text[: m.start()].rstrip()
        fiscal = bool(m.group("fiscal"))
        heading = fiscal or before.endswith(("【", "[", "［", "(", "(")) or bool(_HEADING_AFTER.match(text, m.end()))
        out.append(ContextYear(m.end(), year, fiscal, heading))
    return out


def _resolve(
    m: re.Match[str], post_date: dt.date, context: tuple[int, bool] | None = None
) -> tuple[dt.date | None, bool]:
    """(the date, whether its year was written); ``context``: (year, fiscal) written earlier."""
    month, day = int(m.group("month")), int(m.group("day"))
    if m.group("year") or m.group("era"):
        year = _year_of(m)
    elif context is not None:
        year = context[0] + (1 if context[1] and month <= 3 else 0)
        try:
            return dt.date(year, month, day), False
        except ValueError:
            return None, False
    else:
        # This year's date, or next year's when this year's is long past (or, like 2月29日,
        # does not exist this year).
        for year in (post_date.year, post_date.year + 1):
            try:
                date = dt.date(year, month, day)
            except ValueError:
                continue
            if date >= post_date - _PAST_WINDOW or year > post_date.year:
                return date, False
        return None, False
    try:
        return dt.date(year, month, day), True
    except ValueError:
        return None, True


class WeekdayDetector(Detector):
    """A written weekday that does not fall on the written date; the fix is offered.

    With the year written the mismatch is certain (the rule's severity); with the year
    inferred it is reported at ``params.inferred_year_severity``. A date without a year takes the
    year last written before it in the post when that year heads what follows (【2025年】, 令和7年
    年末年始, 令和7年度: January to March are the next calendar year); a year inside a sentence
    (2025年の夏まつりは…) is taken unless the weekday fits the post date's year instead; with no
    year written, the post date's.
    """

    kind = "weekday"

    def find(self, a: Analysis) -> Iterable[Raw]:
        inferred_severity = str(self.param("inferred_year_severity", "warning"))
        text = a.nt.text
        if _WEEKDAY_MARK.search(text) is None:
            return
        years = context_years(text, a.context.post_date)
        ends = [y.end for y in years]
        for m in _DATE.finditer(text):
            if not (1 <= int(m.group("month")) <= 12):
                continue
            before = bisect.bisect_right(ends, m.start())
            context = years[before - 1] if before else None
            group = "wd" if m.group("wd") else "wd2"
            written = m.group(group)
            date, year_written = _resolve(m, a.context.post_date, (context.year, context.fiscal) if context else None)
            if context is not None and not context.heading and not year_written:
                # Another event's year: the date is in it only if its weekday fits it there.
                by_post, _ = _resolve(m, a.context.post_date)
                fits_context = date is not None and WEEKDAYS[date.weekday()] == written
                fits_post = by_post is not None and WEEKDAYS[by_post.weekday()] == written
                if fits_post and not fits_context:
                    continue
            if date is None:
                yield Raw(
                    m.start(),
                    m.end(),
                    detail="(この日付は暦にありません)",
                    severity=None if year_written else inferred_severity,
                )
                continue
            actual = WEEKDAYS[date.weekday()]
            if actual == written:
                continue
            # Replace just the weekday character in what the user typed.
            o_start, o_end = a.nt.span(m.start(), m.end())
            w_start, _ = a.nt.span(m.start(group), m.end(group))
            original = a.nt.original
            fixed = original[o_start:w_start] + actual + original[w_start + 1 : o_end]
            yield Raw(
                m.start(),
                m.end(),
                detail=f"({date.year}年{date.month}月{date.day}日は{actual}曜日です)",
                suggestion=fixed,
                severity=None if year_written else inferred_severity,
            )
