"""``scan --add`` and ``remove``: the database after batches equals the one-shot scan, every table."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from textreuse.cli import app
from textreuse.engines import incremental
from textreuse.engines.local import scan

REPO = Path(__file__).resolve().parents[1]
BASE = REPO.parent / "shared" / "data" / "bbc-news"
CHROME = ["Sign up for the morning briefing", "All times are local"]


def _tables(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        return {t: con.execute(f"SELECT * FROM {t}").fetchall() for t in names if t != "runs"}
    finally:
        con.close()


def _differences(got: dict[str, list[tuple]], want: dict[str, list[tuple]]) -> list[str]:
    out = [f"tables {sorted(got)} against {sorted(want)}"] if sorted(got) != sorted(want) else []
    for table, rows in want.items():
        if got.get(table) != rows:
            have, had = set(map(repr, got.get(table, []))), set(map(repr, rows))
            extra, lost = sorted(have - had)[:2], sorted(had - have)[:2]
            out.append(f"{table}: {len(got.get(table, []))} rows against {len(rows)}; extra {extra}; lost {lost}")
    return out


def _without_paths(tables: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """Return the tables with the documents' source path left out (it names the file read)."""
    return {**tables, "documents": [row[:1] + row[2:] for row in tables["documents"]]}


def _corpus(gen, n: int) -> list[dict[str, str]]:
    """Return records: originals, near copies, excerpts, quotes, mojibake copies and
    articles ending in the same two chrome lines, dated so that origins can be told."""
    docs: list[dict[str, str]] = []
    originals: list[list[str]] = []
    for k in range(n):
        kind = k % 6 if originals else 0
        if kind in (0, 5):
            words = gen.words(int(gen.rng.integers(60, 200)))
            originals.append(words)
            text = gen.prose(words)
            if kind == 5:
                text += "\n" + "\n".join(CHROME)
        else:
            src = originals[int(gen.rng.integers(0, len(originals)))]
            if kind == 1:
                text = gen.prose(gen.edit(src, 0.03))
            elif kind == 2:
                text = gen.prose(src[: max(30, len(src) // 3)])
            elif kind == 3:
                text = gen.prose(gen.words(40) + src[10:50] + gen.words(40))
            else:  # UTF-8 read as Latin-1, with typographic quotes
                text = ("\u201c" + gen.prose(src) + "\u201d").encode("utf-8").decode("latin-1")
        docs.append({"id": f"d{k:04d}", "text": text, "date": f"2024-01-{1 + k % 28:02d}"})
    return docs


def _write(path: Path, docs: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


def _batches(root: Path, docs: list[dict[str, str]], cuts: list[int]) -> list[Path]:
    bounds = [0, *sorted(set(cuts)), len(docs)]
    return [_write(root / f"batch{i}.jsonl", docs[lo:hi]) for i, (lo, hi) in enumerate(zip(bounds, bounds[1:])) if hi > lo]


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(12, 90), cuts=st.lists(st.integers(1, 11), min_size=1, max_size=3),
       workers=st.sampled_from([1, 2]))
def test_batches_added_equal_one_scan(make_gen, tmp_path_factory, seed: int, n: int, cuts: list[int], workers: int) -> None:
    root = tmp_path_factory.mktemp("incremental")
    docs = _corpus(make_gen(seed), n)
    batches = _batches(root, docs, [c * n // 12 for c in cuts])
    assert len(batches) >= 2
    one, inc = root / "one.duckdb", root / "inc.duckdb"
    scan(batches, db=one, workers=1)
    for batch in batches:
        incremental.add([batch], db=inc, workers=workers)
    assert not _differences(_tables(inc), _tables(one))


@pytest.mark.skipif(not BASE.is_dir(), reason=f"{BASE} not present (the generator's training text)")
def test_batches_of_a_generated_news_corpus_equal_one_scan(tmp_path: Path) -> None:
    # bench/synth.py's damaged profile: lossy and cp1252 mojibake, blog frames, quotes.
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import synth
    finally:
        sys.path.remove(str(REPO / "bench"))
    docs, _, _, _ = synth._generate(300, 5, BASE, 0.0, "damaged")
    batches = _batches(tmp_path, docs, [150, 240])
    one, inc = tmp_path / "one.duckdb", tmp_path / "inc.duckdb"
    scan(batches, db=one, workers=1)
    for batch in batches:
        _, changed = incremental.add([batch], db=inc, workers=1)
    assert changed["documents"]["added"] == 60 and changed["documents"]["total"] == 300
    assert not _differences(_tables(inc), _tables(one))


def test_an_update_replaces_the_document_and_equals_a_scan_without_the_old_version(tmp_path: Path, gen) -> None:
    docs = _corpus(gen, 30)
    first = _write(tmp_path / "first.jsonl", docs)
    newer = dict(docs[3], text=docs[3]["text"] + " A sentence added to the update of this story.")
    second = _write(tmp_path / "second.jsonl", [newer, docs[0] | {"id": "fresh"}])
    inc, one = tmp_path / "inc.duckdb", tmp_path / "one.duckdb"
    incremental.add([first], db=inc, workers=1)
    result, changed = incremental.add([second], db=inc, update=True, workers=1)
    assert changed["documents"] == {"added": 1, "replaced": 1, "removed": 0, "total": 31}
    assert not result.rejects
    scan([_write(tmp_path / "rest.jsonl", docs[:3] + docs[4:]), second], db=one, workers=1)
    assert not _differences(_without_paths(_tables(inc)), _without_paths(_tables(one)))


def test_a_stored_id_in_a_batch_is_rejected_and_the_documents_stay(tmp_path: Path, gen) -> None:
    docs = _corpus(gen, 20)
    inc = tmp_path / "inc.duckdb"
    incremental.add([_write(tmp_path / "a.jsonl", docs)], db=inc, workers=1)
    before = _tables(inc)
    changed_text = dict(docs[5], text="a different text under a stored id")
    result, changed = incremental.add([_write(tmp_path / "b.jsonl", [changed_text])], db=inc, workers=1)
    assert [r.reason for r in result.rejects] == [f"duplicate id 'd0005': already read from {tmp_path / 'a.jsonl'}:6; ids must be unique"]
    assert changed["documents"] == {"added": 0, "replaced": 0, "removed": 0, "total": 20}
    after = _tables(inc)
    assert {t: rows for t, rows in after.items() if t != "rejects"} == {t: rows for t, rows in before.items() if t != "rejects"}
    assert len(after["rejects"]) == 1


def test_remove_equals_a_scan_of_the_documents_left(tmp_path: Path, gen) -> None:
    docs = _corpus(gen, 40)
    inc, one = tmp_path / "inc.duckdb", tmp_path / "one.duckdb"
    incremental.add([_write(tmp_path / "all.jsonl", docs)], db=inc, workers=1)
    gone = {"d0000", "d0007", "d0013"}
    result, changed, missing = incremental.remove(inc, [*sorted(gone), "nope"], workers=1)
    assert missing == ["nope"]
    assert changed["documents"] == {"added": 0, "replaced": 0, "removed": 3, "total": 37}
    scan([_write(tmp_path / "left.jsonl", [d for d in docs if d["id"] not in gone])], db=one, workers=1)
    assert not _differences(_without_paths(_tables(inc)), _without_paths(_tables(one)))


def test_an_interrupted_add_leaves_the_database_as_it_was(tmp_path: Path, gen, monkeypatch) -> None:
    from textreuse.engines import local

    docs = _corpus(gen, 20)
    inc = tmp_path / "inc.duckdb"
    incremental.add([_write(tmp_path / "a.jsonl", docs[:10])], db=inc, workers=1)
    before = inc.read_bytes()

    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(local, "scan_documents", broken)
    with pytest.raises(KeyboardInterrupt):
        incremental.add([_write(tmp_path / "b.jsonl", docs[10:])], db=inc, workers=1)
    assert inc.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl", "b.jsonl", "inc.duckdb"]


def test_the_command_line_adds_removes_and_refuses_mixed_options(tmp_path: Path, gen) -> None:
    runner = CliRunner()
    docs = _corpus(gen, 24)
    a, b = _write(tmp_path / "a.jsonl", docs[:12]), _write(tmp_path / "b.jsonl", docs[12:])
    db = str(tmp_path / "news.duckdb")
    assert runner.invoke(app, ["scan", str(a), "--db", db, "-q", "--workers", "1"]).exit_code == 0
    # A plain scan of other inputs is still refused; --add is what adds.
    assert runner.invoke(app, ["scan", str(b), "--db", db, "-q"]).exit_code == 2
    refused = runner.invoke(app, ["scan", str(b), "--db", db, "--add", "--no-boilerplate", "-q"])
    assert refused.exit_code == 2 and "--no-boilerplate" not in refused.output and "--boilerplate" in refused.output
    assert runner.invoke(app, ["scan", str(b), "--db", db, "--update", "-q"]).exit_code == 2
    added = runner.invoke(app, ["scan", str(b), "--db", db, "--add", "--json", "--workers", "1"])
    assert added.exit_code == 0, added.output
    summary = json.loads(added.stdout)
    assert summary["documents"] == 24 and summary["changes"]["documents"]["added"] == 12
    con = duckdb.connect(db, read_only=True)
    try:
        inputs = json.loads(con.execute("SELECT value FROM runs WHERE key = 'inputs'").fetchone()[0])
    finally:
        con.close()
    assert inputs == [str(a), str(b)]
    ids = tmp_path / "ids.txt"
    ids.write_text("d0001\n\nmissing-id\n", encoding="utf-8")
    removed = runner.invoke(app, ["remove", "--db", db, "--ids", str(ids), "--json", "--workers", "1"])
    assert removed.exit_code == 0, removed.output
    out = json.loads(removed.stdout)
    assert out["missing"] == ["missing-id"] and out["documents"] == 23
    assert runner.invoke(app, ["remove", "--db", str(tmp_path / "none.duckdb"), "--id", "x"]).exit_code == 1
    assert runner.invoke(app, ["remove", "--db", db]).exit_code == 2


def test_changes_count_a_grown_story_and_a_new_one(tmp_path: Path, gen) -> None:
    story, other = gen.words(150), gen.words(150)
    first = [{"id": "orig", "text": gen.prose(story)}, {"id": "copy1", "text": gen.prose(gen.edit(story, 0.03))}]
    second = [{"id": "copy2", "text": gen.prose(gen.edit(story, 0.03))},
              {"id": "new1", "text": gen.prose(other)}, {"id": "new2", "text": gen.prose(gen.edit(other, 0.03))}]
    db = tmp_path / "inc.duckdb"
    incremental.add([_write(tmp_path / "a.jsonl", first)], db=db, workers=1)
    result, changed = incremental.add([_write(tmp_path / "b.jsonl", second)], db=db, workers=1)
    assert sorted(len(s.members) for s in result.stories) == [2, 3]
    assert changed["stories"] == {"new": 1, "grown": 1, "gone": 0, "total": 2}
    assert changed["pairs"]["gone"] == 0 and changed["pairs"]["new"] == 2


def test_remove_from_no_database_names_it(tmp_path: Path) -> None:
    from textreuse.errors import StoreError

    with pytest.raises(StoreError, match="no textreuse database at"):
        incremental.remove(tmp_path / "none.duckdb", ["x"])
