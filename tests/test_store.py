"""Tests for textreuse.store: the DuckDB database, Arrow tables and exports."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

import textreuse
from textreuse.errors import StoreError
from textreuse.store import duckdb as store
from textreuse.store.arrow import numbers, string_lists, strings
from textreuse.store.export import export


@pytest.fixture
def result(tmp_path: Path, gen) -> textreuse.ScanResult:
    """A scan of a small corpus: a duplicate, an excerpt, an overlap, a reject."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    base, quote = gen.words(400), gen.words(60)
    files = {
        "dup1.txt": gen.prose(base),
        "dup2.txt": gen.prose(base).upper(),
        "part.txt": gen.prose(base[100:250]),
        "q1.txt": gen.prose(gen.words(300) + quote + gen.words(300)),
        "q2.txt": gen.prose(gen.words(200) + quote + gen.words(500)),
        "lonely.txt": gen.prose(gen.words(300)),
        "empty.txt": "",
    }
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return textreuse.scan([corpus], workers=1)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_write_leaves_no_temporary_file(tmp_path: Path, result) -> None:
    store.write(tmp_path / "t.duckdb", result.tables(), {"version": "x"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "t.duckdb"]


def test_written_tables_have_the_scan_row_counts(tmp_path: Path, result) -> None:
    db = tmp_path / "t.duckdb"
    tables = result.tables()
    store.write(db, tables, {"version": "x"})
    con = duckdb.connect(str(db), read_only=True)
    try:
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        con.close()
    assert counts == {t: tables[t].num_rows for t in tables}


def test_failing_write_leaves_the_existing_database_untouched(tmp_path: Path, result) -> None:
    db = tmp_path / "t.duckdb"
    store.write(db, result.tables(), {"version": "1"})
    before = digest(db)
    broken = {"pairs": result.pairs_table, "no such; table": result.pairs_table}
    with pytest.raises(duckdb.Error):
        store.write(db, broken, {"version": "2"})
    assert digest(db) == before
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


@pytest.mark.parametrize("workers", [1, 2])
def test_scan_whose_write_fails_raises_and_leaves_the_database_untouched(
    tmp_path: Path, result, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    # A single-worker scan writes tables on a thread while it scans: an error there
    # must still reach the caller, and no half-written database may appear.
    db = tmp_path / "t.duckdb"
    store.write(db, result.tables(), {"version": "1"})
    before = digest(db)

    def broken(*args: object, **kwargs: object) -> pa.Table:
        raise OSError("disk full")

    monkeypatch.setattr("textreuse.store.postings.ScanIndex.postings", broken)
    monkeypatch.setattr("textreuse.store.postings.ScanIndex.postings_tables", broken)
    with pytest.raises(OSError, match="disk full"):
        textreuse.scan([tmp_path / "corpus"], db=db, workers=workers)
    assert digest(db) == before
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


def test_write_refuses_to_overwrite_a_file_that_is_not_duckdb(tmp_path: Path, result) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("my precious notes, not a database\n", encoding="utf-8")
    before = digest(target)
    with pytest.raises(StoreError, match="not a DuckDB database"):
        store.write(target, result.tables(), {"version": "x"})
    assert digest(target) == before


def test_check_target_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        store.check_target(tmp_path)


def test_write_with_empty_meta(tmp_path: Path, result) -> None:
    store.write(tmp_path / "t.duckdb", result.tables(), {})
    assert (tmp_path / "t.duckdb").exists()


def test_connect_without_database_says_to_scan_first(tmp_path: Path) -> None:
    with (
        pytest.raises(StoreError, match="textreuse scan"),
        store.connect(tmp_path / "missing.duckdb"),
    ):
        pass


def test_connect_rejects_a_duckdb_file_without_textreuse_tables(tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not a textreuse one"), store.connect(other):
        pass


def test_pairs_read_back_equal_the_scan_pairs(tmp_path: Path, result) -> None:
    db = tmp_path / "t.duckdb"
    store.write(db, result.tables(), {"version": "x"})
    with store.connect(db) as con:
        stored = store.read_pairs(con)
    assert [p.to_dict() for p in stored] == [p.to_dict() for p in result.pairs]


def test_read_pairs_filters_by_relation_and_document(tmp_path: Path, result) -> None:
    db = tmp_path / "t.duckdb"
    store.write(db, result.tables(), {"version": "x"})
    with store.connect(db) as con:
        excerpts = store.read_pairs(con, relation="excerpt")
        with_q1 = store.read_pairs(con, doc="q1.txt")
    # dup1 and dup2 are one text: the excerpt is paired with the first of them.
    assert {(p.doc_a, p.doc_b) for p in excerpts} == {("part.txt", "dup1.txt")}
    assert [(p.doc_a, p.doc_b) for p in with_q1] == [("q1.txt", "q2.txt")]


def test_read_document_returns_the_raw_text(tmp_path: Path, result) -> None:
    db = tmp_path / "t.duckdb"
    store.write(db, result.tables(), {"version": "x"})
    with store.connect(db) as con:
        doc = store.read_document(con, "q2.txt")
    assert doc == next(d for d in result.documents if d.id == "q2.txt")


def test_read_document_names_a_missing_id(tmp_path: Path, result) -> None:
    db = tmp_path / "t.duckdb"
    store.write(db, result.tables(), {"version": "x"})
    with store.connect(db) as con, pytest.raises(StoreError, match="nope"):
        store.read_document(con, "nope")


def test_read_stories_returns_the_scan_stories(tmp_path: Path, result) -> None:
    db = tmp_path / "t.duckdb"
    store.write(db, result.tables(), {"version": "x"})
    with store.connect(db) as con:
        assert store.read_stories(con, with_pairs=True) == result.stories and result.stories


def test_a_database_written_before_stories_reads_with_the_stories_of_its_pairs(
    tmp_path: Path, result, older_database
) -> None:
    db = tmp_path / "t.duckdb"
    store.write(db, result.tables(), {"version": "x"})
    old = older_database(db, tmp_path / "old.duckdb", "story_members", "stories")
    before = old.read_bytes()
    with store.connect(old) as con:
        assert store.read_stories(con, with_pairs=True) == result.stories
        assert store.count_rows(con, "story_members") == sum(s.size for s in result.stories)
    assert old.read_bytes() == before
    assert textreuse.open(old).stories == result.stories


# ---------------------------------------------------------------- Arrow tables


def test_passages_table_has_one_row_per_passage(result) -> None:
    assert result.passages_table.num_rows == sum(len(p.passages) for p in result.pairs) > 0


def test_rejects_table_lists_the_rejects(result) -> None:
    rows = result.tables()["rejects"].to_pylist()
    assert [(Path(r["path"]).name, r["reason"]) for r in rows] == [("empty.txt", "empty file")]


# ---------------------------------------------------------------- export


def _db_counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in store.TABLES}
    finally:
        con.close()


@pytest.fixture
def db(tmp_path: Path, result) -> Path:
    path = tmp_path / "t.duckdb"
    store.write(path, result.tables(), {"version": "x"})
    return path


def test_export_parquet_has_the_database_row_counts(tmp_path: Path, db: Path) -> None:
    out = tmp_path / "out"
    export(db, out, fmt="parquet")
    assert {t: pq.read_table(out / f"{t}.parquet").num_rows for t in store.TABLES} == _db_counts(db)


def test_export_jsonl_has_the_database_row_counts(tmp_path: Path, db: Path) -> None:
    out = tmp_path / "out"
    export(db, out, fmt="jsonl")
    counts = {}
    for t in store.TABLES:
        lines = (out / f"{t}.jsonl").read_text(encoding="utf-8").splitlines()
        counts[t] = len([json.loads(line) for line in lines if line.strip()])
    assert counts == _db_counts(db)


def test_export_keeps_raw_text_and_offsets(tmp_path: Path, db: Path, result) -> None:
    out = tmp_path / "out"
    export(db, out, fmt="parquet")
    docs = {
        r["doc_id"]: r["raw_text"] for r in pq.read_table(out / "documents.parquet").to_pylist()
    }
    assert docs == {d.id: d.raw_text for d in result.documents}


def test_export_leaves_no_temporary_files(tmp_path: Path, db: Path) -> None:
    out = tmp_path / "out"
    export(db, out, fmt="jsonl")
    with store.connect(db) as con:
        tables = store.schema(con)
    # One file per table, and the marker that lets a later export replace the folder.
    assert sorted(p.name for p in out.iterdir()) == sorted([".textreuse-export", *(f"{t}.jsonl" for t in tables)])
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


def test_export_to_a_folder_with_a_quote_in_its_name(tmp_path: Path, db: Path) -> None:
    out = tmp_path / "o'brien"
    export(db, out, fmt="parquet")
    assert pq.read_table(out / "pairs.parquet").num_rows == _db_counts(db)["pairs"]


def test_pairs_table_columns(result) -> None:
    table = result.pairs_table
    assert isinstance(table, pa.Table)
    assert table.column_names == [
        "doc_a",
        "doc_b",
        "relation",
        "origin",
        "coverage_a",
        "coverage_b",
        "n_passages",
    ]


# Arrow columns built from buffers hold what pyarrow's own conversion gives.

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@given(st.lists(st.none() | _TEXT, max_size=30), st.booleans())
def test_strings_equal_pyarrow_conversion(values: list[str | None], large: bool) -> None:
    kind = pa.large_string() if large else pa.string()
    built = strings(values, large=large)
    built.validate(full=True)
    assert built.equals(pa.array(values, kind))


@given(st.lists(st.none() | st.integers(-(2**62), 2**62), max_size=30))
def test_numbers_equal_pyarrow_conversion(values: list[int | None]) -> None:
    built = numbers(values, np.int64)
    built.validate(full=True)
    assert built.equals(pa.array(values, pa.int64()))
    small = [(v or 0) % 1000 for v in values]
    assert numbers(np.array(small), np.int32).equals(pa.array(small, pa.int32()))


@given(st.lists(st.lists(_TEXT, max_size=4), max_size=20))
def test_string_lists_equal_pyarrow_conversion(values: list[list[str]]) -> None:
    built = string_lists(values)
    built.validate(full=True)
    assert built.equals(pa.array(values, pa.list_(pa.string())))


def test_a_scan_and_a_trace_do_not_import_pandas(tmp_path: Path) -> None:
    # pyarrow's conversion of Python values imports pandas when it is installed (0.4-0.6 s).
    pytest.importorskip("pandas")
    code = (
        "import sys, textreuse; from textreuse.engines import trace\n"
        "textreuse.scan([sys.argv[1]], db=sys.argv[2], workers=1)\n"
        "scanned = 'pandas' in sys.modules\n"
        "found = trace.trace(sys.argv[3], db=sys.argv[2])\n"
        "print(scanned, 'pandas' in sys.modules, len(found.pairs) > 0)"
    )
    demo = Path(__file__).resolve().parents[1] / "demo" / "corpus"
    article = next(iter(sorted((demo / "news").glob("*.txt"))))
    run = subprocess.run([sys.executable, "-c", code, str(demo), str(tmp_path / "t.duckdb"), str(article)],
                         capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "False", "True"]


# ---------------------------------------------------------------- never overwrite, read back, schema


def test_check_target_refuses_a_duckdb_file_textreuse_did_not_write(tmp_path: Path, result) -> None:
    theirs = tmp_path / "theirs.duckdb"
    con = duckdb.connect(str(theirs))
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.close()
    before = digest(theirs)
    with pytest.raises(StoreError, match="textreuse did not write .*invoices"):
        store.write(theirs, result.tables(), {"version": "x"})
    assert digest(theirs) == before
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    store.write(empty, result.tables(), {"version": "x"})  # a database with no tables holds nothing to lose


def test_previous_run_reads_what_the_runs_table_records(tmp_path: Path, result) -> None:
    db = tmp_path / "t.duckdb"
    assert store.previous_run(db) is None
    store.write(db, result.tables(), {"version": "x", "inputs": ["/data/corpus"]})
    assert store.previous_run(db) == {"version": "x", "inputs": ["/data/corpus"]}


def test_read_pairs_with_a_limit_gives_the_first_pairs_whole(tmp_path: Path, result) -> None:
    db = tmp_path / "t.duckdb"
    store.write(db, result.tables(), {"version": "x"})
    with store.connect(db) as con:
        every = store.read_pairs(con)
        assert store.read_pairs(con, limit=1) == every[:1] and store.count_pairs(con) == len(every) >= 2
        doc = every[-1].doc_b
        assert store.read_pairs(con, doc=doc, limit=5) == [p for p in every if doc in (p.doc_a, p.doc_b)][:5]
        assert store.count_pairs(con, relation="duplicate") == sum(p.relation == "duplicate" for p in every)
        with pytest.raises(StoreError, match="no document 'ghost'"):
            store.check_document(con, "ghost")


def test_open_reads_back_the_scan_result_and_its_tables(tmp_path: Path, gen) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    base = gen.words(300)
    for name, text in {"a.txt": gen.prose(base), "b.txt": gen.prose(base).upper(),
                       "c.txt": "X writes:\n\n" + gen.prose(base[:120]), "e.txt": ""}.items():
        (corpus / name).write_text(text, encoding="utf-8")
    db = tmp_path / "t.duckdb"
    scanned = textreuse.scan([corpus], db=db, workers=1)
    stored = textreuse.open(db)
    assert isinstance(stored, textreuse.ScanResult)
    assert stored.pairs == scanned.pairs and stored.documents == scanned.documents
    assert stored.stories == scanned.stories and stored.rejects == scanned.rejects
    assert stored.counts()["pairs_by_relation"] == scanned.counts()["pairs_by_relation"]
    with store.connect(db) as con:
        for name, table in stored.tables().items():
            written = con.execute(f'SELECT * FROM "{name}"').fetchall()
            assert [tuple(r.values()) for r in table.to_pylist()] == written, name
    assert stored.pairs_table.num_rows == len(scanned.pairs)
    pytest.importorskip("pandas")
    assert list(stored.passages_table.to_pandas().columns)[:2] == ["doc_a", "doc_b"]


def test_open_of_a_missing_database_says_to_scan(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="textreuse scan"):
        textreuse.open(tmp_path / "missing.duckdb")


def _readme_tables() -> dict[str, list[str]]:
    """Return the tables and columns the README's *Database* section lists."""
    import re

    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = text.split("### Database", 1)[1].split("\n### ", 1)[0]
    out = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and re.fullmatch(r"`\w+`", cells[0]):
            out[cells[0].strip("`")] = re.findall(r"`(\w+)`", cells[1])
    return out


def test_readme_database_section_lists_every_table_and_column_a_scan_writes(tmp_path: Path, result) -> None:
    # Compared with the database itself, so a table added to the scan (or a column) fails
    # here until the README says what it holds.
    db = tmp_path / "t.duckdb"
    result.save(db, meta={"inputs": ["corpus"]})
    with store.connect(db) as con:
        actual = store.schema(con)
    documented = _readme_tables()
    rows = "\n".join(
        f"| `{t}` | {', '.join(f'`{c}`' for c in cols)} | ... |" for t, cols in actual.items() if documented.get(t) != cols
    )
    assert documented == actual, f"update the README's Database table:\n{rows}"
