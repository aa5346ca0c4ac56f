"""Rich progress bars on stderr, one per stage: count, rate, elapsed time and time left.

The CLI hands :class:`RichReporter` to the engines and the HTML report, which only
call the :class:`textreuse.progress.Reporter` protocol.

>>> rate(1234.5, "docs"), rate(2.25, "pairs"), rate(None, "docs")
('1,234 docs/s', '2.2 pairs/s', '')
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from textreuse.progress import Advance, unit


def rate(per_second: float | None, label: str) -> str:
    """Return a rate as people read it: ``1,234 docs/s``, ``2.2 pairs/s`` (empty when unknown)."""
    if not per_second:
        return ""
    shown = f"{per_second:,.0f}" if per_second >= 10 else f"{per_second:.1f}"
    return f"{shown} {label}/s"


class RateColumn(ProgressColumn):
    """Units a second while a stage runs; its mean rate (and reading's MB/s) once done."""

    def render(self, task: Task) -> Text:
        label = task.fields.get("unit", "steps")
        if not task.finished:
            return Text(rate(task.speed, label), style="progress.data.speed")
        mean = task.completed / task.elapsed if task.elapsed and task.completed > 1 else None
        parts = [p for p in (rate(mean, label), task.fields.get("mb")) if p]
        return Text(", ".join(parts), style="progress.data.speed")


class RemainingColumn(ProgressColumn):
    """Time left at the current rate, for a stage that knows its total."""

    max_refresh = 0.5

    def render(self, task: Task) -> Text:
        if task.finished or task.total is None or not task.speed or task.time_remaining is None:
            return Text("")
        left = int(task.time_remaining)
        return Text(f"ETA {left // 3600}:{left // 60 % 60:02d}:{left % 60:02d}", style="progress.remaining")


class RichReporter:
    """Progress bars on stderr, one per stage; `quiet` draws nothing.

    `input_bytes`, the size of the inputs, gives the read stage its MB/s when it ends
    (reading counts documents as it goes; their bytes are known only in total).
    """

    def __init__(self, quiet: bool, *, console: Console | None = None, input_bytes: int | None = None) -> None:
        self.quiet = quiet
        self.console = console or Console(stderr=True, highlight=False, markup=False, emoji=False)
        self.input_bytes = input_bytes

    @contextmanager
    def stage(self, name: str, total: int | None) -> Iterator[Advance]:
        if self.quiet:
            yield lambda n: None
            return
        columns = [
            SpinnerColumn(),
            TextColumn("{task.description:<11}"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            RemainingColumn(),
            RateColumn(),
        ]
        with Progress(*columns, console=self.console, transient=False) as progress:
            task = progress.add_task(name, total=total, unit=unit(name), mb=None)
            yield lambda n: progress.advance(task, n)
            state = progress.tasks[0]
            done = state.completed or 1
            mb = None
            if name == "read" and self.input_bytes and state.elapsed:
                mb = f"{self.input_bytes / 1e6 / state.elapsed:,.1f} MB/s"
            progress.update(task, total=done, completed=done, mb=mb)
