"""Connected components, shared by every stage that groups things (recurring-line groups in
clean, stories in relate).

It sits beside the stages rather than in one of them, so that clean need not import
relate (imports run down the stages, never back up).
"""

from __future__ import annotations

from collections.abc import Iterable


def components(n: int, edges: Iterable[tuple[int, int]]) -> list[int]:
    """Return, for each of `n` nodes, the smallest node of its connected component.

    >>> components(5, [(0, 3), (4, 3)])
    [0, 1, 2, 0, 0]
    """
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]  # path halving
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [find(x) for x in range(n)]


class UnionFind:
    """Union-find over string ids (document ids); a root is the smallest id of its set.

    >>> u = UnionFind(); u.union("b", "c"); u.union("c", "a")
    >>> u.find("b"), u.find("d")
    ('a', 'd')
    """

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        root = x
        while self.parent.setdefault(root, root) != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
