"""The command line: thin commands that parse, call the library and map errors to exit codes.

Results go to stdout; progress bars and messages to stderr. Exit codes: 0 success,
1 the run failed, 2 usage error, 3 finished but rejects exceeded --max-rejects.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from textreuse import __version__
from textreuse.engines.local import Advance, PairTask, ScanResult, align_pairs, scan
from textreuse.errors import TextReuseError
from textreuse.ingest.read import read_text_file
from textreuse.model import Document, Pair
from textreuse.report.highlight import Piece, split_sides
from textreuse.store import duckdb as store
from textreuse.store.export import export

app = typer.Typer(
    help="Find where text comes from: duplicates, near duplicates, excerpts and shared passages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Ids, paths and texts are data: never read as rich markup or emoji codes.
out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)

DbOption = Annotated[Path, typer.Option("--db", help="The textreuse database (DuckDB file).")]
DEFAULT_DB = Path("textreuse.duckdb")
FromOption = Annotated[
    Path | None,
    typer.Option("--from", help="Read a folder of Parquet tables (scan --engine spark --out, or export) instead of --db."),
]


class Engine(str, Enum):
    local = "local"
    spark = "spark"


def _open(db: Path, source: Path | None) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
    """Return a connection to the database at `db`, or to the Parquet tables in `source`."""
    if source is None:
        return store.connect(db)
    from textreuse.store import parquet

    return parquet.connect(source)


class PairFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"


class ExportFormat(str, Enum):
    parquet = "parquet"
    jsonl = "jsonl"


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(Text.assemble(("error: ", "bold red"), message))
    return typer.Exit(code)


class RichReporter:
    """Progress bars on stderr, one per stage."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    @contextmanager
    def stage(self, name: str, total: int | None) -> Iterator[Advance]:
        if self.quiet:
            yield lambda n: None
            return
        columns = [SpinnerColumn(), TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
        with Progress(*columns, console=err, transient=False) as progress:
            task = progress.add_task(name, total=total)
            yield lambda n: progress.advance(task, n)
            progress.update(task, total=progress.tasks[0].completed or 1, completed=progress.tasks[0].completed or 1)


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


@app.command("scan")
def scan_command(
    paths: Annotated[list[Path], typer.Argument(help="Folders, text files or JSONL files to read.")],
    db: DbOption = DEFAULT_DB,
    workers: Annotated[int | None, typer.Option(help="Processes to use (default: all cores).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON on stdout.")] = False,
    max_rejects: Annotated[
        int | None, typer.Option(help="Exit with code 3 if more inputs than this are rejected.")
    ] = None,
    engine: Annotated[Engine, typer.Option(help="local: this machine; spark: a Spark cluster, writing Parquet to --out.")] = Engine.local,
    master: Annotated[
        str | None, typer.Option(help="Spark master URL (spark://host:7077, yarn, local[4]); default: Spark's own.")
    ] = None,
    out_dir: Annotated[
        str | None, typer.Option("--out", help="With --engine spark: folder or URI for the Parquet tables.")
    ] = None,
    partitions: Annotated[int | None, typer.Option(help="With --engine spark: partitions per shuffle.")] = None,
) -> None:
    """Read a corpus, find every pair of documents that share text, and store the results."""
    started = time.perf_counter()
    if (engine is Engine.spark) != (out_dir is not None):
        raise _fail("--engine spark writes Parquet tables to --out FOLDER; the local engine writes --db", code=2)
    try:
        if engine is Engine.spark:
            from textreuse.engines import spark

            result: ScanResult | spark.SparkScanResult = spark.scan(
                [str(p) for p in paths],
                out=out_dir,  # type: ignore[arg-type]
                master=master,
                partitions=partitions,
                reporter=RichReporter(quiet or as_json),
                meta={"inputs": [str(p) for p in paths]},
            )
        else:
            result = scan(
                paths,
                db=db,
                workers=workers,
                reporter=RichReporter(quiet or as_json),
                meta={"inputs": [str(p) for p in paths]},
            )
    except TextReuseError as exc:
        raise _fail(str(exc)) from None
    for r in result.rejects:
        err.print(f"rejected {r.path}{':' + str(r.line) if r.line else ''}: {r.reason}")
    if not result.documents:
        raise _fail("no readable documents in " + ", ".join(map(str, paths)))
    summary = result.counts()
    summary["seconds"]["total"] = round(time.perf_counter() - started, 3)
    where = str(out_dir) if out_dir is not None else str(db)
    summary["out" if out_dir is not None else "db"] = where
    if as_json:
        summary["rejects"] = [{"path": r.path, "line": r.line, "reason": r.reason} for r in result.rejects]
        sys.stdout.write(json.dumps(summary) + "\n")
    else:
        rel = summary["pairs_by_relation"]
        err.print(
            f"{summary['documents']} documents read, {summary['rejected']} rejected; "
            f"{summary['pairs']} pairs ("
            + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in rel.items())
            + f"); {summary['families']} families; "
            f"{summary['seconds']['total']:.1f} s → {where}"
        )
    if max_rejects is not None and len(result.rejects) > max_rejects:
        raise typer.Exit(3)


def _pairs_table(pairs: list[Pair]) -> Table:
    table = Table(title=f"{len(pairs)} pairs (origin: a, b or unknown)", show_lines=False)
    for col in ("doc_a", "doc_b", "relation", "origin", "cov a", "cov b", "passages"):
        table.add_column(col, justify="right" if col.startswith(("cov", "pass")) else "left", overflow="fold")
    for p in pairs:
        table.add_row(
            Text(p.doc_a),
            Text(p.doc_b),
            p.relation,
            "a" if p.origin == p.doc_a else "b" if p.origin == p.doc_b else "",
            f"{p.coverage_a:.2f}",
            f"{p.coverage_b:.2f}",
            str(len(p.passages)),
        )
    return table


@app.command("pairs")
def pairs_command(
    db: DbOption = DEFAULT_DB,
    source: FromOption = None,
    fmt: Annotated[PairFormat, typer.Option("--format", help="table for people, jsonl for programs.")] = PairFormat.table,
    relation: Annotated[str | None, typer.Option(help="Only this relation.")] = None,
    doc: Annotated[str | None, typer.Option(help="Only pairs with this document.")] = None,
) -> None:
    """List the related pairs found by a scan."""
    try:
        with _open(db, source) as con:
            pairs = store.read_pairs(con, relation=relation, doc=doc)
    except TextReuseError as exc:
        raise _fail(str(exc)) from None
    if fmt is PairFormat.jsonl:
        for p in pairs:
            sys.stdout.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    else:
        out.print(_pairs_table(pairs))


STYLES = {"replace": "bold yellow", "delete": "bold red", "insert": "bold green"}


def _render_side(text: str, pieces: list[Piece]) -> Text:
    rendered = Text()
    for piece in pieces:
        rendered.append(text[piece.start : piece.end], style=STYLES.get(piece.op, ""))
    return rendered


def show_pair(pair: Pair, doc_a: Document, doc_b: Document) -> None:
    """Print the pair's passages side by side with word differences highlighted."""
    out.print(
        Text.assemble(
            (pair.doc_a, "bold"),
            " ↔ ",
            (pair.doc_b, "bold"),
            f": {pair.relation}, origin {pair.origin or 'unknown'}, "
            f"coverage {pair.coverage_a:.2f} / {pair.coverage_b:.2f}, {len(pair.passages)} passages",
        )
    )
    out.print(Text("yellow: changed, red: only left, green: only right", style="dim"))
    for k, p in enumerate(pair.passages, start=1):
        ta, tb = doc_a.raw_text[p.a[0] : p.a[1]], doc_b.raw_text[p.b[0] : p.b[1]]
        pieces_a, pieces_b = split_sides(ta, tb)
        table = Table(title=f"passage {k}: a[{p.a[0]}:{p.a[1]}] b[{p.b[0]}:{p.b[1]}] similarity {p.similarity:.2f}", expand=True)
        table.add_column(Text(pair.doc_a), ratio=1, overflow="fold")
        table.add_column(Text(pair.doc_b), ratio=1, overflow="fold")
        table.add_row(
            _render_side(ta, pieces_a),
            _render_side(tb, pieces_b),
        )
        out.print(table)


@app.command("show")
def show_command(
    doc_a: Annotated[str, typer.Argument(help="One document id.")],
    doc_b: Annotated[str, typer.Argument(help="The other document id.")],
    db: DbOption = DEFAULT_DB,
    source: FromOption = None,
) -> None:
    """Show two documents' aligned passages side by side, differences highlighted."""
    try:
        with _open(db, source) as con:
            pairs = [p for p in store.read_pairs(con, doc=doc_a) if {p.doc_a, p.doc_b} == {doc_a, doc_b}]
            if not pairs:
                store.read_document(con, doc_a)
                store.read_document(con, doc_b)
                raise _fail(f"{doc_a!r} and {doc_b!r} share no text in {db}")
            pair = pairs[0]
            show_pair(pair, store.read_document(con, pair.doc_a), store.read_document(con, pair.doc_b))
    except TextReuseError as exc:
        raise _fail(str(exc)) from None


@app.command("families")
def families_command(
    db: DbOption = DEFAULT_DB,
    source: FromOption = None,
    fmt: Annotated[PairFormat, typer.Option("--format", help="table or jsonl.")] = PairFormat.table,
) -> None:
    """List families of related documents with their origin when known."""
    try:
        with _open(db, source) as con:
            families = store.read_families(con)
    except TextReuseError as exc:
        raise _fail(str(exc)) from None
    if fmt is PairFormat.jsonl:
        for f in families:
            sys.stdout.write(json.dumps({"family": f.id, "origin": f.origin, "members": list(f.members)}) + "\n")
        return
    table = Table(title=f"{len(families)} families")
    for col in ("family", "size", "origin", "members"):
        table.add_column(col, overflow="fold")
    for f in families:
        table.add_row(f.id, str(len(f.members)), Text(f.origin or ""), Text(", ".join(f.members)))
    out.print(table)


def _read_pairs_file(pairs_file: Path, base: Path) -> list[PairTask]:
    tasks = []
    for number, line in enumerate(pairs_file.read_text(encoding="utf-8").splitlines(), start=1):
        fields = line.split("\t") if "\t" in line else line.split()
        fields = [f.strip() for f in fields if f.strip()]
        if not fields:
            continue
        if len(fields) != 2:
            err.print(f"{pairs_file}:{number}: expected two paths, found {len(fields)}; line skipped")
            continue
        tasks.append(PairTask(str(base / fields[0]), str(base / fields[1]), fields[0], fields[1]))
    return tasks


def _no_pair(task: PairTask) -> dict[str, object]:
    return {"doc_a": task.id_a, "doc_b": task.id_b, "relation": None, "origin": None,
            "coverage_a": 0.0, "coverage_b": 0.0, "passages": []}


@app.command("align")
def align_command(
    files: Annotated[list[Path] | None, typer.Argument(help="Two files to align.")] = None,
    pairs_file: Annotated[Path | None, typer.Option("--pairs", help="A file of pairs: two paths a line.")] = None,
    base: Annotated[Path, typer.Option(help="Folder the paths in --pairs are relative to.")] = Path("."),
    fmt: Annotated[PairFormat, typer.Option("--format", help="table or jsonl.")] = PairFormat.table,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format jsonl.")] = False,
    workers: Annotated[int | None, typer.Option(help="Processes to use (default: all cores).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Align given pairs of files without a database or candidate search.

    A pair sharing nothing is written with relation null and no passages.
    """
    if pairs_file is None and (not files or len(files) != 2):
        raise _fail("give two files, or --pairs PAIRS.tsv", code=2)
    if pairs_file is not None:
        if not pairs_file.is_file():
            raise _fail(f"no pairs file at {pairs_file}", code=2)
        tasks = _read_pairs_file(pairs_file, base)
    else:
        a, b = files  # type: ignore[misc]
        tasks = [PairTask(str(a), str(b), str(a), str(b))]
    jsonl = as_json or fmt is PairFormat.jsonl
    shown: list[Pair] = []
    failed = 0
    for outcome in align_pairs(tasks, workers=workers, reporter=RichReporter(quiet or len(tasks) < 2)):
        if outcome.error:
            failed += 1
            err.print(f"skipped {outcome.task.id_a} {outcome.task.id_b}: {outcome.error}")
            continue
        if jsonl:
            row = outcome.pair.to_dict() if outcome.pair else _no_pair(outcome.task)
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif outcome.pair:
            shown.append(outcome.pair)
    if not jsonl:
        out.print(_pairs_table(shown))
    if failed == len(tasks):
        raise typer.Exit(1)


@app.command("export")
def export_command(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the tables to.")],
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="parquet or jsonl.")] = ExportFormat.parquet,
) -> None:
    """Export every table of a database as Parquet or JSONL files."""
    try:
        written = export(db, out_dir, fmt=fmt.value)
    except TextReuseError as exc:
        raise _fail(str(exc)) from None
    for path in written:
        out.print(str(path))


@app.command("rejects")
def rejects_command(db: DbOption = DEFAULT_DB, source: FromOption = None) -> None:
    """List the files and records a scan could not read, and why."""
    try:
        with _open(db, source) as con:
            rows = con.execute("SELECT path, line, reason FROM rejects ORDER BY path, line").fetchall()
    except TextReuseError as exc:
        raise _fail(str(exc)) from None
    for path, line, reason in rows:
        out.print(f"{path}{':' + str(line) if line else ''}\t{reason}")


@app.command("text")
def text_command(
    doc_id: Annotated[str, typer.Argument(help="A document id.")], db: DbOption = DEFAULT_DB, source: FromOption = None
) -> None:
    """Print a stored document's raw text exactly as read."""
    try:
        with _open(db, source) as con:
            sys.stdout.write(store.read_document(con, doc_id).raw_text)
    except TextReuseError as exc:
        raise _fail(str(exc)) from None


@app.command("clean")
def clean_command(
    file: Annotated[Path, typer.Argument(help="A text file to repair.")],
    explain: Annotated[
        bool, typer.Option("--explain", help="Print each change as a JSON line instead of the text.")
    ] = False,
) -> None:
    """Print a file's text with its encoding damage repaired (mojibake, lossy mojibake).

    The repaired text is written exactly, adding nothing: a clean file comes back as it
    is. With --explain, each change is one JSON object: raw offsets, the raw text, what
    replaces it, the rule and its confidence.
    """
    from textreuse.clean.encoding import repair

    doc = read_text_file(file, file.name)
    if not isinstance(doc, Document):
        raise _fail(f"{doc.path}: {doc.reason}")
    fixed = repair(doc.raw_text)
    if explain:
        for step in fixed.steps:
            row = {
                "start": step.start,
                "end": step.end,
                "raw": doc.raw_text[step.start : step.end],
                "replacement": step.replacement,
                "rule": step.rule,
                "confidence": step.confidence,
            }
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    sys.stdout.buffer.write(fixed.text.encode("utf-8", "surrogatepass"))
    sys.stdout.flush()


@app.command("report")
def report_command(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the report to (replaced when complete).")],
    db: DbOption = DEFAULT_DB,
    page_size: Annotated[int, typer.Option(help="Pairs or families per list page.")] = 500,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """Write a static HTML report (overview, families, pairs side by side, search) to a folder."""
    from textreuse.report.html import write_report

    try:
        summary = write_report(db, out_dir, page_size=page_size, reporter=RichReporter(quiet))
    except TextReuseError as exc:
        raise _fail(str(exc)) from None
    err.print(
        f"{summary.family_pages} family pages, {summary.pair_pages} pair pages, "
        f"{summary.list_pages} list pages → {summary.out}"
    )
    out.print(str(summary.out / "index.html"))
