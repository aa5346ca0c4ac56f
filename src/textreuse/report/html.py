"""A static HTML report of a textreuse database: overview, family and pair pages, search.

The report is one folder of plain files that opens from disk (file://) with no network:
our CSS and JavaScript live in ``assets/``, the search index is a generated JavaScript
file (``fetch`` does not work from disk), and every page carries a strict
Content-Security-Policy that allows only those files, so no inline script runs.

Documents are untrusted web content. Every string that came from a document (text,
title, URL, id, metadata) goes through :func:`esc` or :func:`esc_text`, in text and in
attributes alike; a document URL becomes a link only when it is plain http(s)
(:func:`link_url`); page file names are hashes (:func:`pair_file`,
:func:`family_file`), never ids; the search index is JSON with ``<``, ``>``, ``&``
and the line separators escaped (:func:`js_json`).

Cleaning is shown, not applied: the panes hold the raw text as read, so every offset
and every highlighted passage is the raw text. Boilerplate lines (the ``annotations``
table) are greyed, their kind and rule in the tooltip; each encoding repair step (the
``repairs`` table) wraps its raw stretch, the damage as it was read, in a
``<span class="fix">`` whose tooltip gives the repaired character beside the raw one,
the rule and the confidence. Word differences inside passages are taken between the
words matching read (:func:`~textreuse.report.highlight.matching_view`), so mojibake
is not shown as changed words. Databases written before those tables get the report
without them.

Large corpora are streamed: families, their documents and their pairs come from three
cursors ordered by family, so only one family's texts are held at a time, and the
pair lists are written a page at a time. The report is written under a temporary
folder name and renamed over ``out`` when complete.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import os
import re
import shutil
from bisect import bisect_left
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

import duckdb

from textreuse import __version__
from textreuse.align.words import matching_view, passage_tokens
from textreuse.clean.encoding import Step
from textreuse.errors import StoreError
from textreuse.index.tokenize import Tokens
from textreuse.model import RELATIONS, Annotation
from textreuse.progress import Reporter, Silent
from textreuse.report.highlight import Piece, split_sides
from textreuse.store import duckdb as store

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'"
)
PAGE_SIZE = 500
SNIPPET_CHARS = 300
GRAPH_MAX_NODES = 60
TIMELINE_MAX_ROWS = 60
FAMILY_PAIRS_MAX = 5000
REJECTS_SHOWN = 200
COLOURS = 8
STATIC_FILES = ("report.css", "report.js", "search.js")
MARKER = ".textreuse-report"
BATCH_ROWS = 1000
READ_MEMORY = "1GB"
LABEL_CHARS = 40

RELATION_LABELS = {
    "duplicate": "duplicate",
    "near_duplicate": "near duplicate",
    "excerpt": "excerpt",
    "overlap": "overlap",
}

Row = dict[str, Any]


@dataclass(frozen=True)
class ReportSummary:
    """What :func:`write_report` wrote: the folder and how many of each page."""

    out: Path
    documents: int
    pairs: int
    families: int
    pair_pages: int
    family_pages: int
    list_pages: int


# ---------------------------------------------------------------- escaping


def esc(value: object) -> str:
    """Return `value` as text safe in HTML content and in quoted attributes (None is empty).

    >>> esc('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return "" if value is None else html.escape(str(value), quote=True)


# A carriage return would be folded into the following line feed by the HTML parser and
# a NUL dropped, so the page's text would no longer equal the raw text at the stored
# offsets: the first is kept as a character reference, the second shown as a symbol.
_TEXT_FIXES = str.maketrans({"\r": "&#13;", "\x00": "\u2400"})


def esc_text(text: str) -> str:
    """Return document text escaped for an HTML element, with CR kept and NUL made visible.

    >>> esc_text("a <b>\\r\\n")
    'a &lt;b&gt;&#13;\\n'
    """
    return html.escape(text, quote=True).translate(_TEXT_FIXES)


_WEB_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f-\x9f\"'<>\\`]+", re.IGNORECASE)


def link_url(url: str | None) -> str:
    """Return a document URL as a link when it is plain http(s), else as escaped text.

    Any other scheme (``javascript:``, ``data:``, ``file:``) and any URL with white
    space or control characters stays text, so a document cannot plant a live link.

    >>> link_url("javascript:alert(1)")
    '<span class="url">javascript:alert(1)</span>'
    >>> link_url("https://example.org/a?b=1&c=2")
    '<a class="url" href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">https://example.org/a?b=1&amp;c=2</a>'
    """
    if not url:
        return ""
    if _WEB_URL.fullmatch(url):
        return f'<a class="url" href="{esc(url)}" rel="noopener noreferrer nofollow">{esc(url)}</a>'
    return f'<span class="url">{esc(url)}</span>'


def js_json(value: object) -> str:
    """Return `value` as JSON that is safe inside a JavaScript file or an HTML script.

    ``<``, ``>`` and ``&`` cannot open or close a tag, and U+2028/U+2029 cannot end a
    string literal in older engines.

    >>> js_json(["</script>", "a\\u2028b"])
    '["\\\\u003c/script\\\\u003e", "a\\\\u2028b"]'
    """
    text = json.dumps(value, ensure_ascii=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return text


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- file names


def _digest(*parts: str) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()[:24]


def pair_file(doc_a: str, doc_b: str) -> str:
    """Return the pair page's path in the report, named by a hash of the two ids.

    >>> pair_file("../../etc/passwd", "<b>")[:2], len(pair_file("a", "b"))
    ('p/', 31)
    """
    return f"p/{_digest('pair', doc_a, doc_b)}.html"


def family_file(family_id: str) -> str:
    """Return the family page's path in the report, named by a hash of the family id."""
    return f"f/{_digest('family', family_id)}.html"


def list_file(kind: str, page: int) -> str:
    """Return the path of page `page` (from 1) of a paginated list (``pairs-all``, ``families``)."""
    return f"list/{kind}-{page}.html"


# ---------------------------------------------------------------- page frame


def _page(title: str, body: str, *, root: str, scripts: Sequence[str] = ("report.js",), crumbs: str = "") -> str:
    script_tags = "".join(f'<script src="{root}assets/{name}" defer></script>\n' for name in scripts)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)} · textreuse report</title>\n"
        f'<link rel="stylesheet" href="{root}assets/report.css">\n'
        f"{script_tags}</head>\n<body>\n"
        '<header class="top"><a class="brand" href="' + root + 'index.html">textreuse report</a>'
        f'<nav><a href="{root}index.html">Overview</a><a href="{root}{list_file("pairs-all", 1)}">Pairs</a>'
        f'<a href="{root}{list_file("families", 1)}">Families</a><a href="{root}search.html">Search</a></nav></header>\n'
        f'<main>{crumbs}\n{body}\n</main>\n'
        f'<footer>Written by textreuse {esc(__version__)}. Document text is shown as data: nothing in it runs.</footer>\n'
        "</body>\n</html>\n"
    )


def _crumbs(root: str, *items: tuple[str, str | None]) -> str:
    parts = [f'<a href="{root}index.html">Overview</a>']
    for label, href in items:
        parts.append(f'<a href="{root}{href}">{esc(label)}</a>' if href else f"<span>{esc(label)}</span>")
    return '<nav class="crumbs">' + " › ".join(parts) + "</nav>"


def _write(base: Path, rel: str, text: str) -> None:
    path = base / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _pager(kind: str, page: int, pages: int, *, root: str) -> str:
    if pages <= 1:
        return ""
    links = []
    if page > 1:
        links.append(f'<a class="pager" rel="prev" href="{root}{list_file(kind, page - 1)}">← previous</a>')
    shown = sorted({1, pages, *range(max(1, page - 3), min(pages, page + 3) + 1)})
    last = 0
    for n in shown:
        if n - last > 1:
            links.append('<span class="gap">…</span>')
        if n == page:
            links.append(f'<span class="current">{n}</span>')
        else:
            links.append(f'<a class="pager" href="{root}{list_file(kind, n)}">{n}</a>')
        last = n
    if page < pages:
        links.append(f'<a class="pager" rel="next" href="{root}{list_file(kind, page + 1)}">next →</a>')
    return f'<nav class="pages">Page {page} of {pages}: ' + " ".join(links) + "</nav>"


# ---------------------------------------------------------------- streaming from DuckDB


def _stream(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> Generator[Row, None, None]:
    """Yield the query's rows as dicts, a record batch at a time (never all at once)."""
    cur = con.cursor()  # one open result per connection: each stream gets its own cursor
    try:
        relation = cur.sql(sql, params=list(params) or None)
        # to_arrow_reader since DuckDB 1.4; fetch_arrow_reader before.
        reader = getattr(relation, "to_arrow_reader", None) or relation.fetch_arrow_reader
        for batch in reader(BATCH_ROWS):
            yield from batch.to_pylist()
    finally:
        cur.close()


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> int:
    row = con.execute(sql, list(params)).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


_FAMILY_DOCS = "(SELECT unnest(members) AS doc_id, family_id FROM families)"

_PAIR_COLUMNS = (
    "p.doc_a, p.doc_b, p.relation, p.origin, p.coverage_a, p.coverage_b, p.n_passages, "
    "greatest(p.coverage_a, p.coverage_b) AS coverage"
)


def _list_pairs_sql(relation: str | None) -> str:
    where = "WHERE p.relation = ? " if relation else ""
    return (
        f"SELECT {_PAIR_COLUMNS}, da.title AS title_a, dbb.title AS title_b FROM pairs p "
        "LEFT JOIN documents da ON da.doc_id = p.doc_a LEFT JOIN documents dbb ON dbb.doc_id = p.doc_b "
        f"{where}ORDER BY coverage DESC, p.doc_a, p.doc_b"
    )


class _Groups:
    """Rows of one ordered stream handed out a group (one family) at a time."""

    def __init__(self, rows: Iterable[Row], key: str) -> None:
        self._groups = groupby(rows, key=itemgetter(key))
        self._head = next(self._groups, None)

    def take(self, value: object) -> list[Row]:
        if self._head is None or self._head[0] != value:
            return []
        rows = list(self._head[1])
        self._head = next(self._groups, None)
        return rows


def _cleaning_sql(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """Return the columns and joins that add each document's boilerplate and repair steps.

    Databases written before the ``annotations`` and ``repairs`` tables get NULLs.
    """
    columns, joins = [], []
    if store.has_table(con, "annotations"):
        columns.append("an.marks AS boilerplate")
        joins.append(
            'LEFT JOIN (SELECT doc_id, list(struct_pack(start := start, "end" := "end", kind := kind, rule := rule) '
            'ORDER BY start, "end") AS marks FROM annotations GROUP BY doc_id) an ON an.doc_id = d.doc_id'
        )
    else:
        columns.append("NULL AS boilerplate")
    if store.has_table(con, "repairs"):
        columns.append("rp.steps AS repairs")
        joins.append(
            'LEFT JOIN (SELECT doc_id, list(struct_pack(start := start, "end" := "end", replacement := replacement, '
            "rule := rule, confidence := confidence, witness := witness) ORDER BY step) AS steps "
            "FROM repairs GROUP BY doc_id) rp ON rp.doc_id = d.doc_id"
        )
    else:
        columns.append("NULL AS repairs")
    return ", ".join(columns), " ".join(joins)


def _families(con: duckdb.DuckDBPyConnection) -> Iterator[tuple[Row, dict[str, Row], list[Row]]]:
    """Yield each family with its documents (by id) and its pairs with passages."""
    cleaning, joins = _cleaning_sql(con)
    docs = _Groups(
        _stream(
            con,
            "SELECT f.family_id, d.doc_id, d.url, d.date, d.title, d.source, d.encoding, d.n_chars, d.raw_text, "
            f"{cleaning} FROM {_FAMILY_DOCS} f JOIN documents d ON d.doc_id = f.doc_id {joins} "
            "ORDER BY f.family_id, d.doc_id",
        ),
        "family_id",
    )
    pairs = _Groups(
        _stream(
            con,
            f"SELECT f.family_id, {_PAIR_COLUMNS}, "
            "list(struct_pack(a_start := s.a_start, a_end := s.a_end, b_start := s.b_start, "
            "b_end := s.b_end, similarity := s.similarity) ORDER BY s.passage) "
            "FILTER (WHERE s.passage IS NOT NULL) AS passages "
            f"FROM pairs p JOIN {_FAMILY_DOCS} f ON f.doc_id = p.doc_a "
            "LEFT JOIN passages s ON s.doc_a = p.doc_a AND s.doc_b = p.doc_b "
            "GROUP BY ALL ORDER BY f.family_id, p.doc_a, p.doc_b",
        ),
        "family_id",
    )
    for family in _stream(con, "SELECT family_id, size, origin, members FROM families ORDER BY family_id"):
        members = {row["doc_id"]: row for row in docs.take(family["family_id"])}
        yield family, members, pairs.take(family["family_id"])


# ---------------------------------------------------------------- shared fragments


def _relation(rel: str) -> str:
    return f'<span class="rel rel-{esc(rel)}">{esc(RELATION_LABELS.get(rel, rel))}</span>'


def _coverage(value: float) -> str:
    return f'<meter min="0" max="1" value="{value:.4f}"></meter> <span class="num">{value:.2f}</span>'


def _doc_cell(doc_id: str, title: str | None) -> str:
    sub = f'<span class="title">{esc(_short(title, 80))}</span>' if title else ""
    return f'<span class="id">{esc(doc_id)}</span>{sub}'


def _pairs_table(rows: Iterable[Row], *, root: str) -> str:
    body = []
    for r in rows:
        origin = "a" if r["origin"] == r["doc_a"] else "b" if r["origin"] == r["doc_b"] else "—"
        body.append(
            f'<tr data-relation="{esc(r["relation"])}" data-cov="{r["coverage"]:.4f}">'
            f'<td><a href="{root}{pair_file(r["doc_a"], r["doc_b"])}">{_doc_cell(r["doc_a"], r.get("title_a"))}</a></td>'
            f'<td><a href="{root}{pair_file(r["doc_a"], r["doc_b"])}">{_doc_cell(r["doc_b"], r.get("title_b"))}</a></td>'
            f"<td>{_relation(r['relation'])}</td><td>{origin}</td>"
            f"<td>{_coverage(r['coverage_a'])}</td><td>{_coverage(r['coverage_b'])}</td>"
            f'<td class="num">{r["n_passages"]}</td></tr>'
        )
    return (
        '<table class="pairs"><thead><tr><th>document a</th><th>document b</th><th>relation</th>'
        "<th>origin</th><th>coverage a</th><th>coverage b</th><th>passages</th></tr></thead>\n<tbody>\n"
        + "\n".join(body)
        + "\n</tbody></table>"
    )


def _filters() -> str:
    return (
        '<form class="filters" id="filters">'
        '<label>coverage from <input type="number" id="cov-min" min="0" max="1" step="0.05" value="0"></label> '
        '<label>to <input type="number" id="cov-max" min="0" max="1" step="0.05" value="1"></label> '
        '<span id="filter-count" class="muted"></span>'
        '<span class="muted"> (coverage of the more covered document; lists are sorted by it, highest first)</span>'
        "</form>"
    )


# ---------------------------------------------------------------- SVG drawings


def _histogram_svg(counts: Sequence[int], labels: Sequence[str], *, caption: str) -> str:
    width, height, left, bottom, top = 640, 220, 40, 40, 20
    plot_h = height - bottom - top
    bar_w = (width - left - 10) / max(1, len(counts))
    peak = max(counts) if counts and max(counts) > 0 else 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{esc(caption)}">'
    ]
    parts.append(f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}"/>')
    for k, (count, label) in enumerate(zip(counts, labels)):
        h = plot_h * count / peak
        x = left + k * bar_w
        y = height - bottom - h
        parts.append(
            f'<rect class="bar" x="{x + 3:.1f}" y="{y:.1f}" width="{bar_w - 6:.1f}" height="{h:.1f}">'
            f"<title>{esc(label)}: {count}</title></rect>"
        )
        parts.append(f'<text class="count" x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">{count}</text>')
        parts.append(
            f'<text class="tick" x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle">{esc(label)}</text>'
        )
    parts.append(
        f'<text class="tick" x="{left + (width - left) / 2:.1f}" y="{height - 6}" text-anchor="middle">{esc(caption)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _graph_svg(members: Sequence[str], titles: dict[str, str | None], origin: str | None, pairs: Sequence[Row], *, root: str) -> str:
    """Return the family drawn as a circle of documents, an edge per pair, arrows from origins."""
    n = len(members)
    radius = 90 + 9 * n
    label_room = 330
    width, height = 2 * (radius + label_room), 2 * radius + 80
    cx, cy = width / 2, height / 2
    node_r = 8
    pos = {}
    for k, doc in enumerate(members):
        angle = math.pi + 2 * math.pi * k / n
        pos[doc] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle), angle)
    parts = [
        f'<svg class="graph" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" role="img" '
        'aria-label="who shares text with whom">',
        "<defs>",
    ]
    for rel in RELATIONS:
        parts.append(
            f'<marker id="arrow-{rel}" class="m-{rel}" viewBox="0 0 10 10" refX="10" refY="5" '
            'markerUnits="userSpaceOnUse" markerWidth="13" markerHeight="13" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker>'
        )
    parts.append("</defs>")
    for r in pairs:
        a, b = r["doc_a"], r["doc_b"]
        if a not in pos or b not in pos:
            continue
        src, dst = (b, a) if r["origin"] == b else (a, b)
        x1, y1, _ = pos[src]
        x2, y2, _ = pos[dst]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        gap = node_r + 2
        arrow = f' marker-end="url(#arrow-{r["relation"]})"' if r["origin"] in (a, b) else ""
        width_px = 1.5 + 3 * float(r["coverage"])
        tip = (
            f"{a} ↔ {b}: {RELATION_LABELS.get(r['relation'], r['relation'])}, coverage "
            f"{r['coverage_a']:.2f} / {r['coverage_b']:.2f}"
            + (f", origin {r['origin']}" if r["origin"] else "")
        )
        parts.append(
            f'<a href="{root}{pair_file(a, b)}"><line class="edge e-{esc(r["relation"])}" '
            f'x1="{x1 + ux * gap:.1f}" y1="{y1 + uy * gap:.1f}" x2="{x2 - ux * gap:.1f}" y2="{y2 - uy * gap:.1f}" '
            f'stroke-width="{width_px:.1f}"{arrow}><title>{esc(tip)}</title></line></a>'
        )
    for k, doc in enumerate(members):
        x, y, angle = pos[doc]
        right = math.cos(angle) >= -1e-9
        lx = x + (node_r + 6) * (1 if right else -1)
        cls = "node origin" if doc == origin else "node"
        title = titles.get(doc)
        tip = doc + (f" — {title}" if title else "") + (" (origin)" if doc == origin else "")
        parts.append(
            f'<a href="#m{k}"><circle class="{cls}" cx="{x:.1f}" cy="{y:.1f}" r="{node_r}"><title>{esc(tip)}</title></circle>'
            f'<text class="label" x="{lx:.1f}" y="{y + 4:.1f}" text-anchor="{"start" if right else "end"}">'
            f"{esc(_short(doc, 48))}</text></a>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _timeline_svg(dated: Sequence[tuple[date, str, bool]]) -> str:
    """Return the dated documents as one row each along a time axis, earliest first."""
    rows = sorted(dated)[:TIMELINE_MAX_ROWS]
    first, last = rows[0][0], rows[-1][0]
    span = max(1, (last - first).days)
    left, right, top, step = 280, 120, 30, 26
    width = 1000
    height = top + step * len(rows) + 30
    plot_w = width - left - right

    def x_of(d: date) -> float:
        return left + plot_w * (d - first).days / span

    parts = [
        f'<svg class="timeline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        'aria-label="timeline of dated documents">',
        f'<line class="axis" x1="{left}" y1="{top - 10}" x2="{left + plot_w}" y2="{top - 10}"/>',
    ]
    ticks = {first, last}
    if span >= 8:
        ticks |= {date.fromordinal(first.toordinal() + span * k // 4) for k in range(1, 4)}
    for d in sorted(ticks):
        parts.append(f'<text class="tick" x="{x_of(d):.1f}" y="{top - 16}" text-anchor="middle">{d.isoformat()}</text>')
    for k, (d, doc, is_origin) in enumerate(rows):
        y = top + step * k + 8
        parts.append(f'<line class="grid" x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}"/>')
        parts.append(f'<text class="label" x="{left - 10}" y="{y + 4}" text-anchor="end">{esc(_short(doc, 36))}<title>{esc(doc)}</title></text>')
        parts.append(
            f'<circle class="{"node origin" if is_origin else "node"}" cx="{x_of(d):.1f}" cy="{y}" r="6"><title>{esc(doc)}: {d.isoformat()}</title></circle>'
        )
        parts.append(f'<text class="tick" x="{x_of(d) + 10:.1f}" y="{y + 4}">{d.isoformat()}</text>')
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------- pair page


def _fix_title(step: Step, raw: str) -> str:
    """Return the tooltip of a repaired stretch: what it became, the raw damage, the rule."""
    hidden = any(not c.isprintable() or c.isspace() for c in raw + step.replacement)
    codes = (
        f" [U+{' U+'.join(f'{ord(c):04X}' for c in step.replacement) or '—'} ← U+{' U+'.join(f'{ord(c):04X}' for c in raw) or '—'}]"
        if hidden
        else ""
    )
    return (
        f"repaired: {step.replacement or '(removed)'} (raw: {raw or '(nothing)'}){codes} · {step.rule} · "
        f"confidence {step.confidence:.2f}" + (f" · witness {step.witness}" if step.witness else "")
    )


class _Cleaning:
    """A text's boilerplate lines and repaired stretches, drawn inside any stretch of it.

    Boilerplate spans hold repair spans; either is cut where an outer element (a passage
    or a word difference) begins or ends, each part keeping the whole tooltip.
    """

    def __init__(self, text: str, boilerplate: Sequence[Annotation], repairs: Sequence[Step]) -> None:
        self.text = text
        self.lines = sorted(boilerplate, key=lambda a: (a.start, a.end))
        self.steps = sorted(repairs, key=lambda s: (s.start, s.end))
        self.step_ends = [s.end for s in self.steps]  # sorted too: steps never overlap

    def draw(self, lo: int, hi: int) -> str:
        """Return ``text[lo:hi]`` escaped, boilerplate and repairs wrapped in their spans."""
        if not self.lines and not self.steps:
            return esc_text(self.text[lo:hi])
        out = []
        cursor = lo
        for line in self.lines:
            if line.start >= hi:
                break
            start, end = max(line.start, cursor), min(line.end, hi)
            if end <= start:
                continue
            out.append(self._fixes(cursor, start))
            title = f"boilerplate: {line.kind} ({line.rule})"
            out.append(f'<span class="bp" data-kind="{esc(line.kind)}" title="{esc(title)}">{self._fixes(start, end)}</span>')
            cursor = end
        out.append(self._fixes(cursor, hi))
        return "".join(out)

    def _fixes(self, lo: int, hi: int) -> str:
        if lo >= hi:
            return ""
        out = []
        cursor = lo
        for k in range(bisect_left(self.step_ends, lo), len(self.steps)):
            step = self.steps[k]
            if step.start >= hi:
                break
            if step.end <= lo and not step.start == step.end == lo:
                continue
            start, end = max(step.start, cursor), min(step.end, hi)
            out.append(esc_text(self.text[cursor:start]))
            title = _fix_title(step, self.text[step.start : step.end])
            out.append(f'<span class="fix" title="{esc(title)}">{esc_text(self.text[start:end])}</span>')
            cursor = max(cursor, end)
        out.append(esc_text(self.text[cursor:hi]))
        return "".join(out)


def render_side(
    text: str,
    marks: Sequence[tuple[int, int, int, list[Piece]]],
    side: str,
    *,
    boilerplate: Sequence[Annotation] = (),
    repairs: Sequence[Step] = (),
) -> str:
    """Return a document's text as HTML with its passages marked and their differences inside.

    `marks` holds ``(passage number, start, end, pieces)`` with raw offsets into `text`
    and the pieces of :func:`~textreuse.report.highlight.split_sides`; each passage
    becomes a ``<mark>`` whose text is ``text[start:end]`` exactly. `boilerplate` lines
    are greyed and `repairs` steps marked, both without changing the text shown.

    >>> render_side("x <a> y", [(0, 2, 5, [Piece("equal", 0, 3)])], "a")
    'x <mark class="psg c0" id="a0" data-k="0" data-start="2" data-end="5">&lt;a&gt;</mark> y'
    >>> render_side("Weâll", [], "a", repairs=[Step(2, 3, "’", "lossy:apostrophe", 0.97)])
    'We<span class="fix" title="repaired: ’ (raw: â) · lossy:apostrophe · confidence 0.97">â</span>ll'
    """
    layers = _Cleaning(text, boilerplate, repairs)
    out = []
    cursor = 0
    for k, start, end, pieces in sorted(marks, key=lambda m: (m[1], m[2])):
        # Passages do not overlap in one text; if they ever did, the later one is clipped.
        lo = max(start, cursor)
        if lo >= end:
            continue
        out.append(layers.draw(cursor, lo))
        out.append(f'<mark class="psg c{k % COLOURS}" id="{side}{k}" data-k="{k}" data-start="{lo}" data-end="{end}">')
        for piece in pieces:
            p_lo, p_hi = max(start + piece.start, lo), start + piece.end
            if p_hi <= p_lo:
                continue
            chunk = layers.draw(p_lo, p_hi)
            if piece.op == "equal":
                out.append(chunk)
            elif piece.op == "replace":
                out.append(f'<span class="chg" title="changed">{chunk}</span>')
            elif piece.op == "delete":
                out.append(f'<del title="only in this document">{chunk}</del>')
            else:
                out.append(f'<ins title="only in this document">{chunk}</ins>')
        out.append("</mark>")
        cursor = end
    out.append(layers.draw(cursor, len(text)))
    return "".join(out)


def _boilerplate(doc: Row) -> tuple[Annotation, ...]:
    return tuple(Annotation(m["start"], m["end"], m["kind"], m["rule"]) for m in doc.get("boilerplate") or ())


def _repairs(doc: Row) -> tuple[Step, ...]:
    return tuple(
        Step(s["start"], s["end"], s["replacement"], s["rule"], s["confidence"], s["witness"])
        for s in doc.get("repairs") or ()
    )


def _view(doc: Row) -> Tokens:
    """Return the words matching read of a document, kept on its row: a family's pages share it."""
    if "_view" not in doc:
        doc["_view"] = matching_view(doc["raw_text"], steps=_repairs(doc), annotations=_boilerplate(doc))
    view: Tokens = doc["_view"]
    return view


def _meta_table(doc_a: Row, doc_b: Row) -> str:
    rows = []
    for label, key in (("title", "title"), ("date", "date"), ("source", "source"), ("url", "url"), ("encoding", "encoding")):
        if not doc_a.get(key) and not doc_b.get(key):
            continue
        cell = link_url if key == "url" else esc  # the url is a link only if it is http(s)
        rows.append(f"<tr><th>{label}</th><td>{cell(doc_a.get(key))}</td><td>{cell(doc_b.get(key))}</td></tr>")
    rows.append(f'<tr><th>characters</th><td>{len(doc_a["raw_text"]):,}</td><td>{len(doc_b["raw_text"]):,}</td></tr>')
    fixes = (len(doc_a.get("repairs") or ()), len(doc_b.get("repairs") or ()))
    if any(fixes):
        rows.append(f"<tr><th>repairs</th><td>{fixes[0]:,} steps</td><td>{fixes[1]:,} steps</td></tr>")
    lines = (len(doc_a.get("boilerplate") or ()), len(doc_b.get("boilerplate") or ()))
    if any(lines):
        rows.append(f"<tr><th>boilerplate</th><td>{lines[0]:,} lines</td><td>{lines[1]:,} lines</td></tr>")
    return (
        '<table class="meta"><thead><tr><th></th>'
        f'<th><span class="side">a</span> <span class="id">{esc(doc_a["doc_id"])}</span></th>'
        f'<th><span class="side">b</span> <span class="id">{esc(doc_b["doc_id"])}</span></th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


def render_pair_page(pair: Row, doc_a: Row, doc_b: Row, *, family: Row | None) -> str:
    """Return the pair page: metadata, passage list and the two texts side by side."""
    root = "../"
    text_a, text_b = doc_a["raw_text"], doc_b["raw_text"]
    view_a, view_b = _view(doc_a), _view(doc_b)
    marks_a, marks_b, items = [], [], []
    for k, p in enumerate(pair["passages"] or []):
        a0, a1, b0, b1 = p["a_start"], p["a_end"], p["b_start"], p["b_end"]
        tokens = (passage_tokens(view_a, a0, a1), passage_tokens(view_b, b0, b1))
        pieces_a, pieces_b = split_sides(text_a[a0:a1], text_b[b0:b1], tokens=tokens)
        marks_a.append((k, a0, a1, pieces_a))
        marks_b.append((k, b0, b1, pieces_b))
        items.append(
            f'<li><a class="jump c{k % COLOURS}" href="#a{k}" data-k="{k}">passage {k + 1}</a> '
            f'a[{a0}:{a1}] ↔ b[{b0}:{b1}], similarity {p["similarity"]:.2f}</li>'
        )
    lines_a, lines_b, fixes_a, fixes_b = _boilerplate(doc_a), _boilerplate(doc_b), _repairs(doc_a), _repairs(doc_b)
    cleaning_legend = ('<span class="bp">boilerplate</span> ' if lines_a or lines_b else "") + (
        '<span class="fix">repaired (hover: repair and raw damage)</span> ' if fixes_a or fixes_b else ""
    )
    origin = pair["origin"]
    origin_text = (
        f'{"a" if origin == pair["doc_a"] else "b"}, <span class="id">{esc(origin)}</span>' if origin else "unknown"
    )
    crumbs = _crumbs(
        root,
        *([(f"family of {family['size']}", family_file(family["family_id"]))] if family else []),
        (f"{_short(pair['doc_a'], 30)} ↔ {_short(pair['doc_b'], 30)}", None),
    )
    body = (
        f'<h1>{_relation(pair["relation"])} <span class="id">{esc(pair["doc_a"])}</span> ↔ '
        f'<span class="id">{esc(pair["doc_b"])}</span></h1>\n'
        f'<p class="facts">origin: {origin_text} · coverage a {pair["coverage_a"]:.2f} · coverage b '
        f'{pair["coverage_b"]:.2f} · {len(items)} passage{"s" if len(items) != 1 else ""}</p>\n'
        + _meta_table(doc_a, doc_b)
        + '\n<div class="passage-bar"><ol class="passages">'
        + "".join(items)
        + "</ol>"
        '<p class="legend"><mark class="psg c0">shared passage</mark> '
        '<span class="chg">changed words</span> <del>only in a</del> <ins>only in b</ins> '
        + cleaning_legend
        + '<label><input type="checkbox" id="sync" checked> scroll together</label></p></div>\n'
        '<div class="panes">'
        f'<section class="pane"><h2><span class="side">a</span> <span class="id">{esc(pair["doc_a"])}</span></h2>'
        f'<div class="text" id="text-a" tabindex="0">{render_side(text_a, marks_a, "a", boilerplate=lines_a, repairs=fixes_a)}</div></section>'
        f'<section class="pane"><h2><span class="side">b</span> <span class="id">{esc(pair["doc_b"])}</span></h2>'
        f'<div class="text" id="text-b" tabindex="0">{render_side(text_b, marks_b, "b", boilerplate=lines_b, repairs=fixes_b)}</div></section>'
        "</div>"
    )
    return _page(f"{pair['doc_a']} ↔ {pair['doc_b']}", body, root=root, crumbs=crumbs)


# ---------------------------------------------------------------- family page


def render_family_page(family: Row, docs: dict[str, Row], pairs: Sequence[Row]) -> str:
    """Return the family page: members, origin, graph of shared text and a timeline."""
    root = "../"
    members = sorted(family["members"])
    origin = family["origin"]
    titles = {d: (docs[d]["title"] if d in docs else None) for d in members}
    rows = []
    for k, doc_id in enumerate(members):
        d = docs.get(doc_id, {})
        role = '<span class="badge">origin</span>' if doc_id == origin else ""
        rows.append(
            f'<tr id="m{k}"><td>{_doc_cell(doc_id, None)} {role}</td><td>{esc(d.get("title"))}</td>'
            f'<td class="date">{esc(d.get("date"))}</td><td>{esc(d.get("source"))}</td><td>{link_url(d.get("url"))}</td>'
            f'<td class="num">{d.get("n_chars") or 0:,}</td></tr>'
        )
    graph = (
        _graph_svg(members, titles, origin, pairs, root=root)
        if len(members) <= GRAPH_MAX_NODES
        else f'<p class="muted">The graph is drawn for families of up to {GRAPH_MAX_NODES} documents; the pairs are listed below.</p>'
    )
    dated = [(dt, d, d == origin) for d in members if (dt := _parse_date(docs.get(d, {}).get("date")))]
    timeline = ""
    if len(dated) >= 2:
        more = f' <span class="muted">(first {TIMELINE_MAX_ROWS} of {len(dated)})</span>' if len(dated) > TIMELINE_MAX_ROWS else ""
        timeline = f"<h2>Timeline{more}</h2>\n<div class=\"figure\">{_timeline_svg(dated)}</div>"
    shown = sorted(pairs, key=lambda r: (-r["coverage"], r["doc_a"], r["doc_b"]))[:FAMILY_PAIRS_MAX]
    more_pairs = (
        f'<p class="muted">First {FAMILY_PAIRS_MAX} of {len(pairs)} pairs, by coverage; the pairs list has them all.</p>'
        if len(pairs) > FAMILY_PAIRS_MAX
        else ""
    )
    for r in shown:
        r.setdefault("title_a", titles.get(r["doc_a"]))
        r.setdefault("title_b", titles.get(r["doc_b"]))
    origin_text = f'<span class="id">{esc(origin)}</span>' if origin else "unknown (no dates, and no excerpt of a longer document)"
    body = (
        f"<h1>Family of {len(members)} documents</h1>\n"
        f'<p class="facts">family <span class="id">{esc(family["family_id"])}</span> · origin: {origin_text} · '
        f"{len(pairs)} pairs</p>\n"
        "<h2>Who shares text with whom</h2>\n"
        f'<div class="figure">{graph}</div>\n'
        '<p class="legend"><span class="key e-duplicate">duplicate</span> <span class="key e-near_duplicate">near duplicate</span> '
        '<span class="key e-excerpt">excerpt</span> <span class="key e-overlap">overlap</span> · '
        "an arrow points from the origin to the copy; thicker lines share more; click a line to open the pair</p>\n"
        f"{timeline}\n"
        "<h2>Members</h2>\n"
        '<table class="members"><thead><tr><th>document</th><th>title</th><th>date</th><th>source</th><th>url</th>'
        "<th>characters</th></tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>\n"
        "<h2>Pairs</h2>\n" + more_pairs + _pairs_table(shown, root=root)
    )
    crumbs = _crumbs(root, ("families", list_file("families", 1)), (f"family of {len(members)}", None))
    return _page(f"family of {len(members)}: {_short(members[0], 60)}", body, root=root, crumbs=crumbs)


# ---------------------------------------------------------------- lists and overview


def _write_pair_lists(con: duckdb.DuckDBPyConnection, out: Path, *, page_size: int) -> int:
    written = 0
    for relation in (None, *RELATIONS):
        kind = f"pairs-{relation or 'all'}"
        params: list[object] = [relation] if relation else []
        total = _count(con, "SELECT count(*) FROM pairs" + (" WHERE relation = ?" if relation else ""), params)
        pages = max(1, math.ceil(total / page_size))
        tabs = " ".join(
            (f'<span class="current">{esc(RELATION_LABELS.get(r, r) if r else "all")}</span>' if r == relation else
             f'<a href="../{list_file("pairs-" + (r or "all"), 1)}">{esc(RELATION_LABELS.get(r, r) if r else "all")}</a>')
            for r in (None, *RELATIONS)
        )
        rows = _stream(con, _list_pairs_sql(relation), params)
        for page in range(1, pages + 1):
            chunk = [row for _, row in zip(range(page_size), rows)]
            label = RELATION_LABELS.get(relation, relation) if relation else "all"
            body = (
                f"<h1>Pairs: {esc(label)} <span class=\"muted\">({total:,})</span></h1>\n"
                f'<nav class="tabs">Relation: {tabs}</nav>\n{_filters()}\n'
                + _pager(kind, page, pages, root="../")
                + _pairs_table(chunk, root="../")
                + _pager(kind, page, pages, root="../")
            )
            _write(out, list_file(kind, page), _page(f"pairs: {label}, page {page}", body, root="../"))
            written += 1
        rows.close()
    return written


def _write_family_lists(con: duckdb.DuckDBPyConnection, out: Path, *, page_size: int) -> int:
    total = _count(con, "SELECT count(*) FROM families")
    pages = max(1, math.ceil(total / page_size))
    rows = _stream(
        con,
        "SELECT family_id, size, origin, members[1:4] AS first FROM families ORDER BY size DESC, family_id",
    )
    for page in range(1, pages + 1):
        chunk = [row for _, row in zip(range(page_size), rows)]
        body_rows = []
        for r in chunk:
            first = ", ".join(_short(m, 50) for m in r["first"])
            more = f" and {r['size'] - len(r['first'])} more" if r["size"] > len(r["first"]) else ""
            body_rows.append(
                f'<tr><td><a href="../{family_file(r["family_id"])}">family of {r["size"]}</a></td>'
                f'<td><span class="id">{esc(r["origin"]) if r["origin"] else "—"}</span></td>'
                f'<td>{esc(first)}{esc(more)}</td></tr>'
            )
        body = (
            f'<h1>Families <span class="muted">({total:,})</span></h1>\n'
            + _pager("families", page, pages, root="../")
            + '<table class="families"><thead><tr><th>family</th><th>origin</th><th>members</th></tr></thead><tbody>\n'
            + "\n".join(body_rows)
            + "\n</tbody></table>"
            + _pager("families", page, pages, root="../")
        )
        _write(out, list_file("families", page), _page(f"families, page {page}", body, root="../"))
    rows.close()
    return pages


def _size_bucket(size: int) -> str:
    for lo, hi in ((2, 2), (3, 3), (4, 5), (6, 10), (11, 20), (21, 50), (51, 100)):
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


def render_overview(con: duckdb.DuckDBPyConnection) -> str:
    """Return the overview page: corpus size, pairs by relation, families, rejects, coverage."""
    one = con.execute
    n_docs, n_chars = one("SELECT count(*), coalesce(sum(n_chars), 0) FROM documents").fetchone()  # type: ignore[misc]
    n_rejects = _count(con, "SELECT count(*) FROM rejects")
    n_pairs = _count(con, "SELECT count(*) FROM pairs")
    n_families, in_families = one("SELECT count(*), coalesce(sum(size), 0) FROM families").fetchone()  # type: ignore[misc]
    by_rel = dict(one("SELECT relation, count(*) FROM pairs GROUP BY relation").fetchall())
    sizes = one("SELECT size, count(*) FROM families GROUP BY size ORDER BY size").fetchall()
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
        f'<tr><td><a href="{list_file("pairs-" + r, 1)}">{_relation(r)}</a></td><td class="num">{by_rel.get(r, 0):,}</td></tr>'
        for r in RELATIONS
    )
    buckets: dict[str, int] = {}
    for size, count in sizes:
        buckets[_size_bucket(size)] = buckets.get(_size_bucket(size), 0) + count
    size_rows = "".join(f'<tr><td>{esc(b)}</td><td class="num">{c:,}</td></tr>' for b, c in buckets.items())
    enc_rows = "".join(f'<tr><td>{esc(e)}</td><td class="num">{c:,}</td></tr>' for e, c in encodings)
    reject_rows = "".join(
        f'<tr><td class="id">{esc(p)}{":" + str(line) if line else ""}</td><td>{esc(reason)}</td></tr>'
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
        + ", ".join(f'<span class="id">{esc(i)}</span>' for i in inputs)
        + "</p>"
        if isinstance(inputs, list)
        else ""
    )
    histogram = _histogram_svg(
        [bins.get(k, 0) for k in range(10)],
        [f"{k / 10:.1f}–{(k + 1) / 10:.1f}" for k in range(10)],
        caption="pairs by coverage of the more covered document (bins of 0.1)",
    )
    body = (
        "<h1>Overview</h1>\n" + source + "\n"
        '<div class="cards">'
        f'<div class="card"><span class="big">{n_docs:,}</span> documents<br><span class="muted">{n_chars:,} characters</span></div>'
        f'<div class="card"><a href="{list_file("pairs-all", 1)}"><span class="big">{n_pairs:,}</span> pairs</a></div>'
        f'<div class="card"><a href="{list_file("families", 1)}"><span class="big">{n_families:,}</span> families</a>'
        f'<br><span class="muted">{in_families:,} documents in them</span></div>'
        f'<div class="card"><span class="big">{n_rejects:,}</span> rejected inputs</div>'
        + cleaning_cards
        + "</div>\n"
        '<div class="columns">'
        '<section><h2>Pairs by relation</h2><table class="small"><tbody>' + rel_rows + "</tbody></table></section>"
        '<section><h2>Families by size</h2><table class="small"><thead><tr><th>documents</th><th>families</th></tr></thead><tbody>'
        + (size_rows or '<tr><td colspan="2" class="muted">none</td></tr>')
        + "</tbody></table></section>"
        '<section><h2>Encodings read</h2><table class="small"><tbody>' + enc_rows + "</tbody></table></section>"
        + cleaning_tables
        + "</div>\n"
        f'<h2>Coverage</h2>\n<div class="figure">{histogram}</div>\n'
        f'<h2>Rejected inputs <span class="muted">({n_rejects:,})</span></h2>\n'
        + (
            '<table class="rejects"><thead><tr><th>input</th><th>reason</th></tr></thead><tbody>' + reject_rows + "</tbody></table>"
            if rejects
            else '<p class="muted">None.</p>'
        )
        + more_rejects
    )
    return _page("overview", body, root="")


def _search_page(n_docs: int, snippet_chars: int) -> str:
    body = (
        "<h1>Search documents</h1>\n"
        f'<p class="muted">Searches the ids, titles and first {snippet_chars} characters of the {n_docs:,} documents; '
        "every word typed must appear. A result links to its family.</p>\n"
        '<p><input type="search" id="q" placeholder="words, an id or a title" autocomplete="off" autofocus></p>\n'
        '<p id="search-count" class="muted"></p>\n<ol id="results" class="results"></ol>'
    )
    return _page("search", body, root="", scripts=("search-index.js", "search.js"))


def _write_search_index(con: duckdb.DuckDBPyConnection, out: Path, *, snippet_chars: int) -> None:
    rows = _stream(
        con,
        "SELECT d.doc_id, d.title, left(d.raw_text, ?) AS snippet, f.family_id FROM documents d "
        f"LEFT JOIN {_FAMILY_DOCS} f ON f.doc_id = d.doc_id ORDER BY d.doc_id",
        [snippet_chars],
    )
    path = out / "assets" / "search-index.js"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        f.write("// Generated by textreuse: [id, title, first characters of the text, family page].\n")
        f.write("window.TEXTREUSE_SEARCH = [\n")
        for r in rows:
            page = family_file(r["family_id"]) if r["family_id"] else ""
            f.write(js_json([r["doc_id"], r["title"] or "", r["snippet"] or "", page]) + ",\n")
        f.write("];\n")


# ---------------------------------------------------------------- the whole report


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
            # Sorting a large corpus by family spills to disk past this, instead of filling memory.
            con.execute(f"SET memory_limit = '{READ_MEMORY}'")
            summary = _build(con, tmp, page_size=page_size, snippet_chars=snippet_chars, reporter=reporter)
        (tmp / MARKER).write_text(f"textreuse {__version__}\n", encoding="utf-8")
        _put_in_place(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ReportSummary(target, *summary)


def _put_in_place(tmp: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)


def _build(
    con: duckdb.DuckDBPyConnection, out: Path, *, page_size: int, snippet_chars: int, reporter: Reporter | None
) -> tuple[int, int, int, int, int, int]:
    rep: Reporter = reporter or Silent()
    n_docs = _count(con, "SELECT count(*) FROM documents")
    n_pairs = _count(con, "SELECT count(*) FROM pairs")
    n_families = _count(con, "SELECT count(*) FROM families")
    _copy_static(out)
    _write(out, "index.html", render_overview(con))
    _write(out, "search.html", _search_page(n_docs, snippet_chars))
    with rep.stage("lists", 2) as advance:
        list_pages = _write_pair_lists(con, out, page_size=page_size)
        advance(1)
        list_pages += _write_family_lists(con, out, page_size=page_size)
        advance(1)
    with rep.stage("search", 1) as advance:
        _write_search_index(con, out, snippet_chars=snippet_chars)
        advance(1)
    pair_pages = family_pages = 0
    with rep.stage("pages", n_families) as advance:
        for family, docs, pairs in _families(con):
            _write(out, family_file(family["family_id"]), render_family_page(family, docs, pairs))
            family_pages += 1
            for pair in pairs:
                doc_a, doc_b = docs.get(pair["doc_a"]), docs.get(pair["doc_b"])
                if doc_a is None or doc_b is None:
                    continue
                _write(out, pair_file(pair["doc_a"], pair["doc_b"]), render_pair_page(pair, doc_a, doc_b, family=family))
                pair_pages += 1
            advance(1)
    return n_docs, n_pairs, n_families, pair_pages, family_pages, list_pages
