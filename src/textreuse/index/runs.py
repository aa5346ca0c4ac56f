"""Rows kept by bucket, in memory up to a budget and on disk beyond it.

The candidate search lists, for every n-gram two documents share, one row
``(doc_a, doc_b, place_a, place_b)``, and judges the rows of each pair together. On a
million news articles that is some 250 million rows (4 GB) made one hash slice at a
time, while each pair's rows come from every slice. :class:`Runs` takes the rows as
each slice makes them, sorted into buckets by first document, and holds them in memory
until they pass `budget` bytes; then every bucket's rows are appended as one run to a
single unnamed temporary file. :meth:`Runs.bucket` reads one bucket's runs back, in
the order they were added, so the rows of one pair are all in one bucket. The file
has no name: it is gone when the process ends, however it ends.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt

# Rows held in memory before they are written out (summed over the columns).
BUDGET = 256 * 2**20


def write_at(fd: int, data: npt.NDArray[np.generic], at: int) -> int:
    """Write `data`'s bytes to `fd` at offset `at`; return how many."""
    view = np.ascontiguousarray(data).data.cast("B")
    done = 0
    while done < len(view):  # a write may be short
        done += os.pwrite(fd, view[done:], at + done)
    return done


def read_at(fd: int, out: npt.NDArray[np.generic], at: int) -> int:
    """Fill `out` with the bytes of `fd` from offset `at`; return how many."""
    view = out.data.cast("B")
    done = 0
    while done < len(view):
        got = os.preadv(fd, [view[done:]], at + done)
        if got <= 0:
            raise OSError(f"a temporary file of the scan ended early ({done} of {len(view)} bytes)")
        done += got
    return done


class Runs:
    """Columns of rows of given `dtypes`, kept in `buckets` buckets (held rows past
    `budget` bytes, :data:`BUDGET` by default, go to a file under `folder`).

    >>> runs = Runs(2, (np.int32, np.int8), budget=8)
    >>> runs.add(np.array([0, 1, 1]), (np.array([5, 6, 7], np.int32), np.array([1, 0, 1], np.int8)))
    >>> runs.add(np.array([1, 0]), (np.array([8, 9], np.int32), np.array([0, 0], np.int8)))
    >>> [[c.tolist() for c in runs.bucket(k)] for k in range(2)], runs.spilled
    ([[[5, 9], [1, 0]], [[6, 7, 8], [0, 1, 0]]], True)
    """

    def __init__(
        self, buckets: int, dtypes: Sequence[npt.DTypeLike], *, budget: int | None = None, folder: str | Path | None = None
    ) -> None:
        self.dtypes = [np.dtype(t) for t in dtypes]
        self.budget = BUDGET if budget is None else budget
        self._folder = folder
        self._file: IO[bytes] | None = None
        self._end = 0
        self._held: list[list[list[npt.NDArray[np.generic]]]] = [[[] for _ in self.dtypes] for _ in range(buckets)]
        self._held_bytes = 0
        # Per bucket, the runs on disk: (offset, rows).
        self._runs: list[list[tuple[int, int]]] = [[] for _ in range(buckets)]

    @property
    def spilled(self) -> bool:
        """Whether any rows went to disk."""
        return self._file is not None

    def add(self, bucket: npt.NDArray[np.integer], columns: Sequence[npt.NDArray[np.generic]]) -> None:
        """Add rows: each one's `bucket`, and its `columns` (in the order of ``dtypes``)."""
        if not bucket.shape[0]:
            return
        order = np.argsort(bucket, kind="stable")
        counts = np.bincount(bucket, minlength=len(self._held))
        bounds = np.concatenate([[0], np.cumsum(counts)])
        sorted_columns = [np.asarray(c, dtype=t)[order] for c, t in zip(columns, self.dtypes)]
        for k in np.flatnonzero(counts).tolist():
            for held, column in zip(self._held[k], sorted_columns):
                held.append(column[bounds[k]:bounds[k + 1]])
        self._held_bytes += sum(c.nbytes for c in sorted_columns)
        if self._held_bytes > self.budget:
            self._write()

    def _write(self) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile(dir=self._folder, prefix="textreuse-runs-")
        fd = self._file.fileno()
        for k, held in enumerate(self._held):
            if not held[0]:
                continue
            rows = sum(part.shape[0] for part in held[0])
            self._runs[k].append((self._end, rows))
            for parts in held:
                for part in parts:
                    self._end += write_at(fd, part, self._end)
            self._held[k] = [[] for _ in self.dtypes]
        self._held_bytes = 0

    def bucket(self, k: int) -> list[npt.NDArray[np.generic]]:
        """Return bucket `k`'s rows, column by column, in the order they were added."""
        parts: list[list[npt.NDArray[np.generic]]] = [[] for _ in self.dtypes]
        for at, rows in self._runs[k]:
            assert self._file is not None
            for column, dtype in zip(parts, self.dtypes):
                out = np.empty(rows, dtype=dtype)
                at += read_at(self._file.fileno(), out, at)
                column.append(out)
        for column, held in zip(parts, self._held[k]):
            column.extend(held)
        return [np.concatenate(c) if c else np.zeros(0, dtype=t) for c, t in zip(parts, self.dtypes)]

    def close(self) -> None:
        """Let the file go (it has no name; closing it frees its disk)."""
        if self._file is not None:
            self._file.close()
            self._file = None
