"""Ctrl-C and SIGTERM: the main process stops, cleans up and exits; worker processes just end.

When Ctrl-C reaches a terminal's process group, every worker of a pool gets SIGINT
too; one interrupted while sending its result left the pool's queue locked, and the
main process waited in ``Pool.terminate`` forever (2 runs in 19). Workers therefore
ignore SIGINT and die on SIGTERM (what ``terminate`` sends): only the main process
handles an interrupt, unwinding through the ``finally`` blocks that remove its
temporary files. SIGTERM is handled there as Ctrl-C is (:func:`install`).
"""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import Any


class Terminated(KeyboardInterrupt):
    """Raised in the main process by SIGTERM, so it unwinds (and cleans up) as on Ctrl-C."""


def worker_signals() -> None:
    """Set a pool worker's signals (the pool's initializer): SIGINT ignored, SIGTERM kills."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


# The signals received, once :func:`install` has set the handlers: the exit code is 128 + the first.
received: list[int] = []


def _on_signal(signum: int, frame: FrameType | None) -> None:
    received.append(signum)
    if signum == signal.SIGTERM:
        # Once: a second SIGTERM while cleaning up ends the process at once.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise Terminated()
    raise KeyboardInterrupt()


def install() -> None:
    """Handle Ctrl-C and SIGTERM in the main thread: each raises (KeyboardInterrupt,
    :class:`Terminated`) and is remembered, for :func:`check`.

    Remembering matters: DuckDB polls for signals while it runs a query and turns the
    KeyboardInterrupt into its own error, or drops it when the query ends first (a scan
    interrupted while its database was written ran on to the end, exit 0).
    """
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    sys.unraisablehook = _quiet_unraisable


_default_unraisable = sys.unraisablehook


def _quiet_unraisable(unraisable: Any) -> None:
    """Say nothing of an interrupt raised where Python cannot propagate it (a ctypes
    callback of the numba compiler, a finaliser): it is remembered, and :func:`check`
    raises it again at the next stage. Nor, once interrupted, of an error in a finaliser
    of the compiler's LLVM objects, which the interrupt left half built (CI saw
    ``ObjectRef.__del__``: 'ValueRef' object has no attribute '_as_parameter_'). Anything
    else is reported as Python would."""
    if received and (
        isinstance(unraisable.exc_value, (KeyboardInterrupt, Terminated))
        or str(getattr(unraisable.object, "__module__", "")).startswith("llvmlite.")
    ):
        return
    _default_unraisable(unraisable)


def check() -> None:
    """Raise KeyboardInterrupt (or :class:`Terminated`) if a signal was received since
    :func:`install`, even one that another library swallowed; else nothing."""
    if received:
        raise Terminated() if received[0] == signal.SIGTERM else KeyboardInterrupt()
