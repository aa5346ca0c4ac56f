"""Rows out: one listing (column names and rows) written as a table, TSV, CSV, JSON lines or JSON.

Every listing command of the CLI builds a :class:`Listing` and hands it to
:func:`write`; a new listing is a few lines:

>>> import io
>>> rows = Listing("story", ("story_id", "size", "title"), [("s-1", 3, "Flood\\tdefences"), ("s-2", 1, None)])
>>> buf = io.StringIO()
>>> write(rows, "tsv", stream=buf)
>>> buf.getvalue().splitlines()
['story_id\\tsize\\ttitle', 's-1\\t3\\tFlood\\\\tdefences', 's-2\\t1\\t']
>>> buf = io.StringIO(); write(rows, "jsonl", stream=buf); print(buf.getvalue(), end="")
{"story_id": "s-1", "size": 3, "title": "Flood\\tdefences"}
{"story_id": "s-2", "size": 1, "title": null}

Texts are data: TSV escapes tab, newline, carriage return and backslash as ``\\t``,
``\\n``, ``\\r``, ``\\\\`` so a row is one line whatever its values; CSV quotes as the
``csv`` module does; a list value is written as a JSON array in TSV and CSV. Tables
(rich, for a terminal) take values as text, never as markup.

Texts are also hostile: an id or a file name may hold terminal escape sequences
(``ESC]0;...BEL`` retitles the terminal, ``ESC[2J`` clears it) or right-to-left
overrides. Tables and TSV show every control character and bidirectional override
as ``\\xNN`` / ``\\uNNNN`` (:func:`printable`; TSV stays reversible, its backslashes
being escaped), CSV too when written to a terminal; JSON escapes them as ``\\uNNNN``,
which keeps the value exact. :class:`SafeConsole` does the same for everything else
printed (messages, trees), so no text from a corpus reaches a terminal raw.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal, TypeAlias

from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

Format: TypeAlias = Literal["table", "tsv", "csv", "jsonl", "json"]
FORMATS: tuple[Format, ...] = ("table", "tsv", "csv", "jsonl", "json")
Value: TypeAlias = "str | int | float | bool | None | Sequence[str]"

_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# C0 controls but tab and newline, DEL, C1 controls (U+009B is a CSI), bidi overrides and isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What JSON leaves raw of those (it escapes C0 itself).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match[str]) -> str:
    o = ord(m.group())
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"


def printable(text: str) -> str:
    r"""Return `text` safe to show on a terminal: control characters (but tab and newline)
    and bidirectional overrides written as ``\xNN`` / ``\uNNNN``.

    >>> printable("a\x1b]0;owned\x07b\x1b[2J"), printable("tab\tok\u202eevil")
    ('a\\x1b]0;owned\\x07b\\x1b[2J', 'tab\tok\\u202eevil')
    """
    return _UNSAFE.sub(_escape, text)


def _json_line(value: Any) -> str:
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False)) + "\n"


class SafeConsole(Console):
    """A rich console that writes every text it is given through :func:`printable`, its
    own styles and cursor controls untouched: messages and trees holding ids and paths
    of a corpus cannot drive the terminal."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            Segment(printable(text), style, control) if control is None and _UNSAFE.search(text) else
            Segment(text, style, control)
            for text, style, control in buffer
        )


def count(n: int, noun: str) -> str:
    """Return `n` and `noun`, plural unless `n` is 1.

    >>> count(1, "passage"), count(2, "passage"), count(0, "family"), count(3, "story"), count(2, "day")
    ('1 passage', '2 passages', '0 families', '3 stories', '2 days')
    """
    return f"{n:,} {noun if n == 1 else plural(noun)}"


def plural(noun: str) -> str:
    """Return the plural of an English `noun` (regular forms only).

    >>> plural("pair"), plural("family"), plural("match"), plural("key")
    ('pairs', 'families', 'matches', 'keys')
    """
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    return noun + "s"


@dataclass(frozen=True)
class Column:
    """A column: its name, and in a table how it is shown (`places` decimals, right-aligned)."""

    name: str
    places: int | None = None
    right: bool = False


@dataclass(frozen=True)
class Listing:
    """What a listing command prints: `columns`, `rows`, and what the rows are (`noun`).

    `records` are the JSON objects of the rows (by default, each row's columns by name),
    for listings whose JSON carries more than their flat rows (pairs keep their
    passages). `total` is how many there were before ``--limit`` cut the rows; `note`
    is added to a table's title.
    """

    noun: str
    columns: Sequence[Column | str]
    rows: Sequence[Sequence[Value]]
    records: Sequence[Mapping[str, Any]] | None = None
    total: int | None = None
    note: str = ""

    @property
    def names(self) -> list[str]:
        """Return the column names."""
        return [c if isinstance(c, str) else c.name for c in self.columns]

    def objects(self) -> Sequence[Mapping[str, Any]]:
        """Return the rows as JSON objects."""
        if self.records is not None:
            return self.records
        names = self.names
        return [{k: _plain(v) for k, v in zip(names, row)} for row in self.rows]

    def title(self) -> str:
        """Return the table title: ``2 pairs``, or ``10 of 1,204 pairs`` after a limit."""
        total = len(self.rows) if self.total is None else self.total
        head = count(total, self.noun) if total == len(self.rows) else f"{len(self.rows):,} of {count(total, self.noun)}"
        return f"{head} {self.note}".strip()


def _plain(value: Value) -> Any:
    return list(value) if isinstance(value, (list, tuple)) else value


def tsv_field(value: Value) -> str:
    r"""Return `value` as a TSV field: one line, no tab (``\t``, ``\n``, ``\\`` escaped).

    >>> tsv_field("a\tb\\c"), tsv_field(None), tsv_field(0.5), tsv_field(["x", "y"]), tsv_field(True)
    ('a\\tb\\\\c', '', '0.5', '["x", "y"]', 'true')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return printable(json.dumps(list(value), ensure_ascii=False).translate(_TSV_ESCAPES))
    return printable(str(value).translate(_TSV_ESCAPES))


def _csv_field(value: Value) -> str:
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _cell(value: Value, column: Column | str) -> Text:
    places = None if isinstance(column, str) else column.places
    if value is None:
        return Text("")
    if isinstance(value, float) and places is not None:
        return Text(f"{value:.{places}f}")
    if isinstance(value, (list, tuple)):
        return Text(printable(", ".join(map(str, value))))
    return Text(printable(str(value)))


def table(listing: Listing) -> Table:
    """Return the listing as a rich table titled with its count; long values fold, never truncate."""
    t = Table(title=listing.title())
    for c in listing.columns:
        right = not isinstance(c, str) and c.right
        t.add_column(Text(printable(c if isinstance(c, str) else c.name)), justify="right" if right else "left", overflow="fold")
    for row in listing.rows:
        t.add_row(*(_cell(v, c) for v, c in zip(row, listing.columns)))
    return t


def lines(listing: Listing, fmt: Format, *, terminal: bool = False) -> Iterator[str]:
    """Yield the listing's output lines (each ending in a newline) in a text format.

    CSV escapes control characters (:func:`printable`) only for a `terminal`: for a
    file, its values stay as they are.
    """
    if fmt == "tsv":
        yield "\t".join(listing.names) + "\n"
        for row in listing.rows:
            yield "\t".join(map(tsv_field, row)) + "\n"
    elif fmt == "csv":
        buf = _Lines()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(listing.names)
        yield from buf.take()
        for row in listing.rows:
            w.writerow([printable(_csv_field(v)) if terminal else _csv_field(v) for v in row])
            yield from buf.take()
    elif fmt == "jsonl":
        for obj in listing.objects():
            yield _json_line(obj)
    elif fmt == "json":
        yield _json_line(list(listing.objects()))
    else:
        raise ValueError(f"no text lines for format {fmt!r}; give one of {', '.join(FORMATS[1:])}")


def streamed(listings: Iterable[Listing], fmt: Format, *, stream: IO[str] | None = None) -> None:
    """Write listings that come one after another (one row each, say) as one listing, as they come.

    For formats written a row at a time (tsv, csv, jsonl): TSV and CSV get one header,
    from the first listing (or none at all when there is none).
    """
    target = stream or sys.stdout
    terminal = _is_terminal(target)
    first = True
    for listing in listings:
        for k, line in enumerate(lines(listing, fmt, terminal=terminal)):
            if k == 0 and fmt in ("tsv", "csv") and not first:
                continue
            target.write(line)
        target.flush()
        first = False


class _Lines:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, s: str) -> int:
        self.parts.append(s)
        return len(s)

    def take(self) -> list[str]:
        out, self.parts = self.parts, []
        return ["".join(out)] if out else []


def write(listing: Listing, fmt: Format, *, stream: IO[str] | None = None, console: Console | None = None) -> None:
    """Write `listing` in format `fmt`: a table to `console`, text to `stream` (stdout by default)."""
    if fmt == "table":
        show(table(listing), console)
        return
    target = stream or sys.stdout
    for line in lines(listing, fmt, terminal=_is_terminal(target)):
        target.write(line)


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def show(renderable: RenderableType, console: Console | None = None) -> None:
    """Print a table or tree: folded to a terminal's width, whole (as wide as it is) to a file or pipe."""
    console = console or SafeConsole(highlight=False, markup=False, emoji=False)
    if not console.is_terminal:
        wide = console.measure(renderable, options=console.options.update(width=1 << 16)).maximum
        console = SafeConsole(file=console.file, width=max(wide, console.width), highlight=False, markup=False, emoji=False)
    console.print(renderable)


def default_format(given: Format | None, *, stream: IO[str] | None = None) -> Format:
    """Return `given`, or by default ``table`` when `stream` (stdout) is a terminal and ``tsv`` when not."""
    if given is not None:
        return given
    target = stream or sys.stdout
    try:
        return "table" if target.isatty() else "tsv"
    except (AttributeError, ValueError):  # a closed or odd stream: not a terminal
        return "tsv"
