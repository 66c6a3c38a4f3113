"""Japan time, in which the city's dates are counted (approval and publication dates, "since" days, file names).

Japan has no daylight saving time, so a fixed +09:00 is exact and needs no time-zone database, which
Windows machines often lack.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

JST: Final = dt.timezone(dt.timedelta(hours=9), "JST")


def today(now: dt.datetime | None = None) -> dt.date:
    """The date in Japan at the aware moment ``now`` (by default: now)."""
    return (now if now is not None else dt.datetime.now(JST)).astimezone(JST).date()
