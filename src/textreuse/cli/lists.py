"""The listing commands: ``pairs``, ``families``, ``rejects``; rows in any output format."""

from __future__ import annotations

from typing import Annotated

import typer

from textreuse.cli.app import (
    DEFAULT_DB,
    DbOption,
    FormatOption,
    FromOption,
    LimitOption,
    Relation,
    app,
    emit,
    listing_format,
    opened,
    out,
    reported,
)
from textreuse.model import Pair
from textreuse.relate.cluster import lineage
from textreuse.report.listings import (
    families_listing,
    lineage_listing,
    pairs_listing,
    rejects_listing,
)
from textreuse.report.rows import show
from textreuse.report.terminal import family_tree
from textreuse.store import duckdb as store


@app.command("pairs")
def pairs_command(
    db: DbOption = DEFAULT_DB,
    source: FromOption = None,
    fmt: FormatOption = None,
    relation: Annotated[Relation | None, typer.Option(help="Only this relation.")] = None,
    doc: Annotated[str | None, typer.Option(help="Only pairs with this document (its id).")] = None,
    limit: LimitOption = None,
) -> None:
    """List the related pairs found by a scan.

    jsonl and json give each pair in the output contract, passages included; the other
    formats count the passages.
    """
    rel = None if relation is None else relation.value
    with reported(), opened(db, source) as con:
        if doc is not None:
            store.check_document(con, doc)
        pairs = store.read_pairs(con, relation=rel, doc=doc, limit=limit)
        total = store.count_pairs(con, relation=rel, doc=doc) if limit is not None else None
    emit(pairs_listing(pairs, total=total), listing_format(fmt))


@app.command("families")
def families_command(
    db: DbOption = DEFAULT_DB,
    source: FromOption = None,
    fmt: FormatOption = None,
    tree: Annotated[bool, typer.Option("--tree", help="Who copied whom in each family: a tree, or one row per edge.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", min=0, help="Print at most N families.")] = None,
) -> None:
    """List families of related documents with their origin when known, largest first."""
    with reported(), opened(db, source) as con:
        families = store.read_families(con, limit=limit)
        total = store.count_rows(con, "families") if limit is not None else None
        pairs = store.read_pairs(con) if tree else []
    chosen = listing_format(fmt)
    if not tree:
        emit(families_listing(families, total=total), chosen)
        return
    by_family: dict[str, list[Pair]] = {f.id: [] for f in families}
    family_of = {m: f.id for f in families for m in f.members}
    for p in pairs:
        if p.doc_a in family_of:
            by_family[family_of[p.doc_a]].append(p)
    lineages = [(f, lineage(f, by_family[f.id])) for f in families]
    if chosen == "table":
        for f, lin in lineages:
            show(family_tree(f, lin), out)
        return
    emit(lineage_listing(lineages), chosen)


@app.command("rejects")
def rejects_command(
    db: DbOption = DEFAULT_DB, source: FromOption = None, fmt: FormatOption = None, limit: LimitOption = None
) -> None:
    """List the files and records a scan could not read, and why."""
    with reported(), opened(db, source) as con:
        rejects = store.read_rejects(con, limit=limit)
        total = store.count_rows(con, "rejects") if limit is not None else None
    emit(rejects_listing(rejects, total=total), listing_format(fmt))


