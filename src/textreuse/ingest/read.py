"""Read inputs into documents: folders of text files, single files, JSONL files.

Every file or record that cannot be read becomes a :class:`Reject` with its reason;
reading goes on.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from textreuse.errors import IngestError
from textreuse.ingest.decode import decode
from textreuse.model import Document, Reject

JSONL_SUFFIXES = (".jsonl", ".ndjson")
_META = ("url", "date", "title", "source")


def _walk(root: Path) -> Iterator[Path]:
    # Hidden files and folders (.git, .DS_Store) are not documents.
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name


def read_text_file(path: Path, doc_id: str) -> Document | Reject:
    """Return the file as a document, or a reject saying why it cannot be one."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Reject(str(path), f"cannot read file: {exc.strerror or exc}")
    if not data.strip():
        return Reject(str(path), "empty file")
    try:
        text, encoding = decode(data)
    except IngestError as exc:
        return Reject(str(path), str(exc))
    if not text.strip():
        return Reject(str(path), "no text after decoding")
    return Document(doc_id, text, source_path=str(path), encoding=encoding)


def read_jsonl(path: Path) -> Iterator[Document | Reject]:
    """Yield one document per good line of a JSONL file and one reject per bad line."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Reject(str(path), f"cannot read file: {exc.strerror or exc}")
        return
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                yield Reject(str(path), f"not valid JSON: {exc}", line=number)
                continue
            if not isinstance(record, dict):
                yield Reject(str(path), "a line must be a JSON object with 'id' and 'text'", line=number)
                continue
            doc_id, text = record.get("id"), record.get("text")
            if doc_id is None or not isinstance(text, str):
                yield Reject(str(path), "missing 'id' or string 'text'", line=number)
                continue
            if not text.strip():
                yield Reject(str(path), f"record {doc_id!r} has empty text", line=number)
                continue
            meta = {k: (str(record[k]) if record.get(k) is not None else None) for k in _META}
            yield Document(
                str(doc_id), text, source_path=f"{path}:{number}", encoding="utf-8", **meta
            )


def read_inputs(paths: Iterable[str | Path]) -> Iterator[Document | Reject]:
    """Yield documents and rejects from files and folders, ids unique across them.

    A folder's text files get their path relative to the folder as id; JSONL records
    their ``id`` field. A second document with an id already seen is rejected,
    naming both places.
    """
    seen: dict[str, str] = {}
    for given in paths:
        root = Path(given)
        if root.is_dir():
            files = [(p, p.relative_to(root).as_posix()) for p in _walk(root)]
        elif root.exists():
            files = [(root, root.name)]
        else:
            yield Reject(str(root), "no such file or folder")
            continue
        for path, doc_id in files:
            items = read_jsonl(path) if path.suffix.lower() in JSONL_SUFFIXES else [read_text_file(path, doc_id)]
            for item in items:
                if isinstance(item, Document):
                    if item.id in seen:
                        item = Reject(
                            item.source_path,
                            f"duplicate id {item.id!r}: already read from {seen[item.id]}; ids must be unique",
                        )
                    else:
                        seen[item.id] = item.source_path
                yield item
