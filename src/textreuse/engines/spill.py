"""Documents whose texts wait on disk: a scan holds what describes them, not their texts.

A corpus's texts are most of what a scan would otherwise hold: 100,000 news-sized
documents are 285 MB of text, about 480 MB as Python strings (typographic punctuation
makes a string two bytes a character), and web pages add their HTML. :class:`Spilled`
writes each document's text and HTML, as read, to one unnamed temporary file (the
system's, or the folder given: ``scan --tmp``) and keeps the rest of the document; a
stage asking for document ``k`` gets it whole, its text read back with one ``pread``.
The file has no name, so it is gone when the scan's process ends, however it ends;
worker processes forked from the scan read the same file (``pread`` shares no
position), and the operating system's page cache, not the scan, holds what is read
often.

A :class:`Spilled` is a ``Sequence[Document]``: the stages take it as they take a list,
and a document read back equals the one written.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, overload

from textreuse.model import Document

_ENCODING = "utf-8"
_ERRORS = "surrogatepass"  # a text may hold lone surrogates (kept, as the database keeps them)


class Spilled(Sequence[Document]):
    """Documents in reading order, their texts in a temporary file under `folder`.

    The last `cache` documents read are kept (alignment asks for the same document for
    each of its pairs in a row).

    >>> docs = Spilled()
    >>> docs.extend([Document("a", "Some text ’quoted’."), Document("b", "", html="<p>x</p>")])
    >>> docs[0] == Document("a", "Some text ’quoted’."), docs[1].html, len(docs), docs.chars()
    (True, '<p>x</p>', 2, [19, 0])
    >>> [d.id for d in docs.select([1])], docs == [Document("a", "Some text ’quoted’."), docs[1]]
    (['b'], True)
    """

    def __init__(self, folder: str | Path | None = None, *, cache: int = 1024) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(dir=folder, prefix="textreuse-texts-")
        self._fd = self._file.fileno()
        self._bare: list[Document] = []  # each document without its text and HTML
        self._start = array("q")  # where its text starts in the file
        self._text = array("q")  # bytes of its text
        self._html = array("q")  # bytes of its HTML (-1: none)
        self._chars = array("q")  # characters of its text
        self._end = 0
        self._cache: dict[int, Document] = {}
        self._cache_size = cache

    def append(self, doc: Document) -> None:
        """Write `doc`'s text and HTML to the file and keep the rest of it."""
        text = doc.raw_text.encode(_ENCODING, _ERRORS)
        html = doc.html.encode(_ENCODING, _ERRORS) if doc.html is not None else b""
        data = text + html if html else text
        written = 0
        while written < len(data):  # a write may be short
            written += os.pwrite(self._fd, data[written:], self._end + written)
        self._start.append(self._end)
        self._text.append(len(text))
        self._html.append(len(html) if doc.html is not None else -1)
        self._chars.append(len(doc.raw_text))
        self._end += len(data)
        self._bare.append(dataclasses.replace(doc, raw_text="", html=None))

    def extend(self, docs: Iterable[Document]) -> None:
        """Append each of `docs`."""
        for doc in docs:
            self.append(doc)

    def __len__(self) -> int:
        return len(self._bare)

    @overload
    def __getitem__(self, k: int) -> Document: ...

    @overload
    def __getitem__(self, k: slice) -> list[Document]: ...

    def __getitem__(self, k: int | slice) -> Document | list[Document]:
        if isinstance(k, slice):
            return [self._read(i) for i in range(*k.indices(len(self)))]
        if k < 0:
            k += len(self)
        found = self._cache.get(k)
        if found is None:
            found = self._read(k)
            if len(self._cache) >= self._cache_size:
                del self._cache[next(iter(self._cache))]
            self._cache[k] = found
        return found

    def __iter__(self) -> Iterator[Document]:
        # In order and without the cache: a pass over the corpus reads each text once.
        return (self._read(k) for k in range(len(self)))

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence of the same documents (a list of them, say)."""
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)) or len(other) != len(self):
            return NotImplemented if not isinstance(other, Sequence) else False
        return all(x == y for x, y in zip(self, other))

    __hash__ = None  # type: ignore[assignment]

    def _read(self, k: int) -> Document:
        bare = self._bare[k]  # raises IndexError past the end
        n, h = self._text[k], self._html[k]
        data = os.pread(self._fd, n + max(h, 0), self._start[k]) if n + max(h, 0) else b""
        doc = object.__new__(Document)
        # The fields copied, as dataclasses.replace would (which takes 9 of the 11 µs a read took).
        doc.__dict__.update(bare.__dict__, raw_text=data[:n].decode(_ENCODING, _ERRORS),
                            html=data[n:].decode(_ENCODING, _ERRORS) if h >= 0 else None)
        return doc

    def chars(self) -> list[int]:
        """Return each document's length in characters (its texts are not read)."""
        return self._chars.tolist()

    def largest_bytes(self) -> int:
        """Return the size in UTF-8 of the longest text (0 when there is none)."""
        return max(self._text, default=0)

    def bare(self) -> list[Document]:
        """Return the documents without their texts (``raw_text`` empty, no ``html``), for
        what needs only their metadata (ids, dates, sites)."""
        return list(self._bare)

    def select(self, indices: Sequence[int]) -> Spilled:
        """Return the documents at `indices`, in that order, reading the same file."""
        out = Spilled.__new__(Spilled)
        out._file, out._fd, out._end = self._file, self._fd, self._end
        out._bare = [self._bare[k] for k in indices]
        for name in ("_start", "_text", "_html", "_chars"):
            column = getattr(self, name)
            setattr(out, name, array("q", (column[k] for k in indices)))
        out._cache, out._cache_size = {}, self._cache_size
        return out


def chars(docs: Sequence[Document]) -> list[int]:
    """Return each document's length in characters, without reading spilled texts."""
    return docs.chars() if isinstance(docs, Spilled) else [len(d.raw_text) for d in docs]


def bare(docs: Sequence[Document]) -> Sequence[Document]:
    """Return `docs` as fit for reading metadata only: spilled ones without their texts."""
    return docs.bare() if isinstance(docs, Spilled) else docs


def largest_bytes(docs: Sequence[Document]) -> int:
    """Return at most the size in UTF-8 of the longest text of `docs`."""
    if isinstance(docs, Spilled):
        return docs.largest_bytes()
    # isascii is a flag lookup; otherwise a character takes at most 4 bytes.
    return max((len(d.raw_text) * (1 if d.raw_text.isascii() else 4) for d in docs), default=0)
