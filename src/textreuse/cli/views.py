"""Commands that show stored documents: ``show`` (a pair side by side), ``diff``, ``text``."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, NamedTuple

import typer

from textreuse.align.words import matching_view
from textreuse.clean.encoding import Step, repair, repair_with_witness
from textreuse.clean.witness import best_witness
from textreuse.cli.app import (
    DEFAULT_DB,
    DbOption,
    Format,
    FromOption,
    LimitOption,
    app,
    colourless,
    emit,
    err,
    fail,
    opened,
    out,
    reported,
)
from textreuse.ingest.read import read_text_file
from textreuse.model import Annotation, Document, Pair
from textreuse.report.listings import diff_listing, passages_listing
from textreuse.report.terminal import pair_sides, render_pair
from textreuse.store import duckdb as store


@app.command("show")
def show_command(
    doc_a: Annotated[str, typer.Argument(help="One document id.")],
    doc_b: Annotated[str, typer.Argument(help="The other document id.")],
    db: DbOption = DEFAULT_DB,
    source: FromOption = None,
    fmt: Annotated[
        Format | None,
        typer.Option("--format", help="table (side by side, the default), or one row per passage: tsv, csv, jsonl, json."),
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=0, help="Show at most N passages.")] = None,
) -> None:
    """Show two documents' aligned passages side by side, differences highlighted.

    Where stdout shows no colour (piped, NO_COLOR), changed words are bracketed as diff
    brackets them: [-…-] on the left, {+…+} on the right; the row formats always are.
    """
    chosen = "table" if fmt is None else fmt.value
    with reported(), opened(db, source) as con:
        pairs = [p for p in store.read_pairs(con, doc=doc_a) if {p.doc_a, p.doc_b} == {doc_a, doc_b}]
        if not pairs:
            store.check_document(con, doc_a)
            store.check_document(con, doc_b)
            # Not a story's tree pair: two members of one story are aligned now.
            found = None
            if store.share_story(con, doc_a, doc_b):
                from textreuse.engines.local import relate_documents

                found = relate_documents(store.read_document(con, doc_a), store.read_document(con, doc_b))
            if found is None:
                raise fail(f"{doc_a!r} and {doc_b!r} share no text in {source or db}")
            pairs = [found]
        pair = pairs[0]
        first, second = store.read_document(con, pair.doc_a), store.read_document(con, pair.doc_b)
        # The stored repairs and boilerplate, so the words differ exactly as on the report's pair page.
        views = tuple(
            matching_view(d.raw_text, steps=store.read_repairs(con, d.id), annotations=store.read_annotations(con, d.id))
            for d in (first, second)
        )
    marks = chosen != "table" or colourless()
    shown = pair if limit is None else replace(pair, passages=pair.passages[:limit])
    sides = pair_sides(shown, first, second, views=(views[0], views[1]), marks=marks)
    if chosen != "table":
        texts = [(a.plain, b.plain) for a, b in sides]
        emit(passages_listing(shown, texts, total=len(pair.passages)), chosen)  # type: ignore[arg-type]
        return
    for renderable in render_pair(pair, sides, marks=marks):
        out.print(renderable)
    if len(sides) < len(pair.passages):
        err.print(f"showed {len(sides)} of {len(pair.passages)} passages (--limit)")


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
                raise fail(f"{read.path}: {read.reason}")
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
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format",
            help="table (the default view), json (the whole diff), or one row per difference: tsv, csv, jsonl.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    context: Annotated[
        int | None, typer.Option(min=0, help="Cut unchanged stretches to this many words at each end.")
    ] = None,
    limit: LimitOption = None,
) -> None:
    """Show how DOC_B rewrote DOC_A: word changes in shared passages, sentences each adds, changed numbers, names, quotes.

    Documents are compared as matching reads them (encoding repaired, boilerplate lines
    listed apart as their frame). Two documents that are not a stored pair, or two
    --files, are aligned now. --format json prints one object whose spans are raw-text
    offsets (schema in the README); the row formats list each word operation, then each
    named change. --limit cuts the view to N passages, the rows to N rows.
    """
    from textreuse.engines.local import relate_documents
    from textreuse.relate.diff import diff_documents
    from textreuse.report.terminal import render_diff

    chosen = "json" if as_json else ("table" if fmt is None else fmt.value)
    with reported():
        pair, da, dc, stored = _diff_inputs(doc_a, doc_b, db, files)
    aligned_now = pair is None
    if pair is None:
        pair = relate_documents(da, dc, keep_order=True)
        if pair is None:
            raise fail(f"{doc_a!r} and {doc_b!r} share no text")
        if not files:
            err.print(f"{doc_a} and {doc_b} are not a stored pair in {db}; aligned them now")
    diff = diff_documents(pair, da, dc, annotations=stored.annotations, steps=stored.steps)
    if chosen == "json":
        row = diff.to_dict(da.raw_text, dc.raw_text, aligned="now" if aligned_now else "stored")
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif chosen != "table":
        emit(diff_listing(diff, da.raw_text, dc.raw_text, limit=limit), chosen)  # type: ignore[arg-type]
    else:
        for renderable in render_diff(
            diff, da.raw_text, dc.raw_text, aligned_now=aligned_now, marks=colourless(), context=context, limit=limit
        ):
            out.print(renderable)


def explain_steps(raw: str, steps: tuple[Step, ...] | list[Step], **extra: str) -> None:
    for step in steps:
        row: dict[str, object] = {
            **extra,
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


def write_exact(text: str) -> None:
    """Write `text` to stdout as UTF-8, byte for byte (lone surrogates kept)."""
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
    with reported(), opened(db, source) as con:
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
    if meta:
        fields = ("id", "source_path", "url", "canonical_url", "title", "author", "site_name", "date",
                  "capture_date", "source", "encoding", "links")
        row = {k: getattr(doc, k) for k in fields}
        row["links"] = list(doc.links)
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif html:
        if doc.html is None:
            raise fail(f"{doc_id!r} was not read from HTML; it has no stored page")
        sys.stdout.write(doc.html)
    elif fixed is not None and explain:
        explain_steps(doc.raw_text, fixed.steps)
    else:
        write_exact(doc.raw_text if fixed is None else fixed.text)
