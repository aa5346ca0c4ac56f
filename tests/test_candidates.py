"""Tests for textreuse.index.candidates: sketches and the candidate-pair search."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from textreuse.index.candidates import (
    IndexConfig,
    Sketch,
    candidate_pairs,
    find_candidates,
    fingerprint,
    sketch,
    sketch_many,
)
from textreuse.index.tokenize import mix64, ngrams, tokenize


def brute_force(sketches: list[Sketch], config: IndexConfig) -> list[tuple[int, int, int]]:
    """Return (a, b, shared) for all pairs, by the documented rule, one pair at a time.

    Shared: sampled n-grams in both sketches found in at most ``max_df`` documents, or
    in more when one of the two is the n-gram's anchor.
    Each shared n-gram *links* to the first shared n-gram starting at least
    ``shingle_n`` words later along text a, when the two are ``shingle_n``..``window``
    words apart in both texts. A candidate has at least ``min_shared`` shared n-grams
    and ``min_shared - 1`` links. Detours are left out: an *anchored* pair (a candidate
    only through long lists) joins a member with an anchor (higher priority, the lesser
    document among equals); one that is not the member's best anchor (highest priority,
    lesser document), of a member with at least half its best anchor's priority, and that
    is itself a candidate with the best one is a detour.
    """
    df = Counter(h for s in sketches for h in set(s.hashes.tolist()))
    # A long list (df > max_df) pairs its documents with its anchor only: the member
    # with the most n-grams in long lists, the least document among equals.
    priority = [sum(df[h] > config.max_df for h in set(s.hashes.tolist())) for s in sketches]
    anchor = {}
    for h, n in df.items():
        if n > config.max_df:
            anchor[h] = min((k for k, s in enumerate(sketches) if h in set(s.hashes.tolist())),
                            key=lambda k: (-priority[k], k))

    def qualifies(shared: list[tuple[int, int]]) -> bool:
        links = 0
        for xa, xb in shared:
            later = [(ya, yb) for ya, yb in shared if ya >= xa + config.shingle_n]
            if later:
                ya, yb = later[0]
                links += ya - xa <= config.window and config.shingle_n <= abs(yb - xb) <= config.window
        return len(shared) >= config.min_shared and links >= config.min_shared - 1

    out, anchored = [], set()
    for a, b in combinations(range(len(sketches)), 2):
        pos_a = dict(zip(sketches[a].hashes.tolist(), sketches[a].positions.tolist()))
        pos_b = dict(zip(sketches[b].hashes.tolist(), sketches[b].positions.tolist()))
        both = pos_a.keys() & pos_b.keys()
        shared = sorted((pos_a[h], pos_b[h]) for h in both if df[h] <= config.max_df or anchor[h] in (a, b))
        if qualifies(shared):
            out.append((a, b, len(shared)))
            if not qualifies(sorted((pos_a[h], pos_b[h]) for h in both if df[h] <= config.max_df)):
                anchored.add((a, b))
    rank = {k: (-priority[k], k) for k in range(len(sketches))}
    sides = {p: (min(p, key=rank.__getitem__), max(p, key=rank.__getitem__)) for p in anchored}  # (anchor, member)
    best: dict[int, int] = {}
    for anchor_, member in sides.values():
        if member not in best or rank[anchor_] < rank[best[member]]:
            best[member] = anchor_
    pairs = {(a, b) for a, b, _ in out}
    detours = {p for p, (anchor_, member) in sides.items()
               if anchor_ != best[member] and 2 * priority[member] >= priority[best[member]]
               and (min(anchor_, best[member]), max(anchor_, best[member])) in pairs}
    return [row for row in out if row[:2] not in detours]


@st.composite
def sketches_(draw: st.DrawFn) -> list[Sketch]:
    """Return up to 9 small random sketches: distinct hashes at distinct positions."""
    out = []
    for _ in range(draw(st.integers(0, 9))):
        hashes = draw(st.lists(st.integers(0, 30), max_size=20, unique=True))
        positions = draw(
            st.lists(st.integers(0, 150), min_size=len(hashes), max_size=len(hashes), unique=True)
        )
        out.append(Sketch(np.array(hashes, dtype=np.uint64), np.array(positions, dtype=np.int64)))
    return out


@settings(max_examples=150, deadline=None)
@given(sketches_(), st.integers(1, 10), st.integers(1, 4), st.integers(1, 6), st.integers(5, 60))
def test_candidate_pairs_match_brute_force(
    sketches: list[Sketch], max_df: int, min_shared: int, shingle_n: int, window: int
) -> None:
    config = IndexConfig(max_df=max_df, min_shared=min_shared, shingle_n=shingle_n, window=window)
    a, b, shared = candidate_pairs(sketches, config=config)
    got = sorted(zip(a.tolist(), b.tolist(), shared.tolist()))
    assert got == brute_force(sketches, config)


def _sk(hashes: list[int], positions: list[int]) -> Sketch:
    return Sketch(np.array(hashes, dtype=np.uint64), np.array(positions, dtype=np.int64))


def test_candidate_pairs_with_large_hashes() -> None:
    big = [2**64 - 1, 2**63 + 5, 17]
    sketches = [_sk(big, [0, 10, 20]), _sk(big[:2], [100, 110]), _sk([], [])]
    a, b, shared = candidate_pairs(sketches)
    assert (a.tolist(), b.tolist(), shared.tolist()) == ([0], [1], [2])


def test_common_ngrams_beyond_max_df_pair_with_their_anchor_only() -> None:
    # Twelve copies of one text: its n-grams are in 12 > max_df documents, so each copy
    # pairs with one anchor (the first copy: all hold as many long-list n-grams), not
    # with all eleven others.
    sketches = [_sk([1, 2, 3], [0, 10, 20]) for _ in range(12)]
    sketches += [_sk([1, 7, 8], [0, 10, 20]), _sk([7, 8], [50, 60])]
    a, b, _ = candidate_pairs(sketches, config=IndexConfig(max_df=11))
    assert list(zip(a.tolist(), b.tolist())) == [(0, k) for k in range(1, 12)] + [(12, 13)]


def test_a_stock_phrase_beyond_max_df_pairs_nothing() -> None:
    # One n-gram in many different texts: each shares it with the anchor, but a lone
    # shared n-gram never makes a candidate.
    sketches = [_sk([1, 100 + k, 200 + k], [0, 10, 20]) for k in range(30)]
    a, _, _ = candidate_pairs(sketches, config=IndexConfig(max_df=5))
    assert a.shape[0] == 0


def test_no_shared_ngram_gives_no_candidates() -> None:
    a, b, shared = candidate_pairs([_sk([1, 2], [0, 10]), _sk([3, 4], [0, 10])])
    assert a.shape[0] == b.shape[0] == shared.shape[0] == 0


def test_shared_ngrams_window_apart_support_each_other_despite_one_between() -> None:
    a, b, _ = candidate_pairs([_sk([1, 2, 3], [0, 3, 6]), _sk([1, 2, 3], [100, 103, 106])])
    assert list(zip(a.tolist(), b.tolist())) == [(0, 1)]


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(30, 80), st.integers(1, 300))
def test_sketch_of_a_passage_is_kept_inside_any_document_containing_it(
    make_gen, seed: int, n: int, pos: int
) -> None:
    g = make_gen(seed)
    passage = g.words(n)
    doc = g.words(pos) + passage + g.words(50)
    inner = set(sketch(tokenize(" ".join(passage)).hashes).hashes.tolist())
    outer = set(sketch(tokenize(" ".join(doc)).hashes).hashes.tolist())
    assert inner <= outer


def test_sketch_samples_about_one_ngram_in_sample(gen) -> None:
    words = gen.words(4000)
    s = sketch(tokenize(" ".join(words)).hashes, config=IndexConfig(sample=4))
    assert 800 < len(s) < 1200


def test_sketch_is_sorted_and_distinct(gen) -> None:
    words = gen.words(300)
    s = sketch(tokenize(" ".join(words + words)).hashes).hashes
    assert s.shape[0] > 0 and bool(np.all(s[1:] > s[:-1]))


def test_sketch_positions_are_first_occurrences(gen) -> None:
    words = gen.words(300)
    hashes = tokenize(" ".join(words + words)).hashes
    s = sketch(hashes)
    grams = ngrams(hashes, 5).tolist()
    assert s.positions.tolist() == [grams.index(h) for h in s.hashes.tolist()]


def test_sketch_of_too_short_text_is_empty() -> None:
    assert len(sketch(tokenize("one two three four").hashes, config=IndexConfig(shingle_n=5))) == 0


def test_fingerprint_equal_for_duplicates_differing_in_case_and_space() -> None:
    a = tokenize("The “quick” brown fox — jumps over\r\nthe lazy dog.")
    b = tokenize('the "QUICK" brown   fox - jumps over the lazy dog')
    assert fingerprint(a.hashes) == fingerprint(b.hashes)


def test_fingerprint_differs_when_one_word_changes() -> None:
    a = tokenize("the quick brown fox jumps over the lazy dog")
    b = tokenize("the quick brown cat jumps over the lazy dog")
    assert fingerprint(a.hashes) != fingerprint(b.hashes)


def _corpus_sketches(gen, n_docs: int = 200):
    docs = [gen.words(int(gen.rng.integers(150, 400))) for _ in range(n_docs)]
    shared = gen.words(40)
    x = gen.words(900) + shared + gen.words(1060)
    y = gen.words(1500) + shared + gen.words(460)
    docs[37], docs[151] = x, y
    return [sketch(tokenize(" ".join(d)).hashes) for d in docs]


def test_overlapping_ngrams_of_one_short_phrase_do_not_pair() -> None:
    # Two shared n-grams 1 word apart are one stock phrase, not two pieces of evidence.
    a, _, _ = candidate_pairs([_sk([1, 2], [40, 41]), _sk([1, 2], [300, 301])])
    assert a.shape[0] == 0


def test_shared_ngrams_far_apart_do_not_pair() -> None:
    a, _, _ = candidate_pairs(
        [_sk([1, 2], [0, 20]), _sk([1, 2], [0, 900])], config=IndexConfig(window=50)
    )
    assert a.shape[0] == 0


def test_forty_word_passages_are_almost_always_candidates(gen) -> None:
    missed = 0
    for _ in range(400):
        p = gen.words(40)
        a = tokenize(" ".join(gen.words(50) + p + gen.words(50))).hashes
        b = tokenize(" ".join(gen.words(30) + p + gen.words(70))).hashes
        x, _, _ = candidate_pairs([sketch(a), sketch(b)])
        missed += x.shape[0] == 0
    assert missed <= 2  # 0.5%; fewer than two sampled 5-grams out of 36 is ~0.04%


def test_corpus_search_finds_a_40_word_passage_between_two_long_documents(gen) -> None:
    a, b, _ = candidate_pairs(_corpus_sketches(gen))
    assert (37, 151) in set(zip(a.tolist(), b.tolist()))


def test_corpus_search_pairs_no_unrelated_documents(gen) -> None:
    a, b, _ = candidate_pairs(_corpus_sketches(gen))
    assert list(zip(a.tolist(), b.tolist())) == [(37, 151)]


def test_ngrams_of_short_sequence_is_empty() -> None:
    assert ngrams(tokenize("a b").hashes, 3).shape == (0,)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 6), max_size=30), max_size=8),
    st.integers(1, 5),
    st.integers(1, 3),
)
def test_sketch_many_matches_sketch_one_by_one(docs: list[list[int]], n: int, sample: int) -> None:
    config = IndexConfig(shingle_n=n, sample=sample)
    hashes = [np.array(d, dtype=np.uint64) for d in docs]
    many = sketch_many(hashes, config=config)
    one = [sketch(h, config=config) for h in hashes]
    assert [m.hashes.tolist() for m in many] == [o.hashes.tolist() for o in one]
    assert [m.positions.tolist() for m in many] == [o.positions.tolist() for o in one]


@settings(max_examples=60, deadline=None)
@given(sketches_(), st.integers(1, 6), st.sampled_from([None, 1, 200]))
def test_candidate_pairs_in_hash_slices_match_brute_force(sketches: list[Sketch], part: int, budget: int | None) -> None:
    import textreuse.index.candidates as candidates
    import textreuse.index.runs as runs

    config = IndexConfig(max_df=5, min_shared=2)
    # Real n-gram hashes are uniform 64-bit values; mixing keeps the collisions.
    sketches = [Sketch(mix64(s.hashes), s.positions) for s in sketches]
    saved = candidates._PART_SIZE, runs.BUDGET
    candidates._PART_SIZE = part  # many slices even for a tiny corpus
    if budget is not None:
        runs.BUDGET = budget  # the listed n-grams go to disk in runs (1: after every slice)
    try:
        a, b, shared = candidate_pairs(sketches, config=config)
    finally:
        candidates._PART_SIZE, runs.BUDGET = saved
    assert sorted(zip(a.tolist(), b.tolist(), shared.tolist())) == brute_force(sketches, config)


def test_listed_ngrams_on_disk_give_the_candidates_held_in_memory(gen) -> None:
    import textreuse.index.runs as runs

    # Copies beyond max_df (anchored pairs, detours) and excerpts among unrelated texts.
    story = gen.words(400)
    texts = [gen.prose(gen.edit(story, 0.04)) for _ in range(12)] + [gen.prose(story[100:200]) for _ in range(3)]
    texts += [gen.prose(gen.words(300)) for _ in range(40)]
    sketches = [sketch(tokenize(t).hashes) for t in texts]
    config = IndexConfig(max_df=6)
    held = find_candidates(sketches, config=config)
    saved = runs.BUDGET
    runs.BUDGET = 1
    try:
        spilled = find_candidates(sketches, config=config)
    finally:
        runs.BUDGET = saved
    assert held.anchored.any() and held.a.shape[0] > 12
    for name in ("a", "b", "shared", "priority", "anchored"):
        assert getattr(spilled, name).tolist() == getattr(held, name).tolist(), name


def test_copies_of_a_text_beyond_max_df_are_aligned_once_each(tmp_path, gen) -> None:
    import textreuse
    from textreuse.config import Config

    story = gen.words(300)
    for k in range(10):
        (tmp_path / f"v{k}.txt").write_text(gen.prose(gen.edit(story, 0.04)), encoding="utf-8")
    config = Config(index=IndexConfig(max_df=4))
    result = textreuse.scan([tmp_path], workers=1, config=config)
    # One candidate per copy but the fullest: no detours through a second anchor.
    assert result.candidates == 9
    assert [len(s.members) for s in result.stories] == [10]
    assert len(result.all_pairs()) == 45
