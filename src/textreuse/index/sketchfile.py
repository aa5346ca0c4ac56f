"""Sketches that wait on disk between the stages that need them.

A scan needs every compared document's sketch twice: once all together, for the
candidate search, and once more, in pieces, for the ``postings`` table of its database.
Held in memory from the index stage to the end of the scan, a million news articles'
sketches (~110 million entries of 12 bytes) would take 1.3 GB through alignment,
relating and stories, and joining them for the search would briefly take twice that.
:class:`SketchFile` writes each batch of sketches to two unnamed temporary files as the
index stage makes them (hashes, positions) and keeps only the number of entries per
document; :meth:`SketchFile.chunks` reads them back a run of documents at a time for the
search, and :meth:`SketchFile.columns` any range of documents for the postings. The
files have no names: they are gone when the process ends, however it ends.
"""

from __future__ import annotations

import bisect
import tempfile
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, overload

import numpy as np
import numpy.typing as npt

from textreuse.index.candidates import I64, U64, Sketch, entries
from textreuse.index.runs import read_at, write_at


class SketchFile(Sequence[Sketch]):
    """Sketches of documents in order, their entries on disk under `folder`.

    >>> f = SketchFile()
    >>> f.add([Sketch(np.array([5, 9], np.uint64), np.array([0, 4], np.int32)), Sketch(np.array([7], np.uint64), np.array([2], np.int32))])
    >>> f.add([Sketch(np.array([3], np.uint64), np.array([1], np.int32))])
    >>> len(f), f[1].hashes.tolist(), [x.tolist() for x in f.columns(1, 3)]
    (3, [7], [[7, 3], [2, 1], [1, 1]])
    >>> [c[2].tolist() for c in f.chunks(2)], f.n_entries
    ([[2], [1, 1]], 4)
    """

    def __init__(self, folder: str | Path | None = None) -> None:
        self._files: list[IO[bytes]] = [tempfile.TemporaryFile(dir=folder, prefix="textreuse-sketches-") for _ in range(2)]
        self._sizes = array("q")
        self._ends = array("q")
        self._total = 0

    def add(self, sketches: Sequence[Sketch]) -> None:
        """Write the next documents' sketches."""
        hashes, positions, sizes = entries(sketches)
        write_at(self._files[0].fileno(), hashes.astype(np.uint64, copy=False), 8 * self._total)
        write_at(self._files[1].fileno(), positions.astype(np.int32, copy=False), 4 * self._total)
        for size in sizes.tolist():
            self._total += size
            self._sizes.append(size)
            self._ends.append(self._total)

    def __len__(self) -> int:
        return len(self._sizes)

    def sizes(self) -> I64:
        """Return each document's number of entries."""
        return np.frombuffer(self._sizes, dtype=np.int64).copy() if len(self._sizes) else np.zeros(0, dtype=np.int64)

    def columns(self, first: int, last: int) -> tuple[U64, npt.NDArray[np.int32], I64]:
        """Return the entries of documents `first` to `last` (excluded): hashes, positions
        and the number of each document's entries."""
        last = min(last, len(self))
        if first >= last:
            return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64)
        lo = self._ends[first - 1] if first else 0
        hi = self._ends[last - 1]
        hashes, positions = np.empty(hi - lo, dtype=np.uint64), np.empty(hi - lo, dtype=np.int32)
        read_at(self._files[0].fileno(), hashes, 8 * lo)
        read_at(self._files[1].fileno(), positions, 4 * lo)
        return hashes, positions, np.array(self._sizes[first:last], dtype=np.int64)

    @property
    def n_entries(self) -> int:
        """Return the number of entries of all sketches."""
        return self._total

    def chunks(self, size: int = 1_000_000) -> Iterator[tuple[U64, npt.NDArray[np.int32], I64]]:
        """Yield :meth:`columns` of consecutive documents, about `size` entries at a time
        (a document is never split), for :func:`textreuse.index.candidates.search`."""
        first = 0
        while first < len(self):
            start = self._ends[first - 1] if first else 0
            last = max(first + 1, bisect.bisect_right(self._ends, start + size, lo=first))
            yield self.columns(first, last)
            first = last

    @overload
    def __getitem__(self, k: int) -> Sketch: ...

    @overload
    def __getitem__(self, k: slice) -> list[Sketch]: ...

    def __getitem__(self, k: int | slice) -> Sketch | list[Sketch]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        hashes, positions, _ = self.columns(k, k + 1)
        return Sketch(hashes, positions)

    def __iter__(self) -> Iterator[Sketch]:
        return (self[k] for k in range(len(self)))


def sizes_of(sketches: Sequence[Sketch]) -> I64:
    """Return each sketch's number of entries (a :class:`SketchFile`'s without reading it)."""
    if isinstance(sketches, SketchFile):
        return sketches.sizes()
    return np.fromiter((len(s) for s in sketches), dtype=np.int64, count=len(sketches))


def columns(sketches: Sequence[Sketch], first: int, last: int) -> tuple[U64, npt.NDArray[np.int32], I64]:
    """Return the entries of sketches `first` to `last` (excluded) as columns: hashes,
    positions, entries per sketch (a :class:`SketchFile` reads only those)."""
    if isinstance(sketches, SketchFile):
        return sketches.columns(first, last)
    return entries(sketches[first:last])
