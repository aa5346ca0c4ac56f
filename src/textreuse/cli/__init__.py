"""The command line: thin commands that parse, call the library and map errors to exit codes.

Results go to stdout; progress bars and messages to stderr. Exit codes: 0 success,
1 the run failed, 2 usage error (an unknown option value, a missing input, a --db
holding another scan without --replace), 3 finished but rejects exceeded
--max-rejects. Listings print a table on a terminal and tab-separated rows when piped
(``--format`` chooses: table, tsv, csv, jsonl, json).

One module per kind of command: :mod:`~textreuse.cli.scan` (scan, warmup),
:mod:`~textreuse.cli.lists` (pairs, stories, rejects), :mod:`~textreuse.cli.views`
(show, diff, text), :mod:`~textreuse.cli.files` (align, trace, clean) and
:mod:`~textreuse.cli.output` (export, report); :mod:`~textreuse.cli.app` holds what
they share.
"""

from __future__ import annotations

import gc
import importlib
import os
import signal
import sys

from textreuse import interrupts
from textreuse.cli.app import app

# Importing a module registers its commands; `--help` lists them in this order.
COMMAND_MODULES = ("scan", "lists", "views", "files", "output")
for _name in COMMAND_MODULES:
    importlib.import_module(f"textreuse.cli.{_name}")

__all__ = ["app", "run"]


def run() -> None:
    """Run the command line (the ``textreuse`` command), then end the process at once.

    Python's teardown of the modules a scan loads (numba, pandas, DuckDB) takes up to
    a second at exit and does nothing a finished command needs: its output is written,
    its database closed and its worker pools joined. A run that started Spark, or that
    failed with a traceback, ends the ordinary way.

    Ctrl-C exits with code 130 and SIGTERM with 143, once the temporary files are
    removed (:mod:`textreuse.interrupts`); a reader of stdout that goes away (``| head``)
    ends it quietly with 141, as SIGPIPE ends other commands.

    The cyclic garbage collector stays off for the command: a command's objects live
    until it ends and hardly any form cycles, while the first collection after a scan
    walks every object the scan made (0.47 s on the 20k benchmark corpus) only to
    free none of them before the process ends.
    """
    gc.disable()
    interrupts.install()
    try:
        app(prog_name="textreuse")
    except SystemExit as exc:
        if "pyspark" in sys.modules:
            raise
        code = exc.code
    except Exception:
        if not interrupts.received:
            raise
        code = 130  # a library turned the interrupt into its own error (DuckDB's "Query interrupted")
    else:
        code = 0
    if interrupts.received:  # Ctrl-C (130) or SIGTERM (143), whatever the command made of it
        code = 128 + interrupts.received[0]
        print("textreuse: interrupted; its temporary files were removed", file=sys.stderr)
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    if code == 1 and type(sys.stdout).__name__.endswith("PacifyFlushWrapper"):
        # Click's answer to a reader that went away (`textreuse pairs | head -1`) is exit
        # 1 with stdout wrapped so; exit as a command SIGPIPE ends does (141) instead.
        code = 128 + signal.SIGPIPE
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away (`| head`); nothing left to say
        code = code or 128 + signal.SIGPIPE
    os._exit(code or 0)
