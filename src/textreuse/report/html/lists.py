"""The report's lists: pairs by relation, stories by spread, and the search index; each list is written a page at a time from a stream."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb

from textreuse.model import RELATIONS
from textreuse.report.html.drawings import parse_date
from textreuse.report.html.page import (
    RELATION_LABELS,
    Row,
    bdi,
    doc_cell,
    esc,
    filters,
    js_json,
    list_file,
    page,
    pager,
    pairs_table,
    story_file,
    write_file,
)
from textreuse.report.html.read import count, list_pairs_sql, stream
from textreuse.store.duckdb import STORY_ORDER

# The stories as `textreuse stories` lists them, each with its representative's title.
STORIES_SQL = (
    "SELECT * FROM (SELECT s.story_id, s.size, s.sites, s.first_date, s.last_date, s.origin, s.representative, "
    f"d.title FROM stories s LEFT JOIN documents d ON d.doc_id = s.representative) ORDER BY {STORY_ORDER}"
)


def write_pair_lists(con: duckdb.DuckDBPyConnection, out: Path, *, page_size: int) -> int:
    """Write the pairs lists (all, then one per relation), most covered first; return the pages written."""
    written = 0
    for relation in (None, *RELATIONS):
        kind = f"pairs-{relation or 'all'}"
        params: list[object] = [relation] if relation else []
        total = count(con, "SELECT count(*) FROM pairs" + (" WHERE relation = ?" if relation else ""), params)
        pages = max(1, math.ceil(total / page_size))
        tabs = " ".join(
            (f'<span class="current">{esc(RELATION_LABELS.get(r, r) if r else "all")}</span>' if r == relation else
             f'<a href="../{list_file("pairs-" + (r or "all"), 1)}">{esc(RELATION_LABELS.get(r, r) if r else "all")}</a>')
            for r in (None, *RELATIONS)
        )
        rows = stream(con, list_pairs_sql(relation), params)
        for n in range(1, pages + 1):
            chunk = [row for _, row in zip(range(page_size), rows)]
            label = RELATION_LABELS.get(relation, relation) if relation else "all"
            body = (
                f"<h1>Pairs: {esc(label)} <span class=\"muted\">({total:,})</span></h1>\n"
                f'<nav class="tabs">Relation: {tabs}</nav>\n{filters()}\n'
                + pager(kind, n, pages, root="../")
                + pairs_table(chunk, root="../")
                + pager(kind, n, pages, root="../")
            )
            write_file(out, list_file(kind, n), page(f"pairs: {label}, page {n}", body, root="../"))
            written += 1
        rows.close()
    return written


def _days(first: str | None, last: str | None) -> str:
    a, b = parse_date(first), parse_date(last)
    return "" if a is None or b is None else f"{(b - a).days:,}"


def stories_table(rows: list[Row], *, root: str, start: int) -> str:
    """Return stories as a table ranked from `start`: size, sites, dates, origin, representative."""
    body = []
    for k, r in enumerate(rows, start=start):
        origin = f'<span class="id">{bdi(r["origin"])}</span>' if r["origin"] else "—"
        body.append(
            f'<tr data-story="{esc(r["story_id"])}"><td class="num">{k:,}</td>'
            f'<td><a href="{root}{story_file(r["story_id"])}">story of {r["size"]:,}</a> '
            f'<span class="id muted">{bdi(r["story_id"])}</span></td>'
            f'<td class="num">{r["size"]:,}</td><td class="num">{r["sites"]:,}</td>'
            f'<td class="date">{bdi(r["first_date"])}</td><td class="date">{bdi(r["last_date"])}</td>'
            f'<td class="num">{_days(r["first_date"], r["last_date"])}</td><td>{origin}</td>'
            f'<td>{doc_cell(r["representative"], r.get("title"))}</td></tr>'
        )
    return (
        '<table class="stories"><thead><tr><th>rank</th><th>story</th><th>members</th><th>sites</th><th>first date</th>'
        "<th>last date</th><th>days</th><th>origin</th><th>representative</th></tr></thead><tbody>\n"
        + "\n".join(body)
        + "\n</tbody></table>"
    )


def write_story_lists(con: duckdb.DuckDBPyConnection, out: Path, *, page_size: int) -> int:
    """Write the stories list, most widely spread first (as ``textreuse stories``); return its pages."""
    total = count(con, "SELECT count(*) FROM stories")
    pages = max(1, math.ceil(total / page_size))
    rows = stream(con, STORIES_SQL)
    for n in range(1, pages + 1):
        chunk = [row for _, row in zip(range(page_size), rows)]
        body = (
            f'<h1>Stories <span class="muted">({total:,})</span></h1>\n'
            '<p class="muted">Each story is one reused text and every place it appears, most widely spread first: '
            "by members, then sites, then first date (as <code>textreuse stories</code> lists them).</p>\n"
            + pager("stories", n, pages, root="../")
            + stories_table(chunk, root="../", start=(n - 1) * page_size + 1)
            + pager("stories", n, pages, root="../")
        )
        write_file(out, list_file("stories", n), page(f"stories, page {n}", body, root="../"))
    rows.close()
    return pages


def search_page(n_docs: int, snippet_chars: int) -> str:
    """Return the search page (search.js runs it over the generated index)."""
    body = (
        "<h1>Search documents</h1>\n"
        f'<p class="muted">Searches the ids, titles and first {snippet_chars} characters of the {n_docs:,} documents; '
        f"every word typed must appear. A result links to its story.</p>\n"
        '<p><input type="search" id="q" placeholder="words, an id or a title" autocomplete="off" autofocus></p>\n'
        '<p id="search-count" class="muted"></p>\n<ol id="results" class="results"></ol>'
    )
    return page("search", body, root="", scripts=("search-index.js", "search.js"))


# A document's story for the search: the first one it holds as its own text (not a quote).
_DOC_STORY = (
    "(SELECT doc_id, min_by(story_id, CAST(relation = 'quoted' AS INTEGER)::VARCHAR || story_id) AS story_id "
    "FROM story_members GROUP BY doc_id)"
)


def write_search_index(con: duckdb.DuckDBPyConnection, out: Path, *, snippet_chars: int) -> None:
    """Write ``assets/search-index.js``: each document's id, title, first characters and page."""
    sql = (
        "SELECT d.doc_id, d.title, left(d.raw_text, ?) AS snippet, g.story_id AS grp FROM documents d "
        f"LEFT JOIN {_DOC_STORY} g ON g.doc_id = d.doc_id ORDER BY d.doc_id"
    )
    rows = stream(con, sql, [snippet_chars])
    path = out / "assets" / "search-index.js"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        f.write("// Generated by textreuse: [id, title, first characters of the text, story page].\n")
        f.write("window.TEXTREUSE_SEARCH = [\n")
        for r in rows:
            f.write(js_json([r["doc_id"], r["title"] or "", r["snippet"] or "", story_file(r["grp"]) if r["grp"] else ""]) + ",\n")
        f.write("];\n")
