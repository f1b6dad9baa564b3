"""The demo rows of this app, built on the demo portfolio (see partnerships/demo.py)."""

import datetime as dt

from partnerships.demo import DemoReport

LABELS = ()


def build_demo(*, today: dt.date) -> DemoReport:
    return DemoReport(LABELS)
