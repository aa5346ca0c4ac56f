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
