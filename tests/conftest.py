"""Shared helpers for the unit and CLI tests: seeded pseudo-random words and corpora.

Words are random lowercase strings of 3-9 letters drawn from a large seeded vocabulary,
so unrelated documents do not share word n-grams by accident.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

# Fixed seeds: every run tests the same examples (HYPOTHESIS_PROFILE=explore for new ones).
settings.register_profile("fixed", derandomize=True, database=None, deadline=None)
settings.register_profile("explore", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))

LETTERS = np.array(list("abcdefghijklmnopqrstuvwxyz"))


@lru_cache(maxsize=4)
def _vocab(size: int) -> np.ndarray:
    """Return `size` distinct random lowercase words of 3-9 letters (fixed seed)."""
    rng = np.random.default_rng(7)
    lengths = rng.integers(3, 10, size=size * 2)
    letters = rng.integers(0, 26, size=(size * 2, 9))
    vocab = sorted({"".join(LETTERS[row[:n]]) for row, n in zip(letters, lengths)})
    words = np.array(vocab[:size])
    rng.shuffle(words)
    return words


class TextGen:
    """Seeded generator of pseudo-random words and prose."""

    def __init__(self, seed: int, vocab_size: int = 20000) -> None:
        self.rng = np.random.default_rng(seed)
        self.vocab = _vocab(vocab_size)

    def words(self, n: int) -> list[str]:
        """Return `n` words drawn uniformly from the vocabulary."""
        return self.vocab[self.rng.integers(0, self.vocab.shape[0], size=n)].tolist()

    def prose(self, words: Sequence[str], *, line: int = 12, newline: str = "\n") -> str:
        """Return the words as sentences (capitals, full stops) wrapped every `line` words."""
        out = []
        for k, w in enumerate(words):
            if k % 9 == 0:
                w = w.capitalize()
            sep = "" if k == 0 else (newline if k % line == 0 else " ")
            if k % 9 == 8 or k == len(words) - 1:
                w += "."
            out.append(sep + w)
        return "".join(out)

    def edit(self, words: Sequence[str], rate: float) -> list[str]:
        """Return the words with about `rate` of them substituted, deleted or inserted."""
        out: list[str] = []
        for w in words:
            r = self.rng.random()
            if r < rate / 3:
                out.append(self.words(1)[0])  # substitution
            elif r < 2 * rate / 3:
                continue  # deletion
            elif r < rate:
                out += [w, self.words(1)[0]]  # insertion
            else:
                out.append(w)
        return out


@pytest.fixture
def gen() -> TextGen:
    """Return a text generator with a fixed seed."""
    return TextGen(20240501)


@pytest.fixture(scope="session")
def make_gen() -> Callable[[int], TextGen]:
    """Return the TextGen factory (session-scoped, so hypothesis tests may use it)."""
    return TextGen


def words_of(text: str) -> list[str]:
    """Return the casefolded words of `text` as textreuse splits them (reference)."""
    import unicodedata

    out, cur = [], []
    for ch in text:
        if unicodedata.category(ch)[0] in "LNM":
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return [unicodedata.normalize("NFKC", w).casefold() for w in out]


@pytest.fixture(scope="session")
def norm_words() -> Callable[[str], list[str]]:
    """Return the reference word splitter (normalised, casefolded)."""
    return words_of


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (relative path -> text or bytes) under `root` and return `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    return root


@pytest.fixture(scope="session")
def write_corpus() -> Callable[[Path, dict[str, str | bytes]], Path]:
    """Return a helper writing a corpus of files under a folder (bytes exactly as given)."""
    return write_files


def without_tables(db: Path, copy: Path, *tables: str) -> Path:
    """Return `copy`: database `db` copied with `tables` dropped, as an older textreuse
    wrote it (before those tables existed)."""
    import shutil

    import duckdb

    shutil.copy(db, copy)
    con = duckdb.connect(str(copy))
    try:
        for table in tables:
            con.execute(f"DROP TABLE {table}")
    finally:
        con.close()
    return copy


@pytest.fixture(scope="session")
def older_database() -> Callable[..., Path]:
    """Return :func:`without_tables`: a copy of a database as an older version wrote it."""
    return without_tables
