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


def this_code(**extra: str) -> dict[str, str]:
    """Return an environment whose `python -m textreuse` imports the textreuse under test,
    wherever the subprocess runs (a relative PYTHONPATH would not hold in another folder)."""
    import os

    import textreuse

    here = str(Path(textreuse.__file__).parents[1])
    return {**os.environ, "PYTHONPATH": os.pathsep.join([here, os.environ.get("PYTHONPATH", "")]), **extra}


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


COMMANDS = [(c.name or c.callback.__name__, c.callback) for c in app.registered_commands if not c.hidden]


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
    assert (summary["documents"], summary["rejected"], summary["stories"]) == (5, 1, 2)
    assert "families" not in summary
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


def test_scan_tmp_holds_the_texts_without_leaving_a_file(corpus: dict, tmp_path: Path) -> None:
    held = tmp_path / "held"
    held.mkdir()
    with_tmp = json.loads(ok("scan", corpus["root"], "--db", corpus["db"], "--workers", "1", "--tmp", held, "--json").stdout)
    other = tmp_path / "other.duckdb"
    without = json.loads(ok("scan", corpus["root"], "--db", other, "--workers", "1", "--json").stdout)
    assert list(held.iterdir()) == []
    assert with_tmp["pairs_by_relation"] == without["pairs_by_relation"] and with_tmp["pairs"] > 0
    missing = run("scan", corpus["root"], "--db", tmp_path / "x.duckdb", "--tmp", tmp_path / "nowhere", "--quiet")
    assert missing.exit_code == 2 and "nowhere" in missing.stderr and not (tmp_path / "x.duckdb").exists()


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
    out = ok("pairs", "--db", scanned["db"], "--format", "table").stdout
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
    db, shared = _edited_pair(tmp_path, gen)
    out = ok("show", "l.txt", "r.txt", "--db", db).stdout.lower()
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


@pytest.mark.parametrize("args", [(), ("--tree",), ("--format", "jsonl")])
def test_families_command_says_stories_replaced_them(scanned: dict, args: tuple[str, ...]) -> None:
    result = run("families", "--db", scanned["db"], *args)
    assert result.exit_code == 2 and "textreuse stories" in result.stderr and not result.stdout


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
            for t in ("documents", "rejects", "pairs", "passages", "stories", "story_members")
        }
    else:
        counts = {
            t: len(jsonl((out / f"{t}.jsonl").read_text(encoding="utf-8")))
            for t in ("documents", "rejects", "pairs", "passages", "stories", "story_members")
        }
    assert counts == {"documents": 5, "rejects": 1, "pairs": 2, "passages": 2, "stories": 2, "story_members": 4}


# ---------------------------------------------------------------- align


def test_align_two_files_json_prints_one_pair(tmp_path: Path, gen) -> None:
    shared = gen.words(80)
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(gen.prose(gen.words(50) + shared), encoding="utf-8")
    b.write_text(gen.prose(shared + gen.words(500)), encoding="utf-8")
    lines = ok("align", a, b, "--json", "--workers", "1").stdout.splitlines()
    assert len(lines) == 1
    [row] = json.loads(lines[0])
    assert set(row) == PAIR_KEYS and (row["doc_a"], row["doc_b"]) == (str(a), str(b))


def test_align_pair_sharing_nothing_is_written_with_null_relation(tmp_path: Path, gen) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(gen.prose(gen.words(200)), encoding="utf-8")
    b.write_text(gen.prose(gen.words(200)), encoding="utf-8")
    [row] = jsonl(ok("align", a, b, "--format", "jsonl", "--workers", "1").stdout)
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
        return subprocess.run(
            [sys.executable, "-m", "textreuse", *args], capture_output=True, text=True, cwd=tmp_path, env=this_code()
        )

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


# ---------------------------------------------------------------- scripting: output formats


LONG = "2024-03-12-brackenford-council-approves-leaner-budget-after-six-hour-debate-first-edition"


@pytest.fixture
def hyphens(tmp_path: Path, gen) -> dict:
    """A database whose ids are long and hyphenated (longer than a terminal is wide), with a story of three."""
    root = tmp_path / "h"
    root.mkdir()
    words = gen.words(400)
    files = {
        f"{LONG}.txt": gen.prose(words),
        f"{LONG}-syndicated-copy.txt": gen.prose([w.upper() for w in words], line=7),
        f"{LONG}-blog-excerpt.txt": "Ann Lee writes:\n\n" + gen.prose(words[:120]) + "\n\n[Continue reading…]\n",
        "x-unrelated-note.txt": gen.prose(gen.words(200)),
        "empty-file-with-a-long-hyphenated-name.txt": "",
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    db = tmp_path / "h.duckdb"
    ok("scan", root, "--db", db, "--workers", "1", "--quiet")
    return {"root": root, "db": db, "files": files, "words": words}


def textreuse(*args: str | Path):
    """Run the real command in a subprocess: stdout is a pipe, not a terminal."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "textreuse", *map(str, args)], capture_output=True, text=True, env=this_code(COLUMNS="80")
    )


def test_every_list_command_piped_prints_tsv_rows_with_ids_unbroken(hyphens: dict, tmp_path: Path) -> None:
    db, root = hyphens["db"], hyphens["root"]
    excerpt = tmp_path / f"{LONG}-new.txt"
    excerpt.write_text(hyphens["files"][f"{LONG}.txt"][:3000], encoding="utf-8")
    whole = {"rejects": "empty-file-with-a-long-hyphenated-name.txt"}
    [story] = jsonl(ok("stories", "--db", db, "--format", "jsonl").stdout)
    runs = {
        "pairs": ("pairs", "--db", db),
        "stories": ("stories", "--db", db),
        "stories show": ("stories", "--db", db, "show", story["story"]),
        "rejects": ("rejects", "--db", db),
        "trace": ("trace", excerpt, "--db", db),
        "align": ("align", root / f"{LONG}.txt", root / f"{LONG}-blog-excerpt.txt", "--workers", "1"),
    }
    headers = {
        "pairs": "doc_a\tdoc_b\trelation\torigin\tcoverage_a\tcoverage_b\tpassages",
        "stories": "story_id\tsize\tsites\tfirst_date\tlast_date\torigin\trepresentative",
        "stories show": "doc_id\trelation\tsource\tsimilarity\tcoverage\tspans",
        "rejects": "path\tline\tkind\treason",
        "trace": "doc_a\tdoc_b\trelation\torigin\tcoverage_a\tcoverage_b\tpassages",
        "align": "doc_a\tdoc_b\trelation\torigin\tcoverage_a\tcoverage_b\tpassages",
    }
    for name, args in runs.items():
        done = textreuse(*args)
        assert done.returncode == 0, (name, done.stderr)
        lines = done.stdout.splitlines()
        assert lines[0] == headers[name], name
        width = len(lines[0].split("\t"))
        assert len(lines) > 1 and all(len(line.split("\t")) == width for line in lines), name
        assert any(whole.get(name, LONG) in line for line in lines[1:]), name  # grep finds the id whole
        assert "┃" not in done.stdout and "│" not in done.stdout, name
    grep = [line.split("\t")[:3] for line in textreuse("pairs", "--db", db).stdout.splitlines() if "duplicate" in line]
    assert grep == [[f"{LONG}-syndicated-copy.txt", f"{LONG}.txt", "duplicate"]]


@pytest.mark.parametrize("fmt", ["tsv", "csv", "jsonl", "json", "table"])
def test_pairs_in_every_format_hold_the_same_pairs(hyphens: dict, fmt: str) -> None:
    import csv
    import io

    out = ok("pairs", "--db", hyphens["db"], "--format", fmt).stdout
    expected = {(r["doc_a"], r["doc_b"]) for r in jsonl(ok("pairs", "--db", hyphens["db"], "--format", "jsonl").stdout)}
    assert len(expected) == 2  # one story of three: each member with its source
    if fmt == "tsv":
        got = {tuple(line.split("\t")[:2]) for line in out.splitlines()[1:]}
    elif fmt == "csv":
        got = {(r["doc_a"], r["doc_b"]) for r in csv.DictReader(io.StringIO(out))}
    elif fmt == "jsonl":
        got = {(r["doc_a"], r["doc_b"]) for r in jsonl(out)}
        assert all(set(r) == PAIR_KEYS for r in jsonl(out))
    elif fmt == "json":
        rows = json.loads(out)
        assert isinstance(rows, list) and all(set(r) == PAIR_KEYS for r in rows)
        got = {(r["doc_a"], r["doc_b"]) for r in rows}
    else:
        assert out.startswith(" ") and "2 pairs" in out.splitlines()[0]
        got = {(a, b) for a, b in expected if a in out and b in out}  # a file gets the table whole, unfolded
    assert got == expected


@pytest.mark.parametrize(
    "command",
    [("stories",), ("stories", "--doc", f"{LONG}.txt"), ("rejects",)],
    ids=["stories", "stories-doc", "rejects"],
)
@pytest.mark.parametrize("fmt", ["tsv", "csv", "jsonl", "json", "table"])
def test_listings_take_every_format(hyphens: dict, command: tuple[str, ...], fmt: str) -> None:
    out = ok(*command, "--db", hyphens["db"], "--format", fmt).stdout
    if fmt == "json":
        assert isinstance(json.loads(out), list) and json.loads(out)
    elif fmt == "jsonl":
        assert jsonl(out)
    elif fmt in ("tsv", "csv"):
        assert len(out.splitlines()) >= 2
    assert LONG in out or "empty-file-with-a-long-hyphenated-name.txt" in out


def test_tsv_escapes_tabs_and_newlines_so_each_row_is_one_line(tmp_path: Path, gen) -> None:
    corpus = tmp_path / "c.jsonl"
    text = gen.prose(gen.words(200))
    rows = [{"id": "tab\there", "text": text}, {"id": "new\nline", "text": text.upper()}]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    ok("scan", corpus, "--db", tmp_path / "t.duckdb", "--workers", "1", "--quiet")
    lines = ok("pairs", "--db", tmp_path / "t.duckdb").stdout.splitlines()
    assert len(lines) == 2 and lines[1].split("\t")[:2] == ["new\\nline", "tab\\there"]


def test_limit_cuts_every_listing_and_the_table_says_of_how_many(hyphens: dict) -> None:
    db = hyphens["db"]
    assert len(ok("pairs", "--db", db, "--limit", "1").stdout.splitlines()) == 2
    assert "1 of 2 pairs" in ok("pairs", "--db", db, "--limit", "1", "--format", "table").stdout
    assert len(jsonl(ok("stories", "--db", db, "--limit", "0", "--format", "jsonl").stdout)) == 0
    assert len(ok("rejects", "--db", db, "--limit", "0").stdout.splitlines()) == 1  # the header
    pair = jsonl(ok("pairs", "--db", db, "--format", "jsonl", "--limit", "1").stdout)[0]
    assert pair == jsonl(ok("pairs", "--db", db, "--format", "jsonl").stdout)[0]


def test_show_and_diff_take_the_row_formats(tmp_path: Path, gen) -> None:
    db, _ = _edited_pair(tmp_path, gen)
    rows = jsonl(ok("show", "l.txt", "r.txt", "--db", db, "--format", "jsonl").stdout)
    assert len(rows) == 1 and {"passage", "a_start", "a_end", "text_a", "text_b"} <= set(rows[0])
    assert "[-leftonlyword-]" in rows[0]["text_a"] and "{+rightonlyword+}" in rows[0]["text_b"]
    tsv = ok("diff", "l.txt", "r.txt", "--db", db, "--format", "tsv").stdout.splitlines()
    assert tsv[0] == "kind\tpassage\ta_start\ta_end\ta_text\tb_start\tb_end\tb_text"
    assert any(line.split("\t")[0] == "replace" and "leftonlyword" in line and "rightonlyword" in line for line in tsv)
    one = json.loads(ok("diff", "l.txt", "r.txt", "--db", db, "--format", "json").stdout)
    assert one == json.loads(ok("diff", "l.txt", "r.txt", "--db", db, "--json").stdout)
    assert one["schema"] == "textreuse.diff/1"
    assert len(ok("diff", "l.txt", "r.txt", "--db", db, "--format", "tsv", "--limit", "1").stdout.splitlines()) == 2


def _edited_pair(tmp_path: Path, gen) -> tuple[Path, list[str]]:
    """Return the database of two documents sharing 60 words, one changed on each side,
    and those 60 words (as on the left)."""
    root = tmp_path / "c"
    root.mkdir()
    shared = gen.words(60)
    left, right = list(shared), list(shared)
    left[30], right[30] = "leftonlyword", "rightonlyword"
    (root / "l.txt").write_text(gen.prose(gen.words(100) + left + gen.words(100)), encoding="utf-8")
    (root / "r.txt").write_text(gen.prose(gen.words(80) + right + gen.words(90)), encoding="utf-8")
    db = tmp_path / "t.duckdb"
    ok("scan", root, "--db", db, "--workers", "1", "--quiet")
    return db, shared


def test_show_piped_brackets_the_changes_its_legend_names(tmp_path: Path, gen) -> None:
    db, _ = _edited_pair(tmp_path, gen)
    out = ok("show", "l.txt", "r.txt", "--db", db).stdout
    assert "[-leftonlyword-]" in out and "{+rightonlyword+}" in out
    assert "[-…-]" in out.splitlines()[1] and "yellow" not in out


def test_trace_and_align_take_every_format(hyphens: dict, tmp_path: Path) -> None:
    new = tmp_path / "new.txt"
    new.write_text(hyphens["files"][f"{LONG}.txt"][:3000], encoding="utf-8")
    traced = ok("trace", new, "--db", hyphens["db"], "--format", "csv")
    assert traced.stdout.startswith("doc_a,doc_b,") and "likely origin" in traced.stderr
    assert json.loads(ok("trace", new, "--db", hyphens["db"], "--format", "json").stdout)["pairs"]
    assert len(ok("trace", new, "--db", hyphens["db"], "--limit", "1").stdout.splitlines()) == 2
    a, b = hyphens["root"] / f"{LONG}.txt", hyphens["root"] / f"{LONG}-blog-excerpt.txt"
    [row] = json.loads(ok("align", a, b, "--format", "json", "--workers", "1").stdout)
    assert row["relation"] == "excerpt"
    assert "1 pair" in ok("align", a, b, "--format", "table", "--workers", "1").stdout


@pytest.mark.parametrize("fmt", ["tsv", "csv", "jsonl", "json", "table"])
def test_scan_prints_its_summary_in_the_format_asked(corpus: dict, fmt: str) -> None:
    out = ok("scan", corpus["root"], "--db", corpus["db"], "--workers", "1", "--quiet", "--format", fmt).stdout
    if fmt in ("json", "jsonl"):
        assert json.loads(out)["documents"] == 5
    elif fmt == "tsv":
        header, row = out.splitlines()
        assert dict(zip(header.split("\t"), row.split("\t")))["documents"] == "5"
    else:
        assert "documents" in out and "5" in out


def test_scan_limit_cuts_the_listed_rejects(corpus: dict) -> None:
    for k in range(3):
        (corpus["root"] / f"empty{k}.txt").write_bytes(b"")
    result = ok("scan", corpus["root"], "--db", corpus["db"], "--workers", "1", "--json", "--limit", "1")
    summary = json.loads(result.stdout)
    assert summary["rejected"] == 4 and len(summary["rejects"]) == 1
    assert result.stderr.count("rejected ") == 1 and "3 more" in result.stderr


# ---------------------------------------------------------------- scripting: values, exit codes, messages


def test_unknown_relation_is_a_usage_error_naming_the_valid_ones(scanned: dict) -> None:
    result = run("pairs", "--db", scanned["db"], "--relation", "excerpts")
    assert result.exit_code == 2 and result.stdout == ""
    assert all(r in result.stderr for r in ("duplicate", "near_duplicate", "excerpt", "overlap"))


def test_unknown_format_is_a_usage_error(scanned: dict) -> None:
    result = run("pairs", "--db", scanned["db"], "--format", "xml")
    assert result.exit_code == 2 and "tsv" in result.stderr


def test_unknown_document_says_it_is_not_in_the_database(scanned: dict) -> None:
    result = run("pairs", "--db", scanned["db"], "--doc", "ghost.txt")
    assert result.exit_code == 1 and result.stdout == ""
    assert "no document 'ghost.txt'" in result.stderr


def test_max_rejects_says_why_it_exits_3(corpus: dict) -> None:
    (corpus["root"] / "empty2.txt").write_bytes(b"")
    result = run("scan", corpus["root"], "--db", corpus["db"], "--workers", "1", "--quiet", "--max-rejects", "1")
    assert result.exit_code == 3
    assert "2 inputs rejected, more than --max-rejects 1" in " ".join(result.stderr.split())


def test_scan_of_a_missing_input_fails_before_any_progress(tmp_path: Path) -> None:
    result = run("scan", tmp_path / "nonexistent", "--db", tmp_path / "t.duckdb")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: no such file or folder: {tmp_path / 'nonexistent'}"
    assert not (tmp_path / "t.duckdb").exists()


def test_export_of_a_missing_database_leaves_no_folder(tmp_path: Path) -> None:
    result = run("export", "--db", tmp_path / "nosuch", "--out", tmp_path / "out")
    assert result.exit_code == 1 and "no database" in result.stderr
    assert not (tmp_path / "out").exists()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_scan_of_other_inputs_refuses_to_replace_the_database(scanned: dict, tmp_path: Path, gen) -> None:
    other = tmp_path / "newdocs"
    other.mkdir()
    (other / "one.txt").write_text(gen.prose(gen.words(100)), encoding="utf-8")
    before = _digest(scanned["db"])
    result = run("scan", other, "--db", scanned["db"], "--workers", "1", "--quiet")
    assert result.exit_code == 2 and "--replace" in result.stderr and "5 documents" in result.stderr
    assert _digest(scanned["db"]) == before
    ok("scan", other, "--db", scanned["db"], "--workers", "1", "--quiet", "--replace")
    assert len(jsonl(ok("scan", other, "--db", scanned["db"], "--workers", "1", "--json").stdout)) == 1


def test_scan_of_the_same_inputs_replaces_the_database(scanned: dict) -> None:
    (scanned["root"] / "later.txt").write_text("a later file " * 40, encoding="utf-8")
    summary = json.loads(ok("scan", scanned["root"], "--db", scanned["db"], "--workers", "1", "--json").stdout)
    assert summary["documents"] == 6


def test_scan_never_overwrites_a_duckdb_file_textreuse_did_not_write(corpus: dict, tmp_path: Path) -> None:
    import duckdb

    theirs = tmp_path / "theirs.duckdb"
    con = duckdb.connect(str(theirs))
    con.execute("CREATE TABLE invoices (id INTEGER, total DOUBLE)")
    con.execute("INSERT INTO invoices VALUES (1, 9.5)")
    con.close()
    before = _digest(theirs)
    for extra in ([], ["--replace"]):
        result = run("scan", corpus["root"], "--db", theirs, "--workers", "1", "--quiet", *extra)
        assert result.exit_code == 1 and "textreuse did not write" in result.stderr and "invoices" in result.stderr
        assert _digest(theirs) == before


# ---------------------------------------------------------------- scripting: standard input, globs


def test_scan_reads_jsonl_from_standard_input(tmp_path: Path, gen) -> None:
    words = gen.prose(gen.words(200))
    records = "".join(json.dumps({"id": f"d-{k}", "text": words}) + "\n" for k in range(3))
    result = runner.invoke(app, ["scan", "-", "--db", str(tmp_path / "t.duckdb"), "--workers", "1", "--json"], input=records)
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    # Three copies: one story, each copy paired with the first (n - 1 pairs).
    assert (summary["documents"], summary["pairs"], summary["stories"]) == (3, 2, 1)


def test_scan_reads_text_from_standard_input_by_input_format(tmp_path: Path, gen) -> None:
    text = '{"not": "json lines"} ' + gen.prose(gen.words(100))
    db = tmp_path / "t.duckdb"
    args = ["scan", "-", "--db", str(db), "--workers", "1", "--quiet", "--input-format", "text"]
    assert runner.invoke(app, args, input=text).exit_code == 0
    assert ok("text", "stdin", "--db", db).stdout == text


def test_scan_of_standard_input_never_replaces_a_database_silently(scanned: dict) -> None:
    args = ["scan", "-", "--db", str(scanned["db"]), "--workers", "1", "--quiet"]
    result = runner.invoke(app, args, input="some words " * 50)
    assert result.exit_code == 2 and "--replace" in result.stderr


def test_trace_clean_and_align_read_standard_input(hyphens: dict, tmp_path: Path) -> None:
    original = hyphens["files"][f"{LONG}.txt"]
    traced = runner.invoke(app, ["trace", "-", "--db", str(hyphens["db"]), "--format", "jsonl"], input=original[:3000])
    assert traced.exit_code == 0, traced.stderr
    assert {r["doc_a"] for r in jsonl(traced.stdout)} == {"stdin"}
    cleaned = runner.invoke(app, ["clean", "-"], input="It\u00e2\u20ac\u2122s fine " * 20)
    assert cleaned.exit_code == 0 and cleaned.stdout.startswith("It’s fine")
    records = "".join(json.dumps({"id": k, "text": t}) + "\n" for k, t in (("a", "caf\u00c3\u00a9 " * 30), ("b", "plain " * 30)))
    out = jsonl(runner.invoke(app, ["clean", "-"], input=records).stdout)
    assert [r["id"] for r in out] == ["a", "b"] and out[0]["text"].startswith("café")
    excerpt = hyphens["root"] / f"{LONG}-blog-excerpt.txt"
    aligned = runner.invoke(app, ["align", "-", str(excerpt), "--format", "jsonl"], input=original)
    assert aligned.exit_code == 0, aligned.stderr
    [row] = jsonl(aligned.stdout)
    assert (row["doc_a"], row["relation"]) == ("stdin", "excerpt")
    both = "".join(json.dumps({"id": k, "text": original}) + "\n" for k in ("x-1", "x-2"))
    [row] = jsonl(runner.invoke(app, ["align", "-", "--format", "jsonl"], input=both).stdout)
    assert (row["doc_a"], row["doc_b"], row["relation"]) == ("x-1", "x-2", "duplicate")


def test_scan_globs_pick_and_exclude_a_folders_files(tmp_path: Path, gen) -> None:
    root = tmp_path / "c"
    (root / "sub").mkdir(parents=True)
    text = gen.prose(gen.words(150))
    for name in ("a.txt", "sub/b.txt", "ORIGIN.md", "sub/ORIGIN.md", "c.jsonl"):
        (root / name).write_text(text if not name.endswith("jsonl") else json.dumps({"id": "j", "text": text}) + "\n", encoding="utf-8")
    db = tmp_path / "t.duckdb"
    ok("scan", root, "--db", db, "--workers", "1", "--quiet", "--glob", "*.txt", "--glob", "*.md", "--exclude", "ORIGIN.md")
    ids = {r["doc_a"] for r in jsonl(ok("pairs", "--db", db, "--format", "jsonl").stdout)}
    ids |= {r["doc_b"] for r in jsonl(ok("pairs", "--db", db, "--format", "jsonl").stdout)}
    assert ids == {"a.txt", "sub/b.txt"}


# ---------------------------------------------------------------- scripting: first run, progress, small things


def test_scan_says_it_compiles_when_the_kernel_cache_is_cold(corpus: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    from textreuse import jit

    monkeypatch.setattr(jit, "cold", lambda: True)
    result = ok("scan", corpus["root"], "--db", corpus["db"], "--workers", "1", "--quiet")
    assert "compiling kernels once (about 30 s" in result.stderr
    monkeypatch.setattr(jit, "cold", lambda: False)
    assert "compiling" not in ok("scan", corpus["root"], "--db", corpus["db"], "--workers", "1", "--quiet").stderr


def test_warmup_compiles_the_kernels() -> None:
    result = ok("warmup")
    assert result.stdout == "" and ("kernels ready" in result.stderr or "no kernels" in result.stderr)


def test_scan_progress_shows_rates_and_time(corpus: dict) -> None:
    result = ok("scan", corpus["root"], "--db", corpus["db"], "--workers", "1")
    assert "docs/s" in result.stderr and "pairs/s" in result.stderr and "MB/s" in result.stderr


def _option_helps(callback) -> list[str]:
    import typing

    helps = []
    for hint in typing.get_type_hints(callback, include_extras=True).values():
        for meta in getattr(hint, "__metadata__", ()):
            if getattr(meta, "help", None):
                helps.append(meta.help)
    return helps


@pytest.mark.parametrize("name,callback", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_help_renders_its_own_text(name: str, callback) -> None:
    # Compared without white space: help wraps lines, at hyphens too.
    shown = "".join(ok(name, "--help").stdout.split())
    doc = inspect.getdoc(callback)
    assert "".join(doc.split()) in shown  # every paragraph, nothing eaten as markup
    for text in _option_helps(callback):
        assert "".join(text.split()) in shown, text
    assert "<bool>" not in shown


def test_clean_help_keeps_the_boilerplate_marker() -> None:
    assert "[boilerplate:KIND]" in " ".join(ok("clean", "--help").stdout.split())


def test_counts_are_plural_only_when_not_one(tmp_path: Path, gen) -> None:
    f = tmp_path / "solo.txt"
    f.write_text(gen.prose(gen.words(100)), encoding="utf-8")
    result = ok("scan", f, "--db", tmp_path / "t.duckdb", "--workers", "1", "--quiet")
    assert "1 document read" in result.stderr and "0 pairs" in result.stderr and "0 stories" in result.stderr


def test_show_says_1_passage(bracket_db: Path) -> None:
    out = ok("show", "notes[draft].txt", "notes[final].txt", "--db", bracket_db).stdout
    assert "1 passage" in out and "1 passages" not in out


def test_empty_and_binary_files_are_rejected_with_their_kind(tmp_path: Path, gen) -> None:
    root = tmp_path / "c"
    root.mkdir()
    (root / "empty.txt").write_bytes(b"")
    (root / "blob.bin").write_bytes(b"\x00\x01\x02\xff" * 100)
    (root / "ok.txt").write_text(gen.prose(gen.words(100)), encoding="utf-8")
    summary = json.loads(ok("scan", root, "--db", tmp_path / "t.duckdb", "--workers", "1", "--json").stdout)
    assert summary["rejected_by_kind"] == {"binary": 1, "empty": 1} or summary["rejected_by_kind"] == {"empty": 1, "binary": 1}
    rows = ok("rejects", "--db", tmp_path / "t.duckdb", "--format", "jsonl").stdout
    assert {r["kind"] for r in jsonl(rows)} == {"empty", "binary"}


# ---------------------------------------------------------------- export


def test_export_writes_every_table_and_view_of_the_database(scanned: dict, tmp_path: Path) -> None:
    import duckdb

    con = duckdb.connect(str(scanned["db"]), read_only=True)
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    con.close()
    written = ok("export", "--db", scanned["db"], "--out", tmp_path / "out", "--format", "csv").stdout.splitlines()
    assert {Path(p).name for p in written} == {f"{n}.csv" for n in names} and len(names) >= 12
    import csv

    with (tmp_path / "out" / "pairs.csv").open(encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == 2


def test_align_pairs_streams_tsv_rows_under_one_header(pairs_setup) -> None:
    base, pairs = pairs_setup
    lines = ok("align", "--pairs", pairs, "--base", base, "--workers", "1", "-q").stdout.splitlines()
    assert lines[0].startswith("doc_a\tdoc_b\t") and [line.split("\t")[:3] for line in lines[1:]] == [
        ["sub/long.txt", "short.txt", "excerpt"], ["c.txt", "b.txt", "overlap"]]


def test_a_reader_that_goes_away_ends_the_command_as_sigpipe_does(tmp_path: Path, gen) -> None:
    import subprocess
    import sys

    corpus = tmp_path / "copies"
    corpus.mkdir()
    text = gen.prose(gen.words(300))
    for k in range(80):
        (corpus / f"copy-{k:02d}.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "copies.duckdb"
    ok("scan", corpus, "--db", db, "--workers", "1", "--quiet")
    # 3,160 rows: far more than a pipe holds, so writes go on after the reader left.
    proc = subprocess.Popen([sys.executable, "-m", "textreuse", "pairs", "--all", "--db", str(db)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=this_code())
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(b"doc_a\t")  # one line, as `head -1` reads, then go away
    proc.stdout.close()
    code = proc.wait(timeout=120)
    assert code == 141 and proc.stderr.read() == b""
