"""The overview page: corpus size, pairs by relation, the most widely spread stories,
rejects, cleaning, coverage."""

from __future__ import annotations

import json
from typing import Any

import duckdb

from textreuse.model import RELATIONS
from textreuse.report.html.drawings import histogram_svg
from textreuse.report.html.lists import STORIES_SQL, stories_table
from textreuse.report.html.page import bdi, esc, list_file, page, relation_badge
from textreuse.report.html.read import count, stream
from textreuse.store import duckdb as store

REJECTS_SHOWN = 200
STORIES_SHOWN = 20


def _size_bucket(size: int) -> str:
    for lo, hi in ((1, 1), (2, 2), (3, 3), (4, 5), (6, 10), (11, 20), (21, 50), (51, 100)):
        if lo <= size <= hi:
            return str(lo) if lo == hi else f"{lo}–{hi}"
    return "over 100"


def _cleaning_overview(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """Return the cards and tables of repaired documents and of boilerplate, for the tables present."""
    cards, tables = [], []
    if store.has_table(con, "repairs"):
        docs, steps = con.execute("SELECT count(DISTINCT doc_id), count(*) FROM repairs").fetchone()  # type: ignore[misc]
        cards.append(
            f'<div class="card" id="repaired"><span class="big">{docs:,}</span> damaged and repaired documents'
            f'<br><span class="muted">{steps:,} repair steps</span></div>'
        )
        rules = con.execute(
            "SELECT split_part(rule, ':', 1) AS kind, count(*), count(DISTINCT doc_id) FROM repairs "
            "GROUP BY kind ORDER BY count(*) DESC, kind"
        ).fetchall()
        if rules:
            tables.append(
                '<section><h2>Repairs by rule</h2><table class="small"><thead><tr><th>rule</th><th>steps</th>'
                "<th>documents</th></tr></thead><tbody>"
                + "".join(f'<tr><td>{esc(k)}</td><td class="num">{n:,}</td><td class="num">{d:,}</td></tr>' for k, n, d in rules)
                + "</tbody></table></section>"
            )
    if store.has_table(con, "annotations"):
        docs, lines = con.execute("SELECT count(DISTINCT doc_id), count(*) FROM annotations").fetchone()  # type: ignore[misc]
        cards.append(
            f'<div class="card" id="boilerplate"><span class="big">{docs:,}</span> documents with boilerplate'
            f'<br><span class="muted">{lines:,} lines greyed</span></div>'
        )
        kinds = con.execute(
            "SELECT kind, count(*), count(DISTINCT doc_id) FROM annotations GROUP BY kind ORDER BY count(*) DESC, kind"
        ).fetchall()
        if kinds:
            tables.append(
                '<section><h2>Boilerplate by kind</h2><table class="small"><thead><tr><th>kind</th><th>lines</th>'
                "<th>documents</th></tr></thead><tbody>"
                + "".join(f'<tr><td>{esc(k)}</td><td class="num">{n:,}</td><td class="num">{d:,}</td></tr>' for k, n, d in kinds)
                + "</tbody></table></section>"
            )
    return "".join(cards), "".join(tables)


def _stories_card(con: duckdb.DuckDBPyConnection) -> str:
    """Return the card counting the stories and the documents in them."""
    n = count(con, "SELECT count(*) FROM stories")
    inside = count(con, "SELECT count(DISTINCT doc_id) FROM story_members")
    return (
        f'<div class="card"><a href="{list_file("stories", 1)}"><span class="big">{n:,}</span> stories</a>'
        f'<br><span class="muted">{inside:,} documents in them</span></div>'
    )


def _spread(con: duckdb.DuckDBPyConnection) -> str:
    """Return the most widely spread stories, in the order of the stories list."""
    total = count(con, "SELECT count(*) FROM stories")
    rows = stream(con, STORIES_SQL)
    top = [row for _, row in zip(range(STORIES_SHOWN), rows)]
    rows.close()
    more = (
        f'<p class="muted">The first {STORIES_SHOWN} of {total:,}; <a href="{list_file("stories", 1)}">all stories</a>.</p>'
        if total > STORIES_SHOWN
        else ""
    )
    return (
        '<h2>Most widely spread stories <span class="muted">(by members, then sites, then first date)</span></h2>\n'
        + (stories_table(top, root="", start=1) if top else '<p class="muted">None.</p>')
        + more
    )


def render_overview(con: duckdb.DuckDBPyConnection) -> str:
    """Return the overview page: corpus size, pairs by relation, the stories by spread,
    rejects, coverage."""
    one = con.execute
    n_docs, n_chars = one("SELECT count(*), coalesce(sum(n_chars), 0) FROM documents").fetchone()  # type: ignore[misc]
    n_rejects = count(con, "SELECT count(*) FROM rejects")
    n_pairs = count(con, "SELECT count(*) FROM pairs")
    by_rel = dict(one("SELECT relation, count(*) FROM pairs GROUP BY relation").fetchall())
    sizes = one("SELECT size, count(*) FROM stories GROUP BY size ORDER BY size").fetchall()
    bins = dict(one(
        "SELECT least(floor(greatest(coverage_a, coverage_b) * 10), 9)::INTEGER AS bin, count(*) FROM pairs GROUP BY bin"
    ).fetchall())
    encodings = one("SELECT encoding, count(*) FROM documents GROUP BY encoding ORDER BY count(*) DESC, encoding").fetchall()
    rejects = one(f"SELECT path, line, reason FROM rejects ORDER BY path, line LIMIT {REJECTS_SHOWN}").fetchall()
    cleaning_cards, cleaning_tables = _cleaning_overview(con)
    runs: dict[str, Any] = {}
    try:
        for key, value in one("SELECT key, value FROM runs").fetchall():
            runs[key] = json.loads(value)
    except (duckdb.Error, ValueError):
        pass

    rel_rows = "".join(
        f'<tr><td><a href="{list_file("pairs-" + r, 1)}">{relation_badge(r)}</a></td><td class="num">{by_rel.get(r, 0):,}</td></tr>'
        for r in RELATIONS
    )
    buckets: dict[str, int] = {}
    for size, n in sizes:
        buckets[_size_bucket(size)] = buckets.get(_size_bucket(size), 0) + n
    size_rows = "".join(f'<tr><td>{esc(b)}</td><td class="num">{c:,}</td></tr>' for b, c in buckets.items())
    enc_rows = "".join(f'<tr><td>{esc(e)}</td><td class="num">{c:,}</td></tr>' for e, c in encodings)
    reject_rows = "".join(
        f'<tr><td class="id">{bdi(p)}{":" + str(line) if line else ""}</td><td>{bdi(reason)}</td></tr>'
        for p, line, reason in rejects
    )
    more_rejects = (
        f'<p class="muted">First {REJECTS_SHOWN} of {n_rejects:,}; <code>textreuse rejects</code> lists them all.</p>'
        if n_rejects > REJECTS_SHOWN
        else ""
    )
    inputs = runs.get("inputs")
    source = (
        f'<p class="facts">Scanned by textreuse {esc(runs.get("version", "?"))} from '
        + ", ".join(f'<span class="id">{bdi(i)}</span>' for i in inputs)
        + "</p>"
        if isinstance(inputs, list)
        else ""
    )
    histogram = histogram_svg(
        [bins.get(k, 0) for k in range(10)],
        [f"{k / 10:.1f}–{(k + 1) / 10:.1f}" for k in range(10)],
        caption="pairs by coverage of the more covered document (bins of 0.1)",
    )
    body = (
        "<h1>Overview</h1>\n" + source + "\n"
        '<div class="cards">'
        f'<div class="card"><span class="big">{n_docs:,}</span> documents<br><span class="muted">{n_chars:,} characters</span></div>'
        f'<div class="card"><a href="{list_file("pairs-all", 1)}"><span class="big">{n_pairs:,}</span> pairs</a></div>'
        + _stories_card(con)
        + f'<div class="card"><span class="big">{n_rejects:,}</span> rejected inputs</div>'
        + cleaning_cards
        + "</div>\n"
        '<div class="columns">'
        '<section><h2>Pairs by relation</h2><table class="small"><tbody>' + rel_rows + "</tbody></table></section>"
        '<section><h2>Stories by size</h2><table class="small"><thead><tr><th>documents</th><th>stories</th>'
        "</tr></thead><tbody>"
        + (size_rows or '<tr><td colspan="2" class="muted">none</td></tr>')
        + "</tbody></table></section>"
        '<section><h2>Encodings read</h2><table class="small"><tbody>' + enc_rows + "</tbody></table></section>"
        + cleaning_tables
        + "</div>\n"
        + _spread(con)
        + f'<h2>Coverage</h2>\n<div class="figure">{histogram}</div>\n'
        f'<h2>Rejected inputs <span class="muted">({n_rejects:,})</span></h2>\n'
        + (
            '<table class="rejects"><thead><tr><th>input</th><th>reason</th></tr></thead><tbody>' + reject_rows + "</tbody></table>"
            if rejects
            else '<p class="muted">None.</p>'
        )
        + more_rejects
    )
    return page("overview", body, root="")
