"""Read inputs into documents: folders of text files, single files, JSONL files,
web pages (HTML files, WARC archives, HTML in records) and tables (CSV, Parquet).

Every file or record that cannot be read becomes a :class:`Reject` with its reason;
reading goes on.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import json
import os
import re
import stat
import sys
import zlib
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

import orjson

from textreuse.errors import IngestError
from textreuse.ingest.decode import decode
from textreuse.ingest.html import (
    HTML_SUFFIXES,
    HtmlConfig,
    PageTask,
    decode_html,
    extract_pages,
    looks_like_html,
    too_large,
)
from textreuse.ingest.limits import (
    MAX_DOC_BYTES,
    bad_name,
    check_regular,
    open_regular,
    read_regular,
    shown,
    size_reject,
)
from textreuse.ingest.warc import is_warc_path, warc_items
from textreuse.model import Document, Reject

JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_SUFFIXES = (".csv", ".tsv")
PARQUET_SUFFIXES = (".parquet",)
_META = ("url", "date", "title", "source")


STDIN = "-"  # the input that names standard input
STDIN_NAME = "stdin"  # its path in rejects, and the id of a text read from it
StdinFormat = Literal["auto", "jsonl", "text", "html"]


@dataclass(frozen=True)
class IngestConfig:
    """How inputs are read: the id and text fields of records and tables, and web pages.

    A record or row with no text but an ``html`` field is read as a web page.
    `include` and `exclude` pick the files of a folder by glob pattern (a pattern
    without ``/`` matches the file name, one with ``/`` its path in the folder; see
    :func:`selected`). `stdin_format` says how the input ``-`` (standard input) is
    read: ``auto`` sniffs JSONL, HTML or text. A document (a text file, or the text of
    a record) of more than `max_doc_bytes` bytes is rejected unread (kind
    ``too_large``; ``--max-doc-bytes``, 64 MB by default); web pages have their own
    limit, ``html.max_bytes``.
    """

    id_column: str = "id"
    text_column: str = "text"
    html_column: str = "html"
    html: HtmlConfig = field(default_factory=HtmlConfig)
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    stdin_format: StdinFormat = "auto"
    max_doc_bytes: int = MAX_DOC_BYTES


def selected(relative: str, *, include: Iterable[str] = (), exclude: Iterable[str] = ()) -> bool:
    """Return whether a folder's file (its `relative` path, ``/`` separated) is read.

    It is read when it matches one of `include` (or there is none) and none of
    `exclude`. A pattern without ``/`` matches the file name, one with ``/`` the whole
    relative path; ``*`` also crosses ``/`` there.

    >>> selected("news/a.txt", include=["*.txt"]), selected("ORIGIN.md", exclude=["ORIGIN.md"])
    (True, False)
    >>> selected("news/a.txt", include=["news/*"]), selected("blog/a.txt", include=["news/*"])
    (True, False)
    """

    def hit(pattern: str) -> bool:
        name = relative if "/" in pattern else relative.rsplit("/", 1)[-1]
        return fnmatch.fnmatchcase(name, pattern)

    include = list(include)
    return (not include or any(map(hit, include))) and not any(map(hit, exclude))


Item = Document | Reject | PageTask


def walk_folder(root: Path) -> Iterator[Path | Reject]:
    """Yield the files of folder `root` in name order, and a reject for each folder that
    cannot be listed or link to a folder that is not followed (a link may loop)."""
    # Hidden files and folders (.git, .DS_Store) are not documents.
    unreadable: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=unreadable.append):
        while unreadable:
            yield _folder_reject(unreadable.pop(0))
        kept = []
        for d in sorted(d for d in dirs if not d.startswith(".")):
            sub = Path(folder) / d
            if sub.is_symlink():
                yield Reject(
                    shown(sub),
                    "a symbolic link to a folder is not followed (it may loop); give the folder itself to read it",
                    kind="not_a_file",
                )
            else:
                kept.append(d)
        dirs[:] = kept
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name
    while unreadable:
        yield _folder_reject(unreadable.pop(0))


def _folder_reject(exc: OSError) -> Reject:
    where = shown(exc.filename) if exc.filename is not None else "?"
    fix = "; give read permission (chmod +rx) to read it" if isinstance(exc, PermissionError) else ""
    return Reject(where, f"cannot read folder: {exc.strerror or exc}{fix}; its files were not read", kind="unreadable")


def read_text_file(path: Path, doc_id: str, *, max_bytes: int | None = MAX_DOC_BYTES) -> Document | Reject:
    """Return the file as a document, or a reject saying why it cannot be one.

    Only a regular file (or a link to one) of at most `max_bytes` bytes is read.
    """
    # Spark hands its readers file-like blobs of bytes already read, not paths.
    data = read_regular(path, limit=max_bytes) if isinstance(path, os.PathLike) else path.read_bytes()
    if isinstance(data, Reject):
        return data
    if max_bytes is not None and len(data) > max_bytes:
        return size_reject(str(path), len(data), max_bytes)
    return text_document(data, doc_id, source_path=str(path))


def text_document(data: bytes, doc_id: str, *, source_path: str) -> Document | Reject:
    """Return `data` decoded as one text document, or a reject (kind ``empty``, ``binary``...).

    >>> text_document(b"  \\n", "a", source_path="a.txt").kind, text_document(b"\\x00\\x01" * 50, "b", source_path="b").kind
    ('empty', 'binary')
    """
    if not data.strip():
        return Reject(source_path, "empty file", kind="empty")
    try:
        text, encoding = decode(data)
    except IngestError as exc:
        return Reject(source_path, str(exc), kind=exc.kind or "undecodable")
    if not text.strip():
        return Reject(source_path, "no text after decoding", kind="empty")
    return Document(doc_id, text, source_path=source_path, encoding=encoding)


def sniff(data: bytes) -> Literal["jsonl", "html", "text"]:
    """Return how to read bytes of unknown kind: ``jsonl`` when the first line is a JSON
    object, ``html`` when they begin like a page, else ``text``.

    >>> sniff(b'{"id": "a", "text": "x"}\\n'), sniff(b"<!doctype html><p>x"), sniff(b"{not json")
    ('jsonl', 'html', 'text')
    """
    first = data.lstrip()[:1 << 20].split(b"\n", 1)[0]
    if first.startswith(b"{"):
        try:
            if isinstance(loads(first), dict):
                return "jsonl"
        except (json.JSONDecodeError, UnicodeDecodeError):
            pass
    return "html" if looks_like_html(data) else "text"


def bytes_items(
    data: bytes,
    *,
    fmt: StdinFormat = "auto",
    config: IngestConfig = IngestConfig(),
    doc_id: str = STDIN_NAME,
    source: str = STDIN_NAME,
) -> Iterator[Item]:
    """Yield the documents and rejects of bytes read whole, standard input's by default.

    `fmt` ``auto`` sniffs them (:func:`sniff`). JSONL gives one document per record
    (``SOURCE:LINE`` as path); a text or a page is one document with id `doc_id`.
    Pages come as :class:`PageTask`, for :func:`extract_pages` to extract.
    """
    if not data.strip():
        yield Reject(source, "standard input is empty" if source == STDIN_NAME else "empty file", kind="empty")
        return
    kind = sniff(data) if fmt == "auto" else fmt
    if kind == "jsonl":
        yield from _jsonl_records(io.BytesIO(data), Path(source), config)
    elif kind == "html":
        yield _html_item(data, Path(source), doc_id, config=config.html, size=len(data))
    elif len(data) > config.max_doc_bytes:
        yield size_reject(source, len(data), config.max_doc_bytes, what="the text")
    else:
        yield text_document(data, doc_id, source_path=source)


def read_stdin(
    *,
    fmt: StdinFormat = "auto",
    config: IngestConfig = IngestConfig(),
    doc_id: str = STDIN_NAME,
    stream: IO[bytes] | None = None,
) -> list[Document | Reject]:
    """Return the documents and rejects of standard input (or `stream`), pages extracted."""
    data = (stream or sys.stdin.buffer).read()
    return list(extract_pages(bytes_items(data, fmt=fmt, config=config, doc_id=doc_id)))


def read_html_file(path: Path, doc_id: str, *, config: HtmlConfig = HtmlConfig()) -> Document | Reject:
    """Return the page in an HTML file (``.html``, ``.htm``, or gzipped ``.html.gz``) as a document.

    Its raw text is the page's main text; the page's canonical URL, if any, is its url.
    """
    item = html_file_item(path, doc_id, config=config)
    return item.run() if isinstance(item, PageTask) else item


def html_file_item(path: Path, doc_id: str, *, config: HtmlConfig = HtmlConfig()) -> Item:
    """Return :func:`read_html_file`'s result, a page still to extract as a :class:`PageTask`."""
    fd = open_regular(path)
    if isinstance(fd, Reject):
        return fd
    try:
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(config.max_bytes + 1)
    except OSError as exc:
        return Reject(str(path), f"cannot read file: {exc.strerror or exc}")
    if path.suffix.lower() == ".gz":
        try:
            data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, config.max_bytes + 1)
        except zlib.error as exc:
            return Reject(str(path), f"not a gzip file ({exc}); name it .html if it is plain HTML")
    size = None if path.suffix.lower() == ".gz" else path.stat().st_size
    return _html_item(data, path, doc_id, config=config, size=size)


def _html_item(data: bytes, path: Path, doc_id: str, *, config: HtmlConfig, size: int | None) -> Item:
    if len(data) > config.max_bytes:
        error = too_large(size, config.max_bytes)
        return Reject(str(path), str(error), kind=error.kind)
    if not data.strip():
        return Reject(str(path), "empty file", kind="no_text")
    try:
        html, encoding = decode_html(data)
    except IngestError as exc:
        return Reject(str(path), str(exc), kind=exc.kind or "undecodable")
    return PageTask(
        html, doc_id=doc_id, source_path=str(path), reject_path=str(path), encoding=encoding, config=config
    )


def _meta(record: Mapping[str, Any]) -> dict[str, str | None]:
    return {k: (None if _missing(v := record.get(k)) else str(v)) for k in _META}


def _missing(value: object) -> bool:
    # NaN is how pandas writes a missing value to JSON and Parquet.
    return value is None or (isinstance(value, float) and value != value)


def _type_name(value: object) -> str:
    return {list: "an array", dict: "an object", bool: "a boolean", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def _bad_fields(record: Mapping[str, Any], id_key: str, *, typed: bool) -> str | None:
    """Return why a record's id or metadata cannot be stored as given, or None.

    An id is a non-empty string (a JSON number is not one: ``1`` and ``"1"`` would be one
    id), or, from a typed table (`typed`: Parquet), an integer column's value. In JSON, a
    url, date, title or source is a string or null, never stored as a Python repr.
    """
    doc_id = record.get(id_key)
    if isinstance(doc_id, str):
        if not doc_id.strip():
            return f"has an empty {id_key!r}; every record needs a non-empty id"
    elif not (typed and isinstance(doc_id, int) and not isinstance(doc_id, bool)):
        shown_id = json.dumps(doc_id, ensure_ascii=True, default=str)[:60]
        return f"{id_key!r} must be a string, not {_type_name(doc_id)} ({shown_id}); write it as a JSON string"
    if not typed:
        for key in _META:
            value = record.get(key)
            if not _missing(value) and not isinstance(value, str):
                return f"{key!r} must be a string or null, not {_type_name(value)}; fix or drop the field"
    return None


def record_document(
    record: Mapping[str, Any], *, path: Path, line: int, config: IngestConfig = IngestConfig()
) -> Document | Reject:
    """Return one record (a JSON object or table row) as a document, or a reject saying why.

    The text is the record's text field; without one, its html field is read as a page.
    """
    item = record_item(record, path=path, line=line, config=config)
    return item.run() if isinstance(item, PageTask) else item


def record_item(
    record: Mapping[str, Any], *, path: Path, line: int, config: IngestConfig = IngestConfig(), typed: bool = True
) -> Item:
    """Return :func:`record_document`'s result, a page still to extract as a :class:`PageTask`.

    `typed` is False for JSON records, whose fields may hold any type: their id must
    then be a string, and their metadata strings (see :func:`_bad_fields`).
    """
    id_key, text_key, html_key = config.id_column, config.text_column, config.html_column
    doc_id, text, html = record.get(id_key), record.get(text_key), record.get(html_key)
    if doc_id is None or (not isinstance(text, str) and not isinstance(html, str)):
        return Reject(str(path), f"missing {id_key!r} or string {text_key!r}", line=line)
    problem = _bad_fields(record, id_key, typed=typed)
    if problem is not None:
        return Reject(str(path), f"record {problem}", line=line, kind="bad_field")
    if isinstance(text, str):
        if not text.strip():
            return Reject(str(path), f"record {doc_id!r} has empty text", line=line, kind="empty")
        if len(text) > config.max_doc_bytes // 4 and (size := len(text.encode("utf-8", "surrogatepass"))) > config.max_doc_bytes:
            return size_reject(str(path), size, config.max_doc_bytes, line=line, what=f"the text of record {doc_id!r}")
        m = _meta(record)
        return Document(
            str(doc_id), text, source_path=f"{path}:{line}", encoding="utf-8",
            url=m["url"], date=m["date"], title=m["title"], source=m["source"],
        )
    assert isinstance(html, str)
    meta = _meta(record)
    return PageTask(
        html,
        doc_id=str(doc_id),
        source_path=f"{path}:{line}",
        reject_path=str(path),
        url=meta["url"],
        meta=tuple(meta.items()),
        config=config.html,
        line=line,
        where=f"record {doc_id!r}: ",
    )


def read_jsonl(path: Path, *, config: IngestConfig = IngestConfig()) -> Iterator[Document | Reject]:
    """Yield one document per good line of a JSONL file and one reject per bad line."""
    return extract_pages(jsonl_items(path, config=config))


# Half of a UTF-16 surrogate pair: valid in a JSON escape, but no UTF-8 text can hold it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def loads(line: bytes) -> Any:
    """Return the JSON value of one line as the standard library parses it, through
    orjson (several times faster) where both agree.

    orjson refuses NaN and lone surrogates, and reads integers past 64 bits as floats:
    a line it refuses, or whose record holds a float, is parsed again by ``json``. A
    lone surrogate (``"\\ud83d"`` without its pair) in a record's strings becomes
    U+FFFD, one code point for one, so offsets hold and the text can be stored.
    """
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        value = json.loads(line)
        if isinstance(value, dict):
            value = {
                k: _LONE_SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v for k, v in value.items()
            }
        return value
    if isinstance(value, dict) and any(type(v) is float for v in value.values()):
        return json.loads(line)
    return value


def jsonl_items(path: Path, *, config: IngestConfig = IngestConfig()) -> Iterator[Item]:
    """Yield what :func:`read_jsonl` yields, pages still to extract as :class:`PageTask`."""
    if not isinstance(path, os.PathLike):  # a Spark blob of bytes already read
        with path.open("rb") as handle:
            yield from _jsonl_records(handle, path, config)
        return
    fd = open_regular(path)
    if isinstance(fd, Reject):
        yield fd
        return
    with os.fdopen(fd, "rb") as handle:
        yield from _jsonl_records(handle, path, config)


def _lines(handle: IO[bytes], cap: int) -> Iterator[tuple[bytes | None, int]]:
    """Yield each line of `handle` with its length, None for one of more than `cap` bytes
    (read on to its end in pieces, never held whole)."""
    while True:
        line = handle.readline(cap + 2)
        if not line:
            return
        if len(line) <= cap + 1 or line.endswith(b"\n"):
            yield line, len(line)
            continue
        size = len(line)
        while line and not line.endswith(b"\n"):
            line = handle.readline(1 << 20)
            size += len(line)
        yield None, size


def _jsonl_records(handle: IO[bytes], path: Path, config: IngestConfig) -> Iterator[Item]:
    for number, (line, size) in enumerate(_lines(handle, config.max_doc_bytes), start=1):
        if line is None:
            yield size_reject(str(path), size, config.max_doc_bytes, line=number, what="the line")
            continue
        if not line.strip():
            continue
        try:
            record = loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            yield Reject(str(path), f"not valid JSON: {exc}", line=number)
            continue
        if not isinstance(record, dict):
            yield Reject(
                str(path),
                f"a line must be a JSON object with {config.id_column!r} and {config.text_column!r}",
                line=number,
            )
            continue
        yield record_item(record, path=path, line=number, config=config, typed=False)


def _check_columns(path: Path, columns: list[str], config: IngestConfig) -> str | None:
    missing = []
    if config.id_column not in columns:
        missing.append(f"no id column {config.id_column!r} (choose one with --id-column)")
    if config.text_column not in columns and config.html_column not in columns:
        missing.append(f"no text column {config.text_column!r} (choose one with --text-column)")
    if missing:
        return "; ".join(missing) + f"; the columns are {', '.join(map(repr, columns)) or 'none'}"
    return None


def read_csv(path: Path, *, config: IngestConfig = IngestConfig()) -> Iterator[Document | Reject]:
    """Yield one document per row of a CSV (or tab-separated ``.tsv``) file with a header row.

    Rows are numbered as records (the header is row 0), whatever line breaks their
    quoted fields hold.
    """
    return extract_pages(csv_items(path, config=config))


def csv_items(path: Path, *, config: IngestConfig = IngestConfig()) -> Iterator[Item]:
    """Yield what :func:`read_csv` yields, pages still to extract as :class:`PageTask`."""
    data = read_regular(path)
    if isinstance(data, Reject):
        yield data
        return
    try:
        text, _ = decode(data)
    except IngestError as exc:
        yield Reject(str(path), str(exc))
        return
    csv.field_size_limit(1 << 30)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(rows)
    except StopIteration:
        yield Reject(str(path), "empty file", kind="empty")
        return
    except csv.Error as exc:
        yield Reject(str(path), f"not a valid CSV header row: {exc}")
        return
    problem = _check_columns(path, header, config)
    if problem:
        yield Reject(str(path), problem)
        return
    number = 0
    while True:
        number += 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Reject(str(path), f"not valid CSV: {exc}; the rest of the file is not read", line=number)
            return
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield Reject(str(path), f"row has {len(row)} fields, the header {len(header)}", line=number)
            continue
        record = {k: (v if v != "" or k in (config.text_column, config.id_column) else None) for k, v in zip(header, row)}
        yield record_item(record, path=path, line=number, config=config)


def read_parquet(path: Path, *, config: IngestConfig = IngestConfig()) -> Iterator[Document | Reject]:
    """Yield one document per row of a Parquet file, read in batches to bound memory."""
    return extract_pages(parquet_items(path, config=config))


def parquet_items(path: Path, *, config: IngestConfig = IngestConfig()) -> Iterator[Item]:
    """Yield what :func:`read_parquet` yields, pages still to extract as :class:`PageTask`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    not_file = check_regular(path)
    if not_file is not None:
        yield not_file
        return
    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        yield Reject(str(path), f"not a readable Parquet file: {exc}")
        return
    columns = parquet.schema_arrow.names
    problem = _check_columns(path, columns, config)
    if problem:
        yield Reject(str(path), problem)
        return
    wanted = [c for c in dict.fromkeys((config.id_column, config.text_column, config.html_column, *_META)) if c in columns]
    number = 0
    try:
        for batch in parquet.iter_batches(batch_size=1024, columns=wanted):
            for record in batch.to_pylist():
                number += 1
                yield record_item(record, path=path, line=number, config=config)
    except (OSError, pa.ArrowException) as exc:
        yield Reject(str(path), f"Parquet file unreadable after row {number}: {exc}")


def _is_html_path(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(HTML_SUFFIXES) or name.endswith(tuple(s + ".gz" for s in HTML_SUFFIXES))


def file_items(
    path: Path, doc_id: str, *, taken: Container[str] = (), config: IngestConfig = IngestConfig()
) -> Iterator[Item]:
    """Yield the documents and rejects of one file, read by its kind (from its name).

    Pages come as :class:`PageTask`, for :func:`extract_pages` to extract.
    """
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from jsonl_items(path, config=config)
    elif is_warc_path(path):
        not_file = check_regular(path)
        yield from warc_items(path, taken=taken, config=config.html) if not_file is None else [not_file]
    elif _is_html_path(path):
        yield html_file_item(path, doc_id, config=config.html)
    elif suffix in CSV_SUFFIXES:
        yield from csv_items(path, config=config)
    elif suffix in PARQUET_SUFFIXES:
        yield from parquet_items(path, config=config)
    else:
        yield read_text_file(path, doc_id, max_bytes=config.max_doc_bytes)


def read_inputs(
    paths: Iterable[str | Path],
    *,
    config: IngestConfig = IngestConfig(),
    workers: int = 1,
    known: Mapping[str, str] | None = None,
) -> Iterator[Document | Reject]:
    """Yield documents and rejects from files and folders, ids unique across them.

    A folder's text and HTML files get their path relative to the folder as id;
    JSONL, CSV and Parquet records their id field; WARC pages their URI. A second
    document with an id already seen is rejected, naming both places (a WARC page
    seen before is named by its URI and record id instead). `known` maps the ids read
    before (by an earlier scan of the same database) to where they were read: they count
    as seen, as they would in one scan of all the inputs.

    Web pages are extracted on `workers` processes; what is yielded, and its order,
    do not depend on how many.
    """
    seen: dict[str, str] = dict(known or {})
    # Ids handed on before their page is extracted, so a WARC names a repeat by its record id.
    claimed: set[str] = set(seen)
    for item in extract_pages(_items(paths, claimed, config), workers=workers):
        if isinstance(item, Document):
            item = storable(item)
        if isinstance(item, Document):
            if item.id in seen:
                item = Reject(
                    item.source_path,
                    f"duplicate id {item.id!r}: already read from {seen[item.id]}; ids must be unique",
                )
            else:
                seen[item.id] = item.source_path
        yield item


def storable(doc: Document) -> Document | Reject:
    """Return `doc`, or a reject if one of its fields cannot be stored as UTF-8 (a lone
    surrogate from a file name or a header): the database would refuse the whole table."""
    for name in ("id", "source_path", "url", "date", "title", "source", "encoding", "author", "site_name",
                 "canonical_url", "capture_date"):
        value = getattr(doc, name)
        if value is None:
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return Reject(
                shown(doc.source_path), f"document {shown(doc.id)!r}: its {name} is not valid Unicode "
                "(a lone surrogate); fix the input's encoding to read it", kind="bad_field",
            )
    return doc


def internal(where: str, stage: str, exc: BaseException, *, lost: str) -> Reject:
    """Return the reject of an unexpected failure (a bug, kind ``internal``) while `stage` ran on one input.

    >>> internal("a.txt", "reading", ValueError("boom"), lost="the file was not read").reason
    'internal error while reading: ValueError: boom; the file was not read (please report it)'
    """
    return Reject(
        shown(where), f"internal error while {stage}: {type(exc).__name__}: {exc}; {lost} (please report it)",
        kind="internal",
    )


def input_size(paths: Iterable[str | Path], *, config: IngestConfig = IngestConfig()) -> int:
    """Return the bytes in the files :func:`read_inputs` would read from `paths` (standard input: 0)."""
    total = 0
    for given in paths:
        root = Path(given)
        if str(given) == STDIN or not root.exists():
            continue
        for p in walk_folder(root) if root.is_dir() else [root]:
            if isinstance(p, Reject) or (
                p is not root and not selected(p.relative_to(root).as_posix(), include=config.include, exclude=config.exclude)
            ):
                continue
            try:
                info = p.stat()
            except OSError:  # a broken link: read_inputs rejects it
                continue
            if stat.S_ISREG(info.st_mode):  # a FIFO or a device has no size to read
                total += info.st_size
    return total


def _items(paths: Iterable[str | Path], claimed: set[str], config: IngestConfig) -> Iterator[Item]:
    for given in paths:
        if str(given) == STDIN:
            for item in bytes_items(sys.stdin.buffer.read(), fmt=config.stdin_format, config=config):
                if not isinstance(item, Reject):
                    claimed.add(item.doc_id if isinstance(item, PageTask) else item.id)
                yield item
            continue
        root = Path(given)
        files: list[tuple[Path, str] | Reject]
        if root.is_dir():
            files = [p if isinstance(p, Reject) else (p, rel) for p in walk_folder(root)
                     if isinstance(p, Reject)
                     or selected(rel := p.relative_to(root).as_posix(), include=config.include, exclude=config.exclude)]
        elif root.exists() or root.is_symlink():
            files = [(root, root.name)]
        else:
            yield Reject(shown(root), "no such file or folder")
            continue
        for entry in files:
            if isinstance(entry, Reject):
                yield entry
                continue
            path, doc_id = entry
            refused = bad_name(path)
            if refused is not None:
                yield refused
                continue
            try:
                for item in file_items(path, doc_id, taken=claimed, config=config):
                    if not isinstance(item, Reject):
                        claimed.add(item.doc_id if isinstance(item, PageTask) else item.id)
                    yield item
            except Exception as exc:  # noqa: BLE001 - one file's failure costs only that file
                yield internal(str(path), "reading", exc, lost="the file (or the rest of it) was not read")
