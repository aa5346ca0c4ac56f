"""``scan`` (read a corpus, find and store what it shares) and ``warmup`` (compile the kernels)."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import time
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from textreuse import jit
from textreuse.clean.boilerplate import BoilerplateConfig
from textreuse.clean.encoding import EncodingConfig
from textreuse.cli.app import (
    DEFAULT_DB,
    DbOption,
    Format,
    InputFormat,
    InputFormatOption,
    QuietOption,
    app,
    check_stdin,
    emit,
    err,
    fail,
    reported,
    reporter,
    usage,
    warn_if_compiling,
)
from textreuse.config import Config
from textreuse.ingest.limits import MAX_DOC_BYTES
from textreuse.ingest.read import STDIN, IngestConfig, input_size
from textreuse.model import Reject
from textreuse.report.listings import summary_listing
from textreuse.report.rows import count


class Engine(str, Enum):
    local = "local"
    spark = "spark"


def _is_uri(given: str) -> bool:
    return "://" in given or given.startswith("file:")


def recorded(given: str) -> str:
    """Return an input as the database records it: standard input and URIs as given, paths absolute."""
    if given == STDIN or _is_uri(given):
        return given
    return os.path.abspath(given)


def check_inputs(paths: list[Path], engine: Engine) -> list[str]:
    """Return the inputs as recorded, or raise a usage error naming the first that is missing."""
    check_stdin(paths)
    for p in paths:
        given = str(p)
        if given == STDIN:
            if engine is Engine.spark:
                raise usage("the Spark engine reads files and URIs, not standard input (-)")
            continue
        if engine is Engine.spark and _is_uri(given):
            continue
        if not p.exists():
            raise usage(f"no such file or folder: {given}")
    return [recorded(str(p)) for p in paths]


def check_db(db: Path, inputs: list[str], *, replace: bool) -> None:
    """Raise unless a scan of `inputs` may write `db`.

    A file textreuse did not write is never touched (exit 1); a database holding a scan
    of other inputs is replaced only with `replace` (exit 2).
    """
    from textreuse.store import duckdb as store

    with reported():
        store.check_target(db)
        before = store.previous_run(db)
    if before is None or replace:
        return
    held = [recorded(str(p)) for p in before.get("inputs") or []]
    if held == inputs and STDIN not in inputs:
        return
    docs = (before.get("summary") or {}).get("documents")
    what = f"a scan of {', '.join(held) or 'unrecorded inputs'}" + (f" ({count(docs, 'document')})" if docs is not None else "")
    reason = "standard input cannot be matched with it" if STDIN in inputs and held == inputs else f"this scan reads {', '.join(inputs)}"
    raise usage(f"{db} holds {what}; {reason}. Pass --replace to replace it, or choose another --db")


def scan_config(*, repair: bool, boilerplate: bool, ocr: bool, ingest: IngestConfig = IngestConfig()) -> Config:
    """Return the configuration of a scan with these command-line choices."""
    return dataclasses.replace(
        Config.for_ocr() if ocr else Config(),
        encoding=EncodingConfig(use_ftfy=repair, lossy=repair, ocr=ocr),
        boilerplate=BoilerplateConfig(patterns=boilerplate, recurring=boilerplate),
        ingest=ingest,
    )


def stored_options(db: Path) -> dict[str, bool] | None:
    """Return the choices (repair, boilerplate, ocr) the scan stored at `db` was made with,
    or None when there is no database there."""
    from textreuse.store import duckdb as store
    from textreuse.store import postings

    with reported():
        store.check_target(db)
        if store.previous_run(db) is None:
            return None
        with store.connect(db) as con:
            config = postings.read_index_config(con, db)
    return {"repair": config.encoding.use_ftfy, "boilerplate": config.boilerplate.recurring, "ocr": config.encoding.ocr}


def check_options(db: Path, **given: bool) -> None:
    """Raise a usage error unless the scan stored at `db` was made with the choices `given`
    (an added document must be read as the stored ones were)."""
    stored = stored_options(db)
    if stored is None or stored == given:
        return
    flags = {"repair": ("--repair", "--no-repair"), "boilerplate": ("--boilerplate", "--no-boilerplate"), "ocr": ("--ocr", "")}
    wanted = " ".join(flags[k][0 if v else 1] for k, v in stored.items() if flags[k][0 if v else 1])
    raise usage(f"{db} was scanned with {wanted or 'the default options'}; pass the same options to add to it")


def changes_line(changed: dict[str, Any]) -> str:
    """Return the line a change to a database prints on stderr (documents, pairs, stories)."""
    d, p, s = changed["documents"], changed["pairs"], changed["stories"]
    return (f"documents: {d['added']} added, {d['replaced']} replaced, {d['removed']} removed; "
            f"pairs: {p['new']} new, {p['gone']} gone; stories: {s['new']} new, {s['grown']} grown, {s['gone']} gone")


def _human(summary: dict[str, Any], where: str) -> str:
    """Return the one-line summary a scan prints on stderr."""
    kinds = summary["rejected_by_kind"]
    rejected = f"{summary['rejected']} rejected" + (
        " (" + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in kinds.items()) + ")" if summary["rejected"] else ""
    )
    relations = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in summary["pairs_by_relation"].items())
    return (
        f"{count(summary['documents'], 'document')} read, {rejected}; "
        f"{count(summary['pairs'], 'pair')} ({relations}); {count(summary['stories'], 'story')}; "
        f"{summary['repaired']} repaired, {summary['with_boilerplate']} with boilerplate; "
        f"{summary['seconds']['total']:.1f} s → {where}"
    )


def _list_rejects(rejects: list[Reject], limit: int | None) -> None:
    shown = rejects if limit is None else rejects[:limit]
    for r in shown:
        err.print(f"rejected {r.path}{':' + str(r.line) if r.line else ''}: {r.reason}")
    if len(shown) < len(rejects):
        err.print(f"… and {len(rejects) - len(shown)} more ('textreuse rejects' lists them all)")


@app.command("scan")
def scan_command(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATH", help="Folders or files to read: text, JSONL, HTML, WARC(.gz), CSV, Parquet; - for standard input."),
    ],
    db: DbOption = DEFAULT_DB,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace a --db holding a scan of other inputs.")
    ] = False,
    glob: Annotated[
        list[str] | None,
        typer.Option("--glob", metavar="PATTERN", help="Read only a folder's files matching this pattern (repeatable; *.txt, news/*)."),
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", metavar="PATTERN", help="Leave out a folder's files matching this pattern (repeatable).")
    ] = None,
    input_format: InputFormatOption = InputFormat.auto,
    text_column: Annotated[
        str, typer.Option(help="Field of the text in JSONL, CSV and Parquet records.")
    ] = "text",
    id_column: Annotated[str, typer.Option(help="Field of the id in JSONL, CSV and Parquet records.")] = "id",
    workers: Annotated[int | None, typer.Option(help="Processes to use (default: all cores).")] = None,
    max_doc_bytes: Annotated[
        int,
        typer.Option(
            "--max-doc-bytes", min=1, metavar="BYTES",
            help=f"Reject a text file or record's text of more bytes than this (default {MAX_DOC_BYTES:,}; web pages: 10 MB).",
        ),
    ] = MAX_DOC_BYTES,
    quiet: QuietOption = False,
    fmt: Annotated[
        Format | None,
        typer.Option("--format", help="Print the summary on stdout: table, tsv, csv (one row), jsonl or json (default: a line on stderr)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", min=0, help="List at most N rejects (on stderr and in the JSON summary).")
    ] = None,
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
    ocr: Annotated[
        bool,
        typer.Option(
            "--ocr",
            help="The texts are OCR output: fold look-alike glyphs (rn/m, cl/d, l/1, e/c...), join "
            "hyphenated line ends, pair on shorter n-grams and admit passages of similarity 0.5.",
        ),
    ] = False,
    engine: Annotated[Engine, typer.Option(help="local: this machine; spark: a Spark cluster, writing Parquet to --out.")] = Engine.local,
    master: Annotated[
        str | None, typer.Option(help="Spark master URL (spark://host:7077, yarn, local[4]); default: Spark's own.")
    ] = None,
    out_dir: Annotated[
        str | None, typer.Option("--out", help="With --engine spark: folder or URI for the Parquet tables.")
    ] = None,
    partitions: Annotated[int | None, typer.Option(help="With --engine spark: partitions per shuffle.")] = None,
    add: Annotated[
        bool,
        typer.Option("--add", help="Add these inputs to the documents --db holds (read only the new ones); "
                     "the result is that of one scan of all the inputs."),
    ] = False,
    update: Annotated[
        bool, typer.Option("--update", help="With --add: a document whose id --db holds replaces it (else it is rejected as a repeat).")
    ] = False,
    tmp: Annotated[
        Path | None,
        typer.Option("--tmp", metavar="FOLDER", file_okay=False,
                     help="Where the texts read wait on disk during the scan, in a file with no name "
                          "(gone when the scan ends, however it ends); default: the system's temporary folder."),
    ] = None,
) -> None:
    """Read a corpus, find every pair of documents that share text, and store the results.

    Before matching, encoding damage is repaired and boilerplate lines (share buttons,
    repost frames, navigation, lines recurring across the corpus) are set aside; the raw
    text is stored as read, with the repair steps and boilerplate lines beside it.
    A --db holding a scan of other inputs is replaced only with --replace; a file
    textreuse did not write is never touched. With --add, the documents --db holds are
    scanned again with the new ones (read from the database, not from their inputs).
    """
    started = time.perf_counter()
    chosen = "json" if as_json else (fmt.value if fmt is not None else None)
    if (engine is Engine.spark) != (out_dir is not None):
        raise usage("--engine spark writes Parquet tables to --out FOLDER; the local engine writes --db")
    if update and not add:
        raise usage("--update goes with --add (it replaces stored documents by new ones of the same id)")
    if add and (engine is Engine.spark or replace):
        raise usage("--add adds to the --db of a local scan; it goes with neither --engine spark nor --replace")
    inputs = check_inputs(paths, engine)
    if add:
        check_options(db, repair=repair, boilerplate=boilerplate, ocr=ocr)
    elif engine is Engine.local:
        check_db(db, inputs, replace=replace)
    ingest = IngestConfig(
        id_column=id_column, text_column=text_column, include=tuple(glob or ()), exclude=tuple(exclude or ()),
        stdin_format=input_format.value, max_doc_bytes=max_doc_bytes,
    )
    config = scan_config(repair=repair, boilerplate=boilerplate, ocr=ocr, ingest=ingest)
    silent = quiet or chosen in ("json", "jsonl")
    bars = reporter(silent, input_bytes=None if silent else input_size(paths, config=ingest))
    if engine is Engine.local:
        warn_if_compiling()
    with reported():
        if engine is Engine.spark:
            from textreuse.engines import spark

            result: Any = spark.scan(
                [str(p) for p in paths], out=out_dir,  # type: ignore[arg-type]
                master=master, partitions=partitions, config=config, reporter=bars, meta={"inputs": inputs},
            )
        elif add:
            from textreuse.engines import incremental

            result, changed = incremental.add(paths, db=db, update=update, workers=workers, config=config,
                                              reporter=bars, meta={"inputs": inputs})
        else:
            from textreuse.engines.local import scan

            if tmp is not None and not tmp.is_dir():
                raise usage(f"--tmp {tmp}: no such folder (create it, or leave --tmp out)")
            result = scan(paths, db=db, workers=workers, config=config, reporter=bars, meta={"inputs": inputs}, tmp=tmp)
    _list_rejects(result.rejects, limit)
    if not result.documents:
        raise fail("no readable documents in " + ", ".join(map(str, paths)))
    summary = result.counts()
    if add:
        summary["changes"] = changed
    summary["seconds"]["total"] = round(time.perf_counter() - started, 3)
    where = str(out_dir) if out_dir is not None else str(db)
    summary["out" if out_dir is not None else "db"] = where
    if chosen in ("json", "jsonl"):
        shown = result.rejects if limit is None else result.rejects[:limit]
        summary["rejects"] = [{"path": r.path, "line": r.line, "reason": r.reason, "kind": r.kind} for r in shown]
        sys.stdout.write(json.dumps(summary) + "\n")
    elif chosen is not None:
        emit(summary_listing(summary), chosen)  # type: ignore[arg-type]
    else:
        err.print(_human(summary, where))
        if add:
            err.print(changes_line(changed))
    if max_rejects is not None and len(result.rejects) > max_rejects:
        err.print(
            f"exit 3: {count(len(result.rejects), 'input')} rejected, more than --max-rejects {max_rejects}; "
            f"the results are in {where} ('textreuse rejects' lists the rejects)"
        )
        raise typer.Exit(3)


@app.command("remove")
def remove_command(
    db: DbOption = DEFAULT_DB,
    ids_file: Annotated[
        Path | None, typer.Option("--ids", metavar="FILE", help="A file of document ids to take out, one per line (- for standard input).")
    ] = None,
    doc_ids: Annotated[list[str] | None, typer.Option("--id", help="A document id to take out (repeatable).")] = None,
    workers: Annotated[int | None, typer.Option(help="Processes to use (default: all cores).")] = None,
    quiet: QuietOption = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON on stdout.")] = False,
) -> None:
    """Take documents out of a database (retractions, takedowns): the result is that of a
    scan of the documents left, and the database is replaced only when it is complete.

    Ids the database does not hold are listed and skipped.
    """
    started = time.perf_counter()
    wanted = list(doc_ids or [])
    if ids_file is not None:
        try:
            text = sys.stdin.read() if str(ids_file) == STDIN else ids_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise usage(f"cannot read the ids in {ids_file}: {exc}") from exc
        wanted += [line.strip() for line in text.splitlines() if line.strip()]
    if not wanted:
        raise usage("name the documents to take out: --ids FILE (one id per line) or --id ID")
    options = stored_options(db)
    if options is None:
        raise fail(f"no database at {db}; run 'textreuse scan CORPUS --db {db}' first")
    from textreuse.engines import incremental

    with reported():
        result, changed, missing = incremental.remove(db, wanted, workers=workers, config=scan_config(repair=options["repair"], boilerplate=options["boilerplate"], ocr=options["ocr"]),
                                                      reporter=reporter(quiet or as_json))
    for doc_id in missing[:20]:
        err.print(f"not in {db}: {doc_id!r}")
    if len(missing) > 20:
        err.print(f"… and {len(missing) - 20} more ids not in {db}")
    summary = {**result.counts(), "changes": changed, "missing": missing, "db": str(db)}
    summary["seconds"]["total"] = round(time.perf_counter() - started, 3)
    if as_json:
        sys.stdout.write(json.dumps(summary) + "\n")
    else:
        err.print(changes_line(changed) + f"; {summary['seconds']['total']:.1f} s → {db}")


@app.command("warmup")
def warmup_command() -> None:
    """Compile the kernels now (about 30 s once after an install), so the first scan is not the slow one.

    The compiled code is cached on disk; later runs load it in a fraction of a second.
    """
    if not jit.enabled():
        err.print("numba is not installed or TEXTREUSE_JIT=0: there are no kernels to compile")
        return
    started = time.perf_counter()
    err.print("compiling kernels…" if jit.cold() else "loading kernels (already compiled)…")
    jit.load_all()
    err.print(f"kernels ready in {time.perf_counter() - started:.1f} s")
