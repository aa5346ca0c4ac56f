"""The story page: one reused text and every place it appears.

A story page shows the copy tree (each member under the member it was most likely copied
from, with its relation to the story's text, similarity, coverage and raw spans, and a
link to the pair page of its tree edge), the same tree drawn, a timeline of the members
by date and site, and the tree pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from textreuse.relate.stories import MEMBER_RELATIONS, site_of
from textreuse.report.html.drawings import TIMELINE_MAX_ROWS, graph_svg, parse_date, timeline_svg
from textreuse.report.html.page import (
    Row,
    bdi,
    crumbs,
    doc_cell,
    esc,
    iso,
    link_url,
    list_file,
    member_badge,
    page,
    pair_file,
    pairs_table,
    short,
)

GRAPH_MAX_NODES = 60
PAIRS_SHOWN = 5000
MEMBERS_SHOWN = 2000
SPANS_SHOWN = 6
DEPTH_CLASSES = 12  # deeper members are indented as the twelfth level

_LEGEND = (
    '<p class="legend"><span class="key e-duplicate">duplicate</span> <span class="key e-near_duplicate">near duplicate</span> '
    '<span class="key e-excerpt">excerpt</span> <span class="key e-overlap">overlap</span> · '
    "an arrow points from the origin to the copy; thicker lines share more; click a line to open the pair</p>\n"
)


def tree_order(members: Sequence[Row], representative: str) -> list[tuple[int, Row]]:
    """Return the members depth first from the representative, each after its source, with
    its depth; siblings by relation, then id (members no path reaches come last, at depth 0).

    >>> rows = [{"doc_id": d, "m_source": s, "m_relation": r} for d, s, r in
    ...         [("a", None, "copy"), ("b", "a", "near_copy"), ("c", "b", "quoted"), ("e", "a", "excerpt")]]
    >>> [(depth, r["doc_id"]) for depth, r in tree_order(rows, "a")]
    [(0, 'a'), (1, 'b'), (2, 'c'), (1, 'e')]
    """
    children: dict[str, list[Row]] = {}
    for m in members:
        if m["m_source"] is not None and m["doc_id"] != representative:
            children.setdefault(m["m_source"], []).append(m)
    for kids in children.values():
        kids.sort(key=lambda m: (_relation_rank(m["m_relation"]), m["doc_id"]))
    by_id = {m["doc_id"]: m for m in members}
    out: list[tuple[int, Row]] = []
    seen: set[str] = set()
    stack = [(0, by_id[representative])] if representative in by_id else []
    while stack:
        depth, m = stack.pop()
        if m["doc_id"] in seen:
            continue
        seen.add(m["doc_id"])
        out.append((depth, m))
        stack += [(depth + 1, c) for c in reversed(children.get(m["doc_id"], []))]
    out += [(0, m) for m in sorted(members, key=lambda m: m["doc_id"]) if m["doc_id"] not in seen]
    return out


def _relation_rank(relation: str) -> int:
    return MEMBER_RELATIONS.index(relation) if relation in MEMBER_RELATIONS else len(MEMBER_RELATIONS)


def member_site(m: Row) -> str | None:
    """Return the site of a member's document (as a story counts its sites)."""
    return site_of(site_name=m.get("site_name"), url=m.get("url"), source=m.get("source"))


def _spans(m: Row) -> str:
    spans = list(zip(m["m_starts"] or (), m["m_ends"] or ()))
    shown = " ".join(f"{a}–{b}" for a, b in spans[:SPANS_SHOWN])
    more = f" and {len(spans) - SPANS_SHOWN} more" if len(spans) > SPANS_SHOWN else ""
    return f'<span class="spans">{shown}</span>{more}'


def _days(first: date | None, last: date | None) -> str:
    if first is None or last is None:
        return ""
    days = (last - first).days
    return f" ({days} day{'s' if days != 1 else ''})"


def render_story_page(story: Row, members: Sequence[Row], pairs: Sequence[Row]) -> str:
    """Return the story page: its facts, copy tree, drawing, timeline and tree pairs."""
    root = "../"
    rep, origin = story["representative"], story["origin"]
    ordered = tree_order(members, rep)
    titles = {m["doc_id"]: m.get("title") for m in members}
    edges: dict[tuple[str, str], Row] = {}
    for p in pairs:
        edges[(p["doc_a"], p["doc_b"])] = edges[(p["doc_b"], p["doc_a"])] = p
    rows = []
    for k, (depth, m) in enumerate(ordered[:MEMBERS_SHOWN]):
        doc_id, source = m["doc_id"], m["m_source"]
        roles = (' <span class="badge">origin</span>' if doc_id == origin else "") + (
            ' <span class="badge">representative</span>' if doc_id == rep else ""
        )
        edge = edges.get((doc_id, source)) if source is not None else None
        source_cell = f'<span class="id">{bdi(source)}</span>' if source else "—"
        pair = (
            f'<a href="{root}{pair_file(edge["doc_a"], edge["doc_b"])}">with its source</a>' if edge else "—"
        )
        rows.append(
            f'<tr id="m{k}" class="depth-{min(depth, DEPTH_CLASSES)}" data-doc="{esc(doc_id)}">'
            f'<td class="member">{doc_cell(doc_id, m.get("title"))}{roles}</td>'
            f"<td>{member_badge(m['m_relation'])}</td>"
            f"<td>{source_cell}</td>"
            f'<td class="num">{m["m_similarity"]:.2f}</td><td class="num">{m["m_coverage"]:.2f}</td>'
            f"<td>{_spans(m)}</td><td class=\"date\">{bdi(m.get('date'))}</td><td>{bdi(member_site(m))}</td>"
            f"<td>{link_url(m.get('url'))}</td><td>{pair}</td></tr>"
        )
    more_members = (
        f'<p class="muted">First {MEMBERS_SHOWN:,} of {len(ordered):,} members, in tree order; '
        "<code>textreuse stories show ID</code> lists them all.</p>"
        if len(ordered) > MEMBERS_SHOWN
        else ""
    )
    shown_ids = [m["doc_id"] for _, m in ordered]
    graph = (
        f'<h2>Who copied whom</h2>\n<div class="figure">{graph_svg(shown_ids, titles, origin, pairs, root=root)}</div>\n{_LEGEND}'
        if 2 <= len(shown_ids) <= GRAPH_MAX_NODES
        else ""
    )
    # The timeline: dated members first, by date, then the undated, each in tree order.
    place = {m["doc_id"]: k for k, (_, m) in enumerate(ordered)}
    by_date = sorted((m for _, m in ordered), key=lambda m: (parse_date(m.get("date")) or date.max, place[m["doc_id"]]))
    dated = [(d, m["doc_id"], m["doc_id"] == origin, member_site(m)) for m in by_date if (d := parse_date(m.get("date")))]
    drawn = ""
    if len(dated) >= 2:
        more = f' <span class="muted">(first {TIMELINE_MAX_ROWS} of {len(dated)})</span>' if len(dated) > TIMELINE_MAX_ROWS else ""
        drawn = f'<p class="muted">Dated members{more}</p><div class="figure">{timeline_svg(dated)}</div>\n'
    undated = '<span class="muted">undated</span>'
    timeline_rows = "".join(
        f"<tr><td class=\"date\">{bdi(m.get('date')) or undated}</td><td>{bdi(member_site(m))}</td>"
        f'<td><a href="#m{place[m["doc_id"]]}">{doc_cell(m["doc_id"], None)}</a></td>'  # its row in the tree
        f"<td>{member_badge(m['m_relation'])}</td></tr>"
        for m in by_date[:MEMBERS_SHOWN]
        if place[m["doc_id"]] < MEMBERS_SHOWN
    )
    # The tree pairs in the order of the members they bring in, then any the tree does not use.
    shown_pairs: list[Row] = []
    listed: set[tuple[str, str]] = set()
    for _, m in ordered:
        edge = edges.get((m["doc_id"], m["m_source"])) if m["m_source"] is not None else None
        if edge is not None and (edge["doc_a"], edge["doc_b"]) not in listed:
            listed.add((edge["doc_a"], edge["doc_b"]))
            shown_pairs.append(edge)
    shown_pairs += [p for p in pairs if (p["doc_a"], p["doc_b"]) not in listed]
    for r in shown_pairs:
        r.setdefault("title_a", titles.get(r["doc_a"]))
        r.setdefault("title_b", titles.get(r["doc_b"]))
    more_pairs = (
        f'<p class="muted">First {PAIRS_SHOWN:,} of {len(pairs):,} tree pairs; the pairs list has them all.</p>'
        if len(pairs) > PAIRS_SHOWN
        else ""
    )
    first, last = parse_date(story["first_date"]), parse_date(story["last_date"])
    dates = (
        f"{bdi(story['first_date'])} to {bdi(story['last_date'])}{_days(first, last)}" if story["first_date"] else "no dates"
    )
    origin_text = f'<span class="id">{bdi(origin)}</span>' if origin else "unknown (the evidence decides none)"
    size = story["size"]
    body = (
        f"<h1>Story of {size:,} member{'s' if size != 1 else ''}</h1>\n"
        f'<p class="facts">story <span class="id">{bdi(story["story_id"])}</span> · representative '
        f'<span class="id">{bdi(rep)}</span> · origin: {origin_text} · {story["sites"]:,} site'
        f"{'s' if story['sites'] != 1 else ''} · {dates} · {len(pairs):,} tree pair{'s' if len(pairs) != 1 else ''}</p>\n"
        "<h2>Copy tree</h2>\n"
        '<p class="muted">Each member under its source, the member it was most likely copied from; '
        "spans are raw character offsets of the story's text in the member.</p>\n"
        + more_members
        + '<table class="members tree"><thead><tr><th>member</th><th>relation</th><th>source</th><th>similarity</th>'
        "<th>coverage</th><th>raw spans</th><th>date</th><th>site</th><th>url</th><th>pair</th></tr></thead><tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table>\n"
        + graph
        + "<h2>Timeline</h2>\n"
        + drawn
        + '<table class="timeline"><thead><tr><th>date</th><th>site</th><th>member</th><th>relation</th></tr></thead>'
        f"<tbody>{timeline_rows}</tbody></table>\n"
        "<h2>Tree pairs</h2>\n" + more_pairs + pairs_table(shown_pairs[:PAIRS_SHOWN], root=root)
    )
    trail = crumbs(root, ("stories", list_file("stories", 1)), (f"story of {size:,}", None))
    return page(f"story of {size:,}: {iso(short(rep, 60))}", body, root=root, crumbs=trail)

