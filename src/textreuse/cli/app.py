"""The typer app and what every command shares: consoles, options, output formats, errors.

Commands live in the modules beside this one, one module per kind of command; each
parses its options, calls the library and maps its errors to a message and an exit
code (:func:`fail`, :func:`reported`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.text import Text

from textreuse import __version__, jit
from textreuse.errors import TextReuseError
from textreuse.model import RELATIONS
from textreuse.report import rows
from textreuse.report.progress import RichReporter

app = typer.Typer(
    help="Find where text comes from: duplicates, near duplicates, excerpts and shared passages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Help is plain text: rich markup would eat "[boilerplate:KIND]", and rich's panels
    # give every flag a <bool> type it does not take.
    rich_markup_mode=None,
)
# Ids, paths and texts are data: never read as rich markup or emoji codes, and never
# written raw to a terminal (control characters escaped, see rows.SafeConsole).
out = rows.SafeConsole(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = rows.SafeConsole(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)

DEFAULT_DB = Path("textreuse.duckdb")
DbOption = Annotated[Path, typer.Option("--db", help="The textreuse database (DuckDB file).")]
FromOption = Annotated[
    Path | None,
    typer.Option("--from", help="Read a folder of Parquet tables (scan --engine spark --out, or export) instead of --db."),
]
LimitOption = Annotated[int | None, typer.Option("--limit", min=0, help="Print at most N rows.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]


class Format(str, Enum):
    table = "table"
    tsv = "tsv"
    csv = "csv"
    jsonl = "jsonl"
    json = "json"


FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        help="table, tsv, csv, jsonl or json (default: a table on a terminal, tab-separated rows with a header when piped).",
    ),
]


class Relation(str, Enum):
    duplicate = "duplicate"
    near_duplicate = "near_duplicate"
    excerpt = "excerpt"
    overlap = "overlap"


assert tuple(r.value for r in Relation) == RELATIONS


class InputFormat(str, Enum):
    auto = "auto"
    jsonl = "jsonl"
    text = "text"
    html = "html"


InputFormatOption = Annotated[
    InputFormat,
    typer.Option(
        "--input-format",
        help="How to read standard input (the input -): auto (JSONL, HTML or text, by its first bytes), jsonl, text or html.",
    ),
]


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `message` on stderr as an error and return the exit to raise, with `code`."""
    err.print(Text.assemble(("error: ", "bold red"), message))
    return typer.Exit(code)


def usage(message: str) -> typer.Exit:
    """Print a usage error on stderr and return the exit to raise (code 2)."""
    return fail(message, 2)


@contextmanager
def reported() -> Iterator[None]:
    """Turn a library error into its message on stderr and exit code 1."""
    try:
        yield
    except TextReuseError as exc:
        raise fail(str(exc)) from None


def opened(db: Path, source: Path | None) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
    """Return a connection to the database at `db`, or to the Parquet tables in `source`."""
    from textreuse.store import duckdb as store

    if source is None:
        return store.connect(db)
    from textreuse.store import parquet

    return parquet.connect(source)


def listing_format(fmt: Format | None, as_json: bool = False) -> rows.Format:
    """Return the format a listing prints in: `fmt`, json for --json, else table on a terminal, tsv when piped."""
    if as_json:
        return "json"
    return rows.default_format(None if fmt is None else fmt.value, stream=sys.stdout)


def emit(listing: rows.Listing, fmt: rows.Format) -> None:
    """Print `listing` on stdout in `fmt`."""
    rows.write(listing, fmt, stream=sys.stdout, console=out)


def colourless() -> bool:
    """Return whether stdout shows no colour (piped, or NO_COLOR): changes are then bracketed."""
    return not out.is_terminal or out.no_color


def reporter(quiet: bool, *, input_bytes: int | None = None) -> RichReporter:
    """Return the progress bars on stderr (none when `quiet`)."""
    return RichReporter(quiet, console=err, input_bytes=input_bytes)


def warn_if_compiling() -> None:
    """Say on stderr that the kernels are about to be compiled, when their cache is cold."""
    if jit.cold():
        err.print("compiling kernels once (about 30 s; 'textreuse warmup' does it ahead)…")


def check_stdin(paths: list[Path] | list[str]) -> None:
    """Raise a usage error if standard input (-) is given more than once."""
    if sum(str(p) == "-" for p in paths) > 1:
        raise usage("standard input (-) can be read once; give - one time")


def _version(value: bool) -> None:
    if value:
        out.print(f"textreuse {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = None,
) -> None:
    """Find where text comes from."""
