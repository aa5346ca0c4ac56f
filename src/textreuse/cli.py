"""The command line: thin commands that parse, call the library and map errors to exit codes.

Results go to stdout; progress bars and messages to stderr. Exit codes: 0 success,
1 the run failed, 2 usage error, 3 finished but rejects exceeded --max-rejects.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from contextlib import AbstractContextManager
from enum import Enum
from pathlib import Path
from typing import Annotated, NamedTuple

import duckdb
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree as RichTree

from textreuse import __version__
from textreuse.clean.boilerplate import BoilerplateConfig, edit_steps, mark, merge_steps
from textreuse.clean.encoding import EncodingConfig, Step, apply_steps, repair, repair_with_witness
from textreuse.clean.witness import best_witness
from textreuse.config import Config
from textreuse.engines.local import PairTask, ScanResult, align_pairs, scan
from textreuse.errors import TextReuseError
from textreuse.index.tokenize import Tokens
from textreuse.ingest.read import IngestConfig, read_text_file
from textreuse.model import Annotation, Document, Family, Pair
from textreuse.relate.cluster import lineage
from textreuse.report.highlight import Piece, matching_view, passage_tokens, split_sides
from textreuse.report.progress import RichReporter
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
    paths: Annotated[
        list[Path],
        typer.Argument(help="Folders or files to read: text, JSONL, HTML, WARC(.gz), CSV, Parquet."),
    ],
    db: DbOption = DEFAULT_DB,
    text_column: Annotated[
        str, typer.Option(help="Field of the text in JSONL, CSV and Parquet records.")
    ] = "text",
    id_column: Annotated[str, typer.Option(help="Field of the id in JSONL, CSV and Parquet records.")] = "id",
    workers: Annotated[int | None, typer.Option(help="Processes to use (default: all cores).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON on stdout.")] = False,
    max_rejects: Annotated[
        int | None, typer.Option(help="Exit with code 3 if more inputs than this are rejected.")
    ] = None,
    repair: Annotated[
        bool, typer.Option("--repair/--no-repair", help="Repair encoding damage before matching.")
    ] = True,
    boilerplate: Annotated[
        bool,
        typer.Option("--boilerplate/--no-boilerplate", help="Set boilerplate lines aside from matching."),
    ] = True,
    engine: Annotated[Engine, typer.Option(help="local: this machine; spark: a Spark cluster, writing Parquet to --out.")] = Engine.local,
    master: Annotated[
        str | None, typer.Option(help="Spark master URL (spark://host:7077, yarn, local[4]); default: Spark's own.")
    ] = None,
    out_dir: Annotated[
        str | None, typer.Option("--out", help="With --engine spark: folder or URI for the Parquet tables.")
    ] = None,
    partitions: Annotated[int | None, typer.Option(help="With --engine spark: partitions per shuffle.")] = None,
) -> None:
    """Read a corpus, find every pair of documents that share text, and store the results.

    Before matching, encoding damage is repaired and boilerplate lines (share buttons,
    repost frames, navigation, lines recurring across the corpus) are set aside; the raw
    text is stored as read, with the repair steps and boilerplate lines beside it.
    """
    started = time.perf_counter()
    config = Config(
        encoding=EncodingConfig(use_ftfy=repair, lossy=repair),
        boilerplate=BoilerplateConfig(patterns=boilerplate, recurring=boilerplate),
        ingest=IngestConfig(id_column=id_column, text_column=text_column),
    )
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
                config=config,
                reporter=RichReporter(quiet or as_json),
                meta={"inputs": [str(p) for p in paths]},
            )
        else:
            result = scan(
                paths,
                db=db,
                workers=workers,
                config=config,
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
        summary["rejects"] = [
            {"path": r.path, "line": r.line, "reason": r.reason, "kind": r.kind} for r in result.rejects
        ]
        sys.stdout.write(json.dumps(summary) + "\n")
    else:
        rel = summary["pairs_by_relation"]
        err.print(
            f"{summary['documents']} documents read, {summary['rejected']} rejected"
            + (
                " (" + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in summary["rejected_by_kind"].items()) + ")"
                if summary["rejected"] else ""
            )
            + "; "
            f"{summary['pairs']} pairs ("
            + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in rel.items())
            + f"); {summary['families']} families; {summary['repaired']} repaired, "
            f"{summary['with_boilerplate']} with boilerplate; "
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


def show_pair(pair: Pair, doc_a: Document, doc_b: Document, *, views: tuple[Tokens, Tokens] | None = None) -> None:
    """Print the pair's passages side by side with word differences highlighted.

    `views` are the words matching read of each document
    (:func:`~textreuse.report.highlight.matching_view`), as the HTML report diffs them;
    by default the raw texts are tokenised.
    """
    view_a, view_b = views or (matching_view(doc_a.raw_text), matching_view(doc_b.raw_text))
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
        tokens = (passage_tokens(view_a, *p.a), passage_tokens(view_b, *p.b))
        pieces_a, pieces_b = split_sides(ta, tb, tokens=tokens)
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
            first, second = store.read_document(con, pair.doc_a), store.read_document(con, pair.doc_b)
            # The stored repairs and boilerplate, so the words differ exactly as on the report's pair page.
            view_a, view_b = (
                matching_view(d.raw_text, steps=store.read_repairs(con, d.id), annotations=store.read_annotations(con, d.id))
                for d in (first, second)
            )
            show_pair(pair, first, second, views=(view_a, view_b))
    except TextReuseError as exc:
        raise _fail(str(exc)) from None


class DiffStored(NamedTuple):
    """What the database keeps of both documents' boilerplate lines and repairs (None: nothing)."""

    annotations: tuple[tuple[Annotation, ...] | None, tuple[Annotation, ...] | None] = (None, None)
    steps: tuple[tuple[Step, ...] | None, tuple[Step, ...] | None] = (None, None)


def _diff_inputs(doc_a: str, doc_b: str, db: Path, files: bool) -> tuple[Pair | None, Document, Document, DiffStored]:
    if files:
        docs = []
        for name in (doc_a, doc_b):
            read = read_text_file(Path(name), name)
            if not isinstance(read, Document):
                raise _fail(f"{read.path}: {read.reason}")
            docs.append(read)
        return None, docs[0], docs[1], DiffStored()
    with store.connect(db) as con:
        da, dc = store.read_document(con, doc_a), store.read_document(con, doc_b)
        pairs = [p for p in store.read_pairs(con, doc=doc_a) if {p.doc_a, p.doc_b} == {doc_a, doc_b}]
        # A database from before boilerplate and repairs were stored: find them afresh.
        marked, repaired = store.has_table(con, "annotations"), store.has_table(con, "repairs")
        stored = DiffStored(
            (store.read_annotations(con, doc_a), store.read_annotations(con, doc_b)) if marked else (None, None),
            (store.read_repairs(con, doc_a), store.read_repairs(con, doc_b)) if repaired else (None, None),
        )
    return (pairs[0] if pairs else None), da, dc, stored


@app.command("diff")
def diff_command(
    doc_a: Annotated[str, typer.Argument(help="The first document id (the one read as earlier).")],
    doc_b: Annotated[str, typer.Argument(help="The other document id.")],
    db: DbOption = DEFAULT_DB,
    files: Annotated[bool, typer.Option("--files", help="DOC_A and DOC_B are text files; no database.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the diff as one JSON object.")] = False,
    context: Annotated[
        int | None, typer.Option(min=0, help="Cut unchanged stretches to this many words at each end.")
    ] = None,
) -> None:
    """Show how DOC_B rewrote DOC_A: word changes in shared passages, sentences each adds, changed numbers, names, quotes.

    Documents are compared as matching reads them (encoding repaired, boilerplate lines
    listed apart as their frame). Two documents that are not a stored pair, or two
    --files, are aligned now. --json prints one object whose spans are raw-text offsets
    (schema in the README).
    """
    from textreuse.engines.local import relate_documents
    from textreuse.relate.diff import diff_documents
    from textreuse.report.terminal import render_diff

    try:
        pair, da, dc, stored = _diff_inputs(doc_a, doc_b, db, files)
    except TextReuseError as exc:
        raise _fail(str(exc)) from None
    aligned_now = pair is None
    if pair is None:
        pair = relate_documents(da, dc, keep_order=True)
        if pair is None:
            raise _fail(f"{doc_a!r} and {doc_b!r} share no text")
        if not files:
            err.print(f"{doc_a} and {doc_b} are not a stored pair in {db}; aligned them now")
    diff = diff_documents(pair, da, dc, annotations=stored.annotations, steps=stored.steps)
    if as_json:
        row = diff.to_dict(da.raw_text, dc.raw_text, aligned="now" if aligned_now else "stored")
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    marks = not out.is_terminal or out.no_color
    for renderable in render_diff(
        diff, da.raw_text, dc.raw_text, aligned_now=aligned_now, marks=marks, context=context
    ):
        out.print(renderable)


@app.command("families")
def families_command(
    db: DbOption = DEFAULT_DB,
    source: FromOption = None,
    fmt: Annotated[PairFormat, typer.Option("--format", help="table or jsonl.")] = PairFormat.table,
    tree: Annotated[bool, typer.Option("--tree", help="Draw who copied whom in each family.")] = False,
) -> None:
    """List families of related documents with their origin when known."""
    try:
        with _open(db, source) as con:
            families = store.read_families(con)
            pairs = store.read_pairs(con) if tree else []
    except TextReuseError as exc:
        raise _fail(str(exc)) from None
    if tree:
        _family_trees(families, pairs, fmt)
        return
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


def _grow(
    node: RichTree,
    doc: str,
    children: dict[str, list[tuple[str, str]]],
    parents: dict[str, list[str]],
    placed: set[str],
) -> None:
    """Add the copies of `doc` under `node`, each document once (later mentions say so)."""
    for child, relation in sorted(children.get(doc, [])):
        label = Text(f"{child}  [{relation}]")
        others = [q for q in parents.get(child, []) if q != doc]
        if others:
            label.append(f"  (also from {', '.join(others)})")
        if child in placed:
            node.add(Text(f"{child}  (above)"))
            continue
        placed.add(child)
        _grow(node.add(label), child, children, parents, placed)


def _family_trees(families: list[Family], pairs: list[Pair], fmt: PairFormat) -> None:
    """Print each family's copy graph: a tree from its origin, or JSON lines."""
    by_family: dict[str, list[Pair]] = {f.id: [] for f in families}
    family_of = {m: f.id for f in families for m in f.members}
    for p in pairs:
        if p.doc_a in family_of:
            by_family[family_of[p.doc_a]].append(p)
    for f in families:
        lin = lineage(f, by_family[f.id])
        if fmt is PairFormat.jsonl:
            row = {
                "family": f.id,
                "origin": f.origin,
                "candidates": [{"doc": m, "score": v} for m, v in lin.candidates()],
                "edges": [{"origin": o, "copy": c, "relation": r} for o, c, r in lin.edges],
                "undirected": [{"doc_a": a, "doc_b": b, "relation": r} for a, b, r in lin.undirected],
            }
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            continue
        children: dict[str, list[tuple[str, str]]] = {}
        parents: dict[str, list[str]] = {}
        for o, c, r in lin.edges:
            children.setdefault(o, []).append((c, r))
            parents.setdefault(c, []).append(o)
        head = Text(f"{f.id} ({len(f.members)} documents)")
        root = RichTree(head)
        placed: set[str] = set()

        starts = [m for m, _ in lin.candidates()] or ([f.origin] if f.origin else [])
        starts += sorted(m for m in children if m not in parents and m not in starts)
        for doc in starts:
            if doc in placed:
                continue
            placed.add(doc)
            label = Text(doc + ("  (origin)" if doc == f.origin else "  (no known source)"))
            _grow(root.add(label), doc, children, parents, placed)
        loose = [m for m in f.members if m not in placed]
        if loose or lin.undirected:
            branch = root.add(Text("direction unknown"))
            for a, b, r in lin.undirected:
                branch.add(Text(f"{a} ↔ {b}  [{r}]"))
        out.print(root)


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


def _explain(raw: str, steps: tuple[Step, ...] | list[Step]) -> None:
    for step in steps:
        row = {
            "start": step.start,
            "end": step.end,
            "raw": raw[step.start : step.end],
            "replacement": step.replacement,
            "rule": step.rule,
            "confidence": step.confidence,
        }
        if step.witness is not None:
            row["witness"] = step.witness
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


def _write_exact(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8", "surrogatepass"))
    sys.stdout.flush()


@app.command("text")
def text_command(
    doc_id: Annotated[str, typer.Argument(help="A document id.")],
    db: DbOption = DEFAULT_DB,
    source: FromOption = None,
    repaired: Annotated[
        bool,
        typer.Option(
            "--repaired", help="Repair encoding damage, taking lost characters from a clean document it shares text with."
        ),
    ] = False,
    explain: Annotated[bool, typer.Option("--explain", help="With --repaired: print each change as a JSON line.")] = False,
    html: Annotated[bool, typer.Option("--html", help="Print the stored HTML of a web page instead.")] = False,
    meta: Annotated[
        bool, typer.Option("--meta", help="Print the document's metadata and links as JSON instead.")
    ] = False,
) -> None:
    """Print a stored document's raw text exactly as read (for a web page, its main text).

    --repaired repairs its encoding damage, with a clean document it shares text with as
    witness; --html prints the stored page; --meta its metadata and links as JSON.
    """
    fixed = None
    try:
        with _open(db, source) as con:
            doc = store.read_document(con, doc_id)
            if repaired:
                fixed = repair(doc.raw_text)
                if fixed.steps:
                    pairs = store.read_pairs(con, doc=doc_id)

                    def damaged(other: str) -> bool:
                        return bool(repair(store.read_document(con, other).raw_text).steps)

                    found = best_witness(doc_id, pairs, damaged=damaged)
                    if found is not None:
                        witness, spans = found
                        clean = store.read_document(con, witness).raw_text
                        fixed = repair_with_witness(doc.raw_text, clean, spans, witness=witness)
    except TextReuseError as exc:
        raise _fail(str(exc)) from None
    if meta:
        fields = ("id", "source_path", "url", "canonical_url", "title", "author", "site_name", "date",
                  "capture_date", "source", "encoding", "links")
        row = {k: getattr(doc, k) for k in fields}
        row["links"] = list(doc.links)
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif html:
        if doc.html is None:
            raise _fail(f"{doc_id!r} was not read from HTML; it has no stored page")
        sys.stdout.write(doc.html)
    elif fixed is not None and explain:
        _explain(doc.raw_text, fixed.steps)
    else:
        _write_exact(doc.raw_text if fixed is None else fixed.text)


@app.command("clean")
def clean_command(
    file: Annotated[Path, typer.Argument(help="A text file to repair.")],
    explain: Annotated[
        bool, typer.Option("--explain", help="Print each change as a JSON line instead of the text.")
    ] = False,
    marked: Annotated[
        bool, typer.Option("--mark", help="Prefix each boilerplate line with [boilerplate:KIND].")
    ] = False,
    stripped: Annotated[bool, typer.Option("--strip", help="Drop boilerplate lines.")] = False,
) -> None:
    """Print a file's text with its encoding damage repaired (mojibake, lossy mojibake).

    The repaired text is written exactly, adding nothing: a clean file comes back as it
    is. Boilerplate lines (share buttons, repost frames, navigation) are kept, marked with
    --mark or dropped with --strip. With --explain, each change is one JSON object: raw
    offsets, the raw text, what replaces it, the rule and its confidence; replaying them
    on the raw text gives the output. Boilerplate lines that are kept are listed too, with
    a null replacement.
    """
    if marked and stripped:
        raise _fail("give --mark or --strip, not both", 2)
    doc = read_text_file(file, file.name)
    if not isinstance(doc, Document):
        raise _fail(f"{doc.path}: {doc.reason}")
    raw = doc.raw_text
    steps = repair(raw).steps
    annotations = mark(raw)
    if marked or stripped:
        steps = merge_steps(steps, edit_steps(raw, annotations, mode="mark" if marked else "strip"))
    if explain:
        _explain(raw, steps)
        if not (marked or stripped):
            for a in annotations:
                row = {"start": a.start, "end": a.end, "raw": raw[a.start : a.end], "replacement": None,
                       "rule": f"boilerplate:{a.rule}", "kind": a.kind}
                sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    _write_exact(apply_steps(raw, steps))


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


@app.command("trace")
def trace_command(
    source: Annotated[str, typer.Argument(help="The new document: a file (text, HTML, one-record JSONL...) or an http(s) URL.")],
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[PairFormat, typer.Option("--format", help="table for people, jsonl for programs.")] = PairFormat.table,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object: pairs, origin and why.")] = False,
    doc_id: Annotated[str | None, typer.Option("--id", help="Id of the new document (default: its file name or URL).")] = None,
    date: Annotated[str | None, typer.Option(help="Publication date of the new document (YYYY-MM-DD), for the origin.")] = None,
) -> None:
    """Find the stored documents a new document shares text with, the passages, and its likely origin.

    The corpus is not rescanned: the index the scan kept in the database is queried,
    with the scan's own options, and the database is only read. Pairs have the new
    document as doc_a; passages are offsets into its raw text and the stored one's.
    """
    from textreuse.engines.trace import trace

    try:
        result = trace(source, db, doc_id=doc_id, date=date)
    except TextReuseError as exc:
        raise _fail(str(exc)) from None
    origin = {"origin": result.origin, "reason": result.reason, "family": result.family,
              "family_origin": result.family_origin}
    if as_json:
        row = {"doc_id": result.document.id, "candidates": result.candidates,
               "pairs": [p.to_dict() for p in result.pairs], **origin}
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    if fmt is PairFormat.jsonl:
        for p in result.pairs:
            sys.stdout.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
        err.print(f"likely origin: {result.origin or 'unknown'} ({result.reason})")
        return
    out.print(_pairs_table(result.pairs))
    line = Text.assemble("likely origin: ", (result.origin or "unknown", "bold"), f" ({result.reason})")
    if result.family is not None:
        line.append(f"; family {result.family}, origin {result.family_origin or 'unknown'}")
    out.print(line)


def run() -> None:
    """Run the command line (the ``textreuse`` command), then end the process at once.

    Python's teardown of the modules a scan loads (numba, pandas, DuckDB) takes up to
    a second at exit and does nothing a finished command needs: its output is written,
    its database closed and its worker pools joined. A run that started Spark, or that
    failed with a traceback, ends the ordinary way.

    The cyclic garbage collector stays off for the command: a command's objects live
    until it ends and hardly any form cycles, while the first collection after a scan
    walks every object the scan made (0.47 s on the 20k benchmark corpus) only to
    free none of them before the process ends.
    """
    gc.disable()
    try:
        app(prog_name="textreuse")
    except SystemExit as exc:
        if "pyspark" in sys.modules:
            raise
        code = exc.code
    else:
        code = 0
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away (`| head`); nothing left to say
        pass
    os._exit(code or 0)

