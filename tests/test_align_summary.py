"""Tests for textreuse.align.summary: window cosines, summary tests, and the aligner's summary mode."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from textreuse.align.local_align import AlignConfig, align_hashes
from textreuse.align.summary import (
    SummaryConfig,
    _groups,
    _groups_numpy,
    best_matches,
    rank_order,
    summary_groups,
    summary_spans,
    window_cosines,
    window_cosines_numpy,
)
from textreuse.index.tokenize import tokenize


def naive_cosines(ha: list[int], hb: list[int], window: int) -> np.ndarray:
    """Return the full window-by-window tf-idf cosine matrix, computed the slow way."""
    wa = [set(ha[k : k + window]) for k in range(0, len(ha), window)]
    wb = [set(hb[k : k + window]) for k in range(0, len(hb), window)]
    n = len(wa) + len(wb)
    df: dict[int, int] = {}
    for w in wa + wb:
        for x in w:
            df[x] = df.get(x, 0) + 1
    idf = {x: np.log(n / d) for x, d in df.items()}
    out = np.zeros((len(wa), len(wb)))
    for i, x in enumerate(wa):
        for j, y in enumerate(wb):
            dot = sum(idf[t] ** 2 for t in x & y)
            na = np.sqrt(sum(idf[t] ** 2 for t in x))
            nb = np.sqrt(sum(idf[t] ** 2 for t in y))
            out[i, j] = dot / max(na * nb, 1e-12)
    return out


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 12), min_size=1, max_size=60),
    st.lists(st.integers(0, 12), min_size=1, max_size=60),
    st.integers(1, 8),
)
def test_window_cosines_match_naive(ha: list[int], hb: list[int], window: int) -> None:
    i, j, cos = window_cosines(
        np.array(ha, dtype=np.uint64), np.array(hb, dtype=np.uint64), window=window, min_cosine=0.2
    )
    ref = naive_cosines(ha, hb, window)
    want = {(int(a), int(b)) for a, b in zip(*np.nonzero(ref >= 0.2 - 1e-9))}
    assert {(int(a), int(b)) for a, b in zip(i, j)} == want
    for a, b, c in zip(i, j, cos):
        assert abs(c - min(ref[a, b], 1.0)) < 1e-9


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(0, 30), max_size=120),
    st.lists(st.integers(0, 30), max_size=120),
    st.integers(1, 16),
    st.sampled_from([0.0, 0.2, 0.25]),
)
def test_compiled_window_cosines_are_the_numpy_ones_to_the_bit(
    ha: list[int], hb: list[int], window: int, min_cosine: float
) -> None:
    a, b = np.array(ha, dtype=np.uint64), np.array(hb, dtype=np.uint64)
    got = window_cosines(a, b, window=window, min_cosine=min_cosine)
    expected = window_cosines_numpy(a, b, window=window, min_cosine=min_cosine)
    assert [x.dtype for x in got] == [x.dtype for x in expected]
    assert [x.tolist() for x in got] == [x.tolist() for x in expected]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 400)), max_size=40),
    st.integers(0, 5),
    st.integers(0, 80),
)
def test_compiled_groups_are_the_numpy_ones_in_the_same_order(
    matches: list[tuple[int, int]], gap_i: int, gap_j: int
) -> None:
    i = np.array([m[0] for m in matches], dtype=np.int64)
    j = np.array([m[1] for m in matches], dtype=np.int64)
    got = [g.tolist() for g in _groups(i, j, gap_i, gap_j)]
    assert got == [g.tolist() for g in _groups_numpy(i, j, gap_i, gap_j)]


def test_best_matches_keeps_the_best_window_of_each() -> None:
    i, j, c = best_matches(
        np.array([3, 3, 3, 5]), np.array([1, 2, 9, 4]), np.array([0.3, 0.8, 0.5, 0.4])
    )
    assert (i.tolist(), j.tolist(), c.tolist()) == ([3, 5], [2, 4], [0.8, 0.4])


def test_rank_order_is_1_for_the_same_order_and_minus_1_for_the_reverse() -> None:
    i = np.arange(5)
    assert rank_order(i, i * 7) == 1.0
    assert rank_order(i, -i) == -1.0


def test_a_diagonal_run_is_not_a_summary() -> None:
    # a copied passage matches window k to window k + c: long side as short as the short one
    i = np.arange(10, 20)
    assert summary_groups(i, i + 40, np.full(10, 0.9), config=SummaryConfig()) == []


def test_matches_in_shuffled_order_are_not_a_summary() -> None:
    i = np.arange(10, 16)
    j = np.array([60, 50, 40, 30, 20, 10])
    assert summary_groups(i, j, np.full(6, 0.6), config=SummaryConfig()) == []


def test_weak_matches_are_not_a_summary() -> None:
    i = np.arange(10, 16)
    j = np.arange(6) * 10
    assert summary_groups(i, j, np.full(6, 0.26), config=SummaryConfig()) == []
    assert summary_groups(i, j, np.full(6, 0.5), config=SummaryConfig()) != []


def _source_and_summary(seed: int) -> tuple[list[str], list[str], list[str]]:
    """Return a long source, a summary of it, and filler text, as word lists.

    The source is 40 sentences of 15 words; the summary takes 6 content words from
    every fifth sentence, in order, and rewrites the rest with its own words, so it
    shares no 3-gram with the source.
    """
    rng = np.random.default_rng(seed)
    common = [f"c{k}" for k in range(30)]
    sentences = [
        [f"s{s}w{k}" if k % 2 else common[int(rng.integers(0, 30))] for k in range(15)]
        for s in range(40)
    ]
    source = [w for s in sentences for w in s]
    summary: list[str] = []
    for s in range(0, 40, 5):
        content = [w for w in sentences[s] if w.startswith("s")][:6]
        for k, w in enumerate(content):
            summary += [w, f"r{s}x{k}"]
        summary += [common[int(rng.integers(0, 30))] for _ in range(3)]
    filler = [f"f{k}" for k in range(400)]
    return source, summary, filler


def test_align_finds_a_summary_of_a_long_source() -> None:
    source, summary, filler = _source_and_summary(1)
    a = tokenize(" ".join(filler[:200] + summary + filler[200:])).hashes
    b = tokenize(" ".join(source)).hashes
    found = align_hashes(a, b)
    assert len(found) == 1
    p = found[0]
    # the summary sits at words 200 .. 200 + len(summary) of text a
    assert p.a0 <= 215 and p.a1 >= 200 + len(summary) - 15
    assert p.a0 >= 185 and p.a1 <= 200 + len(summary) + 15
    # and condenses sentences 0 .. 35 of the source (words 0 .. 540)
    assert p.b0 <= 15 and p.b1 >= 525


def test_summary_mode_off_finds_no_summary() -> None:
    source, summary, filler = _source_and_summary(1)
    a = tokenize(" ".join(filler[:200] + summary + filler[200:])).hashes
    b = tokenize(" ".join(source)).hashes
    assert align_hashes(a, b, config=AlignConfig(summary=None)) == []


def test_unrelated_texts_have_no_summary() -> None:
    source, _, filler = _source_and_summary(2)
    other, _, _ = _source_and_summary(3)
    other = [w.replace("s", "t", 1) if w.startswith("s") else w for w in other]
    a = tokenize(" ".join(filler + other[:120])).hashes
    assert summary_spans(a, tokenize(" ".join(source)).hashes) == []


def test_a_copied_passage_is_not_taken_for_a_summary() -> None:
    source, _, filler = _source_and_summary(4)
    a = tokenize(" ".join(filler[:200] + source[150:300] + filler[200:])).hashes
    b = tokenize(" ".join(source)).hashes
    assert summary_spans(a, b) == []
    found = align_hashes(a, b)
    assert [(p.a0, p.a1, p.b0, p.b1) for p in found] == [(200, 350, 150, 300)]
