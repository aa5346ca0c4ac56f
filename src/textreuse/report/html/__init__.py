"""A static HTML report of a textreuse database: overview, story and pair pages, lists, search.

The report is one folder of plain files that opens from disk (file://) with no network:
our CSS and JavaScript live in ``assets/``, the search index is a generated JavaScript
file (``fetch`` does not work from disk), and every page carries a strict
Content-Security-Policy that allows only those files, so no inline script runs.

Documents are untrusted web content. Every string that came from a document (text,
title, URL, id, metadata) goes through :func:`esc` or :func:`esc_text`, in text and in
attributes alike, and ids, titles and URLs are isolated from the text around them
(:func:`bdi`, :func:`iso`) so a right-to-left override cannot reverse their neighbours;
a document URL becomes a link only when it is plain http(s) (:func:`link_url`); page
file names are hashes (:func:`pair_file`, :func:`story_file`), never ids; the search
index is JSON with ``<``, ``>``, ``&`` and the line separators escaped (:func:`js_json`).

The modules, in the order a page is made: :mod:`.page` (escaping, names, the frame),
:mod:`.read` (streams from DuckDB), :mod:`.drawings` (SVG), :mod:`.pair`, :mod:`.story`,
:mod:`.lists` and :mod:`.overview`.

A page per story (one reused text and every place it appears: its copy tree, timeline
and tree pairs); the overview and the stories list rank stories by spread, in the order
of ``textreuse stories``. A database written before stories gets the stories built from
its pairs when it is opened (:func:`textreuse.store.duckdb.add_stories`). Large corpora are streamed: stories, their documents and their pairs come
from three cursors ordered by story, so only one story's texts are held at a time, and
the lists are written a page at a time. The report is written under a temporary folder
name and renamed over ``out`` when complete.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb

from textreuse import __version__
from textreuse.errors import StoreError
from textreuse.progress import Reporter, Silent
from textreuse.report.html.lists import (
    search_page,
    write_pair_lists,
    write_search_index,
    write_story_lists,
)
from textreuse.report.html.overview import render_overview
from textreuse.report.html.page import (
    CSP,
    Row,
    bdi,
    esc,
    esc_text,
    iso,
    js_json,
    link_url,
    list_file,
    pair_file,
    story_file,
    write_file,
)
from textreuse.report.html.pair import render_pair_page, render_side
from textreuse.report.html.read import count, stories
from textreuse.report.html.story import render_story_page, tree_order
from textreuse.store import duckdb as store
from textreuse.store.leftovers import replace_folder

__all__ = [
    "CSP",
    "MARKER",
    "ReportSummary",
    "bdi",
    "esc",
    "esc_text",
    "iso",
    "js_json",
    "link_url",
    "list_file",
    "pair_file",
    "render_overview",
    "render_pair_page",
    "render_side",
    "render_story_page",
    "story_file",
    "tree_order",
    "write_report",
]

PAGE_SIZE = 500
SNIPPET_CHARS = 300
STATIC_FILES = ("report.css", "report.js", "search.js")
MARKER = ".textreuse-report"
READ_MEMORY = "1GB"


@dataclass(frozen=True)
class ReportSummary:
    """What :func:`write_report` wrote: the folder and how many of each page."""

    out: Path
    documents: int
    pairs: int
    stories: int
    pair_pages: int
    story_pages: int
    list_pages: int


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise StoreError(f"{out} exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise StoreError(
            f"{out} exists and is not a textreuse report; it was left untouched. "
            "Choose another --out or remove the folder."
        )


def _copy_static(out: Path) -> None:
    assets = out / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    static = resources.files("textreuse.report") / "static"
    for name in STATIC_FILES:
        (assets / name).write_bytes((static / name).read_bytes())


def write_report(
    db: str | Path,
    out: str | Path,
    *,
    page_size: int = PAGE_SIZE,
    snippet_chars: int = SNIPPET_CHARS,
    reporter: Reporter | None = None,
) -> ReportSummary:
    """Write the HTML report of database `db` to folder `out`, and return what was written.

    `out` is replaced only by a complete report: the pages are written under a temporary
    name beside it and renamed at the end. An existing folder that is not a textreuse
    report (no ``.textreuse-report`` marker) is never replaced: StoreError.
    """
    if page_size < 1:
        raise StoreError(f"page size must be at least 1, not {page_size}")
    target = Path(out).resolve()
    _check_out(target)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        with store.connect(db) as con:
            # Sorting a large corpus by story spills to disk past this, instead of filling memory.
            con.execute(f"SET memory_limit = '{READ_MEMORY}'")
            summary = _build(con, tmp, page_size=page_size, snippet_chars=snippet_chars, reporter=reporter)
        (tmp / MARKER).write_text(f"textreuse {__version__}\n", encoding="utf-8")
        replace_folder(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ReportSummary(target, *summary)


def _build(
    con: duckdb.DuckDBPyConnection, out: Path, *, page_size: int, snippet_chars: int, reporter: Reporter | None
) -> tuple[int, int, int, int, int, int]:
    rep: Reporter = reporter or Silent()
    n_docs = count(con, "SELECT count(*) FROM documents")
    n_pairs = count(con, "SELECT count(*) FROM pairs")
    n_stories = count(con, "SELECT count(*) FROM stories")
    _copy_static(out)
    write_file(out, "index.html", render_overview(con))
    write_file(out, "search.html", search_page(n_docs, snippet_chars))
    with rep.stage("lists", 2) as advance:
        list_pages = write_pair_lists(con, out, page_size=page_size)
        advance(1)
        list_pages += write_story_lists(con, out, page_size=page_size)
        advance(1)
    with rep.stage("search", 1) as advance:
        write_search_index(con, out, snippet_chars=snippet_chars)
        advance(1)
    pair_pages = story_pages = 0
    with rep.stage("pages", n_stories) as advance:
        for story, members, pairs in stories(con):
            write_file(out, story_file(story["story_id"]), render_story_page(story, members, pairs))
            story_pages += 1
            up = (f"story of {len(members):,}", story_file(story["story_id"]))
            docs = {m["doc_id"]: m for m in members}
            pair_pages += _write_pairs(out, pairs, docs, up=up)
            advance(1)
    return n_docs, n_pairs, n_stories, pair_pages, story_pages, list_pages


def _write_pairs(out: Path, pairs: list[Row], docs: dict[str, Row], *, up: tuple[str, str]) -> int:
    """Write the pair page of each of a story's tree pairs; return how many."""
    written = 0
    for pair in pairs:
        doc_a, doc_b = docs.get(pair["doc_a"]), docs.get(pair["doc_b"])
        if doc_a is None or doc_b is None:
            continue
        page = render_pair_page(pair, doc_a, doc_b, up=up)
        write_file(out, pair_file(pair["doc_a"], pair["doc_b"]), page)
        written += 1
    return written
