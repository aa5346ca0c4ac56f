"""Bytes to text: UTF-8 first, byte-order marks, then charset detection."""

from __future__ import annotations

import codecs

from textreuse.errors import IngestError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(sample.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13, 27))
    return controls > len(sample) * 0.1


def decode(data: bytes) -> tuple[str, str]:
    """Return the text of `data` and the encoding used; raise IngestError if it is not text.

    >>> decode("café".encode("utf-8"))
    ('café', 'utf-8')
    >>> decode("café".encode("utf-16"))
    ('café', 'utf-16')
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise IngestError(f"starts with a {encoding} byte-order mark but is not {encoding}: {exc}") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _looks_binary(data):
        raise IngestError("binary content (NUL or control bytes), not text; convert it to text first")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise IngestError("not valid UTF-8 and no character encoding fits; re-save it as UTF-8")
    return str(best), str(best.encoding)
