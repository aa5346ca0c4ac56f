"""``python -m textreuse`` and the ``textreuse`` command: the command line, also a file
spark-submit can run.

:func:`main` sets Ctrl-C and SIGTERM to end the process at once, quietly (exit 130 and
143), while the command's modules load (most of a second, before anything is written);
the command line's own handling (:mod:`textreuse.interrupts`) takes over once they have.

>>> import textreuse.__main__ as m; m.__file__.endswith(".py")
True
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType


def _loading(signum: int, frame: FrameType | None) -> None:
    print("textreuse: interrupted", file=sys.stderr, flush=True)
    os._exit(128 + signum)


def main() -> None:
    """Run the command line (:func:`textreuse.cli.run`), quiet if interrupted while it loads."""
    signal.signal(signal.SIGINT, _loading)
    signal.signal(signal.SIGTERM, _loading)
    from textreuse.cli import run

    run()


if __name__ == "__main__":
    main()
