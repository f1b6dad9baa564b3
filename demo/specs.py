"""Reading the demo's data files (demo/data/*.json) and the dates they hold.

A date in the data is an offset from the day the demo is built, "-18 months" or
"45 days", so the demo always has current agreements and recently closed periods.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def load(name: str):
    """The parsed contents of demo/data/<name>.json."""
    with open(DATA_DIR / f"{name}.json", encoding="utf-8") as data:
        return json.load(data)


def on(today: dt.date, offset: str | None) -> dt.date | None:
    """The day `offset` ("-18 months", "45 days") away from `today`.

    Months keep the day of the month, or the month's last day if it is shorter.
    """
    if offset is None:
        return None
    count, unit = offset.split()
    if unit == "days":
        return today + dt.timedelta(days=int(count))
    if unit != "months":
        raise ValueError(f"An offset is counted in days or months, not {offset!r}.")
    index = today.year * 12 + today.month - 1 + int(count)
    year, month = divmod(index, 12)
    month += 1
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return dt.date(year, month, min(today.day, last_day))
