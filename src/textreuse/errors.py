"""Exceptions raised by textreuse.

Every error says what failed, for which file or record, and what to try.

    TextReuseError
    ├── IngestError        a file or record could not be read
    │   └── PageError      a web page gave no text (kind says why)
    ├── StoreError         a database or output path is unusable
    ├── AlignError         a pair could not be aligned
    └── EngineError        an engine cannot run (a missing extra, no Java, no cluster)
"""

from __future__ import annotations


class TextReuseError(Exception):
    """Base class of every error textreuse raises on purpose."""


class IngestError(TextReuseError):
    """A file or record could not be read; `kind`, when set, names why in one word (``binary``...)."""

    def __init__(self, message: str, kind: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind


class PageError(IngestError):
    """A web page gave no document; `kind` names why in one word (``no_main_text``...)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message, kind)


class StoreError(TextReuseError):
    """A database or output path is unusable."""


class AlignError(TextReuseError):
    """A pair of documents could not be aligned."""


class EngineError(TextReuseError):
    """An engine cannot run: a missing extra, no Java, or a cluster that cannot be reached."""
