"""textreuse: find where text comes from.

>>> import textreuse
>>> pair = textreuse.relate_documents(
...     textreuse.Document("a", "one two three four five six seven eight nine ten " * 3),
...     textreuse.Document("b", "ONE two three four five six seven eight nine ten " * 3))
>>> pair.relation
'duplicate'

``textreuse.open(db)`` reads back what ``textreuse.scan(..., db=db)`` stored: the same
:class:`ScanResult`, with Arrow tables (``.pairs_table.to_pandas()``).
"""

from __future__ import annotations

__version__ = "0.1.0"

import importlib
import typing

if typing.TYPE_CHECKING:
    from textreuse.align.local_align import AlignConfig, align_texts
    from textreuse.align.summary import SummaryConfig
    from textreuse.config import Config
    from textreuse.engines.local import ScanResult, relate_documents, scan, scan_documents
    from textreuse.engines.stored import open_result as open  # noqa: A001  (textreuse.open, as scan's twin)
    from textreuse.engines.trace import TraceResult, trace
    from textreuse.errors import AlignError, IngestError, PageError, StoreError, TextReuseError
    from textreuse.index.candidates import IndexConfig
    from textreuse.index.tokenize import Tokens, tokenize
    from textreuse.ingest.html import HtmlConfig
    from textreuse.ingest.read import IngestConfig
    from textreuse.model import Document, Pair, Passage, Reject
    from textreuse.relate.pairs import RelateConfig
    from textreuse.relate.stories import Member, Story

    Result = ScanResult

# Each name, and the module (and the name there) it comes from. They load when first used,
# so that importing one module of the package (the command line's signal handling first
# of all) does not load all of them: that takes most of a second.
_FROM: dict[str, tuple[str, str]] = {
    **{name: ("textreuse.align.local_align", name) for name in ("AlignConfig", "align_texts")},
    "SummaryConfig": ("textreuse.align.summary", "SummaryConfig"),
    "Config": ("textreuse.config", "Config"),
    **{name: ("textreuse.engines.local", name) for name in ("ScanResult", "relate_documents", "scan", "scan_documents")},
    "Result": ("textreuse.engines.local", "ScanResult"),
    "open": ("textreuse.engines.stored", "open_result"),
    **{name: ("textreuse.engines.trace", name) for name in ("TraceResult", "trace")},
    **{name: ("textreuse.errors", name)
       for name in ("AlignError", "IngestError", "PageError", "StoreError", "TextReuseError")},
    "IndexConfig": ("textreuse.index.candidates", "IndexConfig"),
    **{name: ("textreuse.index.tokenize", name) for name in ("Tokens", "tokenize")},
    "HtmlConfig": ("textreuse.ingest.html", "HtmlConfig"),
    "IngestConfig": ("textreuse.ingest.read", "IngestConfig"),
    **{name: ("textreuse.model", name) for name in ("Document", "Pair", "Passage", "Reject")},
    "RelateConfig": ("textreuse.relate.pairs", "RelateConfig"),
    **{name: ("textreuse.relate.stories", name) for name in ("Member", "Story")},
}


def __getattr__(name: str) -> typing.Any:
    """Return the package's name `name`, loading its module the first time."""
    try:
        module, attr = _FROM[name]
    except KeyError:
        raise AttributeError(f"module 'textreuse' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_FROM})


__all__ = [
    "AlignConfig",
    "AlignError",
    "Config",
    "Document",
    "HtmlConfig",
    "IndexConfig",
    "IngestConfig",
    "IngestError",
    "Member",
    "PageError",
    "Pair",
    "Passage",
    "Reject",
    "RelateConfig",
    "Result",
    "ScanResult",
    "StoreError",
    "Story",
    "SummaryConfig",
    "TextReuseError",
    "Tokens",
    "TraceResult",
    "__version__",
    "align_texts",
    "open",
    "relate_documents",
    "scan",
    "scan_documents",
    "tokenize",
    "trace",
]
