"""Texts held on disk and index products held as columns give the results held in memory give."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from textreuse.clean.boilerplate import edges
from textreuse.clean.recurring import EdgeTable, PackedEdges
from textreuse.engines.local import read_all, scan, scan_documents
from textreuse.engines.spill import Spilled, bare, chars, largest_bytes
from textreuse.index import candidates, runs
from textreuse.index.candidates import IndexConfig, Sketch, find_candidates, search
from textreuse.index.sketchfile import SketchFile
from textreuse.model import Document
from textreuse.store.postings import ScanIndex

DEMO = Path(__file__).resolve().parents[1] / "demo" / "corpus"

ODD = [
    Document("plain", "Plain ASCII text.\nTwo lines.", source_path="a.txt", date="2020-01-02"),
    Document("curly", "“Quoted” — and ’tis so… 中文 and 🙂", url="https://example.org/x", links=("https://a.b/c",)),
    Document("surrogate", "a lone \udcff byte kept as read", encoding="latin-1"),
    Document("empty", ""),
    Document("page", "Extracted text.", html="<html><p>Extracted <b>text</b>.</p>\udc80</html>", title="T"),
    Document("empty-html", "Text", html=""),
]


def test_spilled_documents_read_back_equal() -> None:
    docs = Spilled()
    docs.extend(ODD)
    assert len(docs) == len(ODD)
    assert list(docs) == ODD
    assert [docs[k] for k in range(len(ODD))] == ODD
    assert docs[-1] == ODD[-1] and docs[1:3] == ODD[1:3]
    assert docs[4].html == ODD[4].html and docs[5].html == "" and docs[0].html is None
    with pytest.raises(IndexError):
        docs[len(ODD)]
    assert chars(docs) == [len(d.raw_text) for d in ODD]
    assert largest_bytes(docs) == max(len(d.raw_text.encode("utf-8", "surrogatepass")) for d in ODD)
    assert largest_bytes(ODD) >= largest_bytes(docs)
    assert [d.id for d in bare(docs)] == [d.id for d in ODD]
    assert all(d.raw_text == "" and d.html is None for d in bare(docs))
    picked = docs.select([4, 0])
    assert list(picked) == [ODD[4], ODD[0]] and chars(picked) == [len(ODD[4].raw_text), len(ODD[0].raw_text)]


def test_spilled_texts_leave_no_file_behind(tmp_path: Path) -> None:
    docs = Spilled(tmp_path)
    docs.extend(ODD * 50)
    assert docs[7] == ODD[1]
    assert list(tmp_path.iterdir()) == []  # the file has no name: nothing to remove, ever


def test_spilled_texts_are_read_by_forked_workers() -> None:
    docs = Spilled()
    docs.extend(ODD)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's exit code is the check
        os._exit(0 if [docs[k] for k in (5, 2, 0)] == [ODD[5], ODD[2], ODD[0]] else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def _tables(result, names=("pairs", "passages", "stories", "story_members", "annotations", "repairs",
                           "evidence", "postings", "index_documents", "documents")) -> dict[str, pa.Table]:
    return result.tables(names)


@pytest.mark.parametrize("workers", [1, 2])
def test_scan_with_texts_on_disk_equals_scan_in_memory(workers: int) -> None:
    held = scan_documents(*read_all([DEMO]), workers=workers)
    with tempfile.TemporaryDirectory() as tmp:
        spilled = scan([DEMO], workers=workers, tmp=tmp)
        assert isinstance(spilled.documents, Spilled)
        got, want = _tables(spilled), _tables(held)
    assert len(held.pairs) > 10
    for name in want:
        assert got[name].equals(want[name]), name
    assert spilled.all_pairs() == held.all_pairs()


def _sketches(seed: int, n: int) -> list[Sketch]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        size = int(rng.integers(0, 40))
        hashes = np.unique(rng.integers(0, 200, size=size).astype(np.uint64) * np.uint64(4))
        out.append(Sketch(hashes, np.sort(rng.integers(0, 500, size=hashes.shape[0])).astype(np.int32)))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_sketches_on_disk_read_back_and_pair_as_the_sketches_do(seed: int, tmp_path: Path) -> None:
    sketches = _sketches(seed, 60)
    held = SketchFile(tmp_path)
    for k in range(0, len(sketches), 7):
        held.add(sketches[k : k + 7])
    assert list(tmp_path.iterdir()) == []  # files with no name
    assert len(held) == len(sketches) and held[-1].hashes.tolist() == sketches[-1].hashes.tolist()
    hashes, positions, sizes = held.columns(0, len(held))
    assert sizes.tolist() == [len(s) for s in sketches]
    assert hashes.tolist() == [h for s in sketches for h in s.hashes.tolist()]
    assert positions.tolist() == [p for s in sketches for p in s.positions.tolist()]
    assert all((r.hashes == s.hashes).all() and (r.positions == s.positions).all() for r, s in zip(held, sketches))
    for max_df in (3, 100):
        config = IndexConfig(max_df=max_df)
        y = find_candidates(sketches, config=config)
        # Read back whole, or a few documents at a time as a scan reads them.
        found = [find_candidates(list(held), config=config), search(held.chunks(size=9), len(held), held.n_entries, config=config)]
        # Many hash slices and runs on disk after every chunk and slice.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(candidates, "_PART_SIZE", 11)
            patch.setattr(runs, "BUDGET", 1)
            found.append(search(held.chunks(size=9), len(held), held.n_entries, config=config, tmp=tmp_path))
        assert list(tmp_path.iterdir()) == []
        for x in found:
            assert x.a.tolist() == y.a.tolist() and x.b.tolist() == y.b.tolist() and x.shared.tolist() == y.shared.tolist()
            assert x.priority.tolist() == y.priority.tolist() and x.anchored.tolist() == y.anchored.tolist()
    ids, numbers = [f"d{k}" for k in range(len(sketches))], list(range(len(sketches)))
    want = ScanIndex(ids, numbers, numbers, sketches, {}).postings()
    for source in (held, sketches):
        pieces = list(ScanIndex(ids, numbers, numbers, source, {}).postings_tables(rows=25))
        assert len(pieces) > 1 and pa.concat_tables(pieces).equals(want)
    assert len(list(ScanIndex([], [], [], [], {}).postings_tables())) == 1  # an empty table, still made


def test_packed_edges_hold_what_the_edges_do() -> None:
    texts = [d.raw_text for d in ODD] + ["Home | News\nA story of the day, told at length.\nShare this\nAll rights reserved"]
    read = [edges(t) if t else None for t in texts]
    packed = PackedEdges()
    for r in read:
        packed.append(r)
    assert list(packed) == read and packed[-1] == read[-1] and packed[1:3] == read[1:3]
    for x, y in zip(EdgeTable.of(packed), EdgeTable.of(read)):
        assert np.array_equal(x, y)
