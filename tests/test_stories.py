"""Stories built from aligned pairs: texts, excerpts hung under one source, quotes kept apart."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textreuse.model import Document, Pair, Passage
from textreuse.relate.stories import build_stories, story_id, tree_pairs


def near(a: str, b: str, sim: float = 0.9) -> Pair:
    return Pair(a, b, "near_duplicate", None, 0.9, 0.9, (Passage((0, 100), (0, 100), sim),))


def dup(a: str, b: str) -> Pair:
    return Pair(a, b, "duplicate", None, 1.0, 1.0, (Passage((0, 100), (0, 100), 1.0),))


def excerpt(e: str, src: str, at: int = 0, cover: float = 0.3) -> Pair:
    return Pair(e, src, "excerpt", None, 1.0, cover, (Passage((0, 30), (at, at + 30), 1.0),))


def overlap(a: str, b: str, origin: str | None = None) -> Pair:
    return Pair(a, b, "overlap", origin, 0.2, 0.3, (Passage((200, 230), (40, 70), 0.95),))


def by_rep(stories):
    return {s.representative: s for s in stories}


def test_copies_are_one_story_with_a_tree_of_n_minus_one_pairs() -> None:
    pairs = [near("a", f"c{k}") for k in range(5)] + [dup("c0", "c0x")]
    (story,) = build_stories(pairs, {})
    assert story.representative == "a" and story.size == 7
    assert len(story.pairs) == story.size - 1
    assert {m.doc_id: m.relation for m in story.members}["c0x"] == "copy"
    assert {m.doc_id: m.source for m in story.members}["c0x"] == "c0"


def test_quoting_joins_the_quoted_story_with_its_span_only() -> None:
    # s and its copy t; q (with its own copy r) quotes s: q is a quoted member of s's
    # story and keeps its own story with r.
    pairs = [near("s", "t"), near("q", "r"), overlap("q", "s", origin="s")]
    stories = by_rep(build_stories(pairs, {}))
    assert set(stories) == {"q", "s"}
    quoted = stories["s"].member("q")
    assert quoted is not None and quoted.relation == "quoted" and quoted.spans == ((200, 230),)
    assert {m.doc_id for m in stories["q"].members} == {"q", "r"}
    assert stories["s"].member("r") is None


def quote(a: str, b: str, a_span: tuple[int, int], b_span: tuple[int, int]) -> Pair:
    return Pair(a, b, "overlap", None, 0.1, 0.1, (Passage(a_span, b_span, 0.95),))


def test_a_lone_document_quoted_in_separate_places_is_a_story_per_place() -> None:
    # A digest d (no copy of its own) holds a passage of each of three articles, the
    # second's span touching the third's by 3 characters (an alignment's slop), and a
    # fourth article overlapping the first passage mostly: three stories, none holding two
    # articles' texts, each with the digest's span of its passage only.
    pairs = [quote("a1", "d", (100, 400), (0, 300)), quote("a2", "d", (50, 350), (302, 602)),
             quote("a3", "d", (0, 300), (599, 899)), quote("a4", "d", (10, 290), (20, 300))]
    stories = build_stories(pairs, {})
    held = sorted((tuple(sorted(m.doc_id for m in s.members if m.doc_id != "d")), s.member("d").spans)
                  for s in stories)
    assert held == [(("a1", "a4"), ((0, 300),)), (("a2",), ((302, 602),)), (("a3",), ((599, 899),))]
    assert len({s.id for s in stories}) == 3
    assert tree_pairs(stories) == sorted(pairs, key=lambda p: (p.doc_a, p.doc_b))  # each pair whole, once


def test_two_documents_quoting_each_other_are_two_stories() -> None:
    # x quotes y at 900-1000 and y quotes x at 800-900: one pair, two passages, two texts.
    pair = Pair("x", "y", "overlap", None, 0.1, 0.1,
                (Passage((0, 100), (800, 900), 1.0), Passage((900, 1000), (0, 100), 1.0)))
    stories = build_stories([pair], {})
    assert len(stories) == 2 and len({s.id for s in stories}) == 2
    spans = sorted((s.member("x").spans, s.member("y").spans) for s in stories)
    assert spans == [(((0, 100),), ((800, 900),)), (((900, 1000),), ((0, 100),))]
    assert all(s.pairs == (pair,) for s in stories)


def test_copies_of_a_quoting_article_hold_the_quote_too() -> None:
    # A flash f is expanded into a full story x (its first 30 characters are f), which
    # two desks carry: y, a duplicate, and z, a near copy shifted by 10 characters. f's
    # story is f and the three places that hold it; x's story stays x, y, z.
    full = (Passage((0, 400), (0, 400), 1.0),)
    shifted = (Passage((0, 400), (10, 410), 0.95),)
    pairs = [
        Pair("f", "x", "excerpt", "f", 1.0, 0.2, (Passage((0, 30), (0, 30), 1.0),)),
        Pair("x", "y", "duplicate", None, 1.0, 1.0, full),
        Pair("x", "z", "near_duplicate", None, 0.97, 0.97, shifted),
    ]
    docs = {"f": Document("f", "", date="2024-01-01"), "x": Document("x", "", date="2024-01-02")}
    stories = by_rep(build_stories(pairs, docs))
    flash = stories["f"]
    assert {m.doc_id: (m.relation, m.spans, m.source) for m in flash.members} == {
        "f": ("copy", ((0, 30),), None),
        "x": ("quoted", ((0, 30),), "f"),
        "y": ("quoted", ((0, 30),), "x"),
        "z": ("quoted", ((10, 40),), "x"),
    }
    assert len(flash.pairs) == flash.size - 1
    assert {m.doc_id for m in stories["x"].members} == {"x", "y", "z"}


def test_an_article_quoting_three_stories_is_in_four() -> None:
    pairs = [near(f"s{k}", f"t{k}") for k in range(3)] + [near("q", "q2")]
    pairs += [overlap("q", f"s{k}", origin=f"s{k}") for k in range(3)]
    stories = build_stories(pairs, {})
    assert sum(1 for s in stories if s.member("q") is not None) == 4
    assert len(stories) == 4


def test_an_excerpt_hangs_under_the_source_it_covers_most() -> None:
    # e is an excerpt of s (covering 40% of it) and of a longer t (10%): one parent only,
    # so s's and t's stories stay apart.
    pairs = [near("s", "s2"), near("t", "t2"), excerpt("e", "s", cover=0.4), excerpt("e", "t", cover=0.1)]
    stories = by_rep(build_stories(pairs, {}))
    assert stories["s"].member("e") is not None and stories["s"].member("e").relation == "excerpt"
    assert "e" not in {m.doc_id for m in stories["t"].members if m.relation != "quoted"}
    assert stories["t"].member("s") is None


@pytest.mark.parametrize(("s_date", "parent"), [(None, "s"), ("2004-03-01", "s"), ("2004-04-01", "h")])
def test_dates_choose_an_excerpts_source_only_when_every_source_is_dated(s_date: str | None, parent: str) -> None:
    # e excerpts s, and h (dated) quotes the part of s that e holds: e hangs under s, the
    # text it covers most, unless dates say h came first (an undated s may be earlier).
    pairs = [excerpt("e", "s", cover=0.4), excerpt("e", "h", at=300, cover=0.1), overlap("h", "s", origin="s")]
    docs = {"h": Document("h", "x", date="2004-03-16"), "s": Document("s", "x", date=s_date)}
    held = [(st.representative, m.source) for st in build_stories(pairs, docs) for m in st.members if m.doc_id == "e"]
    assert held == [(parent, parent)]


def test_copies_of_an_excerpt_are_excerpts_of_the_story() -> None:
    pairs = [near("s", "s2"), excerpt("e", "s"), dup("e", "e2")]
    (story,) = build_stories(pairs, {})
    assert {m.doc_id: m.relation for m in story.members} == {"s": "copy", "s2": "near_copy", "e": "excerpt", "e2": "excerpt"}


def test_the_origin_is_the_member_the_evidence_names() -> None:
    dated = Pair("a", "b", "near_duplicate", "b", 0.9, 0.9, (Passage((0, 100), (0, 100), 0.9),))
    (story,) = build_stories([dated, near("b", "c")], {})
    assert story.origin == "b" and story.representative == "b"


def test_dates_and_sites() -> None:
    docs = {
        "a": Document("a", "x", date="2024-01-03", url="https://www.one.example/a"),
        "b": Document("b", "x", date="2024-01-01", url="https://two.example/b"),
        "c": Document("c", "x", site_name="One.example"),
    }
    (story,) = build_stories([near("a", "b"), near("a", "c")], docs)
    assert (story.first_date, story.last_date, story.sites) == ("2024-01-01", "2024-01-03", 2)


def test_story_ids_depend_on_members_only() -> None:
    pairs = [near("a", "b"), near("b", "c")]
    (one,) = build_stories(pairs, {})
    (two,) = build_stories(list(reversed(pairs)), {})
    assert one.id == two.id == story_id(["c", "b", "a"])


def test_tree_pairs_lists_each_edge_once() -> None:
    pairs = [near("a", "b"), near("a", "c"), near("b", "c")]
    stories = build_stories(pairs, {})
    assert [(p.doc_a, p.doc_b) for p in tree_pairs(stories)] == [("a", "b"), ("a", "c")]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 40))
def test_random_pair_graphs_make_trees(seed: int, n: int) -> None:
    """Whatever the pairs: every member but the representative has a source in its story,
    each story lists size - 1 tree pairs, and every document of a copy pair is in one
    story as a whole member."""
    rng = np.random.default_rng(seed)
    ids = [f"d{k}" for k in range(n)]
    pairs = []
    for _ in range(int(rng.integers(1, 3 * n))):
        a, b = sorted(rng.choice(ids, size=2, replace=False).tolist())
        kind = int(rng.integers(4))
        pairs.append([near(a, b), dup(a, b), excerpt(a, b), overlap(a, b, origin=[None, a, b][int(rng.integers(3))])][kind])
    stories = build_stories(pairs, {})
    whole_of: dict[str, int] = {}
    for s in stories:
        docs = {m.doc_id for m in s.members}
        assert len(docs) == s.size and len(s.pairs) == s.size - 1
        for m in s.members:
            if m.source is None:
                assert m.doc_id == s.representative
            else:
                assert m.source in docs
            if m.relation != "quoted":
                whole_of[m.doc_id] = whole_of.get(m.doc_id, 0) + 1
    for p in pairs:
        if p.relation in ("duplicate", "near_duplicate"):
            assert whole_of.get(p.doc_a) == 1 and whole_of.get(p.doc_b) == 1


def test_member_pairs_map_passages_through_the_tree() -> None:
    from textreuse.relate.stories import member_pairs

    b = Pair("a", "b", "near_duplicate", None, 0.9, 0.9, (Passage((0, 1000), (0, 1000), 0.9),))
    c = Pair("a", "c", "near_duplicate", None, 0.9, 0.9, (Passage((0, 1000), (100, 1100), 0.8),))
    q = Pair("q", "c", "overlap", None, 0.1, 0.2, (Passage((5000, 5300), (600, 900), 1.0),))
    (story,) = build_stories([b, c, q], {})
    found = {(p.doc_a, p.doc_b): p for p in member_pairs(story, {"a": 1000, "b": 1000, "c": 1100, "q": 9000})}
    assert set(found) == {("a", "b"), ("a", "c"), ("a", "q"), ("b", "c"), ("b", "q"), ("c", "q")}
    bc = found[("b", "c")]
    assert bc.relation == "near_duplicate" and [(x.a, x.b) for x in bc.passages] == [((0, 1000), (100, 1100))]
    assert bc.passages[0].similarity == 0.8
    # q quoted c's 600-900, which is a's 500-800 and b's 500-800.
    bq = found[("b", "q")]
    assert bq.relation == "overlap" and [(x.a, x.b) for x in bq.passages] == [((500, 800), (5000, 5300))]


def test_the_terminal_tree_lists_siblings_by_relation_then_id() -> None:
    from rich.console import Console

    from textreuse.report.terminal import story_tree

    pairs = [near("a", "c"), near("a", "b"), excerpt("e", "a"), overlap("q", "b", origin="b")]
    (story,) = build_stories(pairs, {})
    console = Console(width=200, record=True)
    console.print(story_tree(story))
    lines = [line.strip("│├└─ ") for line in console.export_text().splitlines()[1:]]
    assert [line.split()[0] for line in lines] == ["a", "b", "q", "c", "e"]


def test_two_texts_quoting_each_other_through_different_copies_are_two_stories() -> None:
    # a1/a2 and b1/b2 are two texts; their pairs of different copies were directed by
    # different evidence (a1 the source of one, b2 of the other), so each text is quoted in
    # the other's story and both stories hold the same documents: each keeps its own id.
    full = (Passage((0, 400), (0, 400), 1.0),)
    pairs = [
        Pair("a1", "a2", "duplicate", None, 1.0, 1.0, full),
        Pair("b1", "b2", "duplicate", None, 1.0, 1.0, full),
        Pair("a1", "b1", "overlap", "a1", 0.2, 0.2, (Passage((50, 150), (60, 160), 1.0),)),
        Pair("a2", "b2", "overlap", "b2", 0.2, 0.2, (Passage((50, 150), (60, 160), 1.0),)),
    ]
    stories = build_stories(pairs, {})
    assert len({s.id for s in stories}) == len(stories) == 2
    assert {frozenset(m.doc_id for m in s.members) for s in stories} == {frozenset(("a1", "a2", "b1", "b2"))}
    # Read back by id, each story is one tree: every member reaches the representative.
    for s in stories:
        source = {m.doc_id: m.source for m in s.members}
        for d in source:
            hops = 0
            while source[d] is not None and hops <= len(source):
                d, hops = source[d], hops + 1
            assert d == s.representative


def test_all_pairs_keeps_the_story_where_two_members_share_the_most() -> None:
    # y and z carry x, which quotes the first 150 characters of f: in f's story they hold
    # the quote only, in x's the whole text. Their pair is the near copy, listed once.
    from textreuse.relate.stories import all_pairs

    pairs = [
        Pair("f", "x", "excerpt", "f", 1.0, 0.375, (Passage((0, 150), (0, 150), 1.0),)),
        Pair("x", "y", "duplicate", None, 1.0, 1.0, (Passage((0, 400), (0, 400), 1.0),)),
        Pair("x", "z", "near_duplicate", None, 0.97, 0.97, (Passage((0, 400), (10, 410), 0.95),)),
    ]
    docs = {"f": Document("f", "", date="2024-01-01"), "x": Document("x", "", date="2024-01-02")}
    stories = build_stories(pairs, docs)
    assert len(stories) == 2
    found = all_pairs(stories, {"f": 150, "x": 400, "y": 400, "z": 420})
    keys = [frozenset((p.doc_a, p.doc_b)) for p in found]
    assert len(keys) == len(set(keys))
    (yz,) = [p for p in found if {p.doc_a, p.doc_b} == {"y", "z"}]
    assert yz.relation == "near_duplicate" and min(yz.coverage_a, yz.coverage_b) > 0.9
