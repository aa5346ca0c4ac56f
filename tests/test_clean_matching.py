"""Matching reads repaired text while every span stays in the raw text."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from textreuse.align.local_align import align_texts
from textreuse.clean.encoding import Step, damage
from textreuse.clean.matching import matching_tokens, raw_offsets
from textreuse.engines.local import relate_documents
from textreuse.index.tokenize import tokenize
from textreuse.model import Document

PUNCT = ["’", "“", "”", "—", "–", "…", ",", ".", " "]


@st.composite
def typographic_text(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.text("abcdefghij", min_size=1, max_size=7), min_size=1, max_size=60))
    seps = draw(st.lists(st.sampled_from(PUNCT), min_size=len(words), max_size=len(words)))
    return "".join(w + s for w, s in zip(words, seps))


@settings(max_examples=150, deadline=None)
@given(typographic_text())
def test_spans_of_repaired_tokens_stay_inside_the_raw_text(clean: str) -> None:
    raw = damage(clean)
    tokens = matching_tokens(raw)
    starts, ends = tokens.starts, tokens.ends
    assert bool((starts >= 0).all() and (ends <= len(raw)).all() and (starts < ends).all())
    assert bool((starts[1:] >= ends[:-1]).all())  # in order, not overlapping


def test_raw_offsets_map_positions_around_replacements() -> None:
    # raw "weâll sayâ€¦" repaired "we’ll say…": one step of 1 -> 1, one of 3 -> 1.
    steps = [Step(2, 3, "’", "r", 1.0), Step(9, 12, "…", "r", 1.0)]
    starts = raw_offsets(steps, np.array([0, 3, 6, 10]), ends=False)
    ends = raw_offsets(steps, np.array([2, 5, 9, 10]), ends=True)
    assert starts.tolist() == [0, 3, 6, 12] and ends.tolist() == [2, 5, 9, 12]


LETTER = (
    "The council’s plan was “not good enough,” said the mayor — who’d read it twice — "
    "and the vote, held at 9–10 pm on Tuesday, went against it… Residents weren’t told. "
)


def test_damaged_copy_aligns_with_its_original_over_the_whole_text() -> None:
    original = LETTER * 4
    copy = damage(original)
    passages = align_texts(copy, original)
    assert len(passages) == 1
    (a0, a1), (b0, b1) = passages[0].a, passages[0].b
    assert (a0, b0) == (0, 0) and a1 >= len(copy) - 2 and b1 >= len(original) - 2


def test_damaged_duplicate_is_still_a_duplicate() -> None:
    original = Document("orig", LETTER * 3)
    copy = Document("copy", damage(LETTER * 3))
    assert len(tokenize(copy.raw_text)) != len(tokenize(original.raw_text))  # damage splits words
    pair = relate_documents(copy, original)
    assert pair is not None and pair.relation == "duplicate"


def test_clean_command_writes_a_clean_file_back_byte_for_byte(tmp_path) -> None:
    from typer.testing import CliRunner

    from textreuse.cli import app

    path = tmp_path / "clean.txt"
    path.write_bytes(LETTER.encode("utf-8"))
    result = CliRunner().invoke(app, ["clean", str(path)])
    assert result.exit_code == 0 and result.stdout_bytes == path.read_bytes()


def test_clean_command_repairs_and_explains_with_raw_offsets(tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from textreuse.cli import app

    damaged = damage(LETTER)
    path = tmp_path / "damaged.txt"
    path.write_text(damaged, encoding="utf-8")
    repaired = CliRunner().invoke(app, ["clean", str(path)])
    assert repaired.exit_code == 0 and repaired.stdout_bytes.decode("utf-8") == LETTER
    explained = CliRunner().invoke(app, ["clean", str(path), "--explain"])
    steps = [json.loads(line) for line in explained.stdout.splitlines()]
    assert steps and all(damaged[s["start"] : s["end"]] == s["raw"] for s in steps)
    assert all(s["raw"] != s["replacement"] for s in steps)


@settings(max_examples=60, deadline=None)
@given(st.lists(typographic_text(), min_size=1, max_size=4), st.lists(st.booleans(), min_size=4, max_size=4))
def test_replayed_repairs_give_the_tokens_of_repairing_again(cleans: list[str], damaged: list[bool]) -> None:
    from textreuse.clean.matching import prepare_many

    texts = [damage(c) if d else c for c, d in zip(cleans, damaged)]
    first = prepare_many(texts)
    again = prepare_many(texts, repaired=[p.steps for p in first])
    for a, b in zip(first, again):
        assert a.steps == b.steps
        assert (a.tokens.hashes == b.tokens.hashes).all()
        assert (a.tokens.starts == b.tokens.starts).all() and (a.tokens.ends == b.tokens.ends).all()
