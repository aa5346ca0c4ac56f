"""The pair page: both raw texts side by side, passages marked, changed words, cleaning shown.

Cleaning is shown, not applied: the panes hold the raw text as read, so every offset
and every highlighted passage is the raw text. Boilerplate lines (the ``annotations``
table) are greyed, their kind and rule in the tooltip; each encoding repair step (the
``repairs`` table) wraps its raw stretch, the damage as it was read, in a
``<span class="fix">`` whose tooltip gives the repaired character beside the raw one,
the rule and the confidence. Word differences inside passages are taken between the
words matching read (:func:`~textreuse.align.words.matching_view`), so mojibake is not
shown as changed words. Databases written before those tables get the page without them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from textreuse.align.words import matching_view, passage_tokens
from textreuse.clean.encoding import Step
from textreuse.index.tokenize import Tokens
from textreuse.model import Annotation
from textreuse.report.highlight import Piece, split_sides
from textreuse.report.html.page import (
    COLOURS,
    Row,
    bdi,
    crumbs,
    esc,
    esc_text,
    iso,
    link_url,
    page,
    relation_badge,
    short,
)


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
    """Return the words matching read of a document, kept on its row: a story's pages share it."""
    if "_view" not in doc:
        doc["_view"] = matching_view(doc["raw_text"], steps=_repairs(doc), annotations=_boilerplate(doc))
    view: Tokens = doc["_view"]
    return view


def _meta_table(doc_a: Row, doc_b: Row) -> str:
    rows = []
    for label, key in (("title", "title"), ("date", "date"), ("source", "source"), ("url", "url"), ("encoding", "encoding")):
        if not doc_a.get(key) and not doc_b.get(key):
            continue
        cell = link_url if key == "url" else bdi  # the url is a link only if it is http(s)
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
        f'<th><span class="side">a</span> <span class="id">{bdi(doc_a["doc_id"])}</span></th>'
        f'<th><span class="side">b</span> <span class="id">{bdi(doc_b["doc_id"])}</span></th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


def render_pair_page(pair: Row, doc_a: Row, doc_b: Row, *, up: tuple[str, str] | None) -> str:
    """Return the pair page: metadata, passage list and the two texts side by side.

    `up` is the label and path of the page the pair belongs to (its story's), for the
    breadcrumbs.
    """
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
        f'{"a" if origin == pair["doc_a"] else "b"}, <span class="id">{bdi(origin)}</span>' if origin else "unknown"
    )
    trail = crumbs(
        root,
        *([up] if up else []),
        (f"{iso(short(pair['doc_a'], 30))} ↔ {iso(short(pair['doc_b'], 30))}", None),
    )
    body = (
        f'<h1>{relation_badge(pair["relation"])} <span class="id">{bdi(pair["doc_a"])}</span> ↔ '
        f'<span class="id">{bdi(pair["doc_b"])}</span></h1>\n'
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
        f'<section class="pane"><h2><span class="side">a</span> <span class="id">{bdi(pair["doc_a"])}</span></h2>'
        f'<div class="text" id="text-a" tabindex="0">{render_side(text_a, marks_a, "a", boilerplate=lines_a, repairs=fixes_a)}</div></section>'
        f'<section class="pane"><h2><span class="side">b</span> <span class="id">{bdi(pair["doc_b"])}</span></h2>'
        f'<div class="text" id="text-b" tabindex="0">{render_side(text_b, marks_b, "b", boilerplate=lines_b, repairs=fixes_b)}</div></section>'
        "</div>"
    )
    return page(f"{iso(pair['doc_a'])} ↔ {iso(pair['doc_b'])}", body, root=root, crumbs=trail)


