"""Tests for the command line: commands, output contract, exit codes and messages."""

from __future__ import annotations

import hashlib
import inspect
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from textreuse.cli import app

runner = CliRunner()

PAIR_KEYS = {"doc_a", "doc_b", "relation", "origin", "coverage_a", "coverage_b", "passages"}


def run(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def ok(*args: str | Path):
    result = run(*args)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def corpus(tmp_path: Path, gen, norm_words) -> dict:
    """A corpus whose shared passage follows non-ASCII text, CRLF line ends and curly quotes."""
    root = tmp_path / "corpus"
    (root / "news").mkdir(parents=True)
    passage = gen.words(70)
    quoted = passage[:20] + ["“" + passage[20]] + [passage[21] + "”"] + passage[22:]
    straight = passage[:20] + ['"' + passage[20]] + [passage[21] + '"'] + passage[22:]
    article = (
        "Ça a commencé — «déjà» 😀 漢字 naïve café\r\n"
        + gen.prose(gen.words(300), newline="\r\n")
        + "\r\n"
        + gen.prose(quoted, newline="\r\n")
        + "\r\n"
        + gen.prose(gen.words(300), newline="\r\n")
    )
    blog = "Über‐Résumé…\n" + gen.prose(gen.words(150) + straight + gen.words(400))
    base = gen.words(300)
    files = {
        "news/article.txt": article,
        "blog.txt": blog,
        "dup_a.txt": gen.prose(base),
        "dup_b.txt": gen.prose([w.upper() for w in base], line=5),
        "lonely.txt": gen.prose(gen.words(250)),
        "empty.txt": "",
    }
    for name, text in files.items():
        (root / name).write_bytes(text.encode("utf-8"))
    return {
        "root": root,
        "files": files,
        "passage": norm_words(" ".join(passage)),
        "db": tmp_path / "t.duckdb",
    }


@pytest.fixture
def scanned(corpus: dict) -> dict:
    ok("scan", corpus["root"], "--db", corpus["db"], "--workers", "1", "--quiet")
    return corpus


# ---------------------------------------------------------------- help


COMMANDS = [(c.name or c.callback.__name__, c.callback) for c in app.registered_commands]


@pytest.mark.parametrize("name,callback", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_has_help_text(name: str, callback) -> None:
    doc = inspect.getdoc(callback)
    assert doc and doc.strip()
    result = ok(name, "--help")
    first_words = " ".join(doc.split()[:3])
    assert first_words in " ".join(result.stdout.split())


def test_top_level_help_lists_every_command() -> None:
    result = ok("--help")
    assert all(name in result.stdout for name, _ in COMMANDS) and len(COMMANDS) >= 8


# ---------------------------------------------------------------- scan


def test_scan_json_prints_the_summary(corpus: dict) -> None:
    result = ok("scan", corpus["root"], "--db", corpus["db"], "--workers", "1", "--json")
    summary = json.loads(result.stdout)
    assert (summary["documents"], summary["rejected"], summary["families"]) == (5, 1, 2)
    assert summary["pairs_by_relation"] == {
        "duplicate": 1,
        "near_duplicate": 0,
        "excerpt": 0,
        "overlap": 1,
    }


def test_scan_without_json_keeps_stdout_empty_and_summarises_on_stderr(corpus: dict) -> None:
    result = ok("scan", corpus["root"], "--db", corpus["db"], "--workers", "1")
    assert result.stdout == "" and "5 documents read" in " ".join(result.stderr.split())


def test_scan_reports_each_reject_on_stderr(corpus: dict) -> None:
    result = ok("scan", corpus["root"], "--db", corpus["db"], "--workers", "1", "--quiet")
    assert "empty.txt" in result.stderr and "empty file" in result.stderr


def test_scan_json_keeps_paths_verbatim(corpus: dict) -> None:
    (corpus["root"] / ":smile:.txt").write_bytes(b"")
    result = ok("scan", corpus["root"], "--db", corpus["db"], "--workers", "1", "--json")
    paths = [Path(r["path"]).name for r in json.loads(result.stdout)["rejects"]]
    assert ":smile:.txt" in paths


def test_scan_writes_the_database_without_leftover_temporary_files(corpus: dict) -> None:
    ok("scan", corpus["root"], "--db", corpus["db"], "--workers", "1", "--quiet")
    leftovers = [p.name for p in corpus["db"].parent.iterdir() if ".tmp-" in p.name]
    assert corpus["db"].is_file() and leftovers == []


def test_scan_of_folder_without_readable_files_fails_clearly(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    (root / "empty.txt").write_bytes(b"")
    (root / "blob.bin").write_bytes(b"\x00\x01\x02\xff" * 100)
    result = run("scan", root, "--db", tmp_path / "t.duckdb", "--quiet")
    assert result.exit_code == 1
    assert "no readable documents" in result.stderr
    assert not (tmp_path / "t.duckdb").exists()


def test_scan_refuses_a_db_path_that_is_not_duckdb(corpus: dict, tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("these are my notes\n" * 50, encoding="utf-8")
    before = hashlib.sha256(notes.read_bytes()).hexdigest()
    result = run("scan", corpus["root"], "--db", notes, "--workers", "1", "--quiet")
    assert result.exit_code == 1
    assert "not a DuckDB database" in result.stderr
    assert hashlib.sha256(notes.read_bytes()).hexdigest() == before


def test_scan_exits_3_when_rejects_exceed_max_rejects(corpus: dict) -> None:
    (corpus["root"] / "empty2.txt").write_bytes(b"")
    result = run(
        "scan",
        corpus["root"],
        "--db",
        corpus["db"],
        "--workers",
        "1",
        "--quiet",
        "--max-rejects",
        "1",
    )
    assert result.exit_code == 3 and corpus["db"].is_file()


def test_scan_of_a_single_file_argument(tmp_path: Path, gen) -> None:
    f = tmp_path / "solo.txt"
    f.write_text(gen.prose(gen.words(100)), encoding="utf-8")
    result = ok("scan", f, "--db", tmp_path / "t.duckdb", "--workers", "1", "--json")
    assert json.loads(result.stdout)["documents"] == 1


# ---------------------------------------------------------------- pairs


def test_pairs_jsonl_has_exactly_the_contract_keys(scanned: dict) -> None:
    rows = jsonl(ok("pairs", "--db", scanned["db"], "--format", "jsonl").stdout)
    assert len(rows) == 2
    for row in rows:
        assert set(row) == PAIR_KEYS
        assert row["passages"] and all(set(p) == {"a", "b", "similarity"} for p in row["passages"])


def test_pairs_jsonl_offsets_slice_the_raw_text(scanned: dict, norm_words) -> None:
    rows = jsonl(
        ok("pairs", "--db", scanned["db"], "--format", "jsonl", "--relation", "overlap").stdout
    )
    [row] = rows
    assert {row["doc_a"], row["doc_b"]} == {"blog.txt", "news/article.txt"}
    [p] = row["passages"]
    for side, key in (("a", "doc_a"), ("b", "doc_b")):
        raw = (scanned["root"] / row[key]).read_bytes().decode("utf-8")  # no newline translation
        start, end = p[side]
        assert norm_words(raw[start:end]) == scanned["passage"]


def test_pairs_jsonl_coverage_is_between_0_and_1(scanned: dict) -> None:
    rows = jsonl(ok("pairs", "--db", scanned["db"], "--format", "jsonl").stdout)
    assert all(0.0 < r["coverage_a"] <= 1.0 and 0.0 < r["coverage_b"] <= 1.0 for r in rows)


def test_pairs_filter_by_document(scanned: dict) -> None:
    rows = jsonl(
        ok("pairs", "--db", scanned["db"], "--format", "jsonl", "--doc", "dup_b.txt").stdout
    )
    assert [(r["doc_a"], r["doc_b"], r["relation"]) for r in rows] == [
        ("dup_a.txt", "dup_b.txt", "duplicate")
    ]


def test_pairs_table_lists_the_pairs(scanned: dict) -> None:
    out = ok("pairs", "--db", scanned["db"]).stdout
    assert "dup_a.txt" in out and "blog.txt" in out and "2 pairs" in out


@pytest.fixture
def bracket_db(tmp_path: Path, gen) -> Path:
    root = tmp_path / "br"
    root.mkdir()
    text = gen.prose(gen.words(200))
    (root / "notes[draft].txt").write_text(text, encoding="utf-8")
    (root / "notes[final].txt").write_text(text.upper(), encoding="utf-8")
    ok("scan", root, "--db", tmp_path / "br.duckdb", "--workers", "1", "--quiet")
    return tmp_path / "br.duckdb"


def test_pairs_table_shows_ids_with_square_brackets(bracket_db: Path) -> None:
    out = runner.invoke(app, ["pairs", "--db", str(bracket_db)], env={"COLUMNS": "200"}).stdout
    assert "notes[draft].txt" in out


def test_show_header_names_ids_with_square_brackets(bracket_db: Path) -> None:
    out = ok("show", "notes[draft].txt", "notes[final].txt", "--db", bracket_db).stdout
    assert "notes[draft].txt" in out


def test_pairs_without_database_fails_with_hint(tmp_path: Path) -> None:
    result = run("pairs", "--db", tmp_path / "none.duckdb")
    assert result.exit_code == 1 and "textreuse scan" in result.stderr


# ---------------------------------------------------------------- show, text, families, rejects


def test_show_prints_both_passages(tmp_path: Path, gen) -> None:
    root = tmp_path / "c"
    root.mkdir()
    shared = gen.words(60)
    left, right = list(shared), list(shared)
    left[30], right[30] = "leftonlyword", "rightonlyword"
    (root / "l.txt").write_text(gen.prose(gen.words(100) + left + gen.words(100)), encoding="utf-8")
    (root / "r.txt").write_text(gen.prose(gen.words(80) + right + gen.words(90)), encoding="utf-8")
    ok("scan", root, "--db", tmp_path / "t.duckdb", "--workers", "1", "--quiet")
    out = ok("show", "l.txt", "r.txt", "--db", tmp_path / "t.duckdb").stdout.lower()
    assert "leftonlyword" in out and "rightonlyword" in out
    assert all(w in out for w in shared[:30] + shared[31:])


def test_show_of_documents_sharing_nothing_fails(scanned: dict) -> None:
    result = run("show", "lonely.txt", "blog.txt", "--db", scanned["db"])
    assert result.exit_code == 1 and "share no text" in result.stderr


def test_show_of_unknown_document_names_it(scanned: dict) -> None:
    result = run("show", "lonely.txt", "ghost.txt", "--db", scanned["db"])
    assert result.exit_code == 1 and "ghost.txt" in result.stderr


def test_text_prints_the_raw_text_exactly(scanned: dict) -> None:
    result = ok("text", "news/article.txt", "--db", scanned["db"])
    assert result.stdout_bytes.decode("utf-8") == scanned["files"]["news/article.txt"]


def test_families_jsonl_lists_members(scanned: dict) -> None:
    rows = jsonl(ok("families", "--db", scanned["db"], "--format", "jsonl").stdout)
    assert sorted(tuple(r["members"]) for r in rows) == [
        ("blog.txt", "news/article.txt"),
        ("dup_a.txt", "dup_b.txt"),
    ]


def test_rejects_lists_the_rejected_file_and_reason(scanned: dict) -> None:
    out = ok("rejects", "--db", scanned["db"]).stdout
    assert "empty.txt" in out and "empty file" in out


# ---------------------------------------------------------------- export


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_export_writes_every_table(scanned: dict, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    ok("export", "--db", scanned["db"], "--format", fmt, "--out", out)
    if fmt == "parquet":
        counts = {
            t: pq.read_table(out / f"{t}.parquet").num_rows
            for t in ("documents", "rejects", "pairs", "passages", "families")
        }
    else:
        counts = {
            t: len(jsonl((out / f"{t}.jsonl").read_text(encoding="utf-8")))
            for t in ("documents", "rejects", "pairs", "passages", "families")
        }
    assert counts == {"documents": 5, "rejects": 1, "pairs": 2, "passages": 2, "families": 2}


# ---------------------------------------------------------------- align


def test_align_two_files_json_prints_one_object(tmp_path: Path, gen) -> None:
    shared = gen.words(80)
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(gen.prose(gen.words(50) + shared), encoding="utf-8")
    b.write_text(gen.prose(shared + gen.words(500)), encoding="utf-8")
    lines = ok("align", a, b, "--json", "--workers", "1").stdout.splitlines()
    assert len(lines) == 1
    row = json.loads(lines[0])
    assert set(row) == PAIR_KEYS and (row["doc_a"], row["doc_b"]) == (str(a), str(b))


def test_align_pair_sharing_nothing_is_written_with_null_relation(tmp_path: Path, gen) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(gen.prose(gen.words(200)), encoding="utf-8")
    b.write_text(gen.prose(gen.words(200)), encoding="utf-8")
    [row] = jsonl(ok("align", a, b, "--json", "--workers", "1").stdout)
    assert (row["relation"], row["passages"]) == (None, [])


def test_align_without_two_files_is_a_usage_error() -> None:
    assert run("align", "only-one.txt").exit_code == 2


@pytest.fixture
def pairs_setup(tmp_path: Path, gen) -> tuple[Path, Path]:
    base = tmp_path / "base"
    (base / "sub").mkdir(parents=True)
    words = gen.words(900)
    quote = gen.words(60)
    (base / "sub/long.txt").write_text(gen.prose(words), encoding="utf-8")
    (base / "short.txt").write_text(gen.prose(words[300:500]), encoding="utf-8")
    (base / "b.txt").write_text(
        gen.prose(gen.words(200) + quote + gen.words(300)), encoding="utf-8"
    )
    (base / "c.txt").write_text(
        gen.prose(gen.words(100) + quote + gen.words(400)), encoding="utf-8"
    )
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(
        "sub/long.txt\tshort.txt\nmissing.txt\tshort.txt\nc.txt b.txt\n", encoding="utf-8"
    )
    return base, pairs


def test_align_pairs_keeps_the_order_written(pairs_setup) -> None:
    base, pairs = pairs_setup
    rows = jsonl(
        ok(
            "align", "--pairs", pairs, "--base", base, "--format", "jsonl", "--workers", "1", "-q"
        ).stdout
    )
    assert [(r["doc_a"], r["doc_b"], r["relation"]) for r in rows] == [
        ("sub/long.txt", "short.txt", "excerpt"),
        ("c.txt", "b.txt", "overlap"),
    ]


def test_align_pairs_excerpt_origin_is_the_longer_side_as_written(pairs_setup) -> None:
    base, pairs = pairs_setup
    rows = jsonl(
        ok(
            "align", "--pairs", pairs, "--base", base, "--format", "jsonl", "--workers", "1", "-q"
        ).stdout
    )
    assert rows[0]["origin"] == "sub/long.txt"
    assert rows[0]["coverage_a"] < rows[0]["coverage_b"]


def test_align_pairs_reports_a_missing_file_on_stderr(pairs_setup) -> None:
    base, pairs = pairs_setup
    result = ok(
        "align", "--pairs", pairs, "--base", base, "--format", "jsonl", "--workers", "1", "-q"
    )
    assert "missing.txt" in result.stderr and "missing.txt" not in result.stdout


def test_align_pairs_file_not_found_is_a_usage_error(tmp_path: Path) -> None:
    result = run("align", "--pairs", tmp_path / "nope.tsv")
    assert result.exit_code == 2 and "nope.tsv" in result.stderr


# ---------------------------------------------------------------- determinism


@pytest.fixture
def big_corpus(tmp_path: Path, gen) -> Path:
    """300 documents (more than one sketch chunk) and over 64 related pairs (several align chunks)."""
    root = tmp_path / "big"
    root.mkdir()
    k = 0
    for group in range(40):
        shared = gen.words(50)
        for member in range(3):
            words = gen.words(40 + 10 * member) + shared + gen.words(60)
            (root / f"g{group:02d}_{member}.txt").write_text(gen.prose(words), encoding="utf-8")
            k += 1
    for n in range(300 - k):
        (root / f"filler{n:03d}.txt").write_text(gen.prose(gen.words(120)), encoding="utf-8")
    return root


def test_one_and_two_workers_give_identical_pairs(big_corpus: Path, tmp_path: Path) -> None:
    outputs = []
    for workers in ("1", "2"):
        db = tmp_path / f"w{workers}.duckdb"
        ok("scan", big_corpus, "--db", db, "--workers", workers, "--quiet")
        outputs.append(ok("pairs", "--db", db, "--format", "jsonl").stdout)
    assert len(outputs[0].splitlines()) > 64  # more than one align chunk
    assert outputs[0] == outputs[1]


def test_the_command_ends_with_its_exit_code_and_all_its_output(tmp_path: Path) -> None:
    # `textreuse` (cli.run) ends the process without Python's teardown: its output
    # must still be all there, and its exit code the command's.
    import subprocess
    import sys

    def textreuse(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "textreuse", *args], capture_output=True, text=True, cwd=tmp_path)

    corpus = tmp_path / "c.jsonl"
    words = " ".join(f"word{k}" for k in range(300))
    corpus.write_text("".join(json.dumps({"id": f"d{k}", "text": words}) + "\n" for k in range(3)), encoding="utf-8")
    scanned = textreuse("scan", str(corpus), "--db", "t.duckdb", "--quiet", "--workers", "1")
    assert scanned.returncode == 0, scanned.stderr
    listed = textreuse("pairs", "--db", "t.duckdb", "--format", "jsonl", "--all")
    assert listed.returncode == 0
    assert len(listed.stdout.splitlines()) == 3 and listed.stdout.endswith("\n")
    missing = textreuse("pairs", "--db", "missing.duckdb")
    assert missing.returncode == 1 and "no database" in missing.stderr
    assert textreuse("no-such-command").returncode == 2
