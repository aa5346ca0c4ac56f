"""Tests for textreuse.report.rows (one listing, any format) and the rich progress bars."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from textreuse.report import rows
from textreuse.report.progress import RateColumn, RemainingColumn, RichReporter, rate
from textreuse.report.rows import Column, Listing

LISTING = Listing(
    "story",
    ("story_id", Column("size", right=True), Column("score", places=2), "title", "members"),
    [("s-1", 3, 0.125, "Flood\tdefences\nhold", ["a-1", "b-2"]), ("s-2", 1, None, None, [])],
)


def render(listing: Listing, fmt: rows.Format) -> str:
    buf = io.StringIO()
    rows.write(listing, fmt, stream=buf, console=Console(file=buf, width=200))
    return buf.getvalue()


def test_tsv_has_a_header_and_one_line_a_row() -> None:
    lines = render(LISTING, "tsv").splitlines()
    assert lines[0] == "story_id\tsize\tscore\ttitle\tmembers"
    assert lines[1] == 's-1\t3\t0.125\tFlood\\tdefences\\nhold\t["a-1", "b-2"]'
    assert lines[2] == "s-2\t1\t\t\t[]"


@given(st.lists(st.text(), min_size=1, max_size=4))
def test_tsv_fields_unescape_to_the_value(values: list[str]) -> None:
    line = "\t".join(map(rows.tsv_field, values))
    assert "\n" not in line and "\r" not in line
    # Control characters and bidi overrides come as \xNN and \uNNNN: never raw on a terminal.
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", line)
    unescape = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}

    def back_one(m: re.Match[str]) -> str:
        code = m.group(1)
        return chr(int(code[1:], 16)) if code[0] in "xu" else unescape[code]

    back = [re.sub(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|.)", back_one, f) for f in line.split("\t")]
    assert back == values


def test_csv_reads_back_with_the_csv_module() -> None:
    got = list(csv.DictReader(io.StringIO(render(LISTING, "csv"))))
    assert got[0]["title"] == "Flood\tdefences\nhold" and json.loads(got[0]["members"]) == ["a-1", "b-2"]
    assert got[1]["score"] == ""


def test_jsonl_and_json_hold_the_same_objects() -> None:
    lines = [json.loads(line) for line in render(LISTING, "jsonl").splitlines()]
    assert lines == json.loads(render(LISTING, "json"))
    assert lines[0] == {"story_id": "s-1", "size": 3, "score": 0.125, "title": "Flood\tdefences\nhold", "members": ["a-1", "b-2"]}


def test_records_replace_the_flat_rows_in_json() -> None:
    listing = Listing("pair", ("a",), [("x",)], records=[{"a": "x", "passages": [[0, 1]]}])
    assert json.loads(render(listing, "json")) == [{"a": "x", "passages": [[0, 1]]}]


def test_table_shows_the_count_and_values_as_text_never_markup() -> None:
    listing = Listing("pair", ("doc",), [("[bold]notes[draft].txt",)], total=5)
    out = render(listing, "table")
    assert "1 of 5 pairs" in out and "[bold]notes[draft].txt" in out


def test_a_table_in_a_file_is_printed_whole() -> None:
    long_id = "-".join(["word"] * 40)
    buf = io.StringIO()
    rows.write(Listing("pair", ("doc_a", "doc_b"), [(long_id, long_id)]), "table", console=Console(file=buf, width=80))
    assert long_id in buf.getvalue()


@pytest.mark.parametrize("given,piped,expected", [(None, True, "tsv"), (None, False, "table"), ("csv", False, "csv")])
def test_default_format_is_a_table_on_a_terminal_and_tsv_when_piped(given, piped: bool, expected: str) -> None:
    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return not piped

    assert rows.default_format(given, stream=Stream()) == expected


def test_plurals() -> None:
    assert [rows.count(n, "passage") for n in (0, 1, 2)] == ["0 passages", "1 passage", "2 passages"]
    assert rows.count(1, "family") == "1 family" and rows.count(1200, "story") == "1,200 stories"


# ---------------------------------------------------------------- progress


class FakeTask:
    def __init__(self, *, finished: bool, speed: float | None, total: float | None, remaining: float | None,
                 completed: float = 100, elapsed: float = 2.0, unit: str = "docs", mb: str | None = None) -> None:
        self.finished, self.speed, self.total, self.time_remaining = finished, speed, total, remaining
        self.completed, self.elapsed = completed, elapsed
        self.fields = {"unit": unit, "mb": mb}


def test_rate_column_shows_units_a_second_and_reading_mb() -> None:
    assert RateColumn().render(FakeTask(finished=False, speed=1500.0, total=None, remaining=None)).plain == "1,500 docs/s"
    done = FakeTask(finished=True, speed=None, total=100, remaining=None, unit="docs", mb="3.5 MB/s")
    assert RateColumn().render(done).plain == "50 docs/s, 3.5 MB/s"
    assert rate(0.5, "pairs") == "0.5 pairs/s"


def test_remaining_column_shows_an_eta_only_with_a_total() -> None:
    assert RemainingColumn().render(FakeTask(finished=False, speed=10.0, total=1000, remaining=3725)).plain == "ETA 1:02:05"
    assert RemainingColumn().render(FakeTask(finished=False, speed=10.0, total=None, remaining=None)).plain == ""


def test_rich_reporter_draws_on_its_console() -> None:
    buf = io.StringIO()
    reporter = RichReporter(False, console=Console(file=buf, width=120), input_bytes=2_000_000)
    with reporter.stage("read", None) as advance:
        advance(3)
    assert "read" in buf.getvalue() and "MB/s" in buf.getvalue()
    quiet = io.StringIO()
    with RichReporter(True, console=Console(file=quiet)).stage("read", None) as advance:
        advance(1)
    assert quiet.getvalue() == ""


def test_engines_and_the_report_call_the_protocol_without_importing_the_bars() -> None:
    import subprocess
    import sys

    code = ("import sys, textreuse.engines.local, textreuse.report.html, textreuse.progress; "
            "print('textreuse.report.progress' in sys.modules, 'rich.progress' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
    from textreuse import progress
    from textreuse.engines import local

    assert local.Reporter is progress.Reporter
