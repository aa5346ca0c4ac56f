"""Stories: one reused text and every place it appears, with who copied whom.

A *story* is a text and its places: passages (document, raw spans) that are copies of
one another. It is built from the aligned pairs in three steps, so that its cost is
linear in the pairs and quoting never merges two stories:

1. **Texts.** Documents that are copies of each other (duplicate and near duplicate
   pairs) are one text: a *group* (connected components).
2. **Excerpts.** A document whose whole text lies in another (the excerpt side of an
   excerpt pair, when it is the copy) holds that other's text: its group hangs under
   the source's group, under one parent only (the source its text covers most), so
   an excerpt found in two longer texts links neither to the other. A group with no
   parent is the *root* of a story; the groups under it are its excerpts.
3. **Quotes.** A document that holds part of another's text (an overlap, or an excerpt
   pair whose longer side is the copy) joins the source's story with the shared spans
   only, as a *quoted* member; its own text stays its own story. A source with no copy
   and no excerpt (a lone document) is reused only where it is quoted: each region of it
   (quoted passages that mostly overlap there) is a story of its own, so a digest of 300
   articles' passages is 300 stories, not one.

Who is the source of a pair: the text first seen earlier (the earliest date of each side's
copies, when all are dated: a pair is aligned between one copy of each text); else its origin when the
evidence decided one (:mod:`textreuse.relate.provenance`); else, for an excerpt, the longer
document; for an overlap, the document whose text has more copies, then the second by id
(``doc_b``).

Each member has a *source*, the member it was most likely copied from, so a story is a
copy tree: the representative is its root (the story's origin when the evidence names
one, else the member with the most copy pairs), copies hang on the pairs that found
them, breadth first from the root, excerpts on their source, quotes on theirs. Each
tree edge is an aligned pair, so a story of n members lists n - 1 pairs
(:func:`tree_pairs`).
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import urlsplit

import xxhash

from textreuse.graph import UnionFind
from textreuse.model import Document, Pair, Passage, Relation, Span

__all__ = ["MEMBER_RELATIONS", "Joined", "Member", "Story", "build_stories", "all_pairs", "join_stories", "member_order", "member_pairs", "segments", "site_of", "story_id", "tree_pairs"]

MemberRelation = Literal["copy", "near_copy", "excerpt", "quoted"]
MEMBER_RELATIONS: tuple[MemberRelation, ...] = ("copy", "near_copy", "excerpt", "quoted")

_COPY = frozenset(["duplicate", "near_duplicate"])


@dataclass(frozen=True)
class Member:
    """One place a story's text appears: a document and the raw spans that hold it.

    ``relation`` is how the document holds the text (``copy``, ``near_copy``,
    ``excerpt``, ``quoted``); ``source`` the member it was most likely copied from (None
    for the representative); ``similarity`` and ``coverage`` those of the pair with its
    source (the share of this document the story's text covers).
    """

    doc_id: str
    relation: MemberRelation
    spans: tuple[Span, ...]
    source: str | None
    similarity: float
    coverage: float


@dataclass(frozen=True)
class Story:
    """A reused text and its members, with its origin when the evidence decides one."""

    id: str
    representative: str
    origin: str | None
    members: tuple[Member, ...]
    first_date: str | None
    last_date: str | None
    sites: int
    pairs: tuple[Pair, ...]
    """The tree edges: for each member but the representative, its pair with its source."""

    @property
    def size(self) -> int:
        """Return the number of members."""
        return len(self.members)

    def member(self, doc_id: str) -> Member | None:
        """Return the member for `doc_id`, or None."""
        return next((m for m in self.members if m.doc_id == doc_id), None)


def member_order(m: Member) -> tuple[bool, int, str]:
    """Return the sort key of a story's members: the representative, then by relation and id."""
    return (m.source is not None, MEMBER_RELATIONS.index(m.relation), m.doc_id)


def story_id(members: Iterable[str]) -> str:
    """Return an id derived from the member documents alone, the same in every engine and run.

    >>> story_id(["b", "a"]) == story_id(["a", "b"])
    True
    """
    return "st-" + xxhash.xxh64_hexdigest("\n".join(sorted(set(members))).encode())[:12]


def site_of(*, site_name: str | None, url: str | None, source: str | None) -> str | None:
    """Return the site a document was published on: its site name, else its URL's host, else its source.

    >>> site_of(site_name=None, url="https://www.Example.org/a", source="Wire")
    'example.org'
    """
    if site_name:
        return site_name.lower()
    if url:
        try:
            host = urlsplit(url).hostname
        except ValueError:
            host = None
        if host:
            return host.removeprefix("www.")
    return source.lower() if source else None


def _site(doc: Document | None) -> str | None:
    if doc is None:
        return None
    return site_of(site_name=doc.site_name, url=doc.url, source=doc.source)


def _sides(p: Pair, doc: str) -> tuple[tuple[Span, ...], float]:
    """Return the spans and coverage of `doc`'s side of pair `p`."""
    if doc == p.doc_a:
        return tuple(q.a for q in p.passages), p.coverage_a
    return tuple(q.b for q in p.passages), p.coverage_b


def _similarity(p: Pair) -> float:
    """Return the passages' similarity weighted by their length on side a."""
    total = sum(q.a[1] - q.a[0] for q in p.passages)
    if not total:
        return 1.0 if p.relation == "duplicate" else 0.0
    return sum(q.similarity * (q.a[1] - q.a[0]) for q in p.passages) / total


def _other(p: Pair, doc: str) -> str:
    return p.doc_b if doc == p.doc_a else p.doc_a


def _extent(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Return half-open spans merged where they overlap or touch, in order."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


def _direction(
    p: Pair, size: Mapping[str, int], dates: Mapping[str, str | None], first: Mapping[str, str | None]
) -> tuple[str, str]:
    """Return ``(source, copy)`` of a pair that is not a copy pair (see the module's rule).

    `first` is the earliest date of each document's text (its copy group): a pair is
    aligned between one copy of each text, and the copy that stands for a text may be
    later than the text is; when the texts' first dates differ, the earlier text is the
    source.
    """
    fa, fb = first.get(p.doc_a), first.get(p.doc_b)
    if fa and fb and fa != fb:
        return (p.doc_a, p.doc_b) if fa < fb else (p.doc_b, p.doc_a)
    if p.origin is not None:
        return p.origin, _other(p, p.origin)
    if p.relation == "excerpt":
        return p.doc_b, p.doc_a
    a, b = p.doc_a, p.doc_b
    if size[a] != size[b]:
        return (a, b) if size[a] > size[b] else (b, a)
    da, db = dates.get(a), dates.get(b)
    if da and db and da != db:
        return (a, b) if da < db else (b, a)
    return b, a


def _origin(pairs: Iterable[Pair]) -> str | None:
    """Return the member that wins its directed pairs and loses none, if one stands out."""
    wins: Counter[str] = Counter()
    losses: Counter[str] = Counter()
    for p in pairs:
        if p.origin is not None:
            wins[p.origin] += 1
            losses[_other(p, p.origin)] += 1
    scored = sorted(((n, m) for m, n in wins.items() if not losses[m]), key=lambda x: (-x[0], x[1]))
    if scored and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    return None


def build_stories(pairs: Sequence[Pair], docs: Mapping[str, Document]) -> list[Story]:
    """Return the stories of the aligned `pairs`, most widely spread first.

    `docs` maps ids to documents (for dates and sites). Every pair is the tree edge of
    at most one story, but for the copy pairs of a quoting document, which also carry
    the quote to its copies in the quoted story; pairs that no tree needs (a copy aligned with two members) are
    left out of every story's ``pairs``.

    >>> from textreuse.model import Passage
    >>> ps = [Pair("a", "b", "near_duplicate", None, .9, .9, (Passage((0, 90), (0, 95), .9),)),
    ...       Pair("e", "a", "excerpt", None, 1., .3, (Passage((0, 30), (0, 30), 1.),)),
    ...       Pair("q", "b", "overlap", None, .2, .4, (Passage((50, 80), (10, 40), 1.),))]
    >>> [(s.representative, [(m.doc_id, m.relation, m.source) for m in s.members]) for s in build_stories(ps, {})]
    [('a', [('a', 'copy', None), ('b', 'near_copy', 'a'), ('e', 'excerpt', 'a'), ('q', 'quoted', 'b')])]
    """
    groups = UnionFind()
    for p in pairs:
        groups.find(p.doc_a), groups.find(p.doc_b)
        if p.relation in _COPY:
            groups.union(p.doc_a, p.doc_b)
    members_of: dict[str, list[str]] = defaultdict(list)
    for doc in list(groups.parent):
        members_of[groups.find(doc)].append(doc)
    size = {doc: len(members_of[groups.find(doc)]) for doc in groups.parent}
    dates = {doc: (docs[doc].date if doc in docs else None) for doc in groups.parent}
    # A text's first date: the earliest of its copies', when every copy is dated (an
    # undated copy may be the earliest).
    earliest: dict[str, str | None] = {}
    for doc, day in dates.items():
        g = groups.find(doc)
        seen = earliest.get(g, day) if g in earliest else day
        earliest[g] = None if not day or not seen else min(seen, day)
    first = {doc: earliest.get(groups.find(doc)) for doc in groups.parent}

    copy_pairs: dict[str, list[Pair]] = defaultdict(list)  # group -> its copy pairs
    whole_edges: dict[str, list[tuple[tuple[str, bool, float, int, str], str, Pair]]] = defaultdict(list)
    partial: list[tuple[str, str, Pair]] = []  # (source, copy, pair)
    for p in pairs:
        if p.relation in _COPY:
            copy_pairs[groups.find(p.doc_a)].append(p)
            continue
        source, copy = _direction(p, size, dates, first)
        if groups.find(source) == groups.find(copy):
            continue  # a copy's weaker second alignment with its own text
        if p.relation == "excerpt" and copy == p.doc_a:
            # The text first seen earliest comes first (a host quoting the same passage is
            # later than the text it quotes) when every source is dated, then a source the
            # evidence names, then the one the excerpt covers most.
            rank = (first.get(source) or "", p.origin is None, -_sides(p, source)[1], -size[source], source)
            whole_edges[groups.find(copy)].append((rank, copy, p))
        else:
            partial.append((source, copy, p))

    # Each group hangs under one parent group, the source its text covers most.
    parent: dict[str, tuple[str, str, Pair]] = {}  # group -> (source doc, copy doc, pair)

    def root_of(g: str) -> str:
        seen = set()
        while g in parent and g not in seen:
            seen.add(g)
            g = groups.find(parent[g][0])
        return g

    for g in sorted(whole_edges):
        edges = whole_edges[g]
        # An undated source may be the earliest: dates decide only when all are dated.
        dated = all(rank[0] for rank, _, _ in edges)
        for _rank, copy, p in sorted(edges, key=lambda x: x[0] if dated else x[0][1:]):
            source = _other(p, copy)
            if root_of(groups.find(source)) != g:  # no cycles
                parent[g] = (source, copy, p)
                break

    trees: dict[str, list[str]] = defaultdict(list)  # root group -> its groups
    for g in sorted(members_of):
        trees[root_of(g)].append(g)
    quoted: dict[str, dict[str, list[tuple[str, Pair]]]] = defaultdict(lambda: defaultdict(list))
    for source, copy, p in partial:
        root = root_of(groups.find(source))
        if root_of(groups.find(copy)) != root:
            quoted[root][copy].append((source, p))

    out = []
    for root, tree in trees.items():
        lone = len(tree) == 1 and len(members_of[root]) == 1
        if lone and not quoted.get(root):
            continue  # a lone document whose pairs all went elsewhere
        # A lone document's text is reused only where others hold it: each region of it
        # (quoted passages overlapping there) is a story of its own.
        for held, whole in _regions(root, quoted.get(root, {})) if lone else [(quoted.get(root, {}), {})]:
            story = _story(root, tree, members_of, copy_pairs, parent, held, docs, groups.find)
            out.append(replace(story, pairs=tuple(whole.get(id(p), p) for p in story.pairs)) if whole else story)
    out = _unique_ids(out)
    out.sort(key=lambda s: (-s.size, -s.sites, s.first_date or "", s.id))
    return out


Quotes = Mapping[str, list[tuple[str, Pair]]]


def _regions(doc: str, quoted: Quotes) -> list[tuple[Quotes, dict[int, Pair]]]:
    """Split the quotes of lone document `doc` (quoting document -> its pairs with `doc`)
    by region: passages whose spans in `doc` mostly overlap, directly or through others,
    are one region. Returns each region's quotes, their pairs cut to the region's passages (each
    side's coverage cut in proportion), with the whole pair of each cut one by ``id``.

    A digest quoting 300 articles, or two documents that quote each other, are so many
    reused passages, not one text (as passim clusters passages); a pair's passages in one
    region stay together.
    """
    found = []
    for copy, pairs in quoted.items():
        for n, (_source, p) in enumerate(pairs):
            for q in p.passages:
                found.append(((q.a if doc == p.doc_a else q.b), copy, n, q))
    found.sort(key=lambda x: x[0])
    regions: list[list[tuple[str, int, Passage]]] = []
    first = end = -1
    for (start, stop), copy, n, q in found:
        # Joins the region when they overlap by half the smaller (spans that only touch,
        # an alignment's slop at a boundary, do not join).
        if not regions or 2 * (min(stop, end) - start) < min(stop - start, end - first):
            regions.append([])
            first, end = start, stop
        regions[-1].append((copy, n, q))
        end = max(end, stop)
    if len(regions) <= 1:
        return [(quoted, {})]
    out: list[tuple[Quotes, dict[int, Pair]]] = []
    for region in regions:
        held: dict[str, list[tuple[str, Pair]]] = defaultdict(list)
        whole: dict[int, Pair] = {}
        kept: dict[tuple[str, int], list[Passage]] = defaultdict(list)
        for copy, n, q in region:
            kept[(copy, n)].append(q)
        for (copy, n), passages in sorted(kept.items()):
            source, p = quoted[copy][n]
            cut = replace(p, passages=tuple(q for q in p.passages if any(q is k for k in passages)),
                          coverage_a=p.coverage_a * _share(passages, p.passages, lambda q: q.a),
                          coverage_b=p.coverage_b * _share(passages, p.passages, lambda q: q.b))
            held[copy].append((source, cut))
            whole[id(cut)] = p
        out.append((held, whole))
    return out


def _share(part: Sequence[Passage], passages: Sequence[Passage], side: Callable[[Passage], Span]) -> float:
    """Return the share of `passages`' characters on one `side` that `part` holds."""
    total = sum(side(q)[1] - side(q)[0] for q in passages)
    return sum(side(q)[1] - side(q)[0] for q in part) / total if total else 1.0


def _unique_ids(stories: list[Story]) -> list[Story]:
    """Return `stories` with ids that name one story each.

    Two stories of one member set (texts quoting each other through different copies)
    would share an id: theirs take the representative in too, and where that is still
    shared (two regions of one lone document held by the same documents) the
    representative's spans.
    """
    def key(s: Story, level: int) -> list[str]:
        keys = [m.doc_id for m in s.members]
        if level >= 1:
            keys.append("@" + s.representative)
        if level >= 2:
            rep = s.member(s.representative)
            keys.append("@" + ",".join(f"{a}-{b}" for a, b in (rep.spans if rep else ())))
        return keys

    for level in (1, 2):
        ids = Counter(s.id for s in stories)
        stories = [replace(s, id=story_id(key(s, level))) if ids[s.id] > 1 else s for s in stories]
    return stories


def _story(
    root: str,
    tree: list[str],
    members_of: Mapping[str, list[str]],
    copy_pairs: Mapping[str, list[Pair]],
    parent: Mapping[str, tuple[str, str, Pair]],
    quoted: Mapping[str, list[tuple[str, Pair]]],
    docs: Mapping[str, Document],
    group_of: Callable[[str], str],
) -> Story:
    """Return the story of the group tree under `root` with its quoting members (and
    the copies of each quoting document: they hold the quote too)."""
    members: dict[str, Member] = {}
    edges: list[Pair] = []
    whole_pairs: list[Pair] = []
    for g in tree:
        within = copy_pairs.get(g, [])
        whole_pairs += within
        if g == root:
            start = _origin(within)
            if start is None:
                degree = Counter(d for p in within for d in (p.doc_a, p.doc_b))
                start = min(members_of[g], key=lambda d: (-degree[d], d))
            _group_tree(start, within, None, members, edges)
        else:
            _source, start, link = parent[g]
            whole_pairs.append(link)
            _group_tree(start, within, parent[g], members, edges)
    # Whole members hold the story's text wherever their copy pairs put it.
    spans: dict[str, list[Span]] = defaultdict(list)
    for p in whole_pairs:
        for d in (p.doc_a, p.doc_b):
            if d in members:
                spans[d] += _sides(p, d)[0]
    chosen = []
    for copy in sorted(quoted):
        found = quoted[copy]
        source, best = max(found, key=lambda sp: (
            sp[1].origin is not None, sum(q.a[1] - q.a[0] for q in sp[1].passages), _other(sp[1], copy)
        ))
        chosen.append((copy, source, best, _extent(s for _, p in found for s in _sides(p, copy)[0])))
        # The quoted text is the source's too (a story of one text and its quotes has no
        # copy pairs to say where its text lies).
        spans[source] += _sides(best, source)[0]
    for d, m in list(members.items()):
        members[d] = Member(d, m.relation, _extent(spans[d]), m.source, m.similarity, m.coverage)
    for copy, source, best, held in chosen:
        members[copy] = Member(copy, "quoted", held, source, round(_similarity(best), 4), _sides(best, copy)[1])
        edges.append(best)
    for copy, _source, _best, held in chosen:
        _quoting_copies(copy, held, copy_pairs.get(group_of(copy), ()), members, edges)
    ordered = tuple(sorted(members.values(), key=member_order))
    representative = ordered[0].doc_id
    directed = whole_pairs + [p for found in quoted.values() for _, p in found]
    dated = sorted(d for d in (docs[m.doc_id].date if m.doc_id in docs else None for m in ordered) if d)
    sites = {s for s in (_site(docs.get(m.doc_id)) for m in ordered) if s}
    return Story(
        story_id(members),
        representative,
        _origin(directed),
        ordered,
        dated[0] if dated else None,
        dated[-1] if dated else None,
        len(sites),
        tuple(edges),
    )


def _quoting_copies(
    copy: str, held: tuple[Span, ...], within: Sequence[Pair], members: dict[str, Member], edges: list[Pair]
) -> None:
    """Add the copies of quoting document `copy` (its group's copy pairs `within`) as
    quoted members, breadth first: each holds the quote where its copy pair carries the
    quote's spans (linearly inside the pair's passages). A flash expanded into a full
    story that other desks carry whole is quoted in all of them."""
    adjacent: dict[str, list[Pair]] = defaultdict(list)
    for p in within:
        adjacent[p.doc_a].append(p)
        adjacent[p.doc_b].append(p)
    spans = {copy: held}
    queue = deque([copy])
    while queue:
        doc = queue.popleft()
        for p in sorted(adjacent[doc], key=lambda p: (-_similarity(p), _other(p, doc))):
            other = _other(p, doc)
            if other in members or other in spans:
                continue
            mine, theirs = _sides(p, doc)[0], _sides(p, other)[0]
            mapped = _extent(
                (_scale(max(s, m0), m0, m1, t0, t1), _scale(min(e, m1), m0, m1, t0, t1))
                for (m0, m1), (t0, t1) in zip(mine, theirs)
                for s, e in spans[doc]
                if min(e, m1) > max(s, m0)
            )
            if not mapped:
                continue
            spans[other] = mapped
            members[other] = Member(other, "quoted", mapped, doc, round(_similarity(p), 4), members[copy].coverage)
            edges.append(p)
            queue.append(other)


def _group_tree(
    start: str,
    within: Sequence[Pair],
    entry: tuple[str, str, Pair] | None,
    members: dict[str, Member],
    edges: list[Pair],
) -> None:
    """Add one group's members to `members`, breadth first from `start` over its copy
    pairs: copies and near copies of the story's text, or, for a group hung under a source
    by `entry` (source, `start`, their pair), all excerpts."""
    if entry is None:
        members[start] = Member(start, "copy", (), None, 1.0, 1.0)
    else:
        source, _, link = entry
        members[start] = Member(start, "excerpt", (), source, round(_similarity(link), 4), _sides(link, start)[1])
        edges.append(link)
    adjacent: dict[str, list[Pair]] = defaultdict(list)
    for p in within:
        adjacent[p.doc_a].append(p)
        adjacent[p.doc_b].append(p)
    queue = deque([start])
    while queue:
        doc = queue.popleft()
        # Strongest first, so each copy hangs on the pair most like it.
        for p in sorted(adjacent[doc], key=lambda p: (-_similarity(p), _other(p, doc))):
            other = _other(p, doc)
            if other in members:
                continue
            kind: MemberRelation = (
                "excerpt" if entry is not None else "copy" if p.relation == "duplicate" else "near_copy"
            )
            members[other] = Member(other, kind, (), doc, round(_similarity(p), 4), _sides(p, other)[1])
            edges.append(p)
            queue.append(other)


def tree_pairs(stories: Iterable[Story]) -> list[Pair]:
    """Return every story's tree edges once, sorted by their documents."""
    seen: dict[tuple[str, str], Pair] = {}
    for s in stories:
        for p in s.pairs:
            seen.setdefault((p.doc_a, p.doc_b), p)
    return [seen[k] for k in sorted(seen)]


# A segment maps a stretch of a member's raw text onto the representative's:
# (member start, member end, representative start, representative end).
Segment = tuple[int, int, int, int]


def _scale(x: int, a0: int, a1: int, b0: int, b1: int) -> int:
    """Return offset `x` of ``[a0, a1)`` carried linearly onto ``[b0, b1)``."""
    if a1 == a0:
        return b0
    return b0 + round((x - a0) * (b1 - b0) / (a1 - a0))


def segments(story: Story) -> dict[str, list[Segment]]:
    """Return, per member, how its spans map onto the representative's raw text, composed
    along the copy tree through the tree pairs' passages (linearly inside a passage)."""
    edge: dict[tuple[str, str], Pair] = {}
    for pair in story.pairs:
        edge[(pair.doc_a, pair.doc_b)] = edge[(pair.doc_b, pair.doc_a)] = pair
    children: dict[str, list[Member]] = defaultdict(list)
    for m in story.members:
        if m.source is not None:
            children[m.source].append(m)
    rep = story.member(story.representative)
    out: dict[str, list[Segment]] = {story.representative: [(s, e, s, e) for s, e in (rep.spans if rep else ())]}
    queue = deque([story.representative])
    while queue:
        src = queue.popleft()
        for m in children.get(src, []):
            if m.doc_id in out:
                continue  # each member once, whatever the tree read back from a store holds
            p = edge.get((m.doc_id, src))
            found: list[Segment] = []
            for q in p.passages if p is not None else ():
                mine, theirs = (q.a, q.b) if p is not None and p.doc_a == m.doc_id else (q.b, q.a)
                for s0, s1, r0, r1 in out.get(src, []):
                    lo, hi = max(theirs[0], s0), min(theirs[1], s1)
                    if hi <= lo:
                        continue
                    found.append((
                        _scale(lo, theirs[0], theirs[1], mine[0], mine[1]),
                        _scale(hi, theirs[0], theirs[1], mine[0], mine[1]),
                        _scale(lo, s0, s1, r0, r1),
                        _scale(hi, s0, s1, r0, r1),
                    ))
            out[m.doc_id] = sorted(found)
            queue.append(m.doc_id)
    return out


def member_pairs(
    story: Story, lengths: Mapping[str, int], *, min_chars: int = 100, near_duplicate: float = 0.8, excerpt: float = 0.6
) -> Iterator[Pair]:
    """Yield every pair of the story's members that share its text, with passages mapped
    through the copy tree (no new alignment).

    Where two members' segments cover the same stretch of the representative, that
    stretch is their shared passage, carried back onto each; stretches shorter than
    `min_chars` on either side are left out. Coverage is the share of each document's
    raw characters (`lengths`) inside its passages, and the relation follows the
    thresholds of :class:`textreuse.relate.pairs.RelateConfig` on it (``duplicate``
    when both members are copies and cover the whole text). Similarity is the lower of
    the two members'; the origin is the one that is the other's ancestor in the copy
    tree along edges the evidence directed that way, else, for an excerpt, the longer
    side (the excerpt evidence of a scan), else none.
    """
    seg = segments(story)
    by_doc = {m.doc_id: m for m in story.members}
    edge_origin = {frozenset((p.doc_a, p.doc_b)): p.origin for p in story.pairs}
    ids = sorted(seg)
    for i, x in enumerate(ids):
        for y in ids[i + 1 :]:
            passages = []
            for x0, x1, rx0, rx1 in seg[x]:
                for y0, y1, ry0, ry1 in seg[y]:
                    lo, hi = max(rx0, ry0), min(rx1, ry1)
                    if hi <= lo:
                        continue
                    a = (_scale(lo, rx0, rx1, x0, x1), _scale(hi, rx0, rx1, x0, x1))
                    b = (_scale(lo, ry0, ry1, y0, y1), _scale(hi, ry0, ry1, y0, y1))
                    if a[1] - a[0] >= min_chars and b[1] - b[0] >= min_chars:
                        sim = min(by_doc[x].similarity, by_doc[y].similarity)
                        passages.append(Passage(a, b, round(sim, 4)))
            if not passages:
                continue
            cov_a = min(1.0, sum(q.a[1] - q.a[0] for q in passages) / max(1, lengths.get(x, 1)))
            cov_b = min(1.0, sum(q.b[1] - q.b[0] for q in passages) / max(1, lengths.get(y, 1)))
            relation: Relation
            doc_a, doc_b = x, y
            if by_doc[x].relation == by_doc[y].relation == "copy" and min(cov_a, cov_b) >= 0.98:
                relation = "duplicate"
            elif min(cov_a, cov_b) >= near_duplicate:
                relation = "near_duplicate"
            elif (cov_a if lengths.get(x, 0) <= lengths.get(y, 0) else cov_b) >= excerpt:
                relation = "excerpt"
                if lengths.get(x, 0) > lengths.get(y, 0):
                    doc_a, doc_b, cov_a, cov_b = y, x, cov_b, cov_a
                    passages = [Passage(q.b, q.a, q.similarity) for q in passages]
            else:
                relation = "overlap"
            origin = _line_origin(doc_a, doc_b, by_doc, edge_origin)
            if origin is None and relation == "excerpt":
                origin = doc_b  # the excerpt evidence: the longer side, as in a scan
            yield Pair(doc_a, doc_b, relation, origin, cov_a, cov_b, tuple(sorted(passages, key=lambda q: q.a)))


def _line_origin(
    x: str, y: str, by_doc: Mapping[str, Member], edge_origin: Mapping[frozenset[str], str | None]
) -> str | None:
    """Return x or y when it is the other's ancestor along edges each directed from the
    source by its pair's origin, else None."""
    for top, low in ((x, y), (y, x)):
        doc = low
        while doc != top:
            source = by_doc[doc].source
            if source is None or edge_origin.get(frozenset((doc, source))) != source:
                break
            doc = source
        else:
            return top
    return None


def all_pairs(stories: Iterable[Story], lengths: Mapping[str, int]) -> list[Pair]:
    """Return every pair of members of each story, by ``doc_a, doc_b``: a tree pair as
    aligned, the others mapped through their story (:func:`member_pairs`); a pair of
    documents in two stories keeps the story's in which they share the most text (two
    copies of an article that quotes another are in the quoted story with the quote
    only, and in their own with the whole text), the first story's on a tie."""
    found: dict[tuple[str, str], Pair] = {}
    for story in stories:
        tree = {(p.doc_a, p.doc_b): p for p in story.pairs}
        for p in member_pairs(story, lengths):
            key = (min(p.doc_a, p.doc_b), max(p.doc_a, p.doc_b))
            chosen = tree.get((p.doc_a, p.doc_b)) or tree.get((p.doc_b, p.doc_a)) or p
            held = found.get(key)
            if held is None or chosen.coverage_a + chosen.coverage_b > held.coverage_a + held.coverage_b:
                found[key] = chosen
    for story in stories:
        for p in story.pairs:  # a tree pair whose mapped passages fell under the minimum
            found.setdefault((min(p.doc_a, p.doc_b), max(p.doc_a, p.doc_b)), p)
    return sorted(found.values(), key=lambda p: (p.doc_a, p.doc_b))


@dataclass(frozen=True)
class Joined:
    """A stored story a new document joins: how it holds the story's text, through which member.

    ``via`` is the member it shares the text with (its likely source in the story);
    ``spans`` are raw spans of the new document holding the story's text, ``similarity``
    theirs, ``coverage`` the share of the new document they cover; ``origin``, ``size``
    and ``representative`` are the story's.
    """

    story: str
    relation: MemberRelation
    via: str
    similarity: float
    coverage: float
    spans: tuple[Span, ...]
    origin: str | None
    size: int
    representative: str

    def to_dict(self) -> dict[str, object]:
        """Return the record ``trace --json`` gives for it."""
        return {"story": self.story, "relation": self.relation, "via": self.via, "similarity": round(self.similarity, 4),
                "coverage": round(self.coverage, 4), "spans": [[a, b] for a, b in self.spans], "origin": self.origin,
                "size": self.size, "representative": self.representative}


# A pair with a quoted member holds the story's text when its passages share this many
# characters of the quoted spans (or half of them, when they are shorter).
JOIN_CHARS = 100


def _joined_relation(p: Pair, m: Member) -> MemberRelation:
    """Return how doc_a of `p` holds the story's text that doc_b holds as member `m`."""
    holds_whole = p.relation in _COPY or (p.relation == "excerpt" and p.coverage_a >= p.coverage_b)
    if m.relation in ("copy", "near_copy") and p.relation == "duplicate":
        return m.relation  # a copy of a near copy is a near copy of the text
    if m.relation in ("copy", "near_copy") and p.relation == "near_duplicate":
        return "near_copy"
    if m.relation in ("copy", "near_copy", "excerpt") and holds_whole:
        return "excerpt"  # all of it lies in the text (or in an excerpt of it)
    return "quoted"  # it holds a part of the text inside its own


def join_stories(pairs: Sequence[Pair], stories: Sequence[Story], length: int) -> list[Joined]:
    """Return the stories a new document (``doc_a`` of every pair, `length` raw characters
    long) joins: the story of each whole member (copy, near copy, excerpt) it is paired
    with, and the stories a quoted member quotes where the pair's passages share at least
    `JOIN_CHARS` of the quoted spans (or half of them, when shorter).

    Its relation to each story's text: ``copy`` or ``near_copy`` when it is a (near)
    duplicate of a whole member, ``excerpt`` when its whole text lies in a whole member or
    an excerpt, else ``quoted`` (it holds part of the text: it overlaps a member, contains
    a member, or shares a quoted member's quoted span). Of several members of one story,
    the closest relation wins, then the most shared text. In order of relation, then of
    `stories` (most widely spread first).

    >>> s = Story("st-1", "a", "a", (Member("a", "copy", ((0, 500),), None, 1.0, 1.0),), None, None, 0, ())
    >>> [(j.story, j.relation, j.via, j.spans) for j in join_stories(
    ...     [Pair("new", "a", "excerpt", "a", 1.0, .4, (Passage((0, 200), (100, 300), 1.0),))], [s], 200)]
    [('st-1', 'excerpt', 'a', ((0, 200),))]
    """
    found: dict[str, tuple[tuple[int, int, float, str], Joined]] = {}
    rank = {s.id: k for k, s in enumerate(stories)}
    for story in stories:
        for p in pairs:
            m = story.member(p.doc_b)
            if m is None:
                continue
            # A whole member's text is the story's (its spans say only what its pairs saw of
            # it); a quoted member holds the story's text in its quoted spans only.
            whole = m.relation != "quoted"
            held = sum(e - s for s, e in m.spans)
            mine, shared, weighted = [], 0, 0.0
            for q in p.passages:
                for s0, s1 in ((q.b,) if whole else m.spans):
                    lo, hi = max(q.b[0], s0), min(q.b[1], s1)
                    if hi <= lo:
                        continue
                    shared += hi - lo
                    weighted += q.similarity * (hi - lo)
                    mine.append((_scale(lo, *q.b, *q.a), _scale(hi, *q.b, *q.a)))
            if not shared or (not whole and shared < min(JOIN_CHARS, held / 2)):
                continue
            relation = _joined_relation(p, m)
            spans = _extent(mine)
            similarity = weighted / shared
            key = (MEMBER_RELATIONS.index(relation), -shared, -similarity, p.doc_b)
            if story.id not in found or key < found[story.id][0]:
                coverage = min(1.0, sum(e - s for s, e in spans) / max(1, length))
                found[story.id] = (key, Joined(story.id, relation, p.doc_b, round(similarity, 4), round(coverage, 4),
                                               spans, story.origin, story.size, story.representative))
    return [j for _, j in sorted(found.values(), key=lambda kj: (kj[0][0], rank[kj[1].story]))]
