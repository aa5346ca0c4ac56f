"""The pieces every report page is made of: escaping, bidi isolation, file names, the frame.

Every string that came from a document (text, title, URL, id, metadata) goes through
:func:`esc` or :func:`esc_text`; ids, titles and URLs shown in a page are also isolated
from the text around them (:func:`bdi` in HTML, :func:`iso` where only plain text may
go: a page title, a tooltip, an SVG label), so a right-to-left override in an id cannot
reverse its neighbours.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from textreuse import __version__

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'"
)
COLOURS = 8
LABEL_CHARS = 40

RELATION_LABELS = {
    "duplicate": "duplicate",
    "near_duplicate": "near duplicate",
    "excerpt": "excerpt",
    "overlap": "overlap",
}
MEMBER_LABELS = {"copy": "copy", "near_copy": "near copy", "excerpt": "excerpt", "quoted": "quoted"}

Row = dict[str, Any]


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


def bdi(value: object) -> str:
    """Return `value` escaped inside ``<bdi>``: its direction cannot leak into the text around it.

    >>> bdi("a\\u202eb<")
    '<bdi>a\\u202eb&lt;</bdi>'
    """
    return "" if value is None else f"<bdi>{esc(value)}</bdi>"


_FSI, _PDI = "\u2068", "\u2069"
_INITIATORS = re.compile("[\u2066\u2067\u2068]")


def iso(value: object) -> str:
    """Return `value` as plain text isolated by FSI ... PDI (not escaped: pass it to :func:`esc`).

    For places that hold no markup (a page title, a tooltip, SVG text). A PDI inside
    `value` would end the isolate early, so it is dropped and one PDI closes each
    isolate `value` opens; embeddings and overrides end at the closing PDI.

    >>> iso("x\\u2069\\u2067y") == "\\u2068x\\u2067y\\u2069\\u2069"
    True
    """
    text = "" if value is None else str(value).replace(_PDI, "")
    return _FSI + text + _PDI * (1 + len(_INITIATORS.findall(text)))


_WEB_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f-\x9f\"'<>\\`]+", re.IGNORECASE)


def link_url(url: str | None) -> str:
    """Return a document URL as a link when it is plain http(s), else as escaped text.

    Any other scheme (``javascript:``, ``data:``, ``file:``) and any URL with white
    space or control characters stays text, so a document cannot plant a live link.

    >>> link_url("javascript:alert(1)")
    '<span class="url"><bdi>javascript:alert(1)</bdi></span>'
    >>> link_url("https://example.org/a?b=1&c=2")
    '<a class="url" href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer nofollow"><bdi>https://example.org/a?b=1&amp;c=2</bdi></a>'
    """
    if not url:
        return ""
    if _WEB_URL.fullmatch(url):
        return f'<a class="url" href="{esc(url)}" rel="noopener noreferrer nofollow">{bdi(url)}</a>'
    return f'<span class="url">{bdi(url)}</span>'


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


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """Return `text` cut to `limit` characters, with an ellipsis when cut."""
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


def story_file(story_id: str) -> str:
    """Return the story page's path in the report, named by a hash of the story id."""
    return f"s/{_digest('story', story_id)}.html"


def list_file(kind: str, page: int) -> str:
    """Return the path of page `page` (from 1) of a paginated list (``pairs-all``, ``stories``...)."""
    return f"list/{kind}-{page}.html"


# ---------------------------------------------------------------- page frame


def page(
    title: str,
    body: str,
    *,
    root: str,
    scripts: Sequence[str] = ("report.js",),
    crumbs: str = "",
) -> str:
    """Return a whole page: policy, assets, the top bar, `body`.

    `title` is plain text (isolate document strings in it with :func:`iso`).
    """
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
        f'<nav><a href="{root}index.html">Overview</a><a href="{root}{list_file("stories", 1)}">Stories</a>'
        f'<a href="{root}{list_file("pairs-all", 1)}">Pairs</a><a href="{root}search.html">Search</a></nav></header>\n'
        f'<main>{crumbs}\n{body}\n</main>\n'
        f'<footer>Written by textreuse {esc(__version__)}. Document text is shown as data: nothing in it runs.</footer>\n'
        "</body>\n</html>\n"
    )


def crumbs(root: str, *items: tuple[str, str | None]) -> str:
    """Return the breadcrumb line: the overview, then each ``(label, link)`` (labels isolated)."""
    parts = [f'<a href="{root}index.html">Overview</a>']
    for label, href in items:
        parts.append(f'<a href="{root}{href}">{bdi(label)}</a>' if href else f"<span>{bdi(label)}</span>")
    return '<nav class="crumbs">' + " › ".join(parts) + "</nav>"


def write_file(base: Path, rel: str, text: str) -> None:
    """Write `text` to ``base/rel``, making its folder."""
    path = base / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def pager(kind: str, page: int, pages: int, *, root: str) -> str:
    """Return the links to the other pages of list `kind` (none for one page)."""
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


# ---------------------------------------------------------------- shared fragments


def relation_badge(rel: str) -> str:
    """Return a pair's relation as a coloured badge."""
    return f'<span class="rel rel-{esc(rel)}">{esc(RELATION_LABELS.get(rel, rel))}</span>'


def member_badge(rel: str) -> str:
    """Return a story member's relation to the story's text as a coloured badge."""
    return f'<span class="rel mem-{esc(rel)}">{esc(MEMBER_LABELS.get(rel, rel))}</span>'


def coverage_meter(value: float) -> str:
    """Return a share as a meter and its number."""
    return f'<meter min="0" max="1" value="{value:.4f}"></meter> <span class="num">{value:.2f}</span>'


def doc_cell(doc_id: str, title: str | None) -> str:
    """Return a document's id, and its title below when it has one, both isolated."""
    sub = f'<span class="title">{bdi(short(title, 80))}</span>' if title else ""
    return f'<span class="id">{bdi(doc_id)}</span>{sub}'


def pairs_table(rows: Iterable[Row], *, root: str) -> str:
    """Return a table of pairs, each document linking to the pair's page."""
    body = []
    for r in rows:
        origin = "a" if r["origin"] == r["doc_a"] else "b" if r["origin"] == r["doc_b"] else "—"
        body.append(
            f'<tr data-relation="{esc(r["relation"])}" data-cov="{r["coverage"]:.4f}">'
            f'<td><a href="{root}{pair_file(r["doc_a"], r["doc_b"])}">{doc_cell(r["doc_a"], r.get("title_a"))}</a></td>'
            f'<td><a href="{root}{pair_file(r["doc_a"], r["doc_b"])}">{doc_cell(r["doc_b"], r.get("title_b"))}</a></td>'
            f"<td>{relation_badge(r['relation'])}</td><td>{origin}</td>"
            f"<td>{coverage_meter(r['coverage_a'])}</td><td>{coverage_meter(r['coverage_b'])}</td>"
            f'<td class="num">{r["n_passages"]}</td></tr>'
        )
    return (
        '<table class="pairs"><thead><tr><th>document a</th><th>document b</th><th>relation</th>'
        "<th>origin</th><th>coverage a</th><th>coverage b</th><th>passages</th></tr></thead>\n<tbody>\n"
        + "\n".join(body)
        + "\n</tbody></table>"
    )


def filters() -> str:
    """Return the coverage filter of a pairs list (report.js applies it)."""
    return (
        '<form class="filters" id="filters">'
        '<label>coverage from <input type="number" id="cov-min" min="0" max="1" step="0.05" value="0"></label> '
        '<label>to <input type="number" id="cov-max" min="0" max="1" step="0.05" value="1"></label> '
        '<span id="filter-count" class="muted"></span>'
        '<span class="muted"> (coverage of the more covered document; lists are sorted by it, highest first)</span>'
        "</form>"
    )
