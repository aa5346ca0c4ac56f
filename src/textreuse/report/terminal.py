"""Terminal views: a diff, a pair side by side, story trees; rich renderables built from
plain records, printed by the CLI.

Texts are data: every piece goes in as a ``Text`` span with a style, never as markup.
Where colour cannot show (output piped to a file, ``NO_COLOR``), deleted words are also
written ``[-so-]`` and inserted ones ``{+so+}``, as ``git diff --word-diff=plain`` does;
`show` marks a pair's changed words the same way, ``[-…-]`` on the left, ``{+…+}`` on
the right.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from textreuse.align.words import matching_view, passage_tokens
from textreuse.index.tokenize import Tokens
from textreuse.model import Document, Pair
from textreuse.relate.diff import Change, Diff, Extra
from textreuse.relate.stories import Member, Story, member_order
from textreuse.report.highlight import Piece, split_sides
from textreuse.report.rows import count

DELETED = "red strike"
INSERTED = "green"
CHANGE_LABELS = {
    "number": "number",
    "name": "name",
    "quote": "quote",
    "sentence_removed": "removed",
    "sentence_inserted": "added",
}


def _one_line(text: str) -> str:
    return " ".join(text.split())


class _Marked(Text):
    """A text whose deleted and inserted stretches also carry ``[-…-]`` and ``{+…+}``."""

    def __init__(self, marks: bool) -> None:
        super().__init__()
        self.marks = marks

    def append_styled(self, text: str, style: str) -> None:
        if self.marks and text:
            text = f"[-{text}-]" if style == DELETED else f"{{+{text}+}}"
        self.append(text, style=style)


def _elide(text: str, context: int | None) -> str:
    # Keep `context` words at each end of a long unchanged stretch.
    if context is None:
        return text
    words = list(re.finditer(r"\S+", text))
    if len(words) <= 2 * context + 1:
        return text
    head = text[: words[context - 1].end()] if context else ""
    tail = text[words[-context].start() :] if context else ""
    return f"{head} [… {len(words) - 2 * context} words unchanged …] {tail}".strip()


def inline_passage(
    diff: Diff, k: int, raw_a: str, raw_b: str, *, marks: bool = False, context: int | None = None
) -> Text:
    """Return passage `k` as one text: b's words, a's deleted words struck in red, b's new ones green.

    The text between operations is taken from b, the rewrite. With `context`, unchanged
    stretches keep that many words at each end.

    >>> from textreuse.relate.diff import diff_views, view
    >>> from textreuse.model import Pair, Passage
    >>> a, b = "one two three four five six seven", "one two three four five six eight"
    >>> d = diff_views(Pair("a", "b", "overlap", None, 1, 1, (Passage((0, 33), (0, 33), 1.0),)), view(a), view(b))
    >>> inline_passage(d, 0, a, b, marks=True, context=1).plain
    'one [… 4 words unchanged …] six [-seven-] {+eight+}'
    """
    p = diff.passages[k]
    out = _Marked(marks)
    cursor = p.b[0]
    for o in p.operations:
        out.append(raw_b[cursor : o.b[0]])
        if o.op == "equal":
            out.append(_elide(raw_b[o.b[0] : o.b[1]], context))
        if o.op in ("delete", "replace"):
            out.append_styled(raw_a[o.a[0] : o.a[1]], DELETED)
            if o.op == "replace":
                out.append(" ")
            elif o.b[0] == o.b[1] and o.b[0] < p.b[1]:
                out.append(" ")
        if o.op in ("insert", "replace"):
            out.append_styled(raw_b[o.b[0] : o.b[1]], INSERTED)
        cursor = max(cursor, o.b[1])
    out.append(raw_b[cursor : p.b[1]])
    return out


def _change_line(c: Change, raw_a: str, raw_b: str, marks: bool) -> Text:
    line = _Marked(marks)
    line.append(f"  {CHANGE_LABELS[c.kind]:<8} ", style="bold")
    if c.a is not None:
        line.append_styled(_one_line(raw_a[c.a[0] : c.a[1]]), DELETED)
    if c.a is not None and c.b is not None:
        line.append(" → ")
    if c.b is not None:
        line.append_styled(_one_line(raw_b[c.b[0] : c.b[1]]), INSERTED)
    where = f"  (passage {c.passage + 1})" if c.passage is not None else ""
    line.append(where, style="dim")
    return line


def _extra_line(e: Extra, raw: str, style: str) -> Text:
    text = _one_line(raw[e.start : e.end])
    # A part of a sentence that a passage cut says so.
    line = Text(f"  [{e.start}:{e.end}]{'' if e.whole else ' (part)'} ", style="dim")
    line.append(text, style=style)
    return line


def render_diff(
    diff: Diff,
    raw_a: str,
    raw_b: str,
    *,
    aligned_now: bool = False,
    marks: bool = False,
    context: int | None = None,
    limit: int | None = None,
) -> list[RenderableType]:
    """Return what ``textreuse diff`` prints: header, passages inline, changes, added text, frames.

    With `marks`, deleted and inserted words are also bracketed, for output without colour;
    with `context`, long unchanged stretches are cut to that many words at each end; with
    `limit`, only that many passages (and their changes) are shown.
    """
    counts = diff.counts()
    shown = len(diff.passages) if limit is None else min(limit, len(diff.passages))
    out: list[RenderableType] = [
        Text.assemble(
            (diff.doc_a, "bold"),
            " → ",
            (diff.doc_b, "bold"),
            f": {diff.relation or 'unrelated'}, origin {diff.origin or 'unknown'}, "
            f"{count(len(diff.passages), 'passage')}"
            + (" (aligned now: not a stored pair)" if aligned_now else ""),
        ),
        Text(f"struck red: only in {diff.doc_a}; green: only in {diff.doc_b}", style="dim"),
    ]
    if shown < len(diff.passages):
        out.append(Text(f"showing {shown} of {count(len(diff.passages), 'passage')} (--limit)", style="dim"))
    for k, p in enumerate(diff.passages[:shown]):
        out.append(
            Text(
                f"\npassage {k + 1}: a[{p.a[0]}:{p.a[1]}] b[{p.b[0]}:{p.b[1]}] similarity {p.similarity:.2f}",
                style="bold",
            )
        )
        out.append(inline_passage(diff, k, raw_a, raw_b, marks=marks, context=context))
    named = [
        c for c in diff.changes
        if (c.passage is not None and c.passage < shown)
        or (c.passage is None and c.kind not in ("sentence_removed", "sentence_inserted"))
    ]
    summary = ", ".join(f"{counts[k]} {CHANGE_LABELS[k]}" for k in CHANGE_LABELS if counts[k])
    out.append(Text(f"\nchanges: {summary or 'none'}", style="bold"))
    out += [_change_line(c, raw_a, raw_b, marks) for c in named]
    for doc, extras, raw, style in ((diff.doc_a, diff.only_a, raw_a, DELETED), (diff.doc_b, diff.only_b, raw_b, INSERTED)):
        if extras:
            out.append(Text.assemble(("\nonly in ", "bold"), (doc, "bold"), (f" ({len(extras)} outside the passages)", "bold")))
            out += [_extra_line(e, raw, style) for e in extras]
    for doc, frames, raw in ((diff.doc_a, diff.frames_a, raw_a), (diff.doc_b, diff.frames_b, raw_b)):
        if frames:
            out.append(Text.assemble(("\nframe of ", "bold"), (doc, "bold"), (" (boilerplate, not compared)", "bold")))
            out += [
                Text.assemble((f"  {f.kind:<13} ", "dim"), _one_line(raw[f.start : f.end]))
                for f in frames
            ]
    return out


# `show`'s colours: changed words, words only on the left, words only on the right.
STYLES = {"replace": "bold yellow", "delete": "bold red", "insert": "bold green"}
SIDE_MARKS = ({"replace": ("[-", "-]"), "delete": ("[-", "-]")}, {"replace": ("{+", "+}"), "insert": ("{+", "+}")})


def render_side(text: str, pieces: list[Piece], *, marks: dict[str, tuple[str, str]] | None = None) -> Text:
    """Return one side of a passage with its changed pieces styled (and bracketed, with `marks`).

    >>> from textreuse.report.highlight import Piece
    >>> render_side("a b c", [Piece("equal", 0, 2), Piece("replace", 2, 3), Piece("equal", 3, 5)], marks=SIDE_MARKS[0]).plain
    'a [-b-] c'
    """
    rendered = Text()
    for piece in pieces:
        part = text[piece.start : piece.end]
        if marks and piece.op in marks and part:
            opening, closing = marks[piece.op]
            part = f"{opening}{part}{closing}"
        rendered.append(part, style=STYLES.get(piece.op, ""))
    return rendered


def pair_sides(
    pair: Pair, doc_a: Document, doc_b: Document, *, views: tuple[Tokens, Tokens] | None = None, marks: bool = False
) -> list[tuple[Text, Text]]:
    """Return each passage's two sides, changed words styled (and bracketed with `marks`).

    `views` are the words matching read of each document
    (:func:`~textreuse.report.highlight.matching_view`), as the HTML report diffs them;
    by default the raw texts are tokenised.
    """
    view_a, view_b = views or (matching_view(doc_a.raw_text), matching_view(doc_b.raw_text))
    out = []
    for p in pair.passages:
        ta, tb = doc_a.raw_text[p.a[0] : p.a[1]], doc_b.raw_text[p.b[0] : p.b[1]]
        tokens = (passage_tokens(view_a, *p.a), passage_tokens(view_b, *p.b))
        pieces_a, pieces_b = split_sides(ta, tb, tokens=tokens)
        out.append(
            (
                render_side(ta, pieces_a, marks=SIDE_MARKS[0] if marks else None),
                render_side(tb, pieces_b, marks=SIDE_MARKS[1] if marks else None),
            )
        )
    return out


def render_pair(pair: Pair, sides: Sequence[tuple[Text, Text]], *, marks: bool = False) -> list[RenderableType]:
    """Return what ``textreuse show`` prints: a header, then each passage's sides in two columns."""
    legend = (
        "[-…-]: changed or only left, {+…+}: changed or only right"
        if marks
        else "yellow: changed, red: only left, green: only right"
    )
    out: list[RenderableType] = [
        Text.assemble(
            (pair.doc_a, "bold"),
            " ↔ ",
            (pair.doc_b, "bold"),
            f": {pair.relation}, origin {pair.origin or 'unknown'}, "
            f"coverage {pair.coverage_a:.2f} / {pair.coverage_b:.2f}, {count(len(pair.passages), 'passage')}",
        ),
        Text(legend, style="dim"),
    ]
    for k, (p, (left, right)) in enumerate(zip(pair.passages, sides), start=1):
        table = Table(title=f"passage {k}: a[{p.a[0]}:{p.a[1]}] b[{p.b[0]}:{p.b[1]}] similarity {p.similarity:.2f}", expand=True)
        table.add_column(Text(pair.doc_a), ratio=1, overflow="fold")
        table.add_column(Text(pair.doc_b), ratio=1, overflow="fold")
        table.add_row(left, right)
        out.append(table)
    return out


def story_tree(story: Story) -> Tree:
    """Return a story drawn as its copy tree, from its representative: each member with its
    relation to the story's text, similarity and raw spans, under its source."""
    children: dict[str | None, list[Member]] = {}
    for m in story.members:
        children.setdefault(m.source, []).append(m)
    head = Text(
        f"{story.id}: {count(story.size, 'member')} on {count(story.sites, 'site')}, "
        f"{story.first_date or '?'} to {story.last_date or '?'}; origin {story.origin or 'unknown'}"
    )
    root = Tree(head)
    top = root.add(Text(story.representative + ("  (origin)" if story.representative == story.origin else "")))
    stack = [(top, story.representative)]
    while stack:
        node, doc = stack.pop()
        # Siblings by relation, then id, as the story page lists them.
        for m in sorted(children.get(doc, []), key=member_order):
            spans = " ".join(f"{a}-{b}" for a, b in m.spans)
            stack.append((node.add(Text(f"{m.doc_id}  [{m.relation}, similarity {m.similarity:.2f}, {spans}]")), m.doc_id))
    return root


