"""Web archives into documents: the HTML responses of a WARC or WARC.gz file, read with FastWARC.

Each HTTP response with an HTML page becomes a document whose id is its
WARC-Target-URI (the URI and the record id when the URI was seen before), whose
``capture_date`` is the WARC-Date and whose raw text is the page's main text.

Every other response, revisit and truncated record is a reject with its offset and
why. A corrupt gzip member is rejected with its offset, and reading goes on at the
next member, so one bad member costs only the records inside it.
"""

from __future__ import annotations

import mmap
import zlib
from collections.abc import Container, Iterator
from pathlib import Path
from typing import Any

from textreuse.errors import IngestError
from textreuse.ingest.html import (
    HtmlConfig,
    PageTask,
    decode_html,
    extract_pages,
    looks_like_html,
    too_large,
)
from textreuse.model import Document, Reject

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc.gz")
GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/1."
HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_warc_path(path: Path) -> bool:
    """Return whether the file name says WARC (``.warc`` or ``.warc.gz``).

    >>> is_warc_path(Path("crawl.warc.gz")), is_warc_path(Path("page.html"))
    (True, False)
    """
    return path.name.lower().endswith((".warc", ".warc.gz"))


def _dechunk(data: bytes) -> bytes:
    """Return the body of an HTTP chunked transfer encoding, or raise ValueError."""
    out, pos = bytearray(), 0
    while True:
        eol = data.index(b"\r\n", pos) if b"\r\n" in data[pos : pos + 1024] else data.index(b"\n", pos)
        size = int(data[pos:eol].split(b";")[0].strip(), 16)
        pos = eol + (2 if data[eol : eol + 2] == b"\r\n" else 1)
        if size == 0:
            return bytes(out)
        if pos + size > len(data):
            raise ValueError("chunk runs past the end of the record")
        out += data[pos : pos + size]
        pos += size
        pos += 2 if data[pos : pos + 2] == b"\r\n" else 1 if data[pos : pos + 1] == b"\n" else 0


def decode_payload(data: bytes, *, transfer: str | None, content: str | None) -> bytes:
    """Return the HTTP payload with its transfer and content encodings undone.

    Archives often keep the headers of a body they stored decoded, so a body that
    cannot be decoded but already looks like HTML is kept as it is.

    >>> decode_payload(b"5\\r\\nhello\\r\\n0\\r\\n\\r\\n", transfer="chunked", content=None)
    b'hello'
    """
    try:
        if transfer and "chunked" in transfer.lower():
            data = _dechunk(data)
        coding = (content or "").strip().lower()
        if coding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data)
        if coding == "deflate":
            try:
                return zlib.decompress(data)
            except zlib.error:
                return zlib.decompress(data, -zlib.MAX_WBITS)
        if coding == "br":
            import brotli  # shipped with trafilatura's dependencies

            return bytes(brotli.decompress(data))
        return data
    except Exception as exc:  # noqa: BLE001 - any failure means the body is not what the headers say
        if looks_like_html(data):
            return data
        raise IngestError(f"cannot undo the HTTP encoding ({transfer or ''} {content or ''}): {exc}") from None


class _Source:
    """The file's bytes (memory-mapped) and where records can start."""

    def __init__(self, path: Path, mm: mmap.mmap) -> None:
        self.path, self.mm = path, mm
        self.gzip = mm[:3] == GZIP_MAGIC
        self.marker = GZIP_MAGIC if self.gzip else WARC_MAGIC

    def next_start(self, after: int) -> int | None:
        """Return the offset of the next member (gzip) or record (plain) after `after`."""
        pos = self.mm.find(self.marker, after + 1)
        while pos > 0 and not self.gzip and self.mm[pos - 1 : pos] != b"\n":
            pos = self.mm.find(self.marker, pos + 1)
        return pos if pos >= 0 else None

    def not_warc(self) -> str | None:
        """Return why the file is not a WARC file, or None if it starts like one."""
        head = self.mm[:4096]
        if self.gzip:
            try:
                head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(self.mm[:65536], 64)
            except zlib.error:
                return None  # a corrupt first member: rejected as such, the rest read
        if head.startswith(WARC_MAGIC):
            return None
        return (
            f"not a WARC file: it starts with {bytes(head[:16])!r} where a WARC starts with 'WARC/1.0' "
            "or 'WARC/1.1'; give the file its real extension (.html, .jsonl, .txt) to read it as such"
        )


def _uri(headers: Any) -> str:
    return str(headers.get("WARC-Target-URI") or "").strip().strip("<>")


def read_warc(
    path: Path, *, taken: Container[str] = (), config: HtmlConfig = HtmlConfig()
) -> Iterator[Document | Reject]:
    """Yield a document per HTML response of a WARC file, a reject per other record or damage.

    A repeat of a URI (in this file or in `taken`, ids already read) gets the record
    id after the URI: ``http://site/page#urn:uuid:...``.
    """
    return extract_pages(warc_items(path, taken=taken, config=config))


def warc_items(
    path: Path, *, taken: Container[str] = (), config: HtmlConfig = HtmlConfig()
) -> Iterator[Document | Reject | PageTask]:
    """Yield what :func:`read_warc` yields, pages still to extract as :class:`PageTask`."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Reject(str(path), f"cannot read file: {exc.strerror or exc}")
        return
    with handle:
        if path.stat().st_size == 0:
            yield Reject(str(path), "empty file", kind="not_warc")
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            source = _Source(path, mm)
            reason = source.not_warc()
            if reason:
                yield Reject(str(path), reason, kind="not_warc")
                return
            yield from _read_from(source, handle, taken, config)


def _read_from(
    source: _Source, handle: Any, taken: Container[str], config: HtmlConfig
) -> Iterator[Reject | PageTask]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    path, seen = str(source.path), set[str]()
    start: int | None = 0
    began = -1
    # Each restart begins past the last one, so a damaged file is read once, not forever.
    while start is not None and start > began:
        began = start
        handle.seek(start)
        records = iter(
            ArchiveIterator(
                handle,
                # Every type, so that `last` is the last record read whatever its type.
                record_types=WarcRecordType.any_type,
                parse_http=True,
                auto_decode="none",
            )
        )
        last: int | None = None  # offset of the last record read whole since `start`
        while True:
            try:
                record = next(records)
            except StopIteration:
                start = None
                break
            except OSError as exc:
                bad = start if last is None else source.next_start(last)
                if bad is None:
                    start = None
                    yield Reject(
                        path, f"unreadable data after the record at offset {last}: {exc}; nothing more is read",
                        kind="corrupt",
                    )
                    break
                start = source.next_start(bad)
                kind = "gzip member" if source.gzip else "WARC record"
                then = f"reading goes on at offset {start}" if start is not None else "nothing readable follows it"
                yield Reject(path, f"corrupt {kind} at offset {bad}: {exc}; its records are lost, {then}", kind="corrupt")
                break
            offset = int(record.stream_pos)
            if record.record_type not in (WarcRecordType.response, WarcRecordType.revisit):
                last = offset  # requests, metadata, warcinfo: not pages
                continue
            try:
                item = _record(record, offset, path, taken, seen, config)
            except OSError as exc:
                start = source.next_start(offset)
                yield Reject(path, f"record at offset {offset} cannot be read: {exc}", kind="corrupt")
                break
            if isinstance(item, PageTask):
                seen.add(item.doc_id)
            yield item
            last = offset


def _record(
    record: Any, offset: int, path: str, taken: Container[str], seen: set[str], config: HtmlConfig
) -> Reject | PageTask:
    from fastwarc.warc import WarcRecordType

    headers = record.headers
    uri = _uri(headers)
    where = f"record at offset {offset} ({uri or 'no WARC-Target-URI'})"
    if headers.get("Content-Length") is None:
        return Reject(path, f"{where}: skipped, truncated: its WARC header ends without Content-Length", kind="truncated")
    if record.record_type == WarcRecordType.revisit:
        return Reject(path, f"{where}: skipped, a revisit record holds no page of its own", kind="revisit")
    if headers.get("WARC-Truncated"):
        return Reject(
            path,
            f"{where}: skipped, truncated by the crawler (WARC-Truncated: {headers.get('WARC-Truncated')})",
            kind="truncated",
        )
    http = record.http_headers
    if http is None:
        present, expected = len(record.reader.read(1 << 16)), int(record.content_length)
        if present < min(expected, 1 << 16):
            return Reject(path, f"{where}: skipped, truncated: the file ends inside it", kind="truncated")
        return Reject(path, f"{where}: skipped, not an HTTP response", kind="not_html")
    status = int(http.status_code or 0)
    if not 200 <= status < 300:
        return Reject(path, f"{where}: skipped, HTTP status {status} (a redirect or error page)", kind="http_status")
    ctype = (record.http_content_type or "").lower() or None
    if ctype is not None and ctype not in HTML_TYPES:
        return Reject(path, f"{where}: skipped, not HTML ({ctype})", kind="not_html")
    expected = int(record.content_length)
    limit = max(config.max_bytes, 1)
    body = record.reader.read(limit + 1)
    if len(body) > limit:
        return Reject(path, f"{where}: {too_large(None, config.max_bytes)}", kind="too_large")
    if len(body) < expected:
        return Reject(
            path,
            f"{where}: skipped, truncated: {len(body)} of {expected} bytes present (the file ends inside it?)",
            kind="truncated",
        )
    if not uri:
        return Reject(path, f"{where}: a response without WARC-Target-URI cannot be named; skipped", kind="no_uri")
    try:
        body = decode_payload(
            body, transfer=http.get("Transfer-Encoding"), content=http.get("Content-Encoding")
        )
        if ctype is None and not looks_like_html(body):
            return Reject(path, f"{where}: skipped, no Content-Type and the body is not HTML", kind="not_html")
        html, encoding = decode_html(body, charset=record.http_charset)
        doc_id = uri
        if uri in seen or uri in taken:
            doc_id = f"{uri}#{str(headers.get('WARC-Record-ID') or offset).strip('<>')}"
        return PageTask(
            html,
            doc_id=doc_id,
            source_path=f"{path}@{offset}",
            reject_path=path,
            url=uri,
            capture_date=str(headers.get("WARC-Date") or "") or None,
            encoding=encoding,
            config=config,
            where=f"{where}: ",
        )
    except IngestError as exc:
        return Reject(path, f"{where}: {exc}", kind=exc.kind or "undecodable")
