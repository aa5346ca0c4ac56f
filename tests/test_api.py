"""Tests for the public Python API: textreuse.scan, results as Arrow tables, __all__."""

from __future__ import annotations
import __future__

import types
from pathlib import Path

import pyarrow as pa
import pytest

import textreuse


def _corpus(root: Path, gen) -> Path:
    root.mkdir()
    shared = gen.words(80)
    (root / "a.txt").write_text(
        gen.prose(gen.words(100) + shared + gen.words(100)), encoding="utf-8"
    )
    (root / "b.txt").write_text(
        gen.prose(gen.words(50) + shared + gen.words(300)), encoding="utf-8"
    )
    (root / "c.txt").write_text(gen.prose(gen.words(200)), encoding="utf-8")
    return root


def test_scan_returns_pairs_table_as_arrow(tmp_path: Path, gen) -> None:
    result = textreuse.scan([_corpus(tmp_path / "c", gen)], workers=1)
    table = result.pairs_table
    assert isinstance(table, pa.Table)
    assert table.to_pylist() == [
        {
            "doc_a": "a.txt",
            "doc_b": "b.txt",
            "relation": "overlap",
            "origin": None,
            "coverage_a": result.pairs[0].coverage_a,
            "coverage_b": result.pairs[0].coverage_b,
            "n_passages": 1,
        }
    ]


def test_scan_returns_passages_table_with_raw_offsets(tmp_path: Path, gen) -> None:
    root = _corpus(tmp_path / "c", gen)
    result = textreuse.scan([root], workers=1)
    table = result.passages_table
    assert isinstance(table, pa.Table)
    [row] = table.to_pylist()
    a = (root / "a.txt").read_text(encoding="utf-8")[row["a_start"] : row["a_end"]]
    b = (root / "b.txt").read_text(encoding="utf-8")[row["b_start"] : row["b_end"]]
    assert textreuse.tokenize(a).hashes.tolist() == textreuse.tokenize(b).hashes.tolist()


def test_scan_accepts_string_paths(tmp_path: Path, gen) -> None:
    result = textreuse.scan([str(_corpus(tmp_path / "c", gen))], workers=1)
    assert [d.id for d in result.documents] == ["a.txt", "b.txt", "c.txt"]


def test_counts_sum_pairs_by_relation(tmp_path: Path, gen) -> None:
    counts = textreuse.scan([_corpus(tmp_path / "c", gen)], workers=1).counts()
    assert counts["pairs"] == sum(counts["pairs_by_relation"].values()) == 1
    assert set(counts["pairs_by_relation"]) == {"duplicate", "near_duplicate", "excerpt", "overlap"}


def test_scan_documents_without_files(gen) -> None:
    words = gen.words(200)
    docs = [
        textreuse.Document("x", " ".join(words)),
        textreuse.Document("y", " ".join(words).upper()),
    ]
    [pair] = textreuse.scan_documents(docs, workers=1).pairs
    assert pair.relation == "duplicate"


def test_relate_documents_keep_order(gen) -> None:
    words = gen.words(600)
    long, short = (
        textreuse.Document("long", " ".join(words)),
        textreuse.Document("short", " ".join(words[:200])),
    )
    assert textreuse.relate_documents(long, short).doc_a == "short"
    assert textreuse.relate_documents(long, short, keep_order=True).doc_a == "long"


def test_relate_documents_sharing_nothing_is_none(gen) -> None:
    a, b = (
        textreuse.Document("a", " ".join(gen.words(300))),
        textreuse.Document("b", " ".join(gen.words(300))),
    )
    assert textreuse.relate_documents(a, b) is None


def test_scan_of_unrelated_documents_finds_no_pairs(gen) -> None:
    docs = [textreuse.Document(k, " ".join(gen.words(300))) for k in ("a", "b", "c")]
    assert textreuse.scan_documents(docs, workers=1).pairs == []


def test_align_texts_returns_raw_offsets(gen) -> None:
    shared = gen.words(60)
    a = "Préambule — “😀”\r\n" + " ".join(gen.words(40) + shared)
    b = " ".join(shared + gen.words(40))
    [p] = textreuse.align_texts(a, b)
    assert a[p.a[0] : p.a[1]] == b[p.b[0] : p.b[1]] == " ".join(shared)


def test_result_is_scan_result() -> None:
    assert textreuse.Result is textreuse.ScanResult


def test_errors_share_one_base_class() -> None:
    for exc in (textreuse.IngestError, textreuse.StoreError, textreuse.AlignError):
        assert issubclass(exc, textreuse.TextReuseError)


def _public_names() -> set[str]:
    return {
        name
        for name, value in vars(textreuse).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and not isinstance(value, __future__._Feature)  # `from __future__ import annotations`
    }


def test_every_public_name_is_in_all() -> None:
    assert _public_names() - set(textreuse.__all__) == set()


def test_every_name_in_all_exists() -> None:
    assert [name for name in textreuse.__all__ if not hasattr(textreuse, name)] == []


def test_all_has_no_duplicates() -> None:
    assert len(textreuse.__all__) == len(set(textreuse.__all__))


@pytest.mark.parametrize("enabled", [True, False])
def test_scan_pauses_the_cyclic_collector_and_restores_it(monkeypatch: pytest.MonkeyPatch, enabled: bool) -> None:
    import gc

    from textreuse.engines import local

    seen = []
    real = local.build_stories
    monkeypatch.setattr(local, "build_stories", lambda pairs, docs: (seen.append(gc.isenabled()), real(pairs, docs))[1])
    (gc.enable if enabled else gc.disable)()
    try:
        textreuse.scan_documents([textreuse.Document("a", "alpha beta gamma delta"), textreuse.Document("b", "alpha beta gamma delta")])
        assert seen == [False]
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
