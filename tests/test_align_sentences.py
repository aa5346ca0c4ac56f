"""Tests for textreuse.align.sentences: widening reworded passages to sentence boundaries."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from textreuse.align.sentences import (
    SentenceConfig,
    shares_words,
    widen_passage,
    widen_to_sentences,
)
from textreuse.index.tokenize import tokenize
from textreuse.model import Passage

A = "We met at noon. The old mill by the river burned down last night. Nobody was hurt."
B = "Police said the old mill near the river burned down in the night. Fire crews left."


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab .!?\n", max_size=60), st.data())
def test_widening_never_shrinks_and_stays_within_limit(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    limit = data.draw(st.integers(0, 20))
    new_start, new_end = widen_to_sentences(text, start, end, limit=limit)
    assert new_start <= start and new_end >= end
    assert start - new_start <= limit and new_end - end <= limit


def test_reworded_passage_grows_to_its_sentences() -> None:
    p = Passage(
        _span(A, "mill by the river burned down"), _span(B, "mill near the river burned down"), 0.5
    )
    w = widen_passage(p, A, B, tokenize(A), tokenize(B))
    assert A[w.a[0] : w.a[1]] == "The old mill by the river burned down last night."
    assert B[w.b[0] : w.b[1]] == "Police said the old mill near the river burned down in the night."


def test_copied_passage_keeps_its_ends() -> None:
    p = Passage(
        _span(A, "mill by the river burned down"), _span(B, "mill near the river burned down"), 0.95
    )
    assert widen_passage(p, A, B, tokenize(A), tokenize(B)) == p


def test_an_end_whose_added_words_are_not_in_the_other_text_stays() -> None:
    # "last night" is not in b near the end of its passage: with share 1.0 the end of a stays
    p = Passage(
        _span(A, "mill by the river burned down"), _span(B, "mill near the river burned down"), 0.5
    )
    w = widen_passage(p, A, B, tokenize(A), tokenize(B), config=SentenceConfig(share=1.0))
    assert w.a[1] == p.a[1]
    assert A[w.a[0] : w.a[1]] == "The old mill by the river burned down"


def test_no_widening_beyond_the_limit() -> None:
    p = Passage(
        _span(A, "mill by the river burned down"), _span(B, "mill near the river burned down"), 0.5
    )
    w = widen_passage(p, A, B, tokenize(A), tokenize(B), config=SentenceConfig(limit=3))
    assert w == p


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 40), max_size=30),
    st.lists(st.integers(0, 40), max_size=60),
    st.sampled_from([0.0, 0.3, 0.5, 1.0]),
)
def test_shares_words_is_the_share_np_isin_finds(added: list[int], context: list[int], share: float) -> None:
    a, c = np.array(added, dtype=np.uint64), np.array(context, dtype=np.uint64)
    expected = True if not added else float(np.isin(a, c).mean()) >= share
    assert shares_words(a, c, share=share) == expected
