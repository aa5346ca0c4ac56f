"""Commands on documents not in a database (files, URLs, standard input): ``align``, ``trace``, ``clean``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from textreuse.clean.boilerplate import edit_steps, mark, merge_steps
from textreuse.clean.encoding import apply_steps, repair
from textreuse.clean.ocr import fold_steps
from textreuse.cli.app import (
    DEFAULT_DB,
    DbOption,
    FormatOption,
    FromOption,
    InputFormat,
    InputFormatOption,
    app,
    check_stdin,
    emit,
    err,
    fail,
    listing_format,
    out,
    reported,
    reporter,
    usage,
    warn_if_compiling,
)
from textreuse.cli.views import explain_steps, write_exact
from textreuse.ingest.html import extract_pages
from textreuse.ingest.read import (
    STDIN,
    STDIN_NAME,
    IngestConfig,
    bytes_items,
    read_stdin,
    read_text_file,
    sniff,
)
from textreuse.model import Document, Pair, Reject
from textreuse.report import rows
from textreuse.report.listings import joined_line, joined_listing, no_pair, pairs_listing
from textreuse.report.rows import count

JsonOption = Annotated[bool, typer.Option("--json", help="Same as --format json.")]


def _stdin_documents(fmt: InputFormat, *, doc_id: str | None = None) -> list[Document]:
    """Return the documents on standard input; rejects are reported on stderr."""
    items = read_stdin(fmt=fmt.value, config=IngestConfig(), doc_id=doc_id or STDIN_NAME)
    for r in items:
        if isinstance(r, Reject):
            err.print(f"rejected {r.path}{':' + str(r.line) if r.line else ''}: {r.reason}")
    return [d for d in items if isinstance(d, Document)]


def _read_pairs_file(text: str, where: str, base: Path) -> list[tuple[str, str, str, str]]:
    tasks = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split("\t") if "\t" in line else line.split()
        fields = [f.strip() for f in fields if f.strip()]
        if not fields:
            continue
        if len(fields) != 2:
            err.print(f"{where}:{number}: expected two paths, found {len(fields)}; line skipped")
            continue
        tasks.append((str(base / fields[0]), str(base / fields[1]), fields[0], fields[1]))
    return tasks


@app.command("align")
def align_command(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Two files to align; - reads one (text) or both (two JSONL records) from standard input."),
    ] = None,
    pairs_file: Annotated[
        Path | None, typer.Option("--pairs", help="A file of pairs, two paths a line (- for standard input).")
    ] = None,
    base: Annotated[Path, typer.Option(help="Folder the paths in --pairs are relative to.")] = Path("."),
    input_format: InputFormatOption = InputFormat.auto,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    limit: Annotated[int | None, typer.Option("--limit", min=0, help="Align only the first N pairs.")] = None,
    workers: Annotated[int | None, typer.Option(help="Processes to use (default: all cores).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Align given pairs of files without a database or candidate search.

    A pair sharing nothing is listed with an empty (null) relation and no passages.
    """
    from textreuse.engines.local import PairTask, align_pairs, relate_documents

    chosen = listing_format(fmt, as_json)
    given = [str(f) for f in files or []]
    check_stdin(given + ([str(pairs_file)] if pairs_file is not None else []))
    if pairs_file is None and STDIN in given:
        if len(given) > 2:
            raise usage("give two files, or --pairs PAIRS.tsv")
        need = 3 - len(given)  # - alone holds both documents; - and a file, one
        from_stdin = _stdin_documents(input_format)
        if len(from_stdin) != need:
            raise fail(f"align needs two documents; standard input held {count(len(from_stdin), 'document')}, not {need}")
        read: list[Document | Reject] = []
        for g in given:
            read += from_stdin if g == STDIN else [read_text_file(Path(g), g)]
        bad = [r for r in read if isinstance(r, Reject)]
        if bad:
            raise fail("; ".join(f"{r.path}: {r.reason}" for r in bad))
        a, b = (d for d in read if isinstance(d, Document))
        warn_if_compiling()
        emit(pairs_listing([relate_documents(a, b, keep_order=True) or no_pair(a.id, b.id)]), chosen)
        return
    if pairs_file is None and len(given) != 2:
        raise usage("give two files, or --pairs PAIRS.tsv")
    if pairs_file is not None:
        if str(pairs_file) == STDIN:
            listed = _read_pairs_file(sys.stdin.read(), "stdin", base)
        elif not pairs_file.is_file():
            raise usage(f"no pairs file at {pairs_file}")
        else:
            listed = _read_pairs_file(pairs_file.read_text(encoding="utf-8"), str(pairs_file), base)
        tasks = [PairTask(*t) for t in listed]
    else:
        tasks = [PairTask(given[0], given[1], given[0], given[1])]
    tasks = tasks if limit is None else tasks[:limit]
    warn_if_compiling()
    failed = 0

    def aligned() -> Iterator[Pair]:
        nonlocal failed
        for outcome in align_pairs(tasks, workers=workers, reporter=reporter(quiet or len(tasks) < 2)):
            if outcome.error:
                failed += 1
                err.print(f"skipped {outcome.task.id_a} {outcome.task.id_b}: {outcome.error}")
                continue
            yield outcome.pair or no_pair(outcome.task.id_a, outcome.task.id_b)

    with reported():
        if chosen in ("tsv", "csv", "jsonl"):  # each pair as it is aligned
            rows.streamed((pairs_listing([p]) for p in aligned()), chosen)
        else:
            emit(pairs_listing(list(aligned())), chosen)
    if tasks and failed == len(tasks):
        raise typer.Exit(1)


@app.command("trace")
def trace_command(
    source: Annotated[
        str,
        typer.Argument(help="The new document: a file (text, HTML, one-record JSONL...), an http(s) URL, or - for standard input."),
    ],
    db: DbOption = DEFAULT_DB,
    source_tables: FromOption = None,
    fmt: FormatOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object: pairs, origin and why (same as --format json).")] = False,
    doc_id: Annotated[str | None, typer.Option("--id", help="Id of the new document (default: its file name or URL; stdin for -).")] = None,
    date: Annotated[str | None, typer.Option(help="Publication date of the new document (YYYY-MM-DD), for the origin.")] = None,
    input_format: InputFormatOption = InputFormat.auto,
    limit: Annotated[int | None, typer.Option("--limit", min=0, help="Print at most N pairs.")] = None,
) -> None:
    """Find the stored documents a new document shares text with, the passages, and its likely origin.

    The corpus is not rescanned: the index the scan kept in the database is queried,
    with the scan's own options, and the database is only read. Pairs have the new
    document as doc_a; passages are offsets into its raw text and the stored one's.
    The likely origin and the stored stories the document joins (its relation to each
    story's text: copy, near copy, excerpt or quoted, the member it shares it with, the
    story's origin and size) follow the table on stdout; with the row formats they go to
    stderr, a line each; --json holds them as "origin" and "stories".
    """
    from textreuse.engines.trace import trace

    chosen = listing_format(fmt, as_json)
    target: str | Document = source
    if source == STDIN:
        docs = _stdin_documents(input_format, doc_id=doc_id)
        if len(docs) != 1:
            raise fail(f"standard input holds {count(len(docs), 'document')}; trace reads one")
        target = docs[0]
    warn_if_compiling()
    with reported():
        result = trace(target, source_tables or db, doc_id=doc_id, date=date)
    pairs = result.pairs if limit is None else result.pairs[:limit]
    joined = result.stories
    if chosen == "json":
        row = {"doc_id": result.document.id, "candidates": result.candidates,
               "pairs": [p.to_dict() for p in pairs], "origin": result.origin, "reason": result.reason,
               "stories": [j.to_dict() for j in joined]}
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    emit(pairs_listing(pairs, total=len(result.pairs)), chosen)
    said = out if chosen == "table" else err
    said.print(Text.assemble("likely origin: ", (result.origin or "unknown", "bold"), f" ({result.reason})"))
    if chosen == "table" and joined:
        emit(joined_listing(joined), chosen)
    else:
        for j in joined:
            said.print(Text(joined_line(j)))
        if not joined:
            said.print(Text("joins no stored story"))


@app.command("clean")
def clean_command(
    file: Annotated[Path, typer.Argument(help="A text file to repair, or - for standard input.")],
    explain: Annotated[
        bool, typer.Option("--explain", help="Print each change as a JSON line instead of the text.")
    ] = False,
    marked: Annotated[
        bool, typer.Option("--mark", help="Prefix each boilerplate line with [boilerplate:KIND].")
    ] = False,
    stripped: Annotated[bool, typer.Option("--strip", help="Drop boilerplate lines.")] = False,
    ocr: Annotated[
        bool,
        typer.Option(
            "--ocr",
            help="Also apply the OCR folds that scan --ocr matches on (look-alike glyphs, hyphenated line ends).",
        ),
    ] = False,
    input_format: Annotated[
        InputFormat,
        typer.Option(
            "--input-format",
            help="auto (a file is text; standard input is sniffed), text, html, or jsonl (one record a line, cleaned one by one).",
        ),
    ] = InputFormat.auto,
) -> None:
    """Print a file's text with its encoding damage repaired (mojibake, lossy mojibake).

    The repaired text is written exactly, adding nothing: a clean file comes back as it
    is. Boilerplate lines (share buttons, repost frames, navigation) are kept, marked with
    --mark or dropped with --strip. With --ocr, the OCR folds scan --ocr matches on are
    applied too (each a step: "ocr: look-alike glyph(s)", "ocr: hyphenated line end"). With --explain, each change is one JSON object: raw
    offsets, the raw text, what replaces it, the rule and its confidence; replaying them
    on the raw text gives the output. Boilerplate lines that are kept are listed too, with
    a null replacement. JSONL input gives JSONL out: each record's id and cleaned text
    (with --explain, its changes, each with the record's id).
    """
    if marked and stripped:
        raise usage("give --mark or --strip, not both")
    given = input_format.value
    if str(file) == STDIN:
        data = sys.stdin.buffer.read()
        kind = sniff(data) if given == "auto" else given
        items = list(extract_pages(bytes_items(data, fmt=kind)))  # type: ignore[arg-type]
    elif given in ("auto", "text"):
        kind = "text"
        items = [read_text_file(file, file.name)]
    else:
        kind = given
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise fail(f"cannot read {file}: {exc.strerror or exc}") from None
        items = list(extract_pages(bytes_items(data, fmt=kind, doc_id=file.name, source=str(file))))  # type: ignore[arg-type]
    records = kind == "jsonl"
    docs = [i for i in items if isinstance(i, Document)]
    for r in items:
        if isinstance(r, Reject):
            if not records:
                raise fail(f"{r.path}: {r.reason}")
            err.print(f"rejected {r.path}{':' + str(r.line) if r.line else ''}: {r.reason}")
    for doc in docs:
        raw = doc.raw_text
        steps = repair(raw).steps
        if ocr:
            # The folds of the raw text, but where a repair changes it (OCR text is rarely
            # also mojibake); changes of case are left out, as matching ignores case.
            repaired = [(s.start, s.end) for s in steps]
            folds = [f for f in fold_steps(raw) if not any(a < f.end and f.start < b for a, b in repaired)]
            steps = tuple(sorted([*steps, *folds], key=lambda s: (s.start, s.end)))
        annotations = mark(raw)
        if marked or stripped:
            steps = merge_steps(steps, edit_steps(raw, annotations, mode="mark" if marked else "strip"))
        ids = {"id": doc.id} if records else {}
        if explain:
            explain_steps(raw, steps, **ids)
            if not (marked or stripped):
                for a in annotations:
                    row = {**ids, "start": a.start, "end": a.end, "raw": raw[a.start : a.end], "replacement": None,
                           "rule": f"boilerplate:{a.rule}", "kind": a.kind}
                    sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif records:
            sys.stdout.write(json.dumps({"id": doc.id, "text": apply_steps(raw, steps)}, ensure_ascii=False) + "\n")
        else:
            write_exact(apply_steps(raw, steps))
