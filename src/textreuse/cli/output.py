"""Commands that write a database out: ``export`` (its tables as files) and ``report`` (HTML)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from textreuse.cli.app import DEFAULT_DB, DbOption, QuietOption, app, err, out, reported, reporter


class ExportFormat(str, Enum):
    parquet = "parquet"
    jsonl = "jsonl"
    csv = "csv"


@app.command("export")
def export_command(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the tables to.")],
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="parquet, jsonl or csv.")] = ExportFormat.parquet,
) -> None:
    """Export every table of a database as Parquet, JSONL or CSV files, one per table; print their paths."""
    from textreuse.store.export import export

    with reported():
        written = export(db, out_dir, fmt=fmt.value)
    for path in written:
        out.print(str(path))


@app.command("report")
def report_command(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the report to (replaced when complete).")],
    db: DbOption = DEFAULT_DB,
    page_size: Annotated[int, typer.Option(help="Pairs or stories per list page.")] = 500,
    quiet: QuietOption = False,
) -> None:
    """Write a static HTML report (overview, a page per story, pairs side by side, search) to a folder."""
    from textreuse.report.html import write_report
    from textreuse.store.leftovers import remove_stale

    with reported():
        remove_stale(out_dir.resolve())  # report folders of runs killed before they could clean up
        summary = write_report(db, out_dir, page_size=page_size, reporter=reporter(quiet))
    err.print(f"{summary.story_pages} story pages, {summary.pair_pages} pair pages, {summary.list_pages} list pages → {summary.out}")
    out.print(str(summary.out / "index.html"))
