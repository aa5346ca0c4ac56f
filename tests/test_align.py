"""Tests for textreuse.align.local_align: seeds, clusters and passages in raw offsets."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textreuse.align.local_align import (
    AlignConfig,
    align,
    align_hashes,
    cluster_seeds,
    find_seeds,
    has_neighbour,
)
from textreuse.index.tokenize import ngrams, tokenize

SEPS = [" ", " ", " ", "\n", "\r\n", ", ", ". ", " — ", " “", "” ", "’ ", "; "]


def render(
    words: list[str], rng: np.random.Generator, lead: str = ""
) -> tuple[str, list[tuple[int, int]]]:
    """Return the words joined by random separators (some capitalised) and each word's span."""
    parts, spans, pos = [lead], [], len(lead)
    for k, w in enumerate(words):
        if k:
            sep = SEPS[int(rng.integers(0, len(SEPS)))]
            parts.append(sep)
            pos += len(sep)
        if rng.random() < 0.1:
            w = w.capitalize()
        parts.append(w)
        spans.append((pos, pos + len(w)))
        pos += len(w)
    return "".join(parts), spans


def overlap(x: tuple[int, int], y: tuple[int, int]) -> int:
    return max(0, min(x[1], y[1]) - max(x[0], y[0]))


@st.composite
def texts_sharing_a_passage(draw: st.DrawFn, make_gen, edit: float = 0.0):
    """Return (A, B, span of P in A, span of P in B) for random A, B with P inserted in both."""
    g = make_gen(draw(st.integers(0, 2**32 - 1)))
    p = g.words(draw(st.integers(40, 80)))
    a_words = g.words(draw(st.integers(0, 300)))
    b_words = g.words(draw(st.integers(0, 300)))
    ia = draw(st.integers(0, len(a_words)))
    ib = draw(st.integers(0, len(b_words)))
    pb = g.edit(p, edit) if edit else p
    wa = a_words[:ia] + p + a_words[ia:]
    wb = b_words[:ib] + pb + b_words[ib:]
    # Non-ASCII text before the passage: offsets are code points, not bytes.
    ta, sa = render(wa, g.rng, lead=draw(st.sampled_from(["", "Ça été “bien” — 漢字 😀\r\n"])))
    tb, sb = render(wb, g.rng, lead=draw(st.sampled_from(["", "Über‐Résumé… ñ\n"])))
    return ta, tb, (sa[ia][0], sa[ia + len(p) - 1][1]), (sb[ib][0], sb[ib + len(pb) - 1][1])


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_align_finds_an_inserted_passage(make_gen, data: st.DataObject) -> None:
    a, b, pa, pb = data.draw(texts_sharing_a_passage(make_gen))
    passages = align(tokenize(a), tokenize(b))
    assert any(
        overlap(p.a, pa) >= 0.9 * (pa[1] - pa[0]) and overlap(p.b, pb) >= 0.9 * (pb[1] - pb[0])
        for p in passages
    ), (pa, pb, passages)


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_reported_passages_stay_inside_the_inserted_passage(make_gen, data: st.DataObject) -> None:
    # The surrounding words are unrelated: a passage must not run far outside P.
    a, b, pa, pb = data.draw(texts_sharing_a_passage(make_gen))
    for p in align(tokenize(a), tokenize(b)):
        assert overlap(p.a, pa) >= 0.9 * (p.a[1] - p.a[0])
        assert overlap(p.b, pb) >= 0.9 * (p.b[1] - p.b[0])


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_raw_slices_of_passages_match_after_normalisation(make_gen, data: st.DataObject) -> None:
    a, b, _, _ = data.draw(texts_sharing_a_passage(make_gen, edit=0.05))
    passages = align(tokenize(a), tokenize(b))
    assert passages
    for p in passages:
        wa = set(tokenize(a[p.a[0] : p.a[1]]).hashes.tolist())
        wb = set(tokenize(b[p.b[0] : p.b[1]]).hashes.tolist())
        assert len(wa & wb) >= 0.5 * min(len(wa), len(wb))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_passages_start_and_end_on_word_boundaries(make_gen, data: st.DataObject) -> None:
    a, b, _, _ = data.draw(texts_sharing_a_passage(make_gen, edit=0.05))
    ta, tb = tokenize(a), tokenize(b)
    for p in align(ta, tb):
        assert p.a[0] in ta.starts.tolist() and p.a[1] in ta.ends.tolist()
        assert p.b[0] in tb.starts.tolist() and p.b[1] in tb.ends.tolist()


def test_similarity_is_between_0_and_1(gen) -> None:
    p = gen.words(200)
    a = gen.words(100) + p + gen.words(100)
    b = gen.words(50) + gen.edit(p, 0.1) + gen.words(50)
    passages = align(tokenize(" ".join(a)), tokenize(" ".join(b)))
    assert passages and all(0.0 < q.similarity <= 1.0 for q in passages)


def test_identical_passage_has_similarity_1(gen) -> None:
    p = gen.words(60)
    [q] = align(tokenize(" ".join(gen.words(30) + p)), tokenize(" ".join(p + gen.words(30))))
    assert q.similarity == pytest.approx(1.0)


def test_passage_shorter_than_min_words_is_not_reported(gen) -> None:
    p = gen.words(15)
    a = tokenize(" ".join(gen.words(100) + p + gen.words(100)))
    b = tokenize(" ".join(gen.words(100) + p + gen.words(100)))
    assert align(a, b, config=AlignConfig(min_words=20)) == []


def test_passage_of_min_words_is_reported(gen) -> None:
    p = gen.words(25)
    a = tokenize(" ".join(gen.words(100) + p + gen.words(100)))
    b = tokenize(" ".join(gen.words(100) + p + gen.words(100)))
    assert len(align(a, b, config=AlignConfig(min_words=20))) == 1


def test_unrelated_texts_share_no_passage(gen) -> None:
    assert align(tokenize(" ".join(gen.words(2000))), tokenize(" ".join(gen.words(2000)))) == []


def test_passage_with_scattered_edits_is_one_passage(gen) -> None:
    p = gen.words(300)
    a = gen.words(80) + p + gen.words(80)
    b = gen.words(40) + gen.edit(p, 0.05) + gen.words(40)
    assert len(align(tokenize(" ".join(a)), tokenize(" ".join(b)))) == 1


def test_one_to_one_pairs_a_repeated_passage_once(gen) -> None:
    p = gen.words(50)
    a = gen.words(60) + p + gen.words(200) + p + gen.words(60)
    b = gen.words(60) + p + gen.words(60)
    assert len(align(tokenize(" ".join(a)), tokenize(" ".join(b)))) == 1


def test_two_separate_passages_are_reported_separately(gen) -> None:
    p, q = gen.words(50), gen.words(50)
    a = gen.words(50) + p + gen.words(300) + q + gen.words(50)
    b = gen.words(50) + q + gen.words(200) + p + gen.words(50)
    passages = align(tokenize(" ".join(a)), tokenize(" ".join(b)))
    assert len(passages) == 2


def test_passage_quoted_many_times_in_b_is_still_found(gen) -> None:
    chorus = gen.words(40)
    a = gen.words(100) + chorus + gen.words(100)
    b: list[str] = []
    for _ in range(10):
        b += gen.words(50) + chorus
    assert align(tokenize(" ".join(a)), tokenize(" ".join(b)))


# ---------------------------------------------------------------- seeds and clusters


def naive_seeds(ha: np.ndarray, hb: np.ndarray, n: int) -> list[tuple[int, int]]:
    ga, gb = ngrams(ha, n).tolist(), ngrams(hb, n).tolist()
    return [(i, j) for i in range(len(ga)) for j in range(len(gb)) if ga[i] == gb[j]]


small_hashes = st.lists(st.integers(0, 4), max_size=40).map(lambda v: np.array(v, dtype=np.uint64))


@settings(max_examples=300, deadline=None)
@given(small_hashes, small_hashes, st.integers(1, 4))
def test_find_seeds_matches_naive_double_loop(ha: np.ndarray, hb: np.ndarray, n: int) -> None:
    i, j = find_seeds(ha, hb, n=n, max_occurrences=10_000)
    assert sorted(zip(i.tolist(), j.tolist())) == naive_seeds(ha, hb, n)


@settings(max_examples=200, deadline=None)
@given(small_hashes, small_hashes, st.integers(1, 3), st.integers(1, 5))
def test_find_seeds_drops_ngrams_repeated_in_a(
    ha: np.ndarray, hb: np.ndarray, n: int, max_occ: int
) -> None:
    ga = ngrams(ha, n).tolist()
    expected = [(i, j) for i, j in naive_seeds(ha, hb, n) if ga.count(ga[i]) <= max_occ]
    i, j = find_seeds(ha, hb, n=n, max_occurrences=max_occ)
    assert sorted(zip(i.tolist(), j.tolist())) == expected


def naive_neighbours(i: list[int], j: list[int], radius: int) -> list[int]:
    return [
        sum(
            1
            for m in range(len(i))
            if m != k and abs(i[k] - i[m]) <= radius and abs(j[k] - j[m]) <= radius
        )
        for k in range(len(i))
    ]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=60),
    st.integers(0, 20),
)
def test_has_neighbour_matches_naive(seeds: list[tuple[int, int]], radius: int) -> None:
    i = np.array([s[0] for s in seeds], dtype=np.int64)
    j = np.array([s[1] for s in seeds], dtype=np.int64)
    got = has_neighbour(i, j, radius=radius).tolist()
    assert got == [c > 0 for c in naive_neighbours(i.tolist(), j.tolist(), radius)]


seed_sets = st.lists(st.tuples(st.integers(0, 300), st.integers(0, 300)), max_size=60)


@settings(max_examples=200, deadline=None)
@given(seed_sets, st.integers(0, 40))
def test_cluster_seeds_partitions_the_seeds(seeds: list[tuple[int, int]], max_gap: int) -> None:
    i = np.array([s[0] for s in seeds], dtype=np.int64)
    j = np.array([s[1] for s in seeds], dtype=np.int64)
    groups = cluster_seeds(i, j, n=3, max_gap=max_gap)
    assert sorted(k for g in groups for k in g.tolist()) == list(range(len(seeds)))


@settings(max_examples=200, deadline=None)
@given(seed_sets, st.integers(0, 40))
def test_cluster_seeds_groups_have_no_gap_wider_than_the_limit(
    seeds: list[tuple[int, int]], max_gap: int
) -> None:
    i = np.array([s[0] for s in seeds], dtype=np.int64)
    j = np.array([s[1] for s in seeds], dtype=np.int64)
    for g in cluster_seeds(i, j, n=3, max_gap=max_gap):
        for coord in (i, j):
            assert np.all(np.diff(np.sort(coord[g])) <= max_gap + 3)


def test_align_hashes_reports_token_ranges(gen) -> None:
    p = gen.words(40)
    ha = tokenize(" ".join(gen.words(10) + p)).hashes
    hb = tokenize(" ".join(p + gen.words(7))).hashes
    [q] = align_hashes(ha, hb)
    assert (q.a0, q.a1, q.b0, q.b1) == (10, 50, 0, 40)


def test_a_text_many_times_longer_is_aligned_in_windows_around_what_they_share(monkeypatch) -> None:
    from textreuse.align import local_align, windows

    rng = np.random.default_rng(7)
    words = lambda n: [f"w{k}" for k in rng.integers(0, 5000, size=n)]  # noqa: E731
    short = words(400)
    # A 60,000-word text holding two passages of the short one, 20,000 words apart.
    long = words(10_000) + short[50:150] + words(20_000) + short[250:380] + words(30_000)
    ha, hb = tokenize(" ".join(short)).hashes, tokenize(" ".join(long)).hashes
    cut = windows.LongText(hb).windows(ha)
    assert cut is not None and len(cut) == 2 and sum(e - s for s, e in cut) < 5_000
    found = align_hashes(ha, hb)
    assert [(p.a0, p.a1, p.b0, p.b1) for p in found] == [(50, 150, 10_000, 10_100), (250, 380, 30_100, 30_230)]
    # The long text as text a finds the same, mirrored, and the aligner never saw it whole.
    seen: list[int] = []
    align_all = local_align._align_all
    monkeypatch.setattr(local_align, "_align_all", lambda parts, c: seen.extend(
        max(len(a), len(b)) for a, b in parts) or align_all(parts, c))
    mirrored = align_hashes(hb, ha)
    assert [(p.b0, p.b1, p.a0, p.a1) for p in mirrored] == [(p.a0, p.a1, p.b0, p.b1) for p in found]
    assert seen and max(seen) < 5_000
