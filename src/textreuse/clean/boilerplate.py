"""Boilerplate in plain text: lines set aside from matching, typed, kept in the raw text.

Scraped articles carry lines that are not the story: share buttons ("Print Friendly,
PDF & Email", "Share this:"), subscription prompts, series navigation ("Part I: …
Part II: …", "Read part two here", "Tomorrow: …") and repost frames ("X writes:" at
the head, "[Continue reading…]", "Read the full story at …"). Two things find them:

* **Patterns**, a small documented set (:data:`PATTERNS`), each with a kind:
  ``byline`` ("X writes:" and "By Jane Doe" at the head, "via site"),
  ``continue-link`` ("[Continue reading…]", "Read the full story at …", "The post …
  appeared first on …"), ``share-widget`` (share buttons and subscription prompts)
  and ``navigation`` (series navigation, "Tomorrow: …", "Related:").
* **Recurrence across the corpus** (kind ``recurring``): a short line, normalised (case,
  Unicode form and punctuation folded; figures kept, so that an earnings table line
  "Net 658,159 vs 299,930" is not the same line in every earnings report), that stands at the head or tail of
  documents in at least ``min_contexts`` *unrelated groups* (a scan groups duplicates
  and documents that open with the same rare lines, as copies of an article do); or, at the tail, a line whose first words start lines
  of ``min_contexts`` different wordings ("This article first appeared in" + any site).
  Copies of one article repeat its title inside one group, so a syndicated title is not
  boilerplate; a share line that follows unrelated articles is.

Boilerplate clusters at the ends of a document: from each end, lines are read inward
until ``edge_lines`` lines that are not boilerplate have been passed, so a run of share
buttons extends the edge. In the body only continue-links count ("X writes:", quoted
paragraphs, "[Continue reading…]", then the blogger's own words).

Boilerplate is an annotation with raw offsets: it is left out of matching and of
coverage, and stays in the raw text. Bylines and continue-links are evidence of who
copied whom, so they are kept as typed annotations, not thrown away.

The survey of a corpus is map-reduce shaped (:func:`survey_lines` per document,
:func:`merge_surveys` to combine), with deterministic hashes, so any engine can run it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np
import xxhash

from textreuse.clean.encoding import Step
from textreuse.index.tokenize import Tokens
from textreuse.model import KINDS, Annotation, Kind

__all__ = [
    "KINDS",
    "PATTERNS",
    "Annotation",
    "BoilerplateConfig",
    "Survey",
    "edges",
    "lines",
    "line_key",
    "edit_steps",
    "mark",
    "merge_steps",
    "merge_surveys",
    "strip",
    "survey",
    "survey_lines",
    "without",
]


@dataclass(frozen=True)
class BoilerplateConfig:
    """Options of the boilerplate stage.

    * ``patterns`` / ``recurring``: use the pattern set / corpus recurrence.
    * ``min_contexts``: unrelated groups of documents a recurring line needs (and
      different wordings a recurring tail prefix needs).
    * ``max_chars`` / ``max_words``: longer lines are content, never recurring
      boilerplate (a quoted sentence recurs too, but chrome is terse).
    * ``edge_lines``: lines that are not boilerplate read from each end to form the head
      and tail (where recurring lines and head/tail patterns count); boilerplate lines
      passed on the way do not count, so a run of them extends the edge.
    * ``prefix_words``: words of a tail line's prefix.
    * ``max_link_docs``: a head line shared by more documents than this does not make
      them one group (see :func:`textreuse.clean.recurring.content_groups`).
    """

    patterns: bool = True
    recurring: bool = True
    min_contexts: int = 4
    max_chars: int = 160
    max_words: int = 12
    edge_lines: int = 2
    prefix_words: int = 4
    max_link_docs: int = 10


# Where a pattern may fire: anywhere, or only in the head / tail zone of a document.
Where = Literal["any", "head", "tail", "edge"]

_NAME = r"[\w.'’-]+"
# (rule, kind, where, pattern matched against the whole stripped line, case-insensitive
# unless it sets its own flags). Kept small on purpose: corpus recurrence finds a site's
# own widgets; these cover the common frames.
PATTERNS: tuple[tuple[str, Kind, Where, str], ...] = (
    ("writes", "byline", "head", r"(?i:.{1,100}?\b(?:writes|wrote|reports)\s*:)"),
    # Case matters here: "By Jane Doe" is a byline, "By the time…" is not.
    (
        "by-author",
        "byline",
        "head",
        rf"(?:By|BY)\s+[A-Z]{_NAME}(?:\s+(?:[A-Z]{_NAME}|and|de|van|von|der|la)){{0,4}}(?:\s*[,|]\s*.{{1,60}})?",
    ),
    ("from-source", "byline", "head", r"(?i:(?:from|via|h/t|hat tip to)\s+(?:the\s+)?\S.{0,80}:)"),
    ("via", "byline", "edge", r"(?i:[(\[]?\s*(?:via|h/t|hat tip|source)\s*:?\s+\S.{0,80})"),
    (
        "continue-reading",
        "continue-link",
        "any",
        r"(?i:[\[(]?\s*(?:continue reading|keep reading|read more|read on)\b.{0,120})",
    ),
    (
        "read-full-story",
        "continue-link",
        "any",
        r"(?i:[\[(]?\s*(?:read|see)\s+(?:the\s+)?(?:full|rest of the|whole|entire|original)\s+"
        r"(?:story|article|post|piece|report)\b.{0,120})",
    ),
    ("appeared-first", "continue-link", "tail", r"(?i:the post .{1,200} appeared first on .{1,100})"),
    (
        "first-published",
        "continue-link",
        "edge",
        r"(?i:(?:this (?:article|story|post|piece) (?:was )?)?(?:first|originally) (?:appeared|published|ran)"
        r"(?: (?:in|on|by|at))? .{1,100})",
    ),
    (
        "share-buttons",
        "share-widget",
        "edge",
        r"(?i:(?:print friendly,? pdf (?:&|and) email|share this(?: (?:story|article|post))?:?"
        r"|like this:?|like loading\W*|click to (?:share|email|print)\b.{0,60}"
        r"|share on (?:facebook|twitter|x|linkedin|whatsapp|reddit|email)\b.{0,40}"
        r"|(?:tweet|email|print|facebook|twitter|pinterest|linkedin|whatsapp|reddit|share)"
        r"(?:\s*[|·•,/]?\s*(?:tweet|email|print|facebook|twitter|pinterest|linkedin|whatsapp|reddit|share))*)\W*)",
    ),
    (
        "subscribe",
        "share-widget",
        "edge",
        r"(?i:(?:subscribe|sign up|sign-up|join)\b.{0,120}\b(?:newsletter|inbox|updates|mailing list|subscribers?)\b.{0,80})",
    ),
    (
        "series-parts",
        "navigation",
        "edge",
        r"(?i:.{0,40}\bpart\s+(?:[ivx]+|\d+|one|two|three)\s*:.{0,200}\bpart\s+(?:[ivx]+|\d+|one|two|three)\s*:.*)",
    ),
    # A menu: three or more short items between bars ("Home | About | Archive").
    ("menu", "navigation", "edge", r"(?:[^|\n]{1,25}\|){2,}[^|\n]{1,25}"),
    ("read-part", "navigation", "edge", r"(?i:(?:read|see)\s+part\s+\w+\b.{0,80})"),
    (
        "next-previous",
        "navigation",
        "edge",
        r"(?i:(?:tomorrow|coming up|next|previous|related(?: stories| articles| posts)?|more on this|see also)\s*:.{0,200})",
    ),
)

_ZONES = {"head": ("any", "head", "edge"), "tail": ("any", "tail", "edge"), "body": ("any",)}


def _combined(zone: str) -> re.Pattern[str]:
    # One alternation per zone: a line costs one regex call, not one per pattern.
    return re.compile(
        "|".join(f"(?P<p{k}>{rx})" for k, (_, _, where, rx) in enumerate(PATTERNS) if where in _ZONES[zone])
    )


_BY_ZONE = {zone: _combined(zone) for zone in _ZONES}
_MAX_PATTERN_LINE = 400

# Punctuation separates words: "Part 2 — 12 May" keys as "part 2 12 may".
_FOLD_RE = re.compile(r"[\W_]+")


def _separator(text: str) -> str:
    """Return what ends a line of `text`: ``\\n``, or ``\\r`` in a text without ``\\n``."""
    return "\r" if "\n" not in text and "\r" in text else "\n"


# A line is (index, start, end, stripped): `start`/`end` bound it between separators, and
# `stripped` is it without surrounding white space (``\r`` included).
_Line = tuple[int, int, int, str]


def _forward(text: str, sep: str, k: int, start: int, middle: int) -> Iterator[_Line]:
    """Yield the non-blank lines from line `k` (at `start`) on, up to the first starting past `middle`.

    Lines are found one at a time from the start: a document's head is read, not split.
    """
    size = len(text)
    while start <= middle:
        end = text.find(sep, start)
        if end < 0:
            end = size
        if end != start:  # most blank lines are empty
            line = text[start:end].strip()
            if line:
                yield k, start, end, line
        if end == size:
            return
        k, start = k + 1, end + 1


def _backward(text: str, sep: str, k: int, end: int, stop: int) -> Iterator[_Line]:
    """Yield the non-blank lines from line `k` (ending at `end`) back to line `stop` (excluded)."""
    while k > stop:
        start = text.rfind(sep, 0, end) + 1
        if start != end:
            line = text[start:end].strip()
            if line:
                yield k, start, end, line
        k, end = k - 1, start - 1


def _line_start(text: str, sep: str, k: int) -> int:
    """Return where line `k` of `text` starts (it must exist)."""
    start = 0
    for _ in range(k):
        start = text.index(sep, start) + 1
    return start


def _first(text: str, start: int, line: str) -> int:
    """Return where `line`, the stripped form of the line at `start`, starts in `text`."""
    # The line's first character is the first one there that is not white space.
    return text.index(line[0], start)


_FIRST_CHAR = re.compile(r"\S")


def _next_lower(text: str, sep: str, end: int) -> bool:
    """Return whether the next non-blank line after the one ending at `end` starts with a
    lower-case letter; only the three lines after it are looked at."""
    found = _FIRST_CHAR.search(text, end + 1)
    return found is not None and text.count(sep, end, found.start()) <= 3 and found.group().islower()


def lines(text: str) -> list[tuple[int, int]]:
    """Return the spans of the non-blank lines of `text`, without surrounding white space.

    Lines end at ``\\n`` (or at ``\\r`` in a text without ``\\n``).

    >>> lines("  Title \\n\\nBody text.\\r\\n")
    [(2, 7), (10, 20)]
    """
    sep = _separator(text)
    spans = []
    for _, start, _, line in _forward(text, sep, 0, 0, len(text)):
        first = _first(text, start, line)
        spans.append((first, first + len(line)))
    return spans


def line_key(line: str) -> str:
    """Return the form under which lines count as the same: folded case and punctuation.

    Figures are kept: a table line of one report ("Net 658,159 vs 299,930") is not the
    line of another with other figures. Measured on Reuters-21578 (BENCHMARKS.md):
    with figures folded, every earnings table line keyed "net vs" and was set aside,
    and re-sent or corrected tables went unpaired.

    >>> line_key("Published: 12 March 2024 — 10:32")
    'published 12 march 2024 10 32'
    """
    if not line.isascii():
        if not unicodedata.is_normalized("NFKC", line):
            line = unicodedata.normalize("NFKC", line)
        for mark in _SEPARATORS:
            line = line.replace(mark, " ")
        if not line.isascii():
            return _FOLD_RE.sub(" ", line.casefold()).strip()
    # The same as above for ASCII, in a fraction of the time: letters kept, lower-cased.
    return b" ".join(line.encode().translate(_ASCII_FOLD).split()).decode()


# Common non-ASCII punctuation: separators in a key whatever their case (none), so
# replacing them by spaces leaves many lines ASCII, to be folded the fast way.
_SEPARATORS = ("’", "‘", "“", "”", "—", "–", "£", "€")
# Letters lower-cased, digits kept, every other byte a space.
_ASCII_FOLD = bytes(c | 0x20 if c < 128 and chr(c).isalpha() else c if c < 128 and chr(c).isdigit() else 32 for c in range(256))


def _hash(key: str) -> int:
    return xxhash.xxh64_intdigest(key.encode("utf-8", "surrogatepass")) >> 1  # fits int64


@dataclass
class Survey:
    """What recurs across a corpus: line keys and tail prefixes seen in enough contexts.

    ``lines`` maps a line key's hash to the groups it was seen in, ``prefixes`` a tail
    prefix's hash to the wordings it starts (both capped at what the decision needs); :meth:`recurring_lines` / :meth:`recurring_prefixes`
    give those that recur.
    """

    min_contexts: int = 3
    lines: dict[int, set[int]] = field(default_factory=dict)
    prefixes: dict[int, set[int]] = field(default_factory=dict)
    # Worked out once, on first use after the survey is complete.
    _lines: frozenset[int] | None = field(default=None, repr=False)
    _prefixes: frozenset[int] | None = field(default=None, repr=False)

    def add(self, table: dict[int, set[int]], key: int, context: int) -> None:
        seen = table.get(key)
        if seen is None:
            table[key] = {context}
        elif len(seen) < self.min_contexts:
            seen.add(context)

    def recurring_lines(self) -> frozenset[int]:
        if self._lines is None:
            self._lines = frozenset(k for k, v in self.lines.items() if len(v) >= self.min_contexts)
        return self._lines

    def recurring_prefixes(self) -> frozenset[int]:
        if self._prefixes is None:
            self._prefixes = frozenset(k for k, v in self.prefixes.items() if len(v) >= self.min_contexts)
        return self._prefixes

    def recurring(self) -> Survey:
        """Return a survey of only the lines and prefixes that recur: all :func:`mark`
        reads, and small enough to send to every worker of a cluster.

        >>> docs = [f"{story}\\nJoin the debate" for story in ["Rain fell.", "Markets rose.", "A vote.", "Snow."]]
        >>> s = survey(docs)
        >>> (len(s.lines), len(s.recurring().lines), s.recurring().recurring_lines() == s.recurring_lines())
        (5, 1, True)
        """
        keep, starts = self.recurring_lines(), self.recurring_prefixes()
        return Survey(
            self.min_contexts, {k: self.lines[k] for k in keep}, {k: self.prefixes[k] for k in starts}
        )


# One edge line as the survey records it: key hash, prefix hash (0: none) and what it is.
CONTENT, SHORT, PATTERN = 0, 1, 2
Entry = tuple[int, int, int]
# A document's head and tail, each read from the edge inward; the last entry of each is
# the first line past the edge, which bounds the context of a run reaching the edge's end.
DocLines = tuple[tuple[Entry, ...], tuple[Entry, ...]]


def _prefix(key: str, words: int) -> str | None:
    parts = key.split(" ")
    return " ".join(parts[:words]) if len(parts) > words else None


class EdgeLine(NamedTuple):
    """One line of a document's head or tail as read once: index, span, what a pattern
    found, and the hashes of its key and (at the tail) prefix.

    Content lines never become annotations, so their span is left at (-1, -1); their
    ``key`` hashes the line exactly, to tell copies of an article (:func:`textreuse.clean.recurring.content_groups`)."""

    line: int
    start: int
    end: int
    hit: tuple[Kind, str] | None
    key: int
    prefix: int
    what: int  # CONTENT, SHORT or PATTERN


# Head lines from the start inward and tail lines from the end inward; each ends with the
# first line past the edge (when there is one).
Edges = tuple[tuple[EdgeLine, ...], tuple[EdgeLine, ...]]


# What reading a line costs the survey's budget: short lines are read on through, since a
# site's footer may run to many of them.
_COST = (1.0, 0.5, 0.0)  # by what: CONTENT, SHORT, PATTERN

_new_edge = tuple.__new__


def _entry(text: str, sep: str, read: _Line, zone: str, config: BoilerplateConfig) -> EdgeLine:
    """Return a line of a document (as :func:`_forward` / :func:`_backward` yield it) as the edges hold it."""
    k, start, end, line = read
    size = len(line)
    # Edge lines are built as tuples, without the named tuple's Python-level __new__.
    if config.patterns and size <= _MAX_PATTERN_LINE and _may_match(line):
        hit = _match(line, zone)
        if hit is not None:
            first = _first(text, start, line)
            return _new_edge(EdgeLine, (k, first, first + size, hit, 0, 0, PATTERN))
    if size <= config.max_chars and not line[0].islower():
        key = line_key(line)
        if len(key) >= 3 and key.count(" ") < config.max_words and not _next_lower(text, sep, end):
            prefix = _prefix(key, config.prefix_words) if zone == "tail" else None
            first = _first(text, start, line)
            return _new_edge(
                EdgeLine, (k, first, first + size, None, _hash(key), _hash(prefix) if prefix else 0, SHORT)
            )
    # Content: a paragraph, a line that continues a sentence, or one of too many words.
    return _new_edge(EdgeLine, (k, -1, -1, None, _hash(line), 0, CONTENT))


def edges(text: str, *, config: BoilerplateConfig = BoilerplateConfig()) -> Edges:
    """Return the head and tail lines of `text`, read once for the survey and the marking.

    From each end, lines are read inward until ``1.5 * edge_lines`` content lines have been
    passed (a short line counts half, a line a pattern finds not at all): further than
    marking reaches, since recurring lines are not known yet. The head ends half way
    through the text. A short line is a candidate for recurring boilerplate unless it
    continues a sentence (it, or the line after it, starts with a lower-case letter).
    Only the lines read are looked at: the text is not split.
    """
    sep = _separator(text)
    last = text.count(sep)  # index of the last line
    head, head_end = _read(text, sep, _forward(text, sep, 0, 0, (len(text) - last) // 2), "head", config)
    tail, _ = _read(text, sep, _backward(text, sep, last, len(text), head_end), "tail", config)
    return head, tail


def _read(
    text: str, sep: str, found: Iterator[_Line], zone: str, config: BoilerplateConfig
) -> tuple[tuple[EdgeLine, ...], int]:
    """Return the lines of `found` read until the budget of :func:`edges` is spent (and the
    first line past it), with the index of the last line inside the edge (-1: none)."""
    out: list[EdgeLine] = []
    inside = -1
    left = 1.5 * config.edge_lines
    for read in found:
        e = _entry(text, sep, read, zone, config)
        out.append(e)
        if left <= 0:
            break  # the first line past the edge
        inside = read[0]
        left -= _COST[e[6]]  # e.what
    return tuple(out), inside


def survey_lines(text: str, *, config: BoilerplateConfig = BoilerplateConfig(), read: Edges | None = None) -> DocLines:
    """Return the head and tail lines of `text` as the survey counts them (see :func:`edges`)."""
    head, tail = read if read is not None else edges(text, config=config)
    return tuple((e.key, e.prefix, e.what) for e in head), tuple((e.key, e.prefix, e.what) for e in tail)


def merge_surveys(
    docs: Iterable[tuple[DocLines, int]], *, config: BoilerplateConfig = BoilerplateConfig()
) -> Survey:
    """Return the corpus survey from each document's :func:`survey_lines` and group.

    A group is a set of documents known to share text (in a scan: duplicates, and
    documents sharing a rare opening line, :func:`textreuse.clean.recurring.content_groups`). A short line recurs when it stands at the head or tail of documents in
    ``min_contexts`` different groups: a site's share line follows unrelated articles,
    while a title copied with its article stays inside that article's group.
    """
    result = Survey(min_contexts=config.min_contexts)
    for (head, tail), group in docs:
        for zone in (head, tail):
            for key, prefix, what in zone:
                if what != SHORT:
                    continue
                result.add(result.lines, key, group)
                if prefix and zone is tail:
                    result.add(result.prefixes, prefix, key)  # different wordings of the prefix
    return result


def survey(
    texts: Iterable[str], *, groups: Iterable[int] | None = None, config: BoilerplateConfig = BoilerplateConfig()
) -> Survey:
    """Return what recurs across the corpus `texts`; by default each text is its own group.

    >>> stories = ["Rain fell in Leeds.", "Markets rose at noon.", "The council voted.", "Snow came."]
    >>> docs = [f"{story}\\nJoin the debate" for story in stories]
    >>> len(survey(docs).recurring_lines()), len(survey(docs, groups=[1, 1, 2, 3]).recurring_lines())
    (1, 0)
    """
    texts = list(texts)
    labels = list(groups) if groups is not None else list(range(len(texts)))
    return merge_surveys(((survey_lines(t, config=config), g) for t, g in zip(texts, labels)), config=config)


def mark(
    text: str,
    corpus: Survey | None = None,
    *,
    config: BoilerplateConfig = BoilerplateConfig(),
    read: Edges | None = None,
) -> tuple[Annotation, ...]:
    """Return the boilerplate lines of `text`, from the patterns and the corpus survey.

    Head and tail lines may match any pattern and recur; in the body only continue-links
    count (a repost quotes the start of an article, links to the rest, then comments).
    `read` gives the document's :func:`edges` when the survey already read them.

    >>> [a.kind for a in mark("Jane Doe writes:\\n\\nThe story.\\n\\n[Continue reading…]")]
    ['byline', 'continue-link']
    """
    head, tail = read if read is not None else edges(text, config=config)
    recurring = corpus.recurring_lines() if corpus is not None and config.recurring else frozenset()
    prefixes = corpus.recurring_prefixes() if corpus is not None and config.recurring else frozenset()
    hits: dict[int, Annotation] = {}
    seen: set[int] = set()

    def more(zone: tuple[EdgeLine, ...]) -> Iterator[EdgeLine]:
        # Read on past the survey's reach when a run of boilerplate goes further.
        sep = _separator(text)
        name = "head" if zone is head else "tail"
        last = zone[-1].line
        if name == "tail":
            found = _backward(text, sep, last - 1, _line_start(text, sep, last) - 1, max(seen, default=-1))
        else:
            seps = text.count(sep)
            if last == seps:  # the last line of the text
                return iter(())
            found = _forward(text, sep, last + 1, _line_start(text, sep, last + 1), (len(text) - seps) // 2)
        return (_entry(text, sep, read, name, config) for read in found)

    for zone in (head, tail):
        left = float(config.edge_lines)
        entries: Iterator[EdgeLine] = iter(zone)
        extended = False
        while left > 0:
            e = next(entries, None)
            if e is None:
                if extended or not zone:
                    break
                entries, extended = more(zone), True
                continue
            seen.add(e.line)
            hit = e.hit
            if hit is None and e.what == SHORT:
                if e.key in recurring:
                    hit = ("recurring", "recurring-line")
                elif e.prefix and zone is tail and e.prefix in prefixes:
                    hit = ("recurring", "recurring-prefix")
            if hit is None:
                left -= _COST[e.what]  # short lines count half, as in the survey
            else:
                hits[e.line] = Annotation(e.start, e.end, *hit)
    if config.patterns:
        hinted: bool | None = None
        for k, start, end, line in _body_candidates(text):
            if k in seen or end - start > _MAX_PATTERN_LINE:
                continue
            if hinted is None:
                hinted = any(hint in text for hint in _BODY_HINTS)
            if not hinted:
                break
            hit = _pattern(line, "body")
            if hit is not None:
                first = _first(text, start, line)
                hits[k] = Annotation(first, first + len(line), *hit)
    return tuple(hits[k] for k in sorted(hits))


# First words a pattern line can start with (after "[" or "("); other lines are only
# tried when they end in ":", hold "|" or "appeared first", or name parts twice.
_TRIGGERS = frozenset(
    "by from via h/t hat source continue keep read see print share like click tweet email "
    "this first originally "
    "facebook twitter pinterest linkedin whatsapp reddit subscribe sign sign-up join "
    "tomorrow coming next previous related more".split()
)


def _may_match(line: str) -> bool:
    first = line.lstrip("[( \t").split(None, 1)
    if first and first[0].rstrip(":,.").lower() in _TRIGGERS:
        return True
    if line.endswith(":") or "|" in line or "appeared first" in line:
        return True
    return ("art " in line or "ART " in line) and line.lower().count("part") >= 2


# Phrases without which no body line is tried (only continue-links hold in the body).
_BODY_HINTS = ("ontinue", "ONTINUE", "ead more", "EAD MORE", "eep reading", "ull story", "ull article", "est of the")

# How a line that a body pattern can match starts (after white space, "[" or "("): a
# search over the whole text finds these few lines, so the body is not read line by line.
_BODY_START = r"\s*+[\[(]?\s*+(?i:continue reading|keep reading|read|see)"
_BODY_FIRST = re.compile(_BODY_START)
_BODY_NEXT = {sep: re.compile(sep + _BODY_START) for sep in ("\n", "\r")}


def _body_candidates(text: str) -> Iterator[_Line]:
    """Yield the lines of `text` that start as a body pattern does, in order, each once."""
    sep = _separator(text)
    found = _BODY_FIRST.match(text)
    matches = ([found] if found else []) + list(_BODY_NEXT[sep].finditer(text))
    done = -1
    # Line numbers are counted on from the previous candidate: counting from the start
    # for each took 320 s on a 100 MB text of such lines.
    line, counted = 0, 0
    for m in matches:
        # Leading white space may span lines: the line is the one holding the word.
        start = text.rfind(sep, 0, m.end()) + 1
        if start <= done:
            continue
        end = text.find(sep, start)
        if end < 0:
            end = len(text)
        line += text.count(sep, counted, start)
        counted = start
        yield line, start, end, text[start:end].strip()
        done = start


def _pattern(line: str, zone: str) -> tuple[Kind, str] | None:
    if len(line) > _MAX_PATTERN_LINE or not _may_match(line):
        return None
    return _match(line, zone)


def _match(line: str, zone: str) -> tuple[Kind, str] | None:
    m = _BY_ZONE[zone].fullmatch(line)
    if m is None or m.lastgroup is None:
        return None
    rule, kind, _, _ = PATTERNS[int(m.lastgroup[1:])]
    return kind, rule


def without(tokens: Tokens, annotations: Sequence[Annotation]) -> Tokens:
    """Return `tokens` without those lying inside the annotated spans.

    >>> from textreuse.index.tokenize import tokenize
    >>> text = "Share this:\\nThe story goes on."
    >>> t = without(tokenize(text), mark(text))
    >>> [text[s:e] for s, e in zip(t.starts.tolist(), t.ends.tolist())]
    ['The', 'story', 'goes', 'on']
    """
    if not annotations or not len(tokens):
        return tokens
    starts = np.array([a.start for a in annotations], dtype=np.int64)
    ends = np.array([a.end for a in annotations], dtype=np.int64)
    k = np.searchsorted(starts, tokens.starts, side="right") - 1
    inside = (k >= 0) & (tokens.starts < ends[np.maximum(k, 0)])
    if not inside.any():
        return tokens
    keep = ~inside
    return Tokens(tokens.hashes[keep], tokens.starts[keep], tokens.ends[keep])


def _line_end(text: str, pos: int) -> int:
    """Return where the line break after `pos` ends (white space, then one break)."""
    while pos < len(text) and text[pos] in " \t\f\v":
        pos += 1
    if text.startswith("\r\n", pos):
        return pos + 2
    if pos < len(text) and text[pos] in "\n\r\u2028\u2029":
        return pos + 1
    return pos


def edit_steps(text: str, annotations: Sequence[Annotation], *, mode: Literal["mark", "strip"]) -> tuple[Step, ...]:
    """Return the steps that mark (prefix ``[boilerplate:KIND] ``) or strip each annotated line.

    >>> text = "Share this:\\nThe story.\\n"
    >>> [(s.start, s.end, s.replacement) for s in edit_steps(text, mark(text), mode="mark")]
    [(0, 0, '[boilerplate:share-widget] ')]
    >>> [(s.start, s.end, s.replacement) for s in edit_steps(text, mark(text), mode="strip")]
    [(0, 12, '')]
    """
    out = []
    for a in annotations:
        if mode == "mark":
            out.append(Step(a.start, a.start, f"[boilerplate:{a.kind}] ", f"boilerplate:{a.rule}", 1.0))
        else:
            out.append(Step(a.start, _line_end(text, a.end), "", f"boilerplate:{a.rule}", 1.0))
    return tuple(out)


def merge_steps(repairs: Sequence[Step], edits: Sequence[Step]) -> tuple[Step, ...]:
    """Return repair steps and boilerplate edits in one replayable sequence.

    A repair inside a stripped line goes with the line; an inserted mark comes before a
    repair at the same place.

    >>> r = [Step(3, 4, "’", "lossy:apostrophe", 0.9)]
    >>> [s.rule for s in merge_steps(r, [Step(0, 0, "[x] ", "boilerplate:b", 1.0)])]
    ['boilerplate:b', 'lossy:apostrophe']
    >>> merge_steps(r, [Step(0, 9, "", "boilerplate:b", 1.0)])[0].rule
    'boilerplate:b'
    """
    cuts = [(e.start, e.end) for e in edits if e.end > e.start]
    kept = [r for r in repairs if not any(lo <= r.start and r.end <= hi for lo, hi in cuts)]
    return tuple(sorted([*kept, *edits], key=lambda s: (s.start, s.end > s.start, s.end)))


def strip(text: str, annotations: Sequence[Annotation]) -> str:
    """Return `text` without its annotated lines (and the line breaks that ended them).

    >>> strip("Share this:\\nThe story.\\n", mark("Share this:\\nThe story.\\n"))
    'The story.\\n'
    """
    out, pos = [], 0
    for a in annotations:
        out.append(text[pos : a.start])
        pos = _line_end(text, a.end)
    out.append(text[pos:])
    return "".join(out)
