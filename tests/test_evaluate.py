"""Tests for textreuse.evaluate: PAN precision, recall, granularity and plagdet."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textreuse.evaluate import (
    Case,
    PanScores,
    merge_spans,
    pan_scores,
    plagdet_score,
    read_pan_truth,
    union_length,
)


def C(a0: int, a1: int, b0: int, b1: int, susp: str = "s1", src: str = "r1") -> Case:
    """Return a case/detection on pair (susp, src) with spans [a0,a1) and [b0,b1)."""
    return Case(susp, src, (a0, a1), (b0, b1))


def approx(scores: PanScores, p: float, r: float, g: float, pd: float) -> None:
    """Assert the four figures of ``scores``."""
    assert scores.precision == pytest.approx(p)
    assert scores.recall == pytest.approx(r)
    assert scores.granularity == pytest.approx(g)
    assert scores.plagdet == pytest.approx(pd)


# ---------------------------------------------------------------- hand-made cases


def test_perfect_detection() -> None:
    # One case, detected exactly: every measure is 1.
    case = C(100, 200, 50, 150)
    approx(pan_scores([case], [case]), 1, 1, 1, 1)


def test_half_of_a_case() -> None:
    # Case: susp [0,100) + src [0,100) = 200 chars.
    # Detection: susp [0,50) + src [0,50) = 100 chars, all inside the case.
    # recall = 100/200 = 0.5; precision = 100/100 = 1; gran 1.
    # F1 = 2*1*0.5/1.5 = 2/3; plagdet = (2/3)/log2(2) = 2/3.
    s = pan_scores([C(0, 100, 0, 100)], [C(0, 50, 0, 50)])
    approx(s, 1, 0.5, 1, 2 / 3)
    assert s.n_detected_cases == 1


def test_half_of_a_case_one_side_only() -> None:
    # Detection covers the whole susp side (100) but half the src side (50).
    # recall = (100 + 50) / 200 = 0.75; precision = 150/150 = 1.
    s = pan_scores([C(0, 100, 0, 100)], [C(0, 100, 50, 100)])
    approx(s, 1, 0.75, 1, 2 * 0.75 / 1.75)


def test_detection_larger_than_case() -> None:
    # Detection susp [0,200) src [0,200) = 400 chars; case [0,100)x[0,100) = 200 chars.
    # precision = 200/400 = 0.5; recall = 1; plagdet = F1 = 2/3.
    approx(pan_scores([C(0, 100, 0, 100)], [C(0, 200, 0, 200)]), 0.5, 1, 1, 2 / 3)


def test_two_detections_split_one_case() -> None:
    # Case [0,100)x[0,100); detections [0,50)x[0,50) and [50,100)x[50,100).
    # Together they cover the case: recall 1; each lies inside it: precision 1.
    # Both detect the same case: granularity 2; plagdet = 1/log2(3) ~ 0.6309.
    s = pan_scores([C(0, 100, 0, 100)], [C(0, 50, 0, 50), C(50, 100, 50, 100)])
    approx(s, 1, 1, 2, 1 / math.log2(3))
    assert s.plagdet == pytest.approx(0.6309297535714575)


def test_overlapping_detections_are_not_double_counted() -> None:
    # Detections [0,60)x[0,60) and [40,100)x[40,100) overlap on [40,60).
    # The case union covered is all 200 chars: recall 1 (not 240/200).
    # Each detection is fully inside the case: precision 1; granularity 2.
    s = pan_scores([C(0, 100, 0, 100)], [C(0, 60, 0, 60), C(40, 100, 40, 100)])
    approx(s, 1, 1, 2, 1 / math.log2(3))


def test_right_susp_range_wrong_source_range() -> None:
    # Detection matches the susp range exactly but its src range [500,600)
    # does not touch the case's src range [0,100): it does not detect the case.
    # s ⊓ r = ∅: recall 0, precision 0, granularity 1 (no case detected), plagdet 0.
    s = pan_scores([C(0, 100, 0, 100)], [C(0, 100, 500, 600)])
    approx(s, 0, 0, 1, 0)
    assert s.n_detected_cases == 0


def test_right_ranges_wrong_source_document() -> None:
    # Same ranges but another source document: a different pair, no detection.
    s = pan_scores([C(0, 100, 0, 100, src="r1")], [C(0, 100, 0, 100, src="r2")])
    approx(s, 0, 0, 1, 0)


def test_touching_is_not_overlapping() -> None:
    # Half-open ranges: [100,200) and [0,100) share no character.
    approx(pan_scores([C(0, 100, 0, 100)], [C(100, 200, 0, 100)]), 0, 0, 1, 0)
    # One shared character in each document is enough to detect.
    # s ⊓ r = {99} in susp + {99} in src = 2 chars; |s| = 200, |r| = 200.
    s = pan_scores([C(0, 100, 0, 100)], [C(99, 199, 99, 199)])
    approx(s, 2 / 200, 2 / 200, 1, 2 / 200)


def test_false_positive_in_a_pair_without_case() -> None:
    # Pair (s1,r1) has one case, perfectly detected. Pair (s2,r2) has no case
    # but one detection. Pooled: recall = 1/1; precision = (1 + 0)/2 = 0.5;
    # granularity 1; plagdet = F1(0.5, 1) = 2/3.
    case = C(0, 100, 0, 100)
    fp = C(0, 10, 0, 10, susp="s2", src="r2")
    approx(pan_scores([case], [case, fp]), 0.5, 1, 1, 2 / 3)


def test_pooled_not_per_pair_average() -> None:
    # Pair A: 1 case detected perfectly. Pair B: 3 cases, none detected.
    # Pooled recall = (1 + 0 + 0 + 0) / 4 = 0.25 (a per-pair mean would give 0.5).
    cases = [C(0, 10, 0, 10, "a", "a")] + [
        C(i * 20, i * 20 + 10, 0, 10, "b", "b") for i in range(3)
    ]
    s = pan_scores(cases, [C(0, 10, 0, 10, "a", "a")])
    assert s.recall == pytest.approx(0.25)
    assert s.precision == pytest.approx(1.0)


def test_granularity_mean_over_detected_cases() -> None:
    # Case 1 [0,100): 3 detections; case 2 [200,300): 1 detection; case 3 undetected.
    # granularity = (3 + 1) / 2 = 2.
    cases = [C(0, 100, 0, 100), C(200, 300, 200, 300), C(400, 500, 400, 500)]
    dets = [C(0, 30, 0, 30), C(30, 60, 30, 60), C(60, 100, 60, 100), C(200, 300, 200, 300)]
    s = pan_scores(cases, dets)
    assert s.granularity == pytest.approx(2.0)
    assert s.recall == pytest.approx(2 / 3)
    assert s.precision == pytest.approx(1.0)
    assert s.n_detected_cases == 2


def test_one_detection_covering_two_cases() -> None:
    # Cases [0,100)x[0,100) and [200,300)x[200,300); detection [0,300)x[0,300).
    # Recall: each case fully covered -> 1. Precision: union of s ⊓ r is
    # 100+100 susp + 100+100 src = 400 of 600 chars -> 2/3. Granularity 1.
    s = pan_scores([C(0, 100, 0, 100), C(200, 300, 200, 300)], [C(0, 300, 0, 300)])
    approx(s, 2 / 3, 1, 1, 2 * (2 / 3) / (2 / 3 + 1))


def test_empty_inputs() -> None:
    # Nothing to find and nothing found: PAN's perfmeasures gives 1 everywhere.
    approx(pan_scores([], []), 1, 1, 1, 1)
    # Cases but no detections: recall 0, precision 0 (PAN convention), plagdet 0.
    s = pan_scores([C(0, 10, 0, 10)], [])
    approx(s, 0, 0, 1, 0)
    assert (s.n_cases, s.n_detections) == (1, 0)
    # Detections but no cases: precision 0, recall 0 (PAN convention).
    approx(pan_scores([], [C(0, 10, 0, 10)]), 0, 0, 1, 0)


def test_duplicates_counted_once() -> None:
    # PAN's evaluator reads annotations into sets: an identical detection twice
    # is one detection (granularity stays 1).
    case = C(0, 100, 0, 100)
    s = pan_scores([case, case], [case, case])
    approx(s, 1, 1, 1, 1)
    assert (s.n_cases, s.n_detections) == (1, 1)


def test_invalid_annotations_rejected() -> None:
    with pytest.raises(ValueError):
        C(10, 5, 0, 1)
    with pytest.raises(ValueError):
        C(-1, 5, 0, 1)
    with pytest.raises(ValueError):
        C(5, 5, 3, 3)


def test_empty_side_never_detects() -> None:
    # A detection with an empty src span cannot overlap the case in the source.
    approx(pan_scores([C(0, 100, 0, 100)], [C(0, 100, 50, 50)]), 0, 0, 1, 0)


def test_plagdet_score_values() -> None:
    assert plagdet_score(1, 1, 1) == 1
    assert plagdet_score(0, 1, 1) == 0
    assert plagdet_score(0.5, 1, 1) == pytest.approx(2 / 3)
    # PAN's own unit-test values.
    assert plagdet_score(1, 1, 2) == pytest.approx(0.63092975)
    assert plagdet_score(0.75, 0.25, 2) == pytest.approx(0.23659865)


def test_merge_and_union_length() -> None:
    assert merge_spans([]) == []
    assert merge_spans([(3, 5), (0, 1), (1, 2), (4, 9)]) == [(0, 2), (3, 9)]
    assert union_length([0, 0, 10], [5, 3, 12]) == 7
    assert union_length([5, 0], [4, 1]) == 1  # the reversed span covers nothing


def test_read_pan_truth(tmp_path: Path) -> None:
    xml = tmp_path / "suspicious-document00006-source-document00560.xml"
    xml.write_text(
        '<document reference="suspicious-document00006.txt">\n'
        '<feature name="about" authors="x" />\n'
        '<feature name="plagiarism" obfuscation="random" source_length="402" '
        'source_offset="1084" source_reference="source-document00560.txt" '
        'this_length="269" this_offset="1412" type="artificial" />\n'
        '<feature name="detected-plagiarism" this_offset="0" this_length="5" '
        'source_reference="source-document00560.txt" source_offset="0" source_length="5" />\n'
        "</document>\n",
        encoding="utf-8",
    )
    assert read_pan_truth(xml) == [
        Case(
            "suspicious-document00006.txt",
            "source-document00560.txt",
            (1412, 1681),
            (1084, 1486),
        )
    ]
    assert len(read_pan_truth(xml, name="detected-plagiarism")) == 1


_PAN = Path("/work/shared/data/pan13-train")


@pytest.mark.slow
@pytest.mark.skipif(not _PAN.is_dir(), reason="PAN 2013 training data not present")
def test_truth_scores_itself_on_pan() -> None:
    cases = [
        c for x in sorted((_PAN / "03-random-obfuscation").glob("*.xml")) for c in read_pan_truth(x)
    ]
    assert len(cases) == 1267
    approx(pan_scores(cases, cases), 1, 1, 1, 1)


# ---------------------------------------------------------------- property test


def naive_scores(cases: list[Case], dets: list[Case]) -> tuple[float, float, float]:
    """Return (precision, recall, granularity) by per-character sets, straight from the definitions."""
    cases = list(dict.fromkeys(cases))
    dets = list(dict.fromkeys(dets))

    def chars(a: Case) -> set[tuple[str, str, int]]:
        # Characters of both documents, tagged so the two documents stay disjoint.
        return {("susp", a.susp, i) for i in range(*a.susp_span)} | {
            ("src", a.src, i) for i in range(*a.src_span)
        }

    def detects(s: Case, r: Case) -> bool:
        return (
            s.pair == r.pair
            and bool(set(range(*s.susp_span)) & set(range(*r.susp_span)))
            and bool(set(range(*s.src_span)) & set(range(*r.src_span)))
        )

    def meet(s: Case, r: Case) -> set[tuple[str, str, int]]:
        return chars(s) & chars(r) if detects(s, r) else set()

    if not cases and not dets:
        return 1.0, 1.0, 1.0
    if not cases or not dets:
        return 0.0, 0.0, 1.0
    rec = sum(len(set().union(*(meet(s, r) for r in dets))) / len(chars(s)) for s in cases) / len(
        cases
    )
    prec = sum(len(set().union(*(meet(s, r) for s in cases))) / len(chars(r)) for r in dets) / len(
        dets
    )
    counts = [sum(detects(s, r) for r in dets) for s in cases]
    hit = [n for n in counts if n > 0]
    gran = sum(hit) / len(hit) if hit else 1.0
    return prec, rec, gran


@st.composite
def annotation_st(draw: st.DrawFn) -> Case:
    """Draw a small case/detection on one of two document pairs."""
    pair = draw(st.sampled_from([("s1", "r1"), ("s1", "r2"), ("s2", "r1")]))
    a0 = draw(st.integers(0, 30))
    a1 = draw(st.integers(a0, 40))
    b0 = draw(st.integers(0, 30))
    b1 = draw(st.integers(b0 if a1 > a0 else b0 + 1, 40))
    return Case(pair[0], pair[1], (a0, a1), (b0, b1))


@settings(max_examples=400, deadline=None)
@given(st.lists(annotation_st(), max_size=6), st.lists(annotation_st(), max_size=6))
def test_matches_naive_reference(cases: list[Case], dets: list[Case]) -> None:
    p, r, g = naive_scores(cases, dets)
    got = pan_scores(cases, dets)
    assert got.precision == pytest.approx(p)
    assert got.recall == pytest.approx(r)
    assert got.granularity == pytest.approx(g)
    assert got.plagdet == pytest.approx(plagdet_score(p, r, g))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), max_size=8))
def test_union_length_matches_sets(spans: list[tuple[int, int]]) -> None:
    covered = set().union(*(range(a, b) for a, b in spans)) if spans else set()
    assert union_length([a for a, _ in spans], [b for _, b in spans]) == len(covered)
    merged = merge_spans(spans)
    assert sum(b - a for a, b in merged) == len(covered)
    assert all(merged[i][1] < merged[i + 1][0] for i in range(len(merged) - 1))
