"""bench/stories.py: planted lineages and B-cubed scores, checked on hand-made cases."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import stories  # noqa: E402

from textreuse.relate.stories import Member, Story  # noqa: E402


def row(a: str, b: str, relation: str, implied: bool = False) -> dict[str, object]:
    return {"doc_a": a, "doc_b": b, "relation": relation, "origin": b, "implied": implied}


TRUTH = [
    row("e1", "o1", "excerpt"),
    row("n1", "o1", "near_duplicate"),
    row("q1", "o1", "overlap"),
    row("e1", "q1", "excerpt", implied=True),  # the excerpt lies inside q1's quote
    row("d2", "o2", "duplicate"),
]


def story(sid: str, members: list[tuple[str, str]]) -> Story:
    ms = tuple(Member(d, rel, ((0, 10),), None, 1.0, 1.0) for d, rel in members)
    return Story(sid, members[0][0], None, ms, None, None, 0, ())


def test_lineages_follow_planted_whole_text_pairs_only() -> None:
    lin = stories.lineages(TRUTH)
    assert lin["e1"] == lin["n1"] == lin["o1"] != lin["o2"] == lin["d2"]
    assert "q1" not in lin  # neither the quote nor the implied excerpt pair joins it


def test_b_cubed_is_one_for_the_planted_clustering_and_falls_when_merged_or_split() -> None:
    truth = stories.lineages(TRUTH)
    assert stories.b_cubed(truth, dict(truth))[:2] == (1.0, 1.0)
    merged = {d: 0 for d in truth}
    p, r, n = stories.b_cubed(truth, merged)
    assert n == 5 and r == 1.0 and p == pytest.approx((3 * 3 / 5 + 2 * 2 / 5) / 5)
    split = {d: i for i, d in enumerate(truth)}
    p, r, _ = stories.b_cubed(truth, split)
    assert p == 1.0 and r == pytest.approx((3 * 1 / 3 + 2 * 1 / 2) / 5)


def test_evaluate_counts_quotes_in_their_source_story() -> None:
    found = [
        story("s1", [("o1", "copy"), ("n1", "near_copy"), ("e1", "excerpt"), ("q1", "quoted")]),
        story("s2", [("o2", "copy"), ("d2", "copy")]),
    ]
    out = stories.evaluate(TRUTH, found)
    assert (out["b_cubed_precision"], out["b_cubed_recall"]) == (1.0, 1.0)
    assert out["quotes_in_source_story"] == 1.0 and out["quoted_members_planted"] == 1.0
    assert out["largest_lineage"] == 3 and out["largest_story_own_text"] == 3
    without_quote = stories.evaluate(TRUTH, [replace(found[0], members=found[0].members[:3]), found[1]])
    assert without_quote["quotes_in_source_story"] == 0.0
