"""Families: connected components over related pairs, with an origin when known."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import xxhash

from textreuse.model import Family, Pair


def family_id(members: Iterable[str]) -> str:
    """Return an id derived from the members alone, so any engine finds the same one.

    >>> family_id(["b", "a"]) == family_id(["a", "b"])
    True
    """
    return "fam-" + xxhash.xxh64_hexdigest("\n".join(sorted(members)).encode())[:12]


def cluster(pairs: Iterable[Pair]) -> list[Family]:
    """Return the families (connected components) of the documents in `pairs`.

    The origin is the member most often judged the origin of its pairs and never
    judged a copy; None when no member stands out.

    >>> from textreuse.model import Pair
    >>> fams = cluster([Pair("a", "b", "excerpt", "b", 0.9, 0.1), Pair("c", "b", "overlap", None, 0.1, 0.1)])
    >>> [(f.members, f.origin) for f in fams]
    [(('a', 'b', 'c'), 'b')]
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    wins: Counter[str] = Counter()
    losses: Counter[str] = Counter()
    for p in pairs:
        ra, rb = find(p.doc_a), find(p.doc_b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
        if p.origin is not None:
            wins[p.origin] += 1
            losses[p.doc_b if p.origin == p.doc_a else p.doc_a] += 1
    groups: dict[str, list[str]] = defaultdict(list)
    for doc in parent:
        groups[find(doc)].append(doc)
    families = []
    for members in groups.values():
        members.sort()
        scored = sorted(((wins[m], m) for m in members if wins[m] and not losses[m]), reverse=True)
        origin = None
        if scored and (len(scored) == 1 or scored[0][0] > scored[1][0]):
            origin = scored[0][1]
        families.append(Family(family_id(members), tuple(members), origin))
    families.sort(key=lambda f: (-len(f.members), f.members[0]))
    return families


@dataclass(frozen=True)
class Lineage:
    """Return-type of :func:`lineage`: who copied whom inside one family.

    ``edges`` are ``(origin, copy, relation)`` of the directed pairs; ``undirected`` the
    pairs whose direction nothing decided; ``scores`` each member's directed pairs won
    minus lost (the origin candidates, best first, are the members with the top score).
    """

    edges: tuple[tuple[str, str, str], ...]
    undirected: tuple[tuple[str, str, str], ...]
    scores: dict[str, int]

    def candidates(self) -> list[tuple[str, int]]:
        """Return the members that were never judged a copy, best score first."""
        copies = {c for _, c, _ in self.edges}
        return sorted(((m, v) for m, v in self.scores.items() if m not in copies and v > 0),
                      key=lambda mv: (-mv[1], mv[0]))


def lineage(family: Family, pairs: Iterable[Pair]) -> Lineage:
    """Return the copy graph (a tree, or a DAG when a copy has two sources) of `family`.

    >>> fam = Family("f", ("a", "b", "c", "d"), "b")
    >>> ps = [Pair("a", "b", "excerpt", "b", .9, .1), Pair("c", "a", "overlap", "a", .1, .1),
    ...       Pair("b", "d", "near_duplicate", None, .9, .9)]
    >>> lin = lineage(fam, ps)
    >>> lin.edges, lin.undirected, lin.candidates()
    ((('b', 'a', 'excerpt'), ('a', 'c', 'overlap')), (('b', 'd', 'near_duplicate'),), [('b', 1)])
    """
    members = set(family.members)
    edges, undirected = [], []
    scores = dict.fromkeys(family.members, 0)
    for p in pairs:
        if p.doc_a not in members or p.doc_b not in members:
            continue
        if p.origin is None:
            undirected.append((p.doc_a, p.doc_b, p.relation))
            continue
        copy = p.doc_b if p.origin == p.doc_a else p.doc_a
        edges.append((p.origin, copy, p.relation))
        scores[p.origin] += 1
        scores[copy] -= 1
    return Lineage(tuple(edges), tuple(undirected), scores)
