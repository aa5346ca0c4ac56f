"""Progress: the small protocol the engines and the report call; no drawing here.

Stages report through :class:`Reporter`: ``with reporter.stage(name, total) as advance:
advance(n)``. The CLI passes rich bars (:class:`textreuse.report.progress.RichReporter`);
library calls pass nothing and get :class:`Silent`.

>>> with Silent().stage("read", None) as advance:
...     advance(1)
>>> unit("align"), unit("read"), unit("lists")
('pairs', 'docs', 'steps')
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Protocol

Advance = Callable[[int], None]

# What each stage counts, for its rate: documents, pairs, stories (report pages, a story at a time).
UNITS = {"read": "docs", "index": "docs", "align": "pairs", "pages": "stories", "write": "tables"}


class Reporter(Protocol):
    """Receives progress: one stage at a time, advanced by units of work."""

    def stage(self, name: str, total: int | None) -> AbstractContextManager[Advance]: ...


class Silent:
    """A reporter that reports nothing."""

    def stage(self, name: str, total: int | None) -> AbstractContextManager[Advance]:
        return nullcontext(lambda n: None)


def unit(stage: str) -> str:
    """Return what stage `stage` counts in (``docs``, ``pairs``...; ``steps`` when unknown)."""
    return UNITS.get(stage, "steps")
