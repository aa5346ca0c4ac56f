"""The listing commands: ``pairs``, ``stories``, ``rejects``; rows in any output format."""

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
    usage,
)
from textreuse.report.listings import (
    members_listing,
    pairs_listing,
    rejects_listing,
    stories_listing,
)
from textreuse.report.rows import show
from textreuse.report.terminal import story_tree
from textreuse.store import duckdb as store


@app.command("pairs")
def pairs_command(
    db: DbOption = DEFAULT_DB,
    source: FromOption = None,
    fmt: FormatOption = None,
    relation: Annotated[Relation | None, typer.Option(help="Only this relation.")] = None,
    doc: Annotated[str | None, typer.Option(help="Only pairs with this document (its id).")] = None,
    limit: LimitOption = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every pair of members of each story, passages mapped through the story (not aligned again).")
    ] = False,
    max_pairs: Annotated[
        int, typer.Option("--max-pairs", min=0, help="With --all: refuse when the stories hold more pairs of members than this.")
    ] = 1_000_000,
) -> None:
    """List the related pairs found by a scan: each story member with its source, or --all.

    jsonl and json give each pair in the output contract, passages included; the other
    formats count the passages.
    """
    rel = None if relation is None else relation.value
    with reported(), opened(db, source) as con:
        if doc is not None:
            store.check_document(con, doc)
        if every:
            found = [p for p in store.read_member_pairs(con, max_pairs=max_pairs)
                     if (rel is None or p.relation == rel) and (doc is None or doc in (p.doc_a, p.doc_b))]
            pairs, total = found[:limit], (len(found) if limit is not None else None)
        else:
            pairs = store.read_pairs(con, relation=rel, doc=doc, limit=limit)
            total = store.count_pairs(con, relation=rel, doc=doc) if limit is not None else None
    emit(pairs_listing(pairs, total=total), listing_format(fmt))


stories_app = typer.Typer(
    help="List stories (a reused text and every place it appears), most widely spread first.",
    invoke_without_command=True,
)
app.add_typer(stories_app, name="stories")


@stories_app.callback()
def stories_command(
    ctx: typer.Context,
    db: DbOption = DEFAULT_DB,
    source: FromOption = None,
    doc: Annotated[str | None, typer.Option("--doc", help="Only the stories this document takes part in, with its spans.")] = None,
    fmt: FormatOption = None,
    limit: LimitOption = None,
) -> None:
    """List stories (a reused text and every place it appears), most widely spread first:
    by size, then sites, then first date."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = {"db": db, "source": source, "fmt": fmt}
        return
    with reported(), opened(db, source) as con:
        if doc is not None:
            store.check_document(con, doc)
        stories = store.read_stories(con, doc=doc)
    emit(stories_listing(stories[:limit], doc=doc, total=len(stories) if limit is not None else None), listing_format(fmt))


@stories_app.command("show")
def stories_show_command(
    ctx: typer.Context,
    story_id: Annotated[str, typer.Argument(help="The story's id (see textreuse stories).")],
) -> None:
    """Show one story: its members with their spans, the copy tree and the dates."""
    opts = ctx.obj or {}
    db, source = opts.get("db", DEFAULT_DB), opts.get("source")
    with reported(), opened(db, source) as con:
        found = store.read_stories(con, story=story_id)
    if not found:
        raise usage(f"no story {story_id!r} in {source or db}; list them with: textreuse stories")
    chosen = listing_format(opts.get("fmt"))
    if chosen == "table":
        show(story_tree(found[0]), out)
        return
    emit(members_listing(found[0]), chosen)


@app.command("families", hidden=True, context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def families_command() -> None:
    """Families were replaced by stories; say so, and what to run instead."""
    raise usage(
        "families (connected groups of pairs) were replaced by stories, one reused text and every place "
        "it appears: run 'textreuse stories', and 'textreuse stories show ID' for a story's copy tree "
        "(they read databases written before stories too)"
    )


@app.command("rejects")
def rejects_command(
    db: DbOption = DEFAULT_DB, source: FromOption = None, fmt: FormatOption = None, limit: LimitOption = None
) -> None:
    """List the files and records a scan could not read, and why."""
    with reported(), opened(db, source) as con:
        rejects = store.read_rejects(con, limit=limit)
        total = store.count_rows(con, "rejects") if limit is not None else None
    emit(rejects_listing(rejects, total=total), listing_format(fmt))


