"""The report's drawings, as inline SVG: a histogram, a graph of who shares text with whom,
a timeline. Labels and tooltips are plain text: document ids are escaped and isolated."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from textreuse.model import RELATIONS
from textreuse.report.html.page import RELATION_LABELS, Row, esc, iso, pair_file, short

TIMELINE_MAX_ROWS = 60


def histogram_svg(counts: Sequence[int], labels: Sequence[str], *, caption: str) -> str:
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


def graph_svg(members: Sequence[str], titles: dict[str, str | None], origin: str | None, pairs: Sequence[Row], *, root: str) -> str:
    """Return the documents drawn on a circle, an edge per pair linking its page, arrows from
    origins; node k links to ``#mk``, the row of `members`' k-th document."""
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
            f"{iso(a)} ↔ {iso(b)}: {RELATION_LABELS.get(r['relation'], r['relation'])}, coverage "
            f"{r['coverage_a']:.2f} / {r['coverage_b']:.2f}"
            + (f", origin {iso(r['origin'])}" if r["origin"] else "")
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
        tip = iso(doc) + (f" — {iso(title)}" if title else "") + (" (origin)" if doc == origin else "")
        parts.append(
            f'<a href="#m{k}"><circle class="{cls}" cx="{x:.1f}" cy="{y:.1f}" r="{node_r}"><title>{esc(tip)}</title></circle>'
            f'<text class="label" x="{lx:.1f}" y="{y + 4:.1f}" text-anchor="{"start" if right else "end"}">'
            f"{esc(iso(short(doc, 48)))}</text></a>"
        )
    parts.append("</svg>")
    return "".join(parts)


def parse_date(value: str | None) -> date | None:
    """Return the date a stored date string starts with (YYYY-MM-DD), or None."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def timeline_svg(dated: Sequence[tuple[date, str, bool, str | None]]) -> str:
    """Return the dated documents, ``(date, id, is origin, site)``, as one row each along a
    time axis, earliest first."""
    rows = sorted(dated)[:TIMELINE_MAX_ROWS]
    first, last = rows[0][0], rows[-1][0]
    span = max(1, (last - first).days)
    left, right, top, step = 280, 240, 30, 26  # room on the right for the last date and its site
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
    for k, (d, doc, is_origin, site) in enumerate(rows):
        y = top + step * k + 8
        parts.append(f'<line class="grid" x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}"/>')
        parts.append(
            f'<text class="label" x="{left - 10}" y="{y + 4}" text-anchor="end">{esc(iso(short(doc, 36)))}'
            f"<title>{esc(iso(doc))}</title></text>"
        )
        where = f" · {iso(short(site, 28))}" if site else ""
        parts.append(
            f'<circle class="{"node origin" if is_origin else "node"}" cx="{x_of(d):.1f}" cy="{y}" r="6">'
            f"<title>{esc(iso(doc))}: {d.isoformat()}{esc(where)}</title></circle>"
        )
        parts.append(f'<text class="tick" x="{x_of(d) + 10:.1f}" y="{y + 4}">{d.isoformat()}{esc(where)}</text>')
    parts.append("</svg>")
    return "".join(parts)


